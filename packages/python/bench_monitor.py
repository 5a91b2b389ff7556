"""Cost of feeding the in-process usage monitor one event from Python (`just py bench-monitor`).

Feeds N events of the audit-log shape (five keys, a mix of statuses and IPs, one second
apart, so windows close and detectors run as they would in an app) to a fresh
``pictify_keys.Monitor`` per round, three ways: prebuilt ``AuditEvent`` objects (the path of
``Client(monitor=…)`` minus the client), dicts in the log shape, and JSON lines. Two
baselines run in the same rounds, alternating with ours: a Python function call that does
nothing (the floor of any per-event hook) and a pure-Python per-key counter (requests, 4xx,
5xx, distinct IPs: a tiny fraction of what the monitor keeps). Each figure is the best round,
as CPU time of this thread per event (``time.thread_time``) and as wall time. Prints a
Markdown table and the load average. No thresholds: read the figures and the ratios.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

import pictify_keys
from pictify_keys import AuditEvent, Monitor

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
T0 = 1_772_409_600  # 2026-03-02T00:00:00Z
KEYS = ["key_render", "key_batch", "key_ci", "key_web", "key_admin"]
STATUSES = [200] * 17 + [201, 401, 500]
CONFIG = """
[keys.key_render]
allowed_networks = ["203.0.113.0/24", "198.51.100.0/24"]
[keys.key_web]
business_hours = { zone = "Europe/Paris", days = ["mon", "tue", "wed", "thu", "fri"], start = "08:00", end = "19:00" }
"""


def _utc(secs: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(secs))


def _dicts(n: int) -> List[Dict[str, Any]]:
    return [
        {
            "timestamp": _utc(T0 + i),
            "action": "api.request",
            "keyId": KEYS[i % len(KEYS)],
            "endpoint": "/image" if i % 3 else "/me",
            "method": "POST" if i % 3 else "GET",
            "status": STATUSES[i % len(STATUSES)],
            "ip": f"203.0.113.{i % 7}",
            "userAgent": "pictify-python/1.0.0",
        }
        for i in range(n)
    ]


def _events(dicts: List[Dict[str, Any]]) -> List[AuditEvent]:
    return [
        AuditEvent(
            action=d["action"],
            key=d["keyId"],
            endpoint=d["endpoint"],
            method=d["method"],
            status=d["status"],
            timestamp_ms=(T0 + i) * 1000,
            ip=d["ip"],
            user_agent=d["userAgent"],
        )
        for i, d in enumerate(dicts)
    ]


def _nothing(_event: object) -> None:
    pass


class _Counter:
    """The least a Python hook would do: per-key requests, 4xx, 5xx and distinct IPs."""

    def __init__(self) -> None:
        self.keys: Dict[str, List[Any]] = {}

    def feed(self, e: Dict[str, Any]) -> None:
        k = self.keys.get(e["keyId"])
        if k is None:
            k = self.keys[e["keyId"]] = [0, 0, 0, set()]
        k[0] += 1
        s = e["status"]
        if 400 <= s < 500:
            k[1] += 1
        elif s >= 500:
            k[2] += 1
        k[3].add(e["ip"])


def _time(run: Callable[[], None]) -> Tuple[float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    run()
    return time.perf_counter() - wall, time.thread_time() - cpu


def main() -> None:
    dicts = _dicts(N)
    events = _events(dicts)
    lines = [json.dumps(d, separators=(",", ":")) for d in dicts]

    def feed_all(items: List[Any]) -> Callable[[], None]:
        def run() -> None:
            feed = Monitor(CONFIG).feed
            for item in items:
                feed(item)

        return run

    def counter() -> None:
        feed = _Counter().feed
        for d in dicts:
            feed(d)

    def nothing() -> None:
        for e in events:
            _nothing(e)

    cases: List[Tuple[str, Callable[[], None]]] = [
        ("`Monitor.feed(AuditEvent)`", feed_all(events)),
        ("`Monitor.feed(dict)`", feed_all(dicts)),
        ("`Monitor.feed(str)` (a JSON line)", feed_all(lines)),
        ("baseline: a Python call that does nothing", nothing),
        ("baseline: pure-Python per-key counter (dict in)", counter),
    ]
    best: Dict[str, Tuple[float, float]] = {name: (float("inf"), float("inf")) for name, _ in cases}
    load_before = os.getloadavg()
    for _ in range(ROUNDS):
        for name, run in cases:
            wall, cpu = _time(run)
            b = best[name]
            best[name] = (min(b[0], wall), min(b[1], cpu))
    load_after = os.getloadavg()

    # Sanity: the monitor saw every event (no issue), the same report each way.
    reports = []
    for items in (events, dicts, lines):
        m = Monitor(CONFIG)
        for item in items:
            m.feed(item)
        reports.append(m.finish())
    for r in reports:
        assert r.events == N and r.issues == [], (r.events, r.issues)
    assert [k.requests for k in reports[0].keys] == [k.requests for k in reports[2].keys]

    print(f"pictify_keys {pictify_keys.__version__}, CPython {sys.version.split()[0]}, {N:,} events, best of {ROUNDS} rounds")
    print(f"load average {load_before[0]:.1f} -> {load_after[0]:.1f}")
    print()
    print("| case | CPU per event | wall per event | events/s (CPU) |")
    print("| --- | --- | --- | --- |")
    for name, _ in cases:
        wall, cpu = best[name]
        print(f"| {name} | {cpu / N * 1e9:,.0f} ns | {wall / N * 1e9:,.0f} ns | {N / cpu:,.0f} |")
    feed_cpu = best[cases[0][0]][1]
    print()
    print(f"feed(AuditEvent) / pure-Python counter (CPU): {feed_cpu / best[cases[4][0]][1]:.2f}x")
    print(f"feed(AuditEvent) / empty Python call (CPU): {feed_cpu / best[cases[3][0]][1]:.2f}x")


if __name__ == "__main__":
    main()
