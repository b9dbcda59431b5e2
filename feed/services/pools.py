"""Staged distribution ("traffic pools"). A new video is shown to a small pool of viewers
first; once the pool has seen it, its smoothed engagement decides whether it moves on to a
bigger pool or stops getting exploration traffic. Every promotion and stop is recorded."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from platform.events import announce
from videos.events import PoolVotes
from videos.models import Video

from ..events import VideoPromoted
from ..models import FeedSettings, PoolDecision, VideoDistribution

# A prior of ten impressions at a 15% response rate: two impressions and two hearts are not
# a perfect video.
PRIOR_TRIALS = 10.0
PRIOR_SUCCESSES = 1.5


@dataclass(frozen=True)
class PoolStats:
    pool: int
    status: str
    impressions: int
    pool_impressions: int
    pool_size: int
    completion_rate: float
    rewatch_rate: float
    heart_rate: float
    engagement: float


def engagement(distribution: VideoDistribution, video: Video) -> float:
    """The pool's response since it began: completions, rewatches and hearts per impression,
    smoothed towards the prior. Completions and rewatches are the pool's own voters' (distinct
    accounts and addresses the feed served it to); hearts need an account, one each."""
    hearts = video.heart_count - distribution.pool_start_hearts
    response = distribution.pool_completions + 0.5 * distribution.pool_rewatches + hearts
    return (response + PRIOR_SUCCESSES) / (distribution.pool_impressions + PRIOR_TRIALS)


def stats(video: Video, knobs: FeedSettings | None = None) -> PoolStats:
    knobs = knobs or FeedSettings.objects.current()
    distribution = VideoDistribution.objects.filter(video=video).first() or VideoDistribution(video=video)
    sizes = knobs.sizes()
    shown = max(distribution.pool_impressions, 1)
    return PoolStats(
        pool=distribution.pool,
        status=distribution.status,
        impressions=distribution.impressions,
        pool_impressions=distribution.pool_impressions,
        pool_size=sizes[min(distribution.pool, len(sizes)) - 1],
        completion_rate=distribution.pool_completions / shown,
        rewatch_rate=distribution.pool_rewatches / shown,
        heart_rate=(video.heart_count - distribution.pool_start_hearts) / shown,
        engagement=engagement(distribution, video),
    )


@transaction.atomic
def record_impressions(votes: Mapping[int, PoolVotes], knobs: FeedSettings | None = None) -> list[PoolDecision]:
    """Count what each video's pool heard ({video id: PoolVotes}), then decide for any whose
    pool is done. Votes come from the watch-event roll-up: a viewer the feed served the video
    to reported it, at most once per account or address and hour (videos.services.watch_rollup)."""
    votes = {pk: vote for pk, vote in votes.items() if vote.impressions or vote.completions or vote.rewatches}
    if not votes:
        return []
    video_ids = list(votes)
    knobs = knobs or FeedSettings.objects.current()
    VideoDistribution.objects.bulk_create([VideoDistribution(video_id=pk) for pk in video_ids], ignore_conflicts=True)
    by_votes = defaultdict(list)  # one UPDATE per distinct figure: a handful per roll-up
    for pk, vote in votes.items():
        by_votes[vote].append(pk)
    for vote, pks in by_votes.items():
        VideoDistribution.objects.filter(video_id__in=pks).update(
            impressions=F("impressions") + vote.impressions,
            pool_impressions=F("pool_impressions") + vote.impressions,
            pool_completions=F("pool_completions") + vote.completions,
            pool_rewatches=F("pool_rewatches") + vote.rewatches,
        )
    sizes, bars = knobs.sizes(), knobs.bars()
    done = [
        d
        for d in VideoDistribution.objects.select_for_update()
        .select_related("video")
        .filter(video_id__in=video_ids, status=VideoDistribution.Status.TESTING)
        if d.pool_impressions >= sizes[min(d.pool, len(sizes)) - 1]
    ]
    return [_decide(distribution, sizes, bars) for distribution in done]


def _decide(distribution: VideoDistribution, sizes: list[int], bars: list[float]) -> PoolDecision:
    video = distribution.video
    score = engagement(distribution, video)
    pool, shown = distribution.pool, distribution.pool_impressions
    if pool >= len(sizes):
        action, bar = PoolDecision.Action.GRADUATED, 0.0
        distribution.status = VideoDistribution.Status.GRADUATED
    elif score >= bars[pool - 1]:
        action, bar = PoolDecision.Action.PROMOTED, bars[pool - 1]
        distribution.pool = pool + 1
        distribution.pool_impressions = distribution.pool_completions = distribution.pool_rewatches = 0
        distribution.pool_start_completions = video.completion_count
        distribution.pool_start_rewatches = video.rewatch_count
        distribution.pool_start_hearts = video.heart_count
        distribution.pool_start_views = video.view_count
    else:
        action, bar = PoolDecision.Action.STOPPED, bars[pool - 1]
        distribution.status = VideoDistribution.Status.STOPPED
    decision = PoolDecision.objects.create(
        video=video, pool=pool, action=action, engagement=score, bar=bar, impressions=shown
    )
    distribution.save()
    if action == PoolDecision.Action.PROMOTED:
        announce(VideoPromoted(video_id=video.pk, author_id=video.author_id, pool=pool))
    return decision
