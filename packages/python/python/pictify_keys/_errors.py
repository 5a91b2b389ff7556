"""Exception classes for the core's errors.

Every error raised by :mod:`pictify_keys` is a :class:`PictifyKeyError` (a
:class:`ValueError`) that shows the core's error report, as every language does:

- ``str(error)`` is ``"[code] message"``; messages never contain a secret;
- ``.code`` is the stable code (``whitespace``, ``live_key_in_development``,
  ``unauthorized``, …), ``.family`` the family, ``.message`` the message without the prefix;
- ``.details`` is a dict of the details the error carries, with the same camelCase names as
  in every language (``position``, ``origin``, ``apiCode``, ``requestId``, …), and each
  detail is also an attribute in snake_case (``error.position``, ``error.api_code``); a
  detail the error does not carry is ``None``.

The subclass tells the family (docs/errors.md lists every code):

- :class:`KeyFormatError` (``format``): the key itself is malformed;
- :class:`KeyEnvironmentError` (``environment``): the key is refused in this environment;
- :class:`KeySourceError` (``source``): a key source failed or found nothing;
- :class:`PictifyHTTPError` (``http``): a request to the Pictify API failed;
- :class:`PictifyInputError` (``input``): an argument that is not a key was refused (an
  audit key ID, a redaction style name, …).

The native module builds these exceptions; nothing here decides anything. For speed it does
not run ``__init__``: it creates the instance with ``ValueError.__new__(cls, "[code] message")``
and writes ``code``, ``message``, ``details`` and each detail into its ``__dict__``, exactly
what ``__init__`` sets.
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
    "PictifyInputError",
]


def _snake(name: str) -> str:
    """``apiCode`` -> ``api_code``."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _camel(name: str) -> str:
    """``api_code`` -> ``apiCode``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class PictifyKeyError(ValueError):
    """Base class of every pictify-keys error; ``.code`` is the core's stable code."""

    family: ClassVar[str] = ""
    code: str
    message: str
    details: Dict[str, Any]
    # Every detail of the core's report, None when the error does not carry it.
    position: Optional[int] = None
    vendor: Optional[str] = None
    origin: Optional[str] = None
    environment: Optional[str] = None
    variable: Optional[str] = None
    value: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    status: Optional[int] = None
    tried: Optional[int] = None
    attempts: Optional[int] = None
    api_code: Optional[str] = None
    request_id: Optional[str] = None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        details: Optional[Dict[str, Any]] = None,
        **attributes: Any,
    ) -> None:
        """``details`` uses the camelCase names; details may also be given as snake_case
        keywords (``position=3``)."""
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.details = dict(details or {})
        for name, value in attributes.items():
            self.details[_camel(name)] = value
        for name, value in self.details.items():
            setattr(self, _snake(name), value)

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keyword-only arguments do not survive the default exception pickling; messages
        # and details never carry a secret, so pickling them is safe.
        return (_rebuild, (type(self), self.message, self.code, self.details))


def _rebuild(
    cls: Type[PictifyKeyError], message: str, code: str, details: Dict[str, Any]
) -> PictifyKeyError:
    return cls(message, code=code, details=details)


class KeyFormatError(PictifyKeyError):
    """The key is malformed: ``.position`` (1-based, or ``None``), ``.vendor`` for
    ``foreign_key``, ``.origin`` when the key came from a named source."""

    family = "format"


class KeyEnvironmentError(PictifyKeyError):
    """A well-formed key refused where it runs: ``.environment`` and the ``.variable`` /
    ``.value`` that decided it."""

    family = "environment"
    environment: Optional[str] = "unknown"


class KeySourceError(PictifyKeyError):
    """A key source failed or found nothing: ``.origin`` names it (never key material);
    ``.line`` / ``.column`` for a ``.env`` syntax error."""

    family = "source"


class PictifyHTTPError(PictifyKeyError):
    """A request to the Pictify API failed: ``.status`` when there was an answer; for a
    refusal, the API's own ``.api_code`` (``revoked_api_key``, …) and ``.request_id``."""

    family = "http"


class PictifyInputError(PictifyKeyError):
    """An argument that is not a key was refused: ``secret_in_key_id``, ``invalid_key_id``
    (audit events), ``invalid_argument`` (a wrong style or environment name, a wrong type),
    ``config_contains_secret``, ``config_invalid``, ``config_bad_value`` (a ``Monitor``
    configuration)."""

    family = "input"


# Used by the native module to pick the class for the core's ErrorFamily.
_BY_FAMILY: Dict[str, Type[PictifyKeyError]] = {
    cls.family: cls
    for cls in (
        KeyFormatError,
        KeyEnvironmentError,
        KeySourceError,
        PictifyHTTPError,
        PictifyInputError,
    )
}
