"""Benchmarks of the installed pictify_keys wheel, in one run (`just py bench`).

1. ApiKey.parse, ns per call, vs an equivalent pure-Python regex validation (a valid key and
   a malformed one, which raises);
2. redact on a 10 MB log (one key per KB, and no key), in 1 MB calls, and per 200-byte line,
   vs re.sub with the naive pattern `pk_(live|test)_[0-9A-Za-z]+`;
3. import time of pictify_keys (fresh interpreters, -X importtime).

Ours and the baseline are timed alternately, round after round, so both see the same load;
each figure is the best round, as wall time and as CPU time of this thread
(`time.thread_time`). Prints a Markdown table (the figures in docs/benchmarks.md) and the
load average. No thresholds: read the ratios.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import time
from typing import Callable, List, Tuple

import pictify_keys
from pictify_keys import ApiKey, redact

KEY = "pk_live_FAKE3Wwd25rq4f5zr3a1b2"
NAIVE = re.compile(r"pk_(?:live|test)_[0-9A-Za-z]+")
VALID = re.compile(r"pk_(live|test)_[0-9A-Za-z]{16,128}")


# The equivalent-coverage pattern: a port of core/benches/support/coverage_regex.rs (both
# prefixes in any case; Bearer, api_key/api-key/apikey/X-Api-Key and ?key=/&key=/;key=
# values, quoted or JSON-escaped, with %HH escapes of token characters; redacted values and
# JSON literals kept). Its only differences from the core on tests/vectors/redaction.json are
# the two "keys back to back" cases (listed in that file's doc comment).
COVERAGE = re.compile(
    r"(?P<key>pk_(?:live|test)_[0-9a-z]{8,})"
    r"|(?P<ctx>(?<![0-9a-z])bearer(?:[ \t+]|%20){1,4}"
    r"|(?<![0-9a-z])api[_-]?key(?:\\?[\"'])? {0,2}[=:][ \t]{0,3}(?:\\?[\"'])?|[?&;]key=)"
    r"(?P<tok>(?:[0-9a-z._~+/=*\[\]-]|%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2[abdef]|3d|5[bdf]|7e))+)",
    re.IGNORECASE | re.ASCII,
)
IS_KEY = re.compile(r"pk_(?:live|test)_[0-9a-z]{8,128}", re.IGNORECASE | re.ASCII)
IS_REDACTED = re.compile(r"\[REDACTED\]|null|true|false|\**|pk_(?:live|test)_\*{4,}[0-9a-z]{0,4}", re.IGNORECASE | re.ASCII)


def _fingerprint(key: str) -> str:
    return key[:8] + "****" + ("" if len(key) - 8 > 128 else key[-4:])


def _coverage_replace(m: "re.Match[str]") -> str:
    if m.group("key"):
        return _fingerprint(m.group("key"))
    tok = m.group("tok")
    if len(tok) <= 136 and IS_REDACTED.fullmatch(tok):
        return m.group(0)
    return m.group("ctx") + (_fingerprint(tok) if len(tok) <= 136 and IS_KEY.fullmatch(tok) else "[REDACTED]")


def coverage_sub(text: str) -> str:
    return COVERAGE.sub(_coverage_replace, text)


def python_validate(value: str) -> str:
    """The pure-Python baseline: the format rule alone (prefix, mode, base62 body 16-128),
    without the core's diagnostics (placeholders, vendors, positions)."""
    m = VALID.fullmatch(value)
    if m is None:
        raise ValueError("invalid key")
    return m.group(1)


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


def line_of_200(with_key: bool) -> str:
    """A 200-byte log line (with a key near its end, or none)."""
    head = "2026-11-27T14:05:00Z INFO request id=00012345 path=/v1/render status=200 ms=42 ua=python-requests/2.32"
    tail = f" auth={KEY}" if with_key else " auth=none"
    pad = 200 - len(head) - len(tail)
    return head + " " + "x" * (pad - 1) + tail


def naive_sub(text: str) -> str:
    return NAIVE.sub(lambda m: m.group(0)[:8] + "****" + m.group(0)[-4:], text)


Timing = Tuple[float, float]  # best wall seconds, best CPU seconds (per call)


def race(ours: Callable[[], object], base: Callable[[], object], rounds: int, number: int = 1) -> Tuple[Timing, Timing]:
    """Times `number` calls of each, alternately for `rounds` rounds; the best round of each
    (wall and thread CPU time), per call."""
    best = [[float("inf"), float("inf")], [float("inf"), float("inf")]]
    for _ in range(rounds):
        for i, fn in enumerate((ours, base)):
            w0, c0 = time.perf_counter(), time.thread_time()
            for _ in range(number):
                fn()
            c1, w1 = time.thread_time(), time.perf_counter()
            best[i][0] = min(best[i][0], (w1 - w0) / number)
            best[i][1] = min(best[i][1], (c1 - c0) / number)
    return (best[0][0], best[0][1]), (best[1][0], best[1][1])


def ns(t: float) -> str:
    return f"{t * 1e9:.0f} ns"


def ms(t: float, mb: float) -> str:
    return f"{t * 1e3:.2f} ms ({mb / t:.0f} MB/s)"


def row(label: str, ours: Timing, base: Timing, fmt: Callable[[float], str], note: str = "") -> Tuple[str, str, str, str]:
    return (
        label,
        f"{fmt(ours[0])}; CPU {fmt(ours[1])}",
        f"{fmt(base[0])}; CPU {fmt(base[1])}{note}",
        f"{base[0] / ours[0]:.1f}x (CPU {base[1] / ours[1]:.1f}x)",
    )


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
    load_before = os.getloadavg()
    assert redact(KEY) == naive_sub(KEY)
    rows: List[Tuple[str, str, str, str]] = []

    ours, base = race(lambda: ApiKey.parse(KEY), lambda: python_validate(KEY), rounds=7, number=50_000)
    rows.append(row("`ApiKey.parse` (valid key), per call", ours, base, ns, " (`re.fullmatch`)"))
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

    ours, base = race(parse_bad, py_bad, rounds=7, number=20_000)
    rows.append(row("`ApiKey.parse` (trailing newline, raises), per call", ours, base, ns))

    for label, with_keys in (("one key per KB", True), ("no key", False)):
        text = make_log(10 * 1024 * 1024, with_keys)
        assert redact(text) == naive_sub(text)
        assert (redact(text) is text) == (not with_keys)
        mb = len(text) / 1e6
        ours, base = race(lambda: redact(text), lambda: naive_sub(text), rounds=10)
        rows.append(row(f"`redact`, 10 MB log, {label}", ours, base, lambda t: ms(t, mb), " (`re.sub`)"))
        # The same 10 MB in 1 MB calls (a log shipper's batch size).
        step = 1024 * 1024
        chunks = [text[i : i + step] for i in range(0, len(text), step)]
        ours, base = race(lambda: [redact(c) for c in chunks], lambda: [naive_sub(c) for c in chunks], rounds=10)
        rows.append(row(f"`redact`, same 10 MB in 1 MB calls, {label}", ours, base, lambda t: ms(t, mb)))
        assert redact(text) == coverage_sub(text)
        ours, base = race(lambda: redact(text), lambda: coverage_sub(text), rounds=5)
        rows.append(row(f"`redact`, 10 MB log, {label}, vs the equivalent-coverage pattern", ours, base, lambda t: ms(t, mb), " (`re.sub`, coverage)"))

    for label, with_key in (("with a key", True), ("no key", False)):
        line = line_of_200(with_key)
        assert len(line) == 200 and redact(line) == naive_sub(line)
        ours, base = race(lambda: redact(line), lambda: naive_sub(line), rounds=7, number=50_000)
        rows.append(row(f"`redact`, one 200-byte line {label}, per call", ours, base, ns))
    # A clean line that holds `key=` (after a space: not a context), as in issue 17's figure.
    near = line_of_200(False).replace(" ua=", " key=", 1)[:200]
    assert len(near) == 200 and redact(near) is near and naive_sub(near) == near
    ours, base = race(lambda: redact(near), lambda: naive_sub(near), rounds=7, number=50_000)
    rows.append(row("`redact`, one 200-byte line no key, holding `key=`, per call", ours, base, ns))

    cumulative_us, wall_us = import_time_us()
    rows.append(("`import pictify_keys`", f"{cumulative_us / 1000:.2f} ms (-X importtime, cumulative)", f"{wall_us / 1000:.2f} ms (wall, over `python -c pass`)", "-"))

    load_after = os.getloadavg()
    print(f"pictify_keys {pictify_keys.__version__}, Python {sys.version.split()[0]}, "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print()
    print("| measure | pictify_keys | pure-Python baseline | baseline / pictify_keys |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
