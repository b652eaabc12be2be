"""The documents of a file in the chain: the draft, the permit and the printable control card.

The draft and the permit share one context (:func:`document_context`); the paraf column lists
the desks whose paraf still stands (:func:`standing`). The card context adds to the entries of
:mod:`loket.approval.control_card` the refused attempts, the delivery guarantees and the
verification code of the hash chain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import signature
from loket.approval import control_card, notify
from loket.approval.chain import Action, ServiceChain, working_minutes
from loket.approval.desk import Desk, attempts_of, get, permit_of, tasks_of
from loket.approval.models import (
    COLLECTED,
    DONE,
    IN_PROGRESS,
    READY,
    Approval,
    ApprovalTask,
    CardEntry,
    DeliveryLetter,
    Notification,
)
from loket.approval.officials import ROLE_LABELS
from loket.approval.permit import (
    PERMIT_DOCX,
    PERMIT_PDF,
    Signer,
    applicant,
    permit_context,
    read_json,
    render_card,
    render_permit,
    render_permit_docx,
)
from loket.approval.refusal import not_in_chain
from loket.calendar import WorkCalendar
from loket.common.clock import WIB, as_utc, to_wib
from loket.documents import tanggal, tanggal_jam
from loket.intake import get_application

# ---------------------------------------------------------------------------------------
# draft and permit


def document_context(
    desk: Desk, reg_no: str, *, draft: bool
) -> tuple[ServiceChain, dict[str, object]]:
    """The context of ``draft.docx`` (``draft=True``) or of the signed, numbered permit."""
    folder = desk.folder(reg_no)
    checklist = read_json(folder / "checklist.json") or {}
    with desk.db() as session:
        appr = get(session, reg_no)
        app = get_application(session, reg_no)
        assert appr is not None and app is not None
        chain = desk.chain(appr.service)
        person = applicant(checklist, appr.overrides, address=appr.address, phone=appr.phone)
        permit = permit_of(session, reg_no)
        paraf = _paraf(chain, tasks_of(session, reg_no))
        signer, issued = _signer(desk, appr, draft=draft)
        ctx = permit_context(
            chain,
            person,
            reg_no=reg_no,
            received=as_utc(app.received_at).astimezone(WIB),
            draft=draft,
            number=permit.number if permit and not draft else None,
            issued=issued,
            signer=signer,
            bap_ref=appr.bap_ref,
            paraf=paraf,
        )
    return chain, ctx


def _paraf(chain: ServiceChain, history: list[ApprovalTask]) -> list[dict[str, str]]:
    """The paraf column: every draft and paraf desk, ticked where its paraf stands."""
    paraf = []
    for i, s in enumerate(chain.steps):
        if s.action not in (Action.draf, Action.paraf):
            continue
        t = standing(history, i)
        mark = f"\u2713 {to_wib(t.closed_at):%d/%m %H.%M}" if t is not None else ""
        label = s.role_label + (" (konseptor)" if s.action == Action.draf else "")
        paraf.append({"jabatan": label, "paraf": mark})
    return paraf


def _signer(desk: Desk, appr: Approval, *, draft: bool) -> tuple[Signer | None, date]:
    """Who signs and the date of issue: the head of office today on a draft, the recorded
    signer and signing date on the permit."""
    if draft:
        holder = desk.officials.holder("kepala_dinas")
        signer = Signer(holder) if holder else None
        issued = to_wib(desk.now()).date()  # type: ignore[union-attr]
    else:
        o = desk.officials.by_nip(appr.signer_nip or "")
        signer = Signer(o, appr.signer_acting) if o else None
        issued = to_wib(appr.signed_at or desk.now()).date()  # type: ignore[union-attr]
    return signer, issued


def standing(tasks: list[ApprovalTask], index: int) -> ApprovalTask | None:
    """The task whose paraf for step ``index`` still stands: the last task of that step, done,
    with no later task behind it (a return to an earlier desk voids the later paraf)."""
    mine = [t for t in tasks if t.step_index == index]
    if not mine or mine[-1].status != DONE:
        return None
    last = mine[-1]
    if any(t.id > last.id and t.step_index < index for t in tasks):
        return None
    return last


def render_draft(desk: Desk, reg_no: str) -> list[Path]:
    """``draft.docx`` (and its PDF when the desk makes PDFs)."""
    chain, ctx = document_context(desk, reg_no, draft=True)
    return render_permit(chain, ctx, desk.folder(reg_no), pdf=desk.pdf)


#: What an act recording the issue of a permit's file adds in the register's transaction (the
#: head's control-card entry when the permit is signed again), given the file issued.
OnRecord = Callable[[Session, signature.Issued], None]


def render_issued_permit(
    desk: Desk,
    reg_no: str,
    *,
    pdf: bool,
    strict: bool = False,
    by_nip: str | None = None,
    on_record: OnRecord | None = None,
) -> list[Path]:
    """``permit.docx`` of the signed, numbered permit with its QR code; with ``pdf`` also
    ``permit.pdf``: PDF/A, signed (PAdES) with the head's key when one is configured (else
    issued unsigned with a warning), recorded in the register of :mod:`loket.signature`.

    The verification code of the QR is kept when the permit is rendered again, so a printed
    QR keeps pointing at the permit; the register then holds the newest file. A key that is
    there but cannot be used is an error with ``strict`` (``loket permit sign``); after the
    numbering (``strict=False``) the number and the applicant's message are already recorded,
    so the permit is issued unsigned and the error logged, to be signed once the key is fixed.
    ``by_nip`` (who had it signed again) and ``on_record`` go with the register's record.
    """
    config = signature.signing_config(desk.settings)
    signer, issuer = (None, "")
    if pdf:  # a bare DOCX is not signed: the key (or token session) is not opened for it
        signer, issuer = signature.load_key(config, strict=strict, reg_no=reg_no)
    try:
        return _issue(
            desk, reg_no, config, signer, issuer, pdf=pdf, by_nip=by_nip, on_record=on_record
        )
    finally:
        signature.close_key(signer)  # a token session is logged out after each permit


def _issue(
    desk: Desk,
    reg_no: str,
    config: signature.SigningConfig,
    signer: object | None,
    issuer: str,
    *,
    pdf: bool,
    by_nip: str | None = None,
    on_record: OnRecord | None = None,
) -> list[Path]:
    """Render, convert, sign and register (see :func:`render_issued_permit`)."""
    chain, ctx = document_context(desk, reg_no, draft=False)
    with desk.db() as session:
        permit = permit_of(session, reg_no)
        appr = get(session, reg_no)
        assert permit is not None and appr is not None
        number, signer_nip = permit.number, appr.signer_nip
        row = signature.by_number(session, number)
        code = row.code if row else signature.new_code()
    ctx.update(  # "signed electronically" only on the PDF signed here, never on a bare DOCX
        tte=signer is not None and pdf,
        tte_penerbit=issuer,
        tte_url=f" atau melalui {config.verify_url}" if config.verify_url else "",
        kode_verifikasi=code,
    )
    text = signature.payload(signature.QrData(number, reg_no, code), config.verify_url)
    folder = desk.folder(reg_no)
    docx = render_permit_docx(chain, ctx, folder / PERMIT_DOCX, qr_png=signature.png(text))
    if not pdf:
        _register_code(desk, number=number, reg_no=reg_no, code=code, known=row is not None)
        return [docx]
    reason = f"{chain.product} Nomor {number}"
    issued = signature.make_pdf(docx, folder / PERMIT_PDF, config, signer, reason=reason)
    with desk.db() as session:
        signature.record_issue(
            session,
            issued,
            number=number,
            reg_no=reg_no,
            code=code,
            signer_nip=signer_nip,
            now=desk.now(),
            config=config,
            by_nip=by_nip,
        )
        if on_record is not None:
            on_record(session, issued)
        session.commit()
    return [docx, issued.pdf]


def _register_code(desk: Desk, *, number: str, reg_no: str, code: str, known: bool) -> None:
    """A permit rendered without its PDF: the register learns its QR code (no file yet)."""
    if known:
        return
    with desk.db() as session:
        signature.record(
            session,
            number=number,
            reg_no=reg_no,
            code=code,
            sha256=None,
            pdfa=False,
            signed=None,
            signer_nip=None,
            now=desk.now(),
        )
        session.commit()


# ---------------------------------------------------------------------------------------
# the printable control card


def _duration(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} mnt"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} j {minutes} mnt"
    days, hours = divmod(hours, 24)
    return f"{days} hr {hours} j"


def card_context(desk: Desk, reg_no: str) -> dict[str, object]:
    """The printable card: entries, refused attempts, guarantees, verification code."""
    with desk.db() as session:
        appr = get(session, reg_no)
        app = get_application(session, reg_no)
        if appr is None or app is None:
            raise not_in_chain(reg_no)
        chain = desk.chain(appr.service)
        cal = desk.calendar
        rows = [_card_row(e, cal) for e in control_card.entries(session, reg_no)]
        refused = [
            f"{tanggal_jam(to_wib(a.at))}: NIP {a.actor_nip}"
            + (f" ({a.actor_name})" if a.actor_name else "")
            + f" \u2014 {a.message}"
            for a in attempts_of(session, reg_no)
        ]
        jaminan = _guarantees(session, reg_no)
        problems = control_card.verify(session, reg_no, settings=desk.settings).get(reg_no, [])
        h = control_card.head(session, reg_no)
        permit = permit_of(session, reg_no)
        status = {
            IN_PROGRESS: "dalam proses",
            READY: "selesai, menunggu diambil",
            COLLECTED: "sudah diserahkan",
        }.get(appr.status, appr.status)
    return {
        "layanan": chain.product.upper(),
        "reg_no": reg_no,
        "nama": appr.applicant_name or "-",
        "diterima": tanggal_jam(to_wib(app.received_at)),
        "nomor_izin": permit.number if permit else "-",
        "status": status,
        "norma_total": chain.total_norm.label,
        "entri": rows,
        "penolakan": refused,
        "jaminan": jaminan,
        "kode": (h.last_hash[:16] if h else "-"),
        # how to check the printed code (for the template, under the code)
        "periksa": f"Periksa: loket card verify {reg_no} --code {h.last_hash[:16]}" if h else "",
        "verifikasi": "utuh" if not problems else "RUSAK: " + "; ".join(problems),
        "dicetak": tanggal_jam(to_wib(desk.now())),
    }


def _card_row(e: CardEntry, cal: WorkCalendar) -> dict[str, object]:
    """One row of the printed card: who did what, when, against which norm."""
    spent = working_minutes(as_utc(e.received_at), as_utc(e.handed_over_at), cal) * 60
    late = e.due_at is not None and as_utc(e.handed_over_at) > as_utc(e.due_at)
    who = e.actor_name + (f"\nNIP {e.actor_nip}" if e.actor_nip else "")
    role = ROLE_LABELS.get(e.role, e.role) if isinstance(e.role, str) else e.role  # type: ignore[call-overload]
    notes = [e.outcome]
    if e.note:
        notes.append(f"Catatan: {e.note}")
    if e.channel in ("cli", "prefect"):
        notes.append("via " + ("CLI" if e.channel == "cli" else "Prefect UI"))
    return {
        "no": e.seq,
        "kegiatan": f"{e.sop_step}. {e.activity}" if e.sop_step else e.activity,
        "pelaksana": (f"{e.acting} " if e.acting else "") + role,
        "nama": who,
        "diterima": f"{to_wib(e.received_at):%d-%m-%Y %H.%M}",
        "diserahkan": f"{to_wib(e.handed_over_at):%d-%m-%Y %H.%M}",
        "waktu": f"{_duration(spent)} / {e.norm or '-'}" + (" (TERLAMBAT)" if late else ""),
        "keterangan": "; ".join(notes),
    }


def _guarantees(session: Session, reg_no: str) -> list[str]:
    """The delivery guarantees kept for the file: messages to the applicant and letters."""
    jaminan = []
    for n in session.scalars(select(Notification).where(Notification.reg_no == reg_no)):
        if n.status == notify.SENT:
            jaminan.append(f"SMS ke {n.phone} terkirim {tanggal_jam(to_wib(n.sent_at))}")
        else:
            jaminan.append(
                f"SMS ke {n.phone or '(nomor HP tidak ada)'}: "
                f"{notify.STATUS_LABELS.get(n.status, n.status)}"
            )
    for letter in session.scalars(select(DeliveryLetter).where(DeliveryLetter.reg_no == reg_no)):
        made = tanggal(to_wib(letter.created_at))
        jaminan.append(f"Surat pemberitahuan {letter.number or ''} dibuat {made}")
    if not jaminan:
        jaminan.append("-")
    return jaminan


def write_card(desk: Desk, reg_no: str, *, pdf: bool) -> list[Path]:
    return render_card(card_context(desk, reg_no), desk.folder(reg_no), pdf=pdf)
