"""What a redacting logger costs, against the installed wheel (figures, not pass/fail).

One million records (by default; first argument to change it) through
1. the standard ``logging`` module: one handler with a plain formatter writing to a stream
   that discards, with :class:`pictify_keys.RedactingFilter` on the handler vs without;
2. structlog: ``add_log_level`` then ``JSONRenderer`` to a discarding file, with
   :func:`pictify_keys.redact_processor` before the renderer vs without.
Records: 80 % without a key, 20 % with one (half in the message, half in a field). Each case
runs twice in alternating order; the lower CPU time per case is kept. Prints a Markdown table
for docs/benchmarks.md: CPU ns per record and the overhead over the plain logger.
Run: ``just py bench-logging`` (or ``python bench_logging.py [records]`` with the wheel and
structlog installed).
"""

import logging
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

import structlog

from pictify_keys import RedactingFilter, redact_processor

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
KEY = "pk_live_FAKE3Wwd25rq4f5zr3a1b2c4d5e6"


class Discard:
    """A text stream that drops what it is given (keeps the I/O out of the figure)."""

    def __init__(self) -> None:
        self.last = ""

    def write(self, s: str) -> int:
        if s != "\n":  # print() writes the line ending on its own
            self.last = s
        return len(s)

    def flush(self) -> None:
        pass


def record(i: int) -> Tuple[str, Dict[str, Any]]:
    fields: Dict[str, Any] = {"request_id": f"req-{i}", "template": "og-card", "duration_ms": i % 900}
    if i % 10 == 3:
        return f"render failed for key {KEY}, retrying", fields
    if i % 10 == 7:
        return "render started", {**fields, "api_key": KEY}
    return f"render finished in {i % 900} ms", fields


RECORDS: List[Tuple[str, Dict[str, Any]]] = [record(i) for i in range(1000)]


def std_logger(name: str, redacting: bool) -> Tuple[Callable[[str, Dict[str, Any]], None], Discard]:
    out = Discard()
    handler = logging.StreamHandler(out)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    if redacting:
        handler.addFilter(RedactingFilter())
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return (lambda msg, fields: logger.info(msg, extra=fields)), out


def struct_logger(redacting: bool) -> Tuple[Callable[[str, Dict[str, Any]], None], Discard]:
    out = Discard()
    processors: List[Any] = [structlog.processors.add_log_level]
    if redacting:
        processors.append(redact_processor)
    processors.append(structlog.processors.JSONRenderer())
    log = structlog.wrap_logger(structlog.PrintLogger(file=out), processors=processors)  # type: ignore[arg-type]
    return (lambda msg, fields: log.info(msg, **fields)), out


def run(log: Callable[[str, Dict[str, Any]], None]) -> float:
    t = time.process_time()
    for i in range(N):
        msg, fields = RECORDS[i % 1000]
        log(msg, fields)
    return (time.process_time() - t) / N * 1e9


def main() -> None:
    cases = {
        "logging, plain": std_logger("bench.plain", False),
        "logging + RedactingFilter on the handler": std_logger("bench.redacting", True),
        "structlog, plain": struct_logger(False),
        "structlog + redact_processor": struct_logger(True),
    }
    # Check first that the redacting loggers leave no key and the plain ones show it (the
    # standard formatter prints the message only, so its plain line shows the key of record 3).
    for name, (log, out) in cases.items():
        for i in (3, 7):
            log(*RECORDS[i])
            shown = "plain" in name and (i == 3 or name.startswith("structlog"))
            assert (KEY in out.last) == shown, (name, out.last)
    for log, _ in cases.values():
        for i in range(20_000):
            log(*RECORDS[i % 1000])
    best: Dict[str, float] = {}
    names = list(cases)
    for order in (names, names[::-1]):
        for name in order:
            ns = run(cases[name][0])
            best[name] = min(ns, best.get(name, ns))
    print(f"{N} records per run, 20 % with a key; CPU time, best of two rounds; Python {sys.version.split()[0]}")
    print("| logger | CPU per record | overhead over plain |")
    print("| --- | --- | --- |")
    for name in names:
        base = best["logging, plain"] if name.startswith("logging") else best["structlog, plain"]
        over = "" if "plain" in name else f"{(best[name] / base - 1) * 100:.0f} %"
        print(f"| {name} | {best[name]:.0f} ns | {over} |")


if __name__ == "__main__":
    main()
