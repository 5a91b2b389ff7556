# Sourced, not run: by every recipe's bash through BASH_ENV (the justfile exports it) and by
# .ci/run. When PICTIFY_VENDOR_DIR names a directory written by scripts/vendor.sh, cargo
# builds from its crates only and never touches the network: CARGO_HOME becomes
# $PICTIFY_VENDOR_DIR/cargo-home (its config.toml replaces crates.io with the vendored
# directory and sets net.offline) and CARGO_NET_OFFLINE=true. Does nothing otherwise.
if [ -n "${PICTIFY_VENDOR_DIR:-}" ] && [ "${CARGO_HOME:-}" != "$PICTIFY_VENDOR_DIR/cargo-home" ]; then
  if [ ! -f "$PICTIFY_VENDOR_DIR/cargo-home/config.toml" ]; then
    echo "PICTIFY_VENDOR_DIR=$PICTIFY_VENDOR_DIR has no cargo-home/config.toml: write it with scripts/vendor.sh" >&2
    exit 1
  fi
  # Installed cargo tools (rustup's proxies, cargo-fuzz, ...) stay reachable on PATH.
  case ":$PATH:" in
    *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
    *) PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin" ;;
  esac
  export PATH
  export CARGO_HOME="$PICTIFY_VENDOR_DIR/cargo-home"
  export CARGO_NET_OFFLINE=true
fi
