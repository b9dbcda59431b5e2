"""Fetching what the playback API hands out, as a player would: signed URLs through Django."""

import re

from django.test import Client

PLAYBACK = """query($id: ID!) { video(id: $id) { status videoUrl
  playback { hlsUrl mp4Url posterUrl previewUrl renditions { width height bitrate url } } } }"""


def get(url: str, **headers):
    """The response and its whole body (streamed or not)."""
    response = Client().get(url.removeprefix("http://testserver"), **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def uris(playlist: str) -> list[str]:
    """Every URI a playlist names: its lines, and its tags' URI="…" attributes."""
    return [line for line in playlist.splitlines() if line and not line.startswith("#")] + re.findall(
        r'URI="([^"]+)"', playlist
    )
