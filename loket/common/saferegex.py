r"""Regular expressions from rules files, run with a time limit.

Rules files are edited by officials, and a pattern such as ``(\w+\s?)+$`` backtracks
catastrophically: on one long OCR line Python's ``re`` runs for hours, holding the GIL, and
intake stops for everyone. So every pattern that comes from a rules file is compiled here
with the third-party ``regex`` module (the same syntax as ``re`` for what the rules use:
named groups, lookaround, ``\b``, flags), and every call carries a ``timeout``:

* :func:`probe` refuses a pattern that is slow on a few adversarial lines (long runs of word
  characters, digits or whitespace that end in a character it does not expect). The schemas
  use it through :data:`RulePattern`, so ``loket rules check`` and every load of the rules
  (intake, ``loket serve``) refuse such a pattern with the file, the line and the fix.
* :class:`SafePattern` is the run-time guard for what the probe cannot foresee: a match that
  takes longer than :data:`TIMEOUT` counts as no match and is logged once per pattern.

Patterns written in Python source stay with ``re``: they are reviewed like code.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, TypeVar

import regex
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

log = logging.getLogger(__name__)

IGNORECASE = int(regex.IGNORECASE)
MULTILINE = int(regex.MULTILINE)

#: Longest one search/match/finditer/sub of a rule pattern may take, in seconds. A sane
#: pattern needs well under a millisecond on a page of text.
TIMEOUT = 0.2
#: A call that timed out having used less CPU than half its :data:`TIMEOUT` was possibly
#: waiting for a CPU (every core busy with page readers) rather than backtracking: it is tried
#: once more within this many seconds of wall clock, so that a sane rule's answer does not
#: depend on the load. A pattern whose second try times out too is never tried twice again
#: (on a busy machine a backtracking call also gets little CPU: it must not cost 2 s a call).
STARVED_WALL_LIMIT = 2.0
#: Longest a pattern may take on one probe line when the rules are checked or loaded: the
#: shipped patterns need at most ~0.003 s on any of them (all 47 together ~0.05 s), nested
#: repetition 0.2 s (anchored, ``^(a+)+$``) to hours (``(\w+\s?)+$``).
PROBE_BUDGET = 0.1
#: Wall-clock limit of one probe call. Within it, the CPU time the call used is compared with
#: :data:`PROBE_BUDGET`: on a loaded machine (page readers running tesseract on every core) the
#: wall clock of a sane pattern can pass 0.1 s, its CPU time cannot; past it, the pattern is
#: catastrophic whatever the load.
PROBE_WALL_LIMIT = 1.0
#: Length of a probe line: a long OCR line, long enough that nested repetition shows even
#: where ``regex`` limits backtracking (its cost grows with a power of the length).
PROBE_LENGTH = 5000

INVALID = "not a valid regular expression"
SLOW_FIX = (
    "rewrite without nested repetition such as (x+)+ or (\\w+\\s?)+ and without "
    "alternatives that match the same text such as (a|aa)+; use a bounded quantifier "
    "such as {1,40}"
)

T = TypeVar("T")


def _regex_flags(flags: int) -> int:
    """``regex`` flags for ``flags``; ``re.RegexFlag`` values are translated by name (most
    have the same value in both modules, but not all: ``re.ASCII`` is 256, ``regex.ASCII``
    128)."""
    if not isinstance(flags, re.RegexFlag):
        return int(flags)
    out = 0
    for flag in re.RegexFlag:
        if flag.value and flag in flags:
            out |= int(getattr(regex, str(flag.name)))
    return out


class SafePattern:
    """A compiled rule pattern whose every call gives up after ``timeout`` seconds (the
    whole call: all of ``finditer``'s matches, all of ``sub``'s replacements).

    A call that ran out of time without using the CPU for it (possibly the machine busy,
    not the pattern backtracking) is tried once more with :data:`STARVED_WALL_LIMIT`, until
    a second try of the pattern times out as well. Giving up counts as no match (``search``
    returns None, ``finditer`` the matches found so far, ``sub`` the string unchanged) and
    never raises: a rule that is too slow on one page must not stop the office. The first
    time-out of a pattern is logged as a warning.
    """

    __slots__ = ("_rx", "_slow", "_timeout", "_warned")

    def __init__(self, pattern: str, flags: int = 0, timeout: float = TIMEOUT) -> None:
        self._rx = regex.compile(pattern, _regex_flags(flags))
        self._timeout = timeout
        self._warned = False
        self._slow = False  # a second try timed out too: no more second tries

    @property
    def pattern(self) -> str:
        return str(self._rx.pattern)

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r}, timeout={self._timeout})"

    def _guard(self, call: Callable[[float], T], fallback: T, length: int) -> T:
        started = time.thread_time()
        try:
            return call(self._timeout)
        except TimeoutError:
            pass
        waited = self._timeout
        if not self._slow and time.thread_time() - started < self._timeout / 2:
            waited = max(self._timeout, STARVED_WALL_LIMIT)
            try:  # possibly descheduled rather than backtracking: once more
                return call(waited)
            except TimeoutError:
                self._slow = True
        level = logging.DEBUG if self._warned else logging.WARNING
        self._warned = True
        log.log(
            level,
            "rule pattern %r gave up after %.2f s on a text of %d characters; counted "
            "as no match — rewrite it in the rules file (loket rules check)",
            self.pattern,
            waited,
            length,
        )
        return fallback

    def search(self, string: str) -> regex.Match[str] | None:
        return self._guard(lambda t: self._rx.search(string, timeout=t), None, len(string))

    def match(self, string: str) -> regex.Match[str] | None:
        return self._guard(lambda t: self._rx.match(string, timeout=t), None, len(string))

    def fullmatch(self, string: str) -> regex.Match[str] | None:
        return self._guard(lambda t: self._rx.fullmatch(string, timeout=t), None, len(string))

    def finditer(self, string: str) -> list[regex.Match[str]]:
        """All matches, as a list: the matches found before a time-out are kept."""
        found: list[regex.Match[str]] = []

        def collect(timeout: float) -> list[regex.Match[str]]:
            found.clear()  # a second attempt starts again
            for m in self._rx.finditer(string, timeout=timeout):
                found.append(m)
            return found

        return self._guard(collect, found, len(string))

    def sub(self, repl: str, string: str) -> str:
        """``re.sub`` with the same template syntax (``\\1``, ``\\g<name>``)."""
        return self._guard(lambda t: self._rx.sub(repl, string, timeout=t), string, len(string))


@lru_cache(maxsize=2048)
def compile_rule(pattern: str, flags: int = 0, *, timeout: float = TIMEOUT) -> SafePattern:
    """The guarded, compiled form of a rules file's pattern (cached: rules are reloaded
    often, patterns are few). Raises ``regex.error`` for a pattern that does not compile:
    the schemas have refused it already when the rules were loaded."""
    return SafePattern(pattern, flags, timeout)


def _literals(pattern: str) -> str:
    """The letters and digits written literally in ``pattern`` (not ``\\d``, ``\\s``…), up
    to eight: a probe line must contain them, or ``regex`` fails fast on a required
    character that is absent and the slow path is never tried."""
    out: list[str] = []
    escaped = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch.isalnum() and ch.lower() not in out:
            out.append(ch.lower())
    return "".join(out[:8])


def _probe_lines(pattern: str) -> list[tuple[str, str]]:
    """Adversarial lines, each with what it is: long runs that end where the pattern fails."""
    n = PROBE_LENGTH
    # whitespace runs are a fifth as long: a sane '\s+word' is quadratic on them (every
    # start scans the run), nested repetition over whitespace still shows at that length
    ws = n // 5
    ocr = "Nama Lengkap : Rina Oktaviani, A.Md.Rad  NIK 1471 0123 4567 0001 s/d 12-03-2027\n"
    runs = {
        "word characters": "a" * n,
        "words and spaces": ("kata " * n)[:n],
        "digits": "1" * n,
        "digits and spaces": ("1 " * n)[:n],
        "spaces": " " * ws,
        "line breaks": "\n" * ws,
        "mixed whitespace": (" \t\n" * ws)[:ws],
        "OCR text with line breaks": (ocr * n)[:n],
    }
    lit = _literals(pattern)
    runs |= {f"letters {c!r}": c * n for c in lit if c.isalpha() and c != "a"}
    lines = [(f"{len(s)} {what} then '!'", s + "!") for what, s in runs.items()]
    if lit:
        lines += [(f"{len(s)} {what} then '!{lit}'", s + "!" + lit) for what, s in runs.items()]
    return lines


@lru_cache(maxsize=2048)
def probe(pattern: str, flags: int = IGNORECASE | MULTILINE) -> str | None:
    """What is wrong with a rules file's pattern, or None when it is fine.

    It must compile, and neither ``search`` nor ``fullmatch`` may take more CPU time than
    :data:`PROBE_BUDGET` (nor more wall time than :data:`PROBE_WALL_LIMIT`) on any of
    :func:`_probe_lines`. Catastrophic patterns such as
    ``(\\w+\\s?)+$``, ``(a+)+$``, ``(\\d+)*x`` or ``(.*a){12}`` exceed it on one of them by
    orders of magnitude; every shipped pattern takes a few milliseconds at most.
    """
    try:
        rx = regex.compile(pattern, _regex_flags(flags))
    except regex.error as exc:
        return f"{INVALID}: {exc}"
    for what, line in _probe_lines(pattern):
        for call in (rx.search, rx.fullmatch):
            started = time.thread_time()
            try:
                call(line, timeout=PROBE_WALL_LIMIT)
                slow = time.thread_time() - started > PROBE_BUDGET
            except TimeoutError:
                slow = True
            if slow:
                return (
                    f"regular expression too slow: over {PROBE_BUDGET:g} s on a line of "
                    f"{what} (catastrophic backtracking; one OCR line would stall intake)"
                )
    return None


def checked_pattern(value: str) -> str:
    """Pydantic validator of a rules file's pattern: it compiles and passes :func:`probe`.

    The error types ``regex_invalid`` and ``regex_slow`` carry the fix in
    ``loket.common.rulesfile`` (file:line: what — fix: how)."""
    problem = probe(value)
    if problem is None:
        return value
    kind = "regex_invalid" if problem.startswith(INVALID) else "regex_slow"
    raise PydanticCustomError(kind, problem)


#: A regular expression in a rules file's schema.
RulePattern = Annotated[str, AfterValidator(checked_pattern)]
