"""The survey tables (``skm_imports``, ``skm_responses``): importing a file once, reading a year.

The tables share migration 0002 with the complaint register.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from loket.common.db import Base, UtcDateTime
from loket.survey.errors import SkmError
from loket.survey.responses import SurveyFile, read_survey


class SkmImport(Base):
    __tablename__ = "skm_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=lambda: datetime.now(UTC))
    rows: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    problems: Mapped[list] = mapped_column(JSON)  # [[row, message], ...]
    default_year: Mapped[int] = mapped_column(Integer)


class SkmResponse(Base):
    __tablename__ = "skm_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("skm_imports.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer, index=True)
    responded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    u1: Mapped[int] = mapped_column(Integer)
    u2: Mapped[int] = mapped_column(Integer)
    u3: Mapped[int] = mapped_column(Integer)
    u4: Mapped[int] = mapped_column(Integer)
    u5: Mapped[int] = mapped_column(Integer)
    u6: Mapped[int] = mapped_column(Integer)
    u7: Mapped[int] = mapped_column(Integer)
    u8: Mapped[int] = mapped_column(Integer)
    u9: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(32), nullable=True)
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    education: Mapped[str | None] = mapped_column(String(64), nullable=True)
    occupation: Mapped[str | None] = mapped_column(String(128), nullable=True)
    service: Mapped[str | None] = mapped_column(String(128), nullable=True)

    @property
    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f"u{i}") for i in range(1, 10))


def import_survey(
    session: Session, path: Path, *, year: int | None = None
) -> tuple[SkmImport, SurveyFile]:
    """Store the valid rows of a survey file (caller commits); a file is imported once.

    Each response counts for the year of its date column, else ``year`` (default: this
    year).
    """
    survey = read_survey(path)
    existing = session.scalars(select(SkmImport).where(SkmImport.sha256 == survey.sha256)).first()
    if existing is not None:
        raise SkmError(f"{path.name} sudah diimpor pada {existing.imported_at:%Y-%m-%d %H:%M}")
    default_year = year or datetime.now(UTC).year
    record = SkmImport(
        source=path.name,
        sha256=survey.sha256,
        rows=survey.rows,
        accepted=len(survey.respondents),
        rejected=len(survey.problems),
        problems=[[p.row, p.message] for p in survey.problems],
        default_year=default_year,
    )
    session.add(record)
    session.flush()
    for r in survey.respondents:
        session.add(
            SkmResponse(
                import_id=record.id,
                row=r.row,
                year=r.responded_on.year if r.responded_on else default_year,
                responded_on=r.responded_on,
                **{f"u{i}": v for i, v in enumerate(r.answers, start=1)},
                gender=r.gender,
                age=r.age,
                education=r.education,
                occupation=r.occupation,
                service=r.service,
            )
        )
    session.flush()
    return record, survey


def responses_of(session: Session, year: int) -> list[SkmResponse]:
    return list(
        session.scalars(
            select(SkmResponse).where(SkmResponse.year == year).order_by(SkmResponse.id)
        )
    )
