from django.db import models
from django.db.models import F, Q


class Block(models.Model):
    """`blocker` no longer wants anything to do with `blocked`; each is hidden from the other."""

    blocker = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="accounts_block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="accounts_block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="accounts_block_reverse")]

    def __str__(self):
        return f"{self.blocker_id} ⊘ {self.blocked_id}"
