"""The kernel's own tables: what the GraphQL layer needs whatever app a mutation belongs to, and
the task workers' heartbeats."""

from django.db import models


class IdempotentRequest(models.Model):
    """A mutation a client sent with its own idempotency key, and what it returned. Sent again
    (a retry on a flaky network), the mutation is not run: this row answers for it. Rows are
    kept IDEMPOTENCY_KEY_HOURS, long enough for any client's retries."""

    actor = models.CharField(max_length=48, help_text="u:<user id>, or s:<session key> for anonymous viewers.")
    key = models.CharField(max_length=64)
    operation = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the operation's input.")
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # the table it had in accounts, where it lived before the kernel had models (#23)
        db_table = "accounts_idempotentrequest"
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="accounts_idempotentrequest_once")]

    def __str__(self):
        return f"{self.actor} {self.operation} {self.key}"

    @classmethod
    def forget_before(cls, cutoff) -> int:
        """Delete keys older than `cutoff`: no client retries that late. Returns how many."""
        return cls.objects.filter(created_at__lt=cutoff).delete()[0]


class WorkerHeartbeat(models.Model):
    """When each task worker last said it was alive: a task whose worker has been silent longer
    than the lease is taken up again (platform.worker)."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        db_table = "videos_workerheartbeat"  # the table it had in videos, before the kernel had the worker (#23)

    def __str__(self):
        return f"{self.worker_id} seen {self.seen_at:%H:%M:%S}"
