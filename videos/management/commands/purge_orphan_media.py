from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from videos.models import Video
from videos.services.media_trash import awaiting
from videos.services.playback import ROOT, delete_files

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Delete rendition folders no video records (left by a worker killed between storing an encode and "
        "recording it). Folders younger than --min-age-minutes are left alone: their encode may still be about "
        "to be recorded; so are a deleted video's, which wait out their grace period (purge_discarded_media)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-age-minutes", type=int, default=120)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, min_age_minutes: int, dry_run: bool, **options):
        cutoff = timezone.now() - timedelta(minutes=min_age_minutes)
        video_folders = default_storage.listdir(ROOT)[0] if default_storage.exists(ROOT) else []
        removed = 0
        numbered = [name for name in video_folders if name.isdigit()]
        for chunk in (numbered[start : start + BATCH] for start in range(0, len(numbered), BATCH)):
            rows = Video.objects.filter(pk__in=[int(name) for name in chunk]).values_list("pk", "playback__folder")
            recorded = {folder for _, folder in rows}
            for video_folder in chunk:
                for encode in default_storage.listdir(f"{ROOT}/{video_folder}")[0]:
                    folder = f"{ROOT}/{video_folder}/{encode}"
                    files = [f"{folder}/{name}" for name in default_storage.listdir(folder)[1]]
                    if folder in recorded or any(default_storage.get_modified_time(f) > cutoff for f in files):
                        continue
                    if files and awaiting(files[0]):
                        continue
                    removed += 1
                    self.stdout.write(f"{'would remove' if dry_run else 'removing'} {folder} ({len(files)} files)")
                    if not dry_run:
                        delete_files(files)
        self.stdout.write(f"{removed} orphaned rendition folder{'s' if removed != 1 else ''}.")
