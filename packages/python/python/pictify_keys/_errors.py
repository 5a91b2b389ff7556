"""Exception classes for the core's errors.

Every error raised by :mod:`pictify_keys` is a :class:`PictifyKeyError` (a
:class:`ValueError`) whose ``.code`` is the core's stable code (``whitespace``,
``live_key_in_development``, ``unauthorized``, …), identical in every language. The
subclass tells the family, the same grouping as the core's ``ErrorFamily``:

- :class:`KeyFormatError` (``format``): the key itself is malformed;
- :class:`KeyEnvironmentError` (``environment``): the key is refused in this environment;
- :class:`KeySourceError` (``source``): a key source failed or found nothing;
- :class:`PictifyHTTPError` (``http``): a request to the Pictify API failed.

``str(error)`` is ``"[code] message"``; messages never contain a secret. The native
module builds these exceptions; nothing here decides anything. For speed it does not run
``__init__``: it creates the instance with ``ValueError.__new__(cls, "[code] message")`` and
writes ``code``, ``message``, ``_details`` and the details the core gives into its
``__dict__``, exactly what ``__init__`` sets; the details a variant lacks fall back to the
class attributes below (``None``, or ``"unknown"`` for the environment).
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy treats this name as True

if TYPE_CHECKING:  # typing costs import time; annotations are strings at run time
    from typing import Any, ClassVar, Dict, Optional, Tuple, Type

__all__ = [
    "PictifyKeyError",
    "KeyFormatError",
    "KeyEnvironmentError",
    "KeySourceError",
    "PictifyHTTPError",
]


class PictifyKeyError(ValueError):
    """Base class of every pictify-keys error; ``.code`` is the core's stable code."""

    family: ClassVar[str] = ""
    code: str
    message: str

    def __init__(self, message: str, *, code: str, **details: Any) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self._details = details
        for name, value in details.items():
            setattr(self, name, value)

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keyword-only arguments do not survive the default exception pickling; messages
        # and details never carry a secret, so pickling them is safe.
        return (_rebuild, (type(self), self.message, self.code, self._details))


def _rebuild(
    cls: Type[PictifyKeyError], message: str, code: str, details: Dict[str, Any]
) -> PictifyKeyError:
    return cls(message, code=code, **details)


class KeyFormatError(PictifyKeyError):
    """The key is malformed: ``.position`` (1-based, or ``None``), ``.vendor`` for
    ``foreign_key``, ``.origin`` when the key came from a named source."""

    family = "format"
    position: Optional[int] = None
    vendor: Optional[str] = None
    origin: Optional[str] = None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        position: Optional[int] = None,
        vendor: Optional[str] = None,
        origin: Optional[str] = None,
        **details: Any,
    ) -> None:
        super().__init__(
            message, code=code, position=position, vendor=vendor, origin=origin, **details
        )


class KeyEnvironmentError(PictifyKeyError):
    """A well-formed key refused where it runs: ``.environment`` and the ``.variable`` /
    ``.value`` that decided it."""

    family = "environment"
    environment: str = "unknown"
    variable: Optional[str] = None
    value: Optional[str] = None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        environment: str = "unknown",
        variable: Optional[str] = None,
        value: Optional[str] = None,
        **details: Any,
    ) -> None:
        super().__init__(
            message,
            code=code,
            environment=environment,
            variable=variable,
            value=value,
            **details,
        )


class KeySourceError(PictifyKeyError):
    """A key source failed or found nothing: ``.origin`` names it (never key material);
    ``.line`` / ``.column`` for a ``.env`` syntax error."""

    family = "source"
    origin: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        origin: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        **details: Any,
    ) -> None:
        super().__init__(
            message, code=code, origin=origin, line=line, column=column, **details
        )


class PictifyHTTPError(PictifyKeyError):
    """A request to the Pictify API failed: ``.status`` when there was an answer."""

    family = "http"
    status: Optional[int] = None

    def __init__(
        self, message: str, *, code: str, status: Optional[int] = None, **details: Any
    ) -> None:
        super().__init__(message, code=code, status=status, **details)


# Used by the native module to pick the class for the core's ErrorFamily.
_BY_FAMILY: Dict[str, Type[PictifyKeyError]] = {
    cls.family: cls
    for cls in (KeyFormatError, KeyEnvironmentError, KeySourceError, PictifyHTTPError)
}
