"""The text-flow layout engine: a page, the blocks of a letter and the Flow that places them,
and the letterhead (kop surat) drawn into a flow.

Sizes are given in millimetres (layout) and points (type) and converted with the page dpi.
The layout is described as a list of blocks (Text, KV, Items, Space, Rule, Sign, Signs,
PageBreak) so the same letter can be rendered as an image or as a PDF with a text layer
(see textpdf.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from .common import font
from .draw import INK, PEN_BLACK, PEN_BLUE, draw_signature, emblem, materai


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------
class Page:
    """A white sheet rendered at `dpi`; coordinates in px, helpers convert from mm/pt."""

    def __init__(
        self,
        dpi: int,
        size_mm: tuple[float, float] = (210.0, 297.0),
        bg: tuple[int, int, int] = (255, 255, 255),
    ) -> None:
        self.dpi = dpi
        self.w_mm, self.h_mm = size_mm
        self.img = Image.new("RGB", (self.px(self.w_mm), self.px(self.h_mm)), bg)
        self.draw = ImageDraw.Draw(self.img)

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)

    def pt(self, points: float) -> int:
        return max(round(points * self.dpi / 72.0), 4)

    @property
    def size(self) -> tuple[int, int]:
        return self.img.size


# --------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------
@dataclass
class Text:
    text: str
    align: str = "left"  # left | center | right | justify
    bold: bool = False
    italic: bool = False
    size: float | None = None  # pt; None = flow default
    indent: float = 0.0  # mm, whole paragraph
    first: float = 0.0  # mm, extra first-line indent
    after: float = 1.0  # mm after the paragraph
    underline: bool = False
    family: str | None = None
    color: tuple[int, int, int] | None = None


@dataclass
class KV:
    rows: list[tuple[str, str]]
    label_w: float = 45.0  # mm
    indent: float = 0.0
    after: float = 2.0
    bold_values: bool = False
    sep: str = ":"
    #: where the colon goes: "column" (aligned at label_w), "label" (right after the label,
    #: values aligned at label_w) or "inline" ("Nama : value", nothing aligned)
    sep_mode: str = "column"
    #: ruled borders: "none", "rows" (a line under each row) or "grid" (a full table)
    rules: str = "none"


@dataclass
class Items:
    items: list[str]
    style: str = "num"  # num | alpha | dash | bullet
    indent: float = 0.0
    after: float = 2.0


@dataclass
class Space:
    mm: float


@dataclass
class Rule:
    double: bool = False
    thick: float = 0.5  # mm
    after: float = 2.0


@dataclass
class Sign:
    above: list[str]
    name: str
    below: list[str] = field(default_factory=list)
    col: float = 0.55  # start of the column as a fraction of the text width
    width: float = 75.0  # mm
    align: str = "center"  # center | left
    gap: float = 22.0  # mm of room for the signature
    underline: bool = True
    bold_name: bool = True
    scribble: bool = True
    materai: bool = False
    pen: tuple[int, int, int] | None = None
    key: str = "sign"  # name under which the signature position is recorded


@dataclass
class Signs:
    """Several signature columns side by side (e.g. 'Mengetahui' + 'Yang membuat')."""

    signs: list[Sign]
    after: float = 2.0


@dataclass
class PageBreak:
    pass


Block = Text | KV | Items | Space | Rule | Sign | Signs | PageBreak


# --------------------------------------------------------------------------------------------
# Flow layout on a PIL page
# --------------------------------------------------------------------------------------------
def wrap(text: str, f, width: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split(" ")
        cur = ""
        for w in words:
            cand = w if not cur else f"{cur} {w}"
            if f.getlength(cand) <= width or not cur:
                cur = cand
            else:
                lines.append(cur)
                cur = w
        lines.append(cur)
    return lines


class Flow:
    """Cursor-based text layout on a Page."""

    def __init__(
        self,
        page: Page,
        rng: random.Random,
        family: str,
        size: float,
        margins: tuple[float, float, float, float] = (25, 20, 20, 20),
        leading: float = 1.35,
        color: tuple[int, int, int] = INK,
    ) -> None:
        self.page = page
        self.rng = rng
        self.family = family
        self.size = size
        self.leading = leading
        self.color = color
        left, top, right, bottom = margins
        self.x0 = page.px(left)
        self.x1 = page.size[0] - page.px(right)
        self.y = page.px(top)
        self.y_max = page.size[1] - page.px(bottom)
        self.marks: dict[str, tuple[int, int, int, int]] = {}

    # -- helpers -----------------------------------------------------------------------------
    def font(
        self,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
        family: str | None = None,
    ):
        return font(family or self.family, self.page.pt(size or self.size), bold, italic)

    def line_h(self, size: float | None = None) -> int:
        return int(self.page.pt(size or self.size) * self.leading)

    def space(self, mm: float) -> None:
        self.y += self.page.px(mm)

    def text_line(self, x: int, s: str, f, color=None, underline: bool = False) -> None:
        d = self.page.draw
        d.text((x, self.y), s, font=f, fill=color or self.color)
        if underline and s:
            asc = f.getmetrics()[0]
            w = f.getlength(s)
            uy = self.y + asc + max(2, self.page.px(0.4))
            d.line(
                [(x, uy), (x + w, uy)], fill=color or self.color, width=max(1, self.page.px(0.25))
            )

    # -- blocks ------------------------------------------------------------------------------
    def run(self, blocks: list[Block]) -> None:
        for b in blocks:
            if isinstance(b, PageBreak):
                raise ValueError("PageBreak must be handled by the caller (split_pages)")
            if isinstance(b, Sign):
                self.y = self._sign(b) + self.page.px(2)
            else:
                getattr(self, f"_do_{type(b).__name__.lower()}")(b)

    def _do_space(self, b: Space) -> None:
        self.space(b.mm)

    def _do_rule(self, b: Rule) -> None:
        d = self.page.draw
        t = max(1, self.page.px(b.thick))
        d.rectangle([self.x0, self.y, self.x1, self.y + t], fill=self.color)
        if b.double:
            y2 = self.y + t + max(2, self.page.px(0.7))
            d.rectangle([self.x0, y2, self.x1, y2 + max(1, t // 3)], fill=self.color)
            self.y = y2
        self.y += t + self.page.px(b.after)

    def _do_text(self, b: Text) -> None:
        f = self.font(b.size, b.bold, b.italic, b.family)
        x0 = self.x0 + self.page.px(b.indent)
        width = self.x1 - x0
        first = self.page.px(b.first)
        lines = wrap(b.text, f, width - first)
        # re-wrap the rest at full width
        if len(lines) > 1 and first:
            rest = " ".join(lines[1:])
            lines = lines[:1] + wrap(rest, f, width)
        lh = self.line_h(b.size)
        for i, ln in enumerate(lines):
            x = x0 + (first if i == 0 else 0)
            w = f.getlength(ln)
            if b.align == "center":
                x = x0 + (width - w) / 2
            elif b.align == "right":
                x = self.x1 - w
            if b.align == "justify" and i < len(lines) - 1 and " " in ln:
                self._justified(x, ln, f, self.x1 - x, b.color)
            else:
                self.text_line(int(x), ln, f, b.color, b.underline)
            self.y += lh
        self.y += self.page.px(b.after)

    def _justified(self, x: float, ln: str, f, width: float, color=None) -> None:
        words = ln.split(" ")
        total = sum(f.getlength(w) for w in words)
        gap = (width - total) / (len(words) - 1)
        if gap > f.getlength(" ") * 3:
            self.text_line(int(x), ln, f, color)
            return
        for w in words:
            self.page.draw.text((x, self.y), w, font=f, fill=color or self.color)
            x += f.getlength(w) + gap

    def _do_kv(self, b: KV) -> None:
        f = self.font()
        fb = self.font(bold=True) if b.bold_values else f
        x_label = self.x0 + self.page.px(b.indent)
        widest = max((f.getlength(label) for label, _ in b.rows), default=0.0)
        # a label wider than its column pushes the column right (it never overprints the colon)
        x_sep = x_label + max(self.page.px(b.label_w), int(widest) + self.page.px(2))
        x_val = x_sep + int(f.getlength(b.sep + " ")) + self.page.px(1)
        pad = self.page.px(1.0) if b.rules != "none" else 0
        lh = self.line_h()
        lines_y = [self.y]
        for label, value in b.rows:
            self.y += pad
            vx = x_val
            if b.sep_mode == "inline":
                head = f"{label} {b.sep} " if b.sep else f"{label} "
                self.text_line(x_label, head, f)
                vx = x_label + int(f.getlength(head))
            elif b.sep_mode == "label":
                self.text_line(x_label, f"{label}{b.sep}", f)
            else:
                self.text_line(x_label, label, f)
                if b.sep:
                    self.text_line(x_sep, b.sep, f)
            for ln in wrap(value, fb, self.x1 - vx):
                self.text_line(vx, ln, fb)
                self.y += lh
            self.y += pad
            lines_y.append(self.y)
        if b.rules != "none":
            self._table_rules(b, lines_y, x_label - self.page.px(1.5), x_sep - self.page.px(1.5))
        self.y += self.page.px(b.after)

    def _table_rules(self, b: KV, lines_y: list[int], left: int, mid: int) -> None:
        """Ruled borders of a key-value table: row lines, and for a grid the columns."""
        d = self.page.draw
        w = max(1, self.page.px(0.2))
        right = self.x1
        rows = lines_y if b.rules == "grid" else lines_y[1:]
        for y in rows:
            d.line([(left, y), (right, y)], fill=self.color, width=w)
        if b.rules == "grid":
            columns = [left, right] if b.sep_mode == "inline" else [left, mid, right]
            for x in columns:
                d.line([(x, lines_y[0]), (x, lines_y[-1])], fill=self.color, width=w)

    def _do_items(self, b: Items) -> None:
        f = self.font()
        x_num = self.x0 + self.page.px(b.indent)
        x_txt = x_num + self.page.px(7)
        lh = self.line_h()
        for i, it in enumerate(b.items):
            mark = {
                "num": f"{i + 1}.",
                "alpha": f"{'abcdefghijklmnop'[i]}.",
                "dash": "-",
                "bullet": "\u2022",
            }[b.style]
            self.text_line(x_num, mark, f)
            for ln in wrap(it, f, self.x1 - x_txt):
                self.text_line(x_txt, ln, f)
                self.y += lh
        self.y += self.page.px(b.after)

    def _sign(self, b: Sign, y0: int | None = None) -> int:
        """Draw one signature column; returns the bottom y."""
        y = self.y if y0 is None else y0
        f = self.font()
        fb = self.font(bold=b.bold_name)
        lh = self.line_h()
        tw = self.x1 - self.x0
        cx0 = self.x0 + int(tw * b.col)
        cw = min(self.page.px(b.width), self.x1 - cx0 + self.page.px(10))

        def put(s: str, fnt, underline: bool = False) -> None:
            w = fnt.getlength(s)
            x = cx0 + (cw - w) / 2 if b.align == "center" else cx0
            x = min(max(x, self.x0 - self.page.px(3)), self.page.size[0] - self.page.px(8) - w)
            d = self.page.draw
            d.text((int(x), y), s, font=fnt, fill=self.color)
            if underline:
                asc = fnt.getmetrics()[0]
                uy = y + asc + max(2, self.page.px(0.4))
                d.line([(x, uy), (x + w, uy)], fill=self.color, width=max(1, self.page.px(0.25)))

        for s in b.above:
            put(s, f)
            y += lh
        gap = self.page.px(b.gap)
        box = (cx0, y, cx0 + cw, y + gap)
        if b.materai:
            mat = materai(self.page.dpi, self.rng)
            mx = cx0 + int(cw * self.rng.uniform(0.05, 0.25))
            my = y + (gap - mat.size[1]) // 2
            self.page.img.paste(mat, (mx, max(my, y - lh)))
        if b.scribble:
            sig_w = int(cw * self.rng.uniform(0.45, 0.7))
            sx = cx0 + (cw - sig_w) // 2 + self.rng.randint(-cw // 10, cw // 10)
            draw_signature(
                self.page,
                (sx, y + gap // 8, sx + sig_w, y + gap - gap // 8),
                self.rng,
                b.pen or self.rng.choice((PEN_BLUE, PEN_BLACK)),
            )
        self.marks[b.key] = box
        y += gap
        put(b.name, fb, b.underline)
        y += lh
        for s in b.below:
            put(s, f)
            y += lh
        return y

    def _do_signs(self, b: Signs) -> None:
        bottoms = [self._sign(s, self.y) for s in b.signs]
        self.y = max(bottoms) + self.page.px(b.after)


def split_pages(blocks: list[Block]) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for b in blocks:
        if isinstance(b, PageBreak):
            pages.append([])
        else:
            pages[-1].append(b)
    return pages


# --------------------------------------------------------------------------------------------
# Signatures


def kop(
    page: Page,
    flow: Flow,
    rng: random.Random,
    lines: list[tuple[str, float, bool]],
    small: list[str],
    logo: str | None,
    logo_color: tuple[int, int, int] = (20, 90, 40),
    right_logo: str | None = None,
    family: str | None = None,
) -> None:
    """Letterhead: logo left, centred institution lines, address lines, double rule."""
    fam = family or flow.family
    top = flow.y
    logo_r = page.px(rng.uniform(11, 14))
    text_x0 = flow.x0
    text_x1 = flow.x1
    if logo:
        emblem(page, flow.x0 + logo_r, top + logo_r + page.px(1), logo_r, logo, logo_color)
        text_x0 = flow.x0 + 2 * logo_r + page.px(3)
    if right_logo:
        emblem(page, flow.x1 - logo_r, top + logo_r + page.px(1), logo_r, right_logo, logo_color)
        text_x1 = flow.x1 - 2 * logo_r - page.px(3)
    center = (
        (text_x0 + text_x1) / 2
        if not right_logo and rng.random() < 0.5
        else (flow.x0 + flow.x1) / 2
        if not logo
        else (text_x0 + text_x1) / 2
    )
    y = top
    for s, size, bold in lines:
        f = font(fam, page.pt(size), bold)
        while f.getlength(s) > (text_x1 - text_x0) and f.size > 8:
            f = font(fam, f.size - 1, bold)
        page.draw.text((center - f.getlength(s) / 2, y), s, font=f, fill=flow.color)
        y += int(f.size * 1.18)
    for s in small:
        f = font(fam, page.pt(rng.choice((8.5, 9, 9.5))), False, rng.random() < 0.3)
        while f.getlength(s) > (text_x1 - text_x0) and f.size > 6:
            f = font(fam, f.size - 1)
        page.draw.text((center - f.getlength(s) / 2, y), s, font=f, fill=flow.color)
        y += int(f.size * 1.25)
    flow.y = max(y, top + 2 * logo_r + page.px(2)) + page.px(1.5)
    flow.run([Rule(double=True, thick=rng.uniform(0.6, 1.0), after=rng.uniform(3, 6))])
