"""Client against the real tests/mock-api server on loopback: rotation, retries,
idempotency, errors without secrets, and the GIL released while waiting."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Dict, Iterator, List

import pytest

from conftest import MockApi, load_vectors
from pictify_keys import (
    ApiKey,
    AsyncClient,
    Client,
    KeyEnvironmentError,
    KeySourceError,
    PictifyHTTPError,
    Policy,
    RingConfig,
    detect_environment,
    load_keys,
)

VALID = load_vectors("rotation.json")["cases"][0]["keys"]
NEW, OLD = VALID[0], VALID[1]
FAST = RingConfig(base_delay_ms=1, max_delay_ms=5, retry_after_cap_ms=20, jitter=False)


@pytest.fixture
def api(mock_api_binary: str) -> Iterator[MockApi]:
    server = MockApi(mock_api_binary, {NEW: "revoked", OLD: "active"})
    yield server
    server.close()


def _client(api: MockApi, keys: List[str], **kw: Any) -> Client:
    # The fixtures are live keys: this suite runs them as production (the client applies the
    # environment policy, and CI=true on a CI machine would otherwise mean "test").
    kw.setdefault("environment", "production")
    return Client([ApiKey.parse(k) for k in keys], base_url=api.url, config=FAST, **kw)


def test_rotation_falls_back_once_then_skips_the_revoked_key(api: MockApi) -> None:
    client = _client(api, [NEW, OLD])
    first = client.request("GET", "/me")
    assert first.status == 200 and first.body == {"key": ApiKey.parse(OLD).fingerprint}
    assert first.attempts == 2
    assert first.key_fingerprint == ApiKey.parse(OLD).fingerprint
    assert first.key_origin == "explicit:1"
    assert [(f["from_fingerprint"], f["to_fingerprint"]) for f in first.fallbacks] == [
        (ApiKey.parse(NEW).fingerprint, ApiKey.parse(OLD).fingerprint)
    ]
    for _ in range(3):
        again = client.request("GET", "/me")
        assert again.attempts == 1 and again.fallbacks == []
    summary = api.admin("GET", "/_admin/summary")
    assert summary["by_key"][ApiKey.parse(NEW).fingerprint]["requests"] == 1  # one extra round trip in all
    stats = {s.fingerprint: s for s in client.stats()}
    assert stats[ApiKey.parse(NEW).fingerprint].unauthorized == 1
    assert stats[ApiKey.parse(OLD).fingerprint].successes == 4
    records = api.admin("GET", "/_admin/requests")["requests"]
    assert all(r["user_agent"].startswith("pictify-keys-python/") for r in records)


def test_retries_keep_the_key_and_the_idempotency_key(api: MockApi) -> None:
    api.admin("POST", "/_admin/failures", {"kind": "status", "status": 503, "path": "/image", "times": 2})
    client = _client(api, [OLD])
    image = client.images.create(html="<h1>Hi</h1>", width=100, background="white")
    assert image.id is not None and image.url is not None
    assert image.raw["request"] == {"html": "<h1>Hi</h1>", "width": 100, "background": "white"}
    records = api.admin("GET", "/_admin/requests")["requests"]
    assert [r["status"] for r in records] == [503, 503, 200]
    assert len({r["idempotency_key"] for r in records}) == 1
    assert len({r["key_fingerprint"] for r in records}) == 1
    assert api.admin("GET", "/_admin/summary")["duplicate_executions"] == 0


def test_retry_after_is_honoured_and_429_exhausts(api: MockApi) -> None:
    api.admin("POST", "/_admin/failures", {"kind": "status", "status": 429, "retry_after": "1", "times": 5})
    client = _client(api, [OLD])
    with pytest.raises(PictifyHTTPError) as info:
        client.request("GET", "/me")
    assert info.value.code == "rate_limited" and info.value.status == 429
    assert len(api.admin("GET", "/_admin/requests")["requests"]) == 3  # max_retries 2


def test_every_key_refused_raises_unauthorized_without_secrets(api: MockApi) -> None:
    client = _client(api, [NEW])
    with pytest.raises(PictifyHTTPError) as info:
        client.request("GET", "/me")
    err = info.value
    assert err.code == "unauthorized" and err.status == 401
    assert NEW not in str(err) and NEW[8:] not in repr(err) and api.url not in str(err)
    # The API's reason and the request id of the refusal are kept (issue 20).
    last = f"req_{len(api.admin('GET', '/_admin/requests')['requests'])}"
    assert (err.api_code, err.request_id, err.tried) == ("revoked_api_key", last, 1)
    assert err.details == {"status": 401, "tried": 1, "apiCode": "revoked_api_key", "requestId": last}
    assert f"(revoked_api_key, request {last})" in str(err)


def test_status_and_connection_errors(api: MockApi) -> None:
    client = _client(api, [OLD])
    with pytest.raises(PictifyHTTPError) as info:
        client.request("GET", "/nowhere")
    assert info.value.code == "http_status" and info.value.status == 404
    dead = Client([ApiKey.parse(OLD)], base_url="http://127.0.0.1:9", config=FAST, environment="production")
    with pytest.raises(PictifyHTTPError) as conn:
        dead.request("GET", "/me")
    assert conn.value.code == "http_connection"


def test_keys_from_sources_and_errors(api: MockApi) -> None:
    client = Client(environ={"PICTIFY_API_KEY_NEW": NEW, "PICTIFY_API_KEY_OLD": OLD}, base_url=api.url, config=FAST)
    assert client.request("GET", "/me").status == 200
    loaded = load_keys({"PICTIFY_API_KEY": OLD})
    assert Client(loaded, base_url=api.url, environment="production").stats()[0].origin == "env:PICTIFY_API_KEY"
    with pytest.raises(KeySourceError) as info:
        Client(environ={}, base_url=api.url)
    assert info.value.code == "no_key"
    with pytest.raises(PictifyHTTPError) as bad:
        Client([ApiKey.parse(OLD)], base_url="ftp://example", environment="production")
    assert bad.value.code == "invalid_request"


def test_two_threads_make_progress_while_one_waits(api: MockApi) -> None:
    """One thread waits on a slow POST; meanwhile this thread polls the server and a second
    thread completes its own request. Ordering, not timing, is asserted."""
    api.admin("POST", "/_admin/failures", {"kind": "slow", "delay_ms": 3000, "path": "/image", "times": 1})
    client = _client(api, [OLD])
    slow_done = threading.Event()
    results: Dict[str, Any] = {}

    def slow() -> None:
        results["slow"] = client.images.create(html="slow")
        slow_done.set()

    ticks = 0
    t = threading.Thread(target=slow)
    t.start()
    # The slow request is in flight once the server has executed it (it then waits).
    while not api.admin("GET", "/_admin/requests")["requests"]:
        ticks += 1
        time.sleep(0.01)
    assert not slow_done.is_set()

    def fast() -> None:
        results["fast"] = client.request("GET", "/me")
        results["fast_while_slow_in_flight"] = not slow_done.is_set()

    f = threading.Thread(target=fast)
    f.start()
    f.join()
    assert results["fast"].status == 200
    assert results["fast_while_slow_in_flight"] is True
    assert not slow_done.is_set()
    t.join()
    assert results["slow"].id is not None


def test_async_client(api: MockApi) -> None:
    client = AsyncClient([ApiKey.parse(OLD)], base_url=api.url, config=FAST, environment="production")

    async def main() -> List[int]:
        responses = await asyncio.gather(*(client.request("GET", "/me") for _ in range(4)))
        image = await client.images.create(html="<p>async</p>")
        assert image.id is not None
        return [r.status for r in responses]

    assert asyncio.run(main()) == [200, 200, 200, 200]
    assert client.stats()[0].successes == 5


def test_client_applies_the_environment_policy_when_built(api: MockApi) -> None:
    # New-user trial: with NODE_ENV=development and a live key, Client() called the API.
    dev = {"NODE_ENV": "development", "PICTIFY_API_KEY": OLD}
    with pytest.raises(KeyEnvironmentError) as refused:
        Client(environ=dev, base_url=api.url)
    assert refused.value.code == "live_key_in_development"
    assert "NODE_ENV=development" in str(refused.value) and OLD[8:] not in str(refused.value)
    # Keys handed in are checked against the environment given or detected from environ.
    with pytest.raises(KeyEnvironmentError):
        Client([ApiKey.parse(OLD)], base_url=api.url, environment="development")
    with pytest.raises(KeyEnvironmentError):
        AsyncClient([ApiKey.parse(OLD)], base_url=api.url, environ={"FLASK_DEBUG": "1"})
    assert api.admin("GET", "/_admin/requests")["requests"] == []
    # Relaxing is explicit, with the same Policy as check_environment.
    relaxed = Client(environ=dev, base_url=api.url, policy=Policy(allow_live_outside_production=True))
    assert relaxed.request("GET", "/me").status == 200
    assert len(api.admin("GET", "/_admin/requests")["requests"]) == 1


def test_flask_and_django_debug_settings_mean_development(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    for name in ("VERCEL_ENV", "CONTEXT", "PICTIFY_ENV", "APP_ENV", "ENVIRONMENT", "RAILS_ENV",
                 "RACK_ENV", "NODE_ENV", "FLASK_ENV", "FLASK_DEBUG", "DJANGO_DEBUG", "CI"):
        monkeypatch.delenv(name, raising=False)
    assert detect_environment({"FLASK_DEBUG": "1"}).environment == "development"
    assert detect_environment({"DJANGO_DEBUG": "True"}).variable == "DJANGO_DEBUG"
    assert detect_environment().environment == "unknown"
    # A Django project with DEBUG = True in its configured settings (django.conf as Django
    # exposes it: settings.configured and settings.DEBUG), already imported by the program.
    conf = types.ModuleType("django.conf")
    conf.settings = types.SimpleNamespace(configured=True, DEBUG=True)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "django.conf", conf)
    detected = detect_environment()
    assert (detected.environment, detected.variable) == ("development", "DJANGO_DEBUG")
    with pytest.raises(KeyEnvironmentError) as refused:
        Client([ApiKey.parse(OLD)], base_url="http://127.0.0.1:9")
    assert refused.value.code == "live_key_in_development"
    conf.settings = types.SimpleNamespace(configured=True, DEBUG=False)  # type: ignore[attr-defined]
    assert detect_environment().environment == "unknown"
