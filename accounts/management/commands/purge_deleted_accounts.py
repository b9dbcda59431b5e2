from django.core.management.base import BaseCommand

from accounts.services.account_deletion import erase_due_accounts


class Command(BaseCommand):
    help = (
        "Erase every account whose deletion grace period is over. Each deletion queues its own "
        "erasure on the task queue; this catches any that was lost (run it daily from cron)."
    )

    def handle(self, *args, **options):
        erased = erase_due_accounts()
        self.stdout.write(f"Erased {erased} account{'s' if erased != 1 else ''}.")
