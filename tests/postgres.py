"""A PostgreSQL database for the tests that need one (numbering under concurrency, scale-out):
a pytest plugin, registered in tests/conftest.py, so that any test can ask for ``postgres_url``."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database: ``LOKET_TEST_POSTGRES_URL``, else a throw-away cluster started
    with the local ``initdb``/``pg_ctl`` (as the ``postgres`` user when run as root)."""
    url = os.environ.get("LOKET_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip(
            "PostgreSQL test skipped: the psycopg driver is not installed "
            "(pip install 'psycopg[binary]') and LOKET_TEST_POSTGRES_URL is not set"
        )
    # Debian keeps the server binaries off PATH, in /usr/lib/postgresql/<version>/bin
    search = os.pathsep.join(
        [os.environ.get("PATH", ""), *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    )
    initdb, pg_ctl = shutil.which("initdb", path=search), shutil.which("pg_ctl", path=search)
    if not initdb or not pg_ctl:
        pytest.skip(
            "PostgreSQL test skipped: no server binaries (initdb, pg_ctl) on this "
            "machine and LOKET_TEST_POSTGRES_URL is not set"
        )
    root = Path(tempfile.mkdtemp(prefix="loket-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("PostgreSQL test skipped: running as root without runuser")
        shutil.chown(root, "postgres")
        prefix = [runuser, "-u", "postgres", "--"]
    data, sock = root / "data", root
    port = 54000 + os.getpid() % 1000
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *prefix,
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-l",
            str(root / "log"),
            "-o",
            f"-k {sock} -p {port} -c listen_addresses='' -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [
                *prefix,
                "psql",
                "-h",
                str(sock),
                "-p",
                str(port),
                "-U",
                "postgres",
                "-c",
                "CREATE DATABASE loket",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@/loket?host={sock}&port={port}"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)
