"""What the feed does when other apps report: impressions counted by the watch-event roll-up
move videos through their traffic pools."""

from django.dispatch import receiver

from videos.services.watch_rollup import impressions_counted

from .services.pools import record_impressions


@receiver(impressions_counted, dispatch_uid="feed.pools.impressions_counted")
def _advance_traffic_pools(sender, votes: dict, **kwargs) -> None:
    record_impressions(votes)
