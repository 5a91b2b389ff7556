'use strict';
// Finds and loads the native addon for a platform. `lib/loader.js` calls it once for this
// process; the tests call it with other platforms. It reads no environment variable, runs no
// diagnostic report and prints nothing.
//
// Where the addon comes from, first found wins:
//   1. `pictify-keys.<platform>.node` next to package.json: a local build (`just node build`);
//   2. the platform package `@pictify/keys-<platform>` that npm installed as an optional
//      dependency of @pictify/keys (its `os`, `cpu` and `libc` fields make npm install only
//      the one that fits), as napi-rs lays them out.
// On Linux the glibc build is tried before the musl one; a build that is present but cannot
// be loaded (musl machine, glibc older than 2.17) moves on to the next and is named in the
// error if none loads.

const { join } = require('node:path');
const { existsSync } = require('node:fs');

/** The platforms with a published package, in the order of `optionalDependencies`. */
const PUBLISHED = [
  'linux-x64-gnu',
  'linux-arm64-gnu',
  'linux-x64-musl',
  'linux-arm64-musl',
  'darwin-arm64',
  'darwin-x64',
  'win32-x64-msvc',
];

/** The platform names to try for `platform`/`arch` (Node's `process.platform`/`process.arch`). */
function candidates(platform, arch) {
  const base = `${platform}-${arch}`;
  if (platform === 'linux') return [`${base}-gnu`, `${base}-musl`];
  if (platform === 'win32') return [`${base}-msvc`];
  return [base];
}

/**
 * Loads the addon. `options` exist for tests: `platform`, `arch`, `dir` (the package root),
 * `exists` and `load` (default `fs.existsSync` and `require`).
 * Throws an Error with `code: 'binary_unavailable'` and `platform` when no build fits.
 */
function loadNative(options = {}) {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const dir = options.dir ?? join(__dirname, '..');
  const exists = options.exists ?? existsSync;
  const load = options.load ?? require;
  const names = candidates(platform, arch);
  const failures = [];
  for (const name of names) {
    const local = join(dir, `pictify-keys.${name}.node`);
    if (exists(local)) {
      try {
        return load(local);
      } catch (err) {
        failures.push(`${local}: ${firstLine(err)}`);
        continue;
      }
    }
    const pkg = `@pictify/keys-${name}`;
    try {
      return load(pkg);
    } catch (err) {
      // Not installed is the usual case (npm skipped it); anything else is worth naming.
      if (!(err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(pkg))) {
        failures.push(`${pkg}: ${firstLine(err)}`);
      }
    }
  }
  const wanted = names.map((n) => `@pictify/keys-${n}`).join(' or ');
  const published = names.some((n) => PUBLISHED.includes(n));
  let message =
    `[binary_unavailable] @pictify/keys has no native addon for this platform (${platform}-${arch}): `;
  if (failures.length > 0) {
    message += `found but could not load ${failures.join('; ')}. `;
  } else if (published) {
    message += `${wanted} is not installed (installed with --omit=optional or --no-optional, or a lockfile made on another platform?); reinstall @pictify/keys on this machine. `;
  } else {
    message += `no package is published for it (published: ${PUBLISHED.join(', ')}). `;
  }
  message += 'To build from source: `just node build` in the pictify-keys repository.';
  const error = new Error(message);
  error.code = 'binary_unavailable';
  error.platform = `${platform}-${arch}`;
  throw error;
}

function firstLine(err) {
  return String((err && err.message) || err).split('\n')[0];
}

module.exports = { loadNative, candidates, PUBLISHED };
