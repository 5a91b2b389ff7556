"""Pictify API-key security, backed by the pictify-keys Rust core.

Importing this package reads nothing, prints nothing and opens no connection.

>>> from pictify_keys import ApiKey
>>> key = ApiKey.parse("pk_live_FAKE3Wwd25rq4f5zr3a1b2")
>>> str(key)
'pk_live_****a1b2'
"""

from __future__ import annotations

# Checked by mypy; False at run time, so `typing` is not imported (it costs import time).
TYPE_CHECKING = False

from ._errors import (
    KeyEnvironmentError,
    KeyFormatError,
    KeySourceError,
    PictifyHTTPError,
    PictifyInputError,
    PictifyKeyError,
)
from ._native import (
    BODY_MAX,
    BODY_MIN,
    KEY_VARIABLES,
    Alert,
    AlertUpdate,
    Allowed,
    ApiKey,
    ApiResponse,
    Attempt,
    AuditEvent,
    CheckReport,
    Client,
    Decision,
    Detection,
    DotEnv,
    Image,
    Images,
    KeyCheck,
    KeyRing,
    KeyStats,
    KeyUsage,
    LoadedKeys,
    ManualClock,
    Monitor,
    MonitorReport,
    Policy,
    RequestState,
    RingConfig,
    ShadowedKey,
    SourcedKey,
    Warning,
    __version__,
    check_environment,
    check_keys,
    check_mode,
    detect_environment,
    load_keys,
    redact,
    redact_bytes,
    redact_json,
)

if TYPE_CHECKING:
    from ._aio import AsyncClient
    from ._logging import RedactingFilter, redact_processor

# `logging` and `asyncio` are imported only when these are first used, to keep
# `import pictify_keys` fast.
_LAZY = {
    "AsyncClient": "._aio",
    "RedactingFilter": "._logging",
    "redact_processor": "._logging",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pictify_keys' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # The lazy names too, so REPL and IDE completion offer the logging helpers.
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BODY_MAX",
    "BODY_MIN",
    "KEY_VARIABLES",
    "Alert",
    "AlertUpdate",
    "Allowed",
    "ApiKey",
    "ApiResponse",
    "AsyncClient",
    "Attempt",
    "AuditEvent",
    "CheckReport",
    "Client",
    "Decision",
    "Detection",
    "DotEnv",
    "Image",
    "Images",
    "KeyCheck",
    "KeyRing",
    "KeyStats",
    "KeyUsage",
    "LoadedKeys",
    "ManualClock",
    "Monitor",
    "MonitorReport",
    "RequestState",
    "RingConfig",
    "ShadowedKey",
    "SourcedKey",
    "KeyEnvironmentError",
    "KeyFormatError",
    "KeySourceError",
    "PictifyHTTPError",
    "PictifyInputError",
    "PictifyKeyError",
    "Policy",
    "RedactingFilter",
    # `Warning` (the policy's warning type) stays importable by name but is left out of
    # `from pictify_keys import *`, which would shadow the builtin `Warning`.
    "__version__",
    "check_environment",
    "check_keys",
    "check_mode",
    "detect_environment",
    "load_keys",
    "redact",
    "redact_bytes",
    "redact_json",
    "redact_processor",
]
