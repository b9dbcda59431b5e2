"""GraphiQL (issue #25) comes from the project's own static files: in Chromium, with every
request to another origin refused and under the page's strict CSP, it loads, runs a query and
shows its answer."""

from urllib.parse import quote

import pytest

from platform.tests.browser import CHROMIUM, screenshot_path
from platform.tests.live_server import LiveServer

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server():
    live = LiveServer()
    yield live
    live.stop()


def test_graphiql_runs_a_query_with_no_network_but_the_server(server):
    from playwright.sync_api import sync_playwright

    from conftest import make_user

    make_user("offline.fan")
    elsewhere, refused = [], []
    query = '{ user(username: "offline.fan") { username } }'
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        def only_the_server(route):
            if route.request.url.startswith(server.url):
                return route.continue_()
            elsewhere.append(route.request.url)
            return route.abort()

        page.route("**/*", only_the_server)
        page.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
        page.goto(f"{server.url}/graphql?q={quote(query)}")
        page.wait_for_selector(".graphiql-execute-button", timeout=30_000)
        page.click(".graphiql-execute-button")
        # a locator, not a page function: the page's CSP forbids evaluating strings
        page.locator(".graphiql-response", has_text="offline.fan").wait_for(timeout=30_000)
        answer = page.inner_text(".graphiql-response")
        page.screenshot(path=str(screenshot_path("graphiql.png")))
        browser.close()
    assert '"username": "offline.fan"' in answer
    assert elsewhere == []  # nothing was asked of unpkg.com or any other origin
    assert refused == [], refused


def test_graphiql_page_is_served_with_a_strict_csp_and_no_outside_scripts(client, settings):
    settings.DEBUG = True
    page = client.get("/graphql", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert b"unpkg.com" not in page.content and b"<script>" not in page.content
