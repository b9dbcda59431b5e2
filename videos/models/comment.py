from django.conf import settings
from django.db import models


class Comment(models.Model):
    """A comment on a video, or a reply to a top-level comment (threads are one level deep)."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="comments")
    # Set for top-level comments only, so "the first comments of each video on a page" is a
    # plain relation the GraphQL optimizer can prefetch.
    top_level_video = models.ForeignKey(
        "videos.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="top_level_comments"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # Empty once its author deleted their account: a comment others answered stays, blanked,
    # so their replies keep their place (accounts.services.account_deletion).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    text = models.TextField()
    reply_count = models.PositiveIntegerField(default=0)
    heart_count = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["top_level_video", "-created_at", "-id"], name="videos_comment_top_level"),
            # "top" order: most hearted, then most answered, then newest
            models.Index(
                fields=["top_level_video", "-heart_count", "-reply_count", "-created_at", "-id"],
                name="videos_comment_top",
            ),
            models.Index(fields=["parent", "-created_at", "-id"], name="videos_comment_replies"),
        ]

    def __str__(self):
        return self.text[:50]


class CommentHeart(models.Model):
    """A viewer hearted a comment: one row per viewer and comment, mirrored by heart_count."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="hearts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="videos_commentheart_unique")]

    def __str__(self):
        return f"{self.user_id} ♥ comment {self.comment_id}"
