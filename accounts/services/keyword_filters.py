"""Keyword filters: words, phrases and #hashtags a viewer never wants to see. One pattern
serves PostgreSQL (feeds, search, comment lists and hashtag pages filter in SQL) and Python
(lists already in memory, live comments), so both match the same way: whole words, any case,
on text normalised the same way (NFKC, so fullwidth letters are letters; zero-width and soft
hyphen characters dropped), with the words of a phrase separated by any run of non-letters
("spoiler alert" hides "Spoiler-Alert", "spoiler  alert" and "spoiler\u00a0alert")."""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Func, QuerySet, TextField, Value

from ..models import KeywordFilter, User

MAX_FILTERS = 100
MAX_LENGTH = 50
_WORD = "[0-9A-Za-z_]"
_BETWEEN_WORDS = "[^0-9A-Za-z]+"
# characters that render as nothing: a word with one inside still reads as the word
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
_INVISIBLE_RE = re.compile(_INVISIBLE)


def normalized(text: str) -> str:
    """The text as filters read it (Python's side of the same rule as `normalized_sql`)."""
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text or ""))


def normalized_sql(field: str) -> Func:
    """The column as filters read it, in SQL: NFKC, invisible characters dropped."""
    nfkc = Func(
        F(field), function="normalize", template="%(function)s(%(expressions)s, NFKC)", output_field=TextField()
    )
    return Func(nfkc, Value(_INVISIBLE), Value(""), Value("g"), function="regexp_replace", output_field=TextField())


@dataclass(frozen=True)
class Filtered:
    """A viewer's filters as patterns; `None` patterns when they have none."""

    sql: str | None = None
    python: re.Pattern | None = None

    def hides(self, text: str) -> bool:
        return self.python is not None and self.python.search(normalized(text)) is not None

    def exclude_from(self, queryset: QuerySet, field: str) -> QuerySet:
        """`queryset` without the rows whose `field` these filters hide."""
        if self.sql is None:
            return queryset
        return queryset.alias(_filtered_text=normalized_sql(field)).exclude(_filtered_text__iregex=self.sql)


NOTHING = Filtered()


def _pattern(phrases: list[str]) -> Filtered:
    if not phrases:
        return NOTHING
    body = "|".join(_phrase_pattern(phrase) for phrase in phrases)
    return Filtered(
        sql=f"(^|[^0-9A-Za-z_])({body})($|[^0-9A-Za-z_])",
        python=re.compile(f"(?<!{_WORD})(?:{body})(?!{_WORD})", re.IGNORECASE),
    )


def _phrase_pattern(phrase: str) -> str:
    words = [word for word in re.split(r"[\s\-_]+", normalized(phrase).lower()) if word]
    # escape ASCII punctuation but '#' for both dialects (PostgreSQL refuses a backslash before
    # a letter, non-ASCII ones included)
    return _BETWEEN_WORDS.join(re.sub(r'([!"$-/:-@\[-`{-~])', r"\\\1", word) for word in words)


def filters_of(user: User | None) -> Filtered:
    if user is None or not user.is_authenticated:
        return NOTHING
    return filters_from(list(KeywordFilter.objects.filter(user=user).values_list("phrase", flat=True)))


def filters_from(phrases: list[str]) -> Filtered:
    """The filters made of these phrases (accounts.services.relations reads them with the rest)."""
    return _pattern(phrases)


def phrases_of(user: User) -> list[str]:
    return list(KeywordFilter.objects.filter(user=user).order_by("phrase").values_list("phrase", flat=True))


def _clean(phrase: str) -> str:
    phrase = " ".join(normalized(phrase).split()).lower()
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
