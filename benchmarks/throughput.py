"""Batch throughput against a loopback server with a fixed latency.

Starts, in a separate process, a minimal OpenAI-compatible HTTP server that answers
every chat completion after ``--latency`` seconds with a response of the recorded shape
(a ``chat.completion`` whose content is a valid draft quoting the article's first
sentence). Then:

1. runs ``--articles`` synthetic articles through ``summarizer``'s batch engine at
   ``--concurrency``, and prints wall time, the ideal N·L/C, their ratio, and the
   library's CPU time per article (the server's CPU is in the other process);
2. runs, at the same concurrency and on the same server and articles, the floor: a raw
   async openai SDK loop that parses each answer with pydantic, and an async instructor
   loop (``response_model=Draft``); both get their prompts rendered beforehand, outside
   the clock. The engine's CPU per article is printed as a ratio of the floor's
   (target <= 1.5x, though the engine also reads, grounds and verifies each article);
3. runs a plain sequential instructor loop over the same server and articles;
4. fills a record cache with ``--cached`` articles, re-runs them warm, and prints the
   requests that re-run made (should be 0) and its wall time.

Targets: ratio >= 0.90 at N=200, L=0.5 s, C=16; < 5 ms library CPU per article; a warm
re-run of 1,000 cached articles makes 0 requests and takes < 2 s.

Usage::

    python benchmarks/throughput.py [--articles 200] [--latency 0.5] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import re
import socket
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

_SENTENCE = re.compile(r"\[S1\] ([^\n]+)")
_CITIES = ["Lyon", "Porto", "Gdansk", "Tartu", "Cork", "Bari", "Graz", "Brno", "Split", "Turku"]


def _article(n: int) -> str:
    city = _CITIES[n % len(_CITIES)]
    return (
        f"date: 2024-03-{n % 28 + 1:02d}\n"
        f"The mayor of {city} announced plan number {n} for the harbour on Monday. "
        f"Residents said the plan would bring {n % 7 + 2} new ferry lines to {city}. "
        "The opposition criticised the cost and asked for a public vote before the summer."
    )


def _answer(prompt: str) -> dict[str, Any]:
    match = _SENTENCE.search(prompt)
    first = match.group(1) if match else ""
    quote = " ".join(first.split()[:6]) or "The"
    draft = {
        "headline": "Harbour plan announced",
        "summary": "A mayor announced a harbour plan; the opposition asked for a vote.",
        "actors": [
            {"id": "A1", "name": "mayor", "kind": "person", "role": "mayor", "country": None,
             "mentions": [], "sentences": [1], "quote": quote},
        ],
        "stances": [],
        "demands": [],
        "events": [
            {"type": "other", "description": "A harbour plan was announced", "agents": ["A1"],
             "targets": [], "when": "Monday", "where": None, "realis": "occurred",
             "killed": None, "injured": None, "sentences": [1], "quote": quote},
        ],
    }  # fmt: skip
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 0,
        "model": "bench",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": json.dumps(draft)},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 500, "completion_tokens": 150, "total_tokens": 650},
    }


def _serve(port: int, latency: float, ready: Any) -> None:
    requests = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                if path.endswith("/stats"):
                    payload = json.dumps({"requests": requests}).encode()
                elif method == "POST" and path.endswith("/chat/completions"):
                    requests += 1
                    request = json.loads(body)
                    prompt = "\n".join(str(m.get("content", "")) for m in request["messages"])
                    await asyncio.sleep(latency)
                    payload = json.dumps(_answer(prompt)).encode()
                else:
                    payload = b'{"object": "list", "data": [{"id": "bench"}]}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _requests(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/stats", timeout=5) as response:
        return int(json.loads(response.read())["requests"])


async def _batch(
    base_url: str, texts: list[str], concurrency: int, cache: Any = None
) -> tuple[float, float, int]:
    from summarizer import ArticleInput, Settings, Summarizer, asummarize_many

    settings = Settings(
        base_url=base_url, model="bench", backend="vllm", timeout=60, concurrency=concurrency
    )
    inputs = [ArticleInput(f"a{n}", text) for n, text in enumerate(texts)]
    failures = 0
    wall, cpu = time.perf_counter(), time.process_time()
    async with Summarizer(settings, cache=cache) as summarizer:
        async for result in asummarize_many(inputs, summarizer):
            failures += result.error is not None
    return time.perf_counter() - wall, time.process_time() - cpu, failures


def _messages(texts: list[str]) -> list[list[dict[str, str]]]:
    from summarizer import load_article
    from summarizer.prompts import load_template, render_messages

    template = load_template()
    return [render_messages(load_article(text, language="en"), template) for text in texts]


async def _raw_sdk(
    base_url: str, prompts: list[list[dict[str, str]]], concurrency: int
) -> tuple[float, float]:
    """The floor: the async SDK and pydantic, nothing else."""
    import openai

    from summarizer.draft import Draft

    client = openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0)
    gate = asyncio.Semaphore(concurrency)

    async def one(messages: list[dict[str, str]]) -> None:
        async with gate:
            response = await client.chat.completions.create(
                model="bench",
                messages=messages,
                response_format={"type": "json_object"},  # type: ignore[arg-type]
            )
            Draft.model_validate_json(response.choices[0].message.content or "")

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(m) for m in prompts))
    result = time.perf_counter() - wall, time.process_time() - cpu
    await client.close()
    return result


async def _instructor_async(
    base_url: str, prompts: list[list[dict[str, str]]], concurrency: int
) -> tuple[float, float]:
    import instructor
    import openai

    from summarizer.draft import Draft

    raw = openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0)
    client = instructor.from_openai(raw, mode=instructor.Mode.JSON_SCHEMA)
    gate = asyncio.Semaphore(concurrency)

    async def one(messages: list[dict[str, str]]) -> None:
        async with gate:
            await client.chat.completions.create(
                model="bench",
                messages=messages,
                response_model=Draft,
                max_retries=0,  # type: ignore[arg-type]
            )

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(m) for m in prompts))
    result = time.perf_counter() - wall, time.process_time() - cpu
    await raw.close()
    return result


def _sequential_instructor(base_url: str, texts: list[str]) -> float:
    import instructor
    import openai

    from summarizer import load_article
    from summarizer.draft import Draft
    from summarizer.prompts import load_template, render_messages

    client = instructor.from_openai(
        openai.OpenAI(base_url=base_url, api_key="x", max_retries=0),
        mode=instructor.Mode.JSON_SCHEMA,
    )
    template = load_template()
    started = time.perf_counter()
    for text in texts:
        messages = render_messages(load_article(text, language="en"), template)
        client.chat.completions.create(model="bench", messages=messages, response_model=Draft)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cached", type=int, default=1000)
    parser.add_argument("--sequential", type=int, default=None, help="articles for the plain loop")
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    servers = []
    urls = []
    for latency in (args.latency, 0.0):
        port, ready = _free_port(), context.Event()
        process = context.Process(target=_serve, args=(port, latency, ready), daemon=True)
        process.start()
        ready.wait(30)
        servers.append(process)
        urls.append(f"http://127.0.0.1:{port}/v1")
    slow, fast = urls
    try:
        texts = [_article(n) for n in range(args.articles)]
        asyncio.run(_batch(slow, texts[:4], 4))  # warm imports, detector, parsers
        before = _requests(slow)
        wall, cpu, failures = asyncio.run(_batch(slow, texts, args.concurrency))
        ideal = args.articles * args.latency / args.concurrency
        print(
            f"batch: {args.articles} articles, latency {args.latency}s, "
            f"concurrency {args.concurrency}"
        )
        print(
            f"  wall {wall:.2f}s, ideal N*L/C {ideal:.2f}s, "
            f"ratio ideal/wall {ideal / wall:.3f} (target >= 0.90)"
        )
        print(f"  library CPU {cpu / args.articles * 1000:.2f} ms per article (target < 5 ms)")
        print(f"  requests {_requests(slow) - before}, failures {failures}")

        prompts = _messages(texts)
        ideal_c = f"ideal {ideal:.2f}s"
        raw_wall, raw_cpu = asyncio.run(_raw_sdk(slow, prompts, args.concurrency))
        ins_wall, ins_cpu = asyncio.run(_instructor_async(slow, prompts, args.concurrency))
        per = 1000 / args.articles
        print(f"same run, same server, concurrency {args.concurrency} ({ideal_c}):")
        print(f"  {'':22} {'wall s':>7} {'ratio':>6} {'CPU ms/article':>15} {'CPU vs raw':>11}")
        for name, w, c in (
            ("raw async SDK", raw_wall, raw_cpu),
            ("instructor async", ins_wall, ins_cpu),
            ("summarizer engine", wall, cpu),
        ):
            print(f"  {name:22} {w:7.2f} {ideal / w:6.3f} {c * per:15.2f} {c / raw_cpu:10.2f}x")

        n_seq = args.sequential or args.articles
        seq = _sequential_instructor(slow, texts[:n_seq])
        print(f"plain sequential instructor loop: {n_seq} articles in {seq:.2f}s")
        print(f"  speed-up of the batch engine: {seq / n_seq * args.articles / wall:.1f}x")

        from summarizer import Cache

        with tempfile.TemporaryDirectory() as folder:
            cache = Cache(Path(folder))
            many = [_article(n) for n in range(args.cached)]
            fill_wall, _, _ = asyncio.run(_batch(fast, many, args.concurrency, cache))
            before = _requests(fast)
            warm_wall, _, failures = asyncio.run(_batch(fast, many, args.concurrency, cache))
            made = _requests(fast) - before
            cache.close()
        print(f"cache: filled {args.cached} records in {fill_wall:.2f}s (latency 0)")
        print(
            f"  warm re-run: {made} requests, {warm_wall:.2f}s wall (target 0 and < 2 s), "
            f"failures {failures}"
        )
    finally:
        for process in servers:
            process.terminate()


if __name__ == "__main__":
    main()
