"""Result objects are records over the core's shape: read-only, equal by value, listed by
``dir()``, and shown whole by ``repr()`` (never with a secret)."""

from __future__ import annotations

import pytest

from pictify_keys import (
    AuditEvent,
    CheckReport,
    Detection,
    KeyCheck,
    KeyRing,
    KeyStats,
    ManualClock,
    RingConfig,
    check_keys,
    load_keys,
)

LIVE = "pk_live_FAKE3Wwd25rq4f5zr3a1b2"


def test_records_are_read_only_and_equal_by_value() -> None:
    env = {"PICTIFY_API_KEY": LIVE, "NODE_ENV": "production"}
    report, again = check_keys(env), check_keys(env)
    assert isinstance(report, CheckReport) and isinstance(report.keys[0], KeyCheck)
    assert isinstance(report.detection, Detection)
    assert report == again and report.keys[0] == again.keys[0]
    assert report != check_keys({"PICTIFY_API_KEY": LIVE, "NODE_ENV": "development"})
    assert report.detection != report  # another class is never equal
    with pytest.raises(AttributeError, match="read-only"):
        report.exit_status = 0  # type: ignore[misc]
    with pytest.raises(AttributeError, match="no attribute 'exitStatus'"):
        report.exitStatus  # type: ignore[attr-defined]
    assert {"detection", "keys", "exit_status", "error"} <= set(dir(report))


def test_repr_shows_every_field_and_no_secret() -> None:
    ring = KeyRing(load_keys({"PICTIFY_API_KEY": LIVE}).keys, clock=ManualClock(5))
    req = ring.begin_request()
    ring.on_outcome(req, ring.attempt(req), 200)
    stats = ring.stats()[0]
    assert isinstance(stats, KeyStats)
    assert repr(stats) == (
        "KeyStats(fingerprint='pk_live_****a1b2', origin='env:PICTIFY_API_KEY', requests=1, "
        "successes=1, unauthorized=0, errors=0, last_used_ms=5, demoted_until_ms=None)"
    )
    assert repr(RingConfig(max_retries=1, jitter=False)) == (
        "RingConfig(max_retries=1, cooldown_ms=300000, base_delay_ms=250, max_delay_ms=8000, "
        "retry_after_cap_ms=30000, jitter=False)"
    )
    loaded = load_keys({"PICTIFY_API_KEY": LIVE})
    assert LIVE[8:] not in repr(loaded) and "pk_live_****a1b2" in repr(loaded)


def test_audit_event_attributes_follow_the_documented_shape() -> None:
    event = AuditEvent(action="a", key="key_1", endpoint="/", method="GET", status=200, timestamp_ms=1_000)
    assert event.timestamp == event.to_dict()["timestamp"] == "1970-01-01T00:00:01.000Z"
    assert (event.timestamp_ms, event.key_id, event.user_agent) == (1_000, "key_1", None)


def test_key_ring_takes_loaded_keys_as_the_client_does() -> None:
    loaded = load_keys({"PICTIFY_API_KEY_NEW": LIVE, "PICTIFY_API_KEY_OLD": "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4"})
    ring = KeyRing(loaded, clock=ManualClock(0))
    assert ring.fingerprints() == ["pk_live_****a1b2", "pk_live_****c3d4"]
    attempt = ring.attempt(ring.begin_request())
    assert attempt.source == "env:PICTIFY_API_KEY_NEW" and attempt.key is attempt.key
    assert repr(loaded.keys[0]) == "SourcedKey(key=ApiKey(pk_live_****a1b2), origin='env:PICTIFY_API_KEY_NEW')"
