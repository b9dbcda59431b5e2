"""A viewer's relations to other accounts, read once per request: whom they follow, who is on
either side of a block with them, whom they mute, and their keyword filters.

Every rule that hides accounts or words from a viewer reads this map. Before it, a For You page
asked for follows, mutes, blocks and keyword filters in four queries, and the comments of a
video asked again for each list on the page; now it is one query (a UNION ALL over the four
tables, by the indexes each already has) for the whole request."""

from dataclasses import dataclass

from django.db.models import BigIntegerField, CharField, F, Value
from strawberry import Info

from platform.graphql.viewer import current_user, per_request

from ..models import Block, Follow, KeywordFilter, Mute, User
from ..models.mute import in_force
from .keyword_filters import NOTHING, Filtered, filters_from

_NO_ID = Value(None, output_field=BigIntegerField())
_NO_TEXT = Value(None, output_field=CharField())


def _kind(name: str) -> Value:
    return Value(name, output_field=CharField())


@dataclass(frozen=True)
class Relations:
    viewer_id: int | None = None
    follows: frozenset[int] = frozenset()
    blocked: frozenset[int] = frozenset()  # either way: each side is hidden from the other
    muted: frozenset[int] = frozenset()  # mutes in force now
    filters: Filtered = NOTHING

    @property
    def hidden_authors(self) -> frozenset[int]:
        """Accounts whose videos and comments this viewer must not see."""
        return self.blocked | self.muted


NOBODY = Relations()


def relations_of(user: User | None) -> Relations:
    """The map for `user` (NOBODY for an anonymous visitor), in one query."""
    if user is None or not user.is_authenticated:
        return NOBODY
    rows = (
        Follow.objects.filter(follower_id=user.pk)
        .values_list(_kind("follows"), F("followee_id"), _NO_TEXT)
        .union(
            Block.objects.filter(blocker_id=user.pk).values_list(_kind("blocked"), F("blocked_id"), _NO_TEXT),
            Block.objects.filter(blocked_id=user.pk).values_list(_kind("blocked"), F("blocker_id"), _NO_TEXT),
            Mute.objects.filter(in_force(), muter_id=user.pk).values_list(_kind("muted"), F("muted_id"), _NO_TEXT),
            KeywordFilter.objects.filter(user_id=user.pk).values_list(_kind("phrase"), _NO_ID, F("phrase")),
            all=True,
        )
    )
    found: dict[str, set] = {"follows": set(), "blocked": set(), "muted": set(), "phrase": set()}
    for kind, other, phrase in rows:
        found[kind].add(phrase if kind == "phrase" else other)
    return Relations(
        viewer_id=user.pk,
        follows=frozenset(found["follows"]),
        blocked=frozenset(found["blocked"]),
        muted=frozenset(found["muted"]),
        filters=filters_from(sorted(found["phrase"])),
    )


def relations(info: Info) -> Relations:
    """The request's viewer's map, loaded on first use and shared by every resolver after."""
    return per_request(info, "_relations", lambda: relations_of(current_user(info)))
