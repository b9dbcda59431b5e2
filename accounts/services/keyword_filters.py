"""Keyword filters: words, phrases and #hashtags a viewer never wants to see. One pattern
serves PostgreSQL (feeds and search filter captions in SQL) and Python (lists already in
memory, live comments), so both match the same way: whole words, any case."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import KeywordFilter, User

MAX_FILTERS = 100
MAX_LENGTH = 50
_WORD = "[0-9A-Za-z_]"


@dataclass(frozen=True)
class Filtered:
    """A viewer's filters as patterns; `None` patterns when they have none."""

    sql: str | None = None
    python: re.Pattern | None = None

    def hides(self, text: str) -> bool:
        return self.python is not None and self.python.search(text or "") is not None


NOTHING = Filtered()


def _pattern(phrases: list[str]) -> Filtered:
    if not phrases:
        return NOTHING
    # escape every character that is not a letter, digit, space or '#' for both dialects
    escaped = [re.sub(r"([^0-9A-Za-z #])", r"\\\1", phrase) for phrase in phrases]
    body = "|".join(escaped)
    return Filtered(
        sql=f"(^|[^0-9A-Za-z_])({body})($|[^0-9A-Za-z_])",
        python=re.compile(f"(?<!{_WORD})(?:{body})(?!{_WORD})", re.IGNORECASE),
    )


def filters_of(user: User | None) -> Filtered:
    if user is None or not user.is_authenticated:
        return NOTHING
    return _pattern(list(KeywordFilter.objects.filter(user=user).values_list("phrase", flat=True)))


def phrases_of(user: User) -> list[str]:
    return list(KeywordFilter.objects.filter(user=user).order_by("phrase").values_list("phrase", flat=True))


def _clean(phrase: str) -> str:
    phrase = " ".join((phrase or "").split()).lower()
    if not phrase or phrase == "#":
        raise ValidationError({"phrase": ValidationError("Write a word, a phrase or a #hashtag.", code="required")})
    if len(phrase) > MAX_LENGTH:
        message = f"At most {MAX_LENGTH} characters."
        raise ValidationError({"phrase": ValidationError(message, code="max_length")})
    return phrase


@transaction.atomic
def add(user: User, phrase: str) -> list[str]:
    """Filter `phrase` out for `user`. Idempotent."""
    phrase = _clean(phrase)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one add at a time counts the limit
    if KeywordFilter.objects.filter(user=user).count() >= MAX_FILTERS:
        message = f"You can filter at most {MAX_FILTERS} words; remove one first."
        raise ValidationError({"phrase": ValidationError(message, code="out_of_range")})
    try:
        with transaction.atomic():
            KeywordFilter.objects.create(user=user, phrase=phrase)
    except IntegrityError:
        pass
    return phrases_of(user)


def remove(user: User, phrase: str) -> list[str]:
    KeywordFilter.objects.filter(user=user, phrase=" ".join((phrase or "").split()).lower()).delete()
    return phrases_of(user)
