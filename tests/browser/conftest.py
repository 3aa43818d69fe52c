"""Fixtures for browser tests: a real Home Assistant process driven in headless Chromium.

Every test here is marked `browser` (deselect with `-m "not browser"`) and runs
on its module's event loop, which the module's browser and pages share:
Playwright's objects belong to the loop that made them. One Home Assistant
process serves the whole session (each xdist worker that runs browser tests);
its helpers work on any loop.

Home Assistant runs as its own process here, so the in-process `hass` fixture
of pytest-homeassistant-custom-component must not start: the suite's autouse
fixtures that ask for it (tests/conftest.py) are replaced below by ones that
do not, and so is the plugin's `verify_cleanup`, which assumes one event loop
per test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
import contextlib
import os
from pathlib import Path
import re
import shutil

from playwright.async_api import Browser, Page, ViewportSize, async_playwright
import pytest
import pytest_asyncio
from pytest_asyncio import is_async_test
import pytest_socket  # type: ignore[import-untyped]

from .home_assistant import ROOT, HomeAssistantProcess, StartError

BROWSER_TESTS = Path(__file__).parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("VLM_GUARD_CHROMIUM", "/usr/bin/chromium")
# Headless without a sandbox (tests run as root), and nothing that reaches for
# Google's servers: this machine's network is closed and Chromium retries.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
# Home Assistant starts in ~5 s here; give a busy 2-core machine room.
START_TIMEOUT = float(os.environ.get("VLM_GUARD_HA_START_TIMEOUT", "90"))
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
HOME_ASSISTANT = pytest.StashKey[HomeAssistantProcess]()

type Screenshot = Callable[..., Awaitable[Path]]


def pytest_configure(config: pytest.Config) -> None:
    """Register the `browser` marker."""
    config.addinivalue_line(
        "markers",
        "browser: drives Home Assistant's UI in headless Chromium against a real "
        'Home Assistant process (deselect with -m "not browser")',
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser`, and run it on its module's loop.

    tryfirst: the marker must be there before `-m` deselects.
    """
    module_loop = pytest.mark.asyncio(loop_scope="module")
    for item in items:
        if BROWSER_TESTS not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        # Test suites with the browser tests grouped on one worker (--dist loadgroup)
        # start one Home Assistant and one Chromium, not one per worker.
        item.add_marker(pytest.mark.xdist_group("browser"))
        if is_async_test(item):
            item.add_marker(module_loop, append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report for the fixtures; add Home Assistant's log to a failure."""
    report: pytest.TestReport = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    instance = item.config.stash.get(HOME_ASSISTANT, None)
    if report.failed and instance is not None:
        report.sections.append(("Home Assistant log (last lines)", instance.log_tail(80)))
    return report


# --- The suite's autouse fixtures, without an in-process Home Assistant --------


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Nothing to enable: the Home Assistant process finds VLM Guard on its PYTHONPATH."""


@pytest.fixture(autouse=True)
def media_dir() -> None:
    """Nothing to redirect: the process keeps its media in `home_assistant.media_dir`."""


@pytest.fixture(autouse=True)
def no_password_anywhere() -> None:
    """The guard watches an in-process Home Assistant; here test_smoke reads the log for it."""


@pytest.fixture(autouse=True)
def verify_cleanup() -> None:
    """Replace the plugin's check, which assumes one event loop per test.

    After every test it shuts down the current loop's default executor and
    fails on tasks left on it: here that loop is the module's, which the next
    test still uses (Playwright's file writes run in that executor, and its
    connection's tasks live as long as the browser).
    """


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Leave the module's loop out of debug mode, which the plugin turns on for every test."""


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Let tests reach Home Assistant on 127.0.0.1 (the plugin blocks sockets)."""


@contextlib.contextmanager
def _sockets_allowed() -> Iterator[None]:
    """Allow sockets while a session fixture starts, inside the first test's setup."""
    pytest_socket.enable_socket()
    try:
        yield
    finally:
        pytest_socket.disable_socket(allow_unix_socket=True)


# --- Home Assistant, the browser, a logged-in page ----------------------------


@pytest.fixture(scope="session")
def home_assistant(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HomeAssistantProcess]:
    """Home Assistant with VLM Guard, its camera and the stand-in VLM, onboarded."""
    failure = ""
    with _sockets_allowed():
        instance = HomeAssistantProcess(tmp_path_factory.mktemp("home-assistant"))
        try:
            instance.start(START_TIMEOUT)
        except BaseException as err:
            instance.stop()
            if not isinstance(err, StartError):
                raise
            # Failed outside the handler: the log tail is the story, not the chain.
            failure = str(err)
    if failure:
        pytest.fail(failure, pytrace=False)
    request.config.stash[HOME_ASSISTANT] = instance
    yield instance
    del request.config.stash[HOME_ASSISTANT]
    instance.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright.

    Playwright starts it on a fresh profile of its own (a new temporary
    --user-data-dir, removed on close), and each test gets a new context.
    """
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup (Debian package chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def log_in(page: Page, home_assistant: HomeAssistantProcess) -> None:
    """Log in through Home Assistant's login page and wait for the sidebar."""
    await page.goto(f"{home_assistant.url}/")
    await page.locator("input[name=username]").fill(home_assistant.username)
    await page.locator("input[name=password]").fill(home_assistant.password)
    await page.get_by_role("button", name="Log in").click()
    await page.locator("home-assistant ha-sidebar").wait_for(timeout=30_000)


@pytest_asyncio.fixture(loop_scope="module")
async def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    home_assistant: HomeAssistantProcess,
    screenshot: Screenshot,
) -> AsyncIterator[Page]:
    """A new browser context and page, logged in as the owner, 1280x800."""
    context = await browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(15_000)
    new_page = await context.new_page()
    await log_in(new_page, home_assistant)
    yield new_page
    reports = request.node.stash.get(REPORTS, {})
    if any(report.failed for report in reports.values()):
        with contextlib.suppress(Exception):
            await screenshot("failure", new_page)
    await context.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """This test's artifacts folder, test-artifacts/browser/<test name>, emptied."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def screenshot(artifacts: Path) -> Screenshot:
    """Return `await screenshot(step, page)`: save <artifacts>/<step>.png and return its path."""

    async def take(step: str, target: Page, *, full_page: bool = False) -> Path:
        path = artifacts / f"{re.sub(r'[^\w.-]+', '_', step)}.png"
        await target.screenshot(path=path, full_page=full_page)
        return path

    return take
