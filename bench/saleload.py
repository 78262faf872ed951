"""A counter-sales load generator that times every request itself: asyncio, keep-alive HTTP/1.1,
one coroutine per connection, each with one request in flight. wrk's latency figures for the sales
script broke Little's law by an order of magnitude (a mean of 130–220 ms at 32 connections and
2,100–3,600 requests/s, where at most 32/3,600 s = 9 ms is possible), so the sales figures come
from here; `little_check` in the result compares them with the throughput."""
import asyncio
import random
import time


async def _connection(port, plan, token, stop_at, latencies, statuses, key_prefix, rng, slow):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = 0
    try:
        while time.monotonic() < stop_at:
            point, sku = plan(rng)
            body = ('{"payment_method":"cash","lines":[{"sku":"%s","quantity":1}]}' % sku).encode()
            n += 1
            head = (f"POST /v1/points/{point}/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                    f"Content-Type: application/json\r\nIdempotency-Key: {key_prefix}-{n}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            started = time.perf_counter_ns()
            writer.write(head + body)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
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


def run(ports, token, deep, scarce, connections, seconds, key_prefix, seed=1):
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
                        random.Random(seed + i), slow)
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
            "slow": slow[:20], "slow_count": len(slow)}
