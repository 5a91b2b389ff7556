'use strict';
// Loads the native addon built for this platform. Reads no environment variable, runs no
// diagnostic report and prints nothing; a missing build is an error naming what it looked for.

const { join } = require('node:path');
const { existsSync } = require('node:fs');

function candidates() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform === 'linux') return [`${base}-gnu`, `${base}-musl`];
  if (process.platform === 'win32') return [`${base}-msvc`];
  return [base];
}

const files = candidates().map((triple) => join(__dirname, '..', `pictify-keys.${triple}.node`));
const file = files.find((f) => existsSync(f));
if (!file) {
  throw new Error(
    `@pictify/keys: no native build for ${process.platform}-${process.arch} (looked for ${files.join(', ')}); ` +
      'build it from source with `just node build`',
  );
}
module.exports = require(file);
