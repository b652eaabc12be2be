"""The working-day calendar (loket/calendar/): hand-computed cases, overrides, warnings,
rules-file errors, and the vectorised path against the simple loop.

Office hours in rules/calendar/office-hours.yaml: Monday-Friday 07:30-16:00 WIB, so one
working day = 510 working minutes. 2026 closures (SKB 1497/2/5 Tahun 2025): 1 Jan, 16 Jan,
16-17 Feb, 18-24 Mar (Nyepi, Idul Fitri and cuti bersama), 3 Apr, 1 May, 14-15 May,
27-28 May, 1 Jun, 16 Jun, 17 Aug, 25 Aug, 24-25 Dec.
"""

from __future__ import annotations

import random
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import loket.calendar.holidays as calendar_holidays
from loket.calendar.loading import load_calendar, office_calendar
from loket.calendar.schema import OfficeHours, YearOverrides
from loket.calendar.work_calendar import CalendarError, WorkCalendar
from loket.common.rulesfile import RulesError

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules" / "calendar"
WIB = ZoneInfo("Asia/Jakarta")
DAY = 510  # working minutes in one working day


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return load_calendar(RULES)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# hand-computed cases


def test_one_working_day_over_a_weekend(cal: WorkCalendar) -> None:
    # Fri 27 Nov 2026 15:00: 60 min on Friday, 450 on Monday 30 Nov -> 15:00
    due = cal.due(wib(2026, 11, 27, 15, 0), 1)
    assert due.at == wib(2026, 11, 30, 15, 0)
    assert due.working_minutes == DAY and due.working_days == 1
    assert due.warnings == ()
    t = cal.working_time(wib(2026, 11, 27, 15, 0), wib(2026, 11, 30, 15, 0))
    assert (t.minutes, t.days) == (DAY, 1.0)
    # a whole weekend is worth nothing
    assert cal.working_minutes(wib(2026, 11, 27, 16, 0), wib(2026, 11, 30, 7, 30)) == 0


def test_regular_week_two_days_is_same_time_two_days_later(cal: WorkCalendar) -> None:
    assert cal.due(wib(2026, 12, 1, 10, 0), 2).at == wib(2026, 12, 3, 10, 0)
    assert cal.due(wib(2026, 12, 1, 10, 0), 0).at == wib(2026, 12, 1, 10, 0)
    # half a day (255 min) from 13:00 Tue: 180 min Tue, 75 Wed -> 08:45
    assert cal.due(wib(2026, 12, 1, 13, 0), 0.5).at == wib(2026, 12, 2, 8, 45)
    assert cal.due(wib(2026, 12, 1, 13, 0), 0, minutes=90).at == wib(2026, 12, 1, 14, 30)


def test_submission_outside_hours(cal: WorkCalendar) -> None:
    # completed Friday 18:00: the clock starts Monday 07:30
    due = cal.due(wib(2026, 11, 27, 18, 0), 1)
    assert due.clock_starts == wib(2026, 11, 30, 7, 30)
    assert due.at == wib(2026, 11, 30, 16, 0)  # exactly one day: closing time, not Tue 07:30
    assert cal.working_minutes(wib(2026, 11, 27, 18, 0), wib(2026, 11, 30, 9, 0)) == 90
    # Saturday and before opening
    assert cal.next_working_moment(wib(2026, 11, 28, 10, 0)) == wib(2026, 11, 30, 7, 30)
    assert cal.next_working_moment(wib(2026, 12, 1, 6, 0)) == wib(2026, 12, 1, 7, 30)
    assert cal.next_working_moment(wib(2026, 12, 1, 9, 0)) == wib(2026, 12, 1, 9, 0)
    # at closing time the clock waits for the next morning
    assert cal.next_working_moment(wib(2026, 12, 3, 16, 0)) == wib(2026, 12, 4, 7, 30)
    assert cal.due(wib(2026, 12, 3, 16, 0), 1).at == wib(2026, 12, 4, 16, 0)


def test_national_holiday(cal: WorkCalendar) -> None:
    # Fri 14 Aug 2026 12:00: 240 min Fri; Mon 17 Aug Independence Day; Tue 18: 270 -> 12:00
    assert cal.due(wib(2026, 8, 14, 12, 0), 1).at == wib(2026, 8, 18, 12, 0)
    assert not cal.is_working_day(date(2026, 8, 17))


def test_cuti_bersama(cal: WorkCalendar) -> None:
    # Wed 13 May 2026 16:00; Thu 14 Ascension, Fri 15 cuti bersama; Mon 18 all day
    assert cal.due(wib(2026, 5, 13, 16, 0), 1).at == wib(2026, 5, 18, 16, 0)
    # Wed 23 Dec 2026 10:00: 360 min; Thu 24 cuti bersama, Fri 25 Christmas; Mon 28: 150
    assert cal.due(wib(2026, 12, 23, 10, 0), 1).at == wib(2026, 12, 28, 10, 0)
    kinds = {c.date: c.kind for c in cal.closures(2026)}
    expected = [(2, 16), (3, 18), (3, 20), (3, 23), (3, 24), (5, 15), (5, 28), (12, 24)]
    for month, day in expected:
        assert kinds[date(2026, month, day)] == "cuti_bersama"


def test_idul_fitri_weeks(cal: WorkCalendar) -> None:
    # Tue 17 Mar 2026 10:00: 360 min; 18-24 Mar closed (cuti Nyepi, Nyepi, cuti, Idul Fitri
    # 21-22, cuti 23-24); Wed 25: 510 -> 870; Thu 26: 150 -> 10:00
    assert cal.due(wib(2026, 3, 17, 10, 0), 2).at == wib(2026, 3, 26, 10, 0)
    t = cal.working_time(wib(2026, 3, 17, 10, 0), wib(2026, 3, 25, 10, 0))
    assert (t.minutes, t.days) == (DAY, 1.0)
    # handed in on a cuti bersama day: the clock starts Wed 25 Mar 07:30
    due = cal.due(wib(2026, 3, 20, 9, 0), 1)
    assert due.clock_starts == wib(2026, 3, 25, 7, 30)
    assert due.at == wib(2026, 3, 25, 16, 0)
    # 2025: Thu 27 Mar 12:00 (240); 28 Mar-7 Apr closed; Tue 8 Apr 270 -> 12:00
    assert cal.due(wib(2025, 3, 27, 12, 0), 1).at == wib(2025, 4, 8, 12, 0)


def test_year_boundary(cal: WorkCalendar) -> None:
    # Wed 31 Dec 2025 15:00: 60 min; Thu 1 Jan 2026 New Year; Fri 2 Jan: 450 -> 15:00
    due = cal.due(wib(2025, 12, 31, 15, 0), 1)
    assert due.at == wib(2026, 1, 2, 15, 0)
    # 24 Dec 2025 16:00 .. 5 Jan 2026 07:30: 29, 30, 31 Dec and 2 Jan = 4 days
    # (25 Dec Christmas, 26 Dec cuti bersama, 1 Jan New Year)
    t = cal.working_time(wib(2025, 12, 24, 16, 0), wib(2026, 1, 5, 7, 30))
    assert (t.minutes, t.days) == (4 * DAY, 4.0)


def test_signed_and_instants_in_other_zones(cal: WorkCalendar) -> None:
    a, b = wib(2026, 11, 27, 15, 0), wib(2026, 12, 2, 9, 0)
    assert cal.working_minutes(b, a) == -cal.working_minutes(a, b)
    # 08:00 UTC = 15:00 WIB; naive values are office-local time
    assert cal.working_minutes(datetime(2026, 11, 27, 8, 0, tzinfo=UTC), b) == (
        cal.working_minutes(a, b)
    )
    assert cal.working_minutes(datetime(2026, 11, 27, 15, 0), b) == cal.working_minutes(a, b)
    # seconds are exact: 10:00:30 -> 10:01:00 is half a minute
    assert cal.working_minutes(wib(2026, 12, 1, 10, 0, 30), wib(2026, 12, 1, 10, 1)) == 0.5


# ---------------------------------------------------------------------------------------
# overrides and warnings


def test_2025_override_wins_over_the_package(
    cal: WorkCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an older package without the mid-year decree of 7 Aug 2025
    real = calendar_holidays.package_days

    def old_package(year: int):  # type: ignore[no-untyped-def]
        days = dict(real(year))
        days.pop(date(2025, 8, 18), None)
        return days

    monkeypatch.setattr(calendar_holidays, "package_days", old_package)
    with_file = load_calendar(RULES)
    without = WorkCalendar(OfficeHours())
    # Fri 15 Aug 2025 12:00 (240 min); Sun 17 Aug; Mon 18 Aug cuti bersama by the override
    assert with_file.due(wib(2025, 8, 15, 12, 0), 1).at == wib(2025, 8, 19, 12, 0)
    assert without.due(wib(2025, 8, 15, 12, 0), 1).at == wib(2025, 8, 18, 12, 0)
    closure = {c.date: c for c in with_file.closures(2025)}[date(2025, 8, 18)]
    assert (closure.source, closure.kind, closure.in_package) == (
        "override",
        "cuti_bersama",
        False,
    )
    assert "933" in (closure.decree or "")
    # with the real package the day is closed too, and still reported as the override's
    assert {c.date: c for c in cal.closures(2025)}[date(2025, 8, 18)].in_package


def test_office_closures_and_removed_days(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    write(
        folder,
        "2026.yaml",
        """
        year: 2026
        added:
          - date: 2026-11-30
            name: Kantor pindah gedung
            kind: kantor
            reason: pemindahan arsip dan server
        removed:
          - date: 2026-12-24
            reason: loket tetap buka pada cuti bersama (pelayanan publik)
            decree: Surat Edaran Kepala Dinas Nomor 800/123/DPMPTSP/2026
        """,
    )
    c = load_calendar(folder)
    # Fri 27 Nov 15:00 (60); Mon 30 Nov closed by the office; Tue 1 Dec 450 -> 15:00
    assert c.due(wib(2026, 11, 27, 15, 0), 1).at == wib(2026, 12, 1, 15, 0)
    # Wed 23 Dec 10:00 (360); Thu 24 Dec open despite the package; 150 -> 10:00
    assert c.due(wib(2026, 12, 23, 10, 0), 1).at == wib(2026, 12, 24, 10, 0)
    listing = {(x.date, x.closed): x for x in c.closures(2026, include_opened=True)}
    assert listing[(date(2026, 11, 30), True)].source == "override"
    opened = listing[(date(2026, 12, 24), False)]
    assert opened.in_package and opened.name.startswith("Cuti Bersama")
    assert date(2026, 12, 24) not in {x.date for x in c.closures(2026)}


def test_removing_a_day_the_package_does_not_have_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    write(
        folder,
        "2026.yaml",
        """
        year: 2026
        removed:
          - {date: 2026-12-23, reason: salah ketik, decree: SE 1}
        """,
    )
    warnings = load_calendar(folder).warnings(2026)
    assert [w.code for w in warnings] == ["removed_unknown"]
    assert warnings[0].dates == (date(2026, 12, 23),)


def test_friday_hours_and_breaks(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    write(
        folder,
        "office-hours.yaml",
        """
        timezone: Asia/Jakarta
        week:
          monday: ["07:30-16:00"]
          tuesday: ["07:30-16:00"]
          wednesday: ["07:30-16:00"]
          thursday: ["07:30-16:00"]
          friday: ["07:30-11:30", "13:00-16:30"]
          saturday: []
          sunday: []
        """,
    )
    c = load_calendar(folder)
    assert c.day_minutes == DAY  # the most common day length, not Friday's 450
    assert c.working_minutes(wib(2026, 11, 27, 7, 0), wib(2026, 11, 27, 17, 0)) == 240 + 210
    # Fri 11:00 + 60 working minutes: 30 before the break, 30 after -> 13:30
    assert c.due(wib(2026, 11, 27, 11, 0), minutes=60).at == wib(2026, 11, 27, 13, 30)
    # the break itself is not working time: a start at 12:00 counts from 13:00
    assert c.next_working_moment(wib(2026, 11, 27, 12, 0)) == wib(2026, 11, 27, 13, 0)


def test_ramadan_hours_period(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    write(
        folder,
        "2026.yaml",
        """
        year: 2026
        hours:
          - name: Jam kerja Ramadan 1447 H
            from: 2026-02-19
            to: 2026-03-19
            week:
              monday: ["08:00-12:00", "12:30-15:00"]
              tuesday: ["08:00-12:00", "12:30-15:00"]
              wednesday: ["08:00-12:00", "12:30-15:00"]
              thursday: ["08:00-12:00", "12:30-15:00"]
              friday: ["08:00-11:30", "12:30-15:30"]
            decree: contoh / example
        """,
    )
    c = load_calendar(folder)
    assert c.working_minutes(wib(2026, 2, 23, 7, 0), wib(2026, 2, 23, 16, 0)) == 390
    assert c.working_minutes(wib(2026, 2, 27, 7, 0), wib(2026, 2, 27, 16, 0)) == 390
    # Mon 23 Feb 08:00 + 1 day (510): Mon 390; Tue 24 Feb 120 -> 10:00
    assert c.due(wib(2026, 2, 23, 8, 0), 1).at == wib(2026, 2, 24, 10, 0)
    # the day before and after the period keep the normal hours
    assert c.working_minutes(wib(2026, 2, 18, 0, 0), wib(2026, 2, 19, 0, 0)) == DAY
    assert c.working_minutes(wib(2026, 3, 25, 0, 0), wib(2026, 3, 26, 0, 0)) == DAY
    assert [p.name for p in c.hours_periods(2026)] == ["Jam kerja Ramadan 1447 H"]


def test_estimated_year_is_reported(cal: WorkCalendar) -> None:
    # 2027 Idul Fitri / Idul Adha are estimates in the package
    due = cal.due(wib(2027, 3, 5, 10, 0), 5)
    # Fri 5 Mar (360); 8 Nyepi, 9 cuti, 10-11 Idul Fitri (est.), 12 and 15 cuti;
    # Tue 16, Wed 17, Thu 18, Fri 19 (2040 -> 2400); Mon 22: 150 -> 10:00
    assert due.at == wib(2027, 3, 22, 10, 0)
    estimated = [w for w in due.warnings if w.code == "estimated"]
    assert len(estimated) == 1 and estimated[0].year == 2027
    assert date(2027, 3, 10) in estimated[0].dates and date(2027, 5, 17) in estimated[0].dates
    assert "2027" in str(estimated[0]) and "2027-03-10" in str(estimated[0])
    assert {c.date: c.source for c in cal.closures(2027)}[date(2027, 3, 10)] == "estimated"
    # the vectorised results carry the same warnings
    many = cal.working_time_many([wib(2027, 3, 5, 10, 0)], [wib(2027, 3, 22, 10, 0)])
    assert many.minutes.tolist() == [5 * DAY]
    assert any(w.code == "estimated" and w.year == 2027 for w in many.warnings)
    # 2026 is confirmed, and an interval inside it carries no warning
    assert cal.working_time(wib(2026, 3, 1), wib(2026, 4, 1)).warnings == ()


def test_year_without_decree_is_reported(cal: WorkCalendar) -> None:
    # the cuti bersama of a year are decreed in the September before it: none yet for +2
    year = date.today().year + 2
    codes = {w.code for w in cal.warnings(year)}
    assert codes == {"estimated", "no_cuti_bersama"}
    assert all(str(year) in str(w) for w in cal.warnings(year))
    # past years are as the package says (no cuti bersama before 2002 is not news)
    assert {w.code for w in cal.warnings(1999)} == set()


def test_confirmed_year_accepts_the_estimates(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    write(folder, "2027.yaml", "year: 2027\nconfirmed_by: SKB 3 Menteri tentang libur 2027\n")
    c = load_calendar(folder)
    assert c.warnings(2027) == ()
    eid = {x.date: x for x in c.closures(2027)}[date(2027, 3, 10)]
    assert (eid.source, eid.decree) == ("package", "SKB 3 Menteri tentang libur 2027")


def test_out_of_range_years(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError):
        cal.working_minutes(wib(2101, 1, 5), wib(2101, 1, 6))


# ---------------------------------------------------------------------------------------
# rules files


def test_repository_files_are_valid() -> None:
    from loket.office.rulesets import check_file, schema_for

    for path in sorted(RULES.glob("*.yaml")):
        assert schema_for(path) is not None, path
        assert check_file(path) == [], path


def test_rules_file_mistakes_name_file_line_and_fix(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    path = write(
        folder,
        "2026.yaml",
        """
        year: 2026
        added:
          - date: 2026-11-30
            name: Pindah gedung
            kind: kantor
            reason: pindah
          - date: 2025-12-31
            name: Tahun salah
            kind: kantor
            reason: x
          - date: 2026-12-31
            name: Cuti tanpa dasar
            kind: cuti_bersama
            reason: x
        removed:
          - date: 2026-12-24
            reason: buka
        """,
    )
    with pytest.raises(RulesError) as exc:
        load_calendar(folder)
    lines = str(exc.value).splitlines()
    assert lines[0].startswith(f"{path}:7: added.1: 2025-12-31 is not in 2026")
    assert lines[1].startswith(f"{path}:11: added.2: a cuti_bersama day needs its decree")
    assert lines[2].startswith(f"{path}:16: removed.0.decree: Field required")
    assert all(" — fix: " in line for line in lines)


def test_office_hours_mistake(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    path = write(
        folder,
        "office-hours.yaml",
        """
        timezone: Asia/Jakarta
        week:
          monday: ["07:30-16:00"]
          tuesday: ["7.30-16.60"]
          wednesday: ["07:30-12:00", "11:00-16:00"]
        """,
    )
    with pytest.raises(RulesError) as exc:
        load_calendar(folder)
    text = str(exc.value)
    assert f"{path}:4: week.tuesday.0: '7.30-16.60' is not a time range" in text
    assert f"{path}:5: week.wednesday: time ranges 07:30-12:00 and 11:00-16:00 overlap" in text


def test_year_file_name_must_match(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    path = write(folder, "2027.yaml", "year: 2026\n")
    with pytest.raises(RulesError) as exc:
        load_calendar(folder)
    assert str(exc.value).startswith(f"{path}:1: year: the file is named 2027.yaml")
    # the bare schema (no file name) accepts it
    assert YearOverrides.model_validate({"year": 2026}).year == 2026


def test_office_calendar_reloads_when_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    write(folder, "2026.yaml", "year: 2026\n")
    first = office_calendar(folder)
    assert office_calendar(folder) is first
    write(
        folder,
        "2026.yaml",
        "year: 2026\nadded:\n  - {date: 2026-11-30, name: Tutup, kind: kantor, reason: x}\n",
    )
    second = office_calendar(folder)
    assert second is not first and not second.is_working_day(date(2026, 11, 30))


def test_complaint_deadlines_use_the_office_calendar(tmp_path: Path) -> None:
    from loket.complaints.deadlines import add_days, is_working_day
    from loket.complaints.rules import Deadline

    rules = tmp_path / "rules"
    write(
        rules / "calendar",
        "2026.yaml",
        "year: 2026\nadded:\n  - {date: 2026-11-30, name: Tutup, kind: kantor, reason: x}\n",
    )
    calendar = office_calendar(rules / "calendar")  # as the Office hands it over
    assert not is_working_day(date(2026, 11, 30), calendar)
    # Fri 27 Nov + 1 working day: Mon 30 Nov closed by the office -> Tue 1 Dec
    assert add_days(date(2026, 11, 27), Deadline(days=1), calendar) == date(2026, 12, 1)


# ---------------------------------------------------------------------------------------
# vectorised path == loop


def _random_instants(rng: random.Random, n: int) -> list[datetime]:
    lo = datetime(2024, 12, 20)
    span = (datetime(2027, 12, 31) - lo).total_seconds()
    out = []
    for _ in range(n):
        t = lo + timedelta(seconds=rng.random() * span)
        if rng.random() < 0.3:  # snap some to office-hour boundaries and whole minutes
            t = t.replace(
                hour=rng.choice([7, 16, 12]), minute=rng.choice([0, 30]), second=0, microsecond=0
            )
        out.append(t)
    return out


def test_vectorised_working_time_equals_the_loop(cal: WorkCalendar) -> None:
    rng = random.Random(20261128)
    starts = _random_instants(rng, 1500)
    ends = [
        s + timedelta(minutes=rng.choice([0, 1, 59, 600, 2000, 20000, 60000]) * rng.random())
        if rng.random() < 0.8
        else s - timedelta(days=rng.random() * 40)
        for s in starts
    ]
    many = cal.working_time_many(starts, ends)
    loop = np.array([cal.working_minutes_loop(s, e) for s, e in zip(starts, ends, strict=True)])
    scalar = np.array([cal.working_minutes(s, e) for s, e in zip(starts, ends, strict=True)])
    assert np.array_equal(many.minutes, loop)
    assert np.array_equal(scalar, loop)
    assert np.allclose(many.days, loop / DAY)


def test_vectorised_inputs_missing_values_and_utc(cal: WorkCalendar) -> None:
    starts = pd.Series([pd.Timestamp("2026-11-27 08:00"), pd.NaT, pd.Timestamp("2026-12-31 10:00")])
    ends = pd.Series([pd.Timestamp("2026-11-30 02:00"), pd.Timestamp("2026-12-01"), pd.NaT])
    # naive UTC: 08:00 UTC = 15:00 WIB Fri, 02:00 UTC = 09:00 WIB Mon -> 60 + 90 minutes
    utc = cal.working_time_many(starts, ends, naive="utc")
    assert utc.minutes[0] == 60 + 90 and np.isnan(utc.minutes[1:]).all()
    local = cal.working_time_many(starts, ends)
    assert local.minutes[0] == 480  # 08:00-16:00 Fri; Mon 02:00 is before opening
    aware = cal.working_time_many(starts.dt.tz_localize("UTC"), ends.dt.tz_localize("UTC"))
    assert aware.minutes[0] == utc.minutes[0]
    due = cal.due_many(starts, 1)
    assert due.at[0] == pd.Timestamp("2026-11-30 08:00", tz=WIB) and pd.isna(due.at[1])


def test_vectorised_due_equals_the_loop(cal: WorkCalendar) -> None:
    rng = random.Random(7)
    starts = _random_instants(rng, 800)
    minutes = np.array(
        [rng.choice([0, 1, 255, DAY, 2 * DAY, 7 * DAY]) + rng.random() for _ in starts]
    )
    minutes[::50] = 0
    got = cal.due_many(starts, minutes=minutes).at
    for s, m, at in zip(starts, minutes, got, strict=True):
        expected = cal.due_loop(s, float(m))
        assert at.to_pydatetime() == expected, (s, m)
        assert cal.due(s, minutes=float(m)).at == expected


def test_due_is_the_earliest_instant_with_n_days(cal: WorkCalendar) -> None:
    rng = random.Random(11)
    for start in _random_instants(rng, 200):
        n = rng.choice([0.5, 1, 2, 3, 14])
        due = cal.due(start, n)
        assert cal.working_minutes(start, due.at) == n * DAY
        assert cal.working_minutes(start, due.at - timedelta(microseconds=1)) < n * DAY
        assert cal.working_time(start, due.at).days == n


def test_due_beyond_the_compiled_years(cal: WorkCalendar) -> None:
    # 300 working days from Dec 2026 reach into 2028; the table grows as needed
    due = cal.due(wib(2026, 12, 30, 10, 0), 300)
    assert due.at.year == 2028
    assert cal.working_minutes(wib(2026, 12, 30, 10, 0), due.at) == 300 * DAY
    assert {w.year for w in due.warnings} == {2027, 2028}


# ---------------------------------------------------------------------------------------
# CLI


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    from loket.cli import calendar as calendar_cli

    monkeypatch.setattr(calendar_cli.console, "width", 240)


def _run(*args: str) -> object:
    from loket.cli.calendar import calendar_app

    return CliRunner().invoke(calendar_app, [*args, "--calendar-dir", str(RULES)])


def test_cli_due_and_between() -> None:
    result = _run("due", "2026-03-17T10:00", "2")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Kamis, 26 Maret 2026 10.00 WIB" in result.stdout  # type: ignore[attr-defined]
    result = _run("due", "2026-11-27 18:00", "1")
    assert "Senin, 30 November 2026 07.30 WIB" in result.stdout  # type: ignore[attr-defined]
    assert "Senin, 30 November 2026 16.00 WIB" in result.stdout  # type: ignore[attr-defined]
    result = _run("between", "2026-11-27T15:00", "2026-11-30T15:00")
    assert "1 hari kerja" in result.stdout and "510 menit kerja" in result.stdout  # type: ignore[attr-defined]
    result = _run("due", "kemarin", "1")
    assert result.exit_code == 2  # type: ignore[attr-defined]


def test_cli_holidays_lists_sources_and_warns_on_stderr() -> None:
    result = _run("holidays", "--year", "2025")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "2025-08-18" in result.stdout and "override" in result.stdout  # type: ignore[attr-defined]
    assert result.stderr == ""  # type: ignore[attr-defined]
    result = _run("holidays", "--year", "2027")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "PERKIRAAN" in result.stdout  # type: ignore[attr-defined]
    assert "2027" in result.stderr and "2027-03-10" in result.stderr  # type: ignore[attr-defined]


def test_cli_reports_a_broken_rules_file(tmp_path: Path) -> None:
    from loket.cli.calendar import calendar_app

    folder = tmp_path / "calendar"
    write(folder, "2026.yaml", "year: 2026\nadded:\n  - date: 2026-13-01\n")
    result = CliRunner().invoke(calendar_app, ["holidays", "--calendar-dir", str(folder)])
    assert result.exit_code == 1
    assert "2026.yaml:3:" in result.stderr and "fix:" in result.stderr
