"""Writing and taking back notifications. Called from the handlers of other apps' events
(notifications.handlers), inside the transaction that made the change, so a notification exists
exactly when its cause does."""

import functools

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services.relations import relations_between

from . import live, policies
from .models import Kind, Notification, NotificationGroup, NotificationSettings

# The event and its group in one statement, when the recipient wants it (the notification
# policy's rule): the group is created or bumped, then the event row points at it.
_RECORD = """
WITH wanted AS ({wanted}), grouped AS (
    INSERT INTO {groups}
        (recipient_id, kind, key, count, latest_actor_id, video_id, comment_id, text, latest_at)
    SELECT id, %(kind)s, %(key)s, 1, %(actor)s, %(video)s, %(comment)s, %(text)s, %(now)s FROM wanted
    ON CONFLICT (recipient_id, key) DO UPDATE SET
        count = {groups}.count + 1,
        latest_actor_id = coalesce(excluded.latest_actor_id, {groups}.latest_actor_id),
        text = excluded.text,
        latest_at = excluded.latest_at
    RETURNING id
)
INSERT INTO {events} (group_id, actor_id, created_at)
SELECT id, %(actor)s, %(now)s FROM grouped
RETURNING group_id
"""


@functools.cache
def _record_sql() -> str:
    tables = {"users": User, "settings": NotificationSettings, "groups": NotificationGroup, "events": Notification}
    names = {name: model._meta.db_table for name, model in tables.items()}
    return _RECORD.format(wanted=policies.WANTS_KIND.format(**names), **names)


def settings_of(user_id: int) -> NotificationSettings:
    return NotificationSettings.objects.filter(user_id=user_id).first() or NotificationSettings(user_id=user_id)


def notify(recipient_id: int, kind: str, key: str, *, actor_id=None, video_id=None, comment_id=None, text="") -> None:
    """Record one event for `recipient_id`, folded into the group `key`, and tell their open
    connections once it commits. Nothing when they turned the kind off, the actor is
    themselves, deactivated, blocked or muted, or a stranger to someone who hears only from
    people they follow."""
    follows = True  # a notification about no one's action (a review) reaches everyone who wants it
    if actor_id is not None:
        if actor_id == recipient_id:
            return  # self-actions never notify
        known = relations_between(recipient_id, actor_id)  # the accounts' own statement, compiled once
        if not policies.hears_from(known, actor_id):
            return
        follows = actor_id in known.follows
    with connection.cursor() as cursor:
        cursor.execute(
            _record_sql(),
            {
                "follows": follows,
                "recipient": recipient_id,
                "kind": kind,
                "key": key,
                "actor": actor_id,
                "video": video_id,
                "comment": comment_id,
                "text": text,
                "now": timezone.now(),
            },
        )
        recorded = cursor.fetchone()
    if recorded is None:
        return  # not wanted
    group_id = recorded[0]
    transaction.on_commit(lambda: live.publish_notification(recipient_id, group_id))


@transaction.atomic
def retract(recipient_id: int, key: str, actor_id: int) -> None:
    """Take back `actor_id`'s latest event in the group if its recipient has not looked since
    it happened (a heart removed at once leaves nothing); a seen one stays, as it was seen."""
    group = NotificationGroup.objects.select_for_update().filter(recipient_id=recipient_id, key=key).first()
    if group is None:
        return
    event = Notification.objects.filter(group=group, actor_id=actor_id).order_by("-created_at", "-id").first()
    read_up_to = settings_of(recipient_id).read_up_to
    if event is None or (read_up_to is not None and event.created_at <= read_up_to):
        return
    event.delete()
    latest = Notification.objects.filter(group=group).order_by("-created_at", "-id").first()
    if latest is None:
        group.delete()
        return
    group.count -= 1
    group.latest_actor_id, group.latest_at = latest.actor_id, latest.created_at
    group.save(update_fields=["count", "latest_actor", "latest_at"])


def forget_actor(actor_id: int, *, recipient_id: int | None = None) -> None:
    """An account's events leave every group they were in (an erased account's), or every
    group of one recipient (one who blocked them, or whom they blocked); each group is
    recounted ("mia and 12 others" becomes "mia and 11 others"), and one left empty goes."""
    events = Notification.objects.filter(actor_id=actor_id)
    if recipient_id is not None:
        events = events.filter(group__recipient_id=recipient_id)
    group_ids = set(events.values_list("group", flat=True))
    events.delete()
    for group in NotificationGroup.objects.select_for_update().filter(pk__in=group_ids).order_by("pk"):
        latest = group.events.order_by("-created_at", "-id").first()
        if latest is None:
            group.delete()
            continue
        group.count = group.events.count()
        group.latest_actor_id, group.latest_at = latest.actor_id, latest.created_at
        group.save(update_fields=["count", "latest_actor", "latest_at"])


@transaction.atomic
def mark_read(user, up_to) -> NotificationSettings:
    """Everything up to `up_to` (never later than now) counts as read."""
    up_to = min(up_to, timezone.now()) if up_to else timezone.now()
    preferences, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    if preferences.read_up_to is None or up_to > preferences.read_up_to:
        preferences.read_up_to = up_to
        preferences.save(update_fields=["read_up_to"])
    return preferences


def update_settings(user, *, off_kinds=None, only_from_following=None) -> NotificationSettings:
    preferences, _ = NotificationSettings.objects.get_or_create(user=user)
    if off_kinds is not None:
        preferences.off_kinds = sorted({Kind(kind).value for kind in off_kinds})
    if only_from_following is not None:
        preferences.only_from_following = only_from_following
    preferences.save()
    return preferences
