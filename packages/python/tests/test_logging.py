"""RedactingFilter and the structlog processor: no key reaches the output."""

from __future__ import annotations

import io
import json
import logging
from typing import Iterator, Tuple

import pytest
import structlog

from pictify_keys import ApiKey, RedactingFilter, redact_processor

KEY = "pk_live_FAKE3Wwd25rq4f5zra1b2"
FP = "pk_live_****a1b2"


@pytest.fixture
def captured() -> Iterator[Tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter())
    parent = logging.getLogger("pictify_test")
    parent.handlers[:] = [handler]
    parent.setLevel(logging.DEBUG)
    parent.propagate = False
    yield parent, stream
    parent.handlers[:] = []


def test_logger_exception_with_key_in_message_args_and_exception(
    captured: Tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    try:
        raise ValueError(f"refused key {KEY}")
    except ValueError:
        logger.exception("call with %s failed (key " + KEY + ")", KEY)
    out = stream.getvalue()
    assert KEY not in out and KEY[8:] not in out
    assert out.count(FP) >= 3  # message, arg, exception text
    assert "Traceback (most recent call last)" in out and "ValueError: refused key " + FP in out


def test_child_loggers_are_covered_by_the_handler_filter(
    captured: Tuple[logging.Logger, io.StringIO],
) -> None:
    parent, stream = captured
    child = logging.getLogger("pictify_test.child.grandchild")
    child.warning("key=%s", KEY, stack_info=True)
    child.info({"api_key": KEY})
    out = stream.getvalue()
    assert KEY not in out and out.count(FP) >= 2


def test_filter_on_a_parent_logger_misses_child_records() -> None:
    # Documented pitfall: this is why the filter belongs on handlers.
    stream = io.StringIO()
    parent = logging.getLogger("pictify_pitfall")
    parent.handlers[:] = [logging.StreamHandler(stream)]
    parent.propagate = False
    parent.filters[:] = [RedactingFilter()]
    logging.getLogger("pictify_pitfall.child").warning("key %s", KEY)
    assert KEY in stream.getvalue()
    parent.handlers[:] = []
    parent.filters[:] = []


def test_api_key_objects_log_as_fingerprints(captured: Tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("using %s / %r", ApiKey.parse(KEY), ApiKey.parse(KEY))
    assert KEY not in stream.getvalue() and FP in stream.getvalue()


def test_style_option() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "k=%s", (KEY,), None)
    assert RedactingFilter(style="redacted").filter(record)
    assert record.getMessage() == "k=[REDACTED]"


def test_structlog_processor() -> None:
    out = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.format_exc_info,
            redact_processor,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    log = structlog.get_logger()
    try:
        raise RuntimeError(f"boom {KEY}")
    except RuntimeError:
        log.exception("request failed", key=ApiKey.parse(KEY), raw=KEY, token="abc", nested={"url": f"/x?api_key={KEY}"})
    structlog.reset_defaults()
    line = out.getvalue().strip()
    assert KEY not in line
    event = json.loads(line)
    assert event["key"] == FP and event["raw"] == FP and event["token"] == "[REDACTED]"
    assert event["nested"]["url"] == f"/x?api_key={FP}"
    assert "boom " + FP in event["exception"]


class _JsonFormatter(logging.Formatter):
    """What python-json-logger, ECS and Datadog formatters do: every non-standard
    attribute of the record (the `extra=` fields) becomes a JSON field."""

    STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

    def format(self, record: logging.LogRecord) -> str:
        out = {"msg": record.getMessage()}
        out.update({k: v for k, v in vars(record).items() if k not in self.STANDARD})
        return json.dumps(out, default=str)


def test_extra_fields_are_redacted_for_json_formatters() -> None:
    # New-user trial, leak 1: a JSON formatter printed extra={"api_key": KEY} raw.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("pictify_extra")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning(
        "extra fields",
        extra={
            "api_key": KEY,
            "headers": {"Authorization": f"Bearer {KEY}"},
            "note": f"called with {KEY}",
            "client": ApiKey.parse(KEY),
            "attempts": 3,
            "plain": "nothing secret",
        },
    )
    logger.handlers[:] = []
    line = stream.getvalue().strip()
    assert KEY not in line and KEY[8:] not in line, line
    event = json.loads(line)
    assert event["note"] == f"called with {FP}"
    assert event["client"] == FP
    assert event["api_key"] != KEY and event["headers"]["Authorization"] != f"Bearer {KEY}"
    # Values with nothing to redact keep their type and value.
    assert event["attempts"] == 3 and event["plain"] == "nothing secret"


def test_structlog_default_chain_redacts_the_traceback() -> None:
    # New-user trial, leak 2: structlog's default chain has no format_exc_info; its
    # ConsoleRenderer formatted exc_info after redact_processor ran and printed the key.
    structlog.reset_defaults()
    procs = structlog.get_config()["processors"]
    out = io.StringIO()
    structlog.configure(
        processors=procs[:-1] + [redact_processor, procs[-1]],
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    try:
        try:
            raise ValueError(KEY)
        except ValueError:
            structlog.get_logger().exception("default-config exc", token=KEY)
        try:
            raise RuntimeError(f"second {KEY}")
        except RuntimeError as e:
            structlog.get_logger().error("exc as object", exc_info=e)
    finally:
        structlog.reset_defaults()
    text = out.getvalue()
    assert KEY not in text and KEY[8:] not in text, text
    assert "Traceback (most recent call last)" in text
    assert f"ValueError: {FP}" in text and f"RuntimeError: second {FP}" in text


def test_filter_changes_extra_fields_exactly_as_redact_json_would() -> None:
    # The filter sends only the fields the core could change (a sensitive name, a trigger in
    # the name or a string, a list or dict); every field must end as redact_json makes it.
    from pictify_keys import redact_json

    extra = {
        "password": 1234,
        "token": True,
        "secret": None,
        "apiKey": "not-a-key",
        "x_api_key_hint": "plain",
        "note": f"see {KEY.upper()}",
        "bearer_note": "Bearer abcdefgh",
        "nested": {"authorization": "opaque", "n": 1},
        "items": [KEY, 1],
        "count": 7,
        "ratio": 0.5,
        "clean": "nothing here",
        "monkey": "keyboard turnkey",
    }
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "m", None, None)
    for name, value in extra.items():
        setattr(record, name, value)
    assert RedactingFilter().filter(record)
    for name, value in extra.items():
        expected = redact_json({name: value})
        assert isinstance(expected, dict)
        assert getattr(record, name) == expected[name], name
    # The cases above must include fields that change and fields that stay.
    assert record.password == "[REDACTED]" and record.count == 7 and record.monkey == "keyboard turnkey"
