"""The head's acts on an issued permit, after the chain: sign it again, revoke it.

Both change what ``loket permit verify`` says of the copy the applicant holds (a permit signed
again makes the earlier file ``DIGANTI``, a revoked one ``DICABUT``), so both are decisions of
the Kepala Dinas, or of a Plh. whose dated delegation covers the day: the same authorisation
as the chain's signature step (:meth:`loket.approval.refusal.Attempt.authorize`, over
:func:`loket.approval.officials.authorize`), for an :class:`~loket.identity.Actor` who
authenticated with their own credential. Each act is recorded in the register (the actor's
NIP) and on the file's control card, in one transaction; a refusal as a refused attempt on
the file. The surface that authenticated the actor writes the identity log
(:data:`RESIGNED`, :data:`REVOKED`, or a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from loket import signature
from loket.approval import control_card
from loket.approval.cardkeys import keyring_for
from loket.approval.desk import Desk, permit_of
from loket.approval.documents import render_issued_permit, write_card
from loket.approval.numbering import with_retries
from loket.approval.officials import Authority, Role
from loket.approval.refusal import ApprovalError, Attempt
from loket.identity import Actor

CHANNEL = "cli"
#: identity-log kinds of the two acts
RESIGNED = "izin-ttd-ulang"
REVOKED = "izin-dicabut"


@dataclass(frozen=True)
class PermitActOutcome:
    number: str
    reg_no: str
    kind: str  # the identity log's kind of the act
    message: str
    files: list[Path]
    signed: bool = False  # the file made is signed (resign)


def _authority(desk: Desk, reg_no: str, actor: Actor, decision: str) -> Authority:
    """The actor's authority as Kepala Dinas (or its Plh. today); a refusal is recorded on
    the file (:class:`~loket.approval.refusal.Refused` raised)."""
    return Attempt.of(desk, reg_no, actor, decision, CHANNEL).authorize(None, Role.kepala_dinas)


def _entry(
    desk: Desk, auth: Authority, *, activity: str, action: str, outcome: str, note: str | None
) -> control_card.NewEntry:
    now = desk.now()
    return control_card.NewEntry(
        activity=activity,
        action=action,
        role=Role.kepala_dinas.value,
        actor_nip=auth.official.nip,
        actor_name=auth.official.name,
        acting=auth.acting,
        received_at=now,
        handed_over_at=now,
        outcome=outcome,
        note=note,
        channel=CHANNEL,
    )


def resign(desk: Desk, reg_no: str, actor: Actor) -> PermitActOutcome:
    """Make and sign the numbered permit's PDF again (the key must be usable: ``strict``).

    The earlier file stays in the register, marked replaced; the control-card entry is written
    in the register's transaction."""
    with desk.db() as session:
        permit = permit_of(session, reg_no)
    if permit is None:
        raise ApprovalError(f"{reg_no}: belum ada izin bernomor untuk berkas ini.")
    auth = _authority(desk, reg_no, actor, "tanda tangan ulang izin")
    number = permit.number

    made: list[signature.Issued] = []

    def on_record(session: Session, issued: signature.Issued) -> None:
        made.append(issued)
        how = "ditandatangani secara elektronik" if issued.signed else "TANPA tanda tangan"
        entry = _entry(
            desk,
            auth,
            activity="Penandatanganan ulang izin",
            action="tanda_tangan_ulang",
            outcome=f"izin {number} dibuat ulang, {how} (SHA-256 {issued.sha256[:16]}); "
            "berkas sebelumnya diganti",
            note=None,
        )
        control_card.append(session, reg_no, entry, keys=keyring_for(desk.settings))

    files = render_issued_permit(
        desk, reg_no, pdf=True, strict=True, by_nip=auth.official.nip, on_record=on_record
    )
    files += write_card(desk, reg_no, pdf=desk.pdf)
    signed = bool(made and made[0].signed)
    message = f"{number} ({reg_no}) dibuat ulang sebagai {auth.label}"
    return PermitActOutcome(number, reg_no, RESIGNED, message, files, signed=signed)


def revoke(desk: Desk, number: str, actor: Actor, *, reason: str) -> PermitActOutcome:
    """Revoke permit ``number``: ``loket permit verify`` then says DICABUT of every file."""
    reason = reason.strip()
    if not reason:
        raise ApprovalError("Alasan pencabutan wajib diisi.")
    with desk.db() as session:
        row = signature.by_number(session, number)
        reg_no = row.reg_no if row else None
        done = row is not None and row.revoked_at is not None
    if reg_no is None:
        raise ApprovalError(f"{number}: nomor izin tidak ada dalam register.")
    if done:
        raise ApprovalError(f"{number}: izin sudah dicabut.")
    auth = _authority(desk, reg_no, actor, f"cabut izin {number}")
    now = desk.now()
    entry = _entry(
        desk,
        auth,
        activity="Pencabutan izin",
        action="pencabutan",
        outcome=f"izin {number} dicabut",
        note=reason,
    )

    def work(session: Session) -> bool:
        current = signature.by_number(session, number)
        if current is None or current.revoked_at is not None:  # revoked at the same moment
            return False
        by = f"{auth.label} {auth.official.name}"[:64]
        signature.revoke(session, number, reason=reason, by=by, by_nip=auth.official.nip, now=now)
        control_card.append(session, reg_no, entry, keys=keyring_for(desk.settings))
        return True

    if not with_retries(desk.db, work):
        raise ApprovalError(f"{number}: izin sudah dicabut.")
    message = f"{number} ({reg_no}) DICABUT oleh {auth.label}: {reason}"
    return PermitActOutcome(number, reg_no, REVOKED, message, [])
