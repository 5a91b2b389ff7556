"""tests/vectors/shapes.json through the Python binding: each result object's attributes (and
``AuditEvent.to_dict()``, which returns a dict) must match the exact shape every language
shows. Attribute names are the vector's camelCase names in snake_case; an error report is the
exception a method returns (``code``, ``family``, ``str()``, ``details``)."""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    AuditEvent,
    KeyRing,
    ManualClock,
    Policy,
    RingConfig,
    check_keys,
    check_mode,
    detect_environment,
    load_keys,
)

DOC = load_vectors("shapes.json")


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def report(err: Optional[BaseException]) -> Optional[Dict[str, Any]]:
    """An exception as the error report shape."""
    if err is None:
        return None
    return {"code": err.code, "family": err.family, "message": str(err), "details": err.details}  # type: ignore[attr-defined]


def attrs(obj: Any, expected: Dict[str, Any]) -> Dict[str, Any]:
    """`obj`'s attributes named by `expected`'s keys, nested the same way."""
    out: Dict[str, Any] = {}
    for name, want in expected.items():
        value = getattr(obj, snake(name))
        if callable(value) and name == "error":
            value = report(value())
        elif isinstance(want, dict) and value is not None:
            value = attrs(value, want)
        elif isinstance(want, list):
            value = [attrs(v, w) for v, w in zip(value, want)] if len(value) == len(want) else value
        out[name] = value
    return out


def policy(case: Dict[str, Any]) -> Policy:
    p = case.get("policy") or {}
    return Policy(
        allow_live_outside_production=p.get("allowLiveOutsideProduction", False),
        allow_test_in_production=p.get("allowTestInProduction", False),
    )


@pytest.mark.parametrize("case", DOC["detectEnvironment"], ids=lambda c: c["name"])
def test_detect_environment(case: Dict[str, Any]) -> None:
    assert attrs(detect_environment(case["env"]), case["expected"]) == case["expected"]


@pytest.mark.parametrize("case", DOC["checkMode"], ids=lambda c: c["name"])
def test_check_mode(case: Dict[str, Any]) -> None:
    allowed = check_mode(case["mode"], case["environment"], policy=policy(case))
    assert attrs(allowed, case["expected"]) == case["expected"]


@pytest.mark.parametrize("case", DOC["checkKeys"], ids=lambda c: c["name"])
def test_check_keys(case: Dict[str, Any]) -> None:
    assert attrs(check_keys(case["env"]), case["expected"]) == case["expected"]


def _config() -> RingConfig:
    return RingConfig(**{snake(k): v for k, v in DOC["ring"]["config"].items()})


@pytest.mark.parametrize("case", DOC["ring"]["cases"], ids=lambda c: c["name"])
def test_ring(case: Dict[str, Any]) -> None:
    keys = [ApiKey.parse(k) for k in case["keys"]]
    ring = KeyRing(keys, config=_config(), clock=ManualClock(DOC["ring"]["clock_start_ms"]))
    req = ring.begin_request()
    for i, step in enumerate(case["steps"]):
        if step.get("request"):
            req = ring.begin_request()
        attempt = ring.attempt(req)
        assert attempt.key.fingerprint == step["fingerprint"], f"step {i + 1}"
        o = step["outcome"]
        decision = ring.on_outcome(req, attempt, o.get("status"), retry_after=o.get("retry_after"), error=o.get("error"))
        assert attrs(decision, step["expected"]) == step["expected"], f"step {i + 1}"
    assert [attrs(s, w) for s, w in zip(ring.stats(), case["stats"])] == case["stats"]
    assert len(ring.stats()) == len(case["stats"])


def test_sourced_keys_listed_twice_are_tried_once() -> None:
    loaded = load_keys({"PICTIFY_API_KEY_NEW": DOC["keys"]["live"], "PICTIFY_API_KEY_OLD": DOC["keys"]["live2"]})
    ring = KeyRing(loaded.keys + loaded.keys, clock=ManualClock(0))
    assert ring.fingerprints() == ["pk_live_****a1b2", "pk_live_****Rce5"]
    req = ring.begin_request()
    assert ring.on_outcome(req, ring.attempt(req), 401).action == "try_next_key"
    assert ring.on_outcome(req, ring.attempt(req), 401).action == "fail"


@pytest.mark.parametrize("case", DOC["auditEvents"], ids=lambda c: c["name"])
def test_audit_event(case: Dict[str, Any]) -> None:
    f = case["fields"]
    key = ApiKey.parse(case["key"]) if "key" in case else case["keyId"]
    event = AuditEvent(
        action=f["action"],
        key=key,
        endpoint=f["endpoint"],
        method=f["method"],
        status=f["status"],
        timestamp_ms=f["timestamp"],
        ip=f.get("ip"),
        user_agent=f.get("userAgent"),
    )
    assert event.to_dict() == case["expected"]
