"""Benchmark the app in a real server: latency of the key requests, then load, then a deadline rush.

    python -m bench.run --scale county                          # SQLite, waitress (make bench)
    python -m bench.run --scale province --database-url postgresql://postgres@127.0.0.1:5432/zuofeng_bench \\
        --server gunicorn --workers 4 --baseline bench/results/county-sqlite.json

1. Seeds the database (bench.seed; --reuse keeps an existing one) and starts the app in its own
   process: waitress (threads) or gunicorn (worker processes), with BENCH_QUERY_COUNT on so every
   response says how many statements it ran, and gzip as in production.
2. Latency: logs in as each role and times each key request sequentially (p50/p95), with its
   size on the wire (gzip) and as HTML, its statements, and the ratio to the floor (the login
   page, a trivial route of the same app), all in the same run.
3. Load: N clients for T seconds on a mix of browsing, reporting progress and signing off, each
   pausing --think seconds between requests as a person would (0 for saturation).
4. Deadline rush: the rush accounts log in, submit their 自查表 and sign the 承诺书, arriving
   evenly over --rush-seconds.
Prints one table and writes JSON (bench/results/<scale>-<database>.json). Traffic goes to
127.0.0.1 only; every phase is bounded in time and count, and the server is stopped at the end.
"""
import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text

from bench.seed import BENCH_PASSWORD, SCALES, build, default_url

ROOT = Path(__file__).resolve().parent.parent
PROBE_SECONDS = 60  # a key request is sampled for at most about this long
RESULTS = ROOT / "bench" / "results"
HX = {"HX-Request": "true"}
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ITEM_LINK = re.compile(r'href="/ledger/(\d+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
ROW_ACTION = re.compile(r'action="(/ledger/(\d+)/(?:sign-off|first-review))".*?name="version" value="(\d+)"', re.S)
ASSETS = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script src="(/[^"]+)"|data-htmx-local="([^"]+)"')


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- The server ------------------------------------------------------------------------------------
class Server:
    """The app in its own process group on a free port of 127.0.0.1; stopped by stop()."""

    def __init__(self, database_url: str, kind: str, workers: int, threads: int, log_path: Path):
        self.database_url, self.kind, self.workers, self.threads = database_url, kind, workers, threads
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, DATABASE_URL=self.database_url, ZUOFENG_ENV="production",
                   SECRET_KEY=secrets.token_hex(32), AUDIT_KEY=secrets.token_hex(32), HTMX_CDN_URL="",
                   BENCH_QUERY_COUNT="1", UPLOAD_DIR=tempfile.mkdtemp(prefix="zuofeng-bench-uploads-"))
        if self.kind == "waitress":
            command = [sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={self.port}",
                       f"--threads={self.threads}", "wsgi:app"]
        else:
            # Keep-alive longer than a client's pause: at gunicorn's default (2 s) the server closes
            # an idle connection just as the client reuses it ("Server disconnected"); in
            # production nginx holds the browsers' connections.
            command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--threads",
                       str(self.threads), "--keep-alive", "30", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"]
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped at start; see {self.log_path}")
            try:
                if httpx.get(f"{self.base}/auth/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"the server did not answer within 60 s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: waitress itself, or gunicorn's workers."""
        if self.kind == "waitress":
            return [self.process.pid]
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    children.append(int(entry.name))
        return children

    def memory_mb(self) -> dict[int, tuple[float, float]]:
        """Resident and peak resident memory (MB) of each worker."""
        out = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields_ = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            out[pid] = (int(fields_["VmRSS"].split()[0]) / 1024, int(fields_["VmHWM"].split()[0]) / 1024)
        return out

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


# -- A person at a browser -------------------------------------------------------------------------
@dataclass
class Sample:
    status: int
    seconds: float
    wire_bytes: int  # the body as sent (gzip)
    html_bytes: int  # the body decoded
    queries: int
    text: str = field(repr=False, default="")


class Browser:
    """One person: own cookies, one connection, requests one after another."""

    def __init__(self, base: str, username: str):
        self.username = username
        self.client = httpx.AsyncClient(base_url=base, headers={"Accept-Encoding": "gzip"}, timeout=120,
                                        limits=httpx.Limits(max_connections=1), follow_redirects=False)
        self.csrf = ""

    async def request(self, method: str, url: str, **kwargs) -> Sample:
        headers = dict(kwargs.pop("headers", {}))
        if method != "GET" and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        started = time.perf_counter()
        response = await self.client.request(method, url, headers=headers, **kwargs)
        seconds = time.perf_counter() - started
        return Sample(response.status_code, seconds, response.num_bytes_downloaded, len(response.content),
                      int(response.headers.get("X-Query-Count", -1)), response.text)

    async def login(self) -> None:
        page = await self.request("GET", "/auth/login")
        token = CSRF_FIELD.search(page.text).group(1)
        answer = await self.request("POST", "/auth/login", data={
            "csrf_token": token, "username": self.username, "password": BENCH_PASSWORD})
        if answer.status != 302:
            raise RuntimeError(f"login of {self.username} failed: {answer.status}")
        home = await self.request("GET", "/")
        self.csrf = CSRF_HEADER.search(home.text).group(1)

    async def close(self) -> None:
        await self.client.aclose()


# -- What the run needs from the database ----------------------------------------------------------
@dataclass
class Fixtures:
    accounts: dict[str, dict]
    rush: list[dict]
    checklist_items: list[int]
    sign_off: list[tuple[int, int]]
    first_review: list[tuple[int, int]]
    detail_item: int
    export_filter: dict
    export_rows: int
    load_people: dict[str, list[str]]


def read_fixtures(database_url: str, samples: int) -> Fixtures:
    from app.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as db:
        def rows(sql, **params):
            return db.execute(text(sql), params).mappings().all()

        accounts = {r["username"]: dict(r) for r in rows(
            "SELECT id, username, full_name, unit_id, role FROM \"user\" "
            "WHERE username IN ('admin', 'inspector', 'leader', 'head', 'staff')")}
        leader, head = accounts["leader"], accounts["head"]
        portfolio = [r["unit_id"] for r in rows("SELECT unit_id FROM portfolio WHERE leader_id = :l", l=leader["id"])]
        units = ", ".join(str(u) for u in portfolio) or "0"
        sign_off = [(r["id"], r["version"]) for r in rows(
            f"SELECT id, version FROM ledger_item WHERE state = 'sign_off' AND is_discipline = :f "
            f"AND (leader_id = :l OR unit_id IN ({units})) ORDER BY id LIMIT :n", f=False, l=leader["id"], n=samples)]
        first_review = [(r["id"], r["version"]) for r in rows(
            "SELECT id, version FROM ledger_item WHERE state = 'first_review' AND is_discipline = :f "
            "AND unit_id = :u ORDER BY id LIMIT :n", f=False, u=head["unit_id"], n=samples)]
        detail_item = rows(
            f"SELECT e.item_id, COUNT(*) AS n FROM ledger_event e JOIN ledger_item i ON i.id = e.item_id "
            f"WHERE i.unit_id IN ({units}) AND i.is_discipline = :f GROUP BY e.item_id ORDER BY n DESC, e.item_id "
            f"LIMIT 1", f=False)[0]["item_id"]
        # With --reuse, only those the runs before have left to sign and submit.
        rush = [dict(r) for r in rows(
            "SELECT u.username, u.full_name FROM \"user\" u WHERE u.username LIKE 'rush%' "
            "AND NOT EXISTS (SELECT 1 FROM signature s WHERE s.user_id = u.id) "
            "AND NOT EXISTS (SELECT 1 FROM self_inspection i WHERE i.user_id = u.id) ORDER BY u.username")]
        checklist_items = [r["id"] for r in rows(
            "SELECT i.id FROM checklist_item i JOIN checklist_section s ON s.id = i.section_id "
            "WHERE s.template_id = 1 ORDER BY i.id")]
        # The export: the combination of filters whose row count is nearest 10,000.
        groups = rows("SELECT state, category, source, COUNT(*) AS n FROM ledger_item GROUP BY state, category, source")
        best = ({}, sum(g["n"] for g in groups))
        for state in ["", "open", "pending", "in_progress", "closed"]:
            for category in [""] + sorted({g["category"] for g in groups}):
                for source in [""] + sorted({g["source"] for g in groups}):
                    n = sum(g["n"] for g in groups
                            if (not state or g["state"] == state or (state == "open" and g["state"] != "closed"))
                            and (not category or g["category"] == category) and (not source or g["source"] == source))
                    if abs(n - 10_000) < abs(best[1] - 10_000):
                        best = ({k: v for k, v in (("state", state), ("category", category), ("source", source)) if v}, n)
        # Load: leaders sign off, unit heads review, staff who own open items report.
        people = {
            "leader": [r["username"] for r in rows("SELECT username FROM \"user\" WHERE role = 'leader' ORDER BY id LIMIT 10")],
            "head": [r["username"] for r in rows("SELECT username FROM \"user\" WHERE role = 'unit_head' ORDER BY id LIMIT 20")],
            "staff": [r["username"] for r in rows(
                "SELECT u.username FROM \"user\" u WHERE u.role = 'staff' AND u.username NOT LIKE 'rush%' AND EXISTS "
                "(SELECT 1 FROM ledger_item i WHERE i.owner_id = u.id AND i.state IN ('pending', 'in_progress')) "
                "ORDER BY u.id LIMIT 200")],
        }
    engine.dispose()
    return Fixtures(accounts, rush, checklist_items, sign_off, first_review, detail_item, best[0], best[1], people)


def endpoints() -> set[str]:
    """The app's endpoints, to include pages (the dashboard, the gauge) only where they exist."""
    from app import create_app

    app = create_app("test")
    return {rule.endpoint for rule in app.url_map.iter_rules()}


# -- Phase 1: latency of each key request ----------------------------------------------------------
@dataclass
class Probe:
    name: str
    role: str
    method: str
    url: str
    samples: list[Sample] = field(default_factory=list)

    def summary(self, floor_p50: float | None) -> dict:
        ok = [s for s in self.samples if s.status < 400]
        times = [s.seconds * 1000 for s in ok]
        p50 = median(times) if times else 0.0
        last = self.samples[-1] if self.samples else Sample(0, 0, 0, 0, -1)
        return {
            "name": self.name, "role": self.role, "method": self.method, "url": self.url,
            "n": len(self.samples), "errors": len(self.samples) - len(ok),
            "statuses": sorted({s.status for s in self.samples}),
            "p50_ms": round(p50, 1), "p95_ms": round(percentile(times, 0.95), 1),
            "x_floor": round(p50 / floor_p50, 1) if floor_p50 else None,
            "queries": sorted({s.queries for s in self.samples}),
            "wire_bytes": last.wire_bytes, "html_bytes": last.html_bytes,
        }


async def measure(base: str, fx: Fixtures, samples: int, have: set[str], memory) -> tuple[list[dict], dict]:
    browsers = {role: Browser(base, role) for role in ("admin", "leader", "head", "staff")}
    for browser in browsers.values():
        await browser.login()
    anonymous = Browser(base, "")
    probes: list[Probe] = []

    async def probe(name, role, url, method="GET", count=samples, warmup=2, make=None, who=None):
        """Time `count` requests (fewer, but at least three, if they take over PROBE_SECONDS);
        `make(i)` gives (url, kwargs) per request for the ones that change state."""
        p = Probe(name, role, method, url)
        browser = who or (anonymous if role == "anonymous" else browsers[role])
        started = time.monotonic()
        for i in range(warmup + count):
            if i >= warmup + 3 and time.monotonic() - started > PROBE_SECONDS:
                break
            target, kwargs = make(i) if make else (url, {})
            try:
                sample = await browser.request(method, target, **kwargs)
            except httpx.TimeoutException:
                sample = Sample(0, browser.client.timeout.read, 0, 0, -1)
            if i >= warmup:
                p.samples.append(sample)
        probes.append(p)
        return p

    floor = await probe("floor: login page (trivial route)", "anonymous", "/auth/login")
    await probe("home to-dos", "staff", "/")
    await probe("home to-dos", "head", "/")
    await probe("home to-dos", "leader", "/")
    await probe("ledger list, first page", "leader", "/ledger/")
    await probe("ledger list, first page", "admin", "/ledger/")
    await probe("ledger list, first page", "head", "/ledger/")
    await probe("ledger list, filtered (待销号)", "leader", "/ledger/?state=sign_off")
    await probe("ledger list, filtered (open, 工作效率, by due date)", "admin",
                "/ledger/?state=open&category=工作效率&sort=due")
    await probe("ledger list, deepest page (40)", "admin", "/ledger/?page=40")
    await probe("ledger item detail", "leader", f"/ledger/{fx.detail_item}")
    # Each inline action needs an item in the right state: one per request.
    inline = min(samples, len(fx.sign_off) - 2, len(fx.first_review) - 2)
    await probe("inline 初审 (htmx row)", "head", "/ledger/<id>/first-review", "POST", count=inline, make=lambda i: (
        f"/ledger/{fx.first_review[i][0]}/first-review",
        {"data": {"version": fx.first_review[i][1], "next": "/ledger/"}, "headers": HX}))
    await probe("inline 销号 (htmx row)", "leader", "/ledger/<id>/sign-off", "POST", count=inline, make=lambda i: (
        f"/ledger/{fx.sign_off[i][0]}/sign-off",
        {"data": {"version": fx.sign_off[i][1], "next": "/ledger/"}, "headers": HX}))
    # 自查表 submit and 承诺书 sign: each by a different person who has not done it yet.
    people = fx.rush[:min(samples, len(fx.rush) // 4)]
    submit, sign = Probe("checklist submit (whole 自查表)", "staff", "POST", "/checklists/fill/1"), \
        Probe("letter sign (htmx panel)", "staff", "POST", "/commitments/letters/1/sign")
    answers = {f"answer-{item}": "no" for item in fx.checklist_items}
    for person in people:
        browser = Browser(base, person["username"])
        await browser.login()
        await browser.request("GET", "/checklists/fill/1")
        submit.samples.append(await browser.request("POST", "/checklists/fill/1", data={**answers, "action": "submit"}))
        await browser.request("GET", "/commitments/")
        sign.samples.append(await browser.request("POST", "/commitments/letters/1/sign", headers=HX, data={
            "promise": "y", "typed_name": person["full_name"]}))
        await browser.close()
    probes += [submit, sign]
    fx.rush = fx.rush[len(people):]
    if "overview.progress" in have:
        await probe("progress dashboard", "admin", "/overview/progress")
        await probe("progress dashboard", "leader", "/overview/progress")
    if "overview.gauge" in have:
        await probe("上热中温下冷 gauge", "admin", "/overview/gauge")
    # The export twice: of about 10,000 rows, and of every row; the server's memory is read after each.
    exports = {}
    for label, query in ((f"{fx.export_rows:,} rows", fx.export_filter), ("all rows", {})):
        await probe(f"Excel export ({label})", "admin", "/ledger/export.xlsx?" + urlencode(query),
                    count=max(3, samples // 10), warmup=1)
        exports[label] = {pid: round(peak, 1) for pid, (_rss, peak) in memory().items()}

    # First load of the ledger page in a new browser: the page and everything it loads.
    page = await browsers["leader"].request("GET", "/ledger/")
    assets = [next(g for g in m.groups() if g) for m in ASSETS.finditer(page.text)]
    fresh = Browser(base, "")
    wire, cache = page.wire_bytes, {}
    for asset in assets:
        response = await fresh.client.get(asset)
        wire += response.num_bytes_downloaded
        cache[asset] = response.headers.get("Cache-Control", "")
    first_load = {"requests": 1 + len(assets), "wire_bytes": wire, "assets": cache,
                  "peak_mb_after_exports": exports}
    for browser in [*browsers.values(), anonymous, fresh]:
        await browser.close()
    floor_p50 = median(s.seconds * 1000 for s in floor.samples)
    return [p.summary(floor_p50) for p in probes], first_load


# -- Phase 2: load ---------------------------------------------------------------------------------
@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    conflicts: int = 0
    statuses: dict = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def add(self, sample: Sample, expected=(200, 302)) -> None:
        self.times.append(sample.seconds * 1000)
        self.statuses[sample.status] = self.statuses.get(sample.status, 0) + 1
        if sample.status == 409:
            self.conflicts += 1
        elif sample.status not in expected:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{sample.status}: {sample.text[:200]}")

    def failed(self, error: Exception) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(repr(error))


async def person(browser: Browser, kind: str, deadline: float, think: float, tally: Tally, rng: random.Random):
    """A person working until the deadline: staff report progress and browse; unit heads and
    leaders review and sign off inline, and browse."""

    async def get(url):
        sample = await browser.request("GET", url)
        tally.add(sample)
        return sample

    async def pause():
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))

    while time.monotonic() < deadline:
        try:
            choice = rng.random()
            if choice < 0.4:  # browse: home, the list, an item
                await get("/")
                await pause()
                listing = await get(rng.choice(["/ledger/", "/ledger/?mine=1", "/ledger/?overdue=1"]))
                ids = ITEM_LINK.findall(listing.text)
                if ids:
                    await pause()
                    await get(f"/ledger/{rng.choice(ids)}")
            elif kind == "staff":  # report progress on one of my items
                listing = await get("/ledger/?mine=1&state=open")
                ids = ITEM_LINK.findall(listing.text)
                if ids:
                    await pause()
                    detail = await get(f"/ledger/{rng.choice(ids)}")
                    version = VERSION.search(detail.text)
                    if version:
                        await pause()
                        tally.add(await browser.request("POST", detail_url(detail), data={
                            "version": version.group(1), "text": "本周已完成整改措施中的两项，正在推进其余事项。"}))
            else:  # 初审 / 销号 the first row waiting for me, inline
                state = "sign_off" if kind == "leader" else "first_review"
                listing = await get(f"/ledger/?state={state}")
                match = ROW_ACTION.search(listing.text)
                if match:
                    await pause()
                    tally.add(await browser.request("POST", match.group(1), headers=HX, data={
                        "version": match.group(3), "next": f"/ledger/?state={state}"}))
        except (httpx.HTTPError, AttributeError) as error:
            tally.failed(error)
        await pause()


def detail_url(detail: Sample) -> str:
    match = re.search(r'action="(/ledger/\d+/progress)"', detail.text)
    return match.group(1) if match else "/ledger/0/progress"


async def load(server: Server, fx: Fixtures, clients: int, seconds: float, think: float) -> dict:
    rng = random.Random(7)
    mix = [("leader", n) for n in fx.load_people["leader"]][: max(1, clients // 10)]
    mix += [("head", n) for n in fx.load_people["head"]][: max(1, clients // 5)]
    mix += [("staff", n) for n in fx.load_people["staff"]][: clients - len(mix)]
    browsers = [(kind, Browser(server.base, name)) for kind, name in mix]
    await asyncio.gather(*(b.login() for _, b in browsers))
    tally = Tally()
    peak: dict[int, float] = {}

    async def watch(until):
        while time.monotonic() < until:
            for pid, (rss, _hwm) in server.memory_mb().items():
                peak[pid] = max(peak.get(pid, 0.0), rss)
            await asyncio.sleep(0.5)

    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(watch(deadline), *(
        person(b, kind, deadline, think, tally, random.Random(rng.random())) for kind, b in browsers))
    elapsed = time.monotonic() - started
    for _, b in browsers:
        await b.close()
    return {
        "clients": len(browsers), "seconds": round(elapsed, 1), "think_s": think, "requests": len(tally.times),
        "throughput_rps": round(len(tally.times) / elapsed, 1), "p50_ms": round(median(tally.times), 1) if tally.times else 0,
        "p95_ms": round(percentile(tally.times, 0.95), 1), "errors": tally.errors, "conflicts_409": tally.conflicts,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())}, "error_samples": tally.error_samples,
        "peak_rss_mb_per_worker": round(max(peak.values()), 1) if peak else None,
    }


# -- Phase 3: the deadline rush --------------------------------------------------------------------
async def rush(server: Server, fx: Fixtures, people: int, seconds: float) -> dict:
    """Everyone left of the rush accounts hands in the 自查表 and signs the 承诺书, arriving evenly."""
    tally = Tally()
    crowd = fx.rush[:people]
    answers = {f"answer-{item}": "no" for item in fx.checklist_items}
    gap = seconds / max(len(crowd), 1)
    done = 0

    async def one(index: int, who: dict):
        nonlocal done
        await asyncio.sleep(index * gap)
        browser = Browser(server.base, who["username"])
        try:
            await browser.login()
            tally.add(await browser.request("GET", "/checklists/fill/1"))
            tally.add(await browser.request("POST", "/checklists/fill/1", data={**answers, "action": "submit"}),
                      expected=(302,))
            tally.add(await browser.request("GET", "/commitments/"))
            tally.add(await browser.request("POST", "/commitments/letters/1/sign", headers=HX, data={
                "promise": "y", "typed_name": who["full_name"]}), expected=(200,))
            done += 1
        except (httpx.HTTPError, AttributeError, RuntimeError) as error:
            tally.failed(error)
        finally:
            await browser.close()

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(one(i, who) for i, who in enumerate(crowd))), seconds + 120)
    log = server.log_path.read_text(errors="replace")
    return {
        "people": len(crowd), "completed": done, "seconds": round(time.monotonic() - started, 1),
        "requests": len(tally.times), "p50_ms": round(median(tally.times), 1) if tally.times else 0,
        "p95_ms": round(percentile(tally.times, 0.95), 1), "errors": tally.errors,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())}, "error_samples": tally.error_samples,
        "database_is_locked": log.count("database is locked"),
    }


# -- The report ------------------------------------------------------------------------------------
def table(result: dict, baseline: dict | None) -> str:
    base = {(p["name"], p["role"]): p for p in (baseline or {}).get("requests", [])}
    lines = [f"Zuofeng benchmark — {result['scale']} on {result['database']} with {result['server']} "
             f"({result['seeded_items']:,} ledger items; load average at start {result['load_average']})", ""]
    head = f"{'request':<44} {'role':<9} {'p50 ms':>7} {'p95 ms':>7} {'×floor':>6} {'queries':>7} {'gzip B':>7} {'html B':>7}"
    if baseline:
        head += f" {'p50 vs ' + baseline['scale']:>12} {'queries then':>12}"
    lines += [head, "-" * len(head)]
    for p in result["requests"]:
        queries = "/".join(str(q) for q in p["queries"])
        line = (f"{p['name'][:44]:<44} {p['role']:<9} {p['p50_ms']:>7.1f} {p['p95_ms']:>7.1f} "
                f"{p['x_floor'] if p['x_floor'] is not None else '':>6} {queries:>7} {p['wire_bytes']:>7} {p['html_bytes']:>7}")
        if p["errors"]:
            line += f"  ERRORS {p['errors']} {p['statuses']}"
        then = base.get((p["name"], p["role"]))
        if baseline:
            ratio = f"{p['p50_ms'] / then['p50_ms']:.2f}×" if then and then["p50_ms"] else "—"
            line += f" {ratio:>12} {'/'.join(str(q) for q in then['queries']) if then else '—':>12}"
        lines.append(line)
    fl = result["first_load"]
    lines += ["", f"first load of the ledger page: {fl['requests']} requests, {fl['wire_bytes'] / 1024:.1f} KB on the wire",
              f"peak memory (MB) after the ~10,000-row export and after the all-rows export: {fl['peak_mb_after_exports']}"]
    for name in ("load", "rush"):
        if result.get(name):
            lines.append(f"{name}: " + ", ".join(f"{k}={v}" for k, v in result[name].items() if k != "error_samples"))
            for sample in result[name].get("error_samples", []):
                lines.append(f"    {sample}")
    lines.append(f"memory per worker after the run (MB, resident / peak): {result['memory_mb']}")
    return "\n".join(lines)


def main(argv=None) -> None:
    """Run the benchmark at one scale and print the table."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--scale", choices=SCALES, default="county")
    parser.add_argument("--database-url", help="default: SQLite instance/bench-<scale>.db")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database (else it is seeded anew)")
    parser.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per process")
    parser.add_argument("--samples", type=int, default=30, help="timed requests per key request")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a client's requests, seconds")
    parser.add_argument("--rush", type=int, default=300, help="people in the deadline rush (0: skip)")
    parser.add_argument("--rush-seconds", type=float, default=120)
    parser.add_argument("--baseline", type=Path, help="a result JSON of another scale to compare with")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    url = args.database_url or default_url(args.scale)
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    if not args.reuse:
        build(url, SCALES[args.scale])
    fx = read_fixtures(url, args.samples + 4)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = Server(url, args.server, args.workers, args.threads, RESULTS / f"{args.scale}-{database}-server.log")
    result = {"scale": args.scale, "database": database, "seeded_items": SCALES[args.scale].items,
              "server": f"{args.server} ({args.workers} workers × {args.threads} threads)" if args.server == "gunicorn"
              else f"waitress ({args.threads} threads)", "load_average": os.getloadavg()[0], "cores": os.cpu_count()}
    # Stopped from outside: still stop the server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    server.start()
    try:
        result["requests"], result["first_load"] = asyncio.run(
            measure(server.base, fx, args.samples, endpoints(), server.memory_mb))
        result["memory_after_latency_mb"] = dict(server.memory_mb())
        if args.clients and args.duration:
            say(f"load: {args.clients} clients for {args.duration:.0f} s …")
            result["load"] = asyncio.run(load(server, fx, args.clients, args.duration, args.think))
        if args.rush:
            say(f"deadline rush: {min(args.rush, len(fx.rush))} people within {args.rush_seconds:.0f} s …")
            result["rush"] = asyncio.run(rush(server, fx, args.rush, args.rush_seconds))
        result["memory_mb"] = {pid: [round(rss, 1), round(hwm, 1)] for pid, (rss, hwm) in server.memory_mb().items()}
    finally:
        server.stop()
    baseline = json.loads(args.baseline.read_text()) if args.baseline and args.baseline.exists() else None
    report = table(result, baseline)
    say(report)
    out = args.out or RESULTS / f"{args.scale}-{database}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    (out.with_suffix(".txt")).write_text(report + "\n")
    say(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
