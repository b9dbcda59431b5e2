"""What the accounts app announces (platform.events): other apps act on these without
accounts knowing who listens. Each is announced by the service that made the change, inside
its transaction."""

from dataclasses import dataclass
from datetime import datetime

from platform.events import Event


@dataclass(frozen=True)
class FollowStarted(Event):
    follower_id: int
    followee_id: int
    at: datetime


@dataclass(frozen=True)
class FollowEnded(Event):
    """Unfollowed, or removed by a block. `since`: when the follow was made."""

    follower_id: int
    followee_id: int
    since: datetime


@dataclass(frozen=True)
class FollowRequested(Event):
    requester_id: int
    target_id: int


@dataclass(frozen=True)
class FollowRequestsClosed(Event):
    """Requests accepted, declined, withdrawn or voided by a block: (requester, target) pairs."""

    pairs: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FollowRequestAccepted(Event):
    requester_id: int
    target_id: int


@dataclass(frozen=True)
class AccountBlocked(Event):
    """A block was made (announced also when it already stood: what it removes must stay gone)."""

    blocker_id: int
    blocked_id: int


@dataclass(frozen=True)
class BlockLifted(Event):
    blocker_id: int
    blocked_id: int


@dataclass(frozen=True)
class MuteChanged(Event):
    """A mute was made, changed or lifted: the muter's open streams start or stop hiding someone."""

    muter_id: int
    muted_id: int


@dataclass(frozen=True)
class AccountsDeactivated(Event):
    """By a moderator (one or in bulk) or a deletion request: their live connections end at once.
    (Their tokens are revoked by the database itself: accounts migration 0004.)"""

    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class AccountPurging(Event):
    """Announced inside the transaction that erases an account, before its row goes: each app
    removes or anonymises its rows of it and keeps its counters on others exact."""

    user_id: int


@dataclass(frozen=True)
class AccountDataRequested(Event):
    """While an account's data export is built: each handler answers an
    accounts.services.data_export.ExportPart with its app's records and files of it."""

    user_id: int
