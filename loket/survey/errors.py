"""The error of the survey package: a file or request that cannot be processed."""

from __future__ import annotations


class SkmError(ValueError):
    """A survey file or request that cannot be processed; message for the officer."""
