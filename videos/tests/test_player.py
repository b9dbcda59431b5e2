"""A real player plays a real video: hls.js (pinned, vendored in videos/static/videos) in headless
Chromium loads a published video's hlsUrl from the API of a live server, plays it for a few
seconds, and two screenshots a second apart show a moving picture, not a black frame. And the
stock ffmpeg CLI, which refuses HLS segments whose URL lacks a media extension, plays it whole."""

import io
import subprocess
from pathlib import Path

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageStat

from conftest import global_id, make_user
from platform.tests.browser import CHROMIUM
from platform.tests.live_server import LiveServer
from videos.management.commands.seed_demo_videos import DEMO_VIDEOS, PHONE, make_demo_source
from videos.services import uploads
from videos.services.pipeline import review

PHONE_CLIP = next(number for number, spec in enumerate(DEMO_VIDEOS, start=1) if spec[-1] is PHONE)

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

HLS_JS = Path(__file__).resolve().parents[1] / "static" / "videos"  # the admin's player too
PAGE = """<!doctype html><html><body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline style="width:360px;height:640px"></video>
<script>%s</script>
<script>
  const video = document.getElementById("v"), hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) window.playerError = data.details; });
  hls.loadSource(%r);
  hls.attachMedia(video);
</script></body></html>"""


@pytest.fixture
def media_server(tmp_path, settings):
    """A live server reading the same media folder as this test's storage."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    server = LiveServer(extra_env={"MEDIA_ROOT": str(tmp_path)})
    yield server
    server.stop()


def _still(page) -> Image.Image:
    return Image.open(io.BytesIO(page.screenshot())).convert("RGB")


def _published_playback(media_server, tmp_path) -> dict:
    author = make_user("nomad")
    # the demo's phone clip (`./flywheel up` seeds it): a landscape sensor picture turned by its matrix
    source = make_demo_source(tmp_path, PHONE_CLIP)
    video = uploads.upload_video(author, SimpleUploadedFile("dunes.mp4", source.read_bytes(), "video/mp4"))
    assert review(video.pk) == "PUBLISHED"
    query = '{ video(id: "%s") { playback { hlsUrl renditions { height } } } }' % global_id(video)
    playback = httpx.post(f"{media_server.url}/graphql", json={"query": query}).json()["data"]["video"]["playback"]
    assert [r["height"] for r in playback["renditions"]] == [640, 960]
    return playback


def test_the_ffmpeg_cli_plays_a_published_videos_hls_with_no_options(media_server, tmp_path):
    playback = _published_playback(media_server, tmp_path)
    done = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", playback["hlsUrl"], "-f", "null", "-"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "allowed_segment_extensions" not in done.stderr
    decoded = [line for line in done.stderr.replace("\r", "\n").splitlines() if line.startswith("frame=")]
    assert decoded and int(decoded[-1].split("=")[1].split()[0]) > 30  # seconds of pictures, not a header


def test_hls_js_in_chromium_plays_a_published_video(media_server, tmp_path):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM and Path(CHROMIUM).exists(), "install Chromium (Debian package chromium)"
    playback = _published_playback(media_server, tmp_path)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"]
        )
        page = browser.new_page(viewport={"width": 360, "height": 640})
        # the page is served from the server's own origin, as a web app's would be
        html = PAGE % ((HLS_JS / "hls.min.js").read_text(), playback["hlsUrl"])
        page.route(f"{media_server.url}/player", lambda route: route.fulfill(body=html, content_type="text/html"))
        page.goto(f"{media_server.url}/player")
        page.wait_for_function("video.currentTime > 1.5 || window.playerError", timeout=30_000)
        assert page.evaluate("window.playerError") is None
        first = _still(page)
        page.wait_for_function("video.currentTime > 3", timeout=30_000)
        later = _still(page)
        shown = page.evaluate("[video.videoWidth, video.videoHeight]")
        browser.close()
    assert max(ImageStat.Stat(first).mean) > 20  # a picture, not a black frame
    assert ImageStat.Stat(ImageChops.difference(first, later)).mean != [0.0, 0.0, 0.0]  # and it moves
    assert shown in ([360, 640], [540, 960])  # upright: the player got a portrait rung, turned once
