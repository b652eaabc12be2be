"""The approval chain (SOP steps 3-9): officials, the chain, the desks and their acts, the control
card, permit numbers, the permit documents, notifications and delivery guarantees."""

from __future__ import annotations

from loket.approval.cardkeys import Keyring, keyring_for
from loket.approval.chain import CHAIN_RULES, Action, ChainFile, ServiceChain, load_chain
from loket.approval.control_card import NewEntry
from loket.approval.control_card import append as append_card_entry
from loket.approval.control_card import entries as card_entries
from loket.approval.control_card import verify as verify_card
from loket.approval.desk import Desk
from loket.approval.models import (
    IN_PROGRESS,
    OPEN,
    Approval,
    ApprovalAttempt,
    ApprovalTask,
    CardEntry,
    Permit,
)
from loket.approval.notify import NotifyRules, normalize_phone
from loket.approval.notify import enqueue as enqueue_notification
from loket.approval.officials import (
    ROLE_LABELS,
    Authority,
    Delegation,
    NotAuthorized,
    Official,
    OfficialsFile,
    Role,
    authorize,
    load_officials,
)

__all__ = [
    "CHAIN_RULES",
    "IN_PROGRESS",
    "OPEN",
    "ROLE_LABELS",
    "Action",
    "Approval",
    "ApprovalAttempt",
    "ApprovalTask",
    "Authority",
    "CardEntry",
    "ChainFile",
    "Delegation",
    "Desk",
    "Keyring",
    "NewEntry",
    "NotAuthorized",
    "NotifyRules",
    "Official",
    "OfficialsFile",
    "Permit",
    "Role",
    "ServiceChain",
    "append_card_entry",
    "authorize",
    "card_entries",
    "enqueue_notification",
    "keyring_for",
    "load_chain",
    "load_officials",
    "normalize_phone",
    "verify_card",
]
