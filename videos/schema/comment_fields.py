"""Pieces of the Video and Comment types about comment controls: annotations the optimizer adds
to list queries, and the per-request set of accounts whose comments the viewer must not see."""

import contextlib

from django.db.models import Exists, OuterRef, Value
from strawberry import Info

from accounts.models import Follow
from accounts.services.mutes import muted_by
from accounts.services.social_graph import blocked_either_way
from platform.graphql.viewer import current_user

from ..models import CommentHeart


def viewer_hearted_comment(info: Info):
    viewer = current_user(info)
    if viewer is None:
        return Value(False)
    return Exists(CommentHeart.objects.filter(user_id=viewer.pk, comment=OuterRef("pk")))


def viewer_follows_author(info: Info):
    viewer = current_user(info)
    if viewer is None:
        return Value(False)
    return Exists(Follow.objects.filter(follower_id=viewer.pk, followee=OuterRef("author")))


def hidden_authors(info: Info) -> set[int]:
    """Accounts on either side of a block with the viewer, and those they muted: computed once
    per request."""
    context = info.context
    hidden = getattr(context, "_hidden_comment_authors", None)
    if hidden is None:
        viewer = current_user(info)
        hidden = blocked_either_way(viewer) | muted_by(viewer)
        with contextlib.suppress(AttributeError):  # a context taking no attributes: computed each time
            context._hidden_comment_authors = hidden
    return hidden
