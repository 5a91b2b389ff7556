"""redact / redact_bytes / redact_json / AuditEvent: every case of tests/vectors/redaction.json."""

from __future__ import annotations

import json
import re
from typing import Any, Dict

import pytest

from conftest import load_vectors
from pictify_keys import ApiKey, AuditEvent, PictifyKeyError, redact, redact_bytes, redact_json

DOC = load_vectors("redaction.json")
KEY = "pk_live_FAKE3Wwd25rq4f5zra1b2"


@pytest.mark.parametrize("case", DOC["cases"], ids=lambda c: c["name"])
def test_redaction_vector(case: Dict[str, Any]) -> None:
    style = case.get("style", DOC["default_style"])
    assert redact(case["input"], style=style) == case["expected"]
    assert redact_bytes(case["input"].encode(), style=style) == case["expected"].encode()
    # Redacting twice changes nothing.
    assert redact(case["expected"], style=style) == case["expected"]


def test_unchanged_text_is_the_same_object() -> None:
    text = "nothing to see here " * 10
    assert redact(text) is text


def test_large_text_and_bad_style() -> None:
    big = ("x" * 1000 + f" {KEY}\n") * 200  # > 64 KB: redacted with the GIL released
    out = redact(big)
    assert KEY not in out and out.count("pk_live_****a1b2") == 200
    with pytest.raises(ValueError):
        redact(KEY, style="loud")
    with pytest.raises(TypeError):
        redact(b"bytes")  # type: ignore[arg-type]


def test_texts_over_a_million_characters_match_whole_buffer_redaction() -> None:
    # Multi-megabyte texts with keys at (and straddling) every megabyte boundary come out
    # exactly as whole-buffer (bytes) redaction does, whatever path the binding takes.
    piece = 1 << 20
    parts = []
    pos = 0
    for k in range(1, 12):
        start = k * piece - k  # the key straddles the k-th piece boundary by k characters
        parts.append(("é" if k % 2 else "x") * (start - pos))
        parts.append(KEY)
        pos = start + len(KEY)
    text = "".join(parts) + " tail api_key=s3cr3t"
    assert len(text) > 6 * piece
    out = redact(text)
    assert out == redact_bytes(text.encode()).decode()
    assert KEY not in out and out.endswith("api_key=[REDACTED]")
    assert redact("é" * (piece + 5)) == "é" * (piece + 5)


def test_redact_bytes_passes_invalid_utf8() -> None:
    data = b"\xff\xfe " + KEY.encode() + b" \xc3"
    assert redact_bytes(data) == b"\xff\xfe pk_live_****a1b2 \xc3"


def test_redact_json_on_python_values() -> None:
    value = {
        "apiKey": KEY,
        "password": "hunter22",
        "nested": [{"message": f"retrying with {KEY}"}, 3, 2.5, None, True],
        "tuple": (KEY,),
        "count": 3,
        "big": 2**63,
    }
    out = redact_json(value)
    assert out == {
        "apiKey": "pk_live_****a1b2",
        "password": "[REDACTED]",
        "nested": [{"message": "retrying with pk_live_****a1b2"}, 3, 2.5, None, True],
        "tuple": ["pk_live_****a1b2"],
        "count": 3,
        "big": 2**63,
    }
    assert value["apiKey"] == KEY  # the input is not modified
    assert KEY not in json.dumps(redact_json([value, KEY]))
    with pytest.raises(TypeError):
        redact_json({"when": object()})
    with pytest.raises(TypeError):
        redact_json({1: "x"})


def test_audit_event_shape_and_no_secret() -> None:
    key = ApiKey.parse(KEY)
    event = AuditEvent(
        action="image.render",
        key=key,
        endpoint=f"/v1/render?api_key={KEY}",
        method="POST",
        status=200,
        timestamp_ms=1_764_254_954_000,
        ip="203.0.113.7",
        user_agent=f"bot {KEY}",
    )
    line = event.to_json()
    assert KEY not in line and KEY not in repr(event)
    assert list(json.loads(line)) == ["timestamp", "action", "keyId", "endpoint", "method", "status", "ip", "userAgent"]
    assert json.loads(line) == event.to_dict()
    assert event.to_dict()["timestamp"] == "2025-11-27T14:49:14.000Z"
    assert event.key_id == "pk_live_****a1b2" and event.endpoint == "/v1/render?api_key=pk_live_****a1b2"
    by_id = AuditEvent(action="a", key="key_123", endpoint="/", method="GET", status=401)
    assert by_id.key_id == "key_123" and by_id.ip is None and by_id.timestamp_ms > 0
    with pytest.raises(PictifyKeyError) as info:
        AuditEvent(action="a", key=KEY, endpoint="/", method="GET", status=200)
    assert info.value.code == "secret_in_key_id"
    with pytest.raises(PictifyKeyError) as bad:
        AuditEvent(action="a", key="has space", endpoint="/", method="GET", status=200)
    assert bad.value.code == "invalid_key_id"


def test_naive_regex_agrees_on_bare_keys() -> None:
    # The bench compares against this pattern; on plain keys both must agree.
    naive = re.compile(r"pk_(live|test)_[0-9A-Za-z]{16,128}")
    text = f"a {KEY} b"
    assert naive.sub(lambda m: m.group(0)[:8] + "****" + m.group(0)[-4:], text) == redact(text)
