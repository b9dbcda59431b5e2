"""Serving video renditions: HLS playlists with every URI signed, content types players
expect, and byte ranges for MP4 (players seek by asking for parts of the file).

A playlist on storage names its siblings ("720p_003.m4s"); a viewer may fetch them only through
signed URLs, so each playlist is rewritten as it is served: every URI becomes a URL carrying the
same claims (the video, the viewer, the expiry) as the playlist's own. A public video's URLs
name no viewer, so they are shared by everyone and caches may keep them."""

import re
from posixpath import dirname

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
}
_URI_ATTRIBUTE = re.compile(r'URI="([^"]+)"')
# at most 19 digits (any file size fits): a longer number is no range we serve, and Python refuses
# to parse past 4,300 digits at all (a 500 before this bound)
_RANGE = re.compile(r"^bytes=(\d{0,19})-(\d{0,19})$")


def content_type(name: str, default: str) -> str:
    for suffix, kind in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return kind
    return default


def rewrite_playlist(text: str, name: str, sign) -> str:
    """`text` with each URI (a line, or a tag's URI="…") replaced by `sign(stored name)` of the
    file it names beside the playlist `name`."""
    folder = dirname(name)

    def signed(uri: str) -> str:
        if "/" in uri or uri.startswith("."):  # only siblings: a playlist cannot point elsewhere
            raise ValueError(f"unexpected URI in {name}: {uri}")
        return sign(f"{folder}/{uri}")

    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            line = _URI_ATTRIBUTE.sub(lambda match: f'URI="{signed(match.group(1))}"', line)
        elif line.strip():
            line = signed(line.strip())
        lines.append(line)
    return "\n".join(lines) + "\n"


def _part(handle, start: int, length: int, chunk: int = 256 * 1024):
    """`length` bytes from `start`, a chunk at a time: memory stays flat for any range."""
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                return
            length -= len(data)
            yield data
    finally:
        handle.close()


def ranged(request, handle, size: int, kind: str) -> HttpResponse:
    """The file, or the one byte range the request asks for (206; 416 when it lies outside)."""
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or match.groups() == ("", ""):
        response = FileResponse(handle, content_type=kind)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(size - 1, int(last)) if last else size - 1
    if start >= size or start > end:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    response = StreamingHttpResponse(_part(handle, start, end - start + 1), status=206, content_type=kind)
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response
