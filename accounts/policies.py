"""The account policy: which accounts a viewer may see (the video, sound and comment policies
are in videos/policies/, the notification's in notifications/policies.py)."""

from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from .models import Block, Follow, User


def visible_users(queryset: models.QuerySet, viewer) -> models.QuerySet:
    """Active accounts the viewer may see: a block, either way, hides both from each other.
    A function, so querysets built by the GraphQL optimizer can be narrowed too."""
    queryset = queryset.filter(is_active=True)
    if viewer is None or not viewer.is_authenticated:
        return queryset
    return queryset.exclude(
        Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk")))
        | Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer))
    )


def lists_visible(viewer):
    """Per account, whether the viewer may see its followers and following: a public account's,
    their own, and those of private accounts they follow. An annotation for the account query,
    so deciding costs nothing per account."""
    if viewer is None:
        return Q(is_private=False)
    follows = Exists(Follow.objects.filter(follower_id=viewer.pk, followee=OuterRef("pk")))
    return ExpressionWrapper(Q(is_private=False) | Q(pk=viewer.pk) | Q(follows), output_field=BooleanField())


def lists_hidden(account: User, viewer) -> bool:
    """A private account's followers and following are for itself and its accepted followers.
    An account not loaded with `lists_visible` (a mutation's answer) shows them only to itself."""
    if hasattr(account, "lists_visible_flag"):
        return not account.lists_visible_flag
    return account.is_private and (viewer is None or viewer.pk != account.pk)
