"""Per-call CPU cost of the result objects (records over the core's serde shape) and of the
parse-error path, against the installed wheel. Run it under two wheels to compare them:

    python bench_records.py LABEL

Each figure is the best of 9 rounds of 5,000 calls (15 x 20,000 for the parse error), as CPU
time of the benchmarking thread (`time.thread_time_ns`), which other load disturbs less.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Dict

from pictify_keys import ApiKey, KeyRing, ManualClock, PictifyKeyError, check_keys, detect_environment

KEY = "pk_live_FAKE3Wwd25rq4f5zr3a1b2"
ENV = {"PICTIFY_API_KEY": KEY, "NODE_ENV": "production"}


def best_ns(f: Callable[[], object], rounds: int, calls: int) -> float:
    def one_round() -> float:
        start = time.thread_time_ns()
        for _ in range(calls):
            f()
        return (time.thread_time_ns() - start) / calls

    return min(one_round() for _ in range(rounds))


def main(label: str) -> None:
    ring = KeyRing([ApiKey.parse(KEY)], clock=ManualClock(0))

    def request() -> str:
        req = ring.begin_request()
        return ring.on_outcome(req, ring.attempt(req), 200).action

    def parse_bad() -> None:
        try:
            ApiKey.parse(KEY + "\n")
        except PictifyKeyError:
            pass

    cases: Dict[str, Callable[[], object]] = {
        "KeyRing begin_request + attempt + on_outcome(200) + .action": request,
        "KeyRing.stats()[0].requests": lambda: ring.stats()[0].requests,
        "detect_environment(dict).environment": lambda: detect_environment(ENV).environment,
        "check_keys(dict).exit_status": lambda: check_keys(ENV).exit_status,
    }
    for name, f in cases.items():
        print(f"{label}: {name}: {best_ns(f, 9, 5_000):.0f} ns CPU")
    print(f"{label}: ApiKey.parse (trailing newline, raises): {best_ns(parse_bad, 15, 20_000):.0f} ns CPU")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pictify_keys")
