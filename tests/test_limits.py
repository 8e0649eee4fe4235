"""The limits middleware in process, against a small ASGI app: each limit, its status and message."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import httpx
import pytest

from untoc_kg import limits as limits_module
from untoc_kg.limits import ClientBudgets, Limits, LimitsMiddleware, ResultTooLarge, client_key

LIMITS = Limits(max_body_bytes=1000, max_header_bytes=2000, max_query_length=100, max_result_bytes=1500,
                max_concurrent=2, client_rate=1.0, client_burst=100.0, max_slow_queries=1, slow_query_seconds=0.1)


async def echo(scope, receive, send) -> None:
    """Answers with the request body; for ``?stream``, three 1000-byte chunks; on /wait, after a pause;
    for ``?slow``, a query that runs a while; for ``?queued``, one that waits a while for a worker."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["query_string"] == b"queued":
        await asyncio.sleep(0.3)
    if scope["query_string"] in (b"slow", b"queued"):
        scope[limits_module.QUERY_RUNS]()
    if scope["path"] == "/wait" or scope["query_string"] == b"slow":
        await asyncio.sleep(0.3)
    if scope["query_string"] == b"stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(3):
            await send({"type": "http.response.body", "body": b"x" * 1000, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def app(limits: Limits = LIMITS, client: str = "192.0.2.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=LimitsMiddleware(echo, limits), client=(client, 1234))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def run(coroutine):
    return asyncio.run(coroutine)


async def _get(path: str, **kwargs) -> httpx.Response:
    async with app() as http:
        return await http.get(path, **kwargs)


async def _post(path: str, **kwargs) -> httpx.Response:
    async with app() as http:
        return await http.post(path, **kwargs)


def test_body_is_replayed_to_the_app() -> None:
    assert run(_post("/x", content=b"hello")).content == b"hello"


def test_declared_body_over_limit() -> None:
    response = run(_post("/x", content=b"x" * 1001))
    assert response.status_code == 413
    assert response.text == "413 Content Too Large: the request body exceeds max_body_bytes = 1000 bytes\n"
    assert response.headers["x-limit"] == "max_body_bytes=1000"


def test_streamed_body_over_limit() -> None:
    async def chunks():
        for _ in range(5):
            yield b"x" * 300
    response = run(_post("/x", content=chunks()))
    assert response.status_code == 413 and "max_body_bytes = 1000" in response.text


def test_headers_over_limit() -> None:
    response = run(_get("/x", headers={"X-Big": "y" * 2000}))
    assert response.status_code == 431 and "max_header_bytes = 2000" in response.text


def test_query_length_in_url() -> None:
    response = run(_get("/sparql", params={"query": "x" * 101}))
    assert response.status_code == 414 and "max_query_length = 100 characters" in response.text
    assert run(_get("/sparql", params={"query": "x" * 100})).status_code == 200
    assert run(_get("/other", params={"query": "x" * 101})).status_code == 200


@pytest.mark.parametrize("content_type, body", [
    ("application/sparql-query", b"x" * 101),
    ("application/x-www-form-urlencoded", b"query=" + b"x" * 101),
    ("application/x-www-form-urlencoded", b"format=json&update=" + b"x" * 101),
])
def test_query_length_in_body(content_type: str, body: bytes) -> None:
    response = run(_post("/sparql", content=body, headers={"Content-Type": content_type}))
    assert response.status_code == 413 and "max_query_length = 100" in response.text


def test_client_budget() -> None:
    async def scenario() -> list[httpx.Response]:
        limits = Limits(**{**LIMITS.__dict__, "client_rate": 1.0, "client_burst": 2.0})
        async with app(limits) as http:
            return [await http.get("/x") for _ in range(3)]
    responses = run(scenario())
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[2].headers["retry-after"]) >= 1
    assert "client_rate = 1 tokens per second" in responses[2].text


def test_the_host_itself_is_not_budgeted() -> None:
    async def scenario() -> list[int]:
        limits = Limits(**{**LIMITS.__dict__, "client_rate": 1.0, "client_burst": 1.0})
        async with app(limits, client="127.0.0.1") as http:
            return [(await http.get("/x")).status_code for _ in range(5)]
    assert run(scenario()) == [200] * 5


def test_slow_requests_cost_more() -> None:
    budgets = ClientBudgets(rate=10.0, burst=20.0)
    assert budgets.take("a", 0.0) == 0.0
    budgets.charge("a", 2.0, 2.0)  # a 2 s request: 20 tokens
    assert budgets.take("a", 2.0) > 0.0
    assert budgets.take("b", 2.0) == 0.0


def test_concurrency_limit() -> None:
    async def scenario() -> list[httpx.Response]:
        async with app() as http:
            return list(await asyncio.gather(*(http.get("/wait") for _ in range(3))))
    statuses = sorted(r.status_code for r in run(scenario()))
    assert statuses == [200, 200, 503]


def test_concurrency_refusal_names_the_limit() -> None:
    async def scenario() -> httpx.Response:
        async with app() as http:
            responses = await asyncio.gather(*(http.get("/wait") for _ in range(3)))
            return next(r for r in responses if r.status_code == 503)
    response = run(scenario())
    assert response.headers["retry-after"] == "1" and "max_concurrent = 2 requests" in response.text


def test_declared_result_over_limit() -> None:
    limits = Limits(**{**LIMITS.__dict__, "max_result_bytes": 500, "max_query_length": 1000})
    async def scenario() -> httpx.Response:
        async with app(limits) as http:
            return await http.post("/sparql", content=b"x" * 900, headers={"Content-Type": "text/plain"})
    response = run(scenario())
    assert response.status_code == 422 and "max_result_bytes = 500 bytes" in response.text


def test_streamed_result_over_limit_is_cut_loudly() -> None:
    sent: list[dict] = []

    async def scenario() -> None:
        middleware = LimitsMiddleware(echo, LIMITS)
        scope = {"type": "http", "method": "GET", "path": "/sparql", "raw_path": b"/sparql",
                 "query_string": b"stream", "headers": [], "client": ("127.0.0.1", 1)}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)
        await middleware(scope, receive, send)

    with pytest.raises(ResultTooLarge):
        run(scenario())
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert body.startswith(b"x" * 1000) and body.endswith(b"max_result_bytes = 1500 bytes\n")
    assert all(m.get("more_body") for m in sent if m["type"] == "http.response.body")


@pytest.mark.parametrize("host, key", [
    ("127.0.0.5", "127.0.0.5"),
    ("::ffff:10.1.2.3", "10.1.2.3"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
    ("not-an-address", "not-an-address"),
])
def test_client_key(host: str, key: str) -> None:
    assert client_key({"client": (host, 1)}) == key


def test_worker_memory_limit() -> None:
    """Under the cap, a process cannot allocate past it: the allocation fails, the process lives."""
    code = ("from untoc_kg.limits import apply_worker_memory_limit as cap\n"
            "cap(300)\n"
            "try:\n    block = bytearray(600 * 1024 * 1024)\nexcept MemoryError:\n    print('refused')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "refused", result.stderr


def test_slow_body_answers_408_and_holds_no_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_module, "BODY_SECONDS", 0.2)
    middleware = LimitsMiddleware(echo, LIMITS)
    sent: list[dict] = []

    async def trickle():
        await asyncio.sleep(1.0)
        return {"type": "http.request", "body": b"late", "more_body": False}

    async def send(message):
        sent.append(message)

    async def scenario() -> int:
        scope = {"type": "http", "method": "POST", "path": "/x", "raw_path": b"/x", "query_string": b"",
                 "headers": [], "client": ("127.0.0.1", 1)}
        task = asyncio.create_task(middleware(scope, trickle, send))
        await asyncio.sleep(0.05)
        active_while_reading = middleware.active
        await task
        return active_while_reading

    assert run(scenario()) == 0
    assert sent[0]["status"] == 408 and b"body_seconds = 0.2 seconds" in sent[1]["body"]


def test_budgets_stay_bounded_under_an_address_flood(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_module, "MAX_CLIENTS_TRACKED", 100)
    budgets = ClientBudgets(rate=1.0, burst=10.0)
    for index in range(1000):
        budgets.take(f"10.0.{index // 250}.{index % 250}", 0.0)
        budgets.charge(f"10.0.{index // 250}.{index % 250}", 5.0, 0.0)
    assert len(budgets.buckets) <= 100


def after_a_slow_query(*paths: str) -> list[httpx.Response]:
    """A slow query, then, once it runs, requests for ``paths`` at once: every answer, in that order."""
    async def scenario() -> list[httpx.Response]:
        limits = Limits(**{**LIMITS.__dict__, "max_concurrent": 10})
        async with app(limits) as http:
            first = asyncio.create_task(http.get("/sparql?slow"))
            await asyncio.sleep(0.05)
            others = [asyncio.create_task(http.get(path)) for path in paths]
            return [await first, *[await other for other in others]]
    return run(scenario())


def test_one_slow_query_runs_a_second_is_stopped() -> None:
    first, second, quick = after_a_slow_query("/sparql?slow", "/sparql")
    assert (first.status_code, second.status_code, quick.status_code) == (200, 503, 200)
    assert "max_slow_queries = 1 queries" in second.text and second.headers["retry-after"] == "1"


def test_waiting_for_a_worker_does_not_make_a_query_slow() -> None:
    """The lane counts a query's running time: a quick query queued behind a slow one is not stopped."""
    assert [response.status_code for response in after_a_slow_query("/sparql?queued")] == [200, 200]


def test_slow_pages_are_not_stopped() -> None:
    async def scenario() -> list[int]:
        limits = Limits(**{**LIMITS.__dict__, "max_concurrent": 10})
        async with app(limits) as http:
            return [r.status_code for r in await asyncio.gather(http.get("/wait"), http.get("/wait"))]
    assert run(scenario()) == [200, 200]
