'use strict';
// Secret references in PICTIFY_API_KEY* resolved by the core against real managers on
// loopback: OpenBao's dev server (Vault KV v2) and moto's server for AWS Secrets Manager with
// signature checks on. checkKeys/loadKeys (blocking, like fs.readFileSync), checkKeysAsync/
// loadKeysAsync (off the event loop) and Client: the resolved key and its origin, a stored
// newline diagnosed as `whitespace`, the core's codes for not found / access denied /
// credentials missing, and no key or credential in any message.
//
// The servers come from tests/secrets/setup.sh (`just node test` runs it and sets
// PICTIFY_SECRETS_REQUIRED). Without them the suites skip loudly, and fail under CI.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { inspect } = require('node:util');
const { join, resolve } = require('node:path');
const readline = require('node:readline');
const keys = require('@pictify/keys');

const ROOT = resolve(process.env.PICTIFY_VECTORS_DIR, '../..');
const KEY = 'pk_test_FAKE9xQ2mN7vB4kL0pRtb9Lm';
const FINGERPRINT = 'pk_test_****b9Lm';
const PREVIOUS = 'pk_test_FAKEjtAF2q6akaYVKAOHn9MtsuszMyNH';
const PREVIOUS_FINGERPRINT = 'pk_test_****MyNH';
const TOKEN = 'rootFAKEnodeToken';
const WRONG_TOKEN = 'wrongFAKEnodeToken';

let servers;
const load = async () => { servers ??= await import(join(ROOT, 'tests', 'secrets', 'servers.mjs')); return servers; };

/** Every message, report and inspection: none holds a key or a credential. */
function assertNoSecret(secrets, ...values) {
  for (const v of values) {
    const texts = [String(v), inspect(v, { depth: 5 }), JSON.stringify(v) ?? '', v && v.message, v && v.stack];
    for (const text of texts) {
      for (const s of secrets) {
        if (typeof text === 'string') assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
      }
    }
  }
}

/** What the error of `fn` is: a thrown error or a rejected promise. */
async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

/** Every entry point on `env` that must fail with `code`, naming `reference`. */
async function assertFailsEverywhere(env, code, reference, secrets) {
  const reports = [keys.checkKeys(env), await keys.checkKeysAsync(env)];
  for (const report of reports) {
    assert.deepEqual(report.keys, []);
    assert.equal(report.exitStatus, 2);
    assert.equal(report.error.code, code);
    assert.ok(report.error.message.includes(reference), report.error.message);
  }
  const errors = [
    await failure(() => keys.loadKeys({ env })),
    await failure(() => keys.loadKeysAsync({ env })),
    await failure(() => new keys.Client({ env, baseUrl: 'http://127.0.0.1:9' })),
  ];
  for (const e of errors) {
    assert.ok(e instanceof keys.SourceError, inspect(e));
    assert.equal(e.code, code);
    assert.ok(e.message.startsWith(`[${code}] `), e.message);
    assert.ok(e.message.includes(reference), e.message);
  }
  assertNoSecret(secrets, ...reports, ...errors);
}

async function startMock(keyArgs) {
  const args = ['--port', '0', '--exit-on-stdin-close'];
  for (const k of keyArgs) args.push('--key', k);
  const child = spawn(process.env.PICTIFY_MOCK_API, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(readline.createInterface({ input: child.stdout }), 'line');
  return { base: line.trim(), stop: () => child.stdin.end() };
}

// Decided at load time: node:test takes `skip` when the suite is declared.
const baoSkip = (() => {
  const { existsSync } = require('node:fs');
  const venv = process.env.PICTIFY_SECRETS_VENV || join(ROOT, 'target', 'secrets-venv');
  const missing = ['bao', 'moto_server'].filter((b) => !existsSync(join(venv, 'bin', b)));
  if (missing.length === 0) return false;
  const msg = `${missing.join(', ')} not installed (run \`bash tests/secrets/setup.sh\`): the secrets-manager tests cannot run`;
  if (process.env.CI || process.env.PICTIFY_SECRETS_REQUIRED) throw new Error(msg);
  process.emitWarning(`SKIPPED: ${msg}`);
  return `SKIPPED: ${msg}`;
})();

test.describe('Vault (OpenBao dev server)', { skip: baoSkip }, () => {
  let bao;
  const REF = 'vault://secret/pictify#api_key';
  const SECRETS = [KEY, KEY.slice(12), TOKEN, WRONG_TOKEN];
  const env = (reference, token = TOKEN) => {
    const e = { PICTIFY_API_KEY: reference, VAULT_ADDR: bao.addr, NODE_ENV: 'development' };
    if (token !== null) e.VAULT_TOKEN = token;
    return e;
  };

  test.before(async () => {
    bao = await (await load()).startBao(TOKEN);
    await bao.write('pictify', { api_key: KEY });
    await bao.write('newline', { api_key: `${KEY}\n` });
  });
  test.after(() => bao && bao.close());

  test('checkKeys and checkKeysAsync resolve the reference: fingerprint and the reference as origin', async () => {
    for (const report of [keys.checkKeys(env('vault://secret/pictify')), await keys.checkKeysAsync(env('vault://secret/pictify'))]) {
      assert.equal(report.error, null);
      assert.equal(report.exitStatus, 0);
      assert.equal(report.detection.environment, 'development');
      assert.deepEqual(report.keys.map((k) => [k.origin, k.variable, k.fingerprint, k.mode, k.verdict]), [
        [REF, 'PICTIFY_API_KEY', FINGERPRINT, 'test', 'allowed'],
      ]);
      assertNoSecret(SECRETS, report);
    }
  });

  test('loadKeys and loadKeysAsync give the key with its origin', async () => {
    for (const loaded of [keys.loadKeys({ env: env('vault://secret/pictify') }), await keys.loadKeysAsync({ env: env('vault://secret/pictify') })]) {
      assert.equal(loaded.source, 'env');
      assert.deepEqual(loaded.keys.map((k) => [k.origin, k.key.fingerprint]), [[REF, FINGERPRINT]]);
      assert.ok(loaded.keys[0].key instanceof keys.ApiKey);
      // EXPOSE: the test compares the fetched value with what was stored.
      assert.equal(loaded.keys[0].key.reveal(), KEY);
      assertNoSecret(SECRETS, loaded);
    }
  });

  test('Client sends the key read from Vault and reports the reference as its origin', async () => {
    const mock = await startMock([`${KEY}=active`]);
    try {
      const client = new keys.Client({ env: env('vault://secret/pictify'), baseUrl: mock.base });
      const resp = await client.request('GET', '/me');
      assert.equal(resp.status, 200);
      assert.equal(resp.keyOrigin, REF);
      assert.equal(resp.keyFingerprint, FINGERPRINT);
      assertNoSecret(SECRETS, resp, client.stats());
    } finally {
      mock.stop();
    }
  });

  test('a trailing newline stored in Vault is `whitespace`, naming the reference', async () => {
    const e = env('vault://secret/newline');
    const origin = 'vault://secret/newline#api_key';
    for (const report of [keys.checkKeys(e), await keys.checkKeysAsync(e)]) {
      assert.deepEqual(report.keys.map((k) => [k.origin, k.verdict, k.code]), [[origin, 'malformed', 'whitespace']]);
      assert.equal(report.error.code, 'whitespace');
      assert.equal(report.exitStatus, 2);
      assertNoSecret(SECRETS, report);
    }
    for (const err of [await failure(() => keys.loadKeys({ env: e })), await failure(() => keys.loadKeysAsync({ env: e }))]) {
      assert.ok(err instanceof keys.KeyFormatError, inspect(err));
      assert.equal(err.code, 'whitespace');
      assert.equal(err.origin, origin);
      assert.ok(err.message.startsWith(`[whitespace] ${origin}: trailing whitespace`), err.message);
      assertNoSecret(SECRETS, err);
    }
  });

  test('a missing path is secret_not_found', () =>
    assertFailsEverywhere(env('vault://secret/missing'), 'secret_not_found', 'vault://secret/missing#api_key', SECRETS));

  test('a refused token is secret_access_denied (Vault answers 403)', () =>
    assertFailsEverywhere(env('vault://secret/pictify', WRONG_TOKEN), 'secret_access_denied', REF, SECRETS));

  test('no VAULT_TOKEN is secret_credentials_missing', () =>
    assertFailsEverywhere(env('vault://secret/pictify', null), 'secret_credentials_missing', REF, SECRETS));
});

test.describe('AWS Secrets Manager (moto, signatures checked)', { skip: baoSkip }, () => {
  let moto;
  let reader;
  const REF = 'aws-sm://pictify/api-key';
  const env = (reference, overrides = {}) => {
    const e = {
      PICTIFY_API_KEY: reference,
      NODE_ENV: 'development',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: reader.accessKeyId,
      AWS_SECRET_ACCESS_KEY: reader.secretAccessKey,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
      ...overrides,
    };
    for (const [k, v] of Object.entries(e)) if (v === undefined) delete e[k];
    return e;
  };
  const secrets = () => [KEY, KEY.slice(12), PREVIOUS.slice(12), reader.secretAccessKey, 'wrongFAKEsecretKey'];

  test.before(async () => {
    moto = await (await load()).startMoto();
    await moto.secret('pictify/api-key', PREVIOUS);
    await moto.rotate('pictify/api-key', KEY);
    await moto.secret('json', JSON.stringify({ api_key: KEY }));
    await moto.secret('newline', `${KEY}\n`);
    reader = await moto.readerKey();
    await moto.enableAuth();
  });
  test.after(() => moto && moto.close());

  test('AWSCURRENT is the key and AWSPREVIOUS the fallback, each named by the reference', async () => {
    const e = env(REF);
    for (const report of [keys.checkKeys(e), await keys.checkKeysAsync(e)]) {
      assert.equal(report.error, null);
      assert.deepEqual(report.keys.map((k) => [k.origin, k.fingerprint, k.verdict]), [
        [REF, FINGERPRINT, 'allowed'],
        [`${REF}@previous`, PREVIOUS_FINGERPRINT, 'allowed'],
      ]);
      assertNoSecret(secrets(), report);
    }
    for (const loaded of [keys.loadKeys({ env: e }), await keys.loadKeysAsync({ env: e })]) {
      assert.deepEqual(loaded.keys.map((k) => [k.origin, k.key.fingerprint]), [
        [REF, FINGERPRINT],
        [`${REF}@previous`, PREVIOUS_FINGERPRINT],
      ]);
      assertNoSecret(secrets(), loaded);
    }
  });

  test('a JSON field through AWS_ENDPOINT_URL', async () => {
    const e = env('aws-sm://json#api_key', { AWS_ENDPOINT_URL_SECRETS_MANAGER: undefined, AWS_ENDPOINT_URL: moto.url });
    const loaded = await keys.loadKeysAsync({ env: e });
    assert.deepEqual(loaded.keys.map((k) => [k.origin, k.key.fingerprint]), [['aws-sm://json#api_key', FINGERPRINT]]);
  });

  test('a trailing newline stored in the secret is `whitespace`, naming the reference', async () => {
    const report = await keys.checkKeysAsync(env('aws-sm://newline'));
    assert.deepEqual(report.keys.map((k) => [k.origin, k.code]), [['aws-sm://newline', 'whitespace']]);
    const err = await failure(() => keys.loadKeys({ env: env('aws-sm://newline') }));
    assert.equal(err.code, 'whitespace');
    assert.equal(err.origin, 'aws-sm://newline');
    assertNoSecret(secrets(), report, err);
  });

  test('an unknown secret is secret_not_found', () =>
    assertFailsEverywhere(env('aws-sm://pictify/api-kye'), 'secret_not_found', 'aws-sm://pictify/api-kye', secrets()));

  test('a wrong secret key is secret_access_denied (the signature does not match)', () =>
    assertFailsEverywhere(env(REF, { AWS_SECRET_ACCESS_KEY: 'wrongFAKEsecretKey' }), 'secret_access_denied', REF, secrets()));

  test('no AWS_SECRET_ACCESS_KEY is secret_credentials_missing', () =>
    assertFailsEverywhere(env(REF, { AWS_SECRET_ACCESS_KEY: undefined }), 'secret_credentials_missing', REF, secrets()));
});

test('checkKeysAsync and loadKeysAsync leave the event loop free while they fetch', async () => {
  // A Vault stand-in served by this very process: if the fetch blocked the event loop, the
  // stand-in could not answer and the read would fail with secret_unreachable (timeout).
  let served = 0;
  const server = http.createServer((req, res) => {
    served += 1;
    assert.equal(req.headers['x-vault-token'], TOKEN);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { data: { api_key: KEY }, metadata: { version: 1, created_time: '2026-01-01T00:00:00Z' } } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const env = {
      PICTIFY_API_KEY: 'vault://secret/pictify',
      VAULT_ADDR: `http://127.0.0.1:${server.address().port}`,
      VAULT_TOKEN: TOKEN,
      NODE_ENV: 'development',
    };
    const report = await keys.checkKeysAsync(env);
    assert.equal(report.error, null, inspect(report.error));
    assert.equal(report.keys[0].fingerprint, FINGERPRINT);
    const loaded = await keys.loadKeysAsync({ env });
    assert.equal(loaded.keys[0].origin, 'vault://secret/pictify#api_key');
    assert.equal(served, 2);
  } finally {
    server.close();
  }
});
