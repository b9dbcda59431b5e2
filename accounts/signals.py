"""What other apps may want to hear about accounts, without accounts knowing who listens."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import User

# Sent with `user_ids` when accounts are deactivated (by a save or by the admin's bulk action):
# live connections of those accounts must end at once. (Their tokens are revoked by the
# database itself, however the deactivation happens: migration 0004.)
accounts_deactivated = Signal()

# Sent with `blocker` and `blocked` inside the transaction that makes a block: what passed
# between the two accounts goes with it (their notifications of each other).
account_blocked = Signal()

# Sent with `requester` and `target` when a private account accepts a follow request.
follow_request_accepted = Signal()

# Sent with `user` inside the transaction that erases a deleted account, before its row goes:
# each app removes or anonymises its rows of that account and keeps its counters on other
# accounts and videos exact (what the row's cascade alone would leave wrong).
account_purging = Signal()

# Sent with `user` while their data export is built: each receiver returns an
# accounts.services.data_export.ExportPart with its app's records and files of that account.
account_data_requested = Signal()


@receiver(post_save, sender=User, dispatch_uid="accounts.deactivated_by_save")
def _deactivated_by_save(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if not created and not instance.is_active and (update_fields is None or "is_active" in update_fields):
        accounts_deactivated.send(sender=User, user_ids=[instance.pk])
