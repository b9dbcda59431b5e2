"""The ranking stage as the server runs it: trained by `train_feed_model` from the watch log,
shipped in the model artifact, scoring For You's candidates with the viewer's own history."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.services.tokens import issue_token
from conftest import GraphQLClient, make_user
from feed.models import FeedSettings
from feed.services import model_store, ranker
from feed.services.candidates import FIELDS
from feed.services.for_you_parts import Candidate, Viewer
from videos.models import Video, WatchEvent
from videos.services.watch_rollup import roll_up

pytestmark = pytest.mark.django_db

FOR_YOU = "query { forYou(first: 10) { edges { node { reason explanation video { author { username } } } } } }"


@pytest.fixture
def log(make_published):
    """Two audiences over ten days. Food fans finish the chef's videos, dance fans skip them;
    each audience finishes most of its own topic and skips most of the other."""
    rng = random.Random(3)
    now = timezone.now()
    topics = {"food": [], "dance": []}
    for topic in topics:
        for i in range(3):
            creator = make_user(f"{topic}{i}", User.Kind.CREATOR)
            topics[topic] += [
                make_published(creator, f"{topic} {i}.{n}", published_at=now - timezone.timedelta(days=12))
                for n in range(8)
            ]
    chef = make_user("chef", User.Kind.CREATOR)
    old = [make_published(chef, f"chef {n}", published_at=now - timezone.timedelta(days=12)) for n in range(8)]
    fans = {
        "food": [make_user(f"foodfan{i}") for i in range(20)],
        "dance": [make_user(f"dancefan{i}") for i in range(20)],
    }
    events = []
    for topic, people in fans.items():
        other = "dance" if topic == "food" else "food"
        for fan in people:
            for video, finish in (
                *((v, 0.8) for v in rng.sample(topics[topic], 16)),
                *((v, 0.15) for v in rng.sample(topics[other], 8)),
                *((v, 0.9 if topic == "food" else 0.05) for v in rng.sample(old, 6)),
            ):
                done = rng.random() < finish
                events.append(WatchEvent(video=video, user=fan, watched_ms=15000 if done else 1200, completed=done))
    WatchEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:  # spread the log over the ten days before the last three
        cursor.execute(
            # by position, not raw id: ids depend on how many events earlier tests made
            "UPDATE videos_watchevent SET created_at = now() - interval '4 days' "
            "- ((id - (SELECT min(id) FROM videos_watchevent)) % 144) * interval '1 hour'"
        )
    roll_up(settle_seconds=0)
    new = [make_published(chef, f"chef new {n}") for n in range(2)]
    out = io.StringIO()
    call_command("train_feed_model", factors=8, iterations=6, stdout=out, stderr=io.StringIO())
    model_store.forget()
    return {"fans": fans, "chef_new": new, "topics": topics, "training": out.getvalue()}


def _ranked(user, videos) -> list[Candidate]:
    model = model_store.current()
    viewer = Viewer(user, "", follows=set())
    now = timezone.now()
    candidates = [
        Candidate.from_row(row) for row in Video.objects.filter(pk__in=[v.pk for v in videos]).values_list(*FIELDS)
    ]
    vector = model.factors.users[model.user_index[user.pk]]
    history = ranker.viewer_history(viewer, model, now)
    ranker.rank(candidates, history, model, vector, FeedSettings.objects.current(), now)
    return candidates


def test_training_ships_a_ranking_stage_chosen_on_a_validation_split(log):
    assert "ranking stage:" in log["training"] and "chosen on the latest fifth" in log["training"]
    model = model_store.current()
    assert model.ranker is not None and set(model.ranker.heads) == {"finish", "rewatch", "heart", "skip"}


def test_a_creator_finished_by_one_audience_and_skipped_by_another_is_ranked_for_each(log):
    """The chef's new video has no engagement yet: only the viewer's own history with the chef
    can tell a food fan, who finishes the chef's videos, from a dance fan, who skips them."""
    new = log["chef_new"][0]
    for_food = {c.pk: c for c in _ranked(log["fans"]["food"][0], [new])}[new.pk]
    for_dance = {c.pk: c for c in _ranked(log["fans"]["dance"][0], [new])}[new.pk]
    assert for_food.value > for_dance.value + 0.3


def test_the_ranking_stage_prefers_a_viewers_own_topic(log):
    fan = log["fans"]["food"][1]
    seen = set(WatchEvent.objects.filter(user=fan).values_list("video", flat=True))
    unseen = [v for v in log["topics"]["food"] + log["topics"]["dance"] if v.pk not in seen]
    ranked = _ranked(fan, unseen)
    food = [c.value for c in ranked if c.author.startswith("food")]
    dance = [c.value for c in ranked if c.author.startswith("dance")]
    assert food and dance and sum(food) / len(food) > sum(dance) / len(dance)


def test_for_you_explains_ranked_picks_by_the_feature_that_lifted_them(log):
    fan = log["fans"]["food"][2]
    edges = GraphQLClient(token=issue_token(fan)[0]).execute(FOR_YOU)["forYou"]["edges"]
    ranked = [e["node"] for e in edges if e["node"]["reason"] in ("INTEREST", "TRENDING", "POPULAR")]
    assert ranked
    phrases = (
        "Watched to the end by",
        "Viewers ",
        "Watched widely",
        "New: posted",
        "An original video",
        "You ",
        "Because you",
        "From @",
    )
    assert all(node["explanation"].startswith(phrases) for node in ranked), ranked


def test_a_feed_without_enough_log_for_a_ranking_stage_serves_without_one(make_published, user):
    make_published(make_user("solo", User.Kind.CREATOR), "only video")
    out = io.StringIO()
    call_command("train_feed_model", factors=4, iterations=2, stdout=out, stderr=io.StringIO())
    assert "signed-in watch events" in out.getvalue()
    model_store.forget()
    assert model_store.current().ranker is None
    edges = GraphQLClient(token=issue_token(user)[0]).execute(FOR_YOU)["forYou"]["edges"]
    assert [e["node"]["video"]["author"]["username"] for e in edges] == ["solo"]


def test_the_ranking_stage_costs_one_query_and_a_page_the_same_queries_at_5_and_10(log, django_assert_max_num_queries):
    client = GraphQLClient(token=issue_token(log["fans"]["food"][3])[0])
    query = "query($n: Int!) { forYou(first: $n) { edges { node { explanation video { id } } } } }"
    client.execute(query, {"n": 1})  # warm: token use, the shared candidate lists
    counts = {}
    for size in (5, 10):
        with django_assert_max_num_queries(31) as captured:
            assert len(client.execute(query, {"n": size})["forYou"]["edges"]) == size
        counts[size] = len(captured)
    assert counts[5] == counts[10]
