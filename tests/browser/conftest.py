"""Browser fixtures: Debian's Chromium driven by Playwright, against the real server process
(`python -m backend`) and the Qikink emulator process over HTTP on 127.0.0.1 (tests/browser/shop_server.py).

Without Chromium the browser tests skip with a message, except with CI=true, where they fail (the
`chromium_path` and `browser` fixtures are in tests/conftest.py, shared with tests/billing).
Every request the browser makes to a host other than 127.0.0.1/localhost is aborted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.shop_server import own_shop_server, serve_frontend

LOCAL_HOSTS = ("127.0.0.1", "localhost")
# Two shared cores run the server, the emulator and Chromium (and a CI machine may be busier):
# give web-first assertions room. Only a failing assertion waits this long.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def shop_server(tmp_path_factory):
    """One server for the browser session; tests tell their orders apart by a unique email."""
    with own_shop_server(tmp_path_factory, "browser-shop") as server:
        yield server


@pytest.fixture(scope="session")
def static_site(tmp_path_factory, shop_server):
    """The pages served from another origin (see serve_frontend), calling the shop server."""
    process, url = serve_frontend(tmp_path_factory.mktemp("static-site"), shop_server.url)
    yield url
    process.stop()


def _local_only(route):
    url = urlsplit(route.request.url)
    if url.scheme == "file" or url.hostname in LOCAL_HOSTS:
        route.fallback()
    else:
        route.abort("blockedbyclient")


class PageProblems:
    """What a page did that no test expects: uncaught errors and dialogs (alert, confirm...)."""

    def __init__(self):
        self.errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def base_url(shop_server):
    """Where the pages' relative URLs go: the session's shop server (a test module may override it)."""
    return shop_server.url


@pytest.fixture
def context(browser, base_url):
    """A fresh browser profile (empty localStorage) whose relative URLs go to the shop."""
    context = browser.new_context(base_url=base_url, locale="en-IN", timezone_id="Asia/Kolkata")
    context.route("**/*", _local_only)
    yield context
    context.close()


@pytest.fixture
def page(context, page_problems):
    page = context.new_page()
    page.on("pageerror", lambda error: page_problems.errors.append(str(error)))

    def on_dialog(dialog):
        page_problems.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    assert not page_problems.errors, f"uncaught errors in the page: {page_problems.errors}"
