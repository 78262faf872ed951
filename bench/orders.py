#!/usr/bin/env python3
"""Marketplace orders through pushes (issue 21): how many order lines a second the service imports
on SQLite when Shopee pushes code-3 notices for paid orders, and whether the books still balance.

    bench/run orders                       # release build, 1000 orders of 5 lines
    bench/orders.py --binary .build/debug/ocop --fake .build/debug/ocop-fake-marketplace --orders 200

It starts the local Shopee fake (`ocop-fake-marketplace shopee`, which checks signatures and tokens
as the platform does) and `ocop serve` on a fresh SQLite file with the demo catalog, connects a
Shopee account, lists Cam sành Hà Giang and waits until the sync worker has published it. The fake
then holds N paid orders; each is pushed once, signed with the partner key over the account's
webhook URL, from four connections. The clock runs from the first push until every order is sold
on the ledger. Checks: one sale per order, the units sold equal the lines pushed, every stock level
equals the sum of its ledger rows. Writes bench/results/<date>-orders.json.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
POINT = "diem-ocop-vinh-tuy"
PRODUCT, SKU = "cam-sanh-ha-giang", "CSHG-5KG"
TARGET_LINES_PER_S = 200


def log(message):
    print(f"[orders {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class API:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.token = None

    def call(self, method, path, body=None, expect=(200,)):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        if status not in expect:
            raise RuntimeError(f"{method} {path}: expected {expect}, got {status}: {text[:500]}")
        return json.loads(text) if text else None


def push_all(port, path, pushes, connections):
    """Sends every (body, signature) once over `connections` kept-alive connections; returns the statuses."""
    statuses, lock, queue = {}, threading.Lock(), list(pushes)

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                body, signature = queue.pop()
            connection.request("POST", path, body=body, headers={"Authorization": signature,
                                                                 "Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
            with lock:
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def books(database):
    """(orders sold, sales of the channel, units sold, distinct references, levels off their ledger)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        sold = db.execute("SELECT COUNT(*) FROM marketplace_orders WHERE stock_state = 'sold'").fetchone()[0]
        sales = db.execute("SELECT COUNT(*) FROM sales WHERE channel = 'marketplace'").fetchone()[0]
        units, references = db.execute(
            "SELECT COALESCE(-SUM(delta), 0), COUNT(DISTINCT reference) FROM stock_ledger "
            "WHERE kind = 'sale' AND reference LIKE 'marketplace:%'").fetchone()
        off = db.execute(
            "SELECT COUNT(*) FROM stock_levels l LEFT JOIN (SELECT point_slug, sku, batch, SUM(delta) AS total "
            "FROM stock_ledger GROUP BY point_slug, sku, batch) g ON g.point_slug = l.point_slug AND g.sku = l.sku "
            "AND g.batch = l.batch WHERE l.quantity != COALESCE(g.total, 0)").fetchone()[0]
        pulls = db.execute("SELECT COUNT(*) FROM jobs WHERE kind = 'marketplace_pull'").fetchone()[0]
    return sold, sales, units, references, off, pulls


def run(args):
    work = tempfile.mkdtemp(prefix="ocop-orders-")
    database = os.path.join(work, "ocop.sqlite")
    port = args.port or free_port()
    fake = subprocess.Popen([args.fake, "shopee"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    service = None
    try:
        shop = json.loads(fake.stdout.readline())
        environment = dict(os.environ, OCOP_SECRET_KEY=base64.b64encode(os.urandom(32)).decode())
        logf = open(os.path.join(work, "service.log"), "w")
        service = subprocess.Popen(
            [args.binary, "serve", "--port", str(port), "--host", "127.0.0.1", "--database", f"sqlite:{database}",
             "--log-level", "warning", "--allow-outbound-host", "127.0.0.1"],
            cwd=ROOT, stdout=logf, stderr=subprocess.STDOUT, env=environment)
        api = API(port)
        for _ in range(600):
            try:
                api.call("GET", "/readyz")
                break
            except (OSError, RuntimeError):
                time.sleep(0.1)
        password = "bench-" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
        subprocess.run([args.binary, "user", "add", "bench-office", "--role", "admin", "--database",
                        f"sqlite:{database}"], input=(password + "\n").encode(), cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        api.token = api.call("POST", "/v1/auth/login", {"username": "bench-office", "password": password})["token"]

        units = args.orders * args.lines
        api.call("POST", "/v1/points", {
            "slug": POINT, "name": "Điểm OCOP Vĩnh Tuy", "location_type": "commune_centre",
            "address": "Thôn Vĩnh Chính", "province": "08", "commune": "01156", "latitude": 22.26,
            "longitude": 104.87, "opening_hours": "07:30–20:00",
            "criteria": [{"key": "signboard", "met": True, "note": "biển theo mẫu"}]}, expect=(201,))
        best_before = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()
        api.call("POST", f"/v1/points/{POINT}/receipts", {"lines": [
            {"sku": SKU, "batch": "L1", "best_before": best_before, "quantity": units + 10}]}, expect=(201,))
        account = api.call("POST", "/v1/marketplace-accounts", {
            "marketplace": "shopee", "name": "Bench shop", "base_url": shop["base_url"],
            "credentials": shop["credentials"], "point": POINT, "stock_ratio": 1, "stock_buffer": 0,
            "category_map": {"I.1.a": "100629", "I.3.b": "100630", "I.5.a": "100631", "IV.1": "100640"},
            "attribute_defaults": {"100037": "Việt Nam"}}, expect=(201,))
        listing = api.call("POST", "/v1/listings", {"account": account["id"], "product": PRODUCT}, expect=(201,))
        for _ in range(600):
            listing = api.call("GET", f"/v1/listings/{listing['id']}")
            if listing["status"] == "published":
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"the listing was not published: {listing}")
        item = listing["external_id"]

        fake.stdin.write(f"orders {args.orders} BENCH {item} {args.lines} 1 199000 READY_TO_SHIP\n")
        fake.stdin.flush()
        answer = json.loads(fake.stdout.readline())
        assert answer.get("ok"), answer
        url = account["webhook_url"]
        path = "/" + url.split("/", 3)[3]
        key = shop["credentials"]["partner_key"].encode()
        now = int(time.time())
        pushes = []
        for index in range(args.orders):
            body = json.dumps({"msg_id": f"bench-{index}", "data": {
                "completed_scenario": "", "items": [], "ordersn": f"BENCH-{index}", "status": "READY_TO_SHIP",
                "update_time": now}, "shop_id": int(shop["credentials"]["shop_id"]), "code": 3, "timestamp": now},
                separators=(",", ":"))
            pushes.append((body, hmac.new(key, f"{url}|{body}".encode(), hashlib.sha256).hexdigest()))

        log(f"pushing {args.orders} orders of {args.lines} lines ({units} lines) from {args.connections} connections")
        started = time.monotonic()
        statuses = push_all(port, path, pushes, args.connections)
        pushed = time.monotonic() - started
        while time.monotonic() - started < args.timeout:
            if books(database)[0] >= args.orders:
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        sold, sales, sold_units, references, off, pulls = books(database)
        result = {
            "date": datetime.date.today().isoformat(), "binary": args.binary, "orders": args.orders,
            "lines_per_order": args.lines, "lines": units, "push_statuses": statuses, "push_seconds": round(pushed, 3),
            "seconds_to_all_sold": round(elapsed, 3), "lines_per_s": round(units / elapsed, 1),
            "target_lines_per_s": TARGET_LINES_PER_S, "orders_sold": sold, "marketplace_sales": sales,
            "units_sold": sold_units, "sale_references": references, "levels_off_their_ledger": off,
            "pull_jobs_queued_meanwhile": pulls,
        }
        result["checks_pass"] = (sold == args.orders and sales == args.orders and sold_units == units
                                 and references == args.orders and off == 0 and statuses == {200: args.orders})
        result["target_met"] = result["checks_pass"] and result["lines_per_s"] >= TARGET_LINES_PER_S
        return result
    finally:
        if service:
            service.terminate()
            service.wait(timeout=20)
        fake.stdin.close()
        fake.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(BENCH, ".build/release/ocop"))
    ap.add_argument("--fake", default=os.path.join(BENCH, ".build/release/ocop-fake-marketplace"))
    ap.add_argument("--orders", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=5, help="lines per order")
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--timeout", type=int, default=600, help="seconds to wait for every order to be sold")
    ap.add_argument("--results", default=os.path.join(BENCH, "results"))
    args = ap.parse_args()
    result = run(args)
    os.makedirs(args.results, exist_ok=True)
    path = os.path.join(args.results, f"{result['date']}-orders.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    log(f"{result['lines']} lines in {result['seconds_to_all_sold']} s: {result['lines_per_s']} lines/s "
        f"(target {TARGET_LINES_PER_S}); checks {'pass' if result['checks_pass'] else 'FAIL'}; {path}")
    log(json.dumps(result))
    sys.exit(0 if result["target_met"] else 1)


if __name__ == "__main__":
    main()
