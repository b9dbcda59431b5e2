from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoCursorConnection

from platform.graphql.errors import Payload
from platform.graphql.internals import on_the_loop, ordered_relation, orm_when_needed
from platform.graphql.shared_events import SHAREABLE
from platform.graphql.urls import file_url
from platform.graphql.viewer import VIEWER, current_user, viewer_flag

from ..models import Follow, FollowRequest, User
from ..models.user import CommentPolicy
from ..policies import lists_hidden, lists_visible, visible_users
from ..services import mutes
from .video_parts import video_parts as _videos

AccountKind = strawberry.enum(User.Kind, name="AccountKind", description="What kind of account this is.")
CommentPolicyEnum = strawberry.enum(CommentPolicy, name="CommentPolicy", description="Who may comment on a video.")


_viewer_follows = viewer_flag(Follow, follower_id=VIEWER, followee="pk")
_follows_viewer = viewer_flag(Follow, follower="pk", followee_id=VIEWER)


def _lists_visible(info: Info):
    return lists_visible(current_user(info))


def _lists_hidden(root: User, info: Info) -> bool:
    return lists_hidden(root, current_user(info))


_viewer_requested = viewer_flag(FollowRequest, requester_id=VIEWER, target="pk")


def _follow_flag(root: User, annotation: str, info: Info, *, viewer_is_follower: bool) -> bool:
    """Read the flag the optimizer annotated on list queries; objects returned by mutations
    were not loaded through it and cost one query."""
    if hasattr(root, annotation):
        return getattr(root, annotation)
    viewer = current_user(info)
    if viewer is None:
        return False
    pair = {"follower": viewer, "followee": root} if viewer_is_follower else {"follower": root, "followee": viewer}
    return orm_when_needed(Follow.objects.filter(**pair).exists)


# Where suggestedAccounts leaves each account's reason for its suggestionReason.
SUGGESTION_REASONS = "_suggestion_reasons"


def _is_viewer(root: User, info: Info) -> bool:
    viewer = current_user(info)
    return viewer is not None and viewer.pk == root.pk


@strawberry_django.type(User, name="User")
class UserType(relay.Node):
    """A Flywheel account. Accounts that blocked the viewer, or that the viewer blocked, are
    invisible: looking them up returns null."""

    # Strawberry otherwise re-derives the id attribute from type hints on every resolve.
    _id_attr = "pk"

    username: str
    bio: str = strawberry_django.field(description="The profile's text.")
    kind: AccountKind = strawberry_django.field(description="PERSONAL, CREATOR or BRAND.")
    is_verified: bool
    hearts_public: bool = strawberry_django.field(description="Whether others may see the videos it hearted.")
    is_private: bool = strawberry_django.field(
        description="Only accepted followers see its videos and its follower and following lists."
    )

    @strawberry_django.field(
        annotate={"viewer_requested_flag": _viewer_requested},
        description="Whether the viewer asked to follow this private account and awaits an answer.",
    )
    def viewer_requested_follow(self, root: User, info: Info) -> bool:
        if hasattr(root, "viewer_requested_flag"):
            return root.viewer_requested_flag
        viewer = current_user(info)
        return viewer is not None and FollowRequest.objects.filter(requester=viewer, target=root).exists()

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["FollowRequestType", strawberry.lazy("accounts.schema.follow_requests")]],  # noqa: F821
        description="Accounts asking to follow this private one, newest first. Only the account itself sees them.",
    )
    def follow_requests(self, root: User, info: Info) -> QuerySet:
        viewer = current_user(info)
        if viewer is None or viewer.pk != root.pk:
            return FollowRequest.objects.none()
        return FollowRequest.objects.filter(target=root).order_by("-created_at", "-id")

    @strawberry_django.field(
        only=["default_comment_policy"], description="Who may comment on its new videos. Visible to itself only."
    )
    def default_comment_policy(self, root: User, info: Info) -> CommentPolicyEnum | None:
        viewer = current_user(info)
        return CommentPolicy(root.default_comment_policy) if viewer is not None and viewer.pk == root.pk else None

    @strawberry_django.field(only=["email"], description="The account's email address. Visible to itself only.")
    def email(self, root: User, info: Info) -> str | None:
        return root.email if _is_viewer(root, info) else None

    @strawberry_django.field(
        only=["email_verified_at"], description="Whether its address is verified. Visible to itself only."
    )
    def email_verified(self, root: User, info: Info) -> bool | None:
        return root.email_verified if _is_viewer(root, info) else None

    @strawberry_django.field(description="Why it is in suggestedAccounts; null anywhere else.")
    def suggestion_reason(self, root: User, info: Info) -> str | None:
        return getattr(info.context, SUGGESTION_REASONS, {}).get(root.pk)

    follower_count: int = strawberry_django.field(description="Accounts following it.")
    following_count: int = strawberry_django.field(description="Accounts it follows.")
    heart_count: int = strawberry_django.field(description="Hearts received on all videos.")
    date_joined: datetime = strawberry_django.field(description="When the account was made.")

    @strawberry_django.field(
        only=["display_name", "username"],
        description="The name to show; the username when none is set.",
        metadata=SHAREABLE,
    )
    @on_the_loop
    def display_name(self, root: User) -> str:
        return root.name

    @strawberry_django.field(
        only=["avatar"], metadata=SHAREABLE, description="The avatar's signed URL, or null when there is none."
    )
    def avatar_url(self, root: User, info: Info) -> str | None:
        return file_url(info, root.avatar)

    @strawberry_django.field(
        annotate={"viewer_follows_flag": _viewer_follows},
        description="Whether the signed-in viewer follows this account.",
    )
    @on_the_loop
    def viewer_follows(self, root: User, info: Info) -> bool:
        return _follow_flag(root, "viewer_follows_flag", info, viewer_is_follower=True)

    @strawberry_django.field(
        annotate={"follows_viewer_flag": _follows_viewer},
        description="Whether this account follows the signed-in viewer.",
    )
    @on_the_loop
    def follows_viewer(self, root: User, info: Info) -> bool:
        return _follow_flag(root, "follows_viewer_flag", info, viewer_is_follower=False)

    # Relation fields, not resolvers: nested lists of followers load in one query per level.
    followers: DjangoCursorConnection[Annotated["UserType", strawberry.lazy("accounts.schema.types")]] = (
        strawberry_django.connection(
            field_name="followers",
            field_cls=ordered_relation("-following_edges__created_at", "-following_edges__id", hidden=_lists_hidden),
            annotate={"lists_visible_flag": _lists_visible},
            description="Accounts that follow this one, most recent first.",
        )
    )
    following: DjangoCursorConnection[Annotated["UserType", strawberry.lazy("accounts.schema.types")]] = (
        strawberry_django.connection(
            field_name="following",
            field_cls=ordered_relation("-follower_edges__created_at", "-follower_edges__id", hidden=_lists_hidden),
            annotate={"lists_visible_flag": _lists_visible},
            description="Accounts this one follows, most recent first.",
        )
    )

    # The video fields are the videos app's, through the port it provides (video_parts.py).
    @strawberry_django.field(
        annotate={"published_video_count": lambda info: _videos().published_video_count(current_user(info))},
        description="Published videos by this account that the viewer may see.",
    )
    def video_count(self, root: User, info: Info) -> int:
        if hasattr(root, "published_video_count"):
            return root.published_video_count
        return _videos().published_videos_of(root, current_user(info)).count()

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["VideoType", strawberry.lazy("videos.schema.types")]],  # noqa: F821
        description="This account's videos the viewer may see, newest first.",
    )
    def videos(self, root: User) -> QuerySet:
        return _videos().videos_of(root)

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["SavedVideoType", strawberry.lazy("videos.schema.types")]],  # noqa: F821
        description="Videos this account saved, newest first. Private: empty for anyone but the account itself.",
    )
    def saved_videos(self, root: User, info: Info) -> QuerySet:
        return _videos().saved_by(root, current_user(info))

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["CollectionType", strawberry.lazy("videos.schema.collections")]],  # noqa: F821
        description="Its named collections of saved videos, newest first. Private: empty for anyone else.",
    )
    def collections(self, root: User, info: Info) -> QuerySet:
        return _videos().collections_of(root, current_user(info))

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["HeartedVideoType", strawberry.lazy("videos.schema.types")]],  # noqa: F821
        description="Videos this account hearted, newest first (its liked tab): empty for others unless "
        "heartsPublic, and only videos the viewer may see.",
    )
    def hearted_videos(self, root: User, info: Info) -> QuerySet:
        return _videos().hearted_by(root, current_user(info))

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["MutedAccountType", strawberry.lazy("accounts.schema.mutes")]],  # noqa: F821
        description="Accounts this one muted, newest first. Private: empty for anyone but the account itself.",
    )
    def muted_accounts(self, root: User, info: Info) -> QuerySet:
        return mutes.muted_accounts(root, current_user(info))

    @classmethod
    def get_queryset(cls, queryset: QuerySet[User], info: Info, **kwargs) -> QuerySet[User]:
        return visible_users(queryset, current_user(info))


@strawberry.type(description="What register and login answer: the account and a bearer token, or why not.")
class AuthPayload(Payload):
    token: str | None = strawberry.field(default=None, description="Bearer token for apps; shown only once.")
    token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the bearer token stops working (ACCESS_TOKEN_TTL_DAYS after it was issued)."
    )
    user: UserType | None = strawberry.field(
        default=None, description="The signed-in account; null when errors is not empty."
    )


@strawberry.type(description="What logout answers.")
class LogoutPayload(Payload):
    ok: bool = strawberry.field(default=False, description="True once this session or bearer token is signed out.")


@strawberry.type(
    description="What a mutation about an account answers: the account as it now is, or why nothing changed."
)
class UserPayload(Payload):
    user: UserType | None = strawberry.field(
        default=None, description="The account after the change; null when errors is not empty."
    )


@strawberry.type(description="What follow and unfollow answer.")
class FollowPayload(Payload):
    user: UserType | None = strawberry.field(default=None, description="The account followed or unfollowed.")
    requested: bool = strawberry.field(
        default=False, description="True when the account is private: a request now awaits its answer."
    )
    viewer: UserType | None = strawberry.field(default=None, description="The signed-in account, with new counts.")


@strawberry.type(description="What block and unblock answer.")
class BlockPayload(Payload):
    user: UserType | None = strawberry.field(default=None, description="The account blocked or unblocked.")
