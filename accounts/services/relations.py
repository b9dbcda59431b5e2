"""A viewer's relations to other accounts, read once per request: whom they follow, who is on
either side of a block with them, whom they mute, and their keyword filters.

Every rule that hides accounts or words from a viewer reads this map. Before it, a For You page
asked for follows, mutes, blocks and keyword filters in four queries, and the comments of a
video asked again for each list on the page; now it is one query (a UNION ALL over the four
tables, by the indexes each already has) for the whole request."""

import functools
from dataclasses import dataclass

from django.utils import timezone
from strawberry import Info

from platform.graphql.viewer import current_user, per_request
from platform.replica import read_connection

from ..models import Block, Follow, KeywordFilter, Mute, User
from .keyword_filters import NOTHING, Filtered, filters_from


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


# Every signed-in read asks this. Built as a queryset (a union of five), Django spent 2.4 ms of
# CPU composing and compiling it for a statement PostgreSQL runs in a fraction of that; written
# once here it costs what running it costs. A mute is in force as in_force() says: without an
# end, or ending later. Table names come from the models.
_RELATIONS_SQL = """
    SELECT 'follows', followee_id, NULL FROM {follow} WHERE follower_id = %(me)s {followee}
    UNION ALL SELECT 'blocked', blocked_id, NULL FROM {block} WHERE blocker_id = %(me)s {blocked}
    UNION ALL SELECT 'blocked', blocker_id, NULL FROM {block} WHERE blocked_id = %(me)s {blocker}
    UNION ALL SELECT 'muted', muted_id, NULL FROM {mute}
        WHERE muter_id = %(me)s AND (expires_at IS NULL OR expires_at > %(now)s) {muted}
    UNION ALL SELECT 'phrase', NULL, phrase FROM {keyword_filter} WHERE user_id = %(me)s
"""


@functools.cache
def _relations_sql(towards_one: bool) -> str:
    tables = {"follow": Follow, "block": Block, "mute": Mute, "keyword_filter": KeywordFilter}
    other = {column: f"AND {column}_id = %(other)s" if towards_one else "" for column in ("followee", "blocked")}
    other |= {column: f"AND {column}_id = %(other)s" if towards_one else "" for column in ("blocker", "muted")}
    return _RELATIONS_SQL.format(**{name: model._meta.db_table for name, model in tables.items()}, **other)


def relations_of(user: User | None, towards: int | None = None) -> Relations:
    """The map for `user` (NOBODY for an anonymous visitor), in one query. With `towards` (an
    account's id), only the relations with that one account: enough to judge one of its
    videos or comments without reading every follow."""
    if user is None or not user.is_authenticated:
        return NOBODY
    return relations_between(user.pk, towards)


def relations_between(user_id: int, towards: int | None) -> Relations:
    """`relations_of` by id: an account's relations (with one other account, when `towards`)."""
    # where the request's other reads go: the replica for a read-only operation (platform.replica)
    with read_connection().cursor() as cursor:
        cursor.execute(_relations_sql(towards is not None), {"me": user_id, "other": towards, "now": timezone.now()})
        rows = cursor.fetchall()
    found: dict[str, set] = {"follows": set(), "blocked": set(), "muted": set(), "phrase": set()}
    for kind, other, phrase in rows:
        found[kind].add(phrase if kind == "phrase" else other)
    return Relations(
        viewer_id=user_id,
        follows=frozenset(found["follows"]),
        blocked=frozenset(found["blocked"]),
        muted=frozenset(found["muted"]),
        filters=filters_from(sorted(found["phrase"])),
    )


def relations(info: Info) -> Relations:
    """The request's viewer's map, loaded on first use and shared by every resolver after."""
    return per_request(info, "_relations", lambda: relations_of(current_user(info)))
