# pictify-keys: one entry point for every task. `just --list` shows them all.
# Quick start on a fresh machine: `pip install rust-just && just demo` / `... && just test`.

set shell := ["bash", "-euo", "pipefail", "-c"]

export CARGO_TERM_COLOR := "never"
# Every recipe's bash sources this file: with PICTIFY_VENDOR_DIR set (a directory written by
# scripts/vendor.sh), cargo builds from the vendored crates only, offline (docs/release.md).
export BASH_ENV := justfile_directory() / "scripts/vendor-env.sh"

# Python package (PyO3 + maturin): `just py test`, `just py demo`, `just py bench`, ...
mod py 'packages/python/py.just'
# Node package @pictify/keys (napi-rs): `just node test`, `just node demo`, `just node bench`, ...
mod node 'packages/node/node.just'
# WASM package for edge workers (wasm-bindgen): `just wasm test`, `just wasm demo`, `just wasm bench`, ...
mod wasm 'packages/wasm/wasm.just'
# Kotlin (JVM) and Swift packages (UniFFI): `just kotlin test`, `just kotlin demo`, `just swift test`, ...
mod kotlin 'packages/kotlin/kotlin.just'
mod swift 'packages/swift/swift.just'

# List the recipes.
default:
    @just --list

# Install what the build and tests need (idempotent; safe to run again).
setup:
    bash scripts/setup.sh

# Build every crate in release mode.
build: setup
    cargo build --release --workspace --locked

# Run every test suite: Rust, lints, fuzz build, then each language package.
test: setup
    just rust-test
    just rust-lint
    just fuzz-build
    just scan-sarif
    just dotenv-compare
    just hook-test
    just cli-npm-test
    just py test
    just node test
    just wasm test
    just kotlin test
    just swift test
    just release-lint
    just cross-smoke

# The Rust suites: core, vectors, property tests, CLI integration tests, and the
# secrets-manager tests against real OpenBao and moto servers (installed by tests/secrets/setup.sh).
rust-test:
    bash tests/secrets/setup.sh
    bash tests/monitor/setup.sh
    PICTIFY_SECRETS_REQUIRED=1 cargo test --workspace --all-features --locked

# Formatting check, clippy and the core's rustdoc (broken or private links), with warnings as errors.
rust-lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
    RUSTDOCFLAGS="-D warnings" cargo doc -p pictify-keys --all-features --no-deps --locked

# Peers installed under target/ as test-only dependencies; fails on a difference not listed
# in tests/dotenv/deviations.toml or a stale docs/dotenv.md; `--write` regenerates the doc.
# Compare the .env parser with python-dotenv and Node dotenv on tests/dotenv/cases.
dotenv-compare *ARGS:
    python3 tests/dotenv/compare.py "$(bash tests/dotenv/peers.sh)" {{ARGS}}

# Build the `pictify-keys` command as a wheel (maturin bin bindings), print its path.
cli-wheel:
    bash tests/hook/run.sh --build-only

# pre-commit from PyPI, the CLI wheel from a local wheelhouse, a temporary git repository
# with a staged key: try-repo and a real commit (tests/hook/run.sh).
# Test the pre-commit hook for real.
hook-test:
    bash tests/hook/run.sh

# @pictify/keys-cli + @pictify/keys-cli-linux-x64 packed, installed from the tarballs into a
# fresh project (packages/cli-npm/test.sh).
# Test the npm packages of the command: `npx pictify-keys scan`.
cli-npm-test:
    bash packages/cli-npm/test.sh

# Build the cargo-fuzz targets (nightly when installed, else the stable compiler in bootstrap mode).
fuzz-build:
    bash scripts/fuzz.sh build

# Fuzz each target for SECONDS seconds (default 60).
fuzz SECONDS="60":
    bash scripts/fuzz.sh run {{SECONDS}}

# The demo: `pictify-keys check` over examples/check/, then the same from each language.
demo: build
    bash examples/demo.sh
    bash examples/redact-demo.sh
    just py demo
    just node demo
    just wasm demo
    just kotlin demo

# Core benchmarks: key parsing, redaction (beside the regex baseline), the key ring, the usage monitor, secrets-manager cache and SigV4.
bench:
    cargo bench -p pictify-keys --all-features --bench parse --bench redact --bench ring --bench monitor --bench secrets -- --warm-up-time 1 --measurement-time 3

# Redaction: CPU-time figures (for loaded machines), then the CLI over 1 GB to /dev/null.
bench-redact:
    PICTIFY_BENCH_CPU=1 cargo bench -p pictify-keys --bench redact -- no_such_filter
    cargo test --release -p pictify-keys-cli --test redact -- --ignored --nocapture throughput

# The Pictify API stand-in on a free loopback port (prints its URL); admin API in tests/mock-api/README.md.
mock-api *ARGS:
    cargo run -q -p pictify-mock-api -- {{ARGS}}

# The core's HTTP request driver (feature http-driver: no reqwest, no tokio) builds for wasm32, as the WASM package uses it (rustup target if installed, else Debian rustc-web + build-std; `just wasm setup` installs those).
core-wasm-check:
    if rustup target list --installed 2>/dev/null | grep wasm32-unknown-unknown >/dev/null; then cargo build -p pictify-keys --features http-driver,json --target wasm32-unknown-unknown; else RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 CARGO_TARGET_DIR=target/wasm-core cargo build -p pictify-keys --features http-driver,json --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort; fi

# Regenerate the shared vectors from their generator scripts (expectations are written by hand in them).
vectors:
    python3 tests/vectors/make_keys.py > tests/vectors/keys.json
    python3 tests/vectors/make_rotation.py > tests/vectors/rotation.json
    python3 tests/vectors/make_redaction.py > tests/vectors/redaction.json
    python3 tests/vectors/make_errors.py > tests/vectors/errors.json

# Regenerate docs/errors.md from the core's error types (`just rust-test` fails when it is stale).
errors-doc:
    PICTIFY_WRITE_ERRORS_DOC=1 cargo test -q -p pictify-keys --all-features --test errors glossary_is_current

# `pictify-keys scan --format sarif` validated against the official SARIF 2.1.0 schema (jsonschema).
scan-sarif:
    bash scripts/validate-sarif.sh

# Scanner MB/s over SIZE_MB of generated text beside gitleaks (first GL_MB) and detect-secrets (first DS_MB), by default all three on the whole corpus (docs/benchmarks.md).
scan-bench SIZE_MB="1024" GL_MB=SIZE_MB DS_MB=SIZE_MB:
    bash scripts/bench-scan.sh {{SIZE_MB}} {{GL_MB}} {{DS_MB}}

# `pictify-keys audit` GB/s on generated 1 M and 10 M line logs beside DuckDB and jq (same per-key summary), medians of RUNS (docs/benchmarks.md).
audit-bench *MILLIONS="1 10":
    bash scripts/bench-audit.sh {{MILLIONS}}

# Build every installable artefact into dist/ (one line per package).
package: build
    mkdir -p dist
    cp target/release/pictify-keys dist/
    just py package
    just node package
    just wasm package
    just kotlin package
    just swift package
    @echo "dist/: $(ls dist | tr '\n' ' ')"

# Every manifest carries the workspace version (Cargo, pyproject, package.json files, pom, kotlin.just, Package.swift).
version-check:
    python3 scripts/version.py check

# Set VERSION in every manifest and check them (`just release 0.2.0`); then commit, tag vVERSION and push the tag (release workflow).
release VERSION:
    python3 scripts/version.py set {{VERSION}}

# (Steps: tools wheels sdist node cli kotlin aarch64; default all. macOS/Windows/Android/iOS: .github/workflows/release.yml.)
# The release matrix this machine can build, into dist/release/ (docs/release.md).
release-build *STEPS:
    bash scripts/release-build.sh {{STEPS}}

# Versions agree (and the check catches a difference), actionlint on .github/workflows, publint
# and attw on @pictify/keys and @pictify/keys-wasm (rebuilt first by `just wasm build` when its
# modules are missing or older than their sources).
release-lint:
    bash scripts/release-lint.sh node wasm

# The one cross-architecture test of `just test`: the aarch64 CLI (glibc 2.17, zig) runs the key vectors under qemu-aarch64.
cross-smoke:
    bash scripts/cross-smoke.sh

# Offline build proof: vendor every crate into a temp dir, then build and test the core and the UniFFI crate from it with no network (several minutes; not in `just test`).
vendor-test:
    bash scripts/vendor-test.sh

# `scan --history` beside gitleaks on a generated repository of COMMITS commits, RUNS timed runs each (docs/benchmarks.md); not part of `just test`.
history-bench COMMITS="10000" RUNS="5":
    bash scripts/bench-history.sh {{COMMITS}} {{RUNS}}
