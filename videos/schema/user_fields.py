"""The parts of the User type that are about videos, used by accounts.schema.types."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Video


def published_videos_of(user):
    return Video.objects.published().filter(author=user)


def published_video_count():
    counts = (
        Video.objects.filter(author=OuterRef("pk"), status=Video.Status.PUBLISHED)
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def videos_of(user):
    return Video.objects.filter(author=user).order_by("-created_at", "-id")
