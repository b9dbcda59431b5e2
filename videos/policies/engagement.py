"""The hearts and saves policy: whose hearts and saves a viewer may see, and on which videos."""

from django.db.models import Q, QuerySet

from .video import video_visible


def hearts_shown(account, viewer) -> bool:
    """An account's hearts are its own business unless it made them public."""
    return account.hearts_public or (viewer is not None and viewer.pk == account.pk)


def visible_hearts(queryset: QuerySet, viewer, known=None) -> QuerySet:
    """Hearts show where their account shows them (its own, or heartsPublic), and only on
    videos the viewer may see: `node(id)` of any other heart is null, not an error."""
    mine_or_public = Q(user__hearts_public=True, user__is_active=True) | (Q(user=viewer) if viewer else Q())
    return queryset.filter(mine_or_public, video_visible(viewer, known=known))


def visible_saves(queryset: QuerySet, viewer, known=None) -> QuerySet:
    """Saves are their owner's alone, and show only videos the owner may still see."""
    if viewer is None:
        return queryset.none()
    return queryset.filter(video_visible(viewer, known=known), user=viewer)
