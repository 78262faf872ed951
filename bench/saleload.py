"""A counter-sales load generator that times every request itself: asyncio, keep-alive HTTP/1.1,
one coroutine per connection, each with one request in flight. wrk's latency figures for the sales
script broke Little's law by an order of magnitude (a mean of 130–220 ms at 32 connections and
2,100–3,600 requests/s, where at most 32/3,600 s = 9 ms is possible), so the sales figures come
from here; `little_check` in the result compares them with the throughput."""
import asyncio
import random
import time


def api_sale(token, point, sku, key):
    """A sale through the API: JSON with a bearer token and an Idempotency-Key header."""
    body = ('{"payment_method":"cash","lines":[{"sku":"%s","quantity":1}]}' % sku).encode()
    head = (f"POST /v1/points/{point}/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nIdempotency-Key: {key}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


def console_sale(session, point, sku, key):
    """The same sale as the console's counter form posts it: the session cookie, the CSRF token
    and the form's own idempotency key in the body; a success is a 303 to the receipt."""
    cookie, csrf = session
    body = (f"csrf={csrf}&idempotency_key={key}&code=&sku={sku}&qty=1&discount=0&payment_method=cash"
            "&action=complete").encode()
    head = (f"POST /console/points/{point}/sale HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            f"Origin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


async def read_response(reader):
    """One HTTP/1.1 response with a Content-Length: its status line and body."""
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return status_line, (await reader.readexactly(length) if length else b"")


async def _connection(port, plan, token, stop_at, latencies, statuses, key_prefix, rng, slow, build=api_sale):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = 0
    try:
        while time.monotonic() < stop_at:
            point, sku = plan(rng)
            n += 1
            request = build(token, point, sku, f"{key_prefix}-{n}")
            started = time.perf_counter_ns()
            writer.write(request)
            await writer.drain()
            status_line, _ = await read_response(reader)
            took = time.perf_counter_ns() - started
            latencies.append(took)
            if took > 200_000_000:
                slow.append((round(time.monotonic() - stop_at, 3), round(took / 1e6)))
            status = status_line.split(b" ")[1].decode() if status_line else "closed"
            statuses[status] = statuses.get(status, 0) + 1
            if not status_line:
                break
    finally:
        writer.close()


def run(ports, token, deep, scarce, connections, seconds, key_prefix, seed=1, build=api_sale):
    """Sells for `seconds` on `connections` connections spread over `ports` (one per node, in
    turn); 5% of sales ask for a scarce SKU."""
    def plan(rng):
        return rng.choice(scarce) if scarce and rng.random() < 0.05 else rng.choice(deep)

    latencies, statuses, slow = [], {}, []

    async def main():
        stop_at = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(
            _connection(ports[i % len(ports)], plan, token, stop_at, latencies, statuses, f"{key_prefix}-{i}",
                        random.Random(seed + i), slow, build)
            for i in range(connections)))
        return time.monotonic() - started

    elapsed = asyncio.run(main())
    latencies.sort()
    q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] / 1e6 if latencies else 0.0
    mean_ms = sum(latencies) / max(1, len(latencies)) / 1e6
    rps = len(latencies) / elapsed
    return {"requests": len(latencies), "seconds": elapsed, "rps": rps, "statuses": statuses,
            "p50_ms": q(0.50), "p90_ms": q(0.90), "p99_ms": q(0.99), "max_ms": latencies[-1] / 1e6 if latencies else 0.0,
            "mean_ms": mean_ms,
            # Little's law: connections in flight = throughput × mean latency; near 1.0 when the timing is sound.
            "little_check": rps * mean_ms / 1000 / connections,
            # The requests slower than 200 ms: (seconds before the end of the run, ms).
            "slow": slow[:400], "slow_count": len(slow)}


def pages(port, cookie, paths, connections, seconds):
    """GETs of console pages (with the session cookie, taking gzip as browsers do) for `seconds` on
    `connections` connections: the render latency a tablet waits for, timed per request, and the
    largest page as sent."""
    latencies, statuses = [], {}

    async def one(i):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        stop_at = time.monotonic() + seconds
        n = i
        try:
            while time.monotonic() < stop_at:
                path = paths[n % len(paths)]
                n += 1
                started = time.perf_counter_ns()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                             "Accept-Encoding: gzip\r\n\r\n".encode())
                await writer.drain()
                status_line, body = await read_response(reader)
                latencies.append((time.perf_counter_ns() - started, len(body)))
                status = status_line.split(b" ")[1].decode() if status_line else "closed"
                statuses[status] = statuses.get(status, 0) + 1
                if not status_line:
                    break
        finally:
            writer.close()

    async def main():
        await asyncio.gather(*(one(i) for i in range(connections)))

    asyncio.run(main())
    times = sorted(t for t, _ in latencies)
    q = lambda f: times[min(len(times) - 1, int(f * len(times)))] / 1e6 if times else 0.0
    return {"requests": len(times), "statuses": statuses, "p50_ms": q(0.5), "p99_ms": q(0.99),
            "max_ms": times[-1] / 1e6 if times else 0.0, "max_bytes": max((b for _, b in latencies), default=0)}
