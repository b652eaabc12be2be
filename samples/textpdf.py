"""Digitally produced letters: a PDF with a real text layer (fpdf2), from the same layout
blocks as the scanned letters."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .common import font_path
from .draw import materai, signature_image
from .layout import KV, Block, Items, Rule, Sign, Signs, Space, Text

PT_MM = 25.4 / 72.0


class _Pdf(FPDF):
    pass


def _font_key(family: str) -> str:
    return family.replace("_", "")


def _setup_fonts(pdf: FPDF, family: str) -> None:
    key = _font_key(family)
    for style, (bold, italic) in {
        "": (False, False),
        "B": (True, False),
        "I": (False, True),
        "BI": (True, True),
    }.items():
        pdf.add_font(key, style, font_path(family, bold, italic))


def render_letter_pdf(
    path: Path,
    pages: list[list[Block]],
    *,
    family: str,
    size: float,
    margins: tuple[float, float, float, float],
    rng: random.Random,
    created: dt.datetime,
    title: str = "Surat Permohonan",
    leading: float = 1.35,
) -> int:
    """Write the letter as a text PDF; returns the page count."""
    pdf = _Pdf(unit="mm", format="A4")
    pdf.set_creation_date(created.replace(tzinfo=dt.UTC))
    pdf.set_title(title)
    pdf.set_creator(rng.choice(("Microsoft Word", "WPS Writer", "LibreOffice Writer")))
    pdf.set_producer("fpdf2")
    _setup_fonts(pdf, family)
    key = _font_key(family)
    left, top, right, bottom = margins
    pdf.set_margins(left, top, right)
    pdf.set_auto_page_break(True, bottom)
    width = 210 - left - right

    def lh(sz: float) -> float:
        return sz * PT_MM * leading

    for blocks in pages:
        pdf.add_page()
        pdf.set_font(key, "", size)
        for b in blocks:
            if isinstance(b, Text):
                style = (
                    ("B" if b.bold else "")
                    + ("I" if b.italic else "")
                    + ("U" if b.underline else "")
                )
                sz = b.size or size
                pdf.set_font(key, style, sz)
                align = {"left": "L", "center": "C", "right": "R", "justify": "J"}[b.align]
                pdf.set_x(left + b.indent)
                text = b.text
                if b.first:
                    text = " " * int(b.first / (sz * PT_MM * 0.25)) + text
                pdf.multi_cell(
                    width - b.indent, lh(sz), text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
                pdf.set_font(key, "", size)
                pdf.ln(b.after)
            elif isinstance(b, KV):
                # a label wider than its column widens the column (as the image layout does)
                label_w = max([b.label_w] + [pdf.get_string_width(lb) + 2 for lb, _ in b.rows])
                for label, value in b.rows:
                    x0 = left + b.indent
                    pdf.set_x(x0)
                    if b.sep_mode == "inline":
                        head = f"{label} {b.sep} "
                        pdf.cell(pdf.get_string_width(head), lh(size), head)
                        value_w = width - b.indent - pdf.get_string_width(head)
                    else:
                        shown = f"{label}{b.sep}" if b.sep_mode == "label" else label
                        pdf.cell(label_w, lh(size), shown)
                        pdf.cell(4, lh(size), "" if b.sep_mode == "label" else b.sep)
                        value_w = width - b.indent - label_w - 4
                    pdf.multi_cell(
                        value_w,
                        lh(size),
                        value,
                        align="L",
                        new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT,
                    )
                pdf.ln(b.after)
            elif isinstance(b, Items):
                for i, it in enumerate(b.items):
                    mark = {
                        "num": f"{i + 1}.",
                        "alpha": f"{'abcdefghij'[i]}.",
                        "dash": "-",
                        "bullet": "-",
                    }[b.style]
                    pdf.set_x(left + b.indent)
                    pdf.cell(7, lh(size), mark)
                    pdf.multi_cell(
                        width - b.indent - 7,
                        lh(size),
                        it,
                        align="L",
                        new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT,
                    )
                pdf.ln(b.after)
            elif isinstance(b, Space):
                pdf.ln(b.mm)
            elif isinstance(b, Rule):
                y = pdf.get_y()
                pdf.set_line_width(b.thick)
                pdf.line(left, y, 210 - right, y)
                pdf.ln(b.after + b.thick)
            elif isinstance(b, Sign | Signs):
                signs = b.signs if isinstance(b, Signs) else [b]
                need = max((len(s.above) + 1 + len(s.below)) * lh(size) + s.gap for s in signs)
                if pdf.get_y() + need > pdf.h - bottom:
                    pdf.add_page()
                y0 = pdf.get_y()
                bottoms = []
                for s in signs:
                    pdf.set_y(y0)
                    cx = left + width * s.col
                    cw = min(s.width, 210 - right - cx + 10)
                    al = "C" if s.align == "center" else "L"
                    for line in s.above:
                        pdf.set_x(cx)
                        pdf.cell(cw, lh(size), line, align=al, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                    ys = pdf.get_y()
                    if s.materai:
                        buf = io.BytesIO()
                        materai(150, rng).save(buf, format="PNG")
                        pdf.image(buf, x=cx + cw * 0.12, y=ys + 1, w=17)
                    if s.scribble:
                        sig = signature_image(rng, 400, 160)
                        pdf.image(sig, x=cx + cw * 0.25, y=ys + 1, w=cw * 0.5, h=s.gap - 3)
                    pdf.set_y(ys + s.gap)
                    pdf.set_x(cx)
                    pdf.set_font(
                        key, ("B" if s.bold_name else "") + ("U" if s.underline else ""), size
                    )
                    pdf.cell(cw, lh(size), s.name, align=al, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                    pdf.set_font(key, "", size)
                    for line in s.below:
                        pdf.set_x(cx)
                        pdf.cell(cw, lh(size), line, align=al, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                    bottoms.append(pdf.get_y())
                pdf.set_y(max(bottoms) + 2)
    pdf.output(str(path))
    return pdf.pages_count
