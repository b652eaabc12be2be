"""Numbers in OCR text: the digits OCR confuses with letters, the NIK in a line, and
registration numbers (an STR: 14 digits printed grouped, with spaces, dashes or dots, or two
capital letters and 14 digits, "QS 1234 5678 9012 34").

Shapes come from how Indonesian offices print these numbers, not from one template; a
reading whose digit count or structure is impossible is no reading (the checks abstain
rather than compare a misread number).
"""

from __future__ import annotations

import re

from loket.common.saferegex import SafePattern
from loket.requirements.nik import nik_plausible

# OCR confusions inside numbers
_DIGIT_MAP = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "L": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "G": "6",
        "b": "6",
        "T": "7",
        "g": "9",
        "q": "9",
    }
)

#: Separator and OCR junk around a value.
EDGE_JUNK = " \t:;=|.,-_~'\"`“”‘’*+»«()[]{}—–?"


def ocr_digits(text: str) -> str:
    """``text`` with letters that OCR confuses with digits turned into those digits."""
    return text.translate(_DIGIT_MAP)


def _digitish(token: str) -> bool:
    mapped = ocr_digits(token)
    return sum(c.isdigit() for c in mapped) >= max(1, len(token) * 0.6)


def _digit_groups(raw: str) -> list[list[str]]:
    """Runs of neighbouring digit groups in a line, each group's digits (OCR letters
    inside a group fixed)."""
    tokens = re.split(r"[\s:;=|.,\-/]+", raw.strip(EDGE_JUNK))
    runs: list[list[str]] = []
    current: list[str] = []
    for t in tokens:
        if t and _digitish(t):
            current.append(re.sub(r"\D", "", ocr_digits(t)))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def nik_candidates(raw: str, length: int = 16) -> list[str]:
    """Every ``length``-digit reading of a line: a run of digit groups of that length; a
    run one or two digits longer gives its windows (a ':' or '|' read as '1'); a longer
    run (the NIK next to a telephone number) gives the groups that add up to ``length``."""
    out: list[str] = []
    for groups in _digit_groups(raw):
        run = "".join(groups)
        if len(run) < length:
            continue
        if len(run) <= length + 2:
            out += [run[i : i + length] for i in range(len(run) - length + 1)]
            continue
        for i in range(len(groups)):
            total = ""
            for g in groups[i:]:
                total += g
                if len(total) >= length:
                    break
            if len(total) == length:
                out.append(total)
    return list(dict.fromkeys(out))


def clean_nik(raw: str, length: int = 16) -> bool:
    """Whether a line holds its NIK cleanly: one run of digit groups of exactly ``length``
    digits, every group digits as printed (no letter taken for a digit, no digit too many)."""
    tokens = [t for t in re.split(r"[\s:;=|.,\-/]+", raw.strip(EDGE_JUNK)) if t]
    runs = _digit_groups(raw)
    digits_only = [t for t in tokens if _digitish(t)]
    return (
        len(runs) == 1 and len("".join(runs[0])) == length and all(t.isdigit() for t in digits_only)
    )


def nik_windows(raw: str, length: int = 16) -> list[str]:
    """The structurally possible NIK readings of a line (see :func:`nik_candidates`): which
    one is the card's, the birth date printed on the card tells."""
    return [c for c in nik_candidates(raw, length) if nik_plausible(c, length)]


def nik_value(raw: str, length: int = 16) -> str | None:
    """The NIK in a line: the first reading with a NIK's structure (province, codes, a real
    embedded birth date); None when none has it (a misread NIK is no reading)."""
    windows = nik_windows(raw, length)
    return windows[0] if windows else None


def _leading_digits(text: str) -> str | None:
    """The digits of the number at the start of ``text``: groups separated by spaces,
    dashes or dots, up to the first word that is not digits (OCR letters fixed)."""
    digits = ""
    for token in re.split(r"[\s.\-/]+", text.strip(EDGE_JUNK)):
        if not token:
            continue
        core = token.strip(EDGE_JUNK)
        mapped = ocr_digits(core)
        if core and mapped.isdigit():
            digits += mapped
        else:
            break
    return digits or None


def registration_value(
    raw: str,
    digits: SafePattern | None,
    template: str | None,
    prefix: SafePattern | None = None,
) -> str | None:
    """A registration number from the text after its label.

    With ``prefix`` (e.g. ``[A-Z]{2}``) a value starting with those letters is the letters
    and the digits, without separators ("QS-1234 5678 9012 34" -> "QS12345678901234").
    Otherwise the digits, rewritten by ``digits`` (a pattern over the digits only, which
    also fixes their count) into ``template``; a ':' read as a leading '1' is dropped. A
    value with another digit count is no reading.
    """
    text = raw.strip(EDGE_JUNK)
    if prefix is not None:
        # the letters, possibly after a ':' read as '1' ("1 QS 1234…"); letters read as
        # digits ("0S" for "QS") make another digit count: no reading, not a guess
        for start in (text, re.sub(r"^[1lI|!']+\s+", "", text)):
            m = prefix.match(start)
            if m is None:
                continue
            run = _leading_digits(start[m.end() :])
            if run and (digits is None or digits.fullmatch(run)):
                return m.group(0) + run
    run = _leading_digits(text)
    if run is None:
        return None
    if digits is None:
        return run
    if not digits.fullmatch(run):
        if run[:1] == "1" and digits.fullmatch(run[1:]):
            run = run[1:]
        else:
            return None
    return digits.sub(template, run) if template else run
