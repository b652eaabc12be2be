"""Scheduled purge of personal data kept for reading (issue #18): OCR cache and page texts of
closed files. Filled by the personal-data work; :func:`deployments` is what ``loket serve``
registers."""

from __future__ import annotations

from prefect.deployments.runner import RunnerDeployment


def deployments() -> list[RunnerDeployment]:
    """Deployments of the retention purge (none yet)."""
    return []
