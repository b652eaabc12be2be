"""``loket serve``: one machine, one command — a Prefect server (SQLite under ``var/prefect``,
UI on loopback) and a runner process serving every deployment, watched over until Ctrl-C.

The supervisor (this module) holds ``var/serve.lock`` for its lifetime, so a second
``loket serve`` on the same data refuses to start; validates the rules files first and
refuses to start on errors; sets a umask of 0o027 (nothing it or its children write is
world-readable); puts its Prefect API behind the office's auth string (generated on first
start, ``var/prefect-api-auth``, see :mod:`flows.runtime`), which the children and every
client get from their environment; starts the children each in their own process group and,
on SIGINT or SIGTERM, stops them (SIGTERM, then SIGKILL after a grace period) together with
every flow run they started.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flows.runtime import CLIENT_AUTH, SERVER_AUTH, auth_file, ensure_auth_string, read_auth_string
from loket.common.settings import UMASK, Settings

LOCK_FILE = "serve.lock"
SERVER_START_TIMEOUT = 120.0
STOP_GRACE = 20.0


class ServeError(RuntimeError):
    """loket serve cannot start; the message is for the officer (Indonesian + English)."""


class AlreadyRunning(ServeError):
    pass


@contextlib.contextmanager
def single_instance(settings: Settings) -> Iterator[Path]:
    """Hold ``var/serve.lock``; raise :class:`AlreadyRunning` when another serve holds it."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / LOCK_FILE
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            raise AlreadyRunning(
                f"loket serve sudah berjalan untuk data ini (pid {pid}, kunci {path}). / "
                f"loket serve is already running on this data (pid {pid}, lock {path})."
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_rules(settings: Settings) -> list[str]:
    """Every problem of every rules file (officials included); empty when all are valid."""
    from loket.office.rulesets import check_file, rules_files

    if not settings.rules_dir.is_dir():
        return [f"{settings.rules_dir}: folder aturan tidak ada / rules folder missing"]
    problems: list[str] = []
    for path in rules_files(settings.rules_dir):
        problems += check_file(path)
    return problems


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def authorized(api_url: str, auth: str | None, timeout: float = 10.0) -> bool:
    """Whether the API accepts ``auth`` (a request that needs it, not the open health check);
    a server without an auth string accepts anything."""
    request = urllib.request.Request(f"{api_url}/admin/version")
    if auth:
        token = base64.b64encode(auth.encode("utf-8")).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status == 200
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            return False
        raise


def _authorized_or_error(api_url: str, auth: str | None) -> bool:
    try:
        return authorized(api_url, auth)
    except OSError as exc:
        raise ServeError(
            f"Server Prefect {api_url} tidak menjawab / does not answer: {exc}"
        ) from exc


def office_auth(settings: Settings) -> str | None:
    """The API auth string of this office's Prefect: its own server's (made on first start),
    or, for an external server (``prefect_api_url``), ``PREFECT_API_AUTH_STRING`` or the file
    ``prefect_auth_file`` (None when neither is set: that server must then be open)."""
    if not settings.prefect_api_url:
        return ensure_auth_string(settings)
    return os.environ.get(CLIENT_AUTH) or read_auth_string(settings)


def auth_note(settings: Settings, auth: str | None) -> str:
    """The start message's line about the API's auth string: where the UI's login is, or a
    warning that the external server is used without one."""
    if not settings.prefect_api_url:
        return f"Login UI: auth string dalam / in {auth_file(settings)}\n"
    if auth:
        return ""
    return (
        "PERINGATAN: server Prefect tanpa auth string (prefect_auth_file / "
        "PREFECT_API_AUTH_STRING); siapa pun yang menjangkaunya dapat melanjutkan flow run. / "
        "WARNING: external Prefect server used without an auth string.\n"
    )


def child_env(settings: Settings, api_url: str, auth: str | None = None) -> dict[str, str]:
    """Environment of the children: loket's Prefect defaults, the API URL and its auth
    string (the server's too when loket starts it), telemetry off."""
    env = dict(os.environ)
    env.pop(SERVER_AUTH, None)
    if auth:
        env[CLIENT_AUTH] = auth
        if not settings.prefect_api_url:
            env[SERVER_AUTH] = auth
    env.setdefault("LOKET_HOME", str(settings.home))
    env.setdefault("PREFECT_HOME", str(settings.var_dir / "prefect"))
    env.update(
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    env.setdefault("PREFECT_UI_API_URL", api_url)
    env.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "2")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    env.setdefault("OMP_THREAD_LIMIT", "1")
    Path(env["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    return env


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log: IO[bytes]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace: float = STOP_GRACE) -> None:
        """SIGTERM to the child's whole process group, SIGKILL after ``grace`` seconds."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self.proc.poll() is not None and not _group_alive(self.proc.pid):
                    self.log.close()
                    return
                time.sleep(0.2)
        self.log.close()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _spawn(name: str, cmd: list[str], env: dict[str, str], logs: Path) -> Child:
    logs.mkdir(parents=True, exist_ok=True)
    log = (logs / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    return Child(name, proc, log)


class RunningOffice:
    """The running office: ``loket serve``'s children (Prefect server, runner, warm intake)
    and their shutdown. Not the composition root, which is :class:`loket.office.Office`."""

    def __init__(self, settings: Settings, say: object = print) -> None:
        self.settings = settings
        self.say = say
        self.children: list[Child] = []
        self.stopping = False
        self.api_url = settings.prefect_api_url or (
            f"http://{settings.server_host}:{settings.server_port}/api"
        )
        self.ui_url = self.api_url.removesuffix("/api")
        self.auth: str | None = None

    def _print(self, text: str) -> None:
        self.say(text)  # type: ignore[operator]

    def start(self) -> None:
        s = self.settings
        try:
            auth = self.auth = office_auth(s)
        except OSError as exc:  # a link, a file others may read, unreadable
            raise ServeError(f"Auth string Prefect: {exc}") from exc
        env = child_env(s, self.api_url, auth)
        logs = s.var_dir / "logs"
        bindir = Path(sys.executable).parent
        if not s.prefect_api_url:
            if not port_free(s.server_host, s.server_port):
                raise ServeError(
                    f"Port {s.server_host}:{s.server_port} sudah dipakai program lain; ubah "
                    f"server_port di loket.toml. / Port in use; set server_port in loket.toml."
                )
            prefect_bin = bindir / "prefect"
            cmd = [str(prefect_bin) if prefect_bin.exists() else "prefect"]
            cmd += ["server", "start", "--host", s.server_host, "--port", str(s.server_port)]
            self.children.append(_spawn("prefect-server", cmd, env, logs))
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not healthy(self.api_url):
                if not self.children[0].alive():
                    raise ServeError(
                        f"Server Prefect berhenti; lihat {logs / 'prefect-server.log'}"
                    )
                if time.monotonic() > deadline or self.stopping:
                    raise ServeError("Server Prefect tidak siap / Prefect server did not start")
                time.sleep(0.5)
        elif not healthy(self.api_url, timeout=10):
            raise ServeError(f"Server Prefect {self.api_url} tidak menjawab / does not answer")
        if not _authorized_or_error(self.api_url, auth):
            raise ServeError(
                f"Server Prefect {self.api_url} menolak auth string ({auth_file(s)} atau "
                f"{CLIENT_AUTH}) / the Prefect server refuses the auth string"
            )
        runner = _spawn("runner", [sys.executable, "-m", "flows.office"], env, logs)
        self.children.append(runner)
        ready = logs / "runner.log"
        start_size = ready.stat().st_size if ready.exists() else 0
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while b"READY" not in _tail(ready, start_size):
            if not runner.alive():
                raise ServeError(f"Proses runner berhenti; lihat {ready}")
            if time.monotonic() > deadline or self.stopping:
                raise ServeError("Runner tidak siap / runner did not start")
            time.sleep(0.3)

    def wait(self) -> int:
        """Until a signal asks to stop (0) or a child dies (1)."""
        while not self.stopping:
            for child in self.children:
                if not child.alive():
                    self._print(
                        f"{child.name} berhenti (kode {child.proc.returncode}); lihat "
                        f"{self.settings.var_dir / 'logs' / (child.name + '.log')}"
                    )
                    return 1
            time.sleep(0.5)
        return 0

    def stop(self) -> None:
        for child in reversed(self.children):  # runner first, then the server
            child.stop()
        self.children.clear()


def _tail(path: Path, offset: int) -> bytes:
    if not path.exists():
        return b""
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.read()


def run(settings: Settings, say: object = print) -> int:
    """The whole of ``loket serve``; returns the exit code."""
    os.umask(UMASK)
    problems = check_rules(settings)
    if problems:
        for line in problems:
            say(line)  # type: ignore[operator]
        say(  # type: ignore[operator]
            "Berkas aturan tidak valid; loket serve tidak dijalankan. Perbaiki lalu ulangi "
            "(`loket rules check`). / Invalid rules files; not starting."
        )
        return 2
    try:
        with single_instance(settings):
            office = RunningOffice(settings, say)

            def _stop(signum: int, _frame: object) -> None:
                office.stopping = True

            old = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                office.start()
                login = auth_note(settings, office.auth)
                say(  # type: ignore[operator]
                    f"Loket berjalan. Antarmuka Prefect (UI): {office.ui_url}\n{login}"
                    f"Inbox: {settings.inbox_dir}  Outbox: {settings.outbox_dir}\n"
                    "Tekan Ctrl-C untuk berhenti. / Press Ctrl-C to stop."
                )
                code = office.wait()
            except ServeError as exc:
                say(str(exc))  # type: ignore[operator]
                code = 1
            finally:
                say("Menghentikan loket... / stopping...")  # type: ignore[operator]
                office.stop()
                for sig, handler in old.items():
                    signal.signal(sig, handler)
            say("Loket berhenti. / stopped.")  # type: ignore[operator]
            return code
    except AlreadyRunning as exc:
        say(str(exc))  # type: ignore[operator]
        return 3
