#!/usr/bin/env python3
"""Writes rotation.json: scripted response sequences for the key ring, with the key each
attempt must use and the decision the ring must take. Every binding replays these against
the core's ring (sans-IO: no server, a manual clock).

The expectations are written here by hand from the rules in docs (issue 4 / core/src/ring.rs),
not taken from any implementation. Key bodies start with the FAKE marker and come from a
seeded generator.

Run: python3 tests/vectors/make_rotation.py > tests/vectors/rotation.json
"""
import json
import random
import string

rng = random.Random(20261128)
BASE62 = string.digits + string.ascii_letters


def key(mode="live"):
    return f"pk_{mode}_FAKE" + "".join(rng.choice(BASE62) for _ in range(28))


NEW, CUR, OLD = key(), key(), key()
CLOCK_START = 1764201600000  # Thu, 27 Nov 2025 00:00:00 GMT

cases = []


def case(name, steps, keys=(NEW, OLD), config=None, stats=None):
    c = {"name": name, "keys": list(keys), "steps": steps}
    if config:
        c["config"] = config
    if stats is not None:
        c["stats"] = stats
    cases.append(c)


def st(req, key=None, status=None, error=None, retry_after=None, decision=None, delay_ms=None, code=None,
       advance_ms=None):
    """One step: optionally advance the clock, then attempt (expect `key`), then report an outcome."""
    s = {"request": req}
    if advance_ms is not None:
        s["advance_ms"] = advance_ms
    if key is not None:
        s["key"] = key
    if status is not None or error is not None:
        o = {"status": status} if status is not None else {"error": error}
        if retry_after is not None:
            o["retry_after"] = retry_after
        s["outcome"] = o
        s["decision"] = decision
        if delay_ms is not None:
            s["delay_ms"] = delay_ms
        if code is not None:
            s["code"] = code
    return s


def stats(requests, successes, unauthorized, errors):
    return {"requests": requests, "successes": successes, "unauthorized": unauthorized, "errors": errors}


case("NEW valid: one attempt, OLD unused",
     [st("r1", 0, 200, decision="done")],
     stats=[stats(1, 1, 0, 0), stats(0, 0, 0, 0)])

case("NEW revoked: fall back to OLD once, later requests start with OLD",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 200, decision="done"),
      st("r2", 1, 200, decision="done"), st("r3", 1, 200, decision="done")],
     stats=[stats(1, 0, 1, 0), stats(3, 3, 0, 0)])

case("NEW not yet active: 401, OLD used; after the cooldown NEW is re-probed and now works",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 200, decision="done"),
      st("r2", 1, 200, decision="done", advance_ms=299999),
      st("r3", 0, 200, decision="done", advance_ms=1), st("r4", 0, 200, decision="done")],
     stats=[stats(3, 2, 1, 0), stats(2, 2, 0, 0)])

case("re-probe after the cooldown finds NEW still revoked: one extra round trip per cooldown",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 200, decision="done"),
      st("r2", 0, 401, decision="try_next_key", advance_ms=300000), st("r2", 1, 200, decision="done"),
      st("r3", 1, 200, decision="done")],
     stats=[stats(2, 0, 2, 0), stats(3, 3, 0, 0)])

case("while one request re-probes a demoted key, other requests keep using the live key",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 200, decision="done"),
      st("probe", 0, advance_ms=300000),
      st("other", 1, 200, decision="done"),
      st("probe", status=200, decision="done"),
      st("after", 0, 200, decision="done")],
     stats=[stats(3, 2, 1, 0), stats(2, 2, 0, 0)])

case("custom cooldown of 1 s",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 200, decision="done"),
      st("r2", 1, 200, decision="done", advance_ms=999),
      st("r3", 0, 200, decision="done", advance_ms=1)],
     config={"cooldown_ms": 1000})

case("every key refused: fail with unauthorized after trying each key once",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 401, decision="fail", code="unauthorized"),
      st("r2", 0, 401, decision="try_next_key"), st("r2", 1, 401, decision="fail", code="unauthorized")],
     stats=[stats(2, 0, 2, 0), stats(2, 0, 2, 0)])

case("three keys, first two refused",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 401, decision="try_next_key"),
      st("r1", 2, 200, decision="done"), st("r2", 2, 201, decision="done")],
     keys=(NEW, CUR, OLD),
     stats=[stats(1, 0, 1, 0), stats(1, 0, 1, 0), stats(2, 2, 0, 0)])

case("503 never switches key: two retries with backoff, then fail",
     [st("r1", 0, 503, decision="retry", delay_ms=250), st("r1", 0, 503, decision="retry", delay_ms=500),
      st("r1", 0, 503, decision="fail", code="server_error")],
     stats=[stats(3, 0, 0, 3), stats(0, 0, 0, 0)])

case("500 then success on the same key",
     [st("r1", 0, 500, decision="retry", delay_ms=250), st("r1", 0, 200, decision="done")],
     stats=[stats(2, 1, 0, 1), stats(0, 0, 0, 0)])

case("timeout never switches key: retried, then fail with http_timeout",
     [st("r1", 0, error="timeout", decision="retry", delay_ms=250),
      st("r1", 0, error="timeout", decision="retry", delay_ms=500),
      st("r1", 0, error="timeout", decision="fail", code="http_timeout")],
     stats=[stats(3, 0, 0, 3), stats(0, 0, 0, 0)])

case("connection error retried on the same key",
     [st("r1", 0, error="connection", decision="retry", delay_ms=250), st("r1", 0, 200, decision="done")])

case("connection errors exhaust the retries",
     [st("r1", 0, error="connection", decision="retry", delay_ms=250),
      st("r1", 0, error="connection", decision="retry", delay_ms=500),
      st("r1", 0, error="connection", decision="fail", code="http_connection")])

case("408 and 409 are transient",
     [st("r1", 0, 408, decision="retry", delay_ms=250), st("r1", 0, 409, decision="retry", delay_ms=500),
      st("r1", 0, 200, decision="done")])

case("409 after the retries fails with http_status",
     [st("r1", 0, 409, decision="retry", delay_ms=250), st("r1", 0, 409, decision="retry", delay_ms=500),
      st("r1", 0, 409, decision="fail", code="http_status")])

case("429 with Retry-After in seconds",
     [st("r1", 0, 429, retry_after="2", decision="retry", delay_ms=2000), st("r1", 0, 200, decision="done")])

case("429 with Retry-After as an HTTP date",
     [st("r1", 0, 429, retry_after="Thu, 27 Nov 2025 00:00:07 GMT", decision="retry", delay_ms=7000),
      st("r1", 0, 200, decision="done")])

case("Retry-After in the past means retry now",
     [st("r1", 0, 429, retry_after="Wed, 26 Nov 2025 23:59:00 GMT", decision="retry", delay_ms=0),
      st("r1", 0, 200, decision="done")])

case("Retry-After above the cap is capped",
     [st("r1", 0, 503, retry_after="3600", decision="retry", delay_ms=30000), st("r1", 0, 200, decision="done")])

case("unparseable Retry-After falls back to backoff",
     [st("r1", 0, 429, retry_after="soon", decision="retry", delay_ms=250), st("r1", 0, 200, decision="done")])

case("429 after the retries fails with rate_limited",
     [st("r1", 0, 429, retry_after="1", decision="retry", delay_ms=1000),
      st("r1", 0, 429, retry_after="1", decision="retry", delay_ms=1000),
      st("r1", 0, 429, retry_after="1", decision="fail", code="rate_limited")])

case("backoff doubles up to its cap",
     [st("r1", 0, 502, decision="retry", delay_ms=1000), st("r1", 0, 502, decision="retry", delay_ms=2000),
      st("r1", 0, 502, decision="retry", delay_ms=3000), st("r1", 0, 502, decision="retry", delay_ms=3000),
      st("r1", 0, 502, decision="fail", code="server_error")],
     config={"base_delay_ms": 1000, "max_delay_ms": 3000, "max_retries": 4})

case("max_retries 0 fails at once",
     [st("r1", 0, 503, decision="fail", code="server_error")],
     config={"max_retries": 0})

case("after a fallback, a transient failure retries the new key",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 503, decision="retry", delay_ms=250),
      st("r1", 1, 200, decision="done")],
     stats=[stats(1, 0, 1, 0), stats(2, 1, 0, 1)])

case("retries are counted per key",
     [st("r1", 0, 503, decision="retry", delay_ms=250), st("r1", 0, 401, decision="try_next_key"),
      st("r1", 1, 503, decision="retry", delay_ms=250), st("r1", 1, 503, decision="retry", delay_ms=500),
      st("r1", 1, 200, decision="done")])

case("client errors other than 401 end the request without retry or fallback",
     [st("r1", 0, 400, decision="done"), st("r2", 0, 403, decision="done"), st("r3", 0, 404, decision="done"),
      st("r4", 0, 422, decision="done")],
     stats=[stats(4, 0, 0, 4), stats(0, 0, 0, 0)])

case("a success on a key clears its demotion",
     [st("r1", 0, 401, decision="try_next_key"), st("r1", 1, 401, decision="fail", code="unauthorized"),
      st("r2", 0, 200, decision="done"), st("r3", 0, 200, decision="done")])

doc = {
    "description": "Key ring rotation and retry scripts; see README.md in this folder.",
    "version": 1,
    "fixture_marker": "FAKE",
    "clock_start_ms": CLOCK_START,
    "default_config": {"max_retries": 2, "cooldown_ms": 300000, "base_delay_ms": 250, "max_delay_ms": 8000,
                       "retry_after_cap_ms": 30000, "jitter": False},
    "cases": cases,
}
print(json.dumps(doc, indent=2, ensure_ascii=True))
