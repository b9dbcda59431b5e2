from typing import Annotated

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from strawberry import Info
from strawberry.file_uploads import Upload

from platform.graphql.errors import MUTATION_INPUT, collect_user_errors
from platform.graphql.idempotency import idempotency_key_field, idempotent
from platform.graphql.ids import decode_global_id
from platform.graphql.viewer import rate_limit, require_user

from ..models import User
from ..services import profiles, sessions, social_graph, tokens
from .types import AccountKind, AuthPayload, BlockPayload, CommentPolicyEnum, FollowPayload, LogoutPayload, UserPayload


@strawberry.input(description="A new account.")
class RegisterInput:
    username: str = strawberry.field(
        description="3 to 30 letters, digits, dots and underscores; unique, case-insensitively."
    )
    email: str = strawberry.field(description="The account's address; a link to verify it is sent there.")
    password: str = strawberry.field(description="The password (Django's password validators apply).")
    kind: AccountKind = strawberry.field(
        default=AccountKind.PERSONAL,
        description="PERSONAL, CREATOR or BRAND; brand accounts' videos are down-weighted in For You.",
    )
    display_name: str = strawberry.field(default="", description="The name shown on the profile, up to 50 characters.")


@strawberry.input(description="An identifier (username or email) and the password.")
class LoginInput:
    username: str = strawberry.field(description="The username or the email address.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="Profile fields to change; fields left out stay as they are.")
class UpdateProfileInput:
    display_name: str | None = strawberry.field(
        default=None, description="The name shown on the profile, up to 50 characters."
    )
    bio: str | None = strawberry.field(default=None, description="The profile's text, up to 300 characters.")
    kind: AccountKind | None = strawberry.field(default=None, description="PERSONAL or CREATOR.")
    avatar: Upload | None = strawberry.field(default=None, description="An image, sent as a multipart upload.")
    remove_avatar: bool = strawberry.field(
        default=False, description="True to remove the avatar (ignored when a new one is sent)."
    )
    hearts_public: bool | None = strawberry.field(
        default=None, description="Let others see the videos you hearted (your liked tab)."
    )
    default_comment_policy: CommentPolicyEnum | None = strawberry.field(
        default=None, description="Who may comment on your new videos (each video can still change it)."
    )
    is_private: bool | None = strawberry.field(
        default=None,
        description="Private: only followers you accept see your videos and lists. Going public accepts every "
        "waiting request.",
    )


@strawberry.input(description="The account to follow or unfollow.")
class FollowInput:
    user_id: strawberry.ID = strawberry.field(description="The account's global ID.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="The account to block or unblock.")
class BlockInput:
    user_id: strawberry.ID = strawberry.field(description="The account's global ID.")


def target_user(user_id: str) -> User:
    pk = decode_global_id(user_id, "User", "user_id")
    try:
        return User.objects.get(pk=pk, is_active=True)
    except (User.DoesNotExist, ValueError):
        raise ValidationError({"user_id": ValidationError("No such account.", code="not_found")}) from None


def _act_on_account(info: Info, user_id: str, verb, action: str) -> tuple[User, User]:
    """Run a social-graph verb from the signed-in viewer on the account `user_id` names."""
    viewer = require_user(info, action)
    rate_limit(info, "follow")
    target = target_user(user_id)
    verb(viewer, target)
    return viewer, target


def _signed_in(info: Info, user: User) -> None:
    # The session now belongs to this user; the rest of the response should see them.
    info.context.request.user = user


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Create an account and sign in.")
    def register(self, info: Info, input: Annotated[RegisterInput, MUTATION_INPUT]) -> AuthPayload:
        with collect_user_errors() as failure:
            rate_limit(info, "register")
            user = profiles.register(
                username=input.username,
                email=input.email,
                password=input.password,
                kind=input.kind.value,
                display_name=input.display_name,
            )
            raw, token = sessions.start_session(info.context.request, user)
            _signed_in(info, user)
            return AuthPayload(token=raw, token_expires_at=token.expires_at, user=user)
        return AuthPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Sign in: sets the session cookie and returns a bearer token.")
    def login(self, info: Info, input: Annotated[LoginInput, MUTATION_INPUT]) -> AuthPayload:
        with collect_user_errors() as failure:
            user, raw, token = sessions.sign_in(
                info.context.request, identifier=input.username, password=input.password
            )
            _signed_in(info, user)
            return AuthPayload(token=raw, token_expires_at=token.expires_at, user=user)
        return AuthPayload(errors=failure.errors)

    @strawberry_django.mutation(description="End the session and revoke the bearer token used, if any.")
    def logout(self, info: Info) -> LogoutPayload:
        with collect_user_errors() as failure:
            require_user(info, "sign out")
            tokens.sign_out(info.context.request)
            return LogoutPayload(ok=True)
        return LogoutPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Change the signed-in account's profile.")
    def update_profile(self, info: Info, input: Annotated[UpdateProfileInput, MUTATION_INPUT]) -> UserPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "edit your profile")
            rate_limit(info, "profile")
            user = profiles.update_profile(
                viewer,
                display_name=input.display_name,
                bio=input.bio,
                kind=input.kind.value if input.kind else None,
                avatar=input.avatar,
                remove_avatar=input.remove_avatar,
                hearts_public=input.hearts_public,
                default_comment_policy=input.default_comment_policy.value if input.default_comment_policy else None,
                is_private=input.is_private,
            )
            return UserPayload(user=user)
        return UserPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Follow an account, or ask to follow a private one (then `requested` is true). Idempotent."
    )
    @idempotent
    def follow(self, info: Info, input: Annotated[FollowInput, MUTATION_INPUT]) -> FollowPayload:
        with collect_user_errors() as failure:
            viewer, target = _act_on_account(info, input.user_id, social_graph.follow, "follow accounts")
            requested = social_graph.request_pending(viewer, target)
            return FollowPayload(user=_fresh(target), viewer=_fresh(viewer), requested=requested)
        return FollowPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Stop following an account, or withdraw a request to follow it. Idempotent."
    )
    @idempotent
    def unfollow(self, info: Info, input: Annotated[FollowInput, MUTATION_INPUT]) -> FollowPayload:
        with collect_user_errors() as failure:
            viewer, target = _act_on_account(info, input.user_id, social_graph.unfollow, "unfollow accounts")
            return FollowPayload(user=_fresh(target), viewer=_fresh(viewer))
        return FollowPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Block an account: removes follows both ways and hides each from the other."
    )
    def block(self, info: Info, input: Annotated[BlockInput, MUTATION_INPUT]) -> BlockPayload:
        with collect_user_errors() as failure:
            _, target = _act_on_account(info, input.user_id, social_graph.block, "block accounts")
            return BlockPayload(user=_fresh(target))
        return BlockPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Lift a block you made.")
    def unblock(self, info: Info, input: Annotated[BlockInput, MUTATION_INPUT]) -> BlockPayload:
        with collect_user_errors() as failure:
            _, target = _act_on_account(info, input.user_id, social_graph.unblock, "unblock accounts")
            return BlockPayload(user=_fresh(target))
        return BlockPayload(errors=failure.errors)


def _fresh(user: User) -> User:
    """Re-read counters that the service changed with F() expressions."""
    user.refresh_from_db(fields=["follower_count", "following_count"])
    return user
