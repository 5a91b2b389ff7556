'use strict';
// Every shared vector (keys, environments, redaction, rotation) against the installed package.
const test = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const keys = require('@pictify/keys');
const { vectors, secretRuns } = require('./helpers.js');

const keyCases = vectors('keys.json').cases;
test('keys.json has cases', () => assert.ok(keyCases.length > 50));

for (const c of keyCases) {
  test(`keys.json: ${c.name}`, () => {
    if (c.valid) {
      const key = keys.ApiKey.parse(c.input);
      assert.ok(key instanceof keys.ApiKey);
      assert.equal(key.mode, c.mode);
      assert.equal(key.fingerprint, c.fingerprint);
      assert.equal(String(key), c.fingerprint);
      assert.equal(`${key}`, c.fingerprint);
      assert.equal(inspect(key), `ApiKey(${c.fingerprint})`);
      assert.equal(JSON.stringify({ key }), JSON.stringify({ key: c.fingerprint }));
      assert.equal(key.reveal(), c.input);
      return;
    }
    let caught;
    try {
      keys.ApiKey.parse(c.input);
    } catch (e) {
      caught = e;
    }
    assert.ok(caught, 'parse must throw');
    assert.ok(caught instanceof keys.KeyFormatError, `a KeyFormatError, got ${caught && caught.name}`);
    assert.ok(caught instanceof keys.PictifyKeyError);
    assert.ok(caught instanceof Error);
    assert.equal(caught.code, c.code);
    assert.equal(caught.family, 'format');
    assert.equal(caught.position ?? null, c.position);
    if (c.code === 'foreign_key') assert.equal(caught.vendor, c.vendor);
    for (const run of secretRuns(c.input)) {
      assert.ok(!caught.message.includes(run), `message leaks ${JSON.stringify(run)}`);
      assert.ok(!caught.stack.includes(run), `stack leaks ${JSON.stringify(run)}`);
      assert.ok(!inspect(caught).includes(run), `inspect leaks ${JSON.stringify(run)}`);
    }
  });
}

const live = keyCases.find((c) => c.valid && c.mode === 'live').input;
const testKey = keyCases.find((c) => c.valid && c.mode === 'test').input;
const env = vectors('environments.json');

for (const c of env.cases) {
  test(`environments.json: ${c.name}`, () => {
    const d = keys.detectEnvironment(c.env);
    assert.equal(d.environment, c.environment);
    assert.equal(d.variable ?? null, c.variable);
    assert.equal(d.value ?? null, c.value);
    for (const [mode, input] of [['live', live], ['test', testKey]]) {
      const expected = c[mode];
      const key = keys.ApiKey.parse(input);
      if (expected === 'allowed' || expected === 'unknown_environment' || expected === 'relaxed_policy') {
        const allowed = keys.checkEnvironment(key, d);
        assert.equal(allowed.warning?.code ?? 'allowed', expected);
        assert.equal(keys.checkMode(mode, d).warning?.code ?? 'allowed', expected);
      } else {
        assert.throws(() => keys.checkEnvironment(key, d), (e) => e instanceof keys.EnvironmentError && e.code === expected && e.family === 'environment');
        assert.throws(() => keys.checkMode(mode, d), (e) => e instanceof keys.EnvironmentError && e.code === expected);
      }
    }
  });
}

for (const c of env.policy_cases) {
  test(`environments.json policy: ${c.name}`, () => {
    const policy = {
      allowLiveOutsideProduction: c.policy.allow_live_outside_production === true,
      allowTestInProduction: c.policy.allow_test_in_production === true,
    };
    const key = keys.ApiKey.parse(c.mode === 'live' ? live : testKey);
    if (['allowed', 'unknown_environment', 'relaxed_policy'].includes(c.verdict)) {
      assert.equal(keys.checkEnvironment(key, c.environment, policy).warning?.code ?? 'allowed', c.verdict);
    } else {
      assert.throws(() => keys.checkEnvironment(key, c.environment, policy), (e) => e instanceof keys.EnvironmentError && e.code === c.verdict);
    }
  });
}

const red = vectors('redaction.json');
for (const c of red.cases) {
  test(`redaction.json: ${c.name}`, () => {
    assert.equal(keys.redact(c.input, c.style), c.expected);
    // Streaming gives the same result whatever the chunking.
    for (const size of [1, 7, 64]) {
      const s = new keys.StreamRedactor(c.style);
      const bytes = Buffer.from(c.input);
      let out = '';
      const parts = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(s.push(bytes.subarray(i, i + size)));
      parts.push(s.finish());
      out = Buffer.concat(parts).toString('utf8');
      assert.equal(out, c.expected, `chunk size ${size}`);
    }
  });
}

const rot = vectors('rotation.json');
for (const c of rot.cases) {
  test(`rotation.json: ${c.name}`, () => {
    const cfg = { ...rot.default_config, ...(c.config || {}) };
    const ring = new keys.KeyRing(c.keys, {
      maxRetries: cfg.max_retries,
      cooldownMs: cfg.cooldown_ms,
      baseDelayMs: cfg.base_delay_ms,
      maxDelayMs: cfg.max_delay_ms,
      retryAfterCapMs: cfg.retry_after_cap_ms,
      jitter: cfg.jitter,
      manualClockMs: rot.clock_start_ms,
    });
    const fingerprints = c.keys.map((k) => keys.ApiKey.parse(k).fingerprint);
    const requests = new Map();
    const attempts = new Map();
    for (const step of c.steps) {
      if (step.advance_ms) ring.advanceClock(step.advance_ms);
      if (!requests.has(step.request)) requests.set(step.request, ring.beginRequest());
      const req = requests.get(step.request);
      if (step.key !== undefined) {
        const attempt = ring.attempt(req);
        assert.equal(attempt.fingerprint, fingerprints[step.key], `${step.request}: key`);
        attempts.set(step.request, attempt);
      }
      if (step.outcome) {
        const o = step.outcome;
        const outcome = o.error ? { error: o.error } : { status: o.status, retryAfter: o.retry_after };
        const d = ring.onOutcome(req, attempts.get(step.request), outcome);
        assert.equal(d.action, step.decision, `${step.request}: decision`);
        if (step.delay_ms !== undefined) assert.equal(d.delayMs, step.delay_ms);
        if (step.code !== undefined) assert.equal(d.error.code, step.code);
      }
    }
    const stats = ring.stats();
    (c.stats || []).forEach((expected, i) => {
      for (const [k, v] of Object.entries(expected)) assert.equal(stats[i][k], v, `stats[${i}].${k}`);
    });
  });
}
