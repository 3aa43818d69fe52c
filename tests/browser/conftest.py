import pytest, pytest_asyncio, asyncio

@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(): pass
@pytest.fixture(autouse=True)
def media_dir(): pass
@pytest.fixture(autouse=True)
def no_password_anywhere(): pass

@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser():
    from playwright.async_api import async_playwright
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless","--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run","--disable-quic"])
        print("LOOP browser", id(asyncio.get_running_loop()))
        yield b
        await b.close()
