"""Mutations about owning an account: its email address and its password."""

import hashlib
from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.errors import MUTATION_INPUT, OkPayload, Payload, collect_user_errors
from platform.graphql.viewer import rate_limit, require_user

from ..services import account_deletion, data_export, email_address, passwords
from .types import UserPayload


@strawberry.input(description="The token from a link in an email, as it appears in the link or decoded.")
class TokenInput:
    token: str = strawberry.field(description="The token from the link in the email.")


@strawberry.input(description="A new address for the account; it takes effect once the link sent there is opened.")
class ChangeEmailInput:
    new_email: str = strawberry.field(description="The new address.")
    password: str = strawberry.field(description="The current password: changing the address needs it.")


@strawberry.input(description="The current password and the new one.")
class ChangePasswordInput:
    old_password: str = strawberry.field(description="The account's current password.")
    new_password: str = strawberry.field(description="The new password (Django's password validators apply).")


@strawberry.input(description="The address of the account whose password to reset.")
class RequestPasswordResetInput:
    email: str = strawberry.field(
        description="The account's address; the answer is the same whether or not one has it."
    )


@strawberry.input(description="The password, confirming the account's owner asks.")
class DeleteAccountInput:
    password: str = strawberry.field(description="The current password: deleting the account needs it.")


@strawberry.type(description="What deleteAccount answers: when the account will be erased, or why nothing changed.")
class AccountDeletionPayload(Payload):
    deletion_due_at: datetime | None = strawberry.field(
        default=None, description="When the account will be erased; signing in before then keeps it."
    )


@strawberry.input(description="The uid and token from the reset link, and the new password.")
class ResetPasswordInput:
    uid: str = strawberry.field(description="The uid from the link in the email.")
    token: str = strawberry.field(description="The token from the link in the email.")
    new_password: str = strawberry.field(description="The new password (Django's password validators apply).")


def _mailbox(address: str) -> str:
    """How an address is counted against its own limit (never stored in the clear)."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


@strawberry.type
class AccountSecurityMutation:
    @strawberry_django.mutation(description="Prove the account's email address with the token from the email.")
    def verify_email(self, info: Info, input: Annotated[TokenInput, MUTATION_INPUT]) -> UserPayload:
        with collect_user_errors() as failure:
            rate_limit(info, "password")
            return UserPayload(user=email_address.verify_email(input.token))
        return UserPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Send the verify-your-address email again.")
    def resend_verification_email(self, info: Info) -> OkPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "verify your email address")
            rate_limit(info, "email", target=_mailbox(viewer.email))
            email_address.send_verification(viewer)
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Move the account to another address: that address gets a link to confirm; "
        "nothing changes until it is used."
    )
    def change_email(self, info: Info, input: Annotated[ChangeEmailInput, MUTATION_INPUT]) -> OkPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "change your email address")
            rate_limit(info, "password")
            rate_limit(info, "email", target=_mailbox(input.new_email))
            email_address.request_email_change(viewer, password=input.password, new_email=input.new_email)
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Confirm a new email address with the token sent to it.")
    def confirm_email_change(self, info: Info, input: Annotated[TokenInput, MUTATION_INPUT]) -> UserPayload:
        with collect_user_errors() as failure:
            rate_limit(info, "password")
            return UserPayload(user=email_address.confirm_email_change(input.token))
        return UserPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Change the password. Every other device and token is signed out; this one stays."
    )
    def change_password(self, info: Info, input: Annotated[ChangePasswordInput, MUTATION_INPUT]) -> OkPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "change your password")
            rate_limit(info, "password")
            passwords.change_password(
                info.context.request, viewer, old_password=input.old_password, new_password=input.new_password
            )
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Email a password-reset link. The answer is the same whether or not the address has an account."
    )
    def request_password_reset(
        self, info: Info, input: Annotated[RequestPasswordResetInput, MUTATION_INPUT]
    ) -> OkPayload:
        with collect_user_errors() as failure:
            rate_limit(info, "email", target=_mailbox(input.email))
            passwords.request_reset(input.email)
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Set a new password with the uid and token from the reset email.")
    def reset_password(self, info: Info, input: Annotated[ResetPasswordInput, MUTATION_INPUT]) -> OkPayload:
        with collect_user_errors() as failure:
            rate_limit(info, "password")
            passwords.reset_password(uid=input.uid, token=input.token, new_password=input.new_password)
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Delete the signed-in account: it is hidden and signed out at once, and erased with its "
        "videos, comments and hearts after the grace period. Signing in before then keeps it."
    )
    def delete_account(
        self, info: Info, input: Annotated[DeleteAccountInput, MUTATION_INPUT]
    ) -> AccountDeletionPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "delete your account")
            rate_limit(info, "password")
            due = account_deletion.request_deletion(info.context.request, viewer, password=input.password)
            return AccountDeletionPayload(deletion_due_at=due)
        return AccountDeletionPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Build a ZIP of your profile, follows, videos (with their files), comments, hearts, watch "
        "history and reports, and email you a link to it (valid DATA_EXPORT_LINK_DAYS). At most twice a day."
    )
    def request_data_export(self, info: Info) -> OkPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "export your data")
            rate_limit(info, "export")
            data_export.request_export(viewer)
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)
