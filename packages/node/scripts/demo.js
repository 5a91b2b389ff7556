'use strict';
// The demo scenario from Node: each example environment through checkKeys, using the
// installed @pictify/keys. Usage: node demo.js examples/check/*.env
const { readFileSync } = require('node:fs');
const { basename } = require('node:path');
const { checkKeys, parseDotEnv, PictifyKeyError } = require('@pictify/keys');

function environmentLabel(d) {
  if (d.variable) return `${d.environment} (${d.variable}=${d.value})`;
  return d.environment === 'unknown' ? 'unknown (no environment variable set)' : d.environment;
}

function show(report) {
  const env = environmentLabel(report.detection);
  const width = Math.max(0, ...report.keys.map((k) => k.origin.length));
  for (const k of report.keys) {
    const key = k.fingerprint ? `${k.fingerprint}  ${k.mode}` : '(malformed)';
    const verdict = k.code ? `${k.verdict} [${k.code}]` : k.verdict;
    console.log(`${k.origin.padEnd(width)}  ${key}  ${env}  ${verdict}`);
  }
  for (const k of report.keys) {
    if (k.code && k.message) console.log(`  ${k.verdict === 'warning' ? 'warning' : 'error'}[${k.code}]: ${k.message}`);
  }
  // The report's message is `[code] message`, as every error's.
  if (report.error && report.keys.length === 0) console.log(`  error${report.error.message.replace(/^\[([a-z_]+)\] /, '[$1]: ')}`);
}

console.log('== checkKeys (Node, @pictify/keys) ==');
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, 'utf8');
  console.log(`\n# ${basename(path)}: ${text.split('\n')[0].replace(/^#\s*/, '')}`);
  console.log(`> checkKeys(parseDotEnv(readFileSync('${path}', 'utf8')), 'env-file:${path}')`);
  try {
    const report = checkKeys(parseDotEnv(text), `env-file:${path}`);
    show(report);
    console.log(`(exit status ${report.exitStatus})`);
  } catch (e) {
    if (!(e instanceof PictifyKeyError)) throw e;
    console.log(`  ${e.name} [${e.code}]: ${e.message}`);
  }
}
console.log('\n# From an object with nothing set:');
console.log('> checkKeys({})');
show(checkKeys({}));
