#!/usr/bin/env bash
# Scanner bench: MB/s of `pictify-keys scan` beside gitleaks and detect-secrets, each given the
# equivalent Pictify rule (`pictify-keys rules`), over >= 1 GB of generated source-like text
# (warm cache: one untimed pass first). Usage: scripts/bench-scan.sh [SIZE_MB] [DS_MB]
# detect-secrets runs over a DS_MB subset of the same corpus (default 100 MB): at its speed the
# full corpus would take an hour. The corpus lives under /tmp and is deleted afterwards.
set -euo pipefail
SIZE_MB=${1:-1024}
DS_MB=${2:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${BENCH_TOOLS:-/tmp/pictify-bench-tools}
CORPUS=$(mktemp -d /tmp/pictify-scan-corpus.XXXXXX)
trap 'rm -rf "$CORPUS"' EXIT

cargo build --release -p pictify-keys-cli --locked -q --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/pictify-keys
mkdir -p "$TOOLS"
[ -x "$TOOLS/bin/gitleaks" ] || GOBIN="$TOOLS/bin" go install github.com/zricethezav/gitleaks/v8@v8.30.1
[ -x "$TOOLS/ds/bin/detect-secrets" ] || { python3 -m venv "$TOOLS/ds" && "$TOOLS/ds/bin/pip" install -q detect-secrets==1.5.0; }

# Corpus: 1000 files per MB-ish of source-like lines, one FAKE-marked key per ~64 KB.
python3 - "$CORPUS/all" "$SIZE_MB" <<'PY'
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
            return "pk_%s_%s" % (rnd.choice(["live", "test"]), body)
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
# The detect-secrets subset: the first directories, about DS_MB.
mkdir -p "$CORPUS/subset"
acc=0
for d in "$CORPUS"/all/d*; do
  [ "$acc" -ge $((DS_MB * 1024 * 1024)) ] && break
  cp -r "$d" "$CORPUS/subset/"; acc=$((acc + $(du -sb "$d" | cut -f1)))
done

"$BIN" rules --format gitleaks | sed '/^\[extend\]/,/^useDefault/d' > "$CORPUS/gitleaks.toml"
"$BIN" rules --format detect-secrets > "$CORPUS/pictify_keys_plugin.py"
DISABLE=$("$TOOLS/ds/bin/detect-secrets" scan --list-all-plugins | sed 's/^/--disable-plugin /' | tr '\n' ' ')

bytes() { du -sb "$1" | cut -f1; }
# time_it NAME BYTES CMD...: wall seconds of one run after one warm-up run; prints MB/s.
time_it() {
  local name=$1 size=$2; shift 2
  "$@" >"$CORPUS/out.$name" 2>/dev/null || true
  local t0 t1; t0=$(date +%s.%N); "$@" >"$CORPUS/out.$name" 2>/dev/null || true; t1=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); b=int(sys.argv[3]); print('%-16s %8.1f MB in %7.2f s = %8.1f MB/s' % (sys.argv[4], b/1e6, s, b/1e6/s))" "$t0" "$t1" "$size" "$name"
}
ALL=$(bytes "$CORPUS/all"); SUB=$(bytes "$CORPUS/subset")
echo "CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//'), $(nproc) cores"
time_it pictify-keys "$ALL" "$BIN" scan --no-progress --format json "$CORPUS/all"
time_it gitleaks "$ALL" "$TOOLS/bin/gitleaks" dir --no-banner --config "$CORPUS/gitleaks.toml" --report-format json --report-path "$CORPUS/gl.json" --max-target-megabytes 10 "$CORPUS/all"
time_it pictify-subset "$SUB" "$BIN" scan --no-progress --format json "$CORPUS/subset"
# shellcheck disable=SC2086
time_it detect-secrets "$SUB" bash -c "cd '$CORPUS/subset' && '$TOOLS/ds/bin/detect-secrets' scan --all-files $DISABLE --plugin '$CORPUS/pictify_keys_plugin.py' ."
python3 - "$CORPUS" <<'PY'
import json, sys
c = sys.argv[1]
ours = json.load(open(c + "/out.pictify-keys"))["summary"]["fixtures"]
gl = len(json.load(open(c + "/gl.json")))
sub = json.load(open(c + "/out.pictify-subset"))["summary"]["fixtures"]
ds = sum(len(v) for v in json.load(open(c + "/out.detect-secrets"))["results"].values())
print("keys found: pictify-keys %d, gitleaks %d (full corpus); pictify-keys %d, detect-secrets %d (subset)" % (ours, gl, sub, ds))
PY
