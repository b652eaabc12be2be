"""DOCX layout helpers of the office's documents (python-docx): page, letterhead, tables.

Shared by the template builders (``templates/build/``), which lay out the docxtpl templates
with them, and by the reports drawn directly at run time (:mod:`loket.sla.document`), so
that every document has the same kop surat of DPMPTSP Kota Pekanbaru, fonts and table style.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from loket.documents.officedocs import OFFICE

FONT = "Arial"


def new_document(landscape: bool = False) -> DocumentType:
    """An A4 document (portrait or landscape) with the office's margins and Arial 11."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.15
    return doc


def bottom_border(paragraph: Paragraph, size: int = 24) -> None:
    """The double rule under the kop surat."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "thickThinSmallGap")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.append(borders)


def para(
    doc_or_cell: DocumentType | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    size: float | None = None,
    align: str | None = None,
    italic: bool = False,
    underline: bool = False,
    before: float = 0,
    after: float = 0,
    indent_cm: float | None = None,
    first_line_cm: float | None = None,
    color: RGBColor | None = None,
) -> Paragraph:
    """A paragraph of one run (none for empty ``text``) with spacing in points."""
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        run.underline = underline
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_cm is not None:
        fmt.left_indent = Cm(indent_cm)
    if first_line_cm is not None:
        fmt.first_line_indent = Cm(first_line_cm)
    if align:
        p.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
        }[align]
    return p


def kop_surat(doc: DocumentType) -> None:
    """Letterhead: government, office, address and contacts, double rule underneath."""
    para(doc, OFFICE["pemerintah"], bold=True, size=14, align="center")
    para(doc, OFFICE["dinas"], bold=True, size=13, align="center")
    para(doc, OFFICE["alamat"], size=10, align="center")
    para(doc, OFFICE["telepon"], size=10, align="center")
    p = para(
        doc,
        f"E-mail: {OFFICE['email']}   Website: {OFFICE['website']}",
        size=10,
        align="center",
        after=2,
    )
    bottom_border(p)
    para(doc, "", after=6)


def no_borders(table: Table) -> None:
    """A layout table: no visible borders."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths that both Word and LibreOffice honour (grid and every cell)."""
    table.autofit = False
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    size: float = 9,
    align: str | None = None,
) -> None:
    """Replace the text of ``cell`` by one run."""
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def shade(cell: _Cell, fill: str = "D9E2F3") -> None:
    """Background colour of a header cell."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def loop_table(
    doc: DocumentType,
    header: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths_cm: Sequence[float],
    *,
    size: float = 9,
    centered: Sequence[int] = (),
    footer: Sequence[str] | None = None,
) -> Table:
    """A grid table: header row, a ``{%tr for %}`` row, one templated row, ``{%tr endfor %}``."""
    rows = 4 + (1 if footer else 0)
    table = doc.add_table(rows=rows, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(header):
        cell_text(table.rows[0].cells[i], h, bold=True, size=size, align="center")
        shade(table.rows[0].cells[i])
    cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}", size=size)
    for i, c in enumerate(cells):
        cell_text(table.rows[2].cells[i], c, size=size, align="center" if i in centered else None)
    cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    if footer:
        for i, c in enumerate(footer):
            cell_text(
                table.rows[4].cells[i],
                c,
                bold=True,
                size=size,
                align="center" if i in centered else None,
            )
    set_widths(table, widths_cm)
    # header repeats on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    return table


def signature(doc: DocumentType, left: Sequence[str], right: Sequence[str]) -> None:
    """Two signature columns; lines may be Jinja; '!name' lines print bold underlined."""
    para(doc, "", after=6)
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (8.2, 8.3))
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # never split a signature over two pages
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.text = ""
        first = True
        for line in lines:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if line.startswith("!"):
                run = p.add_run(line[1:])
                run.bold = True
                run.underline = True
            else:
                p.add_run(line)


def kv_table(
    doc: DocumentType, rows: Sequence[tuple[str, str]], widths: Sequence[float], size: float = 11
) -> Table:
    """A borderless ``key : value`` table."""
    table = doc.add_table(rows=len(rows), cols=3)
    no_borders(table)
    for r, (k, v) in enumerate(rows):
        cell_text(table.rows[r].cells[0], k, size=size)
        cell_text(table.rows[r].cells[1], ":", size=size)
        cell_text(table.rows[r].cells[2], v, size=size)
    set_widths(table, widths)
    return table


def letter_head(
    doc: DocumentType, rows: Sequence[tuple[str, str]], addressee: Sequence[str] | None = None
) -> None:
    """The head of an outgoing letter: place and date on the right, then Nomor / Sifat /
    Lampiran / Hal; with ``addressee``, the "Kepada Yth." lines in a column beside them."""
    para(doc, "{{ kota }}, {{ tanggal_surat }}", align="right", after=6)
    if addressee is None:
        kv_table(doc, rows, (2.3, 0.4, 13.8))
        return
    head = doc.add_table(rows=len(rows), cols=4)
    no_borders(head)
    for r, (k, v) in enumerate(rows):
        cell_text(head.rows[r].cells[0], k, size=11)
        cell_text(head.rows[r].cells[1], ":", size=11)
        cell_text(head.rows[r].cells[2], v, size=11)
    set_widths(head, (2.3, 0.4, 7.0, 6.8))
    to = head.cell(0, 3).merge(head.cell(len(rows) - 1, 3))
    to.text = ""
    for i, line in enumerate(addressee):
        p = to.paragraphs[0] if i == 0 else to.add_paragraph()
        p.add_run(line)
