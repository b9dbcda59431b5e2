from django.db import models
from django.db.models import F, Q


class FollowRequest(models.Model):
    """`requester` asked to follow the private account `target`, which has not answered yet."""

    requester = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="follow_requests_made")
    target = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="follow_requests_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="accounts_followrequest_unique"),
            models.CheckConstraint(condition=~Q(requester=F("target")), name="accounts_followrequest_not_self"),
        ]
        indexes = [models.Index(fields=["target", "-created_at", "-id"], name="accounts_followrequest_inbox")]

    def __str__(self):
        return f"{self.requester_id} asks to follow {self.target_id}"
