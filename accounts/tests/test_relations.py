"""A viewer's relations map: everything that hides accounts and words from them, in one query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Block, KeywordFilter, Mute
from accounts.services.relations import NOBODY, relations_of
from accounts.services.social_graph import follow
from conftest import make_user


@pytest.mark.django_db
def test_the_map_holds_follows_blocks_both_ways_mutes_in_force_and_filters_in_one_query(
    django_assert_num_queries,
):
    me, friend, pest, bully, bore, lapsed = (make_user(name) for name in ("me", "friend", "pest", "bully", "bore", "x"))
    follow(me, friend)
    Block.objects.create(blocker=me, blocked=pest)
    Block.objects.create(blocker=bully, blocked=me)
    Mute.objects.create(muter=me, muted=bore)
    Mute.objects.create(muter=me, muted=lapsed, expires_at=timezone.now() - timedelta(hours=1))
    Mute.objects.create(muter=friend, muted=me)  # someone else's mute says nothing about mine
    KeywordFilter.objects.create(user=me, phrase="spoiler")
    with django_assert_num_queries(1):
        known = relations_of(me)
    assert known.follows == {friend.pk}
    assert known.blocked == {pest.pk, bully.pk}
    assert known.muted == {bore.pk}
    assert known.hidden_authors == {pest.pk, bully.pk, bore.pk}
    assert known.filters.hides("no SPOILER please") and not known.filters.hides("spoilers")


@pytest.mark.django_db
def test_an_anonymous_visitor_has_no_relations_and_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert relations_of(None) is NOBODY
    assert NOBODY.hidden_authors == frozenset() and not NOBODY.filters.hides("anything")
