"""The notification policy: which of their notifications a viewer is shown, and whom an
account hears from at all."""

from django.db.models import Q, QuerySet

from accounts.services.relations import Relations, relations_of
from videos.policies.video import video_visible

from .models import NotificationGroup


def visible_groups(queryset: QuerySet[NotificationGroup], viewer, known: Relations | None = None):
    """The viewer's own groups, minus those whose latest actor is blocked either way or muted
    and those about a video they may no longer see. `known`: the viewer's relations map when
    the request has it already (else read here, one query)."""
    if viewer is None:
        return queryset.none()
    known = known or relations_of(viewer)
    queryset = queryset.filter(Q(video__isnull=True) | video_visible(viewer, known=known), recipient=viewer)
    hidden = known.hidden_authors
    return queryset.exclude(latest_actor_id__in=hidden) if hidden else queryset


def hears_from(known: Relations, actor_id: int) -> bool:
    """Whether an account (whose relations with the actor are `known`) hears from `actor_id` at
    all: never across a block, never from someone it mutes. Its own settings (kinds turned off,
    only from people it follows) are WANTS_KIND's."""
    return actor_id not in known.blocked and actor_id not in known.muted


# An account's settings, as the WHERE of the statement that records a notification
# (notifications.services): the recipient exists, has not turned the kind off, and follows
# the actor (%(follows)s, from its relations) if it hears only from people it follows; the
# actor, if any, is active (a video reviewed after its author left mentions no one). A
# written statement: as a queryset Django spent 3 ms composing it on every heart, comment and
# follow. Table names come from the models (notifications.services).
WANTS_KIND = """
    SELECT r.id FROM {users} r LEFT JOIN {settings} s ON s.user_id = r.id
    WHERE r.id = %(recipient)s AND NOT (%(kind)s = ANY(coalesce(s.off_kinds, '{{}}')))
      AND NOT (coalesce(s.only_from_following, false) AND NOT %(follows)s)
      AND (%(actor)s IS NULL OR EXISTS (SELECT 1 FROM {users} a WHERE a.id = %(actor)s AND a.is_active))
"""
