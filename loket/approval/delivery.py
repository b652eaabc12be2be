"""Delivery guarantees (jaminan pelayanan b): a permit not collected within a month of its
completion gets a notification letter to the applicant's home address, exactly once.

The fact "letter issued, with number N" is a ``delivery_letters`` row (unique per permit and
kind), written with its number in one transaction; the DOCX/PDF is made after it and re-made
by the next check if it went missing, so a crash never loses the letter and two checks
running at once never issue two.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval.desk import Desk, get, permit_of
from loket.approval.models import READY, Approval, DeliveryLetter
from loket.approval.numbering import next_value, with_retries
from loket.approval.permit import LETTER_DOCX, nip_spaced, render_letter
from loket.common.clock import as_utc, to_wib
from loket.common.roman import roman_month
from loket.documents import OFFICE, tanggal

UNCOLLECTED = "belum_diambil"


def add_months(value: datetime, months: int) -> datetime:
    month = value.month - 1 + months
    year = value.year + month // 12
    month = month % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def uncollected(desk: Desk, now: datetime | None = None) -> list[str]:
    """Permits ready for longer than the guarantee allows, not collected, without a letter."""
    at = as_utc(now or desk.now())
    found: list[str] = []
    with desk.db() as session:
        rows = session.scalars(
            select(Approval).where(Approval.status == READY).order_by(Approval.completed_at)
        ).all()
        sent = set(
            session.scalars(select(DeliveryLetter.reg_no).where(DeliveryLetter.kind == UNCOLLECTED))
        )
        for a in rows:
            if a.reg_no in sent or a.completed_at is None:
                continue
            months = desk.chain(a.service).guarantees.uncollected_after_months
            completed = to_wib(a.completed_at)
            assert completed is not None
            if add_months(completed, months) <= at:
                found.append(a.reg_no)
    return found


@dataclass(frozen=True)
class Letter:
    reg_no: str
    number: str
    files: list[Path]
    new: bool


def _context(
    desk: Desk, session: Session, reg_no: str, letter: DeliveryLetter
) -> dict[str, object]:
    appr = get(session, reg_no)
    permit = permit_of(session, reg_no)
    assert appr is not None and permit is not None
    chain = desk.chain(appr.service)
    head = desk.officials.holder("kepala_dinas")
    return {
        "kota": OFFICE["kota"],
        "tanggal_surat": tanggal(to_wib(letter.created_at)),
        "nomor_surat": letter.number or "",
        "produk": chain.product,
        "singkatan": chain.abbreviation,
        "nama": appr.applicant_name or "-",
        "alamat": letter.address or "(alamat belum diketahui \u2014 lengkapi sebelum dikirim)",
        "kota_tujuan": OFFICE["kota"].upper(),
        "nomor_izin": permit.number,
        "reg_no": reg_no,
        "tanggal_selesai": tanggal(to_wib(appr.completed_at)),
        "tempat": chain.guarantees.collection_place,
        "ttd_awalan": "",
        "ttd_nama": head.name if head else "",
        "ttd_pangkat": (head.title or "") if head else "",
        "ttd_nip": nip_spaced(head.nip) if head else "",
    }


def issue_uncollected_letters(desk: Desk, now: datetime | None = None) -> list[Letter]:
    """Issue the letter for every permit that needs one; re-make missing files of issued ones."""
    at = as_utc(now or desk.now())
    letters: list[Letter] = []
    for reg_no in uncollected(desk, at):

        def work(session: Session, reg_no: str = reg_no) -> int | None:
            if session.scalars(
                select(DeliveryLetter).where(
                    DeliveryLetter.reg_no == reg_no, DeliveryLetter.kind == UNCOLLECTED
                )
            ).first():
                return None
            appr = get(session, reg_no)
            assert appr is not None
            chain = desk.chain(appr.service)
            local = to_wib(at)
            assert local is not None
            seq = next_value(session, f"surat:{UNCOLLECTED}:{local.year}")
            number = chain.guarantees.letter_number_format.format(
                seq=seq,
                year=local.year,
                month=local.month,
                roman_month=roman_month(local.month),
                reg_no=reg_no,
            )
            row = DeliveryLetter(
                reg_no=reg_no,
                kind=UNCOLLECTED,
                number=number,
                created_at=at,
                path=str(desk.folder(reg_no) / LETTER_DOCX),
                address=appr.address,
            )
            session.add(row)
            session.flush()
            return row.id

        # a concurrent check that issued the letter first makes the retry find its row
        created = with_retries(desk.db, work)
        if created is None:
            continue
        letters.append(_render(desk, created, new=True))
    # repair: issued letters whose files are missing
    with desk.db() as session:
        rows = session.scalars(
            select(DeliveryLetter).where(DeliveryLetter.kind == UNCOLLECTED)
        ).all()
        missing = [r.id for r in rows if not Path(r.path).is_file()]
    letters += [_render(desk, letter_id, new=False) for letter_id in missing]
    return letters


def _render(desk: Desk, letter_id: int, *, new: bool) -> Letter:
    with desk.db() as session:
        letter = session.get(DeliveryLetter, letter_id)
        assert letter is not None
        ctx = _context(desk, session, letter.reg_no, letter)
        reg_no, number = letter.reg_no, letter.number or ""
    files = render_letter(ctx, desk.folder(reg_no), pdf=desk.pdf)
    return Letter(reg_no, number, files, new)
