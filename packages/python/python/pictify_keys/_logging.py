"""Logging integrations: a `logging.Filter` and a `structlog` processor that redact keys.

Both call the core's redaction; nothing here decides what a key is.

Install :class:`RedactingFilter` on **handlers**, not on a parent logger: a filter on a
logger only sees records logged through that exact logger, never records that propagate
up from child loggers (``logging.getLogger("app.db")`` bypasses a filter on ``"app"``).
A filter on a handler sees every record that handler emits::

    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    logging.basicConfig(handlers=[handler])

For structlog, put :func:`redact_processor` last, just before the renderer. It formats
``exc_info`` itself into a redacted ``exception`` field, so the traceback is redacted with
or without ``format_exc_info`` in the chain (structlog's default ``ConsoleRenderer`` would
otherwise format the live exception after the processor ran).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Mapping
TYPE_CHECKING = False  # mypy treats this name as True

from ._native import ApiKey, _is_sensitive_field, _redact_triggers, redact, redact_json

if TYPE_CHECKING:
    from typing import Any, Dict, MutableMapping

    from ._native import Style

__all__ = ["RedactingFilter", "redact_processor"]


# Attributes every LogRecord has; anything else on a record came from `extra=` (or a
# filter), and formatters such as python-json-logger print it as a field.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
}


def _format_exception(exc_info: Any) -> str:
    text = "".join(traceback.format_exception(*exc_info))
    return text[:-1] if text.endswith("\n") else text


class RedactingFilter(logging.Filter):
    """Redacts Pictify keys (and bearer tokens, ``api_key=`` values) in each record.

    The message is formatted with its args first and the result redacted (``record.args``
    is cleared), the exception and its traceback are formatted into ``record.exc_text``
    and redacted, and so is ``record.stack_info``. Every other attribute (the ``extra=``
    fields that JSON formatters print) goes through the structured redaction: sensitive
    field names are hidden whole, strings scanned, nested dicts and lists walked; a field
    with nothing to redact is left as it was. ``style`` is ``"fingerprint"``
    (``pk_live_****a1b2``), ``"redacted"`` or ``"mask"``.
    """

    def __init__(self, name: str = "", *, style: "Style" = "fingerprint") -> None:
        super().__init__(name)
        self.style: Style = style

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        record.msg = redact(record.getMessage(), style=self.style)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            if not record.exc_text:
                record.exc_text = _format_exception(record.exc_info)
            # The formatted text replaces the live exception: formatters print exc_text and
            # never re-read the exception's own (unredacted) message.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, style=self.style)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, style=self.style)
        # Every extra field in one call into the core (one call per field cost more than
        # the rest of the filter on a record with a few `extra=` fields).
        attributes = vars(record)
        extras: Dict[str, Any] = {}
        for name in attributes.keys() - _STANDARD_ATTRIBUTES:
            if not name.startswith("_"):
                plain = _jsonable(attributes[name])
                if _core_may_change(name, plain):
                    extras[name] = plain
        if extras:
            redacted = redact_json(extras, style=self.style)
            if isinstance(redacted, dict):
                for name, plain in extras.items():
                    if redacted.get(name) != plain:
                        setattr(record, name, redacted.get(name))
        return True


_trigger: Any = None
_sensitive: Dict[str, bool] = {}


def _core_may_change(name: str, value: Any) -> bool:
    """Whether ``redact_json({name: value})`` could change anything, asked of the core: the
    name is sensitive (cached per name), or the name or a string value holds one of the
    core's triggers, or the value is a list or dict (their fields are the core's to judge).
    Numbers, booleans, ``None`` and trigger-free strings under other names never change."""
    global _trigger
    if _trigger is None:
        import re

        _trigger = re.compile("|".join(map(re.escape, _redact_triggers())), re.IGNORECASE | re.ASCII)
    sensitive = _sensitive.get(name)
    if sensitive is None:
        sensitive = _is_sensitive_field(name)
        if len(_sensitive) < 4096:
            _sensitive[name] = sensitive
    if sensitive or _trigger.search(name):
        return True
    if isinstance(value, str):
        return _trigger.search(value) is not None
    return isinstance(value, (dict, list))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, ApiKey):
        return str(value)
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    return str(value)


def _exc_info_tuple(exc_info: Any) -> Any:
    """structlog's ``exc_info`` forms: ``True`` (the exception being handled), an exception,
    or a ``sys.exc_info()`` tuple. ``None`` when there is no exception."""
    if isinstance(exc_info, BaseException):
        return (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple):
        return exc_info if exc_info and exc_info[0] is not None else None
    if exc_info:
        info = sys.exc_info()
        return info if info[0] is not None else None
    return None


def redact_processor(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> Dict[str, Any]:
    """A structlog processor: redacts every value of the event dict with the core's
    structured redaction (sensitive field names whole, other strings scanned). Values that
    are not JSON (objects, exceptions) are turned into their ``str()`` first.

    ``exc_info`` is formatted here into the ``exception`` field (as ``format_exc_info``
    does) and removed, so no renderer can print the live, unredacted exception later."""
    fields = dict(event_dict)
    if "exc_info" in fields:
        info = _exc_info_tuple(fields.pop("exc_info"))
        if info is not None and "exception" not in fields:
            fields["exception"] = _format_exception(info)
    redacted: Dict[str, Any] = redact_json(_jsonable(fields))
    return redacted


