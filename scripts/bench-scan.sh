#!/usr/bin/env bash
# Scanner bench: MB/s of `pictify-keys scan` beside gitleaks and detect-secrets, each given the
# equivalent Pictify rule (`pictify-keys rules`), over >= 1 GB of generated source-like text
# (warm cache: the corpus is read once before timing), all three on the same corpus in one run.
# Usage:
#   scripts/bench-scan.sh [SIZE_MB] [GL_MB] [DS_MB]
# pictify-keys scans the whole SIZE_MB corpus (default 1024); gitleaks and detect-secrets scan
# the first GL_MB / DS_MB of it (default: all of it, so the three figures share one corpus).
# Each tool gets its fastest configuration that still finds every key:
# - gitleaks: only the Pictify rule, --max-decode-depth 0 (pictify-keys decodes nothing either);
# - detect-secrets: every built-in plugin disabled, only the Pictify plugin, and every filter
#   disabled (the filters are heuristics and an allow-comment check on every line; with them on,
#   detect-secrets is ~10x slower and finds the same keys on this corpus). Its default process
#   pool (one worker per core) is kept; its CPU time includes the workers.
# Each line reports wall-clock MB/s and MB per CPU-second (user+sys), which is steadier on a
# shared machine. The corpus lives under /tmp and is deleted afterwards, unless BENCH_CORPUS
# names a directory to create once and keep (for repeated runs).
set -euo pipefail
SIZE_MB=${1:-1024}
GL_MB=${2:-$SIZE_MB}
DS_MB=${3:-$SIZE_MB}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${BENCH_TOOLS:-/tmp/pictify-bench-tools}
if [ -n "${BENCH_CORPUS:-}" ]; then
  CORPUS=$BENCH_CORPUS
  mkdir -p "$CORPUS"
  rm -rf "$CORPUS/gl" "$CORPUS/ds"
else
  CORPUS=$(mktemp -d /tmp/pictify-scan-corpus.XXXXXX)
  trap 'rm -rf "$CORPUS"' EXIT
fi

cargo build --release -p pictify-keys-cli --locked -q --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/pictify-keys
mkdir -p "$TOOLS"
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
[ -x "$TOOLS/bin/gitleaks" ] || GOBIN="$TOOLS/bin" go install github.com/zricethezav/gitleaks/v8@v8.30.1
[ -x "$TOOLS/ds/bin/detect-secrets" ] || { python3 -m venv "$TOOLS/ds" && "$TOOLS/ds/bin/pip" install -q detect-secrets==1.5.0; }

# Corpus: 16-240 KB files of source-like lines, one FAKE-marked key per ~64 KB (one in
# eight with its prefix in upper or mixed case).
[ -f "$CORPUS/all.done.$SIZE_MB" ] || { rm -rf "$CORPUS/all"; python3 - "$CORPUS/all" "$SIZE_MB" <<'PY'
import os, random, sys
out, size_mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(9)
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
lines = [
    "    def render(self, template_id: str, width: int = 1200) -> bytes:\n",
    "        response = self.session.post(f\"{self.base_url}/v1/render\", json=payload, timeout=30)\n",
    "const client = new HttpClient({ baseUrl: process.env.API_URL, retries: 3 });\n",
    "// TODO: move the pk_ prefix check into the validator (check_pk_live_mode)\n",
    "    if err != nil { return fmt.Errorf(\"render failed: %w\", err) }\n",
    "  api_key: ${PICTIFY_API_KEY}\n",
    "let image = try await pictify.render(template: \"og-card\", values: values)\n",
    "    logger.info(\"rendered %s in %d ms\", template_id, elapsed_ms)\n",
]
def key():
    while True:
        body = "FAKE" + "".join(rnd.choice(B62) for _ in range(24))
        if not any(body[i] == body[i + 1] == body[i + 2] for i in range(len(body) - 2)):
            mode = rnd.choice(["live", "test"])
            prefix = "pk_%s_" % mode
            if rnd.random() < 0.125:
                prefix = rnd.choice([prefix.upper(), "Pk_%s_" % mode, "pK_%s_" % mode.upper()])
            return prefix + body
target = size_mb * 1024 * 1024
written, n, keys = 0, 0, 0
while written < target:
    d = os.path.join(out, "d%03d" % (n // 500))
    os.makedirs(d, exist_ok=True)
    parts, size = [], 0
    fsize = rnd.randint(16, 240) * 1024
    while size < fsize:
        if rnd.random() < 0.0012:
            l = "API_KEY = \"%s\"\n" % key(); keys += 1
        else:
            l = rnd.choice(lines)
        parts.append(l); size += len(l)
    data = "".join(parts)
    with open(os.path.join(d, "f%06d.%s" % (n, rnd.choice(["py", "js", "go", "ts", "yml"]))), "w") as f:
        f.write(data)
    written += len(data); n += 1
print("corpus: %d files, %.1f MB, %d keys" % (n, written / 1e6, keys), file=sys.stderr)
PY
touch "$CORPUS/all.done.$SIZE_MB"; }
# Subsets at file granularity: the first N MB of the corpus, as symlink-free copies by hard link.
subset() {
  local name=$1 limit=$(( $2 * 1024 * 1024 )) acc=0
  if [ "$2" -ge "$SIZE_MB" ]; then cp -al "$CORPUS/all" "$CORPUS/$name"; return; fi
  mkdir -p "$CORPUS/$name"
  while IFS= read -r f; do
    [ "$acc" -ge "$limit" ] && break
    mkdir -p "$CORPUS/$name/$(dirname "$f")"
    ln "$CORPUS/all/$f" "$CORPUS/$name/$f"
    acc=$((acc + $(stat -c %s "$CORPUS/all/$f")))
  done < <(cd "$CORPUS/all" && find . -type f | sort)
}
subset gl "$GL_MB"
subset ds "$DS_MB"

"$BIN" rules --format gitleaks | sed '/^\[extend\]/,/^useDefault/d' > "$CORPUS/gitleaks.toml"
"$BIN" rules --format detect-secrets > "$CORPUS/pictify_keys_plugin.py"
DISABLE=$("$TOOLS/ds/bin/detect-secrets" scan --list-all-plugins | sed 's/^/--disable-plugin /' | tr '\n' ' ')
DISABLE_FILTERS=$("$TOOLS/ds/bin/python" -c "from detect_secrets.settings import default_settings
with default_settings() as s: print(' '.join('--disable-filter ' + f for f in s.filters))")

bytes() { du -sb "$1" | cut -f1; }
# time_it NAME BYTES CMD...: one run on a warm cache; prints wall and CPU MB/s.
time_it() {
  local name=$1 size=$2; shift 2
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/env time -f "%e %U %S" -o "$CORPUS/time.$name" "$@" >"$CORPUS/out.$name" 2>"$CORPUS/err.$name" || true
  python3 - "$CORPUS/time.$name" "$size" "$name" "$load" <<'PY'
import sys
wall, user, sys_ = map(float, open(sys.argv[1]).read().split()[-3:])
mb = int(sys.argv[2]) / 1e6
wall, user = max(wall, 0.005), max(user, 0.005)  # /usr/bin/time has 10 ms resolution
print("%-16s %8.1f MB  wall %7.2f s = %8.1f MB/s   cpu %7.2f s = %8.1f MB/cpu-s   (load %s before)" % (sys.argv[3], mb, wall, mb / wall, user + sys_, mb / (user + sys_), sys.argv[4]))
PY
}
ALL=$(bytes "$CORPUS/all"); GL=$(bytes "$CORPUS/gl"); DS=$(bytes "$CORPUS/ds")
echo "CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$CORPUS"/all/*/* > /dev/null
time_it pictify-keys "$ALL" "$BIN" scan --no-progress --format json "$CORPUS/all"
time_it pictify-gl "$GL" "$BIN" scan --no-progress --format json "$CORPUS/gl"
time_it gitleaks "$GL" "$TOOLS/bin/gitleaks" dir --no-banner --max-decode-depth 0 --config "$CORPUS/gitleaks.toml" --report-format json --report-path "$CORPUS/gl.json" "$CORPUS/gl"
time_it pictify-ds "$DS" "$BIN" scan --no-progress --format json "$CORPUS/ds"
echo "detect-secrets: scan --all-files $DISABLE $DISABLE_FILTERS --plugin pictify_keys_plugin.py ." > "$CORPUS/ds.command"
# shellcheck disable=SC2086
time_it detect-secrets "$DS" bash -c "cd '$CORPUS/ds' && '$TOOLS/ds/bin/detect-secrets' scan --all-files $DISABLE $DISABLE_FILTERS --plugin '$CORPUS/pictify_keys_plugin.py' ."
python3 - "$CORPUS" <<'PY'
import json, sys
c = sys.argv[1]
n = lambda f: json.load(open(c + "/out." + f))["summary"]["fixtures"]
gl = len(json.load(open(c + "/gl.json")))
ds = sum(len(v) for v in json.load(open(c + "/out.detect-secrets"))["results"].values())
print("keys found: pictify-keys %d (all); gitleaks %d, pictify-keys %d (gitleaks subset); detect-secrets %d, pictify-keys %d (detect-secrets subset)" % (n("pictify-keys"), gl, n("pictify-gl"), ds, n("pictify-ds")))
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
