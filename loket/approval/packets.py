"""Review packets: what an official finds at their desk for an open task.

``outbox/reviews/<role>/<reg-no>/`` holds the draft, the checklist, small images of every page
of the application (made once, in ``<reg-no>/thumbnails``) and ``tugas.txt``, the task note
with the commands to approve or return.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from datetime import datetime
from pathlib import Path

from loket.approval.chain import ACTION_LABELS, Action, ServiceChain, Step
from loket.approval.desk import Desk, get
from loket.approval.models import ApprovalTask
from loket.approval.permit import read_json
from loket.common.clock import to_wib
from loket.documents import tanggal_jam

REVIEWS = "reviews"
THUMBS = "thumbnails"


def packet_dir(desk: Desk, role: str, reg_no: str) -> Path:
    return desk.settings.outbox_dir / REVIEWS / role / reg_no


def drop_packet(desk: Desk, role: str, reg_no: str) -> None:
    shutil.rmtree(packet_dir(desk, role, reg_no), ignore_errors=True)


def thumbnails(desk: Desk, reg_no: str, width: int = 360) -> list[dict[str, object]]:
    """Small images of every page of the application (made once, in ``<reg-no>/thumbnails``)."""
    from loket.intake import page_refs, render_page

    folder = desk.folder(reg_no) / THUMBS
    pages_doc = read_json(desk.folder(reg_no) / "pages.json") or {"pages": []}
    kinds = {(p.get("file"), p.get("page")): p.get("doc_type") for p in pages_doc["pages"]}
    try:
        refs = page_refs(desk.db, desk.settings, reg_no)
    except KeyError:
        refs = []
    listed: list[dict[str, object]] = []
    for i, ref in enumerate(refs, start=1):
        doc_type = kinds.get((ref.relpath, ref.page)) or "tidak_dikenal"
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(ref.relpath).stem)
        name = f"{i:02d}-{doc_type}-{stem}-h{ref.page}.jpg"
        target = folder / name
        if not target.exists():
            try:
                image = render_page(ref, dpi=40) if ref.kind == "pdf" else render_page(ref)
            except Exception as exc:  # a page that cannot be drawn is listed, not fatal
                listed.append(
                    {
                        "file": ref.relpath,
                        "page": ref.page,
                        "doc_type": doc_type,
                        "image": None,
                        "error": str(exc)[:200],
                    }
                )
                continue
            image.thumbnail((width, width * 2))
            folder.mkdir(parents=True, exist_ok=True)
            image.save(target, "JPEG", quality=70)
        listed.append({"file": ref.relpath, "page": ref.page, "doc_type": doc_type, "image": name})
    return listed


def write_packet(desk: Desk, reg_no: str, task_id: int) -> Path:
    """``outbox/reviews/<role>/<reg-no>/``: draft PDF, checklist, page thumbnails, task note."""
    with desk.db() as session:
        task = session.get(ApprovalTask, task_id)
        appr = get(session, reg_no)
        assert task is not None and appr is not None
        chain = desk.chain(appr.service)
        step = chain.steps[task.step_index]
        opened, due, incoming = to_wib(task.opened_at), to_wib(task.due_at), task.incoming_note
    target = packet_dir(desk, task.role, reg_no)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    src = desk.folder(reg_no)
    for name in ("draft.pdf", "draft.docx", "checklist.json", "checklist.pdf"):
        if (src / name).exists():
            shutil.copy2(src / name, target / name)
    listed = thumbnails(desk, reg_no)
    images = target / "halaman"
    for item in listed:
        if item["image"]:
            images.mkdir(exist_ok=True)
            with contextlib.suppress(OSError):
                shutil.copy2(src / THUMBS / str(item["image"]), images / str(item["image"]))
    (target / "pages.json").write_text(
        json.dumps({"reg_no": reg_no, "pages": listed}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    lines = _task_note(
        reg_no, appr.applicant_name, chain, step, task.step_index, opened, due, incoming
    )
    (target / "tugas.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _task_note(
    reg_no: str,
    applicant_name: str | None,
    chain: ServiceChain,
    step: Step,
    step_index: int,
    opened: datetime | None,
    due: datetime | None,
    incoming: str | None,
) -> list[str]:
    """The lines of ``tugas.txt``: the task, its deadline, how to approve or return."""
    lines = [
        f"TUGAS: {step.title}",
        f"No. Registrasi : {reg_no}",
        f"Pemohon        : {applicant_name or '-'}",
        f"Langkah        : {step_index + 1} dari {len(chain.steps)} (SOP langkah "
        f"{step.sop_step}), {ACTION_LABELS[step.action]} oleh {step.role_label}",
        f"Diterima       : {tanggal_jam(opened)}",
        f"Batas waktu    : {tanggal_jam(due)} (norma {step.norm.label})",
    ]
    if incoming:
        lines.append(f"Dikembalikan dengan catatan: {incoming}")
    lines += [
        "",
        "Isi paket: draft.pdf (draf izin), checklist.json/.pdf (hasil pemeriksaan "
        "persyaratan), halaman/ (gambar kecil setiap halaman berkas), pages.json (daftar "
        "halaman).",
        "",
        "Setujui : loket approve "
        + reg_no
        + " --as <NIP> [--note ...]"
        + (" [--bap <nomor BAP>]" if step.action == Action.draf else ""),
        "Kembalikan: loket return " + reg_no + " --as <NIP> --note <alasan>",
        "Atau melalui formulir pada flow run yang menunggu di Prefect UI.",
    ]
    return lines
