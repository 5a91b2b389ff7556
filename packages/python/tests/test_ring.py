"""KeyRing: every case of tests/vectors/rotation.json through the Python binding."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import pytest

from conftest import load_vectors
from pictify_keys import (
    ApiKey,
    Attempt,
    KeyRing,
    ManualClock,
    PictifyHTTPError,
    PictifyKeyError,
    RequestState,
    RingConfig,
    load_keys,
)

DOC = load_vectors("rotation.json")


def _config(overrides: Optional[Dict[str, Any]]) -> RingConfig:
    merged = dict(DOC["default_config"])
    merged.update(overrides or {})
    return RingConfig(**merged)


def test_rotation_file_is_not_empty() -> None:
    assert len(DOC["cases"]) >= 25


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: c["name"])
def test_rotation_vector(case: Dict[str, Any]) -> None:
    keys = [ApiKey.parse(k) for k in case["keys"]]
    clock = ManualClock(DOC["clock_start_ms"])
    ring = KeyRing(keys, config=_config(case.get("config")), clock=clock)
    assert ring.fingerprints() == [k.fingerprint for k in keys]
    requests: Dict[str, Tuple[RequestState, Optional[Attempt]]] = {}
    for i, step in enumerate(case["steps"]):
        at = f"step {i + 1}"
        if "advance_ms" in step:
            clock.advance_ms(step["advance_ms"])
        req, last = requests.setdefault(step["request"], (ring.begin_request(), None))
        if "key" in step:
            last = ring.attempt(req)
            assert last.key == keys[step["key"]], at
            assert last.source == f"explicit:{step['key']}"
            requests[step["request"]] = (req, last)
        outcome = step.get("outcome")
        if outcome is None:
            continue
        assert last is not None
        if "status" in outcome:
            decision = ring.on_outcome(req, last, outcome["status"], retry_after=outcome.get("retry_after"))
        else:
            decision = ring.on_outcome(req, last, error=outcome["error"])
        assert decision.action == step["decision"], at
        if decision.action == "retry":
            assert decision.delay_ms == step["delay_ms"], at
        if decision.action == "fail":
            assert decision.code == step["code"], at
            err = decision.error()
            assert isinstance(err, PictifyHTTPError) and err.code == step["code"]
        else:
            assert decision.error() is None
    for got, want in zip(ring.stats(), case.get("stats", [])):
        assert (got.requests, got.successes, got.unauthorized, got.errors) == (
            want["requests"],
            want["successes"],
            want["unauthorized"],
            want["errors"],
        )
        assert got.requests == got.successes + got.unauthorized + got.errors


def test_attempt_after_every_key_refused_raises() -> None:
    key = ApiKey.parse(DOC["cases"][0]["keys"][0])
    ring = KeyRing([key], config=RingConfig(jitter=False))
    req = ring.begin_request()
    a = ring.attempt(req)
    assert ring.on_outcome(req, a, 401).action == "fail"
    with pytest.raises(PictifyHTTPError) as info:
        ring.attempt(req)
    assert info.value.code == "unauthorized"


def test_ring_needs_a_key_and_right_types() -> None:
    with pytest.raises(PictifyKeyError) as info:
        KeyRing([])
    assert info.value.code == "no_key"
    with pytest.raises(TypeError):
        KeyRing(["pk_live_FAKE3Wwd25rq4f5zr3a1b2"])  # type: ignore[list-item]
    ring = KeyRing(load_keys({"PICTIFY_API_KEY_NEW": DOC["cases"][0]["keys"][0]}).keys)
    assert ring.stats()[0].origin == "env:PICTIFY_API_KEY_NEW"
    assert "FAKE" not in repr(ring)
