"""A synthetic service history for SLA tests and benchmarks, bulk-inserted into SQLite.

Applications arrive in office hours on working days; ~85 % are complete. A complete file
goes through the card steps of ``rules/alur-persetujuan.yaml`` (receipt, check, draft, three
paraf, signature, numbering, delivery) with working-time durations drawn around each norm
(some late), some returned inside the chain (Sekretaris back to the Analis Madya), some sent
back to the applicant after the check (the clock pauses), some never collected. Steps not
finished at ``now`` are left off the card (the file is still in progress).

Rows are written with ``executemany`` straight into the tables of an already migrated SQLite
database. Card hashes are placeholders (``verify`` will flag these cards: they are test data)
and no review tasks are created; everything the SLA report reads is complete and realistic.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from loket.approval.chain import ServiceChain
from loket.approval.officials import ROLE_LABELS, Role
from loket.calendar.work_calendar import WorkCalendar
from loket.sla.tracking import CHECK, RETURN_TO_APPLICANT

SERVICE = "izin-kerja-radiografer"


@dataclass(frozen=True)
class SynthStats:
    applications: int
    complete: int
    entries: int
    permits: int
    seconds: float


#: desks and the (synthetic) people at them: role -> [(nip, name)]
PEOPLE: dict[str, list[tuple[str, str]]] = {
    "front_office": [
        ("199207072019031007", "Rina Lestari"),
        ("199503032020122011", "Joko Saputra"),
    ],
    "back_office": [
        ("199308082020122008", "Wahyu Hidayat, S.Kom."),
        ("199611112021031002", "Fitri Ramadhani"),
    ],
    "analis_ahli_muda": [("198504042010012004", "Dedi Nasution, S.Sos.")],
    "analis_ahli_madya": [("198003032005011003", "Nurul Aminah, S.E., M.M.")],
    "sekretaris": [("197602022001122002", "Hendra Siregar, S.H., M.H.")],
    "kepala_dinas": [("197501012000031001", "Dr. Bambang Harahap, S.STP., M.Si.")],
    "petugas_penomoran": [("199409092021032009", "Yuli Fadillah")],
}


def _wib_naive_utc(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Local dates (datetime64[D]) + minutes after midnight WIB -> naive UTC µs."""
    local = days.astype("datetime64[us]") + (minutes * 60_000_000).astype("timedelta64[us]")
    return local - np.timedelta64(7, "h")


def _add(cal: WorkCalendar, t: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    if t.size == 0:
        return t
    due = cal.due_many(t, minutes=np.maximum(minutes, 0.0), naive="utc").at
    return due.tz_convert("UTC").tz_localize(None).as_unit("us").to_numpy()


def _fmt(t: np.ndarray) -> np.ndarray:
    """SQLAlchemy's SQLite text form, whole seconds (as the control card records them)."""
    text = np.datetime_as_string(t.astype("datetime64[s]").astype("datetime64[us]"), unit="us")
    return np.char.replace(text, "T", " ")


def generate(
    db_path: Path,
    chain: ServiceChain,
    calendar: WorkCalendar,
    *,
    n: int,
    first: date,
    last: date,
    now: datetime,
    seed: int = 1,
    late_share: float = 0.15,
    complete_share: float = 0.85,
) -> SynthStats:
    """Write ``n`` applications received from ``first`` to ``last`` (WIB) into ``db_path``
    (already migrated), as known at ``now``."""
    import time as _time

    t0 = _time.perf_counter()
    rng = np.random.default_rng(seed)
    now_us = np.datetime64(now.astimezone(UTC).replace(tzinfo=None), "us")
    workdays = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if calendar.is_working_day(first + timedelta(days=i))
    ]
    day_arr = np.array(workdays, dtype="datetime64[D]")
    day_idx = np.sort(rng.integers(0, len(day_arr), n))
    received = _wib_naive_utc(day_arr[day_idx], rng.uniform(450, 950, n))  # 07:30-15:50
    received = np.sort(received)
    complete = rng.random(n) < complete_share
    years = received.astype("datetime64[Y]").astype(int) + 1970
    reg_nos = np.empty(n, dtype=object)
    for y in np.unique(years):
        idx = np.nonzero(years == y)[0]
        reg_nos[idx] = [f"SIKR-{y}-{k:06d}" for k in range(1, idx.size + 1)]

    files = np.nonzero(complete)[0]
    m = files.size
    # the card, stage by stage: (file, action, role, sop_step, received, handed_over, outcome)
    parts: list[tuple[np.ndarray, str, str, int | None, np.ndarray, np.ndarray, str]] = []
    t = received[files]
    parts.append((files, "penerimaan", "front_office", 1, t, t, "diterima dan diregistrasi"))
    slow = rng.random(m) < late_share  # files that will tend to be late

    def dur(norm: float) -> np.ndarray:
        """Working minutes of one step for every file: around the norm, 3x for slow files."""
        base = norm * rng.lognormal(-0.35, 0.45, m)
        return np.where(slow, base * 3.0, base)

    check = _add(calendar, t, np.minimum(dur(35), 200))
    parts.append((files, CHECK, "front_office", 2, t, check, "lengkap, diteruskan"))
    t = check
    # back to the applicant (a BAP problem) for ~3 %: the clock pauses
    back = rng.random(m) < 0.03
    if back.any():
        f = files[back]
        parts.append(
            (
                f,
                RETURN_TO_APPLICANT,
                "back_office",
                None,
                t[back],
                t[back],
                "dikembalikan kepada pemohon untuk dilengkapi",
            )
        )
        pause_days = rng.integers(1, 6, back.sum())
        t = t.copy()
        t[back] = t[back] + (pause_days * 86_400_000_000).astype("timedelta64[us]")
    steps = [s for s in chain.steps if s.action.value != "penyerahan"]
    norm_min = {
        s.code: float(s.norm.minutes or (s.norm.working_days or 0) * calendar.day_minutes)
        for s in steps
    }
    returned = rng.random(m) < 0.05
    stop = t
    for s in steps:
        norm = norm_min[s.code]
        if s.action.value == "tanda_tangan":
            d = np.where(slow, rng.uniform(0.6, 2.5, m), rng.uniform(0.05, 0.9, m)) * norm
        else:
            d = np.minimum(dur(norm), 400)
        end = _add(calendar, t, d)
        if s.code == "paraf_sekretaris" and returned.any():
            # returned once to the Analis Madya, who initials again, then the Sekretaris
            r = returned
            f = files[r]
            parts.append(
                (
                    f,
                    s.action.value,
                    s.role.value,
                    s.sop_step,
                    t[r],
                    end[r],
                    "dikembalikan ke JF Analis Kebijakan Ahli Madya",
                )
            )
            madya = next(x for x in steps if x.code == "paraf_ahli_madya")
            e2 = _add(calendar, end[r], np.minimum(dur(10)[r], 100))
            parts.append(
                (
                    f,
                    madya.action.value,
                    madya.role.value,
                    madya.sop_step,
                    end[r],
                    e2,
                    "diparaf, diteruskan ke Sekretaris",
                )
            )
            t = t.copy()
            t[r] = e2
            end = end.copy()
            end[r] = _add(calendar, e2, np.minimum(dur(norm)[r], 100))
        parts.append((files, s.action.value, s.role.value, s.sop_step, t, end, "selesai"))
        t = end
        if s.action.value == "penomoran":
            stop = end
    collected = rng.random(m) < 0.9
    pickup = stop + (rng.uniform(0.2, 8, m) * 86_400_000_000).astype("timedelta64[us]")
    pickup = _add(calendar, pickup, np.zeros(m))
    last_step = chain.steps[-1]
    parts.append(
        (
            files[collected],
            "penyerahan",
            last_step.role.value,
            last_step.sop_step,
            stop[collected],
            pickup[collected],
            "diserahkan kepada pemohon",
        )
    )

    # -- flatten, keep what happened by ``now`` ------------------------------------------
    file_col = np.concatenate([p[0] for p in parts])
    order_col = np.concatenate([np.full(p[0].size, i) for i, p in enumerate(parts)])
    action = np.concatenate([np.full(p[0].size, p[1], dtype=object) for p in parts])
    role = np.concatenate([np.full(p[0].size, p[2], dtype=object) for p in parts])
    sop = np.concatenate([np.full(p[0].size, p[3], dtype=object) for p in parts])
    recv = np.concatenate([p[4] for p in parts])
    hand = np.concatenate([p[5] for p in parts])
    outcome = np.concatenate([np.full(p[0].size, p[6], dtype=object) for p in parts])
    sort = np.lexsort((order_col, file_col))
    file_col, action, role, sop = (a[sort] for a in (file_col, action, role, sop))
    recv, hand, outcome = recv[sort], hand[sort], outcome[sort]
    # handed to: the desk of the card's next entry; the applicant after delivery or a return
    label_of = {r.value: ROLE_LABELS[r] for r in Role}
    desk = np.array([label_of[r] for r in role], dtype=object)
    handed_to = np.empty(desk.size, dtype=object)
    handed_to[:-1] = desk[1:]
    same = np.r_[file_col[1:] == file_col[:-1], False]
    to_applicant = (action == "penyerahan") | (action == RETURN_TO_APPLICANT) | ~same
    handed_to[to_applicant] = "Pemohon"
    keep = hand <= now_us
    file_col, action, role, sop = (a[keep] for a in (file_col, action, role, sop))
    recv, hand, outcome, handed_to = recv[keep], hand[keep], outcome[keep], handed_to[keep]
    k = file_col.size
    starts = np.r_[0, np.nonzero(np.diff(file_col))[0] + 1]
    seq = np.arange(k) - np.repeat(starts, np.diff(np.r_[starts, k])) + 1
    actor_nip = np.empty(k, dtype=object)
    actor_name = np.empty(k, dtype=object)
    pick = rng.integers(0, 2, k)
    for r, people in PEOPLE.items():
        sel = role == r
        j = pick[sel] % len(people)
        actor_nip[sel] = np.array([p[0] for p in people], dtype=object)[j]
        actor_name[sel] = np.array([p[1] for p in people], dtype=object)[j]
    norm_label = {s.code: s.norm.label for s in chain.steps}
    labels = {"penerimaan": "3 menit", CHECK: "35 menit", RETURN_TO_APPLICANT: None}
    by_action = {s.action.value: norm_label[s.code] for s in chain.steps}
    norm_col = np.array([labels.get(a, by_action.get(a)) for a in action], dtype=object)
    recv_s, hand_s = _fmt(recv), _fmt(hand)
    regs = reg_nos[file_col]
    placeholder = "0" * 64

    con = sqlite3.connect(str(db_path))
    try:
        con.execute("PRAGMA synchronous=OFF")
        cur = con.cursor()
        app_rows = zip(
            reg_nos.tolist(),
            [SERVICE] * n,
            [f"synthetic/{r}" for r in reg_nos],
            [f"fp-{seed}-{i}" for i in range(n)],
            _fmt(received).tolist(),
            ["processed"] * n,
            [1] * n,
            np.where(complete, "complete", "incomplete").tolist(),
            _fmt(received).tolist(),
            strict=True,
        )
        cur.executemany(
            "INSERT INTO applications (reg_no, service, source, fingerprint, received_at, "
            "status, pages, verdict, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            app_rows,
        )
        cur.executemany(
            "INSERT INTO card_entries (reg_no, seq, recorded_at, sop_step, activity, action, "
            "role, actor_nip, actor_name, received_at, handed_over_at, outcome, handed_to, "
            "norm, channel, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            zip(
                regs.tolist(),
                seq.tolist(),
                hand_s.tolist(),
                sop.tolist(),
                action.tolist(),
                action.tolist(),
                role.tolist(),
                actor_nip.tolist(),
                actor_name.tolist(),
                recv_s.tolist(),
                hand_s.tolist(),
                outcome.tolist(),
                handed_to.tolist(),
                norm_col.tolist(),
                ["synthetic"] * k,
                [placeholder] * k,
                [placeholder] * k,
                strict=True,
            ),
        )
        last_seq = pd.Series(seq).groupby(regs).max()
        cur.executemany(
            "INSERT INTO card_heads (reg_no, last_seq, last_hash) VALUES (?,?,?)",
            zip(
                last_seq.index.tolist(),
                last_seq.tolist(),
                [placeholder] * len(last_seq),
                strict=True,
            ),
        )
        # approvals and permits
        numbered = stop <= now_us
        got = collected & (pickup <= now_us)
        status = np.where(got, "diambil", np.where(numbered, "selesai", "diproses"))
        started = np.nonzero(check <= now_us)[0]
        cur.executemany(
            "INSERT INTO approvals (reg_no, service, status, started_at, completed_at, "
            "collected_at, collected_by) VALUES (?,?,?,?,?,?,?)",
            zip(
                reg_nos[files[started]].tolist(),
                [SERVICE] * started.size,
                status[started].tolist(),
                _fmt(check[started]).tolist(),
                np.where(numbered, _fmt(stop), None)[started].tolist(),
                np.where(got, _fmt(pickup), None)[started].tolist(),
                np.where(got, "pemohon", None)[started].tolist(),
                strict=True,
            ),
        )
        nf = np.nonzero(numbered)[0]
        nf = nf[np.argsort(stop[nf], kind="stable")]
        local_year = (stop[nf] + np.timedelta64(7, "h")).astype("datetime64[Y]").astype(int) + 1970
        seqs = np.zeros(nf.size, dtype=np.int64)
        for y in np.unique(local_year):
            sel = local_year == y
            seqs[sel] = np.arange(1, sel.sum() + 1)
        cur.executemany(
            "INSERT INTO permits (reg_no, number, counter, year, seq, numbered_at) "
            "VALUES (?,?,?,?,?,?)",
            zip(
                reg_nos[files[nf]].tolist(),
                [
                    chain.format_number(year=int(y), seq=int(q))
                    for y, q in zip(local_year, seqs, strict=True)
                ],
                [f"izin:{SERVICE}:{y}" for y in local_year],
                local_year.tolist(),
                seqs.tolist(),
                _fmt(stop[nf]).tolist(),
                strict=True,
            ),
        )
        con.commit()
    finally:
        con.close()
    return SynthStats(n, m, k, int(nf.size), _time.perf_counter() - t0)


def synth_now(day: date, hour: int = 12) -> datetime:
    """An instant of ``day`` in WIB (for tests)."""
    return datetime.combine(day, time(hour), tzinfo=UTC) - timedelta(hours=7)
