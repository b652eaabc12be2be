"""Messages to applicants (jaminan pelayanan: "petugas wajib menginformasikan melalui SMS").

A message is first written to the ``notifications`` table (the outbox) in the same transaction
as the event that causes it, then sent by :func:`dispatch` through the configured channel:

- ``file`` (default): one text file per message in ``outbox/notifications/`` with the phone
  number and the Indonesian text, for an officer or an SMS modem script to send;
- ``smtp``: an e-mail (e.g. to an e-mail-to-SMS gateway, ``to: "{phone}@gateway"``);
- ``http``: a request to an SMS gateway's HTTP API.

A failed send is retried later with back-off (``retry.backoff_minutes``); a message is never
deleted and never dropped. A crashed sender's claim expires after ``CLAIM_SECONDS``, so a
message may in the worst case be sent twice, never zero times (at-least-once).
Configuration: ``rules/notifikasi.yaml`` (schema :class:`NotifyRules`); secrets come from
environment variables named there, never from the file.
"""

from __future__ import annotations

import os
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from loket.approval.models import Notification
from loket.common.clock import WIB, as_utc, utcnow
from loket.common.rulesfile import load_model
from loket.common.saferegex import RulePattern, compile_rule

NOTIFY_RULES = "notifikasi.yaml"
CLAIM_SECONDS = 600

PENDING = "menunggu"
SENDING = "mengirim"
SENT = "terkirim"
NO_PHONE = "tanpa_nomor"
STATUS_LABELS = {
    PENDING: "menunggu dikirim",
    SENDING: "sedang dikirim",
    SENT: "terkirim",
    NO_PHONE: "nomor HP pemohon tidak ada",
}


class FileChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["file"] = "file"
    folder: str | None = None  # default: <outbox>/notifications


class SmtpChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["smtp"]
    host: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username_env: str | None = None
    password_env: str | None = None
    sender: str
    to: str = Field(description="recipient; {phone} and {reg_no} are replaced")
    subject: str = "Pemberitahuan DPMPTSP Kota Pekanbaru ({reg_no})"
    timeout_seconds: float = 20


class HttpChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["http"]
    url: str
    method: Literal["POST", "GET", "PUT"] = "POST"
    #: header values may contain {env:NAME}, replaced by that environment variable
    headers: dict[str, str] = Field(default_factory=dict)
    #: body fields; values may contain {phone} {text} {reg_no} {id} and {env:NAME}
    json_body: dict[str, str] | None = None
    form: dict[str, str] | None = None
    params: dict[str, str] | None = None
    success_status: list[int] = Field(default_factory=lambda: [200, 201, 202])
    #: a regular expression the response body must match (e.g. '"status":\s*"ok"')
    success_pattern: RulePattern | None = None
    timeout_seconds: float = 15


Channel = Annotated[FileChannel | SmtpChannel | HttpChannel, Field(discriminator="kind")]


class Retry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    backoff_minutes: list[int] = Field(default_factory=lambda: [1, 5, 15, 60, 240], min_length=1)
    alert_after_attempts: int = Field(default=5, ge=1)


class NotifyRules(BaseModel):
    """Schema of ``rules/notifikasi.yaml``."""

    model_config = ConfigDict(extra="forbid")
    channel: Channel = Field(default_factory=FileChannel)
    retry: Retry = Field(default_factory=Retry)
    messages: dict[str, str] = Field(min_length=1)


def load_notify_rules(path: Path) -> NotifyRules:
    return load_model(path, NotifyRules)


# ---------------------------------------------------------------------------------------
# channels


@dataclass(frozen=True)
class Outgoing:
    """A message handed to a channel."""

    id: int
    key: str
    reg_no: str
    kind: str
    phone: str
    text: str
    created_at: datetime


class NotifyError(RuntimeError):
    """Sending failed; the message stays queued and is retried."""


class Notifier(Protocol):
    """A channel: sends one message or raises; returns a receipt (file path, message id)."""

    name: str

    def send(self, message: Outgoing) -> str: ...


def _env(template: str) -> str:
    return re.sub(r"\{env:([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: os.environ.get(m[1], ""), template)


def _fill(template: str, message: Outgoing) -> str:
    text = _env(template)
    for name, value in (
        ("phone", message.phone),
        ("text", message.text),
        ("reg_no", message.reg_no),
        ("id", str(message.id)),
    ):
        text = text.replace("{" + name + "}", value)
    return text


class FileNotifier:
    """Writes ``<folder>/<time>-<reg-no>-<kind>-<id>.txt``; rewriting on a retry is harmless."""

    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: Outgoing) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = as_utc(message.created_at).astimezone(WIB)
        path = (
            self.folder / f"{stamp:%Y%m%dT%H%M%S}-{message.reg_no}-{message.kind}-{message.id}.txt"
        )
        body = (
            "SMS PEMBERITAHUAN\n"
            f"Kepada (No. HP) : {message.phone}\n"
            f"No. Registrasi  : {message.reg_no}\n"
            f"Jenis           : {message.kind}\n"
            f"Dibuat          : {stamp:%d-%m-%Y %H.%M} WIB\n"
            "\n"
            f"{message.text}\n"
        )
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise NotifyError(f"cannot write {path}: {exc}") from exc
        return str(path)


class SmtpNotifier:
    name = "smtp"

    def __init__(self, cfg: SmtpChannel) -> None:
        self.cfg = cfg

    def send(self, message: Outgoing) -> str:
        cfg = self.cfg
        mail = EmailMessage()
        mail["From"] = cfg.sender
        mail["To"] = _fill(cfg.to, message)
        mail["Subject"] = _fill(cfg.subject, message)
        mail["Message-ID"] = msgid = make_msgid(idstring=f"loket{message.id}")
        mail.set_content(message.text)
        try:
            cls = smtplib.SMTP_SSL if cfg.ssl else smtplib.SMTP
            with cls(cfg.host, cfg.port, timeout=cfg.timeout_seconds) as smtp:
                if cfg.starttls and not cfg.ssl:
                    smtp.starttls()
                if cfg.username_env:
                    smtp.login(
                        os.environ.get(cfg.username_env, ""),
                        os.environ.get(cfg.password_env or "", ""),
                    )
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise NotifyError(f"SMTP {cfg.host}:{cfg.port}: {exc}") from exc
        return msgid


class HttpNotifier:
    name = "http"

    def __init__(self, cfg: HttpChannel, client: Callable[..., object] | None = None) -> None:
        self.cfg = cfg
        self.client = client

    def send(self, message: Outgoing) -> str:
        import httpx

        cfg = self.cfg
        kwargs: dict[str, object] = {
            "headers": {k: _fill(v, message) for k, v in cfg.headers.items()},
            "timeout": cfg.timeout_seconds,
        }
        if cfg.json_body is not None:
            kwargs["json"] = {k: _fill(v, message) for k, v in cfg.json_body.items()}
        if cfg.form is not None:
            kwargs["data"] = {k: _fill(v, message) for k, v in cfg.form.items()}
        if cfg.params is not None:
            kwargs["params"] = {k: _fill(v, message) for k, v in cfg.params.items()}
        request = self.client or httpx.request
        try:
            response = request(cfg.method, _env(cfg.url), **kwargs)
        except httpx.HTTPError as exc:
            raise NotifyError(f"HTTP {cfg.url}: {type(exc).__name__}: {exc}") from exc
        status = response.status_code  # type: ignore[attr-defined]
        body = response.text  # type: ignore[attr-defined]
        if status not in cfg.success_status:
            raise NotifyError(f"HTTP {status}: {body[:200]}")
        if cfg.success_pattern and not compile_rule(cfg.success_pattern).search(body):
            raise NotifyError(f"HTTP {status}, response not accepted: {body[:200]}")
        return f"HTTP {status}: {body[:200]}"


def make_notifier(rules: NotifyRules, outbox: Path) -> Notifier:
    ch = rules.channel
    if isinstance(ch, SmtpChannel):
        return SmtpNotifier(ch)
    if isinstance(ch, HttpChannel):
        return HttpNotifier(ch)
    return FileNotifier(Path(ch.folder) if ch.folder else outbox / "notifications")


# ---------------------------------------------------------------------------------------
# the outbox table

#: An Indonesian mobile number (digits only, +62/62/0 then 8): the one pattern of it.
MOBILE = re.compile(r"(?:\+?62|0)8[1-9][0-9]{6,11}")


def normalize_phone(raw: str | None) -> str | None:
    """An Indonesian mobile number as ``08...`` or None; spaces, dashes and dots allowed."""
    if not raw:
        return None
    digits = re.sub(r"[\s.\-()]", "", raw)
    m = MOBILE.search(digits)
    if not m:
        return None
    number = m.group(0)
    if number.startswith("+62"):
        number = "0" + number[3:]
    elif number.startswith("62"):
        number = "0" + number[2:]
    return number


def render_message(rules: NotifyRules, kind: str, **values: object) -> str:
    template = rules.messages.get(kind)
    if template is None:
        raise KeyError(
            f"no message {kind!r} in {NOTIFY_RULES} (known: {', '.join(rules.messages)})"
        )
    return template.format(**values)


def enqueue(
    session: Session,
    *,
    key: str,
    reg_no: str,
    kind: str,
    phone: str | None,
    text: str,
    now: datetime | None = None,
) -> Notification:
    """Queue a message (caller commits); the same ``key`` is queued once only."""
    existing = session.scalars(select(Notification).where(Notification.key == key)).first()
    if existing is not None:
        return existing
    at = now or utcnow()
    row = Notification(
        key=key,
        reg_no=reg_no,
        kind=kind,
        phone=phone,
        text=text,
        status=PENDING if phone else NO_PHONE,
        created_at=at,
        next_attempt_at=at,
    )
    session.add(row)
    session.flush()
    return row


def set_phone(session: Session, reg_no: str, phone: str) -> int:
    """Give queued messages of ``reg_no`` that had no number a number; they are then sent."""
    rows = session.scalars(
        select(Notification).where(
            Notification.reg_no == reg_no, Notification.status.in_((NO_PHONE, PENDING))
        )
    ).all()
    for row in rows:
        row.phone = phone
        row.status = PENDING
        row.next_attempt_at = utcnow()
    return len(rows)


@dataclass(frozen=True)
class Sent:
    id: int
    reg_no: str
    ok: bool
    detail: str


def dispatch(
    db: sessionmaker[Session],
    notifier: Notifier,
    rules: NotifyRules,
    *,
    now: datetime | None = None,
    limit: int = 200,
    reg_no: str | None = None,
) -> list[Sent]:
    """Send every due message once; failures are rescheduled with back-off."""
    at = now or utcnow()
    stale = at - timedelta(seconds=CLAIM_SECONDS)
    results: list[Sent] = []
    for nid in _due(db, at, stale, limit, reg_no):
        message = _claim(db, nid, at, stale)
        if message is None:
            continue
        try:
            receipt = notifier.send(message)
        except Exception as exc:  # any channel failure: keep the message, retry later
            detail = f"{type(exc).__name__}: {exc}"[:500]
            _reschedule(db, nid, rules, at, notifier, detail)
            results.append(Sent(nid, message.reg_no, False, detail))
            continue
        _mark_sent(db, nid, notifier, receipt)
        results.append(Sent(nid, message.reg_no, True, receipt))
    return results


def _due(
    db: sessionmaker[Session], at: datetime, stale: datetime, limit: int, reg_no: str | None
) -> list[int]:
    """Ids of the messages to send now: pending and due, or claimed by a sender that died."""
    with db() as session:
        query = (
            select(Notification.id)
            .where(
                or_(
                    (Notification.status == PENDING) & (Notification.next_attempt_at <= at),
                    (Notification.status == SENDING) & (Notification.claimed_at < stale),
                )
            )
            .order_by(Notification.id)
            .limit(limit)
        )
        if reg_no:
            query = query.where(Notification.reg_no == reg_no)
        return list(session.scalars(query))


def _claim(db: sessionmaker[Session], nid: int, at: datetime, stale: datetime) -> Outgoing | None:
    """Claim message ``nid`` for this sender (its own transaction); None if another sender
    holds it or sent it meanwhile."""
    with db.begin() as session:
        claimed = session.execute(
            update(Notification)
            .where(Notification.id == nid)
            .where(
                or_(
                    Notification.status == PENDING,
                    (Notification.status == SENDING) & (Notification.claimed_at < stale),
                )
            )
            .values(status=SENDING, claimed_at=at)
        ).rowcount
        if not claimed:
            return None
        row = session.get(Notification, nid)
        assert row is not None
        return Outgoing(
            row.id, row.key, row.reg_no, row.kind, row.phone or "", row.text, row.created_at
        )


def _reschedule(
    db: sessionmaker[Session],
    nid: int,
    rules: NotifyRules,
    at: datetime,
    notifier: Notifier,
    detail: str,
) -> None:
    """A failed send: count the attempt and try again after the next back-off interval."""
    with db.begin() as session:
        row = session.get(Notification, nid)
        assert row is not None
        row.attempts += 1
        backoff = rules.retry.backoff_minutes
        wait = backoff[min(row.attempts - 1, len(backoff) - 1)]
        row.status = PENDING
        row.next_attempt_at = at + timedelta(minutes=wait)
        row.last_error = detail
        row.channel = notifier.name


def _mark_sent(db: sessionmaker[Session], nid: int, notifier: Notifier, receipt: str) -> None:
    """A successful send: the message is done, with the channel's receipt."""
    with db.begin() as session:
        row = session.get(Notification, nid)
        assert row is not None
        row.attempts += 1
        row.status = SENT
        row.sent_at = utcnow()
        row.channel = notifier.name
        row.receipt = receipt[:1000]
        row.last_error = None


def pending(session: Session) -> list[Notification]:
    """Messages not yet sent (oldest first), for the officers' list."""
    return list(
        session.scalars(
            select(Notification).where(Notification.status != SENT).order_by(Notification.id)
        )
    )
