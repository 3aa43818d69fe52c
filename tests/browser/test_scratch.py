import asyncio, pytest, time
pytestmark = pytest.mark.asyncio(loop_scope="session")

@pytest.fixture(autouse=True)
def show_loop():
    print("verify loop", id(asyncio.get_event_loop()))

async def test_a(browser):
    print("test loop", id(asyncio.get_running_loop()))
    t=time.monotonic(); ctx = await browser.new_context(); p = await ctx.new_page(); await p.set_content("<b>hi</b>"); data = await p.screenshot(path="/tmp/pwexp/a.png"); await ctx.close(); print("page", time.monotonic()-t)

async def test_b(browser):
    print("test loop", id(asyncio.get_running_loop()))
    ctx = await browser.new_context(); p = await ctx.new_page(); await p.set_content("<b>hi</b>"); await p.screenshot(path="/tmp/pwexp/b.png"); await ctx.close()
