from django.core.management.base import BaseCommand

from videos.models import Video
from videos.services.playback import TranscodeFailed, encode_missing


class Command(BaseCommand):
    help = "Make the renditions (HLS ladder, MP4) of published videos that have none, e.g. after an upgrade."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many videos")

    def handle(self, *args, limit=None, **options):
        pending = Video.objects.filter(status=Video.Status.PUBLISHED, playback__isnull=True).exclude(file="")
        ids = list(pending.order_by("-published_at").values_list("pk", flat=True)[:limit])
        made = failed = 0
        for n, pk in enumerate(ids, 1):
            try:
                made += encode_missing(pk)
            except TranscodeFailed as exc:
                failed += 1
                self.stderr.write(f"video {pk}: {exc}")
            self.stdout.write(f"\r{n}/{len(ids)} videos", ending="")
        self.stdout.write(f"\nEncoded {made}; {failed} could not be encoded.")
