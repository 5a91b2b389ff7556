'use strict';
// tests/vectors/shapes.json against the installed package: the exact object each call returns
// (the core's serde shape, declared once in packages/shapes.d.ts for Node and WASM).
const test = require('node:test');
const assert = require('node:assert/strict');
const keys = require('@pictify/keys');
const { vectors } = require('./helpers.js');

const doc = vectors('shapes.json');

for (const c of doc.detectEnvironment) {
  test(`shapes.json detectEnvironment: ${c.name}`, () => {
    assert.deepStrictEqual(keys.detectEnvironment(c.env), c.expected);
  });
}
for (const c of doc.checkMode) {
  test(`shapes.json checkMode: ${c.name}`, () => {
    assert.deepStrictEqual(keys.checkMode(c.mode, c.environment, c.policy), c.expected);
  });
}
for (const c of doc.checkKeys) {
  test(`shapes.json checkKeys: ${c.name}`, () => {
    assert.deepStrictEqual(keys.checkKeys(c.env), c.expected);
  });
}
for (const c of doc.ring.cases) {
  test(`shapes.json ring: ${c.name}`, () => {
    const ring = new keys.KeyRing(c.keys, { ...doc.ring.config, manualClockMs: doc.ring.clock_start_ms });
    let req = ring.beginRequest();
    c.steps.forEach((s, i) => {
      if (s.request) req = ring.beginRequest();
      const attempt = ring.attempt(req);
      assert.equal(attempt.fingerprint, s.fingerprint, `step ${i + 1}`);
      const o = s.outcome;
      const outcome = o.error ? { error: o.error } : { status: o.status, retryAfter: o.retry_after };
      assert.deepStrictEqual(ring.onOutcome(req, attempt, outcome), s.expected, `step ${i + 1}`);
    });
    assert.deepStrictEqual(ring.stats(), c.stats);
  });
}
for (const c of doc.auditEvents) {
  test(`shapes.json audit event: ${c.name}`, () => {
    const { timestamp, ...rest } = c.fields;
    const fields = { ...rest, timestampMs: timestamp };
    const event = c.key ? keys.AuditEvent.forKey(keys.ApiKey.parse(c.key), fields) : keys.AuditEvent.forKeyId(c.keyId, fields);
    assert.deepStrictEqual(event.toJSON(), c.expected);
  });
}

for (const c of doc.loadKeys) {
  test(`shapes.json loadKeys: ${c.name}`, () => {
    const loaded = keys.loadKeys({ env: c.env });
    assert.ok(loaded.keys.every((k) => k.key instanceof keys.ApiKey));
    // Each key is a handle, compared by fingerprint.
    const got = { ...loaded, keys: loaded.keys.map((k) => ({ origin: k.origin, fingerprint: k.key.fingerprint })) };
    assert.deepStrictEqual(got, c.expected);
  });
}

test('a key listed twice is tried once: one attempt per distinct key, then unauthorized', () => {
  const [a, b] = [doc.keys.live, doc.keys.live2];
  const ring = new keys.KeyRing([a, b, a], { manualClockMs: 0 });
  assert.deepStrictEqual(ring.fingerprints(), ['pk_live_****a1b2', 'pk_live_****Rce5']);
  const req = ring.beginRequest();
  assert.equal(ring.onOutcome(req, ring.attempt(req), { status: 401 }).action, 'try_next_key');
  assert.equal(ring.onOutcome(req, ring.attempt(req), { status: 401 }).action, 'fail');
});
