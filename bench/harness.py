#!/usr/bin/env python3
"""The benchmark run behind `bench/run`: data, service, nginx ceiling, wrk scenarios, results file.

Everything talks to 127.0.0.1 only, every loop is bounded, and every process it starts is stopped
by its own pid at the end. Steps (each prints what it does):

  1. generate the 20k catalog (bench/generate.py; reused when the generator and seed are unchanged)
  2. `ocop import` it into a fresh SQLite file, timed, then again unchanged, timed
  3. an admin account (`ocop user add`), the service, 500 points over HTTP, receipts over HTTP at
     the 20 points the sales scenario sells from
  4. the bulk stock history (bench/load_stock.py, sqlite3) up to 1,000,000 ledger rows
  5. cold start to ready, 3 times; the last process stays up and is measured
  6. the bodies the service returns, fetched with curl into files that nginx serves
  7. wrk: detail, list, search on nginx then on the service; sales and the 90/10 mix on the service;
     the ledger checked with sqlite3 after each writing scenario; peak RSS
  8. the 200k variant: import, re-import, cold start, RSS and the read scenarios on the service
  9. bench/results/<date>.md (the table), <date>.json (every number) and <date>/ (raw wrk output)
"""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
DATA = os.path.join(BENCH, "data")
RUN = os.path.join(DATA, "run")
LUA = os.path.join(BENCH, "lua")
CLK_TCK = os.sysconf("SC_CLK_TCK")
ADMIN = "bench-admin"

# The targets of issue 9; each result row says which one it is checked against.
TARGETS = {
    "read_ratio": 0.50,        # service req/s >= 50% of nginx's on the same bodies
    "search_p99_ms": 10.0,     # search without diacritics, 32 connections
    "sales_per_s": 1000.0,     # counter sales on SQLite, zero oversell
    "import_s": 30.0,          # 20k products, fresh database
    "reimport_s": 5.0,         # the same files again
    "rss_mb": 300.0,           # peak RSS serving 20k
    "cold_start_s": 2.0,       # exec to /readyz 200 with the catalog imported
    "growth_read_drop": 0.50,  # 20k -> 200k: read req/s keeps more than half
    "growth_import": 10.0,     # 20k -> 200k (x10 products): import time at most x10
    "page_ratio": 0.50,        # the HTML product page >= 50% of nginx serving the same bytes (issue 19)
    "gzip_size": 0.35,         # gzip bodies of list and product answers at most 35% of plain (issue 19)
    "gzip_rps": 1.0,           # gzip req/s no lower than plain req/s, same run (issue 19)
}

# Filtered list pages (group + min_stars + province) and searches typed without diacritics.
LIST_GROUPS = ["I", "I.1", "I.2.b", "I.3", "I.5", "II", "III", "IV.1"]
LIST_PROVINCES = ["01", "08", "15", "38", "40", "52", "66", "79", "82", "92"]
SEARCHES = ["che shan tuyet", "mat ong rung", "gao st25", "nuoc mam cot", "ruou nep cai hoa vang",
            "gom bat trang", "ca phe robusta", "cam sanh", "tra atiso", "tinh dau que", "banh chung",
            "hat dieu rang", "mien dong", "ca betta", "tho cam", "homestay cong dong", "nem chua",
            "o mai mo", "thit trau gac bep", "hoa lan ho diep", "che tan cuong", "mat ong bac ha",
            # typed as the shopper goes: a prefix of the last word, short and broad
            "cam", "tra", "mat ong h"]


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- small tools
def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def request(port, method, path, body=None, headers=None, timeout=30):
    """One HTTP request on a fresh connection; returns (status, bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        hdrs = {"Content-Type": "application/json"} if data is not None else {}
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class KeepAlive:
    """Many requests over one connection (creating 500 points, paging the catalog)."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def __call__(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json"} if data is not None else {}
        hdrs.update(headers or {})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise

    def close(self):
        self.conn.close()


def cpu_busy_ticks():
    """Machine-wide busy and total jiffies, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def process_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            total += int(parts[11]) + int(parts[12])  # utime + stime
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


def children_of(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return kids


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


# --------------------------------------------------------------------------- the service
class Service:
    """`ocop serve` on a database file, started and stopped by pid."""

    def __init__(self, binary, port, database, catalog, media, name):
        self.binary, self.port, self.database = binary, port, database
        self.catalog, self.media, self.name = catalog, media, name
        self.proc = None
        self.log_path = os.path.join(RUN, f"service-{name}.log")

    def start(self, timeout=300):
        """Starts the process and returns seconds from exec to the first /readyz 200."""
        assert port_free(self.port), f"port {self.port} is taken; pass --service-port"
        logf = open(self.log_path, "ab")
        step = TimedStep(f"start {self.name}").__enter__()
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--database", f"sqlite:{self.database}", "--catalog-dir", self.catalog,
             "--media-dir", self.media, "--port", str(self.port), "--host", "127.0.0.1"],
            stdout=logf, stderr=subprocess.STDOUT, cwd=RUN)
        logf.close()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _ = request(self.port, "GET", "/readyz", timeout=2)
                if status == 200:
                    ready = time.monotonic() - started
                    step.finish(own_seconds=process_ticks([self.proc.pid]) / CLK_TCK)
                    return ready
            except OSError:
                pass
            time.sleep(0.005)  # 5 ms polling: the resolution of the cold-start figure
        raise RuntimeError(f"the service was not ready within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def rss_mb(self):
        return {"vm_hwm_mb": status_kb(self.pid, "VmHWM") / 1024, "vm_rss_mb": status_kb(self.pid, "VmRSS") / 1024}


class Nginx:
    def __init__(self, port, www):
        self.port, self.www = port, www
        self.proc = None
        self.conf = os.path.join(RUN, "nginx.conf")

    def start(self):
        assert port_free(self.port), f"port {self.port} is taken; pass --nginx-port"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(RUN, "nginx-tmp", sub), exist_ok=True)
        with open(os.path.join(BENCH, "nginx.conf.in")) as f:
            text = f.read().replace("@RUN@", RUN).replace("@WWW@", self.www).replace("@PORT@", str(self.port))
        with open(self.conf, "w") as f:
            f.write(text)
        subprocess.run(["nginx", "-t", "-q", "-c", self.conf, "-p", RUN], check=True)
        self.proc = subprocess.Popen(["nginx", "-c", self.conf, "-p", RUN, "-g", "daemon off;"])
        for _ in range(200):
            if not port_free(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    @property
    def pids(self):
        return [self.proc.pid] + children_of(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master exits
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


# --------------------------------------------------------------------------- wrk
def background_load(pids, seconds=2.0):
    """Cores busy outside `pids` over a short sample: other engineers' builds and tests."""
    busy0, total0 = cpu_busy_ticks()
    ours0 = process_ticks(pids)
    time.sleep(seconds)
    busy1, total1 = cpu_busy_ticks()
    ours1 = process_ticks(pids)
    machine = (busy1 - busy0) / max(1, total1 - total0) * os.cpu_count()
    return max(0.0, machine - (ours1 - ours0) / CLK_TCK / seconds)


def wait_for_quiet(pids, max_wait, threshold=0.5):
    """The machine is shared: before a measured run, wait (bounded) until other processes use less
    than `threshold` cores, so that fewer runs are measured during someone's build."""
    waited, load = 0.0, background_load(pids)
    while load > threshold and waited < max_wait:
        time.sleep(3)
        waited += 5
        load = background_load(pids)
    return waited, load


# Cores used by other processes during each timed import and start (not only during wrk runs):
# imports and starts use both cores, so a build elsewhere shows directly in their times.
TIMED_STEPS = []


class TimedStep:
    """Times a step and the cores other processes used meanwhile: the machine's busy time minus the
    step's own processes (`own_ticks` returns theirs; by default, the children waited for)."""

    def __init__(self, what, own_ticks=None, quiet_wait=20):
        self.what, self.own_ticks, self.quiet_wait = what, own_ticks, quiet_wait

    def __enter__(self):
        self.waited, _ = wait_for_quiet((), self.quiet_wait)
        self.busy0, _ = cpu_busy_ticks()
        self.children0 = self._children_seconds()
        self.t0 = time.monotonic()
        return self

    def _children_seconds(self):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def finish(self, own_seconds=None):
        """Ends the step; `own_seconds` is the step's CPU time when its process was not waited for."""
        elapsed = time.monotonic() - self.t0
        busy1, _ = cpu_busy_ticks()
        own = own_seconds if own_seconds is not None else self._children_seconds() - self.children0
        other = max(0.0, ((busy1 - self.busy0) / CLK_TCK - own) / max(elapsed, 1e-6))
        TIMED_STEPS.append({"step": self.what, "seconds": round(elapsed, 3), "other_cores": round(other, 2),
                            "waited_for_quiet_s": self.waited})
        return elapsed

    def __exit__(self, *exc):
        return False


def wrk(name, port, script, env, args, raw_dir, pids=(), duration=None):
    """Runs wrk once; returns its numbers, plus CPU use of the target, wrk and everything else."""
    duration = duration or args.duration
    waited, quiet = wait_for_quiet(pids, args.max_quiet_wait) if pids else (0.0, None)
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "5s", "--latency",
           "-s", os.path.join(LUA, script), f"http://127.0.0.1:{port}"]
    full_env = dict(os.environ, BENCH_LUA_DIR=LUA, **env)
    busy0, total0 = cpu_busy_ticks()
    target0 = process_ticks(pids)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    t0 = time.monotonic()
    out = subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=duration + 60)
    elapsed = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, total1 = cpu_busy_ticks()
    target1 = process_ticks(pids)
    with open(os.path.join(raw_dir, f"{name}.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n\n" + out.stdout + out.stderr)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed for {name}: {out.stderr or out.stdout}")
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if not line:
        raise RuntimeError(f"wrk printed no BENCH_JSON for {name}:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[len("BENCH_JSON "):])
    seconds = r["duration_us"] / 1e6
    wrk_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    machine_cores = (busy1 - busy0) / max(1, total1 - total0) * os.cpu_count()
    target_cores = (target1 - target0) / CLK_TCK / elapsed
    wrk_cores = wrk_cpu / elapsed
    result = {
        "name": name, "rps": r["requests"] / seconds, "requests": r["requests"], "seconds": seconds,
        "p50_ms": r["p50_us"] / 1000, "p90_ms": r["p90_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000, "mean_ms": r["mean_us"] / 1000, "bytes_per_response": r["bytes"] / max(1, r["requests"]),
        "errors": r["errors"], "statuses": r["statuses"],
        "non_2xx": r["errors"]["status"], "socket_errors": sum(v for k, v in r["errors"].items() if k != "status"),
        "cpu_target_cores": round(target_cores, 2), "cpu_wrk_cores": round(wrk_cores, 2),
        "cpu_other_cores": round(max(0.0, machine_cores - target_cores - wrk_cores), 2),
        "loadavg_before": load0, "loadavg_after": os.getloadavg()[0],
        "waited_for_quiet_s": waited, "background_cores_before": quiet,
    }
    log(f"  {name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
        f"non-2xx {result['non_2xx']}, other load {result['cpu_other_cores']} cores")
    return result


# --------------------------------------------------------------------------- profiles
# Frames worth showing: the service's own code, the YAML parser, SQLite's engine, retain/release.
INTERESTING = ("OCOP", "Yams", "sqlite3VdbeExec", "sqlite_nio_sqlite3_step", "SQLiteNIO0A10ConnectionC5query",
               "swift_retain", "swift_release", "__memmove", "__memcmp", "_swift_stdlib_getBinaryProperties")


def perf_available():
    return shutil.which("perf") is not None and subprocess.run(
        ["perf", "record", "-q", "-o", "/dev/null", "--", "true"], capture_output=True).returncode == 0


def perf_report(data, name, raw_dir, top=10):
    """Flat report (inclusive %, self %) demangled into raw_dir/profile-<name>.txt; returns the top
    frames of interest as (inclusive %, self %, name)."""
    out = subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "symbol", "-g", "none", "--stdio",
                          "--percent-limit", "0.5"], capture_output=True, text=True, timeout=600).stdout
    frames = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].endswith("%") and parts[2] == "[.]":
            symbol = " ".join(parts[3:])
            if any(k in symbol for k in INTERESTING) and not symbol.endswith("TA") and "thunk" not in symbol:
                frames.append((float(parts[0][:-1]), float(parts[1][:-1]), symbol))
    names = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(f[2] for f in frames),
                           capture_output=True, text=True).stdout.splitlines() if frames else []
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=out, capture_output=True, text=True).stdout
    with open(os.path.join(raw_dir, f"profile-{name}.txt"), "w") as f:
        f.write(demangled)
    os.remove(data)
    result, seen = [], set()
    for (inclusive, self_pct, _), pretty in zip(frames, names):
        pretty = pretty.replace("specialized ", "").replace("partial apply for ", "")[:140]
        if pretty in seen:
            continue
        seen.add(pretty)
        result.append([inclusive, self_pct, pretty])
        if len(result) == top:
            break
    return result


def profile_under_load(name, pid, port, script, env, args, raw_dir, seconds=8):
    """perf on the running service while wrk loads it (a separate pass: the measured runs carry no
    profiler overhead)."""
    data = os.path.join(RUN, f"perf-{name}.data")
    full_env = dict(os.environ, BENCH_LUA_DIR=LUA, **env)
    load = subprocess.Popen(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds + 2}s", "-s",
                             os.path.join(LUA, script), f"http://127.0.0.1:{port}"], env=full_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    subprocess.run(["perf", "record", "-q", "-F", "499", "-g", "-p", str(pid), "-o", data, "--", "sleep",
                    str(seconds)], capture_output=True, timeout=seconds + 60)
    load.wait(timeout=seconds + 60)
    return perf_report(data, name, raw_dir)


def profile_command(name, cmd, raw_dir):
    data = os.path.join(RUN, f"perf-{name}.data")
    subprocess.run(["perf", "record", "-q", "-F", "299", "-g", "-o", data, "--"] + cmd, capture_output=True,
                   cwd=RUN, timeout=3600)
    return perf_report(data, name, raw_dir)


def profile_start(name, service, raw_dir):
    """perf over a start: from exec until /readyz answers 200."""
    data = os.path.join(RUN, f"perf-{name}.data")
    assert port_free(service.port)
    logf = open(service.log_path, "ab")
    perf = subprocess.Popen(["perf", "record", "-q", "-F", "299", "-g", "-o", data, "--", service.binary, "serve",
                             "--database", f"sqlite:{service.database}", "--catalog-dir", service.catalog,
                             "--media-dir", service.media, "--port", str(service.port), "--host", "127.0.0.1"],
                            stdout=logf, stderr=subprocess.STDOUT, cwd=RUN)
    logf.close()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if request(service.port, "GET", "/readyz", timeout=2)[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.05)
    perf.send_signal(signal.SIGINT)  # perf stops recording and ends the service it started
    try:
        perf.wait(timeout=60)
    except subprocess.TimeoutExpired:
        perf.kill()
        perf.wait(timeout=10)
    for _ in range(100):  # the service must be gone before the next start on the same port
        if port_free(service.port):
            break
        time.sleep(0.1)
    return perf_report(data, name, raw_dir)


# --------------------------------------------------------------------------- steps
def ensure_catalog(products, seed):
    out = os.path.join(DATA, f"catalog-{products // 1000}k")
    stamp = os.path.join(out, "generated-by")
    want = f"{sha256_file(os.path.join(BENCH, 'generate.py'))} seed={seed} products={products}\n"
    if os.path.exists(stamp) and open(stamp).read() == want:
        log(f"catalog {out} is up to date (same generator and seed)")
        return out, None
    log(f"generating {products} products into {out}")
    t0 = time.monotonic()
    subprocess.run([sys.executable, os.path.join(BENCH, "generate.py"), "--products", str(products),
                    "--seed", str(seed), "--out", out], check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(want)
    return out, time.monotonic() - t0


def timed_import(binary, database, catalog_dir):
    cmd = [binary, "import", os.path.join(catalog_dir, "Catalog"), "--database", f"sqlite:{database}",
           "--media-dir", os.path.join(catalog_dir, "Media"), "--log-level", "warning"]
    with TimedStep(f"import {os.path.basename(catalog_dir)} into {os.path.basename(database)}") as step:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=RUN, timeout=3600)
        seconds = step.finish()
    if out.returncode != 0:
        raise RuntimeError(f"ocop import failed ({out.returncode}):\n{out.stdout}\n{out.stderr[-4000:]}")
    summary = out.stdout.strip()
    log(f"  ocop import: {seconds:.2f} s: {summary.splitlines()[0] if summary else ''} "
        f"(other load {TIMED_STEPS[-1]['other_cores']:.2f} cores)")
    return seconds, summary


def fresh_imports(binary, database, catalog_dir, runs):
    """`runs` imports, each into a fresh database (the last one stays). An 8-second import moves
    by +-15% from run to run on this shared machine, and the 200k/20k growth divides by it: the
    median of three keeps one slow or fast run from deciding the ratio."""
    times = []
    for _ in range(runs):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(database + suffix):
                os.remove(database + suffix)
        seconds, summary = timed_import(binary, database, catalog_dir)
        times.append(seconds)
    return statistics.median(times), times, summary


def add_admin(binary, database, password, wait_minutes, name=None):
    """`ocop user add` (password on stdin). Another engineer is finishing that CLI: retry while
    the subcommand is missing, for at most wait_minutes."""
    deadline = time.monotonic() + wait_minutes * 60
    while True:
        out = subprocess.run([binary, "user", "add", name or ADMIN, "--role", "admin", "--database", f"sqlite:{database}",
                              "--log-level", "warning"], input=password + "\n", capture_output=True, text=True, cwd=RUN)
        if out.returncode == 0:
            return
        missing = "user" in out.stderr and ("Unexpected argument" in out.stderr or "unknown" in out.stderr.lower())
        if not missing or time.monotonic() > deadline:
            raise RuntimeError(f"ocop user add failed: {out.stdout}{out.stderr}")
        log("  `ocop user add` is not there yet; waiting 30 s and retrying")
        time.sleep(30)


def login(port, password, name=None):
    status, body = request(port, "POST", "/v1/auth/login", {"username": name or ADMIN, "password": password})
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body[:300]!r}")
    return json.loads(body)["token"]


def published_slugs(port):
    """Every published slug, by following next_cursor (which also exercises the cursor)."""
    http_ = KeepAlive(port)
    slugs, cursor, total = [], None, None
    for _ in range(100000):
        path = "/v1/products?limit=100" + (f"&cursor={urllib.parse.quote(cursor, safe='')}" if cursor else "")
        status, body = http_("GET", path)
        assert status == 200, (status, body[:200])
        page = json.loads(body)
        total = page["total"]
        slugs += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    http_.close()
    assert len(slugs) == total == len(set(slugs)), (len(slugs), total)
    return slugs


def published_from_database(database):
    """The products the publication rule shows today (Asia/Ho_Chi_Minh): a certificate of 3★ or more,
    issued, not expired, not revoked."""
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date().isoformat()
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = db.execute(
        """SELECT p.slug FROM products p WHERE p.withdrawn_at IS NULL AND EXISTS (
             SELECT 1 FROM certificates c WHERE c.product_slug = p.slug AND c.stars >= 3 AND c.issued_on <= ?
               AND c.expires_on > ? AND (c.revoked_on IS NULL OR c.revoked_on > ?)) ORDER BY p.slug""",
        (today, today, today)).fetchall()
    db.close()
    return [r[0] for r in rows]


def localities():
    import csv
    communes = {}
    with open(os.path.join(ROOT, "Sources/OCOPDomain/Resources/localities-2025.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            communes.setdefault(row["province_code"], []).append((row["commune_code"], row["province_name"]))
    return communes


def create_points(port, token, count, rng):
    communes = localities()
    provinces = sorted(communes)
    types = ["commercial_centre", "tourist_site", "transport_hub", "craft_village", "commune_centre",
             "highway_rest_stop", "fair_centre", "post_office"]
    http_ = KeepAlive(port)
    slugs = []
    t0 = time.monotonic()
    for i in range(count):
        province = provinces[i % len(provinces)]
        commune, province_name = rng.choice(communes[province])
        slug = f"diem-ocop-{i + 1:03d}"
        body = {"slug": slug, "name": f"Điểm giới thiệu sản phẩm OCOP {province_name} số {i + 1}",
                "location_type": types[i % len(types)], "address": f"Số {rng.randrange(1, 300)} đường Trần Phú",
                "province": province, "commune": commune, "opening_hours": "07:30–21:00 hằng ngày",
                "latitude": round(rng.uniform(9, 22.5), 5), "longitude": round(rng.uniform(103, 109), 5),
                "phone": f"02{rng.randrange(10**8, 10**9)}"}
        status, answer = http_("POST", "/v1/points", body, {"Authorization": f"Bearer {token}"})
        if status != 201:
            raise RuntimeError(f"POST /v1/points: {status} {answer[:300]!r}")
        slugs.append(slug)
    http_.close()
    return slugs, time.monotonic() - t0


def receive_sample(port, token, points, database, published, rng):
    """Receipts over HTTP at the points the sales scenario sells from: 10 deep SKUs in two batches
    of 50,000, and 2 scarce SKUs of 5 units that must sell out without going below zero."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    published = set(published)
    skus = [sku for sku, product in db.execute("SELECT sku, product_slug FROM variants ORDER BY sku")
            if product in published]
    db.close()
    http_ = KeepAlive(port)
    lines_out = []
    t0 = time.monotonic()
    for n, point in enumerate(points):
        chosen = rng.sample(skus, 12)
        deep, scarce = chosen[:10], chosen[10:]
        lines = []
        for sku in deep:
            lines += [{"sku": sku, "batch": "B1", "best_before": "2027-06-30", "quantity": 50000},
                      {"sku": sku, "batch": "B2", "best_before": "2027-12-31", "quantity": 50000}]
            lines_out.append(f"deep {point} {sku}")
        for sku in scarce:
            lines.append({"sku": sku, "batch": "S1", "best_before": "2027-03-31", "quantity": 5})
            lines_out.append(f"scarce {point} {sku}")
        status, answer = http_("POST", f"/v1/points/{point}/receipts", {"lines": lines, "reference": f"PN-{n + 1}"},
                               {"Authorization": f"Bearer {token}", "Idempotency-Key": f"bench-receipt-{point}"})
        if status != 201:
            raise RuntimeError(f"receipt at {point}: {status} {answer[:300]!r}")
    http_.close()
    return lines_out, time.monotonic() - t0


def fetch_bodies(port, www, paths, label):
    """curl fetches each path from the service into the file nginx serves for it (one curl process
    and one kept-alive connection for all of them)."""
    config = os.path.join(RUN, f"curl-{label}.conf")
    with open(config, "w") as f:
        for path in paths:
            if "?" in path:
                target = os.path.join(www, "list", path.split("?", 1)[1] + ".json")
            else:
                target = os.path.join(www, path.lstrip("/") + ".json")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            f.write(f'url = "http://127.0.0.1:{port}{path}"\noutput = "{target}"\n')
    out = subprocess.run(["curl", "-s", "-K", config, "-w", "%{http_code}\n"], capture_output=True, text=True,
                         timeout=1800)
    codes = out.stdout.split()
    bad = [c for c in codes if c != "200"]
    if out.returncode != 0 or len(codes) != len(paths) or bad:
        raise RuntimeError(f"curl fetched {len(codes)} of {len(paths)} bodies, {len(bad)} not 200")


def prime(port, paths, label, headers=()):
    """Asks for every path once (curl, 8 in parallel), so a run starts with what the scenario
    reads in the service's caches, however fast this machine is: a fixed warm-up of a few seconds
    covers all 18,793 pages on a fast machine and half of them on a slow one, and the gzip page run
    followed the gzip detail run, whose answers had pushed the pages out of the shared budget."""
    config = os.path.join(RUN, f"prime-{label}.conf")
    with open(config, "w") as f:
        for path in paths:
            f.write(f'url = "http://127.0.0.1:{port}{path}"\noutput = "/dev/null"\n')
    args = ["curl", "-s", "-Z", "--parallel-max", "8", "-K", config, "-w", "%{http_code}\n"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(args, capture_output=True, text=True, timeout=1800)
    codes = out.stdout.split()
    if out.returncode != 0 or len(codes) != len(paths) or any(c != "200" for c in codes):
        raise RuntimeError(f"priming {label}: {len(codes)} of {len(paths)} answered, not all 200")


def same_bodies(service_port, nginx_port, paths, rng):
    """Spot-checks that nginx answers exactly the bytes the service answers."""
    for path in rng.sample(paths, min(20, len(paths))):
        a = request(service_port, "GET", path)
        b = request(nginx_port, "GET", path)
        if a != b:
            raise RuntimeError(f"nginx and the service differ on {path}: {a[0]} {len(a[1])} vs {b[0]} {len(b[1])}")


def ledger_snapshot(database):
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    r = {
        "max_ledger_id": db.execute("SELECT COALESCE(MAX(id), 0) FROM stock_ledger").fetchone()[0],
        "max_sale_id": db.execute("SELECT COALESCE(MAX(id), 0) FROM sales").fetchone()[0],
        "ledger_rows": db.execute("SELECT COUNT(*) FROM stock_ledger").fetchone()[0],
    }
    db.close()
    return r


def ledger_check(database, before, created, sales_lines, in_flight):
    """After a writing scenario: do the books balance, did anything go below zero, does every 201
    have exactly one sale, and were the scarce SKUs sold at most to their stock? wrk stops counting
    at its deadline with up to one request per connection in flight; those may still commit, so
    the sales rows may exceed the 201s wrk saw by at most the number of connections."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    q = lambda sql, *a: db.execute(sql, a).fetchone()[0]
    mismatches = q("""SELECT COUNT(*) FROM (
                        SELECT point_slug, sku, batch FROM stock_levels UNION SELECT point_slug, sku, batch FROM stock_ledger
                      ) k
                      LEFT JOIN stock_levels l USING (point_slug, sku, batch)
                      LEFT JOIN (SELECT point_slug, sku, batch, SUM(delta) AS total FROM stock_ledger
                                 GROUP BY point_slug, sku, batch) g USING (point_slug, sku, batch)
                      WHERE COALESCE(l.quantity, 0) != COALESCE(g.total, 0)""")
    negative = q("SELECT COUNT(*) FROM stock_levels WHERE quantity < 0")
    new_sales = q("SELECT COUNT(*) FROM sales WHERE id > ?", before["max_sale_id"])
    sold_units = q("SELECT COALESCE(SUM(quantity), 0) FROM sale_lines WHERE sale_id > ?", before["max_sale_id"])
    ledger_units = -q("SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE id > ? AND kind = 'sale'",
                      before["max_ledger_id"])
    scarce = [l.split()[1:] for l in sales_lines if l.startswith("scarce ")]
    oversold, sold_out = 0, 0
    for point, sku in scarce:
        received = q("SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE point_slug = ? AND sku = ? AND kind = 'receipt'",
                     point, sku)
        sold = -q("SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE point_slug = ? AND sku = ? AND kind = 'sale'",
                  point, sku)
        oversold += sold > received
        sold_out += sold == received
    db.close()
    ok = (mismatches == 0 and negative == 0 and created <= new_sales <= created + in_flight
          and sold_units == ledger_units and oversold == 0)
    return {"ok": ok, "level_ledger_mismatches": mismatches, "negative_levels": negative, "sales_rows_added": new_sales,
            "http_201": created, "units_in_sale_lines": sold_units, "units_in_ledger": ledger_units,
            "scarce_skus": len(scarce), "scarce_sold_out": sold_out, "scarce_oversold": oversold}


def stronger_encoders():
    """Encoders stronger than the service's, run on the same plain bodies to show how small the
    content can get: zopfli (the strongest gzip encoder known, far too slow to serve with) and
    brotli at its top quality. Each only when its PyPI package is installed."""
    encoders = {}
    try:
        import zopfli.gzip
        encoders["zopfli"] = lambda body: zopfli.gzip.compress(body)
    except ImportError:
        pass
    try:
        import brotli
        encoders["brotli-11"] = lambda body: brotli.compress(body, quality=11)
    except ImportError:
        pass
    return encoders


STRONGER_ENCODERS = stronger_encoders()


def gzip_scenarios(service, args, files, paths, rng, raw_dir):
    """Bodies' sizes with and without gzip on a sample of paths, and wrk with the header, each
    against the plain run of the same paths (req/s ratio gzip / plain, same process, same run)."""
    results = {}
    for scenario in ("detail", "list", "page"):
        plain_bytes = packed_bytes = 0
        floors = {name: 0 for name in STRONGER_ENCODERS}
        for path in rng.sample(paths[scenario], min(200, len(paths[scenario]))):
            plain = request(args.service_port, "GET", path)[1]
            plain_bytes += len(plain)
            status, body = request(args.service_port, "GET", path, headers={"Accept-Encoding": "gzip"})
            packed_bytes += len(body)
            for name, encode in STRONGER_ENCODERS.items():
                floors[name] += len(encode(plain))
        env = {"BENCH_PATHS": files[scenario], "BENCH_HEADER": "Accept-Encoding: gzip"}
        plain_env = {"BENCH_PATHS": files[scenario]}
        log(f"scenario {scenario} with gzip")
        prime(args.service_port, paths[scenario], f"{scenario}-gzip", headers=["Accept-Encoding: gzip"])
        wrk(f"warmup-{scenario}-gzip", args.service_port, "paths.lua", env, args, raw_dir, duration=args.warmup)
        run = wrk(f"{scenario}-gzip", args.service_port, "paths.lua", env, args, raw_dir, pids=[service.pid])
        # The req/s ratio from plain and gzip runs back to back, alternating, in this sitting: the
        # plain run of the read phase came minutes earlier, before the pages and the compressed
        # details had filled the answer cache, and differed from these by up to 12% by itself.
        pairs = []
        for turn in range(2):
            plain_run = wrk(f"{scenario}-plain-beside-gzip-{turn}", args.service_port, "paths.lua", plain_env, args,
                            raw_dir, pids=[service.pid])
            gzip_run = run if turn == 0 else wrk(f"{scenario}-gzip-{turn}", args.service_port, "paths.lua", env,
                                                 args, raw_dir, pids=[service.pid])
            pairs.append({"plain_rps": plain_run["rps"], "gzip_rps": gzip_run["rps"]})
        rps_ratio = sum(p["gzip_rps"] for p in pairs) / sum(p["plain_rps"] for p in pairs)
        results[scenario] = {"service": run, "plain_bytes": plain_bytes, "gzip_bytes": packed_bytes,
                             "size_ratio": packed_bytes / plain_bytes, "pairs": pairs, "rps_ratio": rps_ratio,
                             "stronger_ratios": {name: size / plain_bytes for name, size in floors.items()}}
        log(f"  {scenario}: gzip bodies {packed_bytes / plain_bytes:.0%} of plain, {run['rps']:.0f} req/s, "
            f"{rps_ratio:.0%} of plain alternating")
    return results


def write_paths(name, paths):
    path = os.path.join(RUN, f"paths-{name}.txt")
    with open(path, "w") as f:
        f.write("\n".join(paths) + "\n")
    return path


def list_paths():
    return [f"/v1/products?group={g}&min_stars={s}&province={p}"
            for g in LIST_GROUPS for s in (3, 4) for p in LIST_PROVINCES]


def search_paths():
    return ["/v1/products?q=" + urllib.parse.quote(q) for q in SEARCHES]


def machine_info():
    info = {"cores": os.cpu_count(), "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    for key, cmd in (("commit", ["git", "rev-parse", "--short", "HEAD"]),
                     ("dirty_files", ["git", "status", "--porcelain", "--", "Sources", "Package.swift"])):
        try:
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=20).stdout
            info[key] = out.strip() if key == "commit" else len(out.splitlines())
        except OSError:
            pass
    for key, cmd in (("wrk", ["wrk", "-v"]), ("nginx", ["nginx", "-v"])):
        out = subprocess.run(cmd, capture_output=True, text=True)
        info[key] = (out.stdout + out.stderr).splitlines()[0].strip()
    return info


# --------------------------------------------------------------------------- the run
def run(args):
    rng = random.Random(args.seed)
    date = datetime.date.today().isoformat()
    # A second run of the day keeps the first: `--name pm` writes <date>-pm.md, .json and folder.
    stem = f"{date}-{args.name}" if args.name else date
    results_dir = os.path.join(BENCH, "results")
    raw_dir = os.path.join(results_dir, stem)
    shutil.rmtree(raw_dir, ignore_errors=True)
    os.makedirs(raw_dir)
    shutil.rmtree(RUN, ignore_errors=True)
    os.makedirs(RUN)
    binary = os.path.abspath(args.binary)
    R = {"date": date, "stem": stem, "started": datetime.datetime.now().isoformat(timespec="seconds"), "machine": machine_info(),
         "settings": {"threads": args.threads, "connections": args.connections, "duration_s": args.duration,
                      "sales_duration_s": args.sales_duration, "warmup_s": args.warmup,
                      "max_quiet_wait_s": args.max_quiet_wait}, "targets": TARGETS}
    procs = []
    try:
        # 1-2. the 20k catalog and its import
        catalog, gen_s = ensure_catalog(args.products, args.seed)
        R["generate_20k_s"] = gen_s
        with open(os.path.join(catalog, "manifest.json")) as f:
            R["catalog_20k"] = json.load(f)
        db = os.path.join(RUN, "ocop-20k.sqlite")
        log(f"importing the 20k catalog into a fresh database ({args.import_runs} times), then again unchanged")
        R["import_20k_s"], R["import_20k_runs_s"], R["import_20k_summary"] = fresh_imports(
            binary, db, catalog, args.import_runs)
        R["reimport_20k_s"], R["reimport_20k_summary"] = timed_import(binary, db, catalog)

        # 3. accounts, points, sample receipts over HTTP
        password = "bench-" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
        add_admin(binary, db, password, args.wait_user_cli)
        service = Service(binary, args.service_port, db, os.path.join(catalog, "Catalog"),
                          os.path.join(catalog, "Media"), "20k")
        procs.append(service)
        log("starting the service to create points and receipts over HTTP")
        service.start()
        token = login(args.service_port, password)
        published = published_slugs(args.service_port)
        R["published_20k"] = len(published)
        points, R["points_http_s"] = create_points(args.service_port, token, args.points, rng)
        R["points"] = len(points)
        log(f"  {len(points)} points over HTTP in {R['points_http_s']:.1f} s")
        sales_lines, R["receipts_http_s"] = receive_sample(args.service_port, token, points[: args.sale_points], db,
                                                           published, rng)
        R["ledger_rows_http"] = ledger_snapshot(db)["ledger_rows"]
        log(f"  receipts at {args.sale_points} points over HTTP in {R['receipts_http_s']:.1f} s "
            f"({R['ledger_rows_http']} ledger rows)")
        service.stop()

        # 4. the bulk history
        slugs_file = write_paths("published-20k", published)
        log(f"bulk-loading stock history up to {args.ledger_rows} ledger rows (sqlite3, service stopped)")
        t0 = time.monotonic()
        out = subprocess.run([sys.executable, os.path.join(BENCH, "load_stock.py"), db, "--published", slugs_file,
                              "--ledger-rows", str(args.ledger_rows)], capture_output=True, text=True, check=True)
        R["bulk_load_s"] = time.monotonic() - t0
        R["bulk_load_summary"] = out.stdout.strip()
        log("  " + R["bulk_load_summary"])
        R["ledger_rows_total"] = ledger_snapshot(db)["ledger_rows"]

        # 5. cold start, three times; the last one keeps serving
        colds = []
        for i in range(3):
            colds.append(service.start())
            if i < 2:
                service.stop()
        R["cold_start_20k_s"] = colds
        log(f"cold start to ready: {', '.join(f'{c:.3f}' for c in colds)} s")
        R["rss_after_start_20k"] = service.rss_mb()

        # 6. bodies for nginx
        www = os.path.join(RUN, "www")
        detail = [f"/v1/products/{s}" for s in published]
        lists, searches = list_paths(), search_paths()
        pages = [f"/san-pham/{s}" for s in published]
        log(f"fetching {len(detail) + len(lists) + len(searches) + len(pages)} bodies from the service with curl")
        t0 = time.monotonic()
        fetch_bodies(args.service_port, www, detail + lists + searches + pages, "20k")
        R["fetch_bodies_s"] = time.monotonic() - t0
        nginx = Nginx(args.nginx_port, www)
        procs.append(nginx)
        nginx.start()
        same_bodies(args.service_port, args.nginx_port, detail + lists + searches + pages, rng)
        files = {"detail": write_paths("detail", detail), "list": write_paths("list", lists),
                 "search": write_paths("search", searches), "page": write_paths("page", pages)}
        R["paths"] = {"detail": len(detail), "list": len(lists), "search": len(searches), "page": len(pages)}

        # 7. reads: nginx, then the service, same settings, a short unrecorded warm-up before each
        # ("page" is the showroom's HTML product page, rendered on demand into a bounded cache)
        R["scenarios"] = {}
        for scenario in ("detail", "list", "search", "page"):
            log(f"scenario {scenario}")
            env = {"BENCH_PATHS": files[scenario]}
            pair = {}
            for target, port, pids in (("nginx", args.nginx_port, nginx.pids),
                                       ("service", args.service_port, [service.pid])):
                wrk(f"warmup-{scenario}-{target}", port, "paths.lua", env, args, raw_dir, duration=args.warmup)
                pair[target] = wrk(f"{scenario}-{target}", port, "paths.lua", env, args, raw_dir, pids=pids)
            # Every read here is a published page: an error answer means the run measured the wrong
            # thing (nginx out of descriptors answered 94% of pages with 500 once), not a ratio.
            for target in ("nginx", "service"):
                if pair[target]["non_2xx"]:
                    raise RuntimeError(f"{scenario} on {target}: {pair[target]['non_2xx']} answers were not 2xx")
            pair["ratio"] = pair["service"]["rps"] / pair["nginx"]["rps"]
            R["scenarios"][scenario] = pair
        R["rss_after_reads_20k"] = service.rss_mb()
        nginx.stop()

        # 7a. gzip: the same paths asked with Accept-Encoding: gzip, against the plain run just above
        R["gzip"] = gzip_scenarios(service, args, files, {"detail": detail, "list": lists, "page": pages}, rng, raw_dir)

        # Sales, then the mix; the ledger is checked after each.
        sales_file = write_paths("sales", sales_lines)
        sale_env = {"BENCH_SALES": sales_file, "BENCH_TOKEN": token}
        for scenario, script, duration, extra in (
                ("sales", "sales.lua", args.sales_duration, {}),
                ("mix", "mix.lua", args.sales_duration,
                 {"BENCH_DETAIL": files["detail"], "BENCH_LIST": files["list"], "BENCH_SEARCH": files["search"]})):
            log(f"scenario {scenario}")
            before = ledger_snapshot(db)
            env = dict(sale_env, BENCH_RUN_ID=f"{scenario}-{int(time.time())}", **extra)
            result = wrk(f"{scenario}-service", args.service_port, script, env, args, raw_dir, pids=[service.pid],
                         duration=duration)
            created = result["statuses"].get("201", 0)
            result["sales_per_s"] = created / result["seconds"]
            result["ledger_check"] = ledger_check(db, before, created, sales_lines, args.connections)
            log(f"  {created} sales ({result['sales_per_s']:.0f}/s), statuses {result['statuses']}, "
                f"ledger {'OK' if result['ledger_check']['ok'] else 'NOT OK'}: {result['ledger_check']}")
            R["scenarios"][scenario] = {"service": result}
        R["rss_end_20k"] = service.rss_mb()

        # 7b. profiles, in a separate pass so that the measured runs carry no profiler overhead
        if args.profile and perf_available():
            log("profiling the service under each load, then a start and an unchanged import (perf)")
            P = R["profiles"] = {}
            for scenario in ("detail", "list", "search"):
                P[scenario] = profile_under_load(scenario, service.pid, args.service_port, "paths.lua",
                                                 {"BENCH_PATHS": files[scenario]}, args, raw_dir)
            P["sales"] = profile_under_load("sales", service.pid, args.service_port, "sales.lua",
                                            dict(sale_env, BENCH_RUN_ID=f"profile-{int(time.time())}"), args, raw_dir)
            service.stop()
            P["cold_start"] = profile_start("cold-start", service, raw_dir)
            P["reimport"] = profile_command(
                "reimport", [binary, "import", os.path.join(catalog, "Catalog"), "--database", f"sqlite:{db}",
                             "--media-dir", os.path.join(catalog, "Media"), "--log-level", "warning"], raw_dir)
        service.stop()

        # The 20k results are written now too, so that a failure in the long 200k phase loses nothing.
        R["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
        import report
        report.write(dict(R, timed_steps=TIMED_STEPS), results_dir, raw_dir)

        # 8. the 200k variant: how cost grows (service only; the nginx ceiling does not grow)
        if args.products_large:
            big, gen_big = ensure_catalog(args.products_large, args.seed)
            R["generate_200k_s"] = gen_big
            with open(os.path.join(big, "manifest.json")) as f:
                R["catalog_200k"] = json.load(f)
            db_big = os.path.join(RUN, "ocop-200k.sqlite")
            # The machine's speed drifts over minutes (other tenants; invisible as load here), so the growth
            # compares imports of both sizes timed alternately, not the 20k imports of a quarter hour ago.
            log(f"importing the 20k and {args.products_large // 1000}k catalogs alternately "
                f"({args.import_runs_large} large, {args.import_runs_large + 1} small), then the large one unchanged")
            scratch_small = os.path.join(RUN, "ocop-20k-growth.sqlite")
            small, large = [], []
            for _ in range(args.import_runs_large):
                small.append(fresh_imports(binary, scratch_small, catalog, 1)[0])
                seconds, _, R["import_200k_summary"] = fresh_imports(binary, db_big, big, 1)
                large.append(seconds)
            small.append(fresh_imports(binary, scratch_small, catalog, 1)[0])
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(scratch_small + suffix):
                    os.remove(scratch_small + suffix)
            R["import_200k_s"], R["import_200k_runs_s"] = statistics.median(large), large
            R["growth_import_20k_s"], R["growth_import_20k_runs_s"] = statistics.median(small), small
            R["reimport_200k_s"], R["reimport_200k_summary"] = timed_import(binary, db_big, big)
            service_big = Service(binary, args.service_port, db_big, os.path.join(big, "Catalog"),
                                  os.path.join(big, "Media"), "200k")
            procs.append(service_big)
            R["cold_start_200k_s"] = [service_big.start(timeout=3600)]
            log(f"  cold start to ready: {R['cold_start_200k_s'][0]:.3f} s")
            # Paging through 200k with next_cursor costs ~2 s a page here (1,880 pages): read the
            # published set from the database with the publication rule instead, and check its size
            # against the API's total.
            published_big = published_from_database(db_big)
            api_total = json.loads(request(args.service_port, "GET", "/v1/products?limit=1")[1])["total"]
            R["published_200k_api_total"] = api_total
            if api_total != len(published_big):
                log(f"  warning: the database rule finds {len(published_big)} published, the API {api_total}")
            R["published_200k"] = len(published_big)
            sample = rng.sample(published_big, min(len(published), len(published_big)))
            big_files = {"detail": write_paths("detail-200k", [f"/v1/products/{s}" for s in sample]),
                         "list": files["list"], "search": files["search"]}
            R["scenarios_200k"] = {}
            for scenario in ("detail", "list", "search"):
                log(f"scenario {scenario} at {args.products_large // 1000}k")
                env = {"BENCH_PATHS": big_files[scenario]}
                wrk(f"warmup-{scenario}-service-200k", args.service_port, "paths.lua", env, args, raw_dir,
                    duration=args.warmup)
                R["scenarios_200k"][scenario] = wrk(f"{scenario}-service-200k", args.service_port, "paths.lua", env,
                                                    args, raw_dir, pids=[service_big.pid])
            R["rss_end_200k"] = service_big.rss_mb()
            service_big.stop()
    finally:
        for p in reversed(procs):
            p.stop()
    R["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    return R, results_dir, raw_dir


# --------------------------------------------------------------------------- targeted runs
ONLY_CHOICES = ("detail", "list", "search", "sales", "cold", "rss", "import", "profile")


def first_requests(port, paths):
    """Each path once, on a service that has not answered it yet: what a page costs to compute
    (the service keeps recently encoded list pages; the wrk runs repeat the same few pages)."""
    times = []
    for path in paths:
        t0 = time.monotonic()
        status, _ = request(port, "GET", path)
        times.append((time.monotonic() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
    times.sort()
    return {"count": len(times), "p50_ms": round(statistics.median(times), 2),
            "p90_ms": round(times[int(len(times) * 0.9)], 2), "max_ms": round(times[-1], 2)}


def run_only(args):
    """`--only detail,list,search,…`: the chosen parts of the 20k run on the database a full run left
    in bench/data/run (imported catalog, 500 points, 1M ledger rows), without regenerating or
    reloading anything. Prints the numbers and writes bench/results/<date>-only.json; the .md of a
    full run is left alone. `import` times a fresh and an unchanged import into a scratch file."""
    only = set(args.only.split(","))
    unknown = only - set(ONLY_CHOICES)
    if unknown:
        raise SystemExit(f"--only: unknown part(s) {sorted(unknown)}; choose from {', '.join(ONLY_CHOICES)}")
    date = datetime.date.today().isoformat()
    results_dir = os.path.join(BENCH, "results")
    raw_dir = os.path.join(RUN, f"only-{date}")
    os.makedirs(raw_dir, exist_ok=True)
    binary = os.path.abspath(args.binary)
    catalog = os.path.join(DATA, f"catalog-{args.products // 1000}k")
    db = os.path.join(RUN, f"ocop-{args.products // 1000}k.sqlite")
    R = {"date": date, "started": datetime.datetime.now().isoformat(timespec="seconds"), "only": sorted(only),
         "machine": machine_info()}
    if "import" in only:
        scratch = os.path.join(RUN, "only-import.sqlite")
        R["import_s"], R["import_runs_s"], _ = fresh_imports(binary, scratch, catalog, args.import_runs)
        R["reimport_s"], R["reimport_summary"] = timed_import(binary, scratch, catalog)
        os.remove(scratch)
    if not os.path.exists(db):
        raise SystemExit(f"{db} is missing: run the full bench/run once first")
    if "sales" in only:  # a fresh admin of this run: the full run's password is not kept
        admin = f"bench-only-{int(time.time())}"
        password = "bench-" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
        add_admin(binary, db, password, 0, name=admin)
    service = Service(binary, args.service_port, db, os.path.join(catalog, "Catalog"), os.path.join(catalog, "Media"),
                      "only")
    nginx = None
    try:
        colds = [service.start()]
        if "cold" in only:
            for _ in range(2):
                service.stop()
                colds.append(service.start())
        R["cold_start_s"] = colds
        log(f"cold start to ready: {', '.join(f'{c:.3f}' for c in colds)} s")
        R["rss_after_start"] = service.rss_mb()
        reads = [s for s in ("detail", "list", "search") if s in only]
        if reads:
            published = published_slugs(args.service_port)
            R["published"] = len(published)
            if len(published) > 20000:  # the 200k variant: as many random product pages as the 20k run has
                published = random.Random(args.seed).sample(published, 18793)
            paths = {"detail": [f"/v1/products/{s}" for s in published], "list": list_paths(),
                     "search": search_paths()}
            R["first_requests"] = {s: first_requests(args.service_port, paths[s]) for s in ("list", "search")
                                   if s in reads}
            log(f"first requests (uncached pages): {R['first_requests']}")
            www = os.path.join(RUN, "www-only")
            shutil.rmtree(www, ignore_errors=True)
            fetch_bodies(args.service_port, www, [p for s in reads for p in paths[s]], "only")
            nginx = Nginx(args.nginx_port, www)
            nginx.start()
            R["scenarios"] = {}
            for scenario in reads:
                files = write_paths(f"only-{scenario}", paths[scenario])
                env = {"BENCH_PATHS": files}
                pair = {}
                for target, port, pids in (("nginx", args.nginx_port, nginx.pids),
                                           ("service", args.service_port, [service.pid])):
                    wrk(f"warmup-{scenario}-{target}", port, "paths.lua", env, args, raw_dir, duration=args.warmup)
                    pair[target] = wrk(f"{scenario}-{target}", port, "paths.lua", env, args, raw_dir, pids=pids)
                pair["ratio"] = pair["service"]["rps"] / pair["nginx"]["rps"]
                log(f"  {scenario}: service / nginx = {pair['ratio']:.0%}")
                R["scenarios"][scenario] = pair
                if "profile" in only and perf_available():
                    R.setdefault("profiles", {})[scenario] = profile_under_load(
                        scenario, service.pid, args.service_port, "paths.lua", env, args, raw_dir)
            nginx.stop()
        if "sales" in only:
            with open(os.path.join(RUN, "paths-sales.txt")) as f:
                sales_lines = [line.strip() for line in f if line.strip()]
            env = {"BENCH_SALES": os.path.join(RUN, "paths-sales.txt"),
                   "BENCH_TOKEN": login(args.service_port, password, admin), "BENCH_RUN_ID": f"only-{int(time.time())}"}
            wrk("warmup-sales-service", args.service_port, "sales.lua", env, args, raw_dir, duration=args.warmup)
            time.sleep(1)  # the warm-up's last requests commit after wrk stops counting
            before = ledger_snapshot(db)
            env["BENCH_RUN_ID"] += "-measured"
            result = wrk("sales-service", args.service_port, "sales.lua", env, args, raw_dir, pids=[service.pid],
                         duration=args.sales_duration)
            created = result["statuses"].get("201", 0)
            result["sales_per_s"] = created / result["seconds"]
            result["ledger_check"] = ledger_check(db, before, created, sales_lines, args.connections)
            log(f"  sales: {created} ({result['sales_per_s']:.0f}/s), p50 {result.get('p50_ms')} ms, "
                f"statuses {result['statuses']}, ledger {result['ledger_check']}")
            R.setdefault("scenarios", {})["sales"] = {"service": result}
            if "profile" in only and perf_available():
                R.setdefault("profiles", {})["sales"] = profile_under_load(
                    "sales", service.pid, args.service_port, "sales.lua", dict(env, BENCH_RUN_ID=f"profile-{int(time.time())}"),
                    args, raw_dir)
        R["rss_end"] = service.rss_mb()
        log(f"RSS: {R['rss_end']}")
    finally:
        if nginx:
            nginx.stop()
        service.stop()
    path = os.path.join(results_dir, f"{date}-only.json")
    with open(path, "w") as f:
        json.dump(R, f, indent=1)
    log(f"numbers: {path}")


def main():
    ap = argparse.ArgumentParser(description="Run the OCOP benchmark (see bench/README or the module doc).")
    ap.add_argument("--binary", default=os.path.join(BENCH, ".build/release/ocop"))
    ap.add_argument("--products", type=int, default=20000)
    ap.add_argument("--products-large", type=int, default=200000, help="0 to skip the growth variant")
    ap.add_argument("--points", type=int, default=500)
    ap.add_argument("--sale-points", type=int, default=20)
    ap.add_argument("--ledger-rows", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--duration", type=int, default=10, help="seconds per read scenario and target")
    ap.add_argument("--sales-duration", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--name", default="", help="results as <date>-<name> (a second run of the day keeps the first)")
    ap.add_argument("--seed", type=int, default=20251)
    ap.add_argument("--import-runs", type=int, default=3, help="fresh 20k imports timed (the median counts)")
    ap.add_argument("--import-runs-large", type=int, default=2,
                    help="fresh imports of the large catalog timed (the median counts; two: a minute and more each)")
    ap.add_argument("--service-port", type=int, default=18080)
    ap.add_argument("--nginx-port", type=int, default=18081)
    ap.add_argument("--max-quiet-wait", type=int, default=20,
                    help="seconds to wait, before each measured run, for other load to drop below 0.5 cores")
    ap.add_argument("--no-profile", dest="profile", action="store_false", help="skip the perf profiles")
    ap.add_argument("--wait-user-cli", type=int, default=20, help="minutes to wait for `ocop user add` to exist")
    ap.add_argument("--only", help="comma-separated parts of the 20k run to repeat on the data of the last full "
                    f"run, without regenerating or reloading it: {', '.join(ONLY_CHOICES)}")
    args = ap.parse_args()
    if args.only:
        run_only(args)
        return
    R, results_dir, raw_dir = run(args)
    import report
    path = report.write(dict(R, timed_steps=TIMED_STEPS), results_dir, raw_dir)
    log(f"results: {path}")


if __name__ == "__main__":
    sys.path.insert(0, BENCH)
    main()
