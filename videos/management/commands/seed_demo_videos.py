import random
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from videos.media.synthetic import make_video
from videos.models import PolicyTerm, Video
from videos.services import comments, engagement, uploads
from videos.services.pipeline import review
from videos.services.watch import WatchEventInput, record_watch_events
from videos.services.watch_rollup import roll_up

# (author, caption, picture seed, melody seed, seconds[, how it was recorded]); the accounts come
# from `seed_demo`. Demo videos are 540x960, so the ladder has two rungs to switch between.
PORTRAIT = {"size": (540, 960)}
# as a phone stores a portrait clip: the sensor's landscape picture and a matrix to turn it
PHONE = {"size": (960, 540), "rotation": -90}
DEMO_VIDEOS = [
    ("mia.cooks", "15-second carbonara #food #pasta #quickmeals", 11, 11, 4.0),
    ("mia.cooks", "Crispy rice, three ways #food #streetfood", 12, 12, 3.0),
    ("mia.cooks", "One-pan shakshuka with @nomad.nora #food #breakfast", 13, 13, 5.0),
    ("dancewithleo", "New routine, try it! #dance #challenge", 21, 21, 4.0),
    ("dancewithleo", "Same song, new moves #dance #challenge", 22, 21, 4.0),  # reuses his sound
    ("nomad.nora", "Sunrise over the dunes #travel #desert", 31, 31, 5.0, PHONE),
    ("nomad.nora", "How I fly for cheap #travel #tips", 32, 32, 3.0),
    ("pixel.pete", "Any% speedrun, new personal best #gaming #speedrun", 41, 41, 4.0),
    ("pixel.pete", "Retro console unboxing #gaming #retro", 42, 42, 3.0),
    ("fizzy", "Summer is here. Stay fizzy. #ad #summer", 51, 51, 3.0),
    ("stridesneakers", "Built for the long run #ad #running", 61, 61, 4.0),
    ("sam", "my first try at @mia.cooks's carbonara #food", 11, 11, 4.0),  # a re-upload of hers
    ("fizzy", "Miracle detox soda, lose 5 kg in a week! #ad", 52, 52, 3.0),  # held: policy term
    ("riley", "forgot to turn the mic on #oops", 71, None, 3.0),  # rejected: silent
]
DEMO_POLICY_TERMS = [("miracle", "Health claims need a human look.")]
DEMO_COMMENTS = [
    ("sam", "mia.cooks", "Made this tonight, so good!"),
    ("jo", "mia.cooks", "Could you do a vegan version?"),
    ("alex", "dancewithleo", "Learning this all weekend"),
    ("riley", "nomad.nora", "Adding this to my list"),
    ("jo", "pixel.pete", "That skip at 0:02 is wild"),
]


def make_demo_source(folder: Path, number: int) -> Path:
    """The file of demo video `number` (1-based, as seeding counts them), as its author recorded it."""
    _, _, seed, melody, seconds, *recorded = DEMO_VIDEOS[number - 1]
    return make_video(
        Path(folder) / f"demo{number}.mp4",
        seed=seed,
        audio_seed=melody,
        seconds=seconds,
        audio="tone" if melody is not None else "silent",
        **(recorded[0] if recorded else PORTRAIT),
    )


class Command(BaseCommand):
    help = "Demo videos (real files, through the review pipeline), comments, hearts and watch events."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo_videos only runs with DEBUG=1.")
        if Video.objects.filter(author__email__endswith="@demo.flywheel.test").exists():
            self.stdout.write("Demo videos already present.")
            return
        accounts = {user.username: user for user in User.objects.filter(email__endswith="@demo.flywheel.test")}
        if not accounts:
            raise CommandError("Run `manage.py seed_demo` first: the demo videos need the demo accounts.")
        random.seed(2024)
        for term, note in DEMO_POLICY_TERMS:
            PolicyTerm.objects.get_or_create(term=term, kind=PolicyTerm.Kind.TERM, defaults={"note": note})
        videos = []
        with tempfile.TemporaryDirectory() as folder:
            for number, (author, caption, *_) in enumerate(DEMO_VIDEOS, start=1):
                self.stdout.write(f"  [{number:2}/{len(DEMO_VIDEOS)}] {author}: {caption[:50]:<50}", ending="\r")
                self.stdout.flush()
                path = make_demo_source(Path(folder), number)
                upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
                video = uploads.upload_video(accounts[author], upload, caption=caption)
                review(video.pk)  # the worker would do this a moment later
                videos.append(Video.objects.get(pk=video.pk))
        self.stdout.write("")
        by_author = {}
        for video in videos:
            by_author.setdefault(video.author.username, video)
        for who, whose, text in DEMO_COMMENTS:
            comments.add_comment(accounts[who], by_author[whose].pk, text)
        viewers = [accounts[name] for name in ("sam", "jo", "alex", "riley")]
        for viewer in viewers:
            for video in random.sample(videos, 8):
                if video.status != Video.Status.PUBLISHED or video.author_id == viewer.pk:
                    continue
                loops = random.choice((0, 0, 1, 2))
                completed = random.random() < 0.6
                watched = video.duration_ms * (loops + 1) if completed else random.randint(500, video.duration_ms)
                record_watch_events(viewer, "", [WatchEventInput(video.pk, watched, completed, loops)])
                if completed and random.random() < 0.7:
                    engagement.heart(viewer, video.pk)
        roll_up(settle_seconds=0)
        published = sum(video.status == Video.Status.PUBLISHED for video in videos)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo videos ready: {len(videos)} uploaded, {published} published "
                f"({len(videos) - published} held or rejected by the review pipeline)."
            )
        )
