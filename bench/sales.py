#!/usr/bin/env python3
"""Counter sales on each engine, side by side, from one binary: SQLite (the embedded default), one
PostgreSQL node, and two PostgreSQL nodes on one database. Each run starts the service(s) on a fresh
database with the demo catalog, creates the points and receipts over HTTP (20 points, 10 deep SKUs
and 2 scarce ones each, as bench/harness.py does), sells with wrk for --duration seconds at
--connections connections (spread over the nodes) with bench/saleload.py, and checks the books afterwards: levels equal
ledger sums, nothing negative, one sale row per 201, the scarce SKUs sold at most to their stock.

Run by `bench/sales` (which builds the release binary and starts a throwaway PostgreSQL); prints a
table and writes bench/results/<date>-sales.json and .md. Everything talks to 127.0.0.1 only.
"""
import argparse
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (the shared helpers: HTTP, points, logins)
import saleload  # noqa: E402

BENCH, ROOT = harness.BENCH, harness.ROOT
TARGET_P99_MS = 50.0
TARGET_SALES_PER_S = 1500.0
# Issue 20: the console's counter form path, and its pages on a point with 500 SKUs.
TARGET_CONSOLE_SALES_PER_S = 500.0
TARGET_CONSOLE_PAGE_P99_MS = 20.0
CONSOLE_PAGE_SKUS = 500
CONSOLE_CATALOG_PRODUCTS, CONSOLE_CATALOG_SEED = 20000, 20251  # bench/run's catalog and seed


def sql_rows(url, query):
    """Rows of a query, as lists of text, on either engine (the sqlite3 and psql command lines)."""
    if url.startswith("sqlite:"):
        cmd = ["sqlite3", "-readonly", "-separator", "\t", url[len("sqlite:"):], query]
    else:
        cmd = ["psql", url.split("?")[0], "-At", "-F", "\t", "-c", query]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def sql_value(url, query):
    return int(sql_rows(url, query)[0][0])


class Node:
    """One `ocop serve` on a database URL."""

    def __init__(self, binary, url, port, run_dir, name):
        self.binary, self.url, self.port, self.name = binary, url, port, name
        self.log_path = os.path.join(run_dir, f"{name}.log")
        self.run_dir = run_dir
        self.proc = None

    def start(self, timeout=300):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--database", self.url, "--catalog-dir", os.path.join(ROOT, "Catalog"),
             "--media-dir", os.path.join(ROOT, "Media"), "--port", str(self.port), "--host", "127.0.0.1",
             "--log-level", "warning"],
            stdout=logf, stderr=subprocess.STDOUT, cwd=self.run_dir)
        logf.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if harness.request(self.port, "GET", "/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} was not ready within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def add_admin(binary, url, password, run_dir):
    out = subprocess.run([binary, "user", "add", harness.ADMIN, "--role", "admin", "--database", url,
                          "--log-level", "warning"], input=password + "\n", capture_output=True, text=True, cwd=run_dir)
    if out.returncode != 0:
        raise RuntimeError(f"ocop user add failed: {out.stdout}{out.stderr}")


def receipts(port, token, points, url, rng):
    """10 deep SKUs in two batches of 50,000 and 2 scarce SKUs of 5 units at each point."""
    skus = [row[0] for row in sql_rows(url, "SELECT sku FROM variants ORDER BY sku")]
    http_ = harness.KeepAlive(port)
    lines_out = []
    for n, point in enumerate(points):
        chosen = rng.sample(skus, 12)
        lines = []
        for sku in chosen[:10]:
            lines += [{"sku": sku, "batch": "B1", "best_before": "2027-06-30", "quantity": 50000},
                      {"sku": sku, "batch": "B2", "best_before": "2027-12-31", "quantity": 50000}]
            lines_out.append(f"deep {point} {sku}")
        for sku in chosen[10:]:
            lines.append({"sku": sku, "batch": "S1", "best_before": "2027-03-31", "quantity": 5})
            lines_out.append(f"scarce {point} {sku}")
        status, answer = http_("POST", f"/v1/points/{point}/receipts", {"lines": lines, "reference": f"PN-{n + 1}"},
                               {"Authorization": f"Bearer {token}"})
        if status != 201:
            raise RuntimeError(f"receipt at {point}: {status} {answer[:300]!r}")
    http_.close()
    return lines_out


def console_session(port, password):
    """Signs the admin in through the console's form: its cookie and a page's CSRF token."""
    import http.client
    import re
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"username": harness.ADMIN, "password": password})
    conn.request("POST", "/console/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    answer = conn.getresponse()
    answer.read()
    cookie = answer.getheader("Set-Cookie", "").split(";")[0]
    if answer.status != 303 or not cookie:
        raise RuntimeError(f"console sign-in failed: {answer.status}")
    conn.request("GET", "/console", headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    conn.close()
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    if not found:
        raise RuntimeError("no CSRF token on the console's home page")
    return cookie, found.group(1)


def console_pages(port, token, url, session, point, args):
    """500 SKUs in stock at one of the points; its overview, count sheet and counter timed under load."""
    held = {row[0] for row in sql_rows(url, f"SELECT sku FROM stock_levels WHERE point_slug = '{point}'")}
    skus = [row[0] for row in sql_rows(url, "SELECT sku FROM variants ORDER BY sku") if row[0] not in held]
    skus = skus[:CONSOLE_PAGE_SKUS - len(held)]
    http_ = harness.KeepAlive(port)
    for start in range(0, len(skus), 200):
        lines = [{"sku": sku, "batch": "P1", "best_before": "2027-06-30", "quantity": 40} for sku in skus[start:start + 200]]
        status, answer = http_("POST", f"/v1/points/{point}/receipts", {"lines": lines},
                               {"Authorization": f"Bearer {token}"})
        if status != 201:
            raise RuntimeError(f"receipt of 500 SKUs: {status} {answer[:300]!r}")
    http_.close()
    paths = [f"/console/points/{point}", f"/console/points/{point}/count", f"/console/points/{point}/sale",
             f"/console/points/{point}/ledger"]
    saleload.pages(port, session[0], paths, 2, 2)  # warm-up
    # Each page alone, one request at a time (what one tablet waits for), then all four mixed on
    # 4 connections at once (four tablets on this 2-core machine, which also runs the client).
    alone = {path.rsplit("/", 1)[-1] if path.count("/") > 3 else "overview": saleload.pages(port, session[0], [path], 1, 3)
             for path in paths}
    result = saleload.pages(port, session[0], paths, 4, args.duration)
    result["alone"] = alone
    result["skus"] = len(skus) + len(held)
    for name, one in alone.items():
        harness.log(f"  {name} alone: p50 {one['p50_ms']:.1f} ms, p99 {one['p99_ms']:.1f} ms, {one['max_bytes'] / 1024:.0f} KB as sent")
    harness.log(f"  console pages ({result['skus']} SKUs): p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                f"largest {result['max_bytes'] / 1024:.0f} KB as sent (gzip), {result['statuses']}")
    return result


def books(url, created, scarce, in_flight):
    """`created`: every 201 since the database was fresh (warm-up included)."""
    """The ledger check of bench/harness.py, on either engine."""
    mismatches = sql_value(url, """SELECT COUNT(*) FROM (
            SELECT point_slug, sku, batch FROM stock_levels UNION SELECT point_slug, sku, batch FROM stock_ledger) k
        LEFT JOIN stock_levels l USING (point_slug, sku, batch)
        LEFT JOIN (SELECT point_slug, sku, batch, SUM(delta) AS total FROM stock_ledger GROUP BY point_slug, sku, batch) g
            USING (point_slug, sku, batch)
        WHERE COALESCE(l.quantity, 0) != COALESCE(g.total, 0)""")
    negative = sql_value(url, "SELECT COUNT(*) FROM stock_levels WHERE quantity < 0")
    sales = sql_value(url, "SELECT COUNT(*) FROM sales")
    oversold = 0
    for point, sku in scarce:
        received = sql_value(url, f"SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE point_slug = '{point}' "
                                  f"AND sku = '{sku}' AND kind = 'receipt'")
        sold = -sql_value(url, f"SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE point_slug = '{point}' "
                               f"AND sku = '{sku}' AND kind = 'sale'")
        oversold += sold > received
    ok = mismatches == 0 and negative == 0 and oversold == 0 and created <= sales <= created + in_flight
    return {"ok": ok, "level_ledger_mismatches": mismatches, "negative_levels": negative, "sales_rows": sales,
            "http_201": created, "scarce_oversold": oversold}


def run_config(name, urls, args, run_dir, rng):
    """One engine and node count: fresh database, setup, wrk on every node at once, the books."""
    harness.log(f"{name}: starting {len(urls)} node(s)")
    password = "bench-" + uuid.uuid4().hex[:24]
    nodes = [Node(args.binary, url, args.port + i, run_dir, f"{name}-node{i + 1}") for i, url in enumerate(urls)]
    try:
        if name == "console":
            # A province-sized catalog (bench/run's 20k products) instead of the demo's 104 SKUs:
            # the console's pages are timed on a point holding 500 of them, and name every row.
            catalog_dir, _ = harness.ensure_catalog(CONSOLE_CATALOG_PRODUCTS, CONSOLE_CATALOG_SEED)
            harness.timed_import(args.binary, urls[0][len("sqlite:"):], catalog_dir)
        nodes[0].start()  # the first start imports the demo catalog; the others find it done
        add_admin(args.binary, urls[0], password, run_dir)
        for node in nodes[1:]:
            node.start()
        token = harness.login(nodes[0].port, password)
        # "console": SQLite, each sale posted as the counter form posts it (cookie, CSRF, form key).
        console = name == "console"
        credential = console_session(nodes[0].port, password) if console else token
        build = saleload.console_sale if console else saleload.api_sale
        success = "303" if console else "201"
        points, _ = harness.create_points(nodes[0].port, token, args.points, rng)
        sales_lines = receipts(nodes[0].port, token, points, urls[0], rng)
        sales_file = os.path.join(run_dir, f"{name}-sales.txt")
        with open(sales_file, "w") as f:
            f.write("\n".join(sales_lines) + "\n")
        deep = [tuple(line.split()[1:]) for line in sales_lines if line.startswith("deep ")]
        scarce = [tuple(line.split()[1:]) for line in sales_lines if line.startswith("scarce ")]
        ports = [node.port for node in nodes]
        # The warm-up opens the connections and is reported, not counted: new connections arriving
        # together wait once for the server to take them on.
        warm = saleload.run(ports, credential, deep, scarce, args.connections, args.warmup,
                            f"{name}-w{uuid.uuid4().hex[:6]}", build=build)
        before_sales = sql_value(urls[0], "SELECT COUNT(*) FROM sales")
        result = saleload.run(ports, credential, deep, scarce, args.connections, args.duration,
                              f"{name}-{uuid.uuid4().hex[:6]}", build=build)
        created = result["statuses"].get(success, 0)
        check = books(urls[0], created + before_sales, scarce, args.connections)
        row = {"config": name, "nodes": len(nodes), "connections": args.connections,
               "sales_per_s": created / result["seconds"], "http_201": created,
               "refused_409": result["statuses"].get("409", 0),
               "other_statuses": {k: v for k, v in result["statuses"].items() if k not in (success, "409")},
               **{k: result[k] for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms", "little_check", "slow_count", "slow")},
               "warmup": {k: warm[k] for k in ("requests", "p99_ms", "max_ms")}, "books": check}
        if console:
            row["pages"] = console_pages(nodes[0].port, token, urls[0], credential, points[0], args)
        harness.log(f"  {name}: {row['sales_per_s']:.0f} sales/s, p50 {row['p50_ms']:.1f} ms, p90 {row['p90_ms']:.1f} ms, "
                    f"p99 {row['p99_ms']:.1f} ms, max {row['max_ms']:.0f} ms (Little {row['little_check']:.2f}); "
                    f"warm-up max {warm['max_ms']:.0f} ms; books {'OK' if check['ok'] else 'NOT OK'}: {check}")
        return row
    finally:
        for node in nodes:
            node.stop()


def machine():
    info = {"cores": os.cpu_count(), "cpu": "?"}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    info["commit"] = out.stdout.strip()
    return info


def fresh_postgres_url(admin_url):
    name = "ocop_bench_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", admin_url.split("?")[0], "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def markdown(R):
    lines = [f"# Counter sales by engine, {R['date']}", "",
             f"{R['machine']['cpu']} ({R['machine']['cores']} cores, shared with the load generator), tree at commit "
             f"{R['machine'].get('commit', '?')}, binary `{R.get('binary', '?')}` (`--binary`: maybe another build); bench/saleload.py: {R['connections']} keep-alive connections in all "
             f"(spread over the nodes), one sale in flight on each, {R['duration_s']} s after a {R['warmup_s']} s "
             "warm-up, every request timed by the client (Little's law: connections = sales/s × mean latency; "
             "the column says how close). Fresh databases with the demo catalog (the console run: bench/run's "
             f"{CONSOLE_CATALOG_PRODUCTS:,}-product catalog), 20 points. PostgreSQL is the "
             "throwaway test cluster (`fsync=off`, `synchronous_commit=off`); SQLite runs WAL with "
             "`synchronous=NORMAL`.", "",
             "| engine | nodes | sales/s | p50 ms | p90 ms | p99 ms | max ms | Little | 409 | warm-up max ms | books |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in R["runs"]:
        lines.append(f"| {row['config']} | {row['nodes']} | {row['sales_per_s']:,.0f} | {row['p50_ms']:.1f} | "
                     f"{row['p90_ms']:.1f} | {row['p99_ms']:.1f} | {row['max_ms']:.0f} | {row['little_check']:.2f} | "
                     f"{row['refused_409']} | {row['warmup']['max_ms']:.0f} | "
                     f"{'balanced, 0 oversold' if row['books']['ok'] else 'NOT OK ' + json.dumps(row['books'])} |")
    sqlite = next((r for r in R["runs"] if r["config"] == "sqlite"), None)
    if sqlite:
        lines += ["", f"Targets (issue 18, SQLite at 32 connections): p99 under {TARGET_P99_MS:.0f} ms: "
                      f"**{'PASS' if sqlite['p99_ms'] < TARGET_P99_MS else 'FAIL'}** ({sqlite['p99_ms']:.1f} ms); at least "
                      f"{TARGET_SALES_PER_S:,.0f} sales/s: **{'PASS' if sqlite['sales_per_s'] >= TARGET_SALES_PER_S else 'FAIL'}**"
                      f" ({sqlite['sales_per_s']:,.0f}/s); zero oversell: **{'PASS' if sqlite['books']['ok'] else 'FAIL'}**."]
    console = next((r for r in R["runs"] if r["config"] == "console"), None)
    if console:
        pages = console["pages"]
        alone = pages.get("alone", {})
        worst_alone = max((one["p99_ms"] for one in alone.values()), default=float("inf"))
        lines += ["", f"Console pages on a point with {pages['skus']} SKUs ({CONSOLE_CATALOG_PRODUCTS:,}-product catalog), as sent (gzip):", "",
                  "| page | alone p50 ms | alone p99 ms | KB |", "|---|---|---|---|"]
        for name, one in alone.items():
            lines.append(f"| {name} | {one['p50_ms']:.1f} | {one['p99_ms']:.1f} | {one['max_bytes'] / 1024:.0f} |")
        lines.append(f"| all four mixed, 4 connections at once | {pages['p50_ms']:.1f} | {pages['p99_ms']:.1f} | "
                     f"{pages['max_bytes'] / 1024:.0f} |")
        lines += ["", f"Targets (issue 20): the counter form path sustains at least {TARGET_CONSOLE_SALES_PER_S:,.0f} "
                      f"sales/s on SQLite with zero oversell: **"
                      f"{'PASS' if console['sales_per_s'] >= TARGET_CONSOLE_SALES_PER_S and console['books']['ok'] else 'FAIL'}"
                      f"** ({console['sales_per_s']:,.0f}/s, books {'balanced' if console['books']['ok'] else 'NOT OK'}); "
                      f"a console page renders in under {TARGET_CONSOLE_PAGE_P99_MS:.0f} ms at p99 on a point with "
                      f"{pages['skus']} SKUs: one request at a time **{'PASS' if worst_alone < TARGET_CONSOLE_PAGE_P99_MS else 'FAIL'}** "
                      f"(worst page's p99 {worst_alone:.1f} ms); four at once on 4 connections "
                      f"**{'PASS' if pages['p99_ms'] < TARGET_CONSOLE_PAGE_P99_MS else 'FAIL'}** (p99 {pages['p99_ms']:.1f} ms)."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(BENCH, ".build/release/ocop"))
    ap.add_argument("--engines", default="sqlite,postgres,postgres-2,console", help="comma-separated: sqlite, postgres, postgres-2, console (SQLite through the counter form)")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded sales first (reported apart)")
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--port", type=int, default=18180)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--name", default="sales", help="the results files: bench/results/<date>-<name>.md and .json")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    engines = args.engines.split(",")
    admin_url = os.environ.get("OCOP_TEST_POSTGRES_URL")
    if any(e.startswith("postgres") for e in engines) and not admin_url:
        raise SystemExit("PostgreSQL runs need OCOP_TEST_POSTGRES_URL: run bench/sales (it starts a throwaway cluster)")
    date = datetime.date.today().isoformat()
    run_dir = tempfile.mkdtemp(prefix="ocop-bench-sales-")
    harness.RUN = run_dir
    R = {"date": date, "machine": machine(), "binary": args.binary,
         "connections": args.connections, "duration_s": args.duration, "warmup_s": args.warmup, "runs": []}
    try:
        for engine in engines:
            rng = random.Random(args.seed)
            if engine in ("sqlite", "console"):
                urls = ["sqlite:" + os.path.join(run_dir, f"{engine}.sqlite")]
            elif engine in ("postgres", "postgres-2"):
                url = fresh_postgres_url(admin_url)
                urls = [url] * (2 if engine == "postgres-2" else 1)
            else:
                raise SystemExit(f"--engines: unknown '{engine}'")
            R["runs"].append(run_config(engine, urls, args, run_dir, rng))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    with open(os.path.join(BENCH, "results", f"{date}-{args.name}.json"), "w") as f:
        json.dump(R, f, indent=1)
    text = markdown(R)
    with open(os.path.join(BENCH, "results", f"{date}-{args.name}.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
