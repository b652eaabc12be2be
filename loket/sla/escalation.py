"""Live SLA monitoring: late steps and files nearing or past 2 working days are escalated.

Run every ``interval_minutes`` (``rules/sla.yaml``) by the ``pemantauan-sla`` deployment
(:mod:`flows.sla`) or by hand (``loket sla escalate``). For every file in the chain:

- the **open step** (the desk holding the file) is compared with its norm; past
  ``step.holder`` the official holding the file is told, past ``step.superior`` his or her
  superior (``superiors`` of ``rules/sla.yaml``, the person from ``rules/officials.yaml``);
- the **file's clock** (:mod:`loket.sla.tracking`: from the passed check, returned-to-applicant time
  excluded) is compared with ``total_norm``: at ``file.nearing`` the holder is told, past
  ``file.overdue`` the holder and the superior.

Each escalation is recorded once per file, scope (the task, or the whole file) and threshold
in ``sla_escalations`` (unique constraint), queued as a notification in the outbox of
:mod:`loket.approval.notify` (sent by ``kirim-pemberitahuan``) and written on the control card. The
row, the messages and the card entry share one transaction: either all or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket.approval import (
    IN_PROGRESS,
    OPEN,
    ROLE_LABELS,
    Action,
    Approval,
    ApprovalTask,
    CardEntry,
    Desk,
    Keyring,
    NewEntry,
    Official,
    Role,
    append_card_entry,
    enqueue_notification,
    keyring_for,
    normalize_phone,
)
from loket.calendar import WorkCalendar, office_calendar
from loket.common.clock import as_utc
from loket.common.rulesfile import load_model
from loket.sla.models import SlaEscalation
from loket.sla.tracking import ENTRY_COLUMNS, ESCALATION, file_clocks, naive_utc, total_norm_minutes

SLA_RULES = "sla.yaml"

STEP_HOLDER = "langkah_lewat_norma"
STEP_SUPERIOR = "langkah_atasan"
FILE_NEARING = "berkas_mendekati_batas"
FILE_OVERDUE = "berkas_lewat_batas"
FILE_SCOPE = "berkas"

THRESHOLD_LABELS = {
    STEP_HOLDER: "langkah melewati norma waktu",
    STEP_SUPERIOR: "langkah jauh melewati norma (atasan)",
    FILE_NEARING: "berkas mendekati batas 2 hari kerja",
    FILE_OVERDUE: "berkas melewati batas 2 hari kerja",
}


class StepLimit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    factor: float = Field(default=1.0, gt=0)
    extra_minutes: float = Field(default=0, ge=0)

    def minutes(self, norm: float) -> float:
        return norm * self.factor + self.extra_minutes


class StepLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    holder: StepLimit = Field(default_factory=StepLimit)
    superior: StepLimit = Field(default_factory=lambda: StepLimit(factor=2.0, extra_minutes=60))


class FileLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nearing: float = Field(default=0.75, gt=0, le=1)
    overdue: float = Field(default=1.0, gt=0)


class SlaRules(BaseModel):
    """Schema of ``rules/sla.yaml``."""

    model_config = ConfigDict(extra="forbid")
    interval_minutes: int = Field(default=15, ge=1, le=1440)
    step: StepLimits = Field(default_factory=StepLimits)
    file: FileLimits = Field(default_factory=FileLimits)
    superiors: dict[Role, Role] = Field(default_factory=dict)
    messages: dict[str, str] = Field(default_factory=dict)

    def text(self, threshold: str, **values: object) -> str:
        template = self.messages.get(threshold)
        if template is None:
            return f"Peringatan SLA ({THRESHOLD_LABELS[threshold]}): berkas {values['reg_no']}"
        return template.format(**values)


def load_sla_rules(path: Path) -> SlaRules:
    if not path.is_file():
        return SlaRules()
    return load_model(path, SlaRules)


@dataclass(frozen=True)
class Escalation:
    """One escalation sent (or, with ``new=False``, found already sent)."""

    reg_no: str
    scope: str
    threshold: str
    step: str
    minutes: float
    limit: float
    recipients: tuple[str, ...]
    new: bool = True


def _holder(desk: Desk, role: str) -> Official | None:
    return desk.officials.holder(role)


def _superior(desk: Desk, rules: SlaRules, role: str) -> tuple[str | None, Official | None]:
    sup = rules.superiors.get(Role(role)) if role in Role.__members__ else None
    if sup is None:
        return None, None
    return sup.value, desk.officials.holder(sup)


def _card_frame(session: Session, reg_nos: list[str]) -> pd.DataFrame:
    rows = session.execute(
        select(
            CardEntry.reg_no,
            CardEntry.seq,
            CardEntry.sop_step,
            CardEntry.action,
            CardEntry.role,
            CardEntry.actor_nip,
            CardEntry.actor_name,
            CardEntry.received_at,
            CardEntry.handed_over_at,
        ).where(CardEntry.reg_no.in_(reg_nos))
    ).all()
    frame = pd.DataFrame(rows, columns=list(ENTRY_COLUMNS))
    for col in ("received_at", "handed_over_at"):
        frame[col] = pd.to_datetime([naive_utc(as_utc(v)) for v in frame[col]], utc=False).as_unit(
            "us"
        )
    return frame


@dataclass(frozen=True)
class _Due:
    reg_no: str
    scope: str
    threshold: str
    task: ApprovalTask
    step_title: str
    minutes: float
    limit: float
    recipients: tuple[tuple[str, Official | None], ...]  # (role, official)


def find_due(
    desk: Desk,
    rules: SlaRules,
    now: datetime,
    calendar: WorkCalendar | None = None,
) -> list[_Due]:
    """The escalations whose threshold is passed at ``now`` (sent or not)."""
    cal = calendar or office_calendar(desk.settings.rules_dir / "calendar")
    with desk.db() as session:
        pairs = session.execute(
            select(Approval, ApprovalTask)
            .join(ApprovalTask, ApprovalTask.reg_no == Approval.reg_no)
            .where(Approval.status == IN_PROGRESS, ApprovalTask.status == OPEN)
            .order_by(Approval.reg_no)
        ).all()
        cards = _card_frame(session, [a.reg_no for a, _ in pairs]) if pairs else None
    if not pairs or cards is None:
        return []
    clocks = file_clocks(cards, cal, until=now)
    due: list[_Due] = []
    for appr, task in pairs:
        due.extend(_task_due(desk, rules, now, cal, clocks, appr, task))
    return due


def _task_due(
    desk: Desk,
    rules: SlaRules,
    now: datetime,
    cal: WorkCalendar,
    clocks: pd.DataFrame,
    appr: Approval,
    task: ApprovalTask,
) -> list[_Due]:
    """The escalations of one open task: its step against the norm, then its file's clock."""
    due: list[_Due] = []
    chain = desk.chain(appr.service)
    step = chain.steps[task.step_index]
    if step.action == Action.penyerahan:  # the clock stopped at numbering
        return due
    norm = (
        float(step.norm.minutes)
        if step.norm.minutes is not None
        else float((step.norm.working_days or 0) * cal.day_minutes)
    )
    spent = cal.working_minutes(as_utc(task.opened_at), now)
    holder = (step.role.value, _holder(desk, step.role.value))
    sup_role, sup = _superior(desk, rules, step.role.value)
    superior = ((sup_role, sup),) if sup_role else ()
    scope = f"task:{task.id}"
    lim = rules.step.holder.minutes(norm)
    if spent > lim:
        due.append(_Due(appr.reg_no, scope, STEP_HOLDER, task, step.title, spent, lim, (holder,)))
    lim = rules.step.superior.minutes(norm)
    if spent > lim:
        due.append(
            _Due(
                appr.reg_no,
                scope,
                STEP_SUPERIOR,
                task,
                step.title,
                spent,
                lim,
                superior or (holder,),
            )
        )
    if appr.reg_no in clocks.index:
        total = total_norm_minutes(chain, cal)
        on_clock = float(clocks.at[appr.reg_no, "minutes"])
        due.extend(_file_due(rules, appr, task, step.title, total, on_clock, holder, superior))
    return due


def _file_due(
    rules: SlaRules,
    appr: Approval,
    task: ApprovalTask,
    step_title: str,
    total: float,
    on_clock: float,
    holder: tuple[str, Official | None],
    superior: tuple[tuple[str, Official | None], ...],
) -> list[_Due]:
    """The file's clock ``on_clock`` against ``total_norm``: overdue, nearing, or nothing."""
    if on_clock > total * rules.file.overdue:
        return [
            _Due(
                appr.reg_no,
                FILE_SCOPE,
                FILE_OVERDUE,
                task,
                step_title,
                on_clock,
                total * rules.file.overdue,
                (holder, *superior),
            )
        ]
    if on_clock >= total * rules.file.nearing:
        return [
            _Due(
                appr.reg_no,
                FILE_SCOPE,
                FILE_NEARING,
                task,
                step_title,
                on_clock,
                total * rules.file.nearing,
                (holder,),
            )
        ]
    return []


def escalate(
    desk: Desk,
    now: datetime | None = None,
    *,
    rules: SlaRules | None = None,
    calendar: WorkCalendar | None = None,
) -> list[Escalation]:
    """Send every escalation that is due and not yet sent; returns the new ones."""
    at = as_utc(now or desk.now()).replace(microsecond=0)
    rules = rules or load_sla_rules(desk.settings.rules_dir / SLA_RULES)
    sent: list[Escalation] = []
    for d in find_due(desk, rules, at, calendar):
        with desk.db() as session:
            exists = session.scalars(
                select(SlaEscalation.id).where(
                    SlaEscalation.reg_no == d.reg_no,
                    SlaEscalation.scope == d.scope,
                    SlaEscalation.threshold == d.threshold,
                )
            ).first()
        if exists is not None:
            continue
        result = _send(desk, rules, d, at)
        if result is not None:
            sent.append(result)
    return sent


def _send(desk: Desk, rules: SlaRules, d: _Due, at: datetime) -> Escalation | None:
    """Record ``d``, queue its messages and write it on the control card, in one transaction
    (``None`` if another run recorded it first)."""
    holder_role, holder = (
        d.recipients[0]
        if d.threshold != STEP_SUPERIOR
        else (d.task.role, _holder(desk, d.task.role))
    )
    desk_label = ROLE_LABELS.get(Role(d.task.role), d.task.role)
    holder_name = holder.name if holder else "-"
    minutes, limit = round(d.minutes), round(d.limit)
    names: list[str] = []
    nips: list[str] = []
    try:
        with desk.db.begin() as session:
            row = SlaEscalation(
                reg_no=d.reg_no,
                scope=d.scope,
                threshold=d.threshold,
                step_code=desk.chain(_service(session, d.reg_no)).steps[d.task.step_index].code,
                role=d.task.role,
                created_at=at,
                working_minutes=d.minutes,
                limit_minutes=d.limit,
                recipients="",
            )
            session.add(row)
            session.flush()  # the unique constraint decides: once per threshold
            names, nips = _notify_recipients(
                session, rules, d, at, (minutes, limit), desk_label, holder_name
            )
            entry = _card_entry(
                session,
                d,
                at,
                holder_role,
                names,
                (minutes, limit),
                keys=keyring_for(desk.settings),
            )
            row.recipients = ",".join(nips)
            row.card_seq = entry.seq
            row.note = "; ".join(names)
    except IntegrityError:  # another run sent it at the same moment
        return None
    return Escalation(d.reg_no, d.scope, d.threshold, d.step_title, d.minutes, d.limit, tuple(nips))


def _notify_recipients(
    session: Session,
    rules: SlaRules,
    d: _Due,
    at: datetime,
    rounded: tuple[int, int],
    desk_label: str,
    holder_name: str,
) -> tuple[list[str], list[str]]:
    """Queue the message of ``d`` to each recipient with a known official; returns the
    recipients' names (with their desk) and the NIPs told."""
    minutes, limit = rounded
    names: list[str] = []
    nips: list[str] = []
    for role, official in d.recipients:
        label = ROLE_LABELS.get(Role(role), role)
        who = official.name if official else f"{label} (belum ditetapkan)"
        names.append(f"{who} ({label})")
        if official is None:
            continue
        nips.append(official.nip)
        enqueue_notification(
            session,
            key=f"sla:{d.reg_no}:{d.scope}:{d.threshold}:{official.nip}"[:96],
            reg_no=d.reg_no,
            kind="eskalasi",
            phone=normalize_phone(official.phone),
            text=rules.text(
                d.threshold,
                name=official.name,
                reg_no=d.reg_no,
                step=d.step_title,
                minutes=minutes,
                limit=limit,
                desk=desk_label,
                holder=holder_name,
            ),
            now=at,
        )
    return names, nips


def _card_entry(
    session: Session,
    d: _Due,
    at: datetime,
    holder_role: str,
    names: list[str],
    rounded: tuple[int, int],
    *,
    keys: Keyring,
) -> CardEntry:
    """The escalation's entry on the file's control card (HMAC'd with the desk's ``keys``)."""
    minutes, limit = rounded
    return append_card_entry(
        session,
        d.reg_no,
        NewEntry(
            activity=f"Peringatan SLA: {THRESHOLD_LABELS[d.threshold]}",
            action=ESCALATION,
            role=holder_role,
            actor_name="loket (pemantauan SLA otomatis)",
            received_at=at,
            handed_over_at=at,
            due_at=as_utc(d.task.due_at),
            outcome="peringatan dikirim kepada " + "; ".join(names),
            handed_to=", ".join(n.split(" (")[0] for n in names),
            note=f"langkah '{d.step_title}': {minutes} menit kerja, batas {limit} menit",
            channel="sla",
        ),
        keys=keys,
    )


def _service(session: Session, reg_no: str) -> str:
    return session.scalars(select(Approval.service).where(Approval.reg_no == reg_no)).one()


def sent_escalations(session: Session, reg_no: str | None = None) -> list[SlaEscalation]:
    query = select(SlaEscalation).order_by(SlaEscalation.id)
    if reg_no:
        query = query.where(SlaEscalation.reg_no == reg_no)
    return list(session.scalars(query))
