"""``python -m templates.build [folder]``: build every template into ``folder`` (default: the
``templates/`` folder of this checkout) and print the paths."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from templates.build import complaints, permits, return_letter, skm


def build_all(folder: Path) -> list[Path]:
    """Every docxtpl template of the office in ``folder`` (overwrites)."""
    return [
        *complaints.build_all(folder),
        *skm.build_all(folder),
        *permits.build_all(folder),
        *return_letter.build_all(folder),
    ]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m templates.build", description="Build every DOCX template (overwrites)."
    )
    parser.add_argument(
        "folder", nargs="?", type=Path, default=Path(__file__).resolve().parents[1],
        help="where to write them (default: this checkout's templates/)",
    )  # fmt: skip
    for path in build_all(parser.parse_args(argv).folder):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
