"""The host environment the environment detection reads when no ``environ`` is given.

It is ``os.environ`` (read one name at a time, never written), plus one Python-specific
signal: a Django project whose settings are configured with ``DEBUG = True`` is reported
as ``DJANGO_DEBUG=True``, which the core's detection treats as development (as it does a
``DJANGO_DEBUG`` or ``FLASK_DEBUG`` variable). Django is never imported here: the settings
are read only when the program has already imported ``django.conf``.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # mypy treats this name as True

if TYPE_CHECKING:
    from typing import Optional

__all__ = ["HOST_ENVIRON"]


def _django_debug() -> Optional[str]:
    conf = sys.modules.get("django.conf")
    if conf is None:
        return None
    try:
        settings = getattr(conf, "settings", None)
        if settings is None or not settings.configured:
            return None
        return "True" if getattr(settings, "DEBUG", False) is True else None
    except Exception:  # an unconfigured or broken settings module is no evidence
        return None


class _HostEnviron:
    """A read-only view: ``get(name)`` from ``os.environ``, then the framework settings."""

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        value = os.environ.get(name)
        if value is None and name == "DJANGO_DEBUG":
            value = _django_debug()
        return default if value is None else value

    def __repr__(self) -> str:
        return "<host environment: os.environ + Django settings.DEBUG>"


HOST_ENVIRON = _HostEnviron()
