"""platform/id_lists.py: a long id list as one array parameter selects what the plain list does."""

import pytest

from accounts.models import User
from conftest import make_user
from platform.id_lists import SHORT, among

pytestmark = pytest.mark.django_db


def test_a_long_list_selects_and_leaves_out_what_a_plain_list_does():
    people = [make_user(f"person{n}") for n in range(12)]
    wanted = [person.pk for person in people[::2]] + list(range(10**9, 10**9 + 3 * SHORT))  # mostly absent ids
    found = set(User.objects.filter(pk__in=among(wanted)).values_list("pk", flat=True))
    left = set(User.objects.exclude(pk__in=among(wanted)).values_list("pk", flat=True))
    assert found == {person.pk for person in people[::2]}
    assert left == set(User.objects.values_list("pk", flat=True)) - found


def test_only_integers_reach_the_literal():
    with pytest.raises(ValueError):
        among(["1", "2); DROP TABLE accounts_user; --", *range(SHORT)])
