"""What the User type needs from the app that owns videos (its count, its lists), as a port:
that app provides it when it starts (videos.apps), so accounts never imports videos."""

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class VideoParts(Protocol):
    def published_video_count(self, viewer): ...  # an expression: each account's count, in one query

    def published_videos_of(self, user, viewer): ...

    def videos_of(self, user): ...

    def saved_by(self, user, viewer): ...

    def collections_of(self, user, viewer): ...

    def hearted_by(self, user, viewer): ...


_provided: list[VideoParts] = []


def provide(parts: VideoParts) -> None:
    _provided[:] = [parts]


def video_parts() -> VideoParts:
    if not _provided:
        raise ImproperlyConfigured("No installed app provides the User type's video fields (videos does).")
    return _provided[0]
