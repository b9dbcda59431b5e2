"""Live notifications: an event on the recipient's own group of the channel layer (the group
their open connections already listen to), after the notification commits."""

from typing import Literal, TypedDict

from platform import live_schema
from videos import live as channel

NOTIFICATION = "notification.added"


class NotificationAdded(TypedDict):
    type: Literal["notification.added"]
    group_id: int


live_schema.declare(NOTIFICATION, NotificationAdded)


def publish_notification(recipient_id: int, group_id: int) -> None:
    channel.send_to_viewer(recipient_id, {"type": NOTIFICATION, "group_id": group_id})
