"""Publishing on the live channel layer (in-memory, or Redis across server processes), and the
one group every signed-in connection listens to: its account's. The apps publish their own
events (videos.live: comments; notifications.live) through `send`; the kernel owns the account
group because the websocket consumer itself closes an account's connections when it is
deactivated."""

import logging
from typing import Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from . import live_schema

logger = logging.getLogger(__name__)

ACCOUNT_DEACTIVATED = "account.deactivated"


class AccountDeactivated(TypedDict):
    type: Literal["account.deactivated"]


live_schema.declare(ACCOUNT_DEACTIVATED, AccountDeactivated)


def viewer_group(user_id) -> str:
    """Events about one account that its open connections and subscriptions must act on."""
    return f"live-viewer-{user_id}"


def send(group: str, event: dict) -> None:
    """Check `event` against its declared schema and send it to `group`. A failing channel
    layer must not fail the request that already committed its change: logged, not raised."""
    try:
        live_schema.check(event)
        # the group travels with the event: each process's hub routes by it
        async_to_sync(get_channel_layer().group_send)(group, {**event, "group": group})
    except Exception:
        logger.exception("could not publish %s to %s", event["type"], group)


def publish_account_deactivated(user_id) -> None:
    """The account's open connections must close: it may no longer use the platform."""
    send(viewer_group(user_id), {"type": ACCOUNT_DEACTIVATED})
