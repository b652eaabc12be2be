"""Scheduled evidence of the control cards (issue #18; Prefect shell over
:mod:`loket.approval.anchors`).

``anchor-kartu-kendali-harian`` (17:00 WIB daily, after office hours) signs the heads of all
control cards and writes them to ``outbox/anchors/``, so that even a card that saw no numbering
that day cannot later be cut down or deleted unnoticed. The cards are verified first: a broken
card is logged as an error and listed as disputed in the anchor, a card that contradicts the
previous anchor keeps its anchored head (disputed too): the new anchor never blesses a
tampering. What is wrong with the anchors themselves is logged and returned under ``anchor``.
:func:`deployments` is what ``loket serve`` registers.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from loket.approval import control_card
from loket.approval.anchors import heads_to_sign, write_heads
from loket.common.clock import TIMEZONE
from loket.office import Office

DAILY_CRON = "0 17 * * *"  # 17:00 WIB, after office hours


@flow(name="anchor-kartu-kendali-harian")
def daily_card_anchor(reason: str = "harian") -> dict[str, object]:
    """Verify every control card, then sign all their heads into a new anchor file."""
    logger = get_run_logger()
    office = Office.from_environment()
    settings = office.settings
    with office.db() as session:
        audit = control_card.examine(session, settings=settings)
        heads, disputed = heads_to_sign(session, settings=settings)
    broken = {k: c.problems for k, c in audit.cards.items() if c.problems}
    # a broken card's head is signed as it stands, but listed as disputed: not blessed
    disputed = sorted(set(disputed) | set(broken))
    if audit.problems:  # the anchors themselves: seen even when there are no cards
        broken[control_card.ANCHORS] = audit.problems
    for reg_no, problems in broken.items():
        logger.error("kartu kendali %s rusak: %s", reg_no, "; ".join(problems))
    path = write_heads(heads, reason=reason, settings=settings, disputed=disputed)
    logger.info("anchor %s: %d kartu ditandatangani", path.name, len(heads))
    return {
        "file": str(path),
        "cards": len(heads),
        "broken": sorted(broken),
        "disputed": disputed,
    }


def deployments() -> list[RunnerDeployment]:
    """The daily anchor of the control cards, for ``prefect.serve(*deployments())``."""
    return [
        daily_card_anchor.to_deployment(
            name="anchor-kartu-kendali-harian",
            schedule=Cron(DAILY_CRON, timezone=TIMEZONE),
            description="Sign the heads of all control cards into outbox/anchors/ (evidence).",
            tags=["kartu-kendali", "bukti"],
        )
    ]
