"""The following feed: what the accounts a viewer follows posted, newest first."""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Follow
from accounts.services.relations import Relations, relations_of
from videos.models import Video
from videos.policies.video import visible_videos


@dataclass(frozen=True)
class FeedPage:
    video_ids: list[int]
    authors: dict[int, str]  # video id -> author username, for the explanation
    cursors: dict[int, str]  # video id -> cursor to continue after it
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[self.video_ids[-1]] if self.video_ids else None


def encode_cursor(published_at: datetime, video_id: int) -> str:
    return base64.urlsafe_b64encode(f"{published_at.isoformat()}|{video_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (published_at, id) a cursor continues after. Anything encode_cursor did not make is
    refused here, before it can reach PostgreSQL as an impossible time zone or integer."""
    try:
        stamp, video_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        published_at = datetime.fromisoformat(stamp)
        if published_at.tzinfo is None or not 0 < int(video_id) < 2**63:
            raise ValueError("not one of ours")
        return published_at.astimezone(UTC), int(video_id)
    except (ValueError, UnicodeDecodeError, OverflowError):
        raise ValidationError({"after": ValidationError("That cursor is not one of ours.", code="invalid")}) from None


def following_page(viewer, *, first: int, after: str | None = None, known: Relations | None = None) -> FeedPage:
    """One page of the following feed. Keyset pagination on (published_at, id), so new posts
    arriving between pages neither repeat nor skip anything. `known`: the viewer's relations
    map, when the request has read it already."""
    if viewer is None or not viewer.is_authenticated or first <= 0:
        return FeedPage([], {}, {}, False)
    known = known or relations_of(viewer)
    videos = visible_videos(Video.objects.all(), viewer, known).filter(
        status=Video.Status.PUBLISHED, author__in=Follow.objects.filter(follower=viewer).values("followee")
    )
    if known.muted:
        videos = videos.exclude(author__in=known.muted)
    videos = known.filters.exclude_from(videos, "caption")
    if after:
        published_at, video_id = decode_cursor(after)
        videos = videos.filter(Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=video_id))
    newest_first = videos.order_by("-published_at", "-pk")
    rows = list(newest_first.values_list("pk", "published_at", "author__username")[: first + 1])
    page = rows[:first]
    return FeedPage(
        video_ids=[pk for pk, _, _ in page],
        authors={pk: username for pk, _, username in page},
        cursors={pk: encode_cursor(published_at, pk) for pk, published_at, _ in page},
        has_next_page=len(rows) > first,
    )
