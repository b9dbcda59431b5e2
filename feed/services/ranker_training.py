"""Train the ranking stage from the watch log: facts from before a cutoff, labels after it.

The cutoff is global and temporal (the latest LABEL_SHARE of signed-in watch events are the
labelled examples), so no feature of an example saw its outcome: the interest model used for
its `interest` feature is trained on the events before the cutoff, the video's counters and
the viewer's history are counted up to the cutoff. The regularisation is chosen on the latest
fifth of the labelled examples, then every head is refitted on all of them."""

from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Count, F, Q, Sum

from accounts.models import Follow
from videos.models import Comment, Heart, Share, Video, WatchEvent

from ..ranking.als import train_als
from ..ranking.metrics import auc
from ..ranking.value_model import FEATURES, HEADS, Priors, ValueModel, feature_matrix, fit_head
from .signals import SKIP_MS, strength_matrix
from .viewer_history import PAIR_INPUTS, pair_arrays, recent_rows, summarise

LABEL_SHARE = 0.2
MIN_LABELLED = 200
MAX_LABELLED = 300_000
L2_GRID = (0.1, 1.0, 10.0, 100.0)


@dataclass
class Outcome:
    model: ValueModel | None
    summary: str


@dataclass
class Examples:
    x: np.ndarray
    labels: dict[str, np.ndarray]
    order: np.ndarray  # example indices, oldest first


def _cutoff():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(%s) WITHIN GROUP (ORDER BY created_at), count(*) "
            "FROM videos_watchevent WHERE user_id IS NOT NULL",
            [1 - LABEL_SHARE],
        )
        return cursor.fetchone()


def _labelled(cutoff) -> list[tuple]:
    later = WatchEvent.objects.filter(
        user__isnull=False, created_at__gt=cutoff, video__status=Video.Status.PUBLISHED
    ).values_list(
        "user", "video", "video__author_id", "video__published_at", "video__is_original",
        "created_at", "completed", "loops", "watched_ms", "video__duration_ms",
    )  # fmt: skip
    if later.count() > MAX_LABELLED:
        later = later.order_by("?")
    return list(later[:MAX_LABELLED])


def _priors(cutoff) -> Priors:
    earlier = WatchEvent.objects.filter(created_at__lt=cutoff).aggregate(
        shows=Count("pk"),
        finished=Count("pk", filter=Q(completed=True)),
        rewatched=Count("pk", filter=Q(loops__gt=0)),
        skipped=Count("pk", filter=Q(watched_ms__lt=SKIP_MS, completed=False)),
        watched=Sum(F("watched_ms") * 1.0 / F("video__duration_ms"), filter=Q(video__duration_ms__gt=0)),
    )
    loves = sum(model.objects.filter(created_at__lt=cutoff).count() for model in (Heart, Comment, Share))
    shows = max(earlier["shows"], 1)
    rates = [earlier["finished"] / shows, earlier["rewatched"] / shows, loves / shows, earlier["skipped"] / shows]
    finish, rewatch, love, skip = np.clip(rates, 0.01, 0.99)
    return Priors(finish, min((earlier["watched"] or 0.0) / shows, 4.0) or 1.0, rewatch, love, skip)


def _video_counts(video_ids: list[int], cutoff) -> dict[str, dict[int, int]]:
    """Each video's counters as they stood at the cutoff."""
    watched = (
        WatchEvent.objects.filter(video__in=video_ids, created_at__lt=cutoff)
        .values("video")
        .annotate(
            shows=Count("pk"),
            completions=Count("pk", filter=Q(completed=True)),
            rewatches=Count("pk", filter=Q(loops__gt=0)),
            watched=Sum("watched_ms"),
        )
    )
    counts = {"shows": {}, "completions": {}, "rewatches": {}, "watched": {}, "loves": {}}
    for row in watched:
        for name in ("shows", "completions", "rewatches", "watched"):
            counts[name][row["video"]] = row[name]
    for model in (Heart, Comment, Share):
        rows = model.objects.filter(video__in=video_ids, created_at__lt=cutoff).values("video").annotate(n=Count("pk"))
        for row in rows:
            counts["loves"][row["video"]] = counts["loves"].get(row["video"], 0) + row["n"]
    return counts


def _interest(rows: list[tuple], cutoff, als: dict) -> np.ndarray:
    """Each example's interest-model score, from a model that saw only the events before the cutoff."""
    video_ids = np.array(sorted(Video.objects.published().values_list("pk", flat=True)), dtype=np.int64)
    user_ids, interactions = strength_matrix(video_ids, before=cutoff)
    if not len(user_ids):
        return np.zeros(len(rows))
    factors = train_als(interactions, **als)
    users = np.array([row[0] for row in rows], dtype=np.int64)
    videos = np.array([row[1] for row in rows], dtype=np.int64)
    u = np.clip(np.searchsorted(user_ids, users), 0, len(user_ids) - 1)
    v = np.clip(np.searchsorted(video_ids, videos), 0, len(video_ids) - 1)
    known = (user_ids[u] == users) & (video_ids[v] == videos)
    scores = np.einsum("ij,ij->i", factors.users[u], factors.items[v])
    return np.where(known, scores, 0.0)


def _examples(rows: list[tuple], cutoff, priors: Priors, als: dict) -> Examples:
    users, videos = [row[0] for row in rows], [row[1] for row in rows]
    counts = _video_counts(sorted(set(videos)), cutoff)
    follows: dict[int, set[int]] = {}
    for follower, followee in Follow.objects.filter(follower__in=set(users), created_at__lt=cutoff).values_list(
        "follower", "followee"
    ):
        follows.setdefault(follower, set()).add(followee)
    histories = {
        user: summarise(events, priors, follows.get(user, ()))
        for user, events in recent_rows(sorted(set(users)), cutoff).items()
    }
    times = [row[5] for row in rows]
    pairs = {name: np.zeros(len(rows)) for name in PAIR_INPUTS}
    by_user: dict[int, list[int]] = {}
    for index, user in enumerate(users):
        by_user.setdefault(user, []).append(index)
    for user, indices in by_user.items():
        arrays = pair_arrays(histories[user], np.array([rows[i][2] for i in indices]), [times[i] for i in indices])
        for name, values in arrays.items():
            pairs[name][indices] = values
    x = feature_matrix(
        priors,
        interest=_interest(rows, cutoff, als),
        shows=[counts["shows"].get(v, 0) for v in videos],
        completions=[counts["completions"].get(v, 0) for v in videos],
        watched=[counts["watched"].get(v, 0) / max(row[9] or 1, 1) for v, row in zip(videos, rows, strict=True)],
        rewatches=[counts["rewatches"].get(v, 0) for v in videos],
        loves=[counts["loves"].get(v, 0) for v in videos],
        age_hours=[(row[5] - row[3]).total_seconds() / 3600 if row[3] else 0.0 for row in rows],
        original=[row[4] for row in rows],
        **pairs,
    )
    hearted = set(Heart.objects.filter(user__in=set(users), video__in=set(videos)).values_list("user", "video"))
    completed = np.array([row[6] for row in rows], dtype=bool)
    labels = {
        "finish": completed,
        "rewatch": np.array([row[7] > 0 for row in rows]),
        "heart": np.array([(row[0], row[1]) in hearted for row in rows]),
        "skip": np.array([row[8] < SKIP_MS for row in rows]) & ~completed,
    }
    return Examples(x, {name: y.astype(np.float64) for name, y in labels.items()}, np.argsort(times, kind="stable"))


def _log_loss(head, x: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(1.0 / (1.0 + np.exp(-head.logit(x))), 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def train_value_model(als: dict) -> Outcome:
    """The ranking stage, or None with the reason when the log cannot teach one yet."""
    cutoff, total = _cutoff()
    if total < MIN_LABELLED / LABEL_SHARE:
        return Outcome(None, f"ranking stage: {total} signed-in watch events, {MIN_LABELLED / LABEL_SHARE:.0f} needed")
    rows = _labelled(cutoff)
    if len(rows) < MIN_LABELLED:
        return Outcome(None, f"ranking stage: {len(rows)} events after the cutoff (all at one moment?)")
    priors = _priors(cutoff)
    examples = _examples(rows, cutoff, priors, als)
    if min(examples.labels["finish"].sum(), (1 - examples.labels["finish"]).sum()) < MIN_LABELLED / 10:
        return Outcome(None, "ranking stage: too few watched-to-the-end or skipped events to tell them apart")
    boundary = int(len(rows) * 0.8)
    fit, valid = examples.order[:boundary], examples.order[boundary:]

    def loss(l2: float) -> float:
        return sum(
            _log_loss(fit_head(examples.x[fit], y[fit], l2), examples.x[valid], y[valid])
            for y in examples.labels.values()
        )

    l2 = min(L2_GRID, key=loss)
    finish = examples.labels["finish"]
    head = fit_head(examples.x[fit], finish[fit], l2)
    predicted, by_rate = head.logit(examples.x[valid]), examples.x[valid, FEATURES.index("finish_rate")]
    done = finish[valid] > 0
    model = ValueModel(priors, {name: fit_head(examples.x, examples.labels[name], l2) for name in HEADS})
    return Outcome(
        model,
        f"ranking stage: {len(rows):,} labelled shows, l2 {l2:g} chosen on the latest fifth; "
        f"finish AUC there {auc(predicted[done], predicted[~done]):.3f} "
        f"(the video's finish rate alone: {auc(by_rate[done], by_rate[~done]):.3f})",
    )
