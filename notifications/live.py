"""Live notifications: an event on the recipient's own group of the channel layer (the group
their open connections already listen to), after the notification commits."""

from videos import live as channel

NOTIFICATION = "notification.added"


def publish_notification(recipient_id: int, group_id: int) -> None:
    channel.send_to_viewer(recipient_id, {"type": NOTIFICATION, "group_id": group_id})
