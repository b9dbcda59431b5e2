"""Onboarding: the interests a new account may pick (hashtags, each with example videos), and
what it picked. For You reads the picks through session_profile.profile_of."""

import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from platform.unavailable import CACHE_DOWN
from videos.models import Hashtag
from videos.policies.video import public_videos

from ..models import PickedInterest

MAX_PICKS = 20
MAX_CHOICES = 50
CHOICES_CACHE_SECONDS = 300

logger = logging.getLogger(__name__)


def choices(limit: int) -> list[int]:
    """The ids of the hashtags on the most public videos, most first: what there is to pick
    from. The same for everyone and an aggregate over every tagged video, so computed at most
    once per CHOICES_CACHE_SECONDS and shared through the cache."""
    try:
        ranked = cache.get_or_set("interest-choices", _ranked, CHOICES_CACHE_SECONDS)
    except CACHE_DOWN:
        logger.warning("interest choices are computed per request: the cache is unreachable")
        ranked = _ranked()
    return ranked[:limit]


def _ranked() -> list[int]:
    public = public_videos().values("pk")
    counted = Hashtag.objects.annotate(uses=Count("videos", filter=Q(videos__in=public)))
    return list(counted.filter(uses__gt=0).order_by("-uses", "name").values_list("pk", flat=True)[:MAX_CHOICES])


def picked(user) -> list[Hashtag]:
    if user is None or not user.is_authenticated:
        return []
    return list(Hashtag.objects.filter(pk__in=picked_names(user)).order_by("name"))


def picked_names(user) -> dict[int, str]:
    """The account's picks, hashtag id -> name (none for an anonymous viewer)."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(PickedInterest.objects.filter(user=user).values_list("hashtag_id", "hashtag__name"))


@transaction.atomic
def pick(user, names: list[str]) -> list[Hashtag]:
    """Make `names` (with or without #) the account's picked interests, replacing earlier ones;
    an empty list clears them (skipping the step is fine)."""
    wanted = sorted({name.strip().lstrip("#").lower() for name in names if name.strip().lstrip("#")})
    if len(wanted) > MAX_PICKS:
        message = f"Pick at most {MAX_PICKS} interests."
        raise ValidationError({"hashtags": ValidationError(message, code="out_of_range")})
    # only tags someone may discover: on a public video (a private caption's tag is nobody's)
    public = Exists(public_videos().filter(hashtags=OuterRef("pk")))
    found = {tag.name: tag for tag in Hashtag.objects.filter(public, name__in=wanted)}
    unknown = [name for name in wanted if name not in found]
    if unknown:
        message = f"No such hashtag: {', '.join('#' + name for name in unknown[:5])}."
        raise ValidationError({"hashtags": ValidationError(message, code="not_found")})
    PickedInterest.objects.filter(user=user).exclude(hashtag__in=found.values()).delete()
    have = set(PickedInterest.objects.filter(user=user).values_list("hashtag_id", flat=True))
    PickedInterest.objects.bulk_create(
        PickedInterest(user=user, hashtag=tag) for tag in found.values() if tag.pk not in have
    )
    return sorted(found.values(), key=lambda tag: tag.name)
