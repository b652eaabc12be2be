"""Errors of the complaint register: a refused request, a message imported twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loket.complaints.models import Complaint


class ComplaintError(ValueError):
    """A request the register refuses; the message is meant for the officer."""


class DuplicateComplaint(ComplaintError):
    def __init__(self, existing: Complaint) -> None:
        super().__init__(f"sudah tercatat sebagai {existing.number}")
        self.existing = existing
