"""Uses the whole public API with precise types; checked with `mypy --strict`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional

from pictify_keys import (
    ApiKey,
    ApiResponse,
    Allowed,
    AlertUpdate,
    AsyncClient,
    AuditEvent,
    CheckReport,
    Client,
    Decision,
    Detection,
    DotEnv,
    Image,
    KeyEnvironmentError,
    KeyFormatError,
    KeyRing,
    KeySourceError,
    KeyStats,
    LoadedKeys,
    ManualClock,
    Monitor,
    MonitorReport,
    PictifyHTTPError,
    PictifyKeyError,
    Policy,
    RedactingFilter,
    RingConfig,
    check_environment,
    check_keys,
    check_mode,
    detect_environment,
    load_keys,
    redact,
    redact_bytes,
    redact_json,
    redact_processor,
)


def parse_or_none(value: str) -> Optional[ApiKey]:
    try:
        return ApiKey.parse(value)
    except KeyFormatError as e:
        code: str = e.code
        position: Optional[int] = e.position
        print(code, position, e.vendor)
        return None


def environment_checks(key: ApiKey) -> List[str]:
    detected: Detection = detect_environment()
    from_map: Detection = detect_environment({"NODE_ENV": "production"})
    out: List[str] = [detected.environment, from_map.environment, key.mode, key.fingerprint]
    try:
        allowed: Allowed = check_environment(key, "production", policy=Policy.strict())
        if allowed.warning is not None:
            out.append(allowed.warning.code)
    except KeyEnvironmentError as e:
        out.append(f"{e.code} {e.environment} {e.variable}")
    relaxed = Policy(allow_live_outside_production=True)
    out.append(str(check_mode("live", Detection.explicit("staging"), policy=relaxed).warning))
    return out


def check_file(text: str) -> int:
    env: DotEnv = DotEnv.parse(text)
    names: List[str] = env.names()
    value: Optional[str] = env.get("NODE_ENV")
    copied: Dict[str, str] = {name: env[name] for name in names}
    report: CheckReport = check_keys(env, source="env-file:.env", environment=None)
    for k in report.keys:
        print(k.origin, k.fingerprint, k.mode, k.verdict, k.code, value, len(copied))
    err: Optional[PictifyKeyError] = report.error()
    if err is not None:
        print(err.code, err.family)
    return report.exit_status


def sources_and_ring(environ: Dict[str, str]) -> List[KeyStats]:
    try:
        loaded: LoadedKeys = load_keys(environ, secret_file=None, dotenv=".env")
    except KeySourceError as e:
        print(e.code, e.origin)
        return []
    for sk in loaded.keys:
        print(sk.origin, sk.key.fingerprint)
    for shadow in loaded.shadowed:
        print(shadow.code, shadow.origin)
    clock = ManualClock(0)
    ring = KeyRing(loaded.keys, config=RingConfig(max_retries=1, jitter=False), clock=clock)
    req = ring.begin_request()
    attempt = ring.attempt(req)
    decision: Decision = ring.on_outcome(req, attempt, 503, retry_after="1")
    if decision.action == "retry" and decision.delay_ms is not None:
        clock.advance_ms(decision.delay_ms)
    timeout: Decision = ring.on_outcome(req, ring.attempt(req), error="timeout")
    err: Optional[PictifyKeyError] = timeout.error()
    print(err, ring.fingerprints())
    return ring.stats()


def call_api(keys: List[ApiKey], base_url: str) -> Optional[str]:
    client = Client(keys, base_url=base_url, timeout=5.0, config=RingConfig(max_retries=2))
    try:
        response: ApiResponse = client.request("GET", "/me")
        body: Any = response.body
        print(response.status, body, response.key_fingerprint, response.attempts, response.fallbacks)
        image: Image = client.images.create(html="<h1>Hi</h1>", width=1200, height=630, format="png")
    except PictifyHTTPError as e:
        print(e.code, e.status)
        return None
    client.reload_keys()
    return image.url


async def call_async(keys: List[ApiKey], base_url: str) -> int:
    client = AsyncClient(keys, base_url=base_url)
    try:
        response = await client.request("POST", "/image", {"html": "<p>x</p>"})
        image = await client.images.create(html="<p>y</p>")
    except PictifyHTTPError as e:
        return e.status or 0
    print(image.id)
    return response.status


def logging_and_redaction(key: ApiKey) -> str:
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter(style="fingerprint"))
    logging.getLogger("app").addHandler(handler)
    event = AuditEvent(action="image.render", key=key, endpoint="/image", method="POST", status=200)
    record: Dict[str, Any] = redact_processor(None, "info", {"event": "x", "key": key.reveal()})
    cleaned: Any = redact_json({"api_key": key.reveal(), "items": [1, 2]})
    print(event.to_json(), event.to_dict(), record, cleaned, redact_bytes(b"x"))
    return redact(f"Authorization: Bearer {key.reveal()}", style="redacted")


def monitored(keys: List[ApiKey], base_url: str) -> List[str]:
    seen: List[AlertUpdate] = []
    monitor = Monitor('[keys.key_abc]\nallowed_networks = ["203.0.113.0/24"]\n', on_alert=seen.append)
    client = Client(keys, base_url=base_url, monitor=monitor)
    monitor.feed({"timestamp": "2026-03-02T10:00:00Z", "keyId": "key_abc", "status": 200, "ip": "198.51.100.7"})
    monitor.feed('{"timestamp":"2026-03-02T10:00:01Z","keyId":"key_abc","status":401}')
    monitor.advance(1_772_449_200.0)
    report: MonitorReport = monitor.finish()
    print(client, [(k.key_id, k.requests, k.error_rate) for k in report.keys], monitor.poll())
    return [f"{u.phase} {u.alert.kind} {u.alert.severity} {u.alert.top_ips[:1]}" for u in seen]


if __name__ == "__main__":
    key = parse_or_none("pk_live_FAKE3Wwd25rq4f5zr3a1b2")
    if key is not None:
        secret: str = key.reveal()
        print(environment_checks(key), len(secret))
    print(check_file("NODE_ENV=production\nPICTIFY_API_KEY=pk_live_FAKE3Wwd25rq4f5zr3a1b2\n"))
    print(sources_and_ring({"PICTIFY_API_KEY": "pk_live_FAKE3Wwd25rq4f5zr3a1b2"}))
    if key is not None:
        print(logging_and_redaction(key))
        print(call_api([key], "http://127.0.0.1:9"), asyncio.run(call_async([key], "http://127.0.0.1:9")))
        print(monitored([key], "http://127.0.0.1:9"))
