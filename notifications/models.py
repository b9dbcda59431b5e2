"""Notifications: one row per event (`Notification`), folded into the group a person reads
(`NotificationGroup`: "mia and 12 others hearted your video"), so reading a page is one
indexed query however many events there were."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class Kind(models.TextChoices):
    FOLLOW = "FOLLOW", "New follower"
    FOLLOW_REQUEST = "FOLLOW_REQUEST", "Request to follow your private account"
    FOLLOW_ACCEPTED = "FOLLOW_ACCEPTED", "Your follow request was accepted"
    HEART = "HEART", "Heart on your video"
    COMMENT = "COMMENT", "Comment on your video"
    REPLY = "REPLY", "Reply to your comment"
    MENTION = "MENTION", "Mention in a caption or comment"
    COMMENT_HEART = "COMMENT_HEART", "Heart on your comment"
    REVIEW = "REVIEW", "Your upload's review result"
    POOL = "POOL", "Your video reached a bigger audience"
    REPORT = "REPORT", "A moderator's decision on your report"


class NotificationGroup(models.Model):
    """What a person sees as one line: every event with the same `key` (hearts on one video,
    followers of one day), the newest first. Kept in step with its events by the services."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=80)
    count = models.PositiveIntegerField(default=0)
    latest_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    video = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("videos.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True, help_text="The latest event's words (a review result, a decision).")
    latest_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notifications_group_key")]
        indexes = [models.Index(fields=["recipient", "-latest_at", "-id"], name="notifications_group_recent")]

    def __str__(self):
        return f"{self.recipient_id}: {self.key} ×{self.count}"


class Notification(models.Model):
    """One event, for the record and so it can be taken back (a heart removed before anyone
    looked leaves nothing)."""

    group = models.ForeignKey(NotificationGroup, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["group", "-created_at", "-id"], name="notifications_event_group")]

    def __str__(self):
        return f"{self.group_id} by {self.actor_id}"


class NotificationSettings(models.Model):
    """A person's choices: kinds they do not want in the app, read watermark, and whether only
    accounts they follow may notify them (Mastodon's filter of strangers)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="notification_settings"
    )
    off_kinds = ArrayField(models.CharField(max_length=16, choices=Kind.choices), default=list, blank=True)
    only_from_following = models.BooleanField(default=False)
    read_up_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "notification settings"

    def __str__(self):
        return f"notification settings of {self.user_id}"
