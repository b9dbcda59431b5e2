"""A newcomer's first hour (issue #25): the README's walkthrough runs as written against a live
server on a fresh database (register, verify the address with the link from the email as
printed, upload a clip made by its ffmpeg line, read it back published), and the development
page at an account link completes its action in a browser."""

import re
import subprocess
from pathlib import Path

import pytest

from platform.tests.live_server import LiveServer, free_port

README = Path(__file__).resolve().parents[2] / "README.md"
DEFAULT_ADDRESS = "http://127.0.0.1:8000"

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def walkthrough() -> str:
    text = README.read_text()
    block = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)\n```", text, re.S)
    assert block, "README.md has no walkthrough block"
    return block.group(1)


@pytest.fixture
def server(tmp_path):
    port = free_port()
    outbox = tmp_path / "outbox"
    live = LiveServer(
        port=port,
        extra_env={
            "SITE_URL": f"http://127.0.0.1:{port}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "TASKS_IMMEDIATE": "1",  # the worker's tasks (emails, the review pipeline) in the request
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(outbox),
        },
    )
    yield live, outbox
    live.stop()


def _links(outbox: Path) -> list[str]:
    mails = "".join(path.read_text() for path in sorted(outbox.glob("*"))) if outbox.exists() else ""
    return re.findall(r"^(https?://\S+/account/\S+)$", mails, re.M)


def _run(script: str, folder: Path) -> list[str]:
    """The script's answers: the JSON lines it printed."""
    done = subprocess.run(["bash", "-eu", "-c", script], cwd=folder, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith(("{", "token="))]


def test_the_readme_walkthrough_works_as_written(server, tmp_path):
    """Run in two parts, as a newcomer does: up to the verification email, then, with the
    link pasted as printed, the rest."""
    live, outbox = server
    script = walkthrough().replace(DEFAULT_ADDRESS, live.url)
    setup, register = script.split("\n# register", 1)
    register, rest = register.split("\nlink=", 1)
    [printed] = _run(f"{setup}\n# register{register}\necho token=$token", tmp_path)
    [link] = _links(outbox)
    assert link.startswith(f"{live.url}/account/verify-email?token=") and "%3A" in link  # as printed, not decoded
    rest = rest.split("\n", 1)[1]
    verified, published = _run(f"{setup}\n{printed}\nlink='{link}'\n{rest}", tmp_path)
    assert '"emailVerified":true' in verified and '"errors":[]' in verified
    assert '"status":"PUBLISHED"' in published and '"hlsUrl":"http' in published, published
    assert '"name":"flywheel"' in published


def test_the_account_link_page_completes_the_action_in_a_browser(server):
    import httpx
    from playwright.sync_api import sync_playwright

    from accounts.models import User
    from platform.tests.browser import CHROMIUM

    live, outbox = server
    query = (
        'mutation { register(input: {username: "pagey", email: "pagey@example.com", password: "a long secret 42"}) '
        "{ errors { code } } }"
    )
    assert httpx.post(f"{live.url}/graphql", json={"query": query}).json()["data"]["register"]["errors"] == []
    [link] = _links(outbox)
    outcomes = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        for url in (link[:-4] + "AAAA", link):  # a mangled link is refused, then the real one works
            page.goto(url)
            page.wait_for_selector("#outcome[data-state]", timeout=15_000)
            outcomes.append((page.get_attribute("#outcome", "data-state"), page.text_content("#outcome")))
        browser.close()
    assert outcomes[0] == ("refused", "INVALID: This link is not valid.")
    assert outcomes[1] == ("done", "Your address is verified. You can upload now.")
    assert User.objects.get(username="pagey").email_verified


@pytest.mark.parametrize("action", ["verify-email", "confirm-email", "reset-password"])
def test_account_link_pages_are_served_only_where_switched_on(client, settings, action):
    settings.ACCOUNT_LINK_PAGES = True
    page = client.get(f"/account/{action}?token=x")
    assert page.status_code == 200 and b"account_link.js" in page.content
    assert client.get("/account/delete-everything").status_code == 404
    settings.ACCOUNT_LINK_PAGES = False
    assert client.get(f"/account/{action}?token=x").status_code == 404
