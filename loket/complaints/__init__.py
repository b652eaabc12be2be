"""The complaint register (Buku Pengaduan): intake from every channel, replies, monthly report."""

from __future__ import annotations

from loket.complaints.rules import ComplaintRules

__all__ = ["ComplaintRules"]
