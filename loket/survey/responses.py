"""Reading survey files (CSV or XLSX, one row per respondent, columns U1..U9).

Valid respondents are kept; every other row is reported with its spreadsheet row number and
what is wrong with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from loket.survey.errors import SkmError
from loket.survey.questionnaire import CODES

if TYPE_CHECKING:
    import pandas as pd

OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "tanggal", "tgl", "tanggal_survei", "waktu"),
    "gender": ("gender", "jenis_kelamin", "jk", "sex", "kelamin"),
    "age": ("age", "umur", "usia"),
    "education": ("education", "pendidikan", "pendidikan_terakhir"),
    "occupation": ("occupation", "pekerjaan"),
    "service": ("service", "layanan", "jenis_layanan"),
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number (header = row 1)
    message: str


@dataclass
class Respondent:
    row: int
    answers: tuple[int, ...]
    responded_on: date | None = None
    gender: str | None = None
    age: int | None = None
    education: str | None = None
    occupation: str | None = None
    service: str | None = None


@dataclass
class SurveyFile:
    source: str
    sha256: str
    respondents: list[Respondent] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


def _norm(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or str(value).strip() in {"", "nan", "NaN", "None", "NaT"}
    )


def _answer(value: object) -> int | None:
    """1..4 from a cell, or None when it is not exactly one of those (no coercion)."""
    text = str(value).strip()
    if text in {"1", "2", "3", "4"}:
        return int(text)
    if text in {"1.0", "2.0", "3.0", "4.0"}:  # numeric spreadsheet cells
        return int(text[0])
    return None


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read_frame(path: Path) -> pd.DataFrame:
    """The survey file as a table of text (CSV) or cell values (XLSX)."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            return pd.read_excel(path, dtype=object, engine="openpyxl")
        elif suffix in {".csv", ".txt"}:
            return pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
        else:
            raise SkmError(f"{path.name}: format tidak didukung (gunakan .csv atau .xlsx)")
    except SkmError:
        raise
    except Exception as exc:
        raise SkmError(f"{path.name}: tidak dapat dibaca ({exc})") from exc


def _find_columns(
    path: Path, frame: pd.DataFrame
) -> tuple[dict[str, Hashable], dict[str, Hashable | None]]:
    """The columns by normalised name, and the column (or None) of each optional field."""
    columns = {_norm(c): c for c in frame.columns}
    missing = [code for code in CODES if code.lower() not in columns]
    if missing:
        raise SkmError(
            f"{path.name}: kolom {', '.join(missing)} tidak ada (wajib kolom U1..U9; "
            f"kolom yang ada: {', '.join(map(str, frame.columns))})"
        )
    optional = {
        key: next((columns[n] for n in names if n in columns), None)
        for key, names in OPTIONAL_COLUMNS.items()
    }
    return columns, optional


def _read_answers(values: list[object], problems: list[str]) -> list[int]:
    """The answers U1..U9 of a row; what is wrong with them is added to ``problems``."""
    answers: list[int] = []
    for code, value in zip(CODES, values, strict=True):
        if _blank(value):
            problems.append(f"{code} kosong")
            continue
        parsed = _answer(value)
        if parsed is None:
            problems.append(f"{code}={str(value).strip()!r} bukan 1\u20134")
        else:
            answers.append(parsed)
    return answers


def _read_row(
    record: dict, rowno: int, values: list[object], optional: dict[str, Hashable | None]
) -> Respondent | RowProblem:
    """One respondent of a non-empty row, or the row's problems."""
    problems: list[str] = []
    answers = _read_answers(values, problems)
    when = None
    if optional["date"] is not None and not _blank(record[optional["date"]]):
        when = _date(record[optional["date"]])
        if when is None:
            problems.append(f"tanggal {str(record[optional['date']]).strip()!r} tidak dikenali")
    age = None
    if optional["age"] is not None and not _blank(record[optional["age"]]):
        text = str(record[optional["age"]]).strip().removesuffix(".0")
        if text.isdigit() and 10 <= int(text) <= 120:
            age = int(text)
        else:
            problems.append(f"umur {text!r} tidak sah")
    if problems:
        return RowProblem(rowno, "; ".join(problems))

    def text_of(key: str) -> str | None:
        col = optional[key]
        return None if col is None or _blank(record[col]) else str(record[col]).strip()

    return Respondent(
        row=rowno,
        answers=tuple(answers),
        responded_on=when,
        gender=text_of("gender"),
        age=age,
        education=text_of("education"),
        occupation=text_of("occupation"),
        service=text_of("service"),
    )


def read_survey(path: Path) -> SurveyFile:
    """Valid respondents and per-row problems of a CSV or XLSX survey file."""
    raw = path.read_bytes()
    frame = _read_frame(path)
    columns, optional = _find_columns(path, frame)
    survey = SurveyFile(source=path.name, sha256=hashlib.sha256(raw).hexdigest())
    for idx, record in enumerate(frame.to_dict("records")):
        rowno = idx + 2
        values = [record[columns[c.lower()]] for c in CODES]
        others = [record[c] for c in optional.values() if c is not None]
        if all(_blank(v) for v in values) and all(_blank(v) for v in others):
            continue  # an empty line is not a respondent
        survey.rows += 1
        row = _read_row(record, rowno, values, optional)
        if isinstance(row, RowProblem):
            survey.problems.append(row)
        else:
            survey.respondents.append(row)
    return survey
