"""Intake: the inbox, the archive of originals, pages, OCR, photos, page sorting, quarantine,
the application register and failures kept to their input."""
