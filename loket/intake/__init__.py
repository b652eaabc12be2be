"""Intake: the inbox, the archive of originals, pages, OCR, photos, page sorting, quarantine,
the application register and failures kept to their input."""

from __future__ import annotations

from loket.intake.classify import ClassificationRules, letters
from loket.intake.ocr import Word, deskew, estimate_skew, ocr_lines, rotate_upright
from loket.intake.pages import render_page
from loket.intake.photos import face_strength, photo_regions
from loket.intake.reading import UNSORTED, PageReading, PagesDocument
from loket.intake.register import Application, Counter, IntakeEvent, next_number
from loket.intake.register import get as get_application
from loket.intake.register import log as log_event
from loket.intake.second_reader import read_lines as second_read_lines
from loket.intake.second_reader import recognize as second_recognize
from loket.intake.steps import page_refs
from loket.intake.tesseract import text as tesseract_text
from loket.intake.tesseract import tsv as tesseract_tsv

__all__ = [
    "UNSORTED",
    "Application",
    "ClassificationRules",
    "Counter",
    "IntakeEvent",
    "PageReading",
    "PagesDocument",
    "Word",
    "deskew",
    "estimate_skew",
    "face_strength",
    "get_application",
    "letters",
    "log_event",
    "next_number",
    "ocr_lines",
    "page_refs",
    "photo_regions",
    "render_page",
    "rotate_upright",
    "second_read_lines",
    "second_recognize",
    "tesseract_text",
    "tesseract_tsv",
]
