from django.core.management.base import BaseCommand

from videos.services.media_trash import purge_due


class Command(BaseCommand):
    help = (
        "Delete the files of deleted videos whose grace period (VIDEO_FILE_GRACE_HOURS) has passed. Each "
        "deletion queues its own task for that moment; run this daily from cron to finish any task that was lost."
    )

    def handle(self, *args, **options):
        purged = purge_due()
        self.stdout.write(f"{purged} deleted video{'s' if purged != 1 else ''}' files removed.")
