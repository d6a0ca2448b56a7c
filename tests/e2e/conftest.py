"""The web chat in a real browser (Debian's Chromium, driven by Playwright) against a live
stack whose LLM is the suite's OpenAI-compatible server, so tests can script slow streams,
cards and failures. Access tokens live 10 s here, so every test also exercises renewal.

Every test that uses `page` runs twice: on a phone (390 by 844, touch) and on a desktop
(1280 by 800). axe-core (from the web chat's npm dev dependencies, nothing fetched at run time)
is loaded into every page, for the accessibility checks."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.fake_llm import FakeLLM
from tests.integration.conftest import stack_env
from tests.integration.stack import ROOT, LiveStack, running_stack

T = TypeVar("T")

CHROMIUM = "/usr/bin/chromium"
AXE_SCRIPT = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
PHONE_MAX_WIDTH = 767
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "e2e-password"
ACCESS_TTL_SECS = 10
TURN_DEADLINE_SECS = 8


@pytest.fixture(scope="session")
def e2e_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture(scope="session")
def e2e_stack(
    django_db_setup: None,
    e2e_llm: FakeLLM,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveStack]:
    assert (ROOT / "frontend" / "dist" / "index.html").exists(), (
        "the web chat is not built: run `make frontend` (make test does)"
    )
    log_dir = tmp_path_factory.mktemp("e2e-stack")
    with django_db_blocker.unblock():
        env = stack_env(
            log_dir,
            CHAT_QUEUE="chat-e2e",
            LLM_BASE_URL=e2e_llm.base_url,
            LLM_API_KEY="sk-e2e",
            LLM_TIMEOUT_SECS="10",
            JWT_ACCESS_TTL_SECS=str(ACCESS_TTL_SECS),
            CHAT_TOKEN_EXPIRING_LEAD_SECS="4",
            CHAT_TURN_DEADLINE_SECS=str(TURN_DEADLINE_SECS),
        )
    with running_stack(env, log_dir, name="e2e") as stack:
        yield stack


# Module scope: Playwright's sync API runs an event loop in this thread while it is open, and
# Django refuses ORM calls from such a thread, so it must be closed before other tests run.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)")
    with sync_playwright() as playwright:
        yield _launch(playwright)


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )


def off_the_browsers_loop(django_db_blocker: Any, work: Callable[[], T]) -> T:
    """Run ORM work on a thread of its own: Django refuses ORM calls from a thread running an
    event loop, and Playwright runs one in the test's thread."""

    def run() -> T:
        with django_db_blocker.unblock():
            try:
                return work()
            finally:
                connections.close_all()  # this thread's connection, or the test database lingers

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def person(django_db_blocker: Any) -> str:
    """A user with a password."""
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    off_the_browsers_loop(
        django_db_blocker,
        lambda: get_user_model().objects.create_user(username=name, password=PASSWORD),
    )
    return name


@pytest.fixture(params=list(VIEWPORTS))
def device(request: pytest.FixtureRequest) -> str:
    """The screen the test runs on: "phone" or "desktop"."""
    return str(request.param)


@pytest.fixture
def fresh_page(e2e_stack: LiveStack, browser: Browser, device: str) -> Iterator[Page]:
    """A new browser tab at the log-in page, on the test's device, with axe-core loaded."""
    assert AXE_SCRIPT.exists(), "axe-core is missing: run `make frontend` (make test does)"
    context = browser.new_context(base_url=e2e_stack.url, **VIEWPORTS[device])
    context.add_init_script(path=str(AXE_SCRIPT))  # a debugger script: the page's CSP allows it
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


@pytest.fixture
def page(fresh_page: Page, person: str) -> Page:
    """Logged in as a new person, connected."""
    log_in(fresh_page, person)
    return fresh_page


def log_in(page: Page, person: str) -> None:
    page.get_by_test_id("login-username").fill(person)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")


def is_phone(page: Page) -> bool:
    size = page.viewport_size
    return size is not None and size["width"] <= PHONE_MAX_WIDTH


def screenshot(page: Page, name: str) -> Path:
    """docs/screenshots/<name>-phone.png or <name>-desktop.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{'phone' if is_phone(page) else 'desktop'}.png"
    page.screenshot(path=str(path))
    return path
