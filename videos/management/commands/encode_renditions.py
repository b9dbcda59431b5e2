from django.core.management.base import BaseCommand
from django.db.models import Q

from videos.models import Video
from videos.services.playback import ENCODER_VERSION, TranscodeFailed, encode_missing


class Command(BaseCommand):
    help = (
        "Make the renditions (HLS ladder, MP4, preview) of published videos that have none, or whose renditions "
        "an older encoder made (after an upgrade raises ENCODER_VERSION). Newest first; old files go after the "
        "grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many videos")

    def handle(self, *args, limit=None, **options):
        outdated = (
            Q(playback__isnull=True) | Q(playback__version__isnull=True) | Q(playback__version__lt=ENCODER_VERSION)
        )
        pending = Video.objects.filter(outdated, status=Video.Status.PUBLISHED).exclude(file="")
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
