"""What the feed does when other apps report: impressions counted by the watch-event roll-up
move videos through their traffic pools; an account's data export gets its picked interests."""

from django.dispatch import receiver

from accounts.services.data_export import ExportPart
from accounts.signals import account_data_requested
from videos.services.watch_rollup import impressions_counted

from .services.pools import record_impressions


@receiver(impressions_counted, dispatch_uid="feed.pools.impressions_counted")
def _advance_traffic_pools(sender, votes: dict, **kwargs) -> None:
    record_impressions(votes)


@receiver(account_data_requested, dispatch_uid="feed.export_interests")
def _export_interests(sender, user, **kwargs) -> ExportPart:
    from .models import PickedInterest

    picks = PickedInterest.objects.filter(user=user).order_by("hashtag__name")
    interests = [{"hashtag": name, "picked_at": at} for name, at in picks.values_list("hashtag__name", "created_at")]
    return ExportPart(documents={"interests": interests})
