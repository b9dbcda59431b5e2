"""The parts of the User type that are about videos: what accounts.schema.video_parts asks for,
provided when the app starts (videos.apps)."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Collection, Heart, SavedVideo, Video
from ..policies.engagement import hearts_shown
from ..policies.video import visible_videos


def published_videos_of(user, viewer):
    """`user`'s published videos that `viewer` may see: public ones, followers-only ones if
    the viewer follows them, all of them for the account itself."""
    return visible_videos(Video.objects.filter(author=user, status=Video.Status.PUBLISHED), viewer)


def published_video_count(viewer):
    """The count of published_videos_of each account in a query, as one subquery."""
    mine = Video.objects.filter(author=OuterRef("pk"), status=Video.Status.PUBLISHED)
    counts = visible_videos(mine, viewer).order_by().values("author").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def videos_of(user):
    return Video.objects.filter(author=user).order_by("-created_at", "-id")


def saved_by(user, viewer):
    """`user`'s saved videos, newest save first; nobody else's. (SavedVideoType.get_queryset
    keeps those they may still see.)"""
    if viewer is None or viewer.pk != user.pk:
        return SavedVideo.objects.none()
    return SavedVideo.objects.filter(user=user).order_by("-created_at", "-id")


def hearted_by(user, viewer):
    """The published videos `user` hearted, newest heart first. HeartedVideoType.get_queryset
    applies the rule (the account itself, or anyone if it made its hearts public; only videos
    the viewer may see); this only skips the query when the answer is surely empty."""
    if not hearts_shown(user, viewer):
        return Heart.objects.none()
    return Heart.objects.filter(user=user, video__status=Video.Status.PUBLISHED).order_by("-created_at", "-id")


def collections_of(user, viewer):
    """`user`'s collections, newest first; nobody else sees them."""
    if viewer is None or viewer.pk != user.pk:
        return Collection.objects.none()
    return Collection.objects.filter(user=user).order_by("-created_at", "-id")
