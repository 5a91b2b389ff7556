"""The in-process usage monitor: tests/vectors/monitor.json replayed through `Monitor`, a 401
storm from a `Client`'s own traffic against the real tests/mock-api raising an alert,
configuration errors with their codes, the callback contract, and no key in any repr."""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Union

import pytest

from conftest import MockApi, load_vectors
from pictify_keys import (
    Alert,
    AlertUpdate,
    ApiKey,
    AsyncClient,
    AuditEvent,
    Client,
    KeyUsage,
    Monitor,
    MonitorReport,
    PictifyHTTPError,
    PictifyInputError,
    RingConfig,
)

VECTORS = load_vectors("monitor.json")
VALID = load_vectors("rotation.json")["cases"][0]["keys"]
NEW = VALID[0]
FAST = RingConfig(base_delay_ms=1, max_delay_ms=5, retry_after_cap_ms=20, jitter=False)
T0 = 1_772_409_600  # 2026-03-02T00:00:00Z
HOUR = 3600


def _utc(secs: int) -> str:
    return datetime.datetime.fromtimestamp(secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expand(stream: List[Any]) -> List[str]:
    """The stream's lines: literal lines, and `repeat` blocks expanded (as the Rust test does)."""
    out: List[str] = []
    for item in stream:
        if isinstance(item, str):
            out.append(item)
            continue
        r = item["repeat"]
        start = int(datetime.datetime.strptime(r["start"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
        for i in range(r["count"]):
            event = {"timestamp": _utc(start + i * r["every_secs"])}
            event.update(r["event"])
            out.append(json.dumps(event, separators=(",", ":")))
    return out


def _as_dict_or_line(line: str) -> Union[str, Dict[str, Any]]:
    try:
        value = json.loads(line)
    except ValueError:
        return line
    return value if isinstance(value, dict) else line


def _summary(report: MonitorReport) -> Dict[str, Any]:
    return {
        "alerts": [
            {"kind": a.kind, "keyId": a.key_id, "start": a.start, "severity": a.severity, "open": a.open, "windows": a.windows}
            for a in report.alerts
        ],
        "issues": {i["code"]: [at["line"] for at in i["lines"]] for i in report.issues},
        "events": report.events,
    }


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"][:60] for c in VECTORS["cases"]])
def test_monitor_vectors(case: Dict[str, Any]) -> None:
    lines = _expand(case["stream"])
    as_lines = Monitor(case["config"])
    for line in lines:
        as_lines.feed(line)
    got = _summary(as_lines.finish())
    expect = case["expect"]
    assert got["alerts"] == expect["alerts"]
    assert got["issues"] == expect["issues"]
    if "events" in expect:
        assert got["events"] == expect["events"]
    # The same stream as dicts (bytes for the lines that are not JSON objects), updates
    # through the callback: the same alerts, and every start/update/end in order.
    seen: List[AlertUpdate] = []
    as_dicts = Monitor(case["config"], on_alert=seen.append)
    for line in lines:
        item = _as_dict_or_line(line)
        as_dicts.feed(item if isinstance(item, dict) else item.encode())
    again = as_dicts.finish()
    assert _summary(again) == got
    assert as_dicts.poll() == []
    closed = {u.alert.id for u in seen if u.phase == "end"}
    started = [u.alert.id for u in seen if u.phase == "start"]
    assert sorted(started) == sorted(a.id for a in again.alerts)
    assert closed == {a.id for a in again.alerts if not a.open}
    assert "FAKE" not in repr(again) + repr(seen)


def _event(t: int, status: int, ip: str = "203.0.113.9") -> AuditEvent:
    return AuditEvent(action="api.request", key="key_a", endpoint="/image", method="POST", status=status, timestamp_ms=t * 1000, ip=ip)


def test_poll_report_and_advance() -> None:
    m = Monitor('[keys.key_a]\nallowed_networks = ["198.51.100.0/24"]\nthresholds = { auth_burst = 5 }\n')
    for i in range(12):
        m.feed(_event(T0 + 60 * i, 401 if i % 2 == 0 else 200))
    now = m.report()
    assert isinstance(now, MonitorReport) and now.events == 12 and now.alerts == []
    assert isinstance(now.keys[0], KeyUsage)
    assert (now.keys[0].key_id, now.keys[0].requests, now.keys[0].auth_failures) == ("key_a", 12, 6)
    assert m.poll() == []  # the window is still open
    m.advance(datetime.datetime(2026, 3, 2, 1, 5, tzinfo=datetime.timezone.utc))
    updates = m.poll()
    assert [(u.phase, u.alert.kind) for u in updates] == [("start", "auth_failure_burst"), ("start", "disallowed_network")]
    assert isinstance(updates[0].alert, Alert)
    burst = updates[0].alert
    assert burst.id == "auth_failure_burst:key_a:2026-03-02T00:00:00Z"
    assert (burst.severity, burst.events, burst.evidence[0]) == ("medium", 6, {"source": "memory", "line": 1})
    assert burst.top_endpoints == [("POST /image", 6)]
    assert m.poll() == []
    # Three quiet windows later (numbers are seconds since the epoch) both alerts end.
    m.advance(T0 + 4 * HOUR + 300)
    assert [(u.phase, u.alert.open) for u in m.poll()] == [("end", False), ("end", False)]
    assert [a.open for a in m.report().alerts] == [False, False]


def test_callback_exceptions_propagate_and_nothing_is_lost() -> None:
    calls: List[str] = []

    def fail_first(update: AlertUpdate) -> None:
        calls.append(update.alert.kind)
        if len(calls) == 1:
            raise RuntimeError("callback failed")

    m = Monitor('[keys.key_a]\nallowed_networks = ["198.51.100.0/24"]\nthresholds = { auth_burst = 1 }\n', on_alert=fail_first)
    m.feed(_event(T0, 401))
    with pytest.raises(RuntimeError, match="callback failed"):
        m.advance(T0 + HOUR + 300)
    assert calls == ["auth_failure_burst"]
    left = m.poll()
    assert [u.alert.kind for u in left] == ["disallowed_network"]


def test_advance_refuses_naive_datetimes_and_feed_wrong_types() -> None:
    m = Monitor()
    with pytest.raises(PictifyInputError) as e:
        m.advance(datetime.datetime(2026, 3, 2, 1, 5))
    assert e.value.code == "invalid_argument"
    with pytest.raises(PictifyInputError) as e:
        m.advance(float("nan"))
    assert e.value.code == "invalid_argument"
    with pytest.raises(PictifyInputError) as e:
        m.feed(42)  # type: ignore[arg-type]
    assert e.value.code == "invalid_argument"
    m.advance()  # now: nothing fed, nothing to close
    assert m.poll() == []


def test_bad_configuration_raises_its_code_without_echoing_a_key(tmp_path: Path) -> None:
    with pytest.raises(PictifyInputError) as e:
        Monitor('[keys.key_a]\nname = "pk_live_FAKE3Wwd25rq4f5zra1b2"\n')
    assert e.value.code == "config_contains_secret" and e.value.line == 2
    assert "FAKE" not in str(e.value) and "FAKE" not in repr(e.value)
    with pytest.raises(PictifyInputError) as e:
        Monitor("[keys.key_a]\nnmae = 1\n")
    assert (e.value.code, e.value.line, e.value.column) == ("config_invalid", 2, 1)
    assert str(e.value).startswith("[config_invalid] line 2, column 1: unknown field `nmae`")
    with pytest.raises(PictifyInputError) as e:
        Monitor("window_minutes = 7\n")
    assert e.value.code == "config_bad_value"
    path = tmp_path / "monitor.toml"
    path.write_text('[keys.key_a]\nallowed_networks = ["198.51.100.0/24"]\n', encoding="utf-8")
    m = Monitor(path)
    m.feed({"timestamp": "2026-03-02T00:00:00Z", "keyId": "key_a", "status": 200, "ip": "203.0.113.1"})
    assert [a.kind for a in m.finish().alerts] == ["disallowed_network"]
    with pytest.raises(FileNotFoundError):
        Monitor(tmp_path / "missing.toml")
    with pytest.raises(PictifyInputError) as e:
        Monitor(on_alert="not callable")  # type: ignore[arg-type]
    assert e.value.code == "invalid_argument"


def test_a_key_pasted_into_an_event_is_counted_never_echoed() -> None:
    m = Monitor()
    m.feed({"timestamp": "2026-03-02T00:00:00Z", "keyId": "pk_live_FAKE3Wwd25rq4f5zra1b2", "status": 200})
    report = m.finish()
    assert report.events == 0
    assert [i["code"] for i in report.issues] == ["secret_in_key_id"]
    assert "FAKE" not in repr(report) + repr(m)


@pytest.fixture
def api(mock_api_binary: str) -> Iterator[MockApi]:
    server = MockApi(mock_api_binary, {NEW: "revoked"})
    yield server
    server.close()


def test_a_401_storm_from_the_clients_own_traffic_raises_an_alert(api: MockApi) -> None:
    updates: List[AlertUpdate] = []
    monitor = Monitor(on_alert=updates.append)
    client = Client([ApiKey.parse(NEW)], base_url=api.url, config=FAST, environment="production", monitor=monitor)
    # The storm must fall in one hourly window: start it clear of an hour boundary.
    if HOUR - time.time() % HOUR < 30:
        time.sleep(HOUR - time.time() % HOUR + 1)
    started = time.time()
    for _ in range(25):
        with pytest.raises(PictifyHTTPError) as e:
            client.request("GET", "/me?page=1")
        assert e.value.code == "unauthorized"
    records = api.admin("GET", "/_admin/requests")["requests"]
    assert len(records) == 25 and all(r["status"] == 401 for r in records)
    report = monitor.report()
    fingerprint = ApiKey.parse(NEW).fingerprint
    assert report.events == 25
    assert (report.keys[0].key_id, report.keys[0].auth_failures) == (fingerprint, 25)
    assert report.keys[0].endpoints == [("GET /me", 25)]
    assert report.keys[0].top_user_agents[0][0].startswith("pictify-keys-python/")
    assert updates == []  # the hour is not over yet
    # A timer on a quiet app: an hour (and the 5-minute grace) later the window is judged.
    monitor.advance(started + HOUR + 600)
    assert [(u.phase, u.alert.kind, u.alert.key_id) for u in updates] == [("start", "auth_failure_burst", fingerprint)]
    alert = updates[0].alert
    assert alert.events == 25 and alert.severity == "medium"
    assert "revoked or wrong key" in alert.action
    shown = repr(monitor) + repr(report) + repr(updates) + repr(client)
    assert "FAKE" not in shown and NEW not in shown


def test_the_callback_runs_after_each_client_request(api: MockApi) -> None:
    updates: List[AlertUpdate] = []
    # One-minute windows and no grace: an event in a new minute closes the previous one.
    monitor = Monitor("window_minutes = 1\nreorder_grace_minutes = 0\n[thresholds]\nauth_burst = 2\n", on_alert=updates.append)
    monitor.feed({"timestamp": _utc(int(time.time()) - 120), "keyId": ApiKey.parse(NEW).fingerprint, "status": 401})
    monitor.feed({"timestamp": _utc(int(time.time()) - 120), "keyId": ApiKey.parse(NEW).fingerprint, "status": 401})
    assert updates == []
    client = Client([ApiKey.parse(NEW)], base_url=api.url, config=FAST, environment="production", monitor=monitor)
    with pytest.raises(PictifyHTTPError):
        client.request("GET", "/me")
    # The request's event closed the older minute: the callback ran before the error surfaced.
    assert [(u.phase, u.alert.kind) for u in updates] == [("start", "auth_failure_burst")]


def test_the_async_client_feeds_the_monitor_too(api: MockApi) -> None:
    monitor = Monitor()
    client = AsyncClient([ApiKey.parse(NEW)], base_url=api.url, config=FAST, environment="production", monitor=monitor)

    async def storm() -> None:
        for _ in range(3):
            with pytest.raises(PictifyHTTPError):
                await client.request("GET", "/me")

    asyncio.run(storm())
    assert monitor.report().keys[0].auth_failures == 3
