'use strict';
// The API surface beyond the vectors: import side effects, error classes, defaults, sources.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { inspect } = require('node:util');
const keys = require('@pictify/keys');
const { vectors } = require('./helpers.js');

const valid = vectors('keys.json').cases.filter((c) => c.valid);
const LIVE = valid.find((c) => c.mode === 'live').input;
const LIVE2 = valid.filter((c) => c.mode === 'live')[1].input;
const TEST = valid.find((c) => c.mode === 'test').input;

test('require prints nothing and reads no variable', () => {
  const script = `
    const seen = [];
    const real = process.env;
    process.env = new Proxy(real, {
      get(t, p) { if (typeof p === 'string') seen.push(p); return Reflect.get(t, p); },
      ownKeys(t) { seen.push('<ownKeys>'); return Reflect.ownKeys(t); },
    });
    require('@pictify/keys');
    process.env = real;
    process.stdout.write(JSON.stringify(seen));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: process.cwd() });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), []);
});

test('errors are Error subclasses with the core code and family', () => {
  const e = (() => { try { keys.ApiKey.parse('sk_live_FAKE2BgQjyR9aipf00'); } catch (err) { return err; } })();
  assert.ok(e instanceof keys.KeyFormatError && e instanceof Error);
  assert.equal(e.name, 'KeyFormatError');
  assert.equal(e.code, 'foreign_key');
  assert.equal(e.vendor, 'Stripe');
  assert.match(String(e), /^KeyFormatError: \[foreign_key\] /);
  assert.match(e.message, /^\[foreign_key\] this is not a Pictify key/);
  assert.deepEqual(e.details, { vendor: 'Stripe' });
  assert.match(e.stack, /api\.test\.js/, 'the stack points at the caller');
  assert.doesNotMatch(e.stack, /errors\.js/, 'no conversion frames in the stack');
  const limit = Error.stackTraceLimit;
  const nl = (() => { try { keys.ApiKey.parse('pk_live_FAKE2BgQjyR9aipf\n'); } catch (err) { return err; } })();
  assert.equal(Error.stackTraceLimit, limit, 'the stack limit is restored');
  assert.ok(nl instanceof keys.KeyFormatError);
  assert.equal(nl.code, 'whitespace');
  assert.equal(nl.family, 'format');
  assert.equal(nl.position, 25, 'the core counts positions from 1');
  assert.equal(nl.vendor, undefined);
  assert.deepEqual(nl.details, { position: 25 });
  assert.ok(!nl.message.includes('FAKE2BgQ'), 'the message never holds the secret');
  assert.throws(() => keys.ApiKey.parse(42));
});

test('ApiKey cannot be constructed directly and compares in constant time', () => {
  assert.throws(() => new keys.ApiKey());
  assert.ok(keys.ApiKey.parse(LIVE).equals(keys.ApiKey.parse(LIVE)));
  assert.ok(!keys.ApiKey.parse(LIVE).equals(keys.ApiKey.parse(LIVE2)));
});

test('a key inside objects is shown by fingerprint only', () => {
  const key = keys.ApiKey.parse(LIVE);
  const fp = key.fingerprint;
  const secret = LIVE.slice(LIVE.indexOf('FAKE'));
  for (const text of [inspect({ key }), JSON.stringify([key]), `${key}`, String([key]), inspect(new Map([['k', key]]))]) {
    assert.ok(text.includes(fp), text);
    assert.ok(!text.includes(secret), text);
  }
});

test('detectEnvironment defaults to process.env and never writes it', () => {
  const before = { ...process.env };
  const saved = process.env.PICTIFY_ENV;
  process.env.PICTIFY_ENV = 'staging';
  try {
    const d = keys.detectEnvironment();
    assert.equal(d.environment, 'staging');
    assert.equal(d.variable, 'PICTIFY_ENV');
    assert.throws(() => keys.checkEnvironment(keys.ApiKey.parse(LIVE)), { code: 'live_key_in_development' });
  } finally {
    if (saved === undefined) delete process.env.PICTIFY_ENV;
    else process.env.PICTIFY_ENV = saved;
  }
  assert.deepEqual({ ...process.env }, before);
});

test('checkEnvironment takes an environment name and a relaxed policy', () => {
  const key = keys.ApiKey.parse(TEST);
  assert.throws(() => keys.checkEnvironment(key, 'production'), (e) => e instanceof keys.EnvironmentError && e.code === 'test_key_in_production');
  assert.equal(keys.checkEnvironment(key, 'production', { allowTestInProduction: true }).warning.code, 'relaxed_policy');
  assert.throws(() => keys.checkEnvironment(key, 'prod'), (e) => e instanceof keys.InvalidArgumentError && e.code === 'invalid_argument');
});

test('checkKeys reports every key variable', () => {
  const r = keys.checkKeys({ NODE_ENV: 'production', PICTIFY_API_KEY_NEW: LIVE, PICTIFY_API_KEY_OLD: `${LIVE2}\n` });
  assert.equal(r.exitStatus, 2);
  assert.equal(r.error.code, 'whitespace');
  assert.deepEqual(r.keys.map((k) => [k.variable, k.verdict, k.code ?? null]), [
    ['PICTIFY_API_KEY_NEW', 'allowed', null],
    ['PICTIFY_API_KEY_OLD', 'malformed', 'whitespace'],
  ]);
  assert.equal(keys.checkKeys({}).error.code, 'no_key');
});

test('parseDotEnv reads into a map and reports syntax errors by code', () => {
  const env = keys.parseDotEnv(`# comment\nPICTIFY_API_KEY="${TEST}"\nNODE_ENV=development\n`);
  assert.equal(env.PICTIFY_API_KEY, TEST);
  assert.equal(keys.checkKeys(env, 'env-file:.env').exitStatus, 0);
  assert.equal(process.env.PICTIFY_API_KEY === TEST, false);
  assert.throws(() => keys.parseDotEnv('A="unterminated\n'), (e) => e instanceof keys.SourceError && e.code === 'env_file_syntax');
});

test('loadKeys: provenance, priority, secret file, .env file, shadowed keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pictify-node-'));
  const secretFile = join(dir, 'api-key');
  const dotenvFile = join(dir, '.env');
  writeFileSync(secretFile, LIVE2);
  writeFileSync(dotenvFile, `PICTIFY_API_KEY=${LIVE}\n`);

  const fromEnv = keys.loadKeys({ env: { PICTIFY_API_KEY_NEW: LIVE, PICTIFY_API_KEY_OLD: LIVE2 } });
  assert.deepEqual(fromEnv.keys.map((k) => k.origin), ['env:PICTIFY_API_KEY_NEW', 'env:PICTIFY_API_KEY_OLD']);
  assert.ok(fromEnv.keys[0].key instanceof keys.ApiKey);
  assert.equal(fromEnv.keys[0].key.reveal(), LIVE);

  const fromFile = keys.loadKeys({ env: {}, secretFile, dotenvFile });
  assert.equal(fromFile.keys[0].origin, `file:${secretFile}`);
  assert.equal(fromFile.shadowed.length, 1);
  assert.equal(fromFile.shadowed[0].code, 'shadowed_key');
  assert.equal(fromFile.shadowed[0].fingerprint, keys.ApiKey.parse(LIVE).fingerprint);

  const fromDotenv = keys.loadKeys({ env: {}, dotenvFile });
  assert.equal(fromDotenv.keys[0].origin, `env-file:${dotenvFile}:PICTIFY_API_KEY`);

  assert.throws(() => keys.loadKeys({ env: {} }), (e) => e instanceof keys.SourceError && e.code === 'no_key');
  assert.throws(() => keys.loadKeys({ env: { PICTIFY_API_KEY: 'pk_live_your_api_key' } }), (e) => e instanceof keys.KeyFormatError && e.code === 'placeholder' && e.origin === 'env:PICTIFY_API_KEY');
  assert.deepEqual(keys.loadKeys({ keys: [LIVE] }).keys.map((k) => k.origin), ['explicit:0']);
});

test('redact and redactJson', () => {
  const fp = keys.ApiKey.parse(LIVE).fingerprint;
  assert.equal(keys.redact(`Authorization: Bearer ${LIVE}`), `Authorization: Bearer ${fp}`);
  const plain = 'nothing to see';
  assert.equal(keys.redact(plain), plain);
  assert.equal(keys.containsSecret(`x ${LIVE}`), true);
  assert.equal(keys.containsSecret(plain), false);
  assert.deepEqual(keys.redactJson({ apiKey: LIVE, password: 'hunter22', nested: [{ msg: `using ${LIVE}` }], n: 3 }), {
    apiKey: fp,
    password: '[REDACTED]',
    nested: [{ msg: `using ${fp}` }],
    n: 3,
  });
  assert.throws(() => keys.redact('x', 'bold'), (e) => e instanceof keys.InvalidArgumentError);
});

test('AuditEvent: documented JSON shape, fingerprint only', () => {
  const key = keys.ApiKey.parse(LIVE);
  const ev = keys.AuditEvent.forKey(key, {
    action: 'image.render', endpoint: `/v1/render?api_key=${LIVE}`, method: 'POST', status: 200, timestampMs: 1764201600123, ip: '127.0.0.1',
  });
  assert.deepEqual(JSON.parse(JSON.stringify(ev)), {
    timestamp: '2025-11-27T00:00:00.123Z', action: 'image.render', keyId: key.fingerprint,
    endpoint: `/v1/render?api_key=${key.fingerprint}`, method: 'POST', status: 200, ip: '127.0.0.1', userAgent: null,
  });
  assert.ok(!inspect(ev).includes(LIVE.slice(8)));
  assert.equal(keys.AuditEvent.forKeyId('key_01hv3k', { action: 'a', endpoint: '/', method: 'GET', status: 204 }).keyId, 'key_01hv3k');
  assert.throws(() => keys.AuditEvent.forKeyId(LIVE, { action: 'a', endpoint: '/', method: 'GET', status: 200 }), (e) => e instanceof keys.AuditError && e.code === 'secret_in_key_id');
});

test('KeyRing from loadKeys options, and its errors', () => {
  const ring = keys.KeyRing.load({ env: { PICTIFY_API_KEY_NEW: LIVE, PICTIFY_API_KEY_OLD: LIVE2 } });
  assert.ok(ring instanceof keys.KeyRing);
  assert.deepEqual(ring.fingerprints(), [LIVE, LIVE2].map((k) => keys.ApiKey.parse(k).fingerprint));
  assert.throws(() => new keys.KeyRing(['pk_live_your_api_key']), (e) => e instanceof keys.KeyFormatError && e.code === 'placeholder');
  assert.throws(() => ring.advanceClock(1), (e) => e instanceof keys.InvalidArgumentError);
  const req = ring.beginRequest();
  const a = ring.attempt(req);
  ring.onOutcome(req, a, { status: 401 });
  const b = ring.attempt(req);
  assert.equal(ring.onOutcome(req, b, { status: 401 }).error.code, 'unauthorized');
  assert.throws(() => ring.attempt(req), (e) => e instanceof keys.HttpError && e.code === 'unauthorized' && e.status === 401);
});

test('an ApiKey is a handle: nothing but the fingerprint is reachable without reveal()', () => {
  const key = keys.ApiKey.parse(LIVE);
  const secret = LIVE.slice(LIVE.indexOf('FAKE'));
  assert.deepEqual(Object.keys(key), []);
  assert.deepEqual(Object.getOwnPropertyNames(key), []);
  for (const text of [inspect(key, { showHidden: true, depth: 5 }), JSON.stringify({ key }), String(key)]) {
    assert.ok(!text.includes(secret), text);
  }
  assert.equal(key.reveal(), LIVE);
  assert.equal(key.mode, 'live');
  assert.equal(key.mode, 'live', 'the cached mode');
  assert.throws(() => new keys.ApiKey(Symbol('x'), {}), TypeError);
});

test('APIs taking a key refuse anything else, natively too', () => {
  const key = keys.ApiKey.parse(LIVE);
  const fake = { mode: 'live', fingerprint: key.fingerprint, reveal: () => LIVE };
  assert.throws(() => keys.checkEnvironment(fake, 'production'), TypeError);
  assert.throws(() => key.equals(fake), TypeError);
  assert.throws(() => keys.AuditEvent.forKey(fake, { action: 'x', endpoint: '/', method: 'GET', status: 200 }), TypeError);
  // The native functions behind ApiKey check the handle's type tag themselves.
  const native = require('@pictify/keys/lib/loader.js');
  for (const value of [{}, fake, 'pk', 42, null, undefined, new Uint8Array(8)]) {
    assert.throws(() => native.keyReveal(value), (e) => /expected an ApiKey|Expect|expected/i.test(e.message), String(value));
    assert.throws(() => native.keyMode(value));
  }
});

test('keys from loadKeys and the key ring are ApiKey instances', () => {
  const loaded = keys.loadKeys({ keys: [LIVE, LIVE2] });
  assert.ok(loaded.keys.every((k) => k.key instanceof keys.ApiKey));
  assert.ok(loaded.keys[0].key.equals(keys.ApiKey.parse(LIVE)));
  const ring = new keys.KeyRing([LIVE, LIVE2]);
  const attempt = ring.attempt(ring.beginRequest());
  assert.ok(attempt.key instanceof keys.ApiKey);
  assert.equal(attempt.key.fingerprint, attempt.fingerprint);
  assert.equal(attempt.key.reveal(), LIVE);
});

test('ApiKey.parse of undefined, null or a non-string throws our errors, not a conversion error', () => {
  // New-user trial: ApiKey.parse(process.env.PICTIFY_API_KEY) with the variable unset threw
  // `Error StringExpected Failed to convert JavaScript value Undefined into rust type String`.
  for (const unset of [undefined, null]) {
    assert.throws(() => keys.ApiKey.parse(unset), (e) =>
      e instanceof keys.SourceError && e instanceof keys.PictifyKeyError && e.code === 'no_key'
      && e.family === 'source' && /PICTIFY_API_KEY/.test(e.message));
  }
  for (const value of [123, 12n, true, {}, [LIVE], Buffer.from(LIVE), Symbol('k'), () => LIVE]) {
    assert.throws(() => keys.ApiKey.parse(value), (e) =>
      e instanceof keys.InvalidArgumentError && e.code === 'invalid_argument'
      && !e.message.includes(LIVE.slice(8)) && /takes the key as a string/.test(e.message), String(typeof value));
  }
  assert.equal(keys.ApiKey.parse(LIVE).mode, 'live');
});

test('every export is importable by name from ESM, as from CommonJS', () => {
  // New-user trial: `import { KeyFormatError } from '@pictify/keys'` was a SyntaxError for the
  // 7 error classes (the CommonJS export list spread them, which Node's ESM loader cannot see).
  const names = Object.keys(keys).sort();
  assert.ok(names.includes('KeyFormatError') && names.includes('HttpError') && names.length >= 24, names.join());
  const script = `
    import * as ns from '@pictify/keys';
    import { ${names.join(', ')} } from '@pictify/keys';
    const named = { ${names.join(', ')} };
    const missing = Object.entries(named).filter(([, v]) => v === undefined).map(([k]) => k);
    const esm = Object.keys(ns).filter((k) => k !== 'default' && k !== 'module.exports').sort();
    process.stdout.write(JSON.stringify({ missing, esm, same: KeyFormatError === ns.default.KeyFormatError }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.missing, []);
  assert.deepEqual(out.esm, names);
  assert.equal(out.same, true);
});

test('a TypeScript ESM project (module nodenext) compiles with tsc --strict and runs', () => {
  const dir = mkdtempSync(join(process.cwd(), 'ts-esm-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, outDir: 'out', types: ['node'] },
    files: ['app.ts'],
  }));
  writeFileSync(join(dir, 'app.ts'), `
import { ApiKey, KeyFormatError, HttpError, SourceError, EnvironmentError, PictifyKeyError, checkEnvironment } from '@pictify/keys';
let code = '';
try {
  ApiKey.parse(process.env.PICTIFY_TEST_UNSET_VARIABLE);
} catch (e) {
  if (e instanceof SourceError) code = e.code;
}
try {
  ApiKey.parse('pk_live_your_api_key');
} catch (e) {
  if (e instanceof KeyFormatError && e instanceof PictifyKeyError) code += ',' + e.code;
}
const key = ApiKey.parse(${JSON.stringify(LIVE)});
try {
  checkEnvironment(key, 'development');
} catch (e) {
  if (e instanceof EnvironmentError) code += ',' + e.code;
}
console.log(code, typeof HttpError, String(key));
`);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [process.cwd()] });
  const c = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  assert.equal(c.status, 0, c.stdout + c.stderr);
  const env = { ...process.env };
  delete env.PICTIFY_TEST_UNSET_VARIABLE;
  const r = spawnSync(process.execPath, [join(dir, 'out', 'app.js')], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `no_key,placeholder,live_key_in_development function ${keys.ApiKey.parse(LIVE).fingerprint}`);
});

test('a named file that does not exist is named when no key is found', () => {
  // New-user trial: loadKeys({ dotenvFile: 'typo.env' }) with no other key said no_key.
  for (const options of [{ env: {}, dotenvFile: '/nonexistent/typo.env' }, { env: {}, secretFile: '/nonexistent/nofile' }]) {
    assert.throws(() => keys.loadKeys(options), (e) =>
      e instanceof keys.SourceError && e.code === 'source_missing' && /does not exist/.test(e.message) && /\/nonexistent\//.test(e.message));
  }
  assert.throws(() => new keys.Client({ env: {}, dotenvFile: '/nonexistent/typo.env' }), (e) => e.code === 'source_missing');
  assert.throws(() => keys.loadKeys({ env: {} }), (e) => e.code === 'no_key');
});
