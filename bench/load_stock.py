#!/usr/bin/env python3
"""Bulk-load stock history straight into the service's SQLite file (the service must be stopped).

    python3 bench/load_stock.py DB --published SLUGS_FILE [--ledger-rows 1000000] [--seed 7]

Creating a million ledger rows through POST /v1/points/{slug}/sales would take hours on this
machine, so the history is written here with sqlite3, in one transaction, the way the service
writes it (StockStore.move/sell): every ledger row has its stock_levels row updated to match, every
sale ledger row has its `sales` and `sale_lines` rows, and each point's receipt_sequence is moved
past the receipt numbers used, so later counter sales do not collide. The points themselves (and
the receipts of the sample the sales benchmark sells from) were created over HTTP beforehand; any
(point, SKU) that already holds stock is left alone.

History per point: ~40 published SKUs, each with a few batches; a batch is received (+40..90), then
sold one or two units at a time, sometimes down to zero, sometimes written off (adjustment).
Ends with a consistency check: sum(ledger.delta) = stock_levels.quantity for every (point, SKU,
batch), no negative level.
"""
import argparse
import datetime
import os
import random
import sqlite3
import sys
import time

ACTOR = "user:bench-history"
START = datetime.datetime(2025, 1, 6, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
VIETNAM = datetime.timedelta(hours=7)


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("database")
    ap.add_argument("--published", required=True, help="file with the published product slugs, one a line")
    ap.add_argument("--ledger-rows", type=int, default=1_000_000, help="total rows the ledger should hold")
    ap.add_argument("--skus-per-point", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()

    db = sqlite3.connect(args.database, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = OFF")  # a bulk load: the file is rebuilt if this is interrupted
    with open(args.published, encoding="utf-8") as f:
        published = {line.strip() for line in f if line.strip()}
    variants = [(sku, price) for sku, product, price in
                db.execute("SELECT sku, product_slug, price FROM variants WHERE withdrawn_at IS NULL ORDER BY sku")
                if product in published]
    points = [row[0] for row in db.execute("SELECT slug FROM points ORDER BY slug")]
    existing = db.execute("SELECT COUNT(*) FROM stock_ledger").fetchone()[0]
    held = {(p, s) for p, s in db.execute("SELECT DISTINCT point_slug, sku FROM stock_levels")}
    if not points or not variants:
        sys.exit("load_stock: no points or no published variants in the database")
    to_write = args.ledger_rows - existing
    if to_write <= 0:
        print(f"ledger already holds {existing} rows; nothing to load")
        return

    next_sale_id = (db.execute("SELECT COALESCE(MAX(id), 0) FROM sales").fetchone()[0]) + 1
    per_point = [to_write // len(points) + (1 if i < to_write % len(points) else 0) for i in range(len(points))]
    ledger, levels, sales, lines, sequences = [], [], [], [], []
    span = (END - START).total_seconds()

    for point, quota in zip(points, per_point):
        seq = db.execute("SELECT receipt_sequence FROM points WHERE slug = ?", (point,)).fetchone()[0]
        skus = [v for v in rng.sample(variants, min(len(variants), args.skus_per_point * 2)) if (point, v[0]) not in held]
        skus = skus[: args.skus_per_point]
        per_sku = [quota // len(skus) + (1 if i < quota % len(skus) else 0) for i in range(len(skus))]
        events = []  # (time, sku, price, batch, best_before, delta, kind, reason)
        for (sku, price), budget in zip(skus, per_sku):
            batch_no = 0
            t = START + datetime.timedelta(seconds=rng.random() * span * 0.1)
            while budget > 0:
                batch_no += 1
                batch = f"L{t:%y%m}-{batch_no:02d}"
                best_before = (t + datetime.timedelta(days=rng.randrange(120, 720))).date().isoformat()
                received = rng.randrange(40, 91)
                events.append((t, sku, price, batch, best_before, received, "receipt", None))
                budget -= 1
                left = received
                # Sell this batch down; the last batch keeps some stock so points have availability.
                while budget > 0 and left > 0:
                    t += datetime.timedelta(seconds=rng.random() * span / 60)
                    if rng.random() < 0.02:  # a written-off unit now and then
                        events.append((t, sku, price, batch, None, -1, "adjustment", "damaged: bench history"))
                        left -= 1
                    else:
                        q = min(left, rng.choice((1, 1, 1, 2)))
                        events.append((t, sku, price, batch, None, -q, "sale", rng.choice(("cash", "card", "e_wallet"))))
                        left -= q
                    budget -= 1
                    if left < 5 and budget > 0 and rng.random() < 0.5:
                        break  # reorder before the batch runs out
                levels.append((point, sku, batch, best_before, left))
                if t > END:
                    t = END - datetime.timedelta(seconds=rng.random() * 86400 * 30)
        events.sort(key=lambda e: e[0])  # ledger ids follow time within a point, as live writes do
        for t, sku, price, batch, best_before, delta, kind, reason in events:
            at = iso(t)
            if kind == "sale":
                seq += 1
                day = (t + VIETNAM).strftime("%Y%m%d")
                number = f"{day}-{seq:06d}"
                reference = f"sale:{point}:{number}"
                sales.append((next_sale_id, point, number, reason, price * -delta, at, ACTOR))
                lines.append((next_sale_id, 0, sku, -delta, price, 0, price * -delta))
                next_sale_id += 1
                ledger.append((at, point, sku, batch, delta, kind, reason, reference, ACTOR, None, price))
            elif kind == "receipt":
                reference = f"receipt:{point}:bulk-{int(t.timestamp() * 1000)}"
                ledger.append((at, point, sku, batch, delta, kind, None, reference, ACTOR, price * 6 // 10, None))
            else:
                reference = f"adjustment:{point}:{int(t.timestamp() * 1000)}"
                ledger.append((at, point, sku, batch, delta, kind, reason, reference, ACTOR, None, None))
        sequences.append((seq, point))

    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO stock_levels (point_slug, sku, batch, best_before, quantity) VALUES (?, ?, ?, ?, ?)", levels)
    db.executemany(
        """INSERT INTO stock_ledger (at, point_slug, sku, batch, delta, kind, reason, reference, actor, unit_cost,
           unit_price) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", ledger)
    db.executemany(
        "INSERT INTO sales (id, point_slug, receipt_number, payment_method, total, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sales)
    db.executemany(
        """INSERT INTO sale_lines (sale_id, position, sku, quantity, unit_price, discount, amount)
           VALUES (?, ?, ?, ?, ?, ?, ?)""", lines)
    db.executemany("UPDATE points SET receipt_sequence = ? WHERE slug = ?", sequences)
    db.execute("COMMIT")
    db.execute("ANALYZE")

    # The books must balance, as after any live movement.
    mismatches = db.execute(
        """SELECT COUNT(*) FROM stock_levels l LEFT JOIN (SELECT point_slug, sku, batch, SUM(delta) AS total
           FROM stock_ledger GROUP BY point_slug, sku, batch) g USING (point_slug, sku, batch)
           WHERE COALESCE(g.total, 0) != l.quantity""").fetchone()[0]
    negative = db.execute("SELECT COUNT(*) FROM stock_levels WHERE quantity < 0").fetchone()[0]
    total = db.execute("SELECT COUNT(*) FROM stock_ledger").fetchone()[0]
    db.close()
    print(f"loaded {len(ledger)} ledger rows ({len(sales)} sales, {len(levels)} batches) at {len(points)} points "
          f"in {time.monotonic() - started:.1f} s; ledger now {total} rows; mismatches {mismatches}, negative {negative}")
    if mismatches or negative:
        sys.exit(1)


if __name__ == "__main__":
    main()
