"""Logging integrations: a `logging.Filter` and a `structlog` processor that redact keys.

Both call the core's redaction; nothing here decides what a key is.

Install :class:`RedactingFilter` on **handlers**, not on a parent logger: a filter on a
logger only sees records logged through that exact logger, never records that propagate
up from child loggers (``logging.getLogger("app.db")`` bypasses a filter on ``"app"``).
A filter on a handler sees every record that handler emits::

    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    logging.basicConfig(handlers=[handler])

For structlog, put :func:`redact_processor` last, just before the renderer (and after
``format_exc_info``, so the formatted traceback is redacted too).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
TYPE_CHECKING = False  # mypy treats this name as True

from ._native import ApiKey, redact, redact_json

if TYPE_CHECKING:
    from typing import Any, Dict, MutableMapping

    from ._native import Style

__all__ = ["RedactingFilter", "redact_processor"]


def _format_exception(exc_info: Any) -> str:
    text = "".join(traceback.format_exception(*exc_info))
    return text[:-1] if text.endswith("\n") else text


class RedactingFilter(logging.Filter):
    """Redacts Pictify keys (and bearer tokens, ``api_key=`` values) in each record.

    The message is formatted with its args first and the result redacted (``record.args``
    is cleared), the exception and its traceback are formatted into ``record.exc_text``
    and redacted, and so is ``record.stack_info``. ``style`` is ``"fingerprint"``
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
        return True


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


def redact_processor(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> Dict[str, Any]:
    """A structlog processor: redacts every value of the event dict with the core's
    structured redaction (sensitive field names whole, other strings scanned). Values that
    are not JSON (objects, exceptions) are turned into their ``str()`` first."""
    redacted: Dict[str, Any] = redact_json(_jsonable(dict(event_dict)))
    return redacted


