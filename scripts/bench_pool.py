"""Two VLM servers of different speeds as one pool: does their throughput add up?

Two stand-in servers (the test suite's, speaking Ollama's API over real HTTP)
answer after a fixed delay each, one fast and one slow, each taking a set
number of requests at once. The same batch of questions (more callers than
both servers' slots together) goes to the fast one alone, the slow one alone,
and the pool of both; the script prints answers per second of each, the
pool's throughput against the sum of the two alone, and the pool's share of
questions per server. Then the fast one is stopped mid-run: every question is
still answered (by the slow one) and the stopped one is counted as away.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys
import time

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custom_components.vlm_guard.core.pool import VLMPool, pool_settings  # noqa: E402
from custom_components.vlm_guard.core.vlm import VLMClient, VLMSettings, create_client  # noqa: E402
from tests.harness.vlm_server import StandInVLM  # noqa: E402

IMAGE = b"\xff\xd8 a picture \xff\xd9"


def _settings(url: str, limit: int) -> VLMSettings:
    return VLMSettings(
        backend="ollama", url=url, model="qwen2.5vl:7b", timeout=30.0, max_concurrent=limit
    )


async def _throughput(client: VLMClient, questions: int, callers: int) -> float:
    """Return answers per second for `questions` asked by `callers` at once."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(questions):
        queue.put_nowait(index)

    async def caller() -> None:
        while not queue.empty():
            queue.get_nowait()
            await client.analyze(IMAGE)

    started = time.monotonic()
    await asyncio.gather(*(caller() for _ in range(callers)))
    return questions / (time.monotonic() - started)


async def main(args: argparse.Namespace) -> None:
    """Measure each server alone, then both as a pool, then one stopped."""
    fast, slow = StandInVLM(), StandInVLM()
    fast.delay, slow.delay = args.fast, args.slow
    await fast.start()
    await slow.start()
    try:
        async with aiohttp.ClientSession() as session:
            alone = {}
            for name, server in (("fast", fast), ("slow", slow)):
                client = create_client(session, _settings(server.url, args.limit))
                alone[name] = await _throughput(client, args.questions, args.callers)
            members = pool_settings(_settings(fast.url, args.limit), [slow.url])
            pool = VLMPool(session, [create_client(session, member) for member in members])
            fast_before, slow_before = len(fast.chat_requests), len(slow.chat_requests)
            pooled = await _throughput(pool, args.questions, args.callers)
            by_fast = len(fast.chat_requests) - fast_before
            by_slow = len(slow.chat_requests) - slow_before
            print(
                f"two stand-in VLM servers, {args.limit} requests at once each, answers after "
                f"{args.fast * 1000:.0f} ms (fast) and {args.slow * 1000:.0f} ms (slow); "
                f"{args.questions} questions from {args.callers} callers at once"
            )
            print(f"  fast server alone        {alone['fast']:6.1f} answers/s")
            print(f"  slow server alone        {alone['slow']:6.1f} answers/s")
            print(
                f"  both as one pool         {pooled:6.1f} answers/s = "
                f"{pooled / (alone['fast'] + alone['slow']):.2f} times the sum of the two alone"
            )
            print(
                f"  questions answered by    fast {by_fast} ({by_fast / args.questions:.0%}), "
                f"slow {by_slow} ({by_slow / args.questions:.0%})"
            )
            # One stops in the middle of a run: nothing is lost, the other takes all.
            run = asyncio.create_task(_throughput(pool, args.questions, args.callers))
            await asyncio.sleep(args.questions / pooled / 3)
            await fast.stop()
            failed = 0
            try:
                await run
            except Exception:  # noqa: BLE001
                failed = 1
            away = [item for item in pool.stats() if not item["healthy"]]
            print(
                f"  fast server stopped mid-run: {'all answered' if not failed else 'a question FAILED'}"
                f"; {len(away)} server counted away ({away[0]['last_error'] if away else '-'})"
            )
    finally:
        await fast.stop()
        await slow.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fast", type=float, default=0.2, help="fast answer time, s (0.2)")
    parser.add_argument("--slow", type=float, default=0.6, help="slow answer time, s (0.6)")
    parser.add_argument("--limit", type=int, default=2, help="requests at once per server (2)")
    parser.add_argument("--questions", type=int, default=120, help="questions per run (120)")
    parser.add_argument("--callers", type=int, default=8, help="callers at once (8)")
    asyncio.run(main(parser.parse_args()))
