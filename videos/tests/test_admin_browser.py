"""What a moderator looks at (issue #25), in Chromium against a live server: thumbnails in the
video list and the review queue, the queue's player playing the held video, approving it from
there, and the dashboard's charts drawn with the database's figures. Screenshots go to
ARTIFACTS_DIR (var/artifacts)."""

import io
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageChops, ImageStat

from conftest import make_user
from platform.tests.browser import CHROMIUM, screenshot_path
from platform.tests.live_server import LiveServer
from videos.management.commands.seed_demo_videos import make_demo_source
from videos.models import PolicyTerm, Report, Video
from videos.services import uploads
from videos.services.pipeline import review

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    PolicyTerm.objects.create(term="miracle", kind=PolicyTerm.Kind.TERM)
    author = make_user("clipmaker", "CREATOR")
    videos = {}
    for number, caption in ((1, "sunset walk"), (2, "a miracle cure for boredom")):
        source = make_demo_source(tmp_path, number)
        upload = SimpleUploadedFile(f"{number}.mp4", source.read_bytes(), "video/mp4")
        video = uploads.upload_video(author, upload, caption=caption)
        review(video.pk)
        videos[caption] = Video.objects.get(pk=video.pk)
    assert [v.status for v in videos.values()] == ["PUBLISHED", "IN_REVIEW"]
    signed_in = Client()
    signed_in.force_login(make_user("moderator", is_staff=True, is_superuser=True))
    Report.objects.create(reporter=author, video=videos["sunset walk"], reason="SPAM")
    server = LiveServer(extra_env={"MEDIA_ROOT": str(tmp_path), "DASHBOARD_CACHE_SECONDS": "0"})
    yield server, videos, signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    server.stop()


def _still(locator) -> Image.Image:
    return Image.open(io.BytesIO(locator.screenshot())).convert("RGB")


def _natural_widths(page) -> list[int]:
    return page.eval_on_selector_all("#result_list img.flywheel-thumb", "images => images.map(i => i.naturalWidth)")


def test_a_moderator_sees_watches_approves_and_reads_the_dashboard(world):
    from playwright.sync_api import sync_playwright

    server, videos, session = world
    held = videos["a miracle cure for boredom"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        # signed in as the moderator (the live server hashes passwords unlike these tests)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url}])
        page = context.new_page()

        page.goto(f"{server.url}/admin/videos/video/")
        page.wait_for_load_state("networkidle")
        assert len(_natural_widths(page)) == 2 and min(_natural_widths(page)) > 0
        page.screenshot(path=str(screenshot_path("admin-videos.png")))

        page.goto(f"{server.url}/admin/videos/videoinreview/")
        page.wait_for_load_state("networkidle")
        widths = _natural_widths(page)
        assert len(widths) == 1 and widths[0] > 0
        page.click(f"a[href='/admin/videos/videoinreview/{held.pk}/change/']")
        player = page.locator("video.flywheel-player")
        player.evaluate("video => video.play()")
        page.wait_for_function("document.querySelector('video.flywheel-player').currentTime > 1.5", timeout=30_000)
        first = _still(player)
        page.wait_for_function("document.querySelector('video.flywheel-player').currentTime > 3", timeout=30_000)
        later = _still(player)
        assert player.get_attribute("data-player-error") is None
        page.screenshot(path=str(screenshot_path("admin-review-player.png")))
        page.click("button[name=approve]")
        page.wait_for_url(f"{server.url}/admin/videos/videoinreview/")
        assert "approved and published" in page.inner_text(".messagelist")

        page.goto(f"{server.url}/admin/dashboard/")
        page.wait_for_selector("body[data-charts-drawn=true]")
        blank = page.eval_on_selector_all(
            "canvas",
            """canvases => canvases.map(c => {
                const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                return !pixels.some(value => value !== 0);
            })""",
        )
        shown = json.loads(page.text_content("#dashboard-figures"))
        drawn_reports = page.evaluate("document.getElementById('chart-reports').chart.data.datasets[0].data")
        page.screenshot(path=str(screenshot_path("admin-dashboard.png")), full_page=True)
        browser.close()
    assert ImageStat.Stat(ImageChops.difference(first, later)).mean != [0.0, 0.0, 0.0]  # it plays
    assert max(ImageStat.Stat(first).mean) > 20
    assert Video.objects.get(pk=held.pk).status == Video.Status.PUBLISHED
    assert len(blank) == 5 and not any(blank)
    assert shown["review"]["backlog"] == Video.objects.filter(status="IN_REVIEW").count() == 0
    assert sum(shown["review"]["held"]) == 1 and sum(shown["review"]["decided"]) == 1
    assert sum(drawn_reports) == shown["reports"]["total"] == Report.objects.filter(status="OPEN").count() == 1
    assert shown["activity"]["uploads"][-1] == Video.objects.count() == 2
