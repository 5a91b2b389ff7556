#!/usr/bin/env bash
# `pictify-keys audit` speed beside DuckDB and jq computing the same per-key summary
# (requests, error rate, last seen, distinct IPs) from the same generated audit log, in one
# run, alternating the tools, RUNS times each; prints medians: wall, CPU (user+sys), GB/s,
# peak RSS, and the ratios. Issue 15's targets: >= 1 GB/s on the 10 M line file, >= 5x DuckDB,
# >= 50x jq (docs/benchmarks.md has the figures).
#
#   scripts/bench-audit.sh [MILLION_LINES...]      default: 1 10
#   RUNS=3 JQ_MAX_M=1 BENCH_DIR=target/bench-audit BENCH_KEEP=0 scripts/bench-audit.sh 1 10
#
# The files come from the committed, seeded generator (tests/monitor/generate.py --clean: a
# clean month, so the summaries can be compared exactly); 10 M lines are ~1.9 GB, so the
# script checks the free disk first and deletes the files afterwards unless BENCH_KEEP=1.
# jq takes ~40 s per million lines, so it runs only on files of at most JQ_MAX_M million
# lines (its ratio is per byte). DuckDB comes from PyPI into a venv under target/ (its
# figure is the query alone, Python start excluded, which favours DuckDB); jq from Debian.
# Reads are warm (each file is read once before timing). `audit1` is `audit --threads 1`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=("${@:-1 10}")
# shellcheck disable=SC2206
SIZES=(${SIZES[*]})
RUNS=${RUNS:-3}
JQ_MAX_M=${JQ_MAX_M:-1}
DIR=${BENCH_DIR:-$ROOT/target/bench-audit}
VENV=${BENCH_VENV:-$ROOT/target/bench-venv}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/pictify-keys

need_gb=0
for m in "${SIZES[@]}"; do need_gb=$((need_gb + m / 5 + 1)); done
free_gb=$(df -BG --output=avail "$ROOT" | tail -1 | tr -dc 0-9)
if [ "$free_gb" -lt $((need_gb + 8)) ]; then
  echo "bench-audit: only ${free_gb} GB free; need ${need_gb} GB for the files plus 8 GB to spare" >&2
  exit 1
fi

cargo build --release -p pictify-keys-cli -q --manifest-path "$ROOT/Cargo.toml"
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
command -v jq >/dev/null || apt-get install -y -q jq >/dev/null
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import duckdb' 2>/dev/null || "$VENV/bin/pip" install -q --disable-pip-version-check 'duckdb==2.0.1'

mkdir -p "$DIR"
cat >"$DIR/duck.py" <<'PY'
import sys, time, json, duckdb
t = time.perf_counter()
rows = duckdb.sql(f"""
SELECT keyId, count(*) AS requests,
       avg(CASE WHEN status >= 500 OR (status >= 400 AND status NOT IN (401, 403, 429)) THEN 1 ELSE 0 END) AS error_rate,
       max(timestamp) AS last_seen, count(DISTINCT ip) AS distinct_ips
FROM read_json('{sys.argv[1]}', format = 'newline_delimited', ignore_errors = true,
     columns = {{timestamp: 'VARCHAR', keyId: 'VARCHAR', status: 'INTEGER', ip: 'VARCHAR'}})
WHERE status IS NOT NULL
GROUP BY keyId ORDER BY keyId""").fetchall()
q = time.perf_counter() - t
print(json.dumps({"query_s": q, "rows": [[r[0], r[1], round(r[2], 6), r[3], r[4]] for r in rows]}))
PY
JQ_PROG='reduce inputs as $e ({}; .[$e.keyId] |= ((. // {requests:0,errors:0,last_seen:"",ips:{}}) | .requests += 1 | .errors += (if ($e.status >= 500 or ($e.status >= 400 and ([$e.status] | inside([401,403,429]) | not))) then 1 else 0 end) | .last_seen = ([.last_seen, $e.timestamp] | max) | .ips[$e.ip // ""] = true)) | map_values({requests, error_rate: (.errors / .requests), last_seen, distinct_ips: (.ips | length)})'

# timed NAME FILE CMD...: appends "name size wall cpu rss_kb" to $DIR/results.txt
timed() {
  local name=$1 file=$2
  shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" "$@" >"$DIR/out.$name" 2>"$DIR/err.$name" || true
  read -r wall user sys rss < <(tail -1 "$DIR/time.txt")
  if [ "$name" = duckdb ]; then
    wall=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["query_s"])' "$DIR/out.duckdb")
  fi
  echo "$name $(stat -c %s "$file") $wall $(python3 -c "print($user + $sys)") $rss" >>"$DIR/results.txt"
}

: >"$DIR/results.txt"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pictify-keys $("$BIN" --version | cut -d' ' -f2) at $(git -C "$ROOT" rev-parse --short HEAD); $(jq --version); duckdb $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')"
for m in "${SIZES[@]}"; do
  out=$DIR/m$m
  scale=$(python3 -c "print(round(31.3 * $m, 1))")
  if [ ! -f "$out/audit.jsonl" ] || ! grep -q "\"scale\": $scale" "$out/params" 2>/dev/null; then
    python3 "$ROOT/tests/monitor/generate.py" "$out" --clean --scale "$scale"
    echo "{\"scale\": $scale}" >"$out/params"
  fi
  f=$out/audit.jsonl
  cat "$f" >/dev/null
  echo "file: $f, $(wc -l <"$f") lines, $(stat -c %s "$f") bytes (generate.py --clean --scale $scale)"
  for _ in $(seq "$RUNS"); do
    timed audit "$f" "$BIN" audit --format json --no-progress --config "$out/monitor.toml" "$f"
    timed audit1 "$f" "$BIN" audit --format json --no-progress --threads 1 --config "$out/monitor.toml" "$f"
    timed duckdb "$f" "$VENV/bin/python" "$DIR/duck.py" "$f"
    timed grep "$f" grep -c keyId "$f"
    if [ "$m" -le "$JQ_MAX_M" ]; then
      timed jq "$f" jq -n -c "$JQ_PROG" "$f"
    fi
  done
  # The same summary from each tool (the monitor's report against DuckDB's rows).
  python3 - "$DIR/out.audit" "$DIR/out.duckdb" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
duck = json.load(open(sys.argv[2]))["rows"]
mine = [[k["keyId"], k["requests"], round(k["error_rate"], 6), k["last_seen"], k["distinct_ips"]] for k in rep["keys"]]
print("summaries agree (audit vs duckdb):", mine == duck)
if mine != duck:
    print(" audit: ", mine, "\n duckdb:", duck)
PY
  if [ "${BENCH_KEEP:-0}" != 1 ] && [ "$m" -ge 5 ]; then rm -rf "$out"; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$DIR/results.txt" <<'PY'
import statistics, sys, collections
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, size, wall, cpu, rss = line.split()
    by[(int(size), name)].append((float(wall), float(cpu), int(rss)))
for size in sorted({s for s, _ in by}):
    print(f"\n{size:,} bytes | tool | runs | median wall s | median CPU s | GB/s (wall) | GB/s per CPU s | peak RSS MB")
    med = {}
    for (s, name), runs in sorted(by.items()):
        if s != size:
            continue
        w = statistics.median(r[0] for r in runs)
        c = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs) / 1024
        med[name] = w
        print(f"  | {name} | {len(runs)} | {w:.3f} | {c:.3f} | {size / w / 1e9:.3f} | {size / max(c, 1e-9) / 1e9:.3f} | {rss:.1f}")
    if "audit" in med:
        for other in ("audit1", "duckdb", "jq", "grep"):
            if other in med:
                print(f"  audit vs {other}: {med[other] / med['audit']:.2f}x (wall)")
PY
