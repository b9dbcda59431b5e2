"""Engagement log → interest strength per (viewer, video), with the weights admins set."""

import numpy as np
from django.contrib.postgres.aggregates import BoolOr
from django.db.models import Count, Max, Sum

from videos.models import Comment, Heart, NotInterested, Share, WatchEvent

from ..models import FeedSettings
from ..ranking.interactions import Interactions

SKIP_MS = 3000


def _pairs(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = list(rows)
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    users, videos, values = zip(*rows, strict=True)
    return np.array(users, np.int64), np.array(videos, np.int64), np.array(values, np.float64)


def engagement_strengths(knobs: FeedSettings | None = None, before=None):
    """(user ids, video ids, strength) for every signed-in viewer and video they engaged
    with (before `before`, when given). Completion and rewatches weigh most; quick skips and
    not-interested subtract."""
    knobs = knobs or FeedSettings.objects.current()
    until = {"created_at__lt": before} if before is not None else {}
    watches = (
        WatchEvent.objects.filter(user__isnull=False, **until)
        .values("user", "video")
        .annotate(
            completed=BoolOr("completed"),
            loops=Sum("loops"),
            longest=Max("watched_ms"),
        )
        .values_list("user", "video", "completed", "loops", "longest")
    )
    sources = []
    rows = list(watches)
    if rows:
        users, videos, completed, loops, longest = (np.array(column) for column in zip(*rows, strict=True))
        strength = (
            knobs.weight_completion * completed.astype(float)
            + knobs.weight_rewatch * np.minimum(loops.astype(float), 3)
            + knobs.weight_skip * ((longest < SKIP_MS) & ~completed.astype(bool))
        )
        sources.append((users.astype(np.int64), videos.astype(np.int64), strength))
    for model, user_field, weight in (
        (Heart, "user", knobs.weight_heart),
        (Share, "user", knobs.weight_share),
        (Comment, "author", knobs.weight_comment),
        (NotInterested, "user", knobs.weight_not_interested),
    ):
        counted = (
            model.objects.filter(**{f"{user_field}__isnull": False}, **until)
            .values(user_field, "video")
            .annotate(n=Count("pk"))
            .values_list(user_field, "video", "n")
        )
        users, videos, n = _pairs(counted)
        sources.append((users, videos, weight * np.minimum(n, 1)))
    users = np.concatenate([s[0] for s in sources]) if sources else np.zeros(0, np.int64)
    videos = np.concatenate([s[1] for s in sources]) if sources else np.zeros(0, np.int64)
    strength = np.concatenate([s[2] for s in sources]) if sources else np.zeros(0)
    if not len(users):
        return users, videos, strength
    keys, inverse = np.unique(np.stack([users, videos], axis=1), axis=0, return_inverse=True)
    total = np.zeros(len(keys))
    np.add.at(total, inverse.reshape(-1), strength)
    return keys[:, 0], keys[:, 1], total


def strength_matrix(video_ids: np.ndarray, knobs: FeedSettings | None = None, before=None):
    """(sorted viewer ids, their engagement with `video_ids` as Interactions): what the interest
    model learns from. Only positive strengths: a skip says little about what else to show."""
    users, videos, strength = engagement_strengths(knobs, before=before)
    keep = (strength > 0) & np.isin(videos, video_ids)
    users, videos, strength = users[keep], videos[keep], strength[keep]
    user_ids = np.unique(users)
    return user_ids, Interactions.from_triples(
        np.searchsorted(user_ids, users),
        np.searchsorted(video_ids, videos),
        strength.astype(np.float32),
        len(user_ids),
        len(video_ids),
    )


def _after(since) -> dict:
    return {"created_at__gte": since} if since is not None else {}


def session_strengths(session_key: str, knobs: FeedSettings | None = None, since=None) -> dict[int, float]:
    """An anonymous session's interest per video, from its watch events and not-interested."""
    knobs = knobs or FeedSettings.objects.current()
    result: dict[int, float] = {}
    events = (
        WatchEvent.objects.filter(session_key=session_key, user__isnull=True, **_after(since))
        .values("video")
        .annotate(completed=BoolOr("completed"), loops=Sum("loops"), longest=Max("watched_ms"))
    )
    for row in events:
        skipped = row["longest"] < SKIP_MS and not row["completed"]
        result[row["video"]] = (
            knobs.weight_completion * row["completed"]
            + knobs.weight_rewatch * min(row["loops"], 3)
            + knobs.weight_skip * skipped
        )
    for video in NotInterested.objects.filter(session_key=session_key, user__isnull=True).values_list(
        "video", flat=True
    ):
        result[video] = result.get(video, 0.0) + knobs.weight_not_interested
    return result


def user_recent_strengths(user, knobs: FeedSettings | None = None, since=None, limit: int = 200) -> dict[int, float]:
    """A signed-in viewer's newest signals, for updating their vector at request time."""
    knobs = knobs or FeedSettings.objects.current()
    recent = (
        WatchEvent.objects.filter(user=user, **_after(since))
        .order_by("-created_at")
        .values_list("video", "completed", "loops", "watched_ms")[:limit]
    )
    result: dict[int, float] = {}
    for video, completed, loops, watched in recent:
        skipped = watched < SKIP_MS and not completed
        value = knobs.weight_completion * completed + knobs.weight_rewatch * min(loops, 3) + knobs.weight_skip * skipped
        result[video] = max(result.get(video, value), value)
    for video in (
        Heart.objects.filter(user=user, **_after(since)).order_by("-created_at").values_list("video", flat=True)[:limit]
    ):
        result[video] = result.get(video, 0.0) + knobs.weight_heart
    for video in NotInterested.objects.filter(user=user, **_after(since)).values_list("video", flat=True)[:limit]:
        result[video] = result.get(video, 0.0) + knobs.weight_not_interested
    return result
