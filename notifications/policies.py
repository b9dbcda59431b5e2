"""The notification policy: which of their notifications a viewer is shown."""

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
