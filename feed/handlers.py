"""What the feed does when other apps announce (platform.events): impressions counted by the
watch-event roll-up move videos through their traffic pools; an account's data export gets its
picked interests."""

from accounts.events import AccountDataRequested
from accounts.services.data_export import ExportPart
from platform.events import subscribe
from videos.events import ImpressionsCounted

from .services.pools import record_impressions


@subscribe(ImpressionsCounted)
def _advance_traffic_pools(event: ImpressionsCounted) -> None:
    record_impressions(event.votes)


@subscribe(AccountDataRequested)
def _export_interests(event: AccountDataRequested) -> ExportPart:
    from .models import PickedInterest

    picks = PickedInterest.objects.filter(user_id=event.user_id).order_by("hashtag__name")
    interests = [{"hashtag": name, "picked_at": at} for name, at in picks.values_list("hashtag__name", "created_at")]
    return ExportPart(documents={"interests": interests})
