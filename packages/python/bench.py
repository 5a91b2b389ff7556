"""Benchmarks of the installed pictify_keys wheel, in one run (`just py bench`).

1. ApiKey.parse, ns per call, vs an equivalent pure-Python regex validation;
2. redact on a 10 MB log (one key per KB, and no key) vs re.sub with the naive pattern;
3. import time of pictify_keys (fresh interpreters, -X importtime).

Prints a Markdown table (the figures in docs/benchmarks.md). No thresholds: read the ratios.
"""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import sys
import time
import timeit
from typing import Callable, List, Tuple

import pictify_keys
from pictify_keys import ApiKey, redact

KEY = "pk_live_FAKE3Wwd25rq4f5zr3a1b2"
NAIVE = re.compile(r"pk_(?:live|test)_[0-9A-Za-z]{16,128}")
VALID = re.compile(r"pk_(live|test)_[0-9A-Za-z]{16,128}")


def python_validate(value: str) -> str:
    """The pure-Python baseline: the format rule alone (prefix, mode, base62 body 16-128),
    without the core's diagnostics (placeholders, vendors, positions)."""
    m = VALID.fullmatch(value)
    if m is None:
        raise ValueError("invalid key")
    return m.group(1)


def ns_per_call(fn: Callable[[], object], number: int = 200_000, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e9


def make_log(size: int, with_keys: bool) -> str:
    rng = random.Random(7)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    lines: List[str] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        line = f"2026-11-27T14:{n % 60:02d}:00Z INFO request id={n:08d} path=/v1/render status=200 ms={rng.randint(3, 900)}"
        if with_keys and n % 10 == 0:  # about one key per KB
            body = "FAKE" + "".join(rng.choice(alphabet) for _ in range(24))
            line += f" auth=pk_live_{body}"
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


def naive_sub(text: str) -> str:
    return NAIVE.sub(lambda m: m.group(0)[:8] + "****" + m.group(0)[-4:], text)


def best_seconds(fn: Callable[[], object], repeat: int = 10) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def import_time_us(runs: int = 15) -> Tuple[float, float]:
    """Median cumulative import time of pictify_keys in fresh interpreters (-X importtime),
    and the median wall time of `python -c 'import pictify_keys'` minus `python -c pass`."""
    cumulative: List[float] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import pictify_keys"],
            capture_output=True, text=True, check=True,
        ).stderr
        for line in out.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == "pictify_keys":
                cumulative.append(float(parts[1]))
    def wall(code: str) -> float:
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples)
    return statistics.median(cumulative), (wall("import pictify_keys") - wall("pass")) * 1e6


def main() -> None:
    assert redact(KEY) == naive_sub(KEY)
    rows: List[Tuple[str, str, str, str]] = []

    core = ns_per_call(lambda: ApiKey.parse(KEY))
    py = ns_per_call(lambda: python_validate(KEY))
    rows.append(("`ApiKey.parse` (valid key)", f"{core:.0f} ns/call", f"{py:.0f} ns/call (`re.fullmatch`)", f"{py / core:.2f}x"))
    bad = KEY + "\n"
    def parse_bad() -> None:
        try:
            ApiKey.parse(bad)
        except ValueError:
            pass
    def py_bad() -> None:
        try:
            python_validate(bad)
        except ValueError:
            pass
    core_bad = ns_per_call(parse_bad, number=100_000)
    py_bad_ns = ns_per_call(py_bad, number=100_000)
    rows.append(("`ApiKey.parse` (trailing newline, raises)", f"{core_bad:.0f} ns/call", f"{py_bad_ns:.0f} ns/call", f"{py_bad_ns / core_bad:.2f}x"))

    for label, with_keys in (("one key per KB", True), ("no key", False)):
        text = make_log(10 * 1024 * 1024, with_keys)
        assert redact(text) == naive_sub(text)
        mb = len(text) / 1e6
        r = best_seconds(lambda: redact(text))
        n = best_seconds(lambda: naive_sub(text))
        rows.append((f"`redact`, 10 MB log, {label}", f"{r * 1e3:.1f} ms ({mb / r:.0f} MB/s)", f"{n * 1e3:.1f} ms ({mb / n:.0f} MB/s, `re.sub`)", f"{n / r:.1f}x"))
        # The same 10 MB in 1 MB calls (a log shipper's batch size): the working set stays in cache.
        step = 1024 * 1024
        chunks = [text[i : i + step] for i in range(0, len(text), step)]
        rc = best_seconds(lambda: [redact(c) for c in chunks])
        nc = best_seconds(lambda: [naive_sub(c) for c in chunks])
        rows.append((f"`redact`, same 10 MB in 1 MB calls, {label}", f"{rc * 1e3:.1f} ms ({mb / rc:.0f} MB/s)", f"{nc * 1e3:.1f} ms ({mb / nc:.0f} MB/s)", f"{nc / rc:.1f}x"))

    cumulative_us, wall_us = import_time_us()
    rows.append(("`import pictify_keys`", f"{cumulative_us / 1000:.2f} ms (-X importtime, cumulative)", f"{wall_us / 1000:.2f} ms (wall, over `python -c pass`)", "-"))

    print(f"pictify_keys {pictify_keys.__version__}, Python {sys.version.split()[0]}")
    print()
    print("| measure | pictify_keys | pure-Python baseline | baseline / pictify_keys |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
