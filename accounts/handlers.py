"""What the accounts app does on its own announcements (platform.events) once they commit."""

from platform.events import subscribe
from platform.live_publish import publish_account_deactivated

from .events import AccountsDeactivated


@subscribe(AccountsDeactivated, after_commit=True)
def _close_their_connections(event: AccountsDeactivated) -> None:
    for user_id in event.user_ids:
        publish_account_deactivated(user_id)
