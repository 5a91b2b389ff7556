#!/usr/bin/env bash
# History-scan bench: `pictify-keys scan --history` beside `gitleaks git` on the same generated
# repository, in the same run (docs/benchmarks.md).
# Usage:
#   scripts/bench-history.sh [COMMITS] [RUNS]
# Generates a repository of COMMITS commits (default 10000) with scripts/bench-history-gen.py
# (keys introduced, removed, re-added, on merged and unmerged branches), then times each tool
# RUNS times (default 5), alternating, after one untimed warm-up run each, and prints the
# median wall-clock and CPU time (user+sys, children included: both tools run git) and the
# ratios. gitleaks gets its fastest configuration that still finds the keys: only the Pictify
# rule (`pictify-keys rules --format gitleaks` without its `[extend] useDefault`) and
# --max-decode-depth 0; it walks the same commits (`git log -p -U0 --full-history --all`).
# A third line times gitleaks as `pictify-keys rules` tells its users to configure it (its
# default rules plus the Pictify rule, default decoding), for reference. The repository lives under /tmp and is
# deleted afterwards, unless BENCH_REPO names a directory to create once and keep.
set -euo pipefail
COMMITS=${1:-10000}
RUNS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${BENCH_TOOLS:-/tmp/pictify-bench-tools}
WORK=$(mktemp -d /tmp/pictify-history-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ -n "${BENCH_REPO:-}" ]; then
  REPO=$BENCH_REPO
else
  REPO=$WORK/repo
fi

cargo build --release -p pictify-keys-cli --locked -q --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/pictify-keys
mkdir -p "$TOOLS"
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
[ -x "$TOOLS/bin/gitleaks" ] || GOBIN="$TOOLS/bin" go install github.com/zricethezav/gitleaks/v8@v8.30.1

if [ ! -f "$REPO/.git/planted.$COMMITS.json" ]; then
  rm -rf "$REPO"
  python3 "$ROOT/scripts/bench-history-gen.py" "$REPO" --commits "$COMMITS" --manifest "$WORK/planted.json"
  cp "$WORK/planted.json" "$REPO/.git/planted.$COMMITS.json"
fi
MANIFEST=$REPO/.git/planted.$COMMITS.json
"$BIN" rules --format gitleaks | sed '/^\[extend\]/,/^useDefault/d' > "$WORK/gitleaks.toml"
# As the project tells gitleaks users to run it: its default rules plus the Pictify rule.
"$BIN" rules --format gitleaks > "$WORK/gitleaks-default.toml"

PK=("$BIN" scan --history --no-progress --include-fixtures --format json)
GL=("$TOOLS/bin/gitleaks" git --no-banner --log-level error --max-decode-depth 0 --config "$WORK/gitleaks.toml" --report-format json --report-path "$WORK/gl.json" "$REPO")
GLD=("$TOOLS/bin/gitleaks" git --no-banner --log-level error --config "$WORK/gitleaks-default.toml" --report-format json --report-path "$WORK/gld.json" "$REPO")

# run NAME CMD...: one timed run; appends "wall cpu" to $WORK/times.NAME.
run() {
  local name=$1; shift
  (cd "$REPO" && /usr/bin/env time -f "%e %U %S" -o "$WORK/t" "$@" >"$WORK/out.$name" 2>"$WORK/err.$name") || true
  awk '{ print $1, $2 + $3 }' "$WORK/t" | tail -1 >> "$WORK/times.$name"
}

echo "CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//'), $(nproc) cores; git $(git --version | cut -d' ' -f3); gitleaks v8.30.1"
echo "repository: $COMMITS commits, $(git -C "$REPO" rev-list --all --objects | wc -l) objects, pack $(du -sh "$REPO/.git/objects" | cut -f1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run warm-pk "${PK[@]}"
run warm-gl "${GL[@]}"
for _ in $(seq "$RUNS"); do
  run pictify-keys "${PK[@]}"
  run gitleaks "${GL[@]}"
  run gitleaks-default "${GLD[@]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$WORK" "$MANIFEST" "$RUNS" <<'PY'
import json, statistics, sys
work, manifest, runs = sys.argv[1], sys.argv[2], sys.argv[3]
def times(name):
    rows = [tuple(map(float, l.split())) for l in open(work + "/times." + name)]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows), rows
pw, pc, prow = times("pictify-keys")
gw, gc, grow = times("gitleaks")
dw, dc, drow = times("gitleaks-default")
for name, w, c, rows in (("pictify-keys", pw, pc, prow), ("gitleaks", gw, gc, grow), ("gitleaks-default", dw, dc, drow)):
    print("%-16s median of %s: wall %6.2f s, cpu %6.2f s   (walls: %s; cpus: %s)" % (name, runs, w, c, " ".join("%.2f" % r[0] for r in rows), " ".join("%.2f" % r[1] for r in rows)))
print("ratio gitleaks (Pictify rule only) / pictify-keys: wall %.1fx, cpu %.1fx" % (gw / max(pw, 0.005), gc / max(pc, 0.005)))
print("ratio gitleaks (default rules + Pictify rule) / pictify-keys: wall %.1fx, cpu %.1fx" % (dw / max(pw, 0.005), dc / max(pc, 0.005)))
m = json.load(open(manifest))
pk = json.load(open(work + "/out.pictify-keys"))
gl = json.load(open(work + "/gl.json"))
planted = {(f["commit"], f["path"], f["line"], f["hash"]) for f in m["findings"]}
found = {(f["commit"], f["path"], f["line"], f["hash"]) for f in pk["findings"]}
print("planted findings %d; pictify-keys %d (%d of them planted, %d keys, %d no longer in HEAD); gitleaks %d findings in %d commits" % (
    len(planted), len(found), len(found & planted), len(pk["keys"]),
    sum(1 for k in pk["keys"] if k["in_head"] is False), len(gl), len({f["Commit"] for f in gl})))
PY
