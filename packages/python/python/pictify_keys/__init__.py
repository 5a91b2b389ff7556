"""Pictify API-key security, backed by the pictify-keys Rust core.

Importing this package reads nothing, prints nothing and opens no connection.

>>> from pictify_keys import ApiKey
>>> key = ApiKey.parse("pk_live_FAKE3Wwd25rq4f5zr3a1b2")
>>> str(key)
'pk_live_****a1b2'
"""

from __future__ import annotations

from ._errors import (
    KeyEnvironmentError,
    KeyFormatError,
    KeySourceError,
    PictifyHTTPError,
    PictifyKeyError,
)
from ._native import (
    BODY_MAX,
    BODY_MIN,
    KEY_VARIABLES,
    Allowed,
    ApiKey,
    Attempt,
    CheckReport,
    Decision,
    Detection,
    DotEnv,
    KeyCheck,
    KeyRing,
    KeyStats,
    LoadedKeys,
    ManualClock,
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
)

__all__ = [
    "BODY_MAX",
    "BODY_MIN",
    "KEY_VARIABLES",
    "Allowed",
    "ApiKey",
    "Attempt",
    "CheckReport",
    "Decision",
    "Detection",
    "DotEnv",
    "KeyCheck",
    "KeyRing",
    "KeyStats",
    "LoadedKeys",
    "ManualClock",
    "RequestState",
    "RingConfig",
    "ShadowedKey",
    "SourcedKey",
    "KeyEnvironmentError",
    "KeyFormatError",
    "KeySourceError",
    "PictifyHTTPError",
    "PictifyKeyError",
    "Policy",
    "Warning",
    "__version__",
    "check_environment",
    "check_keys",
    "check_mode",
    "detect_environment",
    "load_keys",
]
