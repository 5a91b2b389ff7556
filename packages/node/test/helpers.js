'use strict';
// Shared helpers of the node:test suites. The suites run in a temporary project where the
// packed tarball is installed, so `require('@pictify/keys')` is the installed package.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const VECTORS = process.env.PICTIFY_VECTORS_DIR;
if (!VECTORS) throw new Error('set PICTIFY_VECTORS_DIR to tests/vectors (scripts/test-installed.sh does)');

function vectors(name) {
  return JSON.parse(readFileSync(join(VECTORS, name), 'utf8'));
}

/** Every 5-character run of `input` from the FAKE marker on (the secret part). */
function secretRuns(input) {
  const at = input.indexOf('FAKE');
  if (at < 0) return [];
  const secret = input.slice(at);
  const runs = [];
  for (let i = 0; i + 5 <= secret.length; i++) runs.push(secret.slice(i, i + 5));
  return runs;
}

module.exports = { vectors, secretRuns };
