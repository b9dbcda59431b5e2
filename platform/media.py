"""Media files reach clients only through signed, expiring URLs that are checked when used.

A file's storage path is never a URL anyone can fetch: the API hands out
``/media/<token>``, where the token is signed with SECRET_KEY and names the file, the video it
belongs to, the viewer it was given to and when it expires. Fetching it re-checks access:

- a public, published video's files (and avatars) go to anyone holding an unexpired URL; such
  URLs name no viewer, so they are the same for everyone and caches can share them;
- any other video's files go only to the viewer the URL was given to, and only while they may
  still see the video: the author makes it private, or a follower stops following, and the
  URL stops working at once (404, the same answer as for a file that does not exist).

Expiry times are rounded up to MEDIA_URL_BUCKET seconds so a URL stays the same for a while
(cacheable), and are at least MEDIA_URL_TTL seconds away.

Serving: files on the local disk are streamed by Django, or, with MEDIA_ACCEL_REDIRECT set, by
the front web server through ``X-Accel-Redirect`` (nginx) after Django's check; files on object
storage are answered with a redirect to the storage's own short-lived signed URL."""

import math
import mimetypes
import time
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

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


def media_url(origin: str, name: str, **claims) -> str:
    return urljoin(origin + "/", f"{settings.MEDIA_URL.strip('/')}/{media_token(name, **claims)}")


def _claims(token: str) -> dict:
    try:
        claims = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    if not isinstance(claims, dict) or claims.get("e", 0) < time.time():
        raise Http404
    return claims


def _may_fetch(claims: dict) -> bool:
    if "x" in claims:
        from accounts.models import DataExport

        return DataExport.objects.filter(pk=claims["x"], file=claims["f"]).exists()
    if "v" not in claims:
        return True
    from accounts.models import User
    from videos.models import Video

    video = Video.objects.filter(pk=claims["v"]).only("file", "thumbnail").first()
    if video is None or claims["f"] not in (video.file.name, video.thumbnail.name):
        return False
    viewer = User.objects.filter(pk=claims["u"], is_active=True).first() if "u" in claims else None
    return Video.objects.visible_to(viewer).filter(pk=video.pk).exists()


@require_safe
def serve_media(request, token: str):
    claims = _claims(token)
    if not _may_fetch(claims):
        raise Http404
    name = claims["f"]
    storage = default_storage
    cache_control = f"private, max-age={max(0, int(claims['e'] - time.time()))}"
    if not isinstance(storage, FileSystemStorage):
        response = HttpResponseRedirect(storage.url(name))
    elif settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
        response["X-Accel-Redirect"] = urljoin(settings.MEDIA_ACCEL_REDIRECT, name)
    else:
        try:
            response = FileResponse(storage.open(name, "rb"))
        except FileNotFoundError:
            raise Http404 from None
    response["Cache-Control"] = cache_control
    if "x" in claims:
        response["Content-Disposition"] = 'attachment; filename="flywheel-data.zip"'
    return response
