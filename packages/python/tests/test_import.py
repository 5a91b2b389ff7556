"""Importing pictify_keys prints nothing and opens nothing but its own modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_import_is_silent_and_reads_no_files() -> None:
    code = textwrap.dedent(
        """
        import json, os, sys, sysconfig
        opened = []
        def hook(event, args):
            if event == "open":
                opened.append(str(args[0]))
        sys.addaudithook(hook)
        import pictify_keys
        pkg = os.path.dirname(pictify_keys.__file__)
        stdlib = sysconfig.get_paths()["stdlib"]
        foreign = [p for p in opened if not (p.startswith(pkg) or p.startswith(stdlib))]
        sys.stderr.write(json.dumps(foreign))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PICTIFY_API_KEY": "pk_live_FAKE3Wwd25rq4f5zr3a1b2", "PATH": "/usr/bin:/bin"},
    )
    assert proc.stdout == ""
    assert proc.stderr == "[]", proc.stderr


def test_star_import_keeps_the_builtin_warning_and_dir_lists_lazy_names() -> None:
    # New-user trial: `from pictify_keys import *` shadowed the builtin `Warning`, and
    # `dir(pictify_keys)` missed RedactingFilter / AsyncClient / redact_processor.
    import builtins

    import pictify_keys

    namespace: dict = {}
    exec("from pictify_keys import *", namespace)
    assert namespace.get("Warning", builtins.Warning) is builtins.Warning
    assert "ApiKey" in namespace and "RedactingFilter" in namespace
    assert pictify_keys.Warning is not builtins.Warning  # still importable by name
    assert {"RedactingFilter", "AsyncClient", "redact_processor"} <= set(dir(pictify_keys))
