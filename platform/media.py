"""Media files reach clients only through signed, expiring URLs that are checked when used.

A file's storage path is never a URL anyone can fetch: the API hands out
``/media/<token>/<file name>``, where the token is signed with SECRET_KEY and names the file, the video it
belongs to, the viewer it was given to and when it expires. Fetching it re-checks access:

- a public, published video's files (and avatars) go to anyone holding an unexpired URL; such
  URLs name no viewer, so they are the same for everyone and caches can share them;
- any other video's files go only to the viewer the URL was given to, and only while they may
  still see the video: the author makes it private, or a follower stops following, and the
  URL stops working at once (404, the same answer as for a file that does not exist).

Expiry times are rounded up to MEDIA_URL_BUCKET seconds so a URL stays the same for a while
(cacheable), and are at least MEDIA_URL_TTL seconds away.

The file's name after the token is for clients that judge a URL by its extension (ffmpeg's HLS
demuxer refuses segments whose URL does not end in an allowed one); the token alone decides
what is served, and a name that is not the signed file's answers 404.

Serving: files on the local disk are streamed by Django, or, with MEDIA_ACCEL_REDIRECT set, by
the front web server through ``X-Accel-Redirect`` (nginx) after Django's check; files on object
storage are answered with a redirect to the storage's own short-lived signed URL."""

import math
import mimetypes
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from .media_streaming import CONTENT_TYPES, content_type, ranged, rewrite_playlist

_SALT = "flywheel.media"


def _expiry(now: float | None = None) -> int:
    now = time.time() if now is None else now
    bucket = settings.MEDIA_URL_BUCKET
    return math.ceil((now + settings.MEDIA_URL_TTL) / bucket) * bucket


def media_token(
    name: str,
    *,
    video_id: int | None = None,
    viewer_id: int | None = None,
    export_id: int | None = None,
    expires_at: float | None = None,
) -> str:
    """A token for the stored file `name`; for a video's file, the video and the viewer it is
    for (None for a public, published video); for an account's data export, the export (the
    link works until `expires_at` and while the export exists)."""
    claims = {"f": name, "e": expires_at or _expiry()}
    if export_id is not None:
        claims["x"] = export_id
    if video_id is not None:
        claims["v"] = video_id
    if viewer_id is not None:
        claims["u"] = viewer_id
    return signing.Signer(salt=_SALT).sign_object(claims, compress=True)


def media_path(name: str, **claims) -> str:
    """The signed path of the stored file `name`, ending in the file's own name."""
    return f"/{settings.MEDIA_URL.strip('/')}/{media_token(name, **claims)}/{PurePosixPath(name).name}"


def media_url(origin: str, name: str, **claims) -> str:
    return urljoin(origin + "/", media_path(name, **claims))


def _claims(token: str) -> dict:
    try:
        claims = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    if not isinstance(claims, dict) or claims.get("e", 0) < time.time():
        raise Http404
    return claims


# Who may fetch a signed file is the owning app's rule: `access_check("v", rule)` from its
# AppConfig.ready, for the claim its tokens carry ("v": a video's files, "x": a data export's).
# A token with none of these claims (an avatar) is anyone's while it lasts.
_access_checks: dict[str, Callable[[dict], bool]] = {}


def access_check(claim: str, rule: Callable[[dict], bool]) -> None:
    _access_checks[claim] = rule


def _may_fetch(claims: dict) -> bool:
    for claim, rule in _access_checks.items():
        if claim in claims:
            return rule(claims)
    return not ({"v", "x"} & set(claims))  # a kind of file whose app registered no rule: nobody


def _playlist(request, claims: dict, storage, name: str) -> HttpResponse:
    """The playlist with each file it names behind a URL carrying this one's claims."""

    def sign(sibling: str) -> str:
        return media_path(sibling, video_id=claims["v"], viewer_id=claims.get("u"), expires_at=claims["e"])

    try:
        with storage.open(name, "rb") as handle:
            text = handle.read(1024 * 1024).decode()
    except FileNotFoundError:
        raise Http404 from None
    return HttpResponse(rewrite_playlist(text, name, sign), content_type=CONTENT_TYPES[".m3u8"])


@require_safe
def serve_media(request, token: str, filename: str | None = None):
    """`filename`: the signed file's own name (URLs handed out before it had one have none)."""
    claims = _claims(token)
    if filename is not None and filename != PurePosixPath(claims["f"]).name:
        raise Http404
    if not _may_fetch(claims):
        raise Http404
    name = claims["f"]
    storage = default_storage
    shared = "u" not in claims and "x" not in claims  # the same URL for everyone: caches may keep it
    cache_control = f"{'public' if shared else 'private'}, max-age={max(0, int(claims['e'] - time.time()))}"
    kind = content_type(name, mimetypes.guess_type(name)[0] or "application/octet-stream")
    if name.endswith(".m3u8"):
        response = _playlist(request, claims, storage, name)
    elif not isinstance(storage, FileSystemStorage):
        response = HttpResponseRedirect(storage.url(name))
    elif settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=kind)
        response["X-Accel-Redirect"] = urljoin(settings.MEDIA_ACCEL_REDIRECT, name)
    else:
        try:
            response = ranged(request, storage.open(name, "rb"), storage.size(name), kind)
        except FileNotFoundError:
            raise Http404 from None
    response["Cache-Control"] = cache_control
    if "x" in claims:
        response["Content-Disposition"] = 'attachment; filename="flywheel-data.zip"'
    return response
