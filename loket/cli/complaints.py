"""CLI of the complaint register (``loket complaint``).

Mounted by ``loket/cli/main.py`` as ``loket complaint``; the monthly report's CLI
(``loket complaints``) is in :mod:`loket.cli.complaints_report`, the SKM survey's
(``loket skm``) in :mod:`loket.cli.survey`. All three use the context, options and consoles
of :mod:`loket.cli.complaints_context`.

Who acts is given with ``--nip`` (or the ``LOKET_NIP`` environment variable), looked up in
``rules/officials.yaml`` and proven with that official's ``loket login`` session or passphrase
(asked, never an option; :func:`loket.cli.identity.authenticated`). Messages to officers are
in Bahasa Indonesia.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from loket.approval.officials import ROLE_LABELS, Role
from loket.cli.complaints_context import Ctx, NipOpt, NoPdf, console, err, fail
from loket.cli.personal import NIK_ROLES, may_see_nik
from loket.common.clock import WIB, to_wib
from loket.common.logmask import mask
from loket.complaints.book import (
    NewComplaint,
    add_complaint,
    answer,
    confirm_weight,
    coordinate,
    list_complaints,
    routing,
)
from loket.complaints.deadlines import is_overdue
from loket.complaints.errors import ComplaintError
from loket.complaints.importing import ImportResult, import_eml_folder
from loket.complaints.models import STATUS_LABELS, Complaint
from loket.complaints.reply import draft_reply, reply_kind, who_answers
from loket.complaints.rules import WEIGHTS, ComplaintRules
from loket.complaints.sms import import_sms_csv
from loket.complaints.suggestions import suggest_type, suggest_weight
from loket.complaints.times import month_bounds
from loket.documents.officedocs import tanggal_jam

complaint_app = typer.Typer(
    help="Complaint register (pengaduan, saran, masukan): intake, routing, answers.",
    no_args_is_help=True,
)
#: ``complaint show --show-nik``: also for the complaint officer, who answers by phone or SMS.
SHOW_NIK_ROLES = (*NIK_ROLES, "petugas_pengaduan")


def _parse_time(raw: str | None) -> datetime | None:
    if not raw:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=WIB)
        except ValueError:
            continue
    raise fail(f"waktu {raw!r} tidak dikenali; tulis YYYY-MM-DD HH:MM (WIB)")


# ---------------------------------------------------------------------------------------
# complaint


def _need(value: str | None, label: str, ask: bool, default: str | None = None) -> str:
    """A required field: the option's value, else asked for (refused with ``--no-input``)."""
    if value:
        return value
    if not ask:
        raise fail(f"{label} wajib diisi.")
    return str(typer.prompt(label, default=default))


def _maybe(value: str | None, label: str, ask: bool) -> str | None:
    """An optional field: the option's value, else asked for (may be left empty)."""
    if value is not None or not ask:
        return value
    answer_ = typer.prompt(f"{label} (kosongkan bila tidak ada)", default="", show_default=False)
    return answer_.strip() or None


def _ask_type_and_weight(
    ctx: Ctx, body: str, kind: str | None, weight: str | None, ask: bool
) -> tuple[str | None, str | None]:
    """Type and weight: the options' values, else asked for with the suggestion as default."""
    if kind is None and ask:
        kind = str(
            typer.prompt(
                f"Jenis ({'/'.join(ctx.rules.types)})", default=suggest_type(ctx.rules, body).value
            )
        )
    hint = suggest_weight(ctx.rules, body)
    if weight is None and ask:
        console.print(f"Saran bobot: [bold]{ctx.rules.weight_label(hint.value)}[/] ({hint.reason})")
        weight = str(typer.prompt(f"Bobot ({'/'.join(WEIGHTS)})", default=hint.value))
    return kind, weight


@complaint_app.command("add")
def add_cmd(
    channel: Annotated[
        str | None, typer.Option(help="surat|email|website|telepon|fax|sms|tatap_muka")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Complainant's name.")] = None,
    phone: Annotated[str | None, typer.Option(help="Complainant's phone.")] = None,
    email: Annotated[str | None, typer.Option(help="Complainant's e-mail.")] = None,
    address: Annotated[str | None, typer.Option(help="Complainant's postal address.")] = None,
    subject: Annotated[str | None, typer.Option(help="Subject (perihal).")] = None,
    text: Annotated[str | None, typer.Option(help="Complaint text.")] = None,
    kind: Annotated[str | None, typer.Option("--type", help="pengaduan|saran|masukan")] = None,
    weight: Annotated[str | None, typer.Option(help="ringan|sedang|berat (confirmed).")] = None,
    reg_no: Annotated[str | None, typer.Option(help="Related registration number.")] = None,
    received: Annotated[str | None, typer.Option(help="Received at, YYYY-MM-DD HH:MM WIB.")] = None,
    nip: NipOpt = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
) -> None:
    """Record a complaint received by letter, phone, fax, SMS or face to face."""
    ctx = Ctx()
    handler = ctx.official(nip, required=False)
    ask = not no_input
    channel = _need(channel, f"Media pengaduan ({'/'.join(ctx.rules.channels)})", ask, "tatap_muka")
    if channel not in ctx.rules.channels:
        raise fail(f"media {channel!r} tidak dikenal; pilih: {', '.join(ctx.rules.channels)}")
    name = _need(name, "Nama pengadu", ask)
    phone = _maybe(phone, "Telepon/HP", ask)
    email = _maybe(email, "E-mail", ask)
    address = _maybe(address, "Alamat", ask)
    subject = _need(subject, "Perihal", ask)
    text = _need(text, "Isi pengaduan/saran/masukan", ask)
    reg_no = _maybe(reg_no, "Nomor registrasi permohonan terkait", ask)
    kind, weight = _ask_type_and_weight(ctx, f"{subject}\n{text}", kind, weight, ask)
    with ctx.session() as session:
        complaint = add_complaint(
            session,
            ctx.rules,
            NewComplaint(
                channel=channel,
                complainant_name=name,
                phone=phone,
                email=email,
                address=address,
                subject=subject,
                text=text,
                type=kind,
                weight=weight,
                related_reg_no=reg_no.upper() if reg_no else None,
                received_at=_parse_time(received),
                handler=handler,
                source="loket complaint add",
            ),
            store=ctx.store,
            calendar=ctx.calendar,
            settings=ctx.settings,
            reg_prefix=ctx.settings.registration_prefix,
        )
        session.commit()
        _print_summary(ctx, complaint)


def _print_summary(ctx: Ctx, c: Complaint) -> None:
    rules = ctx.rules
    console.print(f"[bold green]Tercatat[/] {c.number} \u2014 {c.subject}")
    console.print(
        f"  Bobot: {rules.weight_label(c.weight) if c.weight else '(belum dikonfirmasi)'}"
        f"; saran sistem: {rules.weight_label(c.weight_suggested)} ({c.weight_reason})"
    )
    console.print(f"  Penanganan: {who_answers(rules, c.weight or c.weight_suggested)}")
    console.print(f"  Batas waktu jawaban: {tanggal_jam(to_wib(c.due_at))}")
    if c.related_reg_no:
        console.print(f"  Kartu kendali {c.related_reg_no} dilampirkan.")


def _pending(ctx: Ctx, c: Complaint) -> str:
    if c.status == "dijawab":
        return "-"
    if not c.weight:
        return "konfirmasi bobot"
    missing = [s.label for s in routing(ctx.rules, c) if s.done is None]
    return ("koordinasi: " + "; ".join(missing)) if missing else "siap dijawab"


@complaint_app.command("list")
def list_cmd(
    month: Annotated[str | None, typer.Option(help="Only complaints received in YYYY-MM.")] = None,
    status: Annotated[str | None, typer.Option(help="baru|diproses|dijawab")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue complaints.")] = False,
) -> None:
    """The complaint register (Buku Pengaduan)."""
    ctx = Ctx()
    start = end = None
    if month:
        try:
            start, end = month_bounds(month)
        except ComplaintError as exc:
            raise fail(str(exc)) from exc
    with ctx.session() as session:
        items = list_complaints(session, start=start, end=end, status=status)
        if overdue:
            items = [c for c in items if is_overdue(c)]
        table = Table(title="Buku Pengaduan", show_lines=False)
        for col in (
            "Nomor",
            "Diterima",
            "Media",
            "Pengadu",
            "Perihal",
            "Jenis",
            "Bobot",
            "Status",
            "Batas Waktu",
            "Tindakan berikut",
        ):
            table.add_column(col)
        for c in items:
            late = is_overdue(c)
            table.add_row(
                c.number,
                to_wib(c.received_at).strftime("%d-%m-%Y %H.%M"),
                ctx.rules.channel_label(c.channel),
                escape(mask(c.complainant_name)),
                escape(mask(c.subject)[:40]),
                ctx.rules.type_label(c.type),
                ctx.rules.weight_label(c.weight)
                if c.weight
                else f"{ctx.rules.weight_label(c.weight_suggested)}?",
                STATUS_LABELS.get(c.status, c.status),
                ("[red]" if late else "")
                + to_wib(c.due_at).strftime("%d-%m-%Y")
                + (" TERLAMBAT[/]" if late else ""),
                _pending(ctx, c),
            )
        console.print(table)
        console.print(f"{len(items)} pengaduan.")


def _facts(rules: ComplaintRules, c: Complaint) -> list[tuple[str, str]]:
    """The complaint's facts, label and value, as ``complaint show`` lists them."""
    return [
        (
            "Diterima",
            f"{tanggal_jam(to_wib(c.received_at))} melalui {rules.channel_label(c.channel)}",
        ),
        ("Pengadu", c.complainant_name),
        (
            "Kontak",
            ", ".join(
                x for x in (c.complainant_phone, c.complainant_email, c.complainant_address) if x
            )
            or "-",
        ),
        ("Jenis", rules.type_label(c.type)),
        (
            "Bobot",
            (rules.weight_label(c.weight) if c.weight else "(belum dikonfirmasi)")
            + f"; saran sistem {rules.weight_label(c.weight_suggested)} ({c.weight_reason})",
        ),
        ("Penanganan", who_answers(rules, c.weight or c.weight_suggested)),
        ("Jawaban melalui", reply_kind(rules, c)),
        ("Permohonan terkait", c.related_reg_no or "-"),
        ("Petugas", c.handler_name or "-"),
        (
            "Status",
            STATUS_LABELS.get(c.status, c.status) + (" \u2014 TERLAMBAT" if is_overdue(c) else ""),
        ),
        ("Batas waktu", tanggal_jam(to_wib(c.due_at))),
    ]


def _print_route(rules: ComplaintRules, c: Complaint, see: Callable[[str], str]) -> None:
    """The coordination the weight requires, each step done or not."""
    route = routing(rules, c)
    if route:
        console.print("[bold]Koordinasi yang wajib[/]")
        for i, step in enumerate(route, 1):
            mark = (
                f"[green]\u2713[/] {escape(see(step.done.party_name or ''))} "
                f"({tanggal_jam(to_wib(step.done.at))}): {escape(see(step.done.note or ''))}"
                if step.done
                else "[yellow]belum[/]"
            )
            console.print(f"  {i}. {step.label}: {mark}")


def _print_history(ctx: Ctx, c: Complaint, see: Callable[[str], str]) -> None:
    """The steps, files and answer: outside data, never markup, through ``see`` (masking)."""
    console.print("[bold]Riwayat[/]")
    for s in c.steps:
        who = f" oleh {s.by_name}" if s.by_name else ""
        role = f" [{ROLE_LABELS.get(Role(s.role), s.role)}]" if s.role else ""
        party = f" dengan {s.party_name}" if s.party_name else ""
        line = f"  {tanggal_jam(to_wib(s.at))} {s.kind}{role}{party}{who}: {s.note or ''}"
        console.print(see(line), markup=False, highlight=False)
    if c.attachments:
        console.print("[bold]Lampiran[/]")
        for a in c.attachments:
            line = f"  {a.kind:<14} {a.filename} ({a.size} bytes) {ctx.store / a.relpath}"
            console.print(see(line), markup=False, highlight=False)
    if c.answer:
        console.print(
            f"\n[bold]Jawaban[/] ({tanggal_jam(to_wib(c.answered_at))}, "
            f"{escape(c.answered_by_name or '')})"
        )
        console.print(see(c.answer), markup=False, highlight=False)


@complaint_app.command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(help="Complaint number, e.g. PGD-2026-000001.")],
    show_nik: Annotated[
        bool,
        typer.Option(
            "--show-nik",
            help="NIKs and phones in full (front/back office, complaint officer; with --as).",
        ),
    ] = False,
    nip: Annotated[
        str | None,
        typer.Option("--as", "--nip", envvar="LOKET_NIP", help="Your NIP (with --show-nik)."),
    ] = None,
) -> None:
    """Everything about one complaint: routing, steps, attachments, control card (NIKs and
    phone numbers masked; the complainant's words are printed as written, never as markup)."""
    if show_nik:
        may_see_nik(nip, f"loket complaint show {ref} --show-nik", SHOW_NIK_ROLES)
    see: Callable[[str], str] = (lambda text: text) if show_nik else mask
    ctx = Ctx()
    rules = ctx.rules
    with ctx.session() as session:
        c = ctx.complaint(session, ref)
        console.print(f"[bold]{c.number}[/] \u2014 {escape(see(c.subject))}")
        for k, v in _facts(rules, c):
            console.print(see(f"  {k:<20} {v}"), markup=False, highlight=False)
        console.print("\n[bold]Isi[/]")
        console.print(see(c.text) + "\n", markup=False, highlight=False)
        _print_route(rules, c, see)
        _print_history(ctx, c, see)


@complaint_app.command("confirm")
def confirm_cmd(
    ref: Annotated[str, typer.Argument(help="Complaint number.")],
    weight: Annotated[str, typer.Option(help="ringan|sedang|berat")],
    nip: NipOpt = None,
) -> None:
    """Confirm or change the weight of a complaint (the deadline follows)."""
    ctx = Ctx()
    by = ctx.official(nip)
    assert by is not None
    with ctx.session() as session:
        c = ctx.complaint(session, ref)
        confirm_weight(session, ctx.rules, c, weight, by, calendar=ctx.calendar)
        session.commit()
        console.print(
            f"{c.number}: bobot {ctx.rules.weight_label(weight)}; "
            f"{who_answers(ctx.rules, weight)}; batas {tanggal_jam(to_wib(c.due_at))}"
        )


@complaint_app.command("coordinate")
def coordinate_cmd(
    ref: Annotated[str, typer.Argument(help="Complaint number.")],
    role: Annotated[
        str,
        typer.Option(
            help="Role coordinated with, e.g. kepala_bidang, kepala_dinas, sekretaris_daerah."
        ),
    ],
    note: Annotated[str, typer.Option(help="Result of the coordination.")],
    with_nip: Annotated[
        str | None, typer.Option("--with", help="NIP of the person coordinated with.")
    ] = None,
    with_name: Annotated[str | None, typer.Option(help="Name, when not in officials.yaml.")] = None,
    nip: NipOpt = None,
) -> None:
    """Record one coordination step (sedang/berat complaints)."""
    ctx = Ctx()
    by = ctx.official(nip)
    assert by is not None
    try:
        role_ = Role(role)
    except ValueError as exc:
        raise fail(
            f"peran {role!r} tidak dikenal; pilih: {', '.join(r.value for r in Role)}"
        ) from exc
    party = ctx.lookup(with_nip) if with_nip else None
    if party is None and not with_name:
        holders = ctx.officials.with_role(role_)
        party = holders[0] if len(holders) == 1 else None
        if party is None:
            raise fail("sebutkan pihak yang diajak koordinasi: --with NIP atau --with-name.")
    with ctx.session() as session:
        c = ctx.complaint(session, ref)
        coordinate(session, c, role=role_, by=by, note=note, party=party, party_name=with_name)
        session.commit()
        left = [s.label for s in routing(ctx.rules, c) if s.done is None]
        console.print(
            f"{c.number}: koordinasi dengan {ROLE_LABELS[role_]} dicatat. "
            + (f"Masih perlu: {'; '.join(left)}." if left else "Siap dijawab.")
        )


@complaint_app.command("answer")
def answer_cmd(
    ref: Annotated[str, typer.Argument(help="Complaint number.")],
    text: Annotated[str | None, typer.Option(help="The answer.")] = None,
    file: Annotated[Path | None, typer.Option(help="Read the answer from a text file.")] = None,
    nip: NipOpt = None,
    no_pdf: NoPdf = False,
) -> None:
    """Record the answer and draft the reply through the complaint's channel."""
    ctx = Ctx()
    by = ctx.official(nip)
    assert by is not None
    if file is not None:
        text = file.read_text(encoding="utf-8")
    if not text:
        text = typer.prompt("Jawaban")
    with ctx.session() as session:
        c = ctx.complaint(session, ref)
        answer(session, ctx.rules, c, text, by=by)
        files = draft_reply(
            session,
            ctx.rules,
            ctx.officials,
            c,
            store=ctx.store,
            outbox=ctx.settings.outbox_dir,
            pdf=not no_pdf,
        )
        session.commit()
        console.print(f"{c.number} dijawab. Draf balasan ({reply_kind(ctx.rules, c)}):")
        for f in files:
            console.print(f"  {f}")


@complaint_app.command("import-eml")
def import_eml_cmd(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Drop folder of .eml files (default inbox/pengaduan-email)."),
    ] = None,
    nip: NipOpt = None,
) -> None:
    """Register the e-mails of a drop folder as complaints (attachments kept).

    Each message is committed on its own; a file over 25 MiB or that is not an e-mail stays in
    the folder and is listed with its reason.
    """
    ctx = Ctx()
    handler = ctx.official(nip, required=False)
    folder = folder or ctx.settings.inbox_dir / "pengaduan-email"
    if not folder.is_dir():
        raise fail(f"folder {folder} tidak ada.")
    with ctx.session() as session:
        result = import_eml_folder(
            session,
            ctx.rules,
            folder,
            store=ctx.store,
            calendar=ctx.calendar,
            settings=ctx.settings,
            reg_prefix=ctx.settings.registration_prefix,
            handler=handler,
        )
        _import_summary(ctx, result)


@complaint_app.command("import-sms")
def import_sms_cmd(
    file: Annotated[Path, typer.Argument(help="CSV export of received SMS.")],
    nip: NipOpt = None,
) -> None:
    """Register the SMS of a CSV export as complaints; bad rows are listed by row number.

    Each row is committed on its own; a row with a field over 10,000 characters, a malformed
    row or an invalid one is refused with its reason and every other row is imported.
    """
    ctx = Ctx()
    handler = ctx.official(nip, required=False)
    if not file.is_file():
        raise fail(f"berkas {file} tidak ada.")
    with ctx.session() as session:
        result = import_sms_csv(
            session,
            ctx.rules,
            file,
            store=ctx.store,
            calendar=ctx.calendar,
            settings=ctx.settings,
            reg_prefix=ctx.settings.registration_prefix,
            handler=handler,
        )
        _import_summary(ctx, result)
    if result.errors and not result.created:
        raise typer.Exit(1)


def _import_summary(ctx: Ctx, result: ImportResult) -> None:
    """Each complaint recorded, each input skipped or refused with its reason, then totals."""
    for c in result.created:
        console.print(
            f"[green]Tercatat[/] {c.number} {escape(c.complainant_name)}: {escape(c.subject)} "
            f"(saran bobot {ctx.rules.weight_label(c.weight_suggested)})"
        )
    for where, why in result.skipped:
        console.print(f"[dim]Dilewati / skipped[/] {escape(where)}: {escape(why)}")
    for where, what in result.errors:
        err.print(f"[red]Ditolak / rejected[/] {escape(where)}: {escape(what)}")
    console.print(
        f"Ringkasan / summary: {len(result.created)} tercatat / imported, "
        f"{len(result.errors)} ditolak / rejected, {len(result.skipped)} dilewati / skipped "
        f"({result.duplicates} sudah diimpor / already imported)."
    )
    if result.created:
        console.print(
            "Bobot hasil impor masih saran: konfirmasi dengan "
            "`loket complaint confirm NOMOR --weight ...`."
        )
