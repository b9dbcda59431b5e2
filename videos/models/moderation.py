from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class PolicyTerm(models.Model):
    """A word or hashtag that sends a video to human review instead of publishing it."""

    class Kind(models.TextChoices):
        TERM = "TERM", "Word or phrase in the caption"
        HASHTAG = "HASHTAG", "Hashtag"

    term = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TERM)
    note = models.CharField(max_length=200, blank=True, help_text="Why this term needs review.")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("term"), "kind", name="videos_policyterm_unique")]

    def __str__(self):
        return f"#{self.term}" if self.kind == self.Kind.HASHTAG else self.term


class ModerationDecision(models.Model):
    """The audit trail: every state a video was put in, by the pipeline or by a person."""

    class Action(models.TextChoices):
        PUBLISHED = "PUBLISHED", "Published by the pipeline"
        SENT_TO_REVIEW = "SENT_TO_REVIEW", "Sent to human review"
        AUTO_REJECTED = "AUTO_REJECTED", "Rejected by the quality gate"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Rejected"
        REMOVED = "REMOVED", "Removed"
        EDITED = "EDITED", "Edited by the author"

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the pipeline decided.",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["video", "-created_at"], name="videos_decision_video"),
            # the admin dashboard: decisions of a kind over the last days
            models.Index(fields=["action", "created_at"], name="videos_decision_action_day"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.video_id})"


class Report(models.Model):
    """Someone flagged a video, a comment or an account for the moderators."""

    class Reason(models.TextChoices):
        SPAM = "SPAM", "Spam or scam"
        NUDITY = "NUDITY", "Nudity or sexual content"
        VIOLENCE = "VIOLENCE", "Violence or dangerous acts"
        HARASSMENT = "HARASSMENT", "Harassment or bullying"
        HATE = "HATE", "Hate speech"
        SELF_HARM = "SELF_HARM", "Suicide or self-harm"
        MISINFORMATION = "MISINFORMATION", "Misinformation"
        INTELLECTUAL_PROPERTY = "INTELLECTUAL_PROPERTY", "Copyright or trademark"
        OTHER = "OTHER", "Something else"

    class Status(models.TextChoices):
        OPEN = "OPEN", "Open"
        ACTIONED = "ACTIONED", "Actioned"
        DISMISSED = "DISMISSED", "Dismissed"

    # An erased reporter's reports stay in the moderators' queue, no longer linked to anyone:
    # what was reported still needs a look.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    video = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        "videos.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="reports_received"
    )
    reason = models.CharField(max_length=24, choices=Reason.choices)
    details = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(video__isnull=False, comment__isnull=True, account__isnull=True)
                    | Q(video__isnull=True, comment__isnull=False, account__isnull=True)
                    | Q(video__isnull=True, comment__isnull=True, account__isnull=False)
                ),
                name="videos_report_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="videos_report_queue"),
            models.Index(fields=["reporter", "-created_at"], name="videos_report_reporter"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.subject}"

    @property
    def subject(self):
        return self.video or self.comment or self.account
