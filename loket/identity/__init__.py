"""Officials' identity (issue #18): who may record a decision, proven, not typed.

- :mod:`~loket.identity.credentials`: argon2id passphrases, set by an administrator, changed
  at first use, locked after repeated failures;
- :mod:`~loket.identity.sessions`: ``loket login`` sessions (HMAC'd file, a working day);
- :mod:`~loket.identity.tokens`: single-use decision tokens for the Prefect flow runs;
- :mod:`~loket.identity.duties`: separation of duties (one decision per person per file);
- :mod:`~loket.identity.events`: the log of every sign-in, refusal and lock.

The domain's acts take an :class:`Actor`, which only this package makes. It knows the
officials only through the :class:`Gate`'s callables, so that it sits below the approval chain.
"""

from __future__ import annotations

from loket.identity.actor import Actor, AuthError, Gate, MustChange, Person
from loket.identity.credentials import (
    authenticate,
    bootstrap_open,
    change_password,
    has_credential,
    set_password,
)
from loket.identity.duties import PriorDecision, conflict, conflict_message
from loket.identity.events import recent as recent_events
from loket.identity.models import Credential, DecisionToken, IdentityEvent, OfficialSession
from loket.identity.sessions import close_session, open_session, session_actor, session_path
from loket.identity.tokens import mint as mint_token
from loket.identity.tokens import redeem as redeem_token

__all__ = [
    "Actor",
    "AuthError",
    "Credential",
    "DecisionToken",
    "Gate",
    "IdentityEvent",
    "MustChange",
    "OfficialSession",
    "Person",
    "PriorDecision",
    "authenticate",
    "bootstrap_open",
    "change_password",
    "close_session",
    "conflict",
    "conflict_message",
    "has_credential",
    "mint_token",
    "open_session",
    "recent_events",
    "redeem_token",
    "session_actor",
    "session_path",
    "set_password",
]
