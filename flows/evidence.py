"""Scheduled evidence of the control cards (issue #18): the daily signed anchor of every
card's head. Filled by the control-card work; :func:`deployments` is what ``loket serve``
registers."""

from __future__ import annotations

from prefect.deployments.runner import RunnerDeployment


def deployments() -> list[RunnerDeployment]:
    """Deployments of the control-card anchors (none yet)."""
    return []
