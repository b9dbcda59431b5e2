"""For You's fixed numbers, in one place. The admins' knobs (shares, brand factor, signal weights,
pools) are FeedSettings rows; these are the engineering choices under them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tunables:
    # candidates each source offers a page, before filters and selection
    following_candidates: int = 60
    interest_candidates: int = 300  # the interest model's nearest videos
    trending_candidates: int = 60
    popular_candidates: int = 60
    cluster_candidates: int = 100  # the viewer's audience cluster's favourites
    fresh_candidates: int = 200  # exploration's pool outside the viewer's interests
    testing_candidates: int = 100  # videos on trial in their traffic pool
    # selection
    cluster_trend_share: float = 0.2  # of the algorithmic slots left after exploration
    authors_per_page_share: float = 0.25  # at most this share of a page from one account (and 2)
    neutral_prediction: float = 0.5  # the interest score of a video the model does not know
    # the heuristic score (without a trained ranking stage)
    completion_prior: tuple[int, int] = (1, 4)  # smoothed completion: (completions + a) / (views + b)
    love_prior: tuple[int, int] = (1, 10)
    unoriginal_factor: float = 0.3  # a re-upload's score
    stale_floor: float = 0.3  # what freshness leaves of an old video's score
    consistency_lift: float = 0.1  # most a creator who keeps to one topic gains


TUNE = Tunables()
