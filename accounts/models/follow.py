from django.db import models
from django.db.models import F, Q


class Follow(models.Model):
    """`follower` sees `followee`'s posts in their following feed."""

    follower = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="following_edges")
    followee = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="follower_edges")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="accounts_follow_unique"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="accounts_follow_not_self"),
        ]
        indexes = [
            # followers / following pages, newest first
            models.Index(fields=["followee", "-created_at", "-id"], name="accounts_follow_followers"),
            models.Index(fields=["follower", "-created_at", "-id"], name="accounts_follow_following"),
        ]

    def __str__(self):
        return f"{self.follower_id} → {self.followee_id}"
