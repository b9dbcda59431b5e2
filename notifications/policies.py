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


# Whom an account hears from, as the WHERE of the statement that records a notification
# (notifications.services): the recipient exists, has not turned the kind off, and, when
# someone acted, is on neither side of a block with them, does not mute them (a mute without
# an end, or ending later) and follows them if they hear only from people they follow. A
# written statement: built as a queryset with these subqueries, Django spent 3 ms composing it
# on every heart, comment and follow. Table names come from the models (notifications.services).
WANTS_KIND = """
    SELECT r.id FROM {users} r LEFT JOIN {settings} s ON s.user_id = r.id
    WHERE r.id = %(recipient)s AND NOT (%(kind)s = ANY(coalesce(s.off_kinds, '{{}}')))
"""
HEARS_FROM_ACTOR = """
    AND NOT EXISTS (SELECT 1 FROM {block} b WHERE (b.blocker_id = r.id AND b.blocked_id = %(actor)s)
                                              OR (b.blocker_id = %(actor)s AND b.blocked_id = r.id))
    AND NOT EXISTS (SELECT 1 FROM {mute} m WHERE m.muter_id = r.id AND m.muted_id = %(actor)s
                                             AND (m.expires_at IS NULL OR m.expires_at > %(now)s))
    AND (NOT coalesce(s.only_from_following, false)
         OR EXISTS (SELECT 1 FROM {follow} f WHERE f.follower_id = r.id AND f.followee_id = %(actor)s))
"""
