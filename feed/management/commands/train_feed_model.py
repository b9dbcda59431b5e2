import time

import numpy as np
from django.core.management.base import BaseCommand
from tqdm import tqdm

from feed.ranking.als import fit_tag_projection, train_als
from feed.ranking.clusters import cluster_engagement, creator_consistency, group_means, kmeans
from feed.services import model_store
from feed.services.ranker_training import train_value_model
from feed.services.signals import strength_matrix
from videos.models import Video

# Videos remembered per audience cluster, as that cluster's trending list.
CLUSTER_TOP = 200


class Command(BaseCommand):
    help = "Train the For You interest model from the engagement log and save it as the next version."

    def add_arguments(self, parser):
        parser.add_argument("--factors", type=int, default=64)
        parser.add_argument("--iterations", type=int, default=10)
        parser.add_argument("--regularization", type=float, default=1.0)
        parser.add_argument("--alpha", type=float, default=20.0)
        parser.add_argument("--clusters", type=int, default=16, help="audience clusters")

    def handle(self, *args, **options):
        started = time.perf_counter()
        video_ids = np.array(sorted(Video.objects.published().values_list("pk", flat=True)), dtype=np.int64)
        user_ids, interactions = strength_matrix(video_ids)
        self.stdout.write(
            f"{len(interactions.items):,} viewer-video signals, {len(user_ids):,} viewers, "
            f"{len(video_ids):,} published videos"
        )
        with tqdm(total=options["iterations"], desc="training", unit="iteration") as bar:
            factors = train_als(
                interactions,
                factors=options["factors"],
                iterations=options["iterations"],
                regularization=options["regularization"],
                alpha=options["alpha"],
                progress=lambda done, total: bar.update(1),
            )
        als = {name: options[name] for name in ("factors", "iterations", "regularization", "alpha")}
        ranker = train_value_model(als)
        self.stdout.write(ranker.summary)
        tag_names, tags = self._tags(video_ids)
        projection = fit_tag_projection(factors.items, tags) if tag_names else np.zeros((0, factors.items.shape[1]))
        k = min(options["clusters"], max(1, len(user_ids)))
        centroids, labels = kmeans(factors.users, k)
        engagement = cluster_engagement(labels, interactions, k)
        top = np.argsort(-engagement, axis=1)[:, :CLUSTER_TOP]
        cluster_top = np.where(np.take_along_axis(engagement, top, axis=1) > 0, video_ids[top], -1)
        best_cluster = np.where(engagement.max(axis=0) > 0, engagement.argmax(axis=0), -1)
        owners = {
            pk: (author, sound)
            for pk, author, sound in Video.objects.filter(pk__in=video_ids.tolist()).values_list(
                "pk", "author_id", "sound_id"
            )
        }
        item_author = np.array([owners[int(pk)][0] for pk in video_ids], dtype=np.int64)
        item_sound = np.array([owners[int(pk)][1] or -1 for pk in video_ids], dtype=np.int64)
        path = model_store.save(
            user_ids,
            video_ids,
            factors,
            tag_names,
            projection,
            centroids=centroids,
            cluster_top=cluster_top,
            best_cluster=best_cluster,
            consistency=creator_consistency(factors.items, item_author),
            author_vectors=group_means(factors.items, item_author),
            sound_vectors=group_means(factors.items, item_sound, skip=-1),
            ranker=ranker.model,
        )
        model_store.forget()
        model = model_store.current()
        self.stdout.write(
            self.style.SUCCESS(
                f"saved {path.name} in {time.perf_counter() - started:.1f} s; "
                f"a server process holds {model.nbytes / 1e6:.1f} MB of it"
            )
        )

    @staticmethod
    def _tags(video_ids: np.ndarray) -> tuple[list[str], np.ndarray]:
        pairs = list(
            Video.hashtags.through.objects.filter(video_id__in=video_ids.tolist()).values_list(
                "video_id", "hashtag__name"
            )
        )
        names = sorted({name for _, name in pairs})
        index = {name: column for column, name in enumerate(names)}
        tags = np.zeros((len(video_ids), len(names)), dtype=np.float32)
        for video_id, name in pairs:
            tags[np.searchsorted(video_ids, video_id), index[name]] = 1.0
        return names, tags
