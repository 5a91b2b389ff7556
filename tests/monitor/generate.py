#!/usr/bin/env python3
"""Seeded generator of Pictify audit logs with planted anomalies, for `pictify-keys audit`.

Writes into OUT_DIR:
  audit.jsonl    one month (March 2026, across both DST changes of the year's spring: US on
                 8 March, EU on 29 March) of traffic from five keys, sorted by time
  monitor.toml   the matching monitor configuration
  planted.json   what was planted: for each anomaly, the key and the alert kinds it must raise,
                 plus the malformed lines and their line numbers

  python3 tests/monitor/generate.py OUT_DIR [--seed N] [--clean] [--scale F] [--gzip]

--clean plants nothing (no alert is expected); --scale multiplies the traffic (scale 27 gives
about a million lines, for benchmarks). Same seed and options, same bytes. Only the standard
library; Paris time is computed with the EU rule, so no tz database is needed.
"""

import argparse
import gzip
import json
import os
import random
from datetime import datetime, timedelta, timezone

START = datetime(2026, 3, 1, tzinfo=timezone.utc)
DAYS = 31
FAKE_KEY = "pk_live_FAKE" + "Zx9Qw3Er5Ty7Ui9Op1As"  # a fixture-shaped key pasted into keyId

CONFIG = """\
# Monitor configuration for the generated month (tests/monitor/generate.py).
[networks]
production = ["10.0.0.0/8"]
staging = ["172.16.0.0/12"]

[keys.key_render]
name = "render worker"
purpose = "renders share images"
environment = "production"
allowed_networks = ["203.0.113.0/24", "2001:db8:10::/48"]

[keys.key_batch]
name = "nightly batch"
environment = "production"

[keys.key_dash]
name = "staff dashboard"
environment = "production"
access = "read-only"
business_hours = { zone = "Europe/Paris", days = ["mon", "tue", "wed", "thu", "fri"], start = "08:00", end = "19:00" }

[keys.key_old]
name = "old render key"
environment = "production"
revoked_at = "2026-03-10T00:00:00Z"

[keys.key_ci]
name = "CI tests"
environment = "test"
services = 1
"""


def last_sunday(year, month):
    d = datetime(year, month + 1, 1, tzinfo=timezone.utc) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def paris_offset(t):
    """Hours ahead of UTC in Paris at UTC time t (EU rule: summer time from 01:00 UTC on the
    last Sunday of March to 01:00 UTC on the last Sunday of October)."""
    begin = last_sunday(t.year, 3).replace(hour=1)
    end = last_sunday(t.year, 10).replace(hour=1)
    return 2 if begin <= t < end else 1


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Log:
    def __init__(self, rng):
        self.rng = rng
        self.events = []  # (time, order, line)

    def add(self, t, key, status=200, ip="203.0.113.50", ua="pictify-node/1.0.0",
            endpoint="/v1/render", method="POST"):
        line = json.dumps({
            "timestamp": iso(t), "action": "api.request", "keyId": key,
            "endpoint": endpoint, "method": method, "status": status, "ip": ip, "userAgent": ua,
        }, separators=(",", ":"))
        self.events.append((t, len(self.events), line.encode()))

    def raw(self, t, data):
        self.events.append((t, len(self.events), data))

    def in_hour(self, hour_start, n):
        return sorted(hour_start + timedelta(seconds=self.rng.randrange(3600)) for _ in range(n))


def poisson(rng, lam):
    # Knuth for small rates, a rounded normal for large ones (enough for test traffic).
    if lam > 50:
        return max(0, int(round(rng.gauss(lam, lam ** 0.5))))
    limit, k, p = 2.718281828459045 ** -lam, 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def normal_traffic(log, rng, scale):
    render_ips = ["203.0.113.50", "203.0.113.51", "203.0.113.52", "2001:db8:10::7"]
    batch_ips = ["203.0.113.80", "203.0.113.81"]
    office_ips = ["192.0.2.10", "192.0.2.11", "192.0.2.12"]
    for day in range(DAYS):
        for hour in range(24):
            h = START + timedelta(days=day, hours=hour)
            weekend = h.weekday() >= 5
            # render: busy during the European day, quieter at night and at weekends
            lam = (60 if 7 <= hour < 19 else 10) * (0.5 if weekend else 1.0) * scale
            for t in log.in_hour(h, poisson(rng, lam)):
                status = 500 if rng.random() < 0.01 else (404 if rng.random() < 0.01 else 200)
                log.add(t, "key_render", status, rng.choice(render_ips))
            # batch: a steady cron job, every hour, every day
            for t in log.in_hour(h, poisson(rng, 5 * scale)):
                log.add(t, "key_batch", 200, rng.choice(batch_ips), "pictify-python/1.2.0",
                        "/v1/batch", "POST")
            # dashboard: staff in Paris, working days 08:30-18:30 local time only
            local = h + timedelta(hours=paris_offset(h))
            if local.weekday() < 5 and 9 <= local.hour < 18:
                for t in log.in_hour(h, poisson(rng, 20 * scale)):
                    log.add(t, "key_dash", 200, rng.choice(office_ips), "Mozilla/5.0 dashboard",
                            "/v1/templates", "GET")
            # old key: used until its revocation on 10 March
            if h < datetime(2026, 3, 10, tzinfo=timezone.utc):
                for t in log.in_hour(h, poisson(rng, 3 * scale)):
                    log.add(t, "key_old", 200, "203.0.113.60")
            # CI: test key from the CI network
            for t in log.in_hour(h, poisson(rng, 2 * scale)):
                log.add(t, "key_ci", 200, "198.51.100.20", "pictify-node/1.0.0 ci",
                        "/v1/render", "POST")


def plant(log, rng):
    at = lambda d, hh, mm=0: START + timedelta(days=d - 1, hours=hh, minutes=mm)
    planted = []

    def note(kinds, key, when, what):
        planted.append({"key": key, "kinds": kinds, "at": iso(when), "what": what})

    # 1. request spike: a runaway retry loop on the render key, 20 March 14:00 UTC
    t = at(20, 14)
    for s in log.in_hour(t, 1500):
        log.add(s, "key_render", 200, "203.0.113.50")
    note(["request_spike"], "key_render", t, "1500 extra requests in one hour")
    # 2. disallowed network (also a network never seen for the key): 22 March
    t = at(22, 11, 5)
    for i in range(3):
        log.add(t + timedelta(seconds=i * 7), "key_render", 200, "198.51.100.77", "python-requests/2.31")
    note(["disallowed_network", "new_network"], "key_render", t, "3 requests from 198.51.100.77")
    # 3. 401 burst: a client still sending a rotated key, 25 March 02:00 UTC (a quiet hour)
    t = at(25, 2)
    for s in log.in_hour(t, 40):
        log.add(s, "key_render", 401, "203.0.113.9", "curl/8.0")
    note(["auth_failure_burst"], "key_render", t, "40 answers 401")
    # 4. error-rate spike: 27 March 03:00 UTC
    t = at(27, 3)
    for s in log.in_hour(t, 30):
        log.add(s, "key_render", 500, "203.0.113.51")
    note(["error_rate_spike"], "key_render", t, "30 answers 500 in a quiet hour")
    # 5. 429 burst on the batch key: 8 March 04:00 UTC
    t = at(8, 4)
    for s in log.in_hour(t, 80):
        log.add(s, "key_batch", 429, "203.0.113.80", "pictify-python/1.2.0", "/v1/batch", "POST")
    note(["rate_limit_burst"], "key_batch", t, "80 answers 429")
    # 6. new network for the batch key: 16 March
    t = at(16, 9, 30)
    log.add(t, "key_batch", 200, "2001:db8:99::5", "pictify-python/1.2.0", "/v1/batch", "POST")
    note(["new_network"], "key_batch", t, "a request from 2001:db8:99::/48")
    # 7. off hours: the dashboard key on Sunday 15 March, 03:10 in Paris (02:10 UTC)
    t = at(15, 2, 10)
    for i in range(5):
        log.add(t + timedelta(seconds=i * 30), "key_dash", 200, "192.0.2.10", "Mozilla/5.0 dashboard",
                "/v1/templates", "GET")
    note(["off_hours"], "key_dash", t, "5 requests on Sunday night")
    # 7b. off hours after the EU change: Monday 30 March 07:30 Paris (05:30 UTC) is before
    # 08:00; in CET it would have been 06:30, so both sides of the change are checked.
    t = at(30, 5, 30)
    log.add(t, "key_dash", 200, "192.0.2.11", "Mozilla/5.0 dashboard", "/v1/templates", "GET")
    note(["off_hours"], "key_dash", t, "07:30 Paris time on the first day of summer time")
    # 8. use after revocation: 18 March
    t = at(18, 10)
    for i in range(2):
        log.add(t + timedelta(minutes=i), "key_old", 200, "203.0.113.60")
    note(["use_after_revocation"], "key_old", t, "2 requests answered 200 after revocation")
    # 9. test key from a production network (also new for the key): 12 March
    t = at(12, 15)
    for i in range(4):
        log.add(t + timedelta(seconds=i), "key_ci", 200, "10.1.2.3", "pictify-node/1.0.0", "/v1/render", "POST")
    note(["test_key_from_production", "new_network"], "key_ci", t, "4 requests from 10.1.2.3")
    # Least privilege (issue 16), at fixed times so the random traffic above is unchanged.
    # 10. the read-only dashboard key sends writes: Tuesday 24 March 10:00 UTC (11:00 in
    # Paris, inside business hours)
    t = at(24, 10)
    for i in range(2):
        log.add(t + timedelta(minutes=i), "key_dash", 200, "192.0.2.12", "Mozilla/5.0 dashboard",
                "/v1/templates", "POST")
    note(["read_only_write"], "key_dash", t, "2 POSTs answered 200 with the read-only key")
    # 11. the production batch key used from the staging network (new for the key too)
    t = at(26, 12)
    log.add(t, "key_batch", 200, "172.16.4.4", "pictify-python/1.2.0", "/v1/batch", "POST")
    note(["foreign_environment", "new_network"], "key_batch", t, "a request from staging's 172.16.4.4")
    # 12. the CI key (services = 1) also used by another client product
    t = at(28, 9)
    log.add(t, "key_ci", 200, "198.51.100.20", "pictify-python/1.2.0", "/v1/render", "POST")
    note(["shared_key"], "key_ci", t, "a second client product, pictify-python")

    # Malformed lines, each counted with its line number and never echoed.
    bad = [
        ("truncated", at(5, 12), b'{"timestamp":"2026-03-05T12:00:00Z","action":"api.request","keyId":"key_render","endp'),
        ("invalid_utf8", at(5, 12, 1), b'{"timestamp":"2026-03-05T12:01:00Z","keyId":"key_render","status":200,"userAgent":"\xff\xfe"}'),
        ("wrong_type", at(5, 12, 2), b'{"timestamp":"2026-03-05T12:02:00Z","keyId":"key_render","status":"200"}'),
        ("timestamp_offset", at(5, 12, 3), b'{"timestamp":"2026-03-05T13:03:00+01:00","keyId":"key_render","status":200}'),
        ("secret_in_key_id", at(5, 12, 4), ('{"timestamp":"2026-03-05T12:04:00Z","keyId":"%s","status":200}' % FAKE_KEY).encode()),
    ]
    for _, t, data in bad:
        log.raw(t, data)
    return planted


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--clean", action="store_true")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--gzip", action="store_true")
    a = p.parse_args()
    rng = random.Random(a.seed)
    log = Log(rng)
    normal_traffic(log, rng, a.scale)
    planted = [] if a.clean else plant(log, rng)
    log.events.sort(key=lambda e: (e[0], e[1]))
    os.makedirs(a.out_dir, exist_ok=True)
    name = "audit.jsonl.gz" if a.gzip else "audit.jsonl"
    opener = (lambda f: gzip.GzipFile(fileobj=f, mode="wb", mtime=0)) if a.gzip else (lambda f: f)
    malformed = []
    with open(os.path.join(a.out_dir, name), "wb") as raw:
        out = opener(raw)
        for _, _, line in log.events:
            out.write(line + b"\n")
        if out is not raw:
            out.close()
    # Line numbers of the malformed lines, found again by their content.
    for n, (_, _, line) in enumerate(log.events, 1):
        code = classify(line)
        if code:
            malformed.append({"code": code, "line": n})
    with open(os.path.join(a.out_dir, "monitor.toml"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(a.out_dir, "planted.json"), "w") as f:
        json.dump({"seed": a.seed, "clean": a.clean, "file": name, "lines": len(log.events),
                   "anomalies": planted, "malformed": malformed}, f, indent=1)
        f.write("\n")


def classify(line):
    if b"\xff" in line:
        return "invalid_utf8"
    if not line.endswith(b"}"):
        return "truncated"
    if b'"status":"200"' in line:
        return "wrong_type"
    if b"+01:00" in line:
        return "timestamp_offset"
    if FAKE_KEY.encode() in line:
        return "secret_in_key_id"
    return None


if __name__ == "__main__":
    main()
