"""Hashtags and mentions in a caption or comment, and the product's bounds on them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,50})", re.UNICODE)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))")


def hashtags(caption: str) -> list[str]:
    """Hashtags in order of first appearance, lower-cased, without duplicates; never more than
    CAPTION_MAX_HASHTAGS (a caption written before the bound keeps its first ones)."""
    return list(dict.fromkeys(tag.lower() for tag in HASHTAG.findall(caption)))[: settings.CAPTION_MAX_HASHTAGS]


def mentions(caption: str) -> list[str]:
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(caption)))[: settings.MENTIONS_MAX]


def check_caption(caption: str) -> None:
    """Raise ValidationError on `caption` when a video's caption breaks the product's bounds."""
    _check(caption, "caption", "Captions", settings.CAPTION_MAX_LENGTH, tagged=True)


def check_comment(text: str) -> None:
    _check(text, "text", "Comments", settings.COMMENT_MAX_LENGTH, tagged=False)


def _check(text: str, field: str, noun: str, max_length: int, *, tagged: bool) -> None:
    if len(text) > max_length:
        message = f"{noun} are at most {max_length} characters."
        raise ValidationError({field: ValidationError(message, code="max_length")})
    tags = len(set(tag.lower() for tag in HASHTAG.findall(text)))
    if tagged and tags > settings.CAPTION_MAX_HASHTAGS:
        message = f"At most {settings.CAPTION_MAX_HASHTAGS} different hashtags; this has {tags}."
        raise ValidationError({field: ValidationError(message, code="out_of_range")})
    named = len(set(name.lower() for name in MENTION.findall(text)))
    if named > settings.MENTIONS_MAX:
        message = f"At most {settings.MENTIONS_MAX} different @mentions; this has {named}."
        raise ValidationError({field: ValidationError(message, code="out_of_range")})
