from django.core.management.base import BaseCommand

from accounts.services.data_export import purge_expired


class Command(BaseCommand):
    help = "Delete data exports whose download link has expired, with their files (run daily from cron)."

    def handle(self, *args, **options):
        removed = purge_expired()
        self.stdout.write(f"Removed {removed} expired export{'s' if removed != 1 else ''}.")
