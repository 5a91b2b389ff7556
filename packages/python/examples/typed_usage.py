"""Uses the whole public API with precise types; checked with `mypy --strict`."""

from __future__ import annotations

from typing import Dict, List, Optional

from pictify_keys import (
    ApiKey,
    Allowed,
    CheckReport,
    Detection,
    DotEnv,
    KeyEnvironmentError,
    KeyFormatError,
    PictifyKeyError,
    Policy,
    check_environment,
    check_keys,
    check_mode,
    detect_environment,
)


def parse_or_none(value: str) -> Optional[ApiKey]:
    try:
        return ApiKey.parse(value)
    except KeyFormatError as e:
        code: str = e.code
        position: Optional[int] = e.position
        print(code, position, e.vendor)
        return None


def environment_checks(key: ApiKey) -> List[str]:
    detected: Detection = detect_environment()
    from_map: Detection = detect_environment({"NODE_ENV": "production"})
    out: List[str] = [detected.environment, from_map.environment, key.mode, key.fingerprint]
    try:
        allowed: Allowed = check_environment(key, "production", policy=Policy.strict())
        if allowed.warning is not None:
            out.append(allowed.warning.code)
    except KeyEnvironmentError as e:
        out.append(f"{e.code} {e.environment} {e.variable}")
    relaxed = Policy(allow_live_outside_production=True)
    out.append(str(check_mode("live", Detection.explicit("staging"), policy=relaxed).warning))
    return out


def check_file(text: str) -> int:
    env: DotEnv = DotEnv.parse(text)
    names: List[str] = env.names()
    value: Optional[str] = env.get("NODE_ENV")
    copied: Dict[str, str] = {name: env[name] for name in names}
    report: CheckReport = check_keys(env, source="env-file:.env", environment=None)
    for k in report.keys:
        print(k.source, k.fingerprint, k.mode, k.verdict, k.code, value, len(copied))
    err: Optional[PictifyKeyError] = report.error()
    if err is not None:
        print(err.code, err.family)
    return report.exit_status


if __name__ == "__main__":
    key = parse_or_none("pk_live_FAKE3Wwd25rq4f5zr3a1b2")
    if key is not None:
        secret: str = key.reveal()
        print(environment_checks(key), len(secret))
    print(check_file("NODE_ENV=production\nPICTIFY_API_KEY=pk_live_FAKE3Wwd25rq4f5zr3a1b2\n"))
