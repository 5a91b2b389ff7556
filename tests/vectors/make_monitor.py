#!/usr/bin/env python3
"""Writes tests/vectors/monitor.json: audit-event streams and the alerts they must raise.

    python3 tests/vectors/make_monitor.py > tests/vectors/monitor.json

Expected results are written by hand here from docs/monitor.md (window 60 minutes, grace
5 minutes, the documented default thresholds), not taken from any implementation.

A stream item is a literal line, or {"repeat": {"start", "every_secs", "count", "event"}}:
`count` lines whose event is `event` with `"timestamp"` = start + i * every_secs put first.
"""

import json

FAKE = "pk_live_FAKE3Wwd25rq4f5zra1b2"


def ev(key="key_a", status=200, ip="203.0.113.5", endpoint="/v1/render", method="POST", ua="pictify-node/1.0.0"):
    return {"action": "api.request", "keyId": key, "endpoint": endpoint, "method": method,
            "status": status, "ip": ip, "userAgent": ua}


def line(ts, **kw):
    return json.dumps({"timestamp": ts, **ev(**kw)}, separators=(",", ":"))


def rep(start, every, count, **kw):
    return {"repeat": {"start": start, "every_secs": every, "count": count, "event": ev(**kw)}}


def alert(kind, key, start, severity, open_=False, windows=1):
    return {"kind": kind, "keyId": key, "start": start, "severity": severity, "open": open_, "windows": windows}


cases = []


def case(name, stream, alerts=(), issues=None, events=None, config=""):
    c = {"name": name, "config": config, "stream": stream, "expect": {"alerts": list(alerts), "issues": issues or {}}}
    if events is not None:
        c["expect"]["events"] = events
    cases.append(c)


case("the documented line: one event, no alert",
     ['{"timestamp":"2026-01-29T10:30:00Z","action":"api.request","keyId":"key_abc123","endpoint":"/image","method":"POST","status":200,"ip":"203.0.113.50","userAgent":"pictify-node/1.0.0"}'],
     events=1)

case("bad lines are counted by line number and never stop the analysis",
     [line("2026-03-02T10:00:00Z"),
      '{"timestamp":"2026-03-02T10:00:01Z","keyId":"key_a","sta',
      '{"timestamp":"2026-03-02T10:00:02Z","keyId":"key_a","status":"200"}',
      '{"timestamp":"2026-03-02T11:00:03+01:00","keyId":"key_a","status":200}',
      '{"timestamp":"2026-03-02T10:00:04.5Z","keyId":"key_a","status":200}',
      '{"timestamp":"2026-03-02 10:00:05Z","keyId":"key_a","status":200}',
      '{"timestamp":"2026-03-02T10:00:06Z","keyId":"%s","status":200}' % FAKE,
      '{"timestamp":"2026-03-02T10:00:07Z","keyId":"key a","status":200}',
      '{"timestamp":"2026-03-02T10:00:08Z","keyId":"key_a","status":200,"ip":"300.1.1.1"}',
      '{"timestamp":"2026-03-02T10:00:09Z","keyId":"key_a"}',
      'not json at all',
      '',
      '{"timestamp":"2026-03-02T10:00:10Z","keyId":"pk_test_****a1b2","status":200,"ip":null}'],
     issues={"truncated": [2], "wrong_type": [3], "timestamp_offset": [4], "bad_timestamp": [6],
             "secret_in_key_id": [7], "invalid_key_id": [8], "invalid_ip": [9], "missing_field": [10],
             "invalid_json": [11]},
     events=3)

case("an event older than a closed window is out of order; one within the open window is not",
     [line("2026-03-02T10:00:00Z"), line("2026-03-02T12:10:00Z"), line("2026-03-02T10:30:00Z"),
      line("2026-03-02T12:01:00Z"), line("2026-03-02T11:58:00Z")],
     issues={"out_of_order": [3, 5]}, events=3)

case("the re-order grace keeps a window open for 5 minutes",
     [line("2026-03-02T10:59:00Z"), line("2026-03-02T11:04:59Z"), line("2026-03-02T10:59:30Z")],
     events=3)

ALLOW = '[keys.key_a]\nallowed_networks = ["203.0.113.0/24"]\n'
case("disallowed network: start, update, end after 3 quiet windows, then a new alert",
     [rep("2026-03-02T00:00:00Z", 600, 3),
      line("2026-03-02T00:30:00Z", ip="198.51.100.9"),
      rep("2026-03-02T00:30:00Z", 600, 6),
      line("2026-03-02T01:30:00Z", ip="198.51.100.9"),
      rep("2026-03-02T01:30:00Z", 600, 30),
      line("2026-03-02T06:30:00Z", ip="198.51.100.9"),
      rep("2026-03-02T06:30:00Z", 600, 21)],
     alerts=[alert("disallowed_network", "key_a", "2026-03-02T00:00:00Z", "high", windows=2),
             alert("disallowed_network", "key_a", "2026-03-02T06:00:00Z", "high")],
     config=ALLOW, events=63)

case("401/403 burst: 20 in a window alert, 19 do not",
     [rep("2026-03-02T00:00:00Z", 60, 10, key="key_a", status=401),
      rep("2026-03-02T00:00:30Z", 60, 10, key="key_a", status=403),
      rep("2026-03-02T00:00:00Z", 60, 19, key="key_b", status=401),
      line("2026-03-02T02:00:00Z", key="key_b")],
     alerts=[alert("auth_failure_burst", "key_a", "2026-03-02T00:00:00Z", "medium", open_=True)])

case("429 burst: 50 in a window",
     [rep("2026-03-02T00:00:00Z", 60, 50, status=429)],
     alerts=[alert("rate_limit_burst", "key_a", "2026-03-02T00:00:00Z", "low", open_=True)])

case("request spike after 8 days at 10 an hour: 200 in one hour",
     [rep("2026-03-02T00:00:00Z", 360, 8 * 240),
      rep("2026-03-10T12:00:00Z", 15, 200),
      rep("2026-03-10T13:00:00Z", 360, 10)],
     alerts=[alert("request_spike", "key_a", "2026-03-10T12:00:00Z", "high", open_=True)])

case("no spike below the absolute floor: a 1-an-hour cron key making 30",
     [rep("2026-03-02T00:00:00Z", 3600, 8 * 24),
      rep("2026-03-10T12:00:00Z", 60, 30)])

case("no spike while learning: 200 in an hour on day 3",
     [rep("2026-03-02T00:00:00Z", 360, 2 * 240),
      rep("2026-03-04T12:00:00Z", 15, 200)])

case("error-rate spike: 20 errors in 30 requests against a clean baseline",
     [rep("2026-03-02T00:00:00Z", 120, 8 * 720),
      rep("2026-03-10T12:00:00Z", 60, 10),
      rep("2026-03-10T12:10:00Z", 60, 20, status=500)],
     alerts=[alert("error_rate_spike", "key_a", "2026-03-10T12:00:00Z", "medium", open_=True)])

case("401, 403 and 429 are not errors for the error-rate detector",
     [rep("2026-03-02T00:00:00Z", 120, 8 * 720),
      rep("2026-03-10T12:00:00Z", 60, 10),
      rep("2026-03-10T12:10:00Z", 60, 15, status=429)])

case("new network after the 7-day learning period; a new one during learning is not reported",
     [rep("2026-03-02T00:00:00Z", 3600, 48),
      line("2026-03-04T00:30:00Z", ip="2001:db8:5::1"),
      rep("2026-03-04T01:00:00Z", 3600, 7 * 24),
      line("2026-03-11T01:30:00Z", ip="198.51.100.1"),
      line("2026-03-11T01:40:00Z", ip="198.51.100.2")],
     alerts=[alert("new_network", "key_a", "2026-03-11T01:00:00Z", "medium", open_=True)])

case("use after revocation: high while every request fails, critical once one succeeds",
     [line("2026-03-02T10:00:00Z"),
      line("2026-03-02T12:00:00Z", status=401),
      line("2026-03-02T13:10:00Z")],
     alerts=[alert("use_after_revocation", "key_a", "2026-03-02T12:00:00Z", "critical", open_=True, windows=2)],
     config='[keys.key_a]\nrevoked_at = "2026-03-02T11:00:00Z"\n')

case("test key (by environment, and by fingerprint) from a production network",
     [line("2026-03-02T10:00:00Z", key="key_ci", ip="198.51.100.20"),
      line("2026-03-02T10:05:00Z", key="key_ci", ip="10.1.2.3"),
      line("2026-03-02T10:06:00Z", key="pk_test_****a1b2", ip="10.9.9.9"),
      line("2026-03-02T10:07:00Z", key="pk_live_****c3d4", ip="10.9.9.9")],
     alerts=[alert("test_key_from_production", "key_ci", "2026-03-02T10:00:00Z", "high", open_=True),
             alert("test_key_from_production", "pk_test_****a1b2", "2026-03-02T10:00:00Z", "high", open_=True)],
     config='[networks]\nproduction = ["10.0.0.0/8"]\n[keys.key_ci]\nenvironment = "test"\n')

HOURS = ('[keys.key_a]\nbusiness_hours = { zone = "Europe/Paris", days = ["mon", "tue", "wed", "thu", "fri"], '
         'start = "08:00", end = "19:00" }\n')
case("business hours in Europe/Paris across both 2026 DST changes",
     [line("2026-03-27T07:30:00Z"),   # Fri 08:30 CET: inside
      line("2026-03-30T05:30:00Z"),   # Mon 07:30 CEST: outside (would be inside at UTC+1)
      line("2026-03-30T06:30:00Z"),   # Mon 08:30 CEST: inside
      line("2026-10-23T06:30:00Z"),   # Fri 08:30 CEST: inside
      line("2026-10-26T06:30:00Z"),   # Mon 07:30 CET: outside
      line("2026-10-26T07:30:00Z"),   # Mon 08:30 CET: inside
      line("2026-10-26T17:59:00Z"),   # Mon 18:59 CET: inside
      line("2026-10-26T18:00:00Z")],  # Mon 19:00 CET: outside
     alerts=[alert("off_hours", "key_a", "2026-03-30T05:00:00Z", "low"),
             alert("off_hours", "key_a", "2026-10-26T06:00:00Z", "low"),
             alert("off_hours", "key_a", "2026-10-26T18:00:00Z", "low", open_=True)],
     config=HOURS)

# 150 requests every day from 08:00 to 08:50 Paris time, 18 March to 5 April: 07:00 UTC
# before the change of 29 March, 06:00 UTC after. Compared by UTC hour, the first morning
# of summer time would look like a spike from nothing; compared by local time it is normal.
morning = []
for day in range(18, 36):
    month, d = (3, day) if day <= 31 else (4, day - 31)
    hour = 7 if (month, d) < (3, 29) else 6
    morning.append(rep("2026-%02d-%02dT%02d:00:00Z" % (month, d, hour), 20, 150, key="key_a"))
case("the request-spike baseline is the same local time of day, across the DST change",
     morning,
     config='[keys.key_a]\nbusiness_hours = { zone = "Europe/Paris", days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start = "08:00", end = "19:00" }\n')
case("a team zone does the same for keys without business hours",
     [dict(r) for r in morning],
     config='zone = "Europe/Paris"\n')
# Without a zone, 06:00 UTC had 0 requests on the 11 days before the change, so the median
# stays 0 (and every morning is a spike) until summer-time mornings are the majority: all 7
# of them here, each its own alert (3 quiet windows end one), the last still open.
case("in UTC (no zone) every summer-time morning is a spike while winter days are the majority",
     [dict(r) for r in morning],
     alerts=[alert("request_spike", "key_a", "2026-03-%02dT06:00:00Z" % d if d <= 31 else "2026-04-%02dT06:00:00Z" % (d - 31),
                   "high", open_=(d == 35)) for d in range(29, 36)])

# Least privilege from real traffic (issue 16 item 2).
case("read-only key used for writes: medium while refused, high once a write succeeds",
     [line("2026-03-02T10:00:00Z", key="key_ro", method="GET"),
      line("2026-03-02T10:05:00Z", key="key_ro", method="POST", status=403),
      line("2026-03-02T10:06:00Z", key="key_full", method="POST"),
      line("2026-03-02T11:00:00Z", key="key_ro", method="HEAD"),
      line("2026-03-02T12:00:00Z", key="key_ro", method="delete"),
      line("2026-03-02T12:10:00Z", key="key_ro", method="GET")],
     alerts=[alert("read_only_write", "key_ro", "2026-03-02T10:00:00Z", "high", open_=True, windows=2)],
     config='[keys.key_ro]\naccess = "read-only"\n[keys.key_full]\naccess = "full"\n')

case("a key used from another environment's network; no environment or an unknown network is no alert; a test key in production has its own alert",
     [line("2026-03-02T10:00:00Z", key="key_stg", ip="172.16.1.1"),
      line("2026-03-02T10:10:00Z", key="key_stg", ip="10.1.1.1"),
      line("2026-03-02T10:20:00Z", key="key_prod", ip="10.2.2.2"),
      line("2026-03-02T10:30:00Z", key="key_prod", ip="172.16.5.5"),
      line("2026-03-02T10:40:00Z", key="key_prod", ip="198.51.100.1"),
      line("2026-03-02T10:41:00Z", key="key_any", ip="172.16.1.1"),
      line("2026-03-02T10:42:00Z", key="key_t", ip="10.3.3.3")],
     alerts=[alert("foreign_environment", "key_prod", "2026-03-02T10:00:00Z", "high", open_=True),
             alert("foreign_environment", "key_stg", "2026-03-02T10:00:00Z", "high", open_=True),
             alert("test_key_from_production", "key_t", "2026-03-02T10:00:00Z", "high", open_=True)],
     config='[networks]\nproduction = ["10.0.0.0/8"]\nstaging = ["172.16.0.0/12"]\n'
            '[keys.key_stg]\nenvironments = ["staging"]\n[keys.key_prod]\nenvironment = "production"\n'
            '[keys.key_any]\nname = "no environment"\n[keys.key_t]\nenvironments = ["test"]\n')

case("one key shared by several services: a 4th client product (versions are one product), a 9th network, or more than `services`",
     [line("2026-03-02T10:00:00Z", key="key_sh", ua="pictify-node/1.0.0"),
      line("2026-03-02T10:10:00Z", key="key_sh", ua="pictify-node/1.1.0"),
      line("2026-03-02T10:20:00Z", key="key_sh", ua="pictify-python/2.0"),
      line("2026-03-02T10:30:00Z", key="key_sh", ua="curl/8.0"),
      line("2026-03-02T10:40:00Z", key="key_sh", ua="Go-http-client/1.1"),
      line("2026-03-02T10:41:00Z", key="key_svc", ua="pictify-node/1.0.0"),
      line("2026-03-02T10:42:00Z", key="key_svc", ua="pictify-python/2.0")]
     + [line("2026-03-02T10:5%d:00Z" % i, key="key_net", ip="192.0.%d.1" % (10 + i)) for i in range(9)]
     + [line("2026-03-02T13:00:00Z", key="key_sh", ua="python-requests/2.31")],
     # key_net and key_svc end after the quiet windows 11:00, 12:00, 13:00 (the last one
     # closed at the end of the input); key_sh fires again at 13:00, before its cool-down.
     alerts=[alert("shared_key", "key_net", "2026-03-02T10:00:00Z", "medium"),
             alert("shared_key", "key_sh", "2026-03-02T10:00:00Z", "medium", open_=True, windows=2),
             alert("shared_key", "key_svc", "2026-03-02T10:00:00Z", "medium")],
     config='[keys.key_svc]\nservices = 1\n')

print(json.dumps({
    "description": "Usage monitor: audit-event streams and the alerts they raise; see README.md in this folder.",
    "version": 1,
    "fixture_marker": "FAKE",
    "cases": cases,
}, indent=1))
