"""The bar chart of the element scores: a PNG for the DOCX/PDF report, a native XLSX chart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from loket.documents import angka
from loket.survey.grades import GRADES, round2
from loket.survey.index import ElementResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure
    from openpyxl.chart import BarChart
    from openpyxl.chart.series import Series
    from openpyxl.worksheet.worksheet import Worksheet

SHORT_NAMES: dict[str, str] = {
    "U1": "Persyaratan",
    "U2": "Prosedur",
    "U3": "Waktu Penyelesaian",
    "U4": "Biaya/Tarif",
    "U5": "Produk Layanan",
    "U6": "Kompetensi Pelaksana",
    "U7": "Perilaku Pelaksana",
    "U8": "Penanganan Pengaduan",
    "U9": "Sarana dan Prasarana",
}
GRADE_COLOURS: dict[str, str] = {"A": "2E7D32", "B": "2E75B6", "C": "ED7D31", "D": "C00000"}
CHART_SIZE_CM = (16.0, 9.5)  # printed size in the report (text width of A4 portrait: 16.5)
CHART_DPI = 180


def chart_title(year: int) -> str:
    return f"Nilai per Unsur Pelayanan \u2014 SKM {year}"


def _draw_grade_bounds(ax: Axes) -> None:
    """Dashed lines at the lower bounds of grades A, B and C, each with its label on top."""
    for g in GRADES[:-1]:  # lower bounds of A, B, C (D starts at the scale's 25)
        x = float(g.lower)
        ax.axvline(x, color="#595959", linestyle="--", linewidth=0.8, zorder=1)
        ax.text(
            x,
            1.01,
            f"{g.letter} \u2265 {angka(x, 2)}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=6.5,
            color="#404040",
        )


def _label_bars(ax: Axes, bars: BarContainer, values: list[float]) -> None:
    """Each bar's value, in white inside the bar's end."""
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            value - 1.0,
            bar.get_y() + bar.get_height() / 2,
            angka(value, 2),
            ha="right",
            va="center",
            fontsize=7,
            fontweight="bold",
            color="white",
            zorder=4,
        )


def _add_grade_legend(ax: Axes) -> None:
    """The legend of the grade colours, below the chart."""
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color=f"#{GRADE_COLOURS[g.letter]}", label=f"{g.letter} ({g.label})")
            for g in GRADES
        ],
        title="Mutu pelayanan",
        title_fontsize=7,
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=4,
        frameon=False,
    )


def element_chart(elements: Sequence[ElementResult], year: int) -> Figure:
    """Horizontal bars of the element scores (NRR × 25, as published), U1 on top.

    Bars are coloured by grade, the lower bounds of grades C, B and A are dashed lines and
    each bar carries its value. Pure: builds the figure only (object API, no pyplot state).
    """
    from matplotlib.figure import Figure

    inch = 2.54
    fig = Figure(figsize=(CHART_SIZE_CM[0] / inch, CHART_SIZE_CM[1] / inch), layout="constrained")
    ax = fig.subplots()
    ordered = list(elements)[::-1]  # barh draws bottom-up; U1 belongs on top
    values = [float(round2(e.index)) for e in ordered]
    labels = [f"{e.code}  {SHORT_NAMES.get(e.code, e.name)}" for e in ordered]
    colours = [f"#{GRADE_COLOURS[e.grade.letter]}" for e in ordered]
    bars = ax.barh(range(len(ordered)), values, height=0.65, color=colours, zorder=2)
    ax.set_yticks(range(len(ordered)), labels, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 10))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("Nilai unsur (NRR \u00d7 25; skala 25\u2013100)", fontsize=7.5)
    _draw_grade_bounds(ax)
    _label_bars(ax, bars, values)
    ax.set_title(chart_title(year), fontsize=9.5, fontweight="bold", pad=14)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _add_grade_legend(ax)
    return fig


def save_element_chart(elements: Sequence[ElementResult], year: int, out: Path) -> Path:
    """``element_chart`` as a PNG."""
    out.parent.mkdir(parents=True, exist_ok=True)
    element_chart(elements, year).savefig(out, dpi=CHART_DPI, facecolor="white")
    return out


def _bar_chart(year: int) -> BarChart:
    """An empty horizontal bar chart on the 0-100 scale, U1 on top, without legend."""
    from openpyxl.chart import BarChart

    chart = BarChart()
    chart.type = "bar"  # horizontal
    chart.style = 10
    chart.title = chart_title(year)
    chart.y_axis.title = "Nilai unsur (NRR \u00d7 25; skala 25\u2013100)"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 10
    chart.x_axis.scaling.orientation = "maxMin"  # U1 on top, as in the table...
    chart.y_axis.crosses = "max"  # ...and the value axis stays at the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    return chart


def _colour_by_grade(ws: Worksheet, series: Series, grade_col: int, first: int, last: int) -> None:
    """Each bar in the colour of the grade in column ``grade_col`` of its row."""
    from openpyxl.chart.marker import DataPoint

    for i, r in enumerate(range(first, last + 1)):
        letter = str(ws.cell(row=r, column=grade_col).value)
        if letter in GRADE_COLOURS:
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = GRADE_COLOURS[letter]
            point.graphicalProperties.line.solidFill = GRADE_COLOURS[letter]
            series.dPt.append(point)


def add_xlsx_chart(path: Path, year: int, sheet: str = "Per Unsur") -> None:
    """A native (editable) bar chart of the "Nilai Unsur" column on ``sheet``.

    Category labels are the element names; bars coloured by grade like the PNG.
    """
    from openpyxl import load_workbook
    from openpyxl.chart import Reference
    from openpyxl.chart.label import DataLabelList

    wb = load_workbook(path)
    ws = wb[sheet]
    head = next(
        row[0].row
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row)
        if any(c.value == "Nilai Unsur" for c in row)
    )
    header = [c.value for c in ws[head]]
    value_col = header.index("Nilai Unsur") + 1
    name_col = header.index("Unsur") + 1
    grade_col = header.index("Mutu") + 1
    first, last = head + 1, ws.max_row
    for r in range(first, last + 1):
        ws.cell(row=r, column=value_col).number_format = "0.00"

    chart = _bar_chart(year)
    values = Reference(ws, min_col=value_col, min_row=head, max_row=last)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=name_col, min_row=first, max_row=last))
    series = chart.series[0]
    series.graphicalProperties.solidFill = GRADE_COLOURS["B"]
    _colour_by_grade(ws, series, grade_col, first, last)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    series.dLbls.numFmt = "0.00"
    chart.gapWidth = 50
    chart.width, chart.height = 22, 11  # cm
    ws.add_chart(chart, f"A{last + 3}")
    wb.save(path)
