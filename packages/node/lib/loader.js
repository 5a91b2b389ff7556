'use strict';
// Loads the native addon built for this platform. Reads no environment variable and prints
// nothing; a missing build is an error that names the file it looked for.

const { join } = require('node:path');
const { existsSync } = require('node:fs');

function abiSuffix() {
  if (process.platform !== 'linux') return '';
  // glibc reports its version in the process report header; musl does not.
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  const glibc = report && report.header && report.header.glibcVersionRuntime;
  return glibc ? '-gnu' : '-musl';
}

function platformTriple() {
  const platform = process.platform === 'win32' ? 'win32' : process.platform;
  const abi = process.platform === 'win32' ? '-msvc' : abiSuffix();
  return `${platform}-${process.arch}${abi}`;
}

const file = join(__dirname, '..', `pictify-keys.${platformTriple()}.node`);
if (!existsSync(file)) {
  throw new Error(
    `@pictify/keys: no native build for ${platformTriple()} (looked for ${file}); ` +
      'build it from source with `just node build` or use a supported platform',
  );
}
module.exports = require(file);
