"""A simulated audience for the demo: enough viewers and watches that `train_feed_model` trains
the ranking stage and the demo's For You serves it, instead of falling back to the heuristic
score (the demo's own four viewers leave about 30 watch events; the ranking stage needs 1,000).

Each simulated viewer loves one of the platform's most used hashtags: over the last two weeks
they finish and rewatch that topic's videos and mostly skip the rest."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from tqdm import tqdm

from accounts.models import User
from videos.models import Hashtag, Video, WatchEvent
from videos.services.watch_rollup import roll_up

DOMAIN = "@audience.demo.flywheel.test"
DAYS = 14


class Command(BaseCommand):
    help = "Simulated viewers and their watch history, so the demo's ranking stage trains. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--viewers", type=int, default=240)
        parser.add_argument("--watches", type=int, default=12, help="per viewer")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, viewers: int, watches: int, seed: int, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo_audience only runs with DEBUG=1.")
        if User.objects.filter(email__endswith=DOMAIN).exists():
            self.stdout.write("The demo audience is already present.")
            return
        videos = list(Video.objects.filter(audience=Video.Audience.PUBLIC).prefetch_related("hashtags"))
        topics = list(
            Hashtag.objects.filter(videos__in=videos)
            .exclude(name="ad")
            .annotate(n=Count("videos"))
            .order_by("-n", "name")
            .values_list("name", flat=True)[:4]
        )
        if len(videos) < 3 or not topics:
            raise CommandError("Seed some published, tagged videos first (manage.py seed_demo_videos).")
        rng = random.Random(seed)
        with transaction.atomic():
            people = User.objects.bulk_create(
                User(username=f"fan{n:03}", email=f"fan{n:03}{DOMAIN}", display_name=f"Fan {n}")
                for n in range(1, viewers + 1)
            )
            events = []
            for person in tqdm(people, desc="simulating the demo audience", unit="viewer"):
                events += _history(person, rng.choice(topics), videos, watches, rng)
            WatchEvent.objects.bulk_create(events)
            _spread_over_days([person.pk for person in people], rng.random())
        counted = roll_up(settle_seconds=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo audience ready: {viewers} viewers, {len(events)} watch events ({counted} counted)."
            )
        )


def _history(person, topic: str, videos: list, watches: int, rng: random.Random) -> list:
    events = []
    for video in rng.choices(videos, k=watches):
        duration = video.duration_ms or 15000
        loved = topic in {tag.name for tag in video.hashtags.all()}
        if (loved and rng.random() < 0.85) or (not loved and rng.random() < 0.15):
            loops = rng.choice((0, 1, 1, 2))
            watched, completed = duration * (loops + 1), True
        else:
            loops, watched, completed = 0, rng.randint(400, min(duration, 2500)), False
        events.append(WatchEvent(video=video, user=person, watched_ms=watched, completed=completed, loops=loops))
    return events


def _spread_over_days(people: list[int], seed: float) -> None:
    """Watch times over the last DAYS days (created_at is set on insert, so afterwards), so the
    ranking stage's time cutoff has a past to learn from and a later part to be scored on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed * 2 - 1])
        cursor.execute(
            f"UPDATE {WatchEvent._meta.db_table} SET created_at = now() - random() * %s * interval '1 day' "
            "WHERE user_id = ANY(%s)",
            [DAYS, people],
        )
