"""What the ranking stage knows about a viewer: their most recent watch events and whom they
follow, summarised per creator. The server reads it for one viewer per request; the training
command reads it for many viewers as of a cutoff. Both summarise it with `summarise`."""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from videos.models import WatchEvent

from ..ranking.value_model import NEVER_SEEN_HOURS, RECENT_EVENTS, smoothed
from .signals import SKIP_MS


@dataclass
class History:
    """One viewer, summarised: smoothed finish and skip rates, and per creator the shows,
    completions and time of the last show among their recent events."""

    finish: float
    skip: float
    shows: int = 0  # the recent events summarised (at most RECENT_EVENTS)
    creator_shows: dict[int, int] = field(default_factory=dict)
    creator_completions: dict[int, int] = field(default_factory=dict)
    creator_last_seen: dict[int, object] = field(default_factory=dict)
    follows: frozenset = frozenset()


def summarise(rows, priors, follows=frozenset()) -> History:
    """`rows`: (author id, completed, skipped, created_at) of one viewer's recent events."""
    shows = len(rows)
    completions = sum(1 for _, completed, _, _ in rows if completed)
    skips = sum(1 for _, _, skipped, _ in rows if skipped)
    history = History(
        finish=float(smoothed(completions, shows, priors.finish)),
        skip=float(smoothed(skips, shows, priors.skip)),
        shows=shows,
        follows=frozenset(follows),
    )
    for author, completed, _, at in rows:
        history.creator_shows[author] = history.creator_shows.get(author, 0) + 1
        history.creator_completions[author] = history.creator_completions.get(author, 0) + int(completed)
        if author not in history.creator_last_seen or at > history.creator_last_seen[author]:
            history.creator_last_seen[author] = at
    return history


def recent_rows(user_ids, before) -> dict[int, list[tuple]]:
    """Each viewer's last RECENT_EVENTS events before `before`: one query for any number
    (a row number per viewer, newest first, filtered in the database)."""
    by_user: dict[int, list[tuple]] = {int(user): [] for user in user_ids}
    newest_first = Window(RowNumber(), partition_by=F("user_id"), order_by=[F("created_at").desc(), F("id").desc()])
    events = (
        WatchEvent.objects.filter(user_id__in=list(by_user), created_at__lt=before)
        .annotate(n=newest_first)
        .filter(n__lte=RECENT_EVENTS)
        .values_list("user_id", "video__author_id", "completed", "watched_ms", "created_at")
    )
    for user, author, completed, watched, at in events:
        by_user[user].append((author, completed, watched < SKIP_MS and not completed, at))
    return by_user


def session_rows(session_key: str, before) -> list[tuple]:
    """An anonymous session's last RECENT_EVENTS events, as `recent_rows` gives a viewer's."""
    events = (
        WatchEvent.objects.filter(session_key=session_key, user__isnull=True, created_at__lt=before)
        .order_by("-created_at", "-id")
        .values_list("video__author_id", "completed", "watched_ms", "created_at")[:RECENT_EVENTS]
    )
    return [(author, completed, watched < SKIP_MS and not completed, at) for author, completed, watched, at in events]


PAIR_INPUTS = (
    "pair_shows",
    "pair_completions",
    "pair_hours_since",
    "follows",
    "viewer_finish",
    "viewer_skip",
    "viewer_history",
)


def pair_arrays(history: History, authors: np.ndarray, at) -> dict[str, np.ndarray]:
    """The viewer-and-creator inputs of `feature_matrix` for candidates by `authors`, at time
    `at` (a datetime, or an array of them)."""
    last = [history.creator_last_seen.get(int(author)) for author in authors]
    moments = at if isinstance(at, (list, np.ndarray)) else [at] * len(authors)
    return {
        "pair_shows": np.array([history.creator_shows.get(int(a), 0) for a in authors], dtype=np.float64),
        "pair_completions": np.array([history.creator_completions.get(int(a), 0) for a in authors], dtype=np.float64),
        "pair_hours_since": np.array(
            [
                NEVER_SEEN_HOURS if seen is None else (moment - seen).total_seconds() / 3600
                for seen, moment in zip(last, moments, strict=True)
            ]
        ),
        "follows": np.array([int(a) in history.follows for a in authors], dtype=np.float64),
        "viewer_finish": history.finish,
        "viewer_skip": history.skip,
        "viewer_history": float(history.shows),
    }
