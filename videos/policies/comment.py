"""The comment policy: which comments a viewer may read."""

from django.db.models import Q, QuerySet

from accounts.services.relations import Relations, relations_of

from .video import video_visible


def visible_comments(queryset: QuerySet, viewer, known: Relations | None = None) -> QuerySet:
    """Comments on videos the viewer may see, minus those of accounts on either side of a
    block with the viewer and of accounts the viewer muted, and those their keyword filters
    hide. `known`: the viewer's relations map (read here when not given)."""
    known = known if known is not None else relations_of(viewer)
    # a comment of an erased account stays (blank, authorless) when others answered it
    queryset = queryset.filter(video_visible(viewer, known=known), Q(author__isnull=True) | Q(author__is_active=True))
    if known.hidden_authors:
        queryset = queryset.exclude(author_id__in=known.hidden_authors)
    return known.filters.exclude_from(queryset, "text")


def may_see_comment_author(viewer, comment, known: Relations | None = None) -> bool:
    """For one loaded comment (its author loaded with it): whether the viewer may read it as
    far as its author goes (not on either side of a block, not muted, not deactivated). Its
    video is judged by the video policy."""
    known = known if known is not None else relations_of(viewer)
    if comment.author_id in known.hidden_authors:
        return False
    return comment.author is None or comment.author.is_active
