"""Rules files cannot hang or crash the office (issue #14).

A pattern that backtracks catastrophically is refused when the rules are checked or loaded,
and if one slips through, a match over a long OCR line gives up instead of hanging intake.
A rules file that is not UTF-8 (or holds a character YAML refuses) is a file:line message,
never a traceback.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml

from loket.common.rulesfile import RulesError
from loket.intake.classify import load_classification_rules
from loket.office.rulesets import check_file, rules_files
from loket.requirements.rules import load_service_rules

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
CATASTROPHIC = r"(\w+\s?)+$"
FIX = "nested repetition"


def _rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def _replace(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in ``path``; the line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


# One catastrophic pattern per kind of place a rules file holds a regular expression.
SLOW_PLACES = [
    ("document-types.yaml", '"perpanjangan|permohonan baru"', f"'{CATASTROPHIC}'"),
    (
        "izin-kerja-radiografer.yaml",
        r"'(?:menyatakan|menerangkan)\s+bahwa[^\S\n]*[:;1lI|]?[^\S\n]*\n+\s*(?P<value>[^\n]+)'",
        r"'(?P<value>(\w+\s?)+)$'",
    ),
    ("izin-kerja-radiografer.yaml", r"stop: ['\s+sejak\b'", r"stop: ['(a+)+$'"),
    (
        "izin-kerja-radiografer.yaml",
        r"lifetime: ['ber[l1iI|!t]aku\s+seumur\s+hidup'",
        r"lifetime: ['(.*a){12}'",
    ),
    (
        "izin-kerja-radiografer.yaml",
        r"require_regex: ['\b(?:dpd|dpw|dpc|pd|pc|pw)?pari\b']",
        r"require_regex: ['(\d+)*x']",
    ),
    ("izin-kerja-radiografer.yaml", r"value: '\d{16}'", r"value: '(\d+)*x'"),
]


@pytest.mark.parametrize(("name", "old", "new"), SLOW_PLACES)
def test_rules_check_refuses_a_catastrophic_pattern_with_file_line_and_fix(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    path = _rules_copy(tmp_path) / name
    line = _replace(path, old, new)
    started = time.perf_counter()
    problems = check_file(path)
    assert time.perf_counter() - started < 10
    assert len(problems) == 1, problems
    (message,) = problems
    assert message.startswith(f"{path}:{line}: ")
    assert "too slow" in message and "— fix:" in message and FIX in message


def test_loading_rules_for_intake_refuses_a_catastrophic_pattern(tmp_path: Path) -> None:
    rules = _rules_copy(tmp_path)
    types = rules / "document-types.yaml"
    line = _replace(types, '"perpanjangan|permohonan baru"', f"'{CATASTROPHIC}'")
    with pytest.raises(RulesError) as info:
        load_classification_rules(types)  # classification, as intake loads it
    assert str(info.value).startswith(f"{types}:{line}: ") and FIX in str(info.value)

    service = rules / "izin-kerja-radiografer.yaml"
    line = _replace(service, r"label: 'Te(?:m|rn)pa[tl]\s+Kerja'", r"label: '(\w+\s?)+$'")
    with pytest.raises(RulesError) as info:
        load_service_rules(service)  # field extraction and checks, as intake loads them
    assert str(info.value).startswith(f"{service}:{line}: ") and FIX in str(info.value)


@pytest.mark.parametrize("pattern", [CATASTROPHIC, r"(a+)+$", r"(\d+)*x", r"(.*a){12}"])
def test_the_probe_catches_catastrophic_patterns(pattern: str) -> None:
    from loket.common.saferegex import probe

    started = time.perf_counter()
    problem = probe(pattern)
    assert problem is not None and "too slow" in problem
    assert time.perf_counter() - started < 5


def _shipped_patterns() -> set[str]:
    """Every string under a key that holds a regular expression, in every shipped file."""
    single = {"regex", "label", "value", "pattern", "success_pattern"}
    lists = {"patterns", "stop", "lifetime", "require_regex", "forbid_regex"}
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in single and isinstance(value, str):
                    found.add(value)
                elif key in lists and isinstance(value, list):
                    found.update(v for v in value if isinstance(v, str))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in rules_files(RULES):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_a_busy_machine_does_not_make_a_sane_pattern_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every core busy, the probe's thread waits for a CPU: wall time passes, CPU time
    does not. A matcher that honours ``timeout`` as ``regex`` does (TimeoutError once the wall
    clock passes it) and spends 0.15 s descheduled on its first call must pass; it was once
    reported "too slow" and intake stopped as "rules invalid"."""
    from loket.common import saferegex

    real_compile = saferegex.regex.compile

    class Descheduled:
        def __init__(self, pattern: str, flags: int) -> None:
            self.rx, self.calls = real_compile(pattern, flags), 0

        def _call(self, method: str, line: str, timeout: float) -> object:
            self.calls += 1
            if self.calls == 1:  # the first call waits for a CPU, as on a loaded machine
                time.sleep(0.15)
                if timeout < 0.15:
                    raise TimeoutError("regex timed out")
            return getattr(self.rx, method)(line, timeout=timeout)

        def search(self, line: str, timeout: float) -> object:
            return self._call("search", line, timeout)

        def fullmatch(self, line: str, timeout: float) -> object:
            return self._call("fullmatch", line, timeout)

    monkeypatch.setattr(saferegex.regex, "compile", Descheduled)
    assert saferegex.probe(r"Nomor\s*:\s*(?P<value>\d{16})") is None


def test_every_shipped_pattern_passes_the_probe() -> None:
    from loket.common.saferegex import probe

    patterns = _shipped_patterns()
    assert len(patterns) > 30
    slow = {p: problem for p in patterns if (problem := probe(p)) is not None}
    assert slow == {}
    for path in rules_files(RULES):
        assert check_file(path) == [], path


def test_a_slow_match_gives_up_as_no_match_and_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from loket.common.saferegex import SafePattern, compile_rule

    rx = SafePattern(r"(a|aa)+$", timeout=0.2)  # exponential; the probe would refuse it
    line = "a" * 5000 + "!"
    caplog.set_level(logging.WARNING, logger="loket.common.saferegex")
    started = time.perf_counter()
    assert rx.search(line) is None
    assert rx.fullmatch(line) is None
    assert rx.finditer(line) == []
    assert rx.sub("x", line) == line
    # four calls of 0.2 s each, or of 2 s on a machine so loaded that the first 0.2 s were
    # mostly spent waiting for a CPU; without the timeout the pattern would run for hours
    assert time.perf_counter() - started < 15
    warnings = [r for r in caplog.records if r.name == "loket.common.saferegex"]
    assert len(warnings) == 1 and "(a|aa)+$" in warnings[0].getMessage()
    assert compile_rule(r"(\d+)", timeout=0.2).sub(r"<\1>", "no 12") == "no <12>"


def test_a_sane_match_descheduled_on_a_busy_machine_is_tried_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Under load (page readers on every core) a sane rule's call can pass its 0.2 s of wall
    clock without running: it once counted as no match, and an application's type or an SIP
    number depended on the load. A call that timed out without using the CPU is tried again;
    one that used it (backtracking) is not."""
    from loket.common.saferegex import SafePattern

    class Descheduled:
        """``regex``'s compiled pattern whose first call waits 0.3 s for a CPU."""

        def __init__(self, pattern: str) -> None:
            self.rx, self.calls = regex.compile(pattern), 0

        def search(self, line: str, timeout: float) -> object:
            self.calls += 1
            if self.calls == 1:
                time.sleep(0.3)  # descheduled: wall time passes, this thread's CPU does not
                raise TimeoutError("regex timed out")
            return self.rx.search(line, timeout=timeout)

    rx = SafePattern(r"perpanjangan|permohonan baru", timeout=0.2)
    fake = Descheduled(rx.pattern)
    rx._rx = fake  # type: ignore[assignment]
    caplog.set_level(logging.WARNING, logger="loket.common.saferegex")
    found = rx.search("Jenis: permohonan baru")
    assert found is not None and found.group(0) == "permohonan baru"
    assert fake.calls == 2 and not caplog.records


def test_a_match_that_used_its_cpu_is_not_tried_again() -> None:
    """A call that spent its time on the CPU (backtracking) gives up at once; and a pattern
    whose second try timed out as well gets no more second tries."""
    from loket.common.saferegex import SafePattern

    class TimingOut:
        """A matcher that always times out, having spent 0.15 s on the CPU or not at all."""

        pattern = "x"

        def __init__(self, on_cpu: bool) -> None:
            self.on_cpu, self.calls = on_cpu, 0

        def search(self, line: str, timeout: float) -> object:
            self.calls += 1
            began = time.thread_time()
            while self.on_cpu and time.thread_time() - began < 0.15:  # backtracking
                pass
            if not self.on_cpu:
                time.sleep(0.01)  # no CPU used: looks descheduled, every time
            raise TimeoutError("regex timed out")

    rx, burning = SafePattern(r"x", timeout=0.2), TimingOut(on_cpu=True)
    rx._rx = burning  # type: ignore[assignment]
    assert rx.search("x") is None and burning.calls == 1

    rx, waiting = SafePattern(r"x", timeout=0.2), TimingOut(on_cpu=False)
    rx._rx = waiting  # type: ignore[assignment]
    assert rx.search("x") is None and waiting.calls == 2  # tried twice
    assert rx.search("x") is None and waiting.calls == 3  # then never twice again


# Runs in a child process: the unprotected `re` would hold the GIL for hours.
_INTAKE_ON_A_HOSTILE_LINE = """
import time
from loket.intake.classify import ClassificationRules, DocType, Pattern, score
from loket.requirements.extract import DocumentText, FieldSpec, extract

line = "Nama " + "a" * 5000 + "!"
bad = r"(\\w+\\s?)+$"
rules = ClassificationRules.model_construct(
    types={"x": DocType.model_construct(label="x", keywords=[],
                                        patterns=[Pattern.model_construct(regex=bad, weight=1.0)])}
)
started = time.perf_counter()
scores, _ = score(line, rules)
assert scores == {"x": 0.0}, scores
spec = FieldSpec.model_construct(
    type="text", label=None, patterns=["(?P<value>" + bad + ")"], value=None, stop=[bad],
    lifetime=[], canonical=None, lines=1, min_length=2, max_length=120,
)
assert extract(spec, [DocumentText("f.pdf", 1, line)]) == []
print(round(time.perf_counter() - started, 3))
"""


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_intake_matching_on_a_hostile_ocr_line_returns_within_seconds() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(_INTAKE_ON_A_HOSTILE_LINE)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("classifying/extracting one hostile OCR line hung for over 60 s")
    assert done.returncode == 0, done.stderr
    # about 0.3 s on a quiet machine; 15 s leaves room for a loaded one, where each pattern
    # may be tried once more for 2 s (unprotected: hours)
    assert float(done.stdout.strip()) < 15, done.stdout


def _latin1_copy(tmp_path: Path, name: str, old: str, new: bytes) -> tuple[Path, int, int]:
    """A copy of a rules file with ``old`` replaced by Latin-1 bytes; path, line, column."""
    path = _rules_copy(tmp_path) / name
    data = path.read_bytes()
    at = data.index(old.encode())
    line = data[:at].count(b"\n") + 1
    column = at - (data.rfind(b"\n", 0, at) + 1) + new.index(b"\xe9") + 1
    path.write_bytes(data.replace(old.encode(), new, 1))
    return path, line, column


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("document-types.yaml", "label: Fotocopy KTP", b"label: Fotocopy KTP d\xe9pan"),
        ("izin-kerja-radiografer.yaml", "label: Fotokopi KTP", b"label: Fotokopi KTP d\xe9pan"),
    ],
)
def test_a_file_that_is_not_utf8_is_reported_with_its_line(
    tmp_path: Path, name: str, old: str, new: bytes
) -> None:
    path, line, column = _latin1_copy(tmp_path, name, old, new)
    expected = f"{path}:{line}: not UTF-8 (byte 0xe9 at column {column})"
    (message,) = check_file(path)
    assert message.startswith(expected) and "save the file as UTF-8" in message
    loader = load_classification_rules if name == "document-types.yaml" else load_service_rules
    with pytest.raises(RulesError) as info:
        loader(path)
    assert str(info.value) == message


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_rules_check_cli_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path, line, _ = _latin1_copy(
        tmp_path, "document-types.yaml", "label: Fotocopy KTP", b"label: Fotocopy KTP d\xe9pan"
    )
    env = {**os.environ, "LOKET_HOME": str(tmp_path), "LOKET_RULES": str(path.parent)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "loket"), "rules", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{path}:{line}: not UTF-8 (byte 0xe9" in done.stderr


def test_a_character_yaml_refuses_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _rules_copy(tmp_path) / "document-types.yaml"
    line = _replace(path, "label: Fotocopy KTP", "label: Fotocopy KTP\x07")
    (message,) = check_file(path)
    assert message.startswith(f"{path}:{line}: ") and "— fix:" in message
