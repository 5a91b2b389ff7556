'use strict';
// The Client against the real tests/mock-api server on loopback: rotation, retries with one
// idempotency key, errors with codes, and an event loop that keeps ticking meanwhile.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { mkdtempSync, writeFileSync, renameSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const readline = require('node:readline');
const keys = require('@pictify/keys');
const { vectors } = require('./helpers.js');

const BIN = process.env.PICTIFY_MOCK_API;
if (!BIN) throw new Error('set PICTIFY_MOCK_API to the pictify-mock-api binary');
const lives = vectors('keys.json').cases.filter((c) => c.valid && c.mode === 'live').map((c) => c.input);
const [NEW, OLD, OTHER] = lives;
const FAST = { baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 50, jitter: false };

async function startMock(keyArgs) {
  const args = ['--port', '0', '--exit-on-stdin-close'];
  for (const k of keyArgs) args.push('--key', k);
  const child = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(readline.createInterface({ input: child.stdout }), 'line');
  const base = line.trim();
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  const admin = async (method, path, body) => {
    const r = await fetch(base + path, { method, body: body && JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return r.json();
  };
  return { base, admin, stop: () => child.stdin.end() };
}

let mock;
test.before(async () => {
  mock = await startMock([`${NEW}=revoked`, `${OLD}=active`, `${OTHER}=pending`]);
});
test.after(() => mock.stop());
test.beforeEach(async () => {
  await mock.admin('POST', '/_admin/reset');
  await mock.admin('POST', '/_admin/keys', [{ key: NEW, status: 'revoked' }, { key: OLD, status: 'active' }]);
});

test('rotation: a revoked NEW key falls back to OLD once, later requests start with OLD', async () => {
  const client = new keys.Client({ baseUrl: mock.base, env: { PICTIFY_API_KEY_NEW: NEW, PICTIFY_API_KEY_OLD: OLD }, ring: FAST });
  const first = await client.request('GET', '/me');
  assert.equal(first.status, 200);
  assert.equal(first.keyFingerprint, keys.ApiKey.parse(OLD).fingerprint);
  assert.equal(first.keyOrigin, 'env:PICTIFY_API_KEY_OLD');
  assert.equal(first.attempts, 2);
  assert.equal(first.fallbacks.length, 1);
  assert.equal(first.fallbacks[0].fromSource, 'env:PICTIFY_API_KEY_NEW');
  assert.equal(first.fallbacks[0].toSource, 'env:PICTIFY_API_KEY_OLD');
  const second = await client.request('GET', '/me');
  assert.equal(second.attempts, 1, 'no extra round trip after the demotion');
  const summary = await mock.admin('GET', '/_admin/summary');
  assert.equal(summary.by_key[keys.ApiKey.parse(NEW).fingerprint].requests, 1);
  assert.equal(summary.by_key[keys.ApiKey.parse(OLD).fingerprint].requests, 2);
  const stats = client.stats();
  assert.deepEqual(stats.map((s) => [s.requests, s.successes, s.unauthorized]), [[1, 0, 1], [2, 2, 0]]);
});

test('images.create is retried on 503 with one idempotency key and runs once', async () => {
  await mock.admin('POST', '/_admin/failures', { kind: 'status', status: 503, path: '/image', times: 2 });
  const client = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [OLD], ring: FAST });
  const image = await client.images.create({ html: '<h1>Hi</h1>', width: 100 });
  assert.match(image.id, /^img_/);
  assert.equal(image.raw.request.html, '<h1>Hi</h1>');
  const summary = await mock.admin('GET', '/_admin/summary');
  assert.equal(summary.requests, 3);
  assert.equal(summary.executed, 1);
  assert.equal(summary.duplicate_executions, 0);
  assert.equal(Object.keys(summary.executions_by_idempotency_key).length, 1);
  const { requests } = await mock.admin('GET', '/_admin/requests');
  assert.equal(new Set(requests.map((r) => r.idempotency_key)).size, 1);
  assert.ok(requests.every((r) => r.user_agent.startsWith('pictify-keys-node/')));
});

test('429 with Retry-After is retried on the same key, never switching keys', async () => {
  await mock.admin('POST', '/_admin/failures', { kind: 'status', status: 429, retry_after: '0', times: 1 });
  const client = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [OLD, NEW], ring: FAST });
  const r = await client.request('GET', '/me');
  assert.equal(r.attempts, 2);
  assert.equal(r.fallbacks.length, 0);
});

test('a refusal keeps the API reason and request id', async () => {
  // A fresh server, so the refusal is its first request: req_1.
  const own = await startMock([`${NEW}=revoked`]);
  try {
    const refused = new keys.Client({ baseUrl: own.base, environment: 'production', keys: [NEW], ring: FAST });
    const err = await refused.request('GET', '/me').then(() => assert.fail('resolved'), (e) => e);
    assert.ok(err instanceof keys.HttpError && err.code === 'unauthorized');
    assert.deepEqual(err.details, { status: 401, tried: 1, apiCode: 'revoked_api_key', requestId: 'req_1' });
    assert.equal(err.apiCode, 'revoked_api_key');
    assert.ok(err.message.startsWith('[unauthorized] ') && err.message.includes('(revoked_api_key, request req_1)'), err.message);
  } finally {
    own.stop();
  }
});

test('errors reject with HttpError and stable codes', async () => {
  const refused = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [NEW], ring: FAST });
  await assert.rejects(refused.request('GET', '/me'), (e) => e instanceof keys.HttpError && e.code === 'unauthorized' && e.status === 401);
  const client = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [OLD], ring: FAST });
  await assert.rejects(client.request('GET', '/missing'), (e) => e instanceof keys.HttpError && e.code === 'http_status' && e.status === 404);
  await assert.rejects(client.request('GET', 'no-slash'), (e) => e instanceof keys.HttpError && e.code === 'invalid_request');
  await mock.admin('POST', '/_admin/failures', { kind: 'status', status: 503, times: 10 });
  await assert.rejects(client.request('GET', '/me'), (e) => e instanceof keys.HttpError && e.code === 'server_error' && e.status === 503);
  const dead = new keys.Client({ baseUrl: 'http://127.0.0.1:9', environment: 'production', keys: [OLD], ring: { ...FAST, maxRetries: 1 } });
  await assert.rejects(dead.request('GET', '/me'), (e) => e instanceof keys.HttpError && e.code === 'http_connection' && !e.message.includes('127.0.0.1'));
  assert.throws(() => new keys.Client({ env: {} }), (e) => e instanceof keys.SourceError && e.code === 'no_key');
});

test('a rotated secret file is re-read after a 401, without a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pictify-node-secret-'));
  const file = join(dir, 'api-key');
  writeFileSync(file, OLD);
  const client = new keys.Client({ baseUrl: mock.base, env: {}, secretFile: file, ring: FAST });
  assert.equal((await client.request('GET', '/me')).keyFingerprint, keys.ApiKey.parse(OLD).fingerprint);
  // The operator rotates: the new key becomes active, the old one is revoked, the file is swapped.
  await mock.admin('POST', '/_admin/keys', [{ key: NEW, status: 'active' }, { key: OLD, status: 'revoked' }]);
  writeFileSync(join(dir, 'api-key.new'), NEW);
  renameSync(join(dir, 'api-key.new'), file);
  const after = await client.request('GET', '/me');
  assert.equal(after.status, 200);
  assert.equal(after.keyFingerprint, keys.ApiKey.parse(NEW).fingerprint);
});

test('the event loop keeps ticking while requests are in flight', async () => {
  await mock.admin('POST', '/_admin/failures', { kind: 'slow', delay_ms: 400, times: 3 });
  const client = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [OLD], ring: FAST });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  let settled = false;
  const inFlight = Promise.all([client.request('GET', '/me'), client.request('GET', '/me'), client.images.create({ html: 'x' })]).finally(() => {
    settled = true;
  });
  // JavaScript work that needs the event loop completes while the Rust requests wait.
  const health = await (await fetch(`${mock.base}/_admin/health`)).json();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(health, { ok: true });
  assert.equal(settled, false, 'the requests are still in flight');
  const ticksWhileWaiting = ticks;
  const results = await inFlight;
  clearInterval(timer);
  assert.equal(results.length, 3);
  assert.ok(ticks > ticksWhileWaiting, 'timers fired while the requests were in flight');
});

test('the client applies the environment policy when it is built (strict by default)', async () => {
  // New-user trial: with NODE_ENV=development and a live key, new Client() called the API.
  const dev = { NODE_ENV: 'development', PICTIFY_API_KEY: OLD };
  assert.throws(() => new keys.Client({ baseUrl: mock.base, env: dev }), (e) =>
    e instanceof keys.EnvironmentError && e.code === 'live_key_in_development'
    && /NODE_ENV=development/.test(e.message) && !e.message.includes(OLD.slice(8)));
  // Keys handed in are checked against the environment given, or detected from process.env.
  assert.throws(() => new keys.Client({ baseUrl: mock.base, keys: [OLD], environment: 'staging' }),
    (e) => e.code === 'live_key_in_development');
  assert.throws(() => new keys.Client({ baseUrl: mock.base, keys: [OLD], environment: keys.detectEnvironment({ FLASK_DEBUG: '1' }) }),
    (e) => e.code === 'live_key_in_development');
  assert.deepEqual((await mock.admin('GET', '/_admin/requests')).requests, []);
  // Relaxing is explicit, with the same policy object as checkEnvironment.
  const relaxed = new keys.Client({ baseUrl: mock.base, env: dev, policy: { allowLiveOutsideProduction: true } });
  assert.equal((await relaxed.request('GET', '/me')).status, 200);
  assert.equal((await mock.admin('GET', '/_admin/requests')).requests.length, 1);
});
