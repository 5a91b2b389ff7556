'use strict';
// The in-process Monitor of the installed package: every tests/vectors/monitor.json case
// (alerts, issues and event counts as the vectors expect them), the onAlert callback, bad
// configurations with their codes, and a Client feeding a Monitor against tests/mock-api on
// loopback until a 401 burst raises its alert. No key reaches any output.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const readline = require('node:readline');
const keys = require('@pictify/keys');
const { vectors } = require('./helpers.js');

const doc = vectors('monitor.json');

/** `YYYY-MM-DDTHH:MM:SSZ` of a time in seconds (the vectors' timestamp form). */
const stamp = (secs) => new Date(secs * 1000).toISOString().replace('.000Z', 'Z');

/** The stream as items: literal lines (strings) and the events of `repeat` blocks (objects). */
function items(stream) {
  const out = [];
  for (const item of stream) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const { start, every_secs: every, count, event } = item.repeat;
    const t0 = Date.parse(start) / 1000;
    for (let i = 0; i < count; i++) out.push({ timestamp: stamp(t0 + i * every), ...event });
  }
  return out;
}

/**
 * Closes the window of the last event, as the end of a log does (`pictify-keys audit`, the
 * Rust runner's `finish`): the clock moves past that window's end and the 5-minute grace.
 */
function closeLastWindow(monitor) {
  const { keys: usage, window_minutes: minutes } = monitor.report();
  if (usage.length === 0) return;
  const last = Math.max(...usage.map((k) => Date.parse(k.last_seen))) / 1000;
  const window = minutes * 60;
  monitor.advance(((Math.floor(last / window) + 1) * window + 300) * 1000);
}

const summary = (a) => ({ kind: a.kind, keyId: a.keyId, start: a.start, severity: a.severity, open: a.open, windows: a.windows });

test('monitor.json has cases', () => assert.ok(doc.cases.length >= 15));

for (const c of doc.cases) {
  test(`monitor.json: ${c.name}`, () => {
    const stream = items(c.stream);
    // Fed whole, as one string of JSON lines.
    const whole = new keys.Monitor(c.config);
    whole.feed(stream.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)) + '\n').join(''));
    // Fed one item at a time: a literal line as a string, a generated event as an object,
    // with every update going to onAlert.
    const delivered = [];
    const each = new keys.Monitor(c.config, { onAlert: (u) => delivered.push(u) });
    for (const x of stream) each.feed(typeof x === 'string' ? x + '\n' : x);
    closeLastWindow(whole);
    closeLastWindow(each);
    const report = whole.report();
    assert.deepEqual(each.report(), report, 'one at a time differs from whole');
    assert.deepEqual(report.alerts.map(summary), c.expect.alerts);
    const issues = Object.fromEntries(report.issues.map((i) => [i.code, i.lines.map((l) => l.line)]));
    assert.deepEqual(issues, c.expect.issues);
    if (c.expect.events !== undefined) assert.equal(report.events, c.expect.events);
    // The updates tell each alert's life: the updates polled from one monitor are those
    // delivered to the other's onAlert, and every alert of the report has its start.
    const polled = whole.poll();
    assert.deepEqual(delivered, polled);
    assert.deepEqual(each.poll(), [], 'delivered updates are not polled again');
    for (const a of report.alerts) {
      assert.ok(polled.some((u) => u.phase === 'start' && u.alert.id === a.id), `${a.id} has a start`);
    }
    for (const u of polled.filter((u) => u.phase === 'end')) assert.equal(u.alert.open, false);
    const text = JSON.stringify([report, polled]);
    assert.ok(!text.includes('FAKE'), 'a key reached the report');
  });
}

test('a Monitor without configuration analyses events; AuditEvent instances feed it too', () => {
  const m = new keys.Monitor();
  const event = keys.AuditEvent.forKeyId('key_abc123', { action: 'api.request', endpoint: '/image', method: 'POST', status: 200, ip: '203.0.113.50', timestamp: Date.parse('2026-01-29T10:30:00Z') });
  m.feed(event);
  const report = m.report();
  assert.equal(report.events, 1);
  assert.equal(report.keys.length, 1);
  assert.equal(report.keys[0].keyId, 'key_abc123');
  assert.equal(report.keys[0].requests, 1);
  assert.equal(report.keys[0].first_seen, '2026-01-29T10:30:00Z');
  assert.equal(report.keys[0].configured, false);
  assert.deepEqual(report.alerts, []);
});

test('a key pasted into keyId is counted as an issue, never echoed', () => {
  const m = new keys.Monitor();
  const secret = 'pk_live_FAKE3Wwd25rq4f5zr3a1b2c4d5e6';
  m.feed({ timestamp: '2026-03-02T10:00:00Z', keyId: secret, endpoint: '/image', method: 'POST', status: 200 });
  const report = m.report();
  assert.equal(report.events, 0);
  assert.deepEqual(report.issues.map((i) => [i.code, i.count]), [['secret_in_key_id', 1]]);
  assert.ok(!JSON.stringify(report).includes('FAKE'));
});

test('advance closes quiet windows: a disallowed network is reported without a newer event', () => {
  const updates = [];
  const m = new keys.Monitor('[keys.key_a]\nallowed_networks = ["203.0.113.0/24"]\n', { onAlert: (u) => updates.push(u) });
  m.feed({ timestamp: '2026-03-02T10:00:00Z', action: 'api.request', keyId: 'key_a', endpoint: '/image', method: 'POST', status: 200, ip: '198.51.100.7' });
  assert.deepEqual(updates, [], 'the window is still open');
  m.advance(new Date('2026-03-02T11:04:59Z'));
  assert.deepEqual(updates, [], 'the re-order grace keeps it open for 5 minutes');
  m.advance(Date.parse('2026-03-02T11:05:00Z'));
  assert.deepEqual(updates.map((u) => [u.phase, u.alert.kind, u.alert.keyId, u.alert.start]), [['start', 'disallowed_network', 'key_a', '2026-03-02T10:00:00Z']]);
  assert.deepEqual(updates[0].alert.top_ips, [['198.51.100.7', 1]]);
  assert.deepEqual(updates[0].alert.evidence, [{ source: 'memory', line: 1 }]);
  assert.equal(updates[0].alert.severity, 'high');
  assert.ok(updates[0].alert.action.length > 20);
  assert.deepEqual(m.poll(), []);
});

test('bad configurations and arguments throw InputErrors with stable codes', () => {
  const codeOf = (f) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof keys.InputError, String(e));
      assert.equal(e.family, 'input');
      assert.ok(e.message.startsWith(`[${e.code}] `), e.message);
      return [e.code, e.message];
    }
    return assert.fail('did not throw');
  };
  const [invalid, message] = codeOf(() => new keys.Monitor('[keys.key_a\nname = "x"\n'));
  assert.equal(invalid, 'config_invalid');
  assert.match(message, /line \d+, column \d+/);
  assert.equal(codeOf(() => new keys.Monitor('[keys.key_a]\nallowed_networks = ["10.0.0.0/33"]\n'))[0], 'config_bad_value');
  assert.equal(codeOf(() => new keys.Monitor('[keys.key_a]\nunknown_field = 1\n'))[0], 'config_invalid');
  const secret = 'pk_live_FAKE3Wwd25rq4f5zr3a1b2c4d5e6';
  const [contains, text] = codeOf(() => new keys.Monitor(`[keys.key_a]\nname = "${secret}"\n`));
  assert.equal(contains, 'config_contains_secret');
  assert.ok(!text.includes('FAKE'), text);
  assert.equal(codeOf(() => new keys.Monitor(42))[0], 'invalid_argument');
  assert.equal(codeOf(() => new keys.Monitor('', { onAlert: 'log' }))[0], 'invalid_argument');
  const m = new keys.Monitor();
  assert.equal(codeOf(() => m.feed(42))[0], 'invalid_argument');
  assert.equal(codeOf(() => m.feed(null))[0], 'invalid_argument');
  assert.equal(codeOf(() => m.advance(Number.NaN))[0], 'invalid_argument');
  assert.equal(codeOf(() => m.advance(new Date('not a date')))[0], 'invalid_argument');
  assert.equal(codeOf(() => new keys.Client({ keys: [], monitor: {} }))[0], 'invalid_argument');
});

test('an onAlert that throws gets every update first, then its error is thrown', () => {
  const seen = [];
  const m = new keys.Monitor('[keys.key_a]\nallowed_networks = ["203.0.113.0/24"]\n[keys.key_b]\nallowed_networks = ["203.0.113.0/24"]\n', {
    onAlert: (u) => {
      seen.push(u.alert.keyId);
      throw new Error('callback failed');
    },
  });
  for (const key of ['key_a', 'key_b']) {
    m.feed({ timestamp: '2026-03-02T10:00:00Z', action: 'api.request', keyId: key, endpoint: '/image', method: 'GET', status: 200, ip: '198.51.100.7' });
  }
  assert.throws(() => m.advance(Date.parse('2026-03-02T12:00:00Z')), /callback failed/);
  assert.deepEqual(seen, ['key_a', 'key_b']);
});

// ---- A Client feeding a Monitor, against tests/mock-api on loopback ----

const BIN = process.env.PICTIFY_MOCK_API;
if (!BIN) throw new Error('set PICTIFY_MOCK_API to the pictify-mock-api binary');
const lives = vectors('keys.json').cases.filter((c) => c.valid && c.mode === 'live').map((c) => c.input);
const [REVOKED, ACTIVE] = lives;
const FAST = { baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 50, jitter: false };

let mock;
test.before(async () => {
  const args = ['--port', '0', '--exit-on-stdin-close', '--key', `${REVOKED}=revoked`, '--key', `${ACTIVE}=active`];
  const child = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(readline.createInterface({ input: child.stdout }), 'line');
  mock = { base: line.trim(), stop: () => child.stdin.end() };
});
test.after(() => mock.stop());

test('a Client feeding a Monitor: a 401 burst from a revoked key raises auth_failure_burst', async () => {
  const updates = [];
  const monitor = new keys.Monitor('', { onAlert: (u) => updates.push(u) });
  const client = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [REVOKED], ring: FAST, monitor });
  const ok = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [ACTIVE], ring: FAST, monitor });
  const started = Date.now();
  for (let i = 0; i < 20; i++) {
    await assert.rejects(client.request('GET', '/me'), (e) => e instanceof keys.HttpError && e.code === 'unauthorized');
  }
  assert.equal((await ok.request('GET', '/me')).status, 200);
  const fingerprint = keys.ApiKey.parse(REVOKED).fingerprint;
  const before = monitor.report();
  assert.equal(before.events, 21);
  const usage = Object.fromEntries(before.keys.map((k) => [k.keyId, k]));
  assert.equal(usage[fingerprint].requests, 20);
  assert.equal(usage[fingerprint].auth_failures, 20);
  assert.equal(usage[keys.ApiKey.parse(ACTIVE).fingerprint].status_2xx, 1);
  assert.deepEqual(usage[fingerprint].endpoints, [['GET /me', 20]]);
  assert.match(usage[fingerprint].top_user_agents[0][0], /^pictify-keys-node\//);
  // The hour is not over: the window closes when the clock passes its end (and the grace).
  assert.deepEqual(updates, []);
  monitor.advance(started + 2 * 3600 * 1000);
  const burst = updates.filter((u) => u.alert.kind === 'auth_failure_burst');
  assert.deepEqual(burst.map((u) => [u.phase, u.alert.keyId, u.alert.events]), [['start', fingerprint, 20]]);
  assert.equal(burst[0].alert.severity, 'medium');
  assert.deepEqual(burst[0].alert.top_endpoints, [['GET /me', 20]]);
  const report = monitor.report();
  assert.deepEqual(report.alerts.map((a) => [a.kind, a.keyId]), [['auth_failure_burst', fingerprint]]);
  const text = JSON.stringify([report, updates]);
  for (const key of [REVOKED, ACTIVE]) assert.ok(!text.includes(key.slice(8, 20)), 'a key reached the monitor');
});

test("a Client's request delivers the alerts its events raise to onAlert before it resolves", async () => {
  const updates = [];
  const monitor = new keys.Monitor('[keys.key_batch]\nallowed_networks = ["203.0.113.0/24"]\n', { onAlert: (u) => updates.push(u) });
  // An event three hours ago from outside the key's networks: its window is still open.
  const earlier = Date.now() - 3 * 3600 * 1000;
  monitor.feed({ timestamp: stamp(Math.floor(earlier / 1000)), action: 'api.request', keyId: 'key_batch', endpoint: '/image', method: 'POST', status: 200, ip: '198.51.100.7' });
  assert.deepEqual(updates, []);
  const client = new keys.Client({ baseUrl: mock.base, environment: 'production', keys: [ACTIVE], ring: FAST, monitor });
  // The request's event (now) moves the monitor's clock past that window: it closes and its
  // alert reaches onAlert by the time the request resolves.
  const response = await client.request('GET', '/me');
  assert.equal(response.status, 200);
  assert.deepEqual(updates.map((u) => [u.phase, u.alert.kind, u.alert.keyId]), [['start', 'disallowed_network', 'key_batch']]);
});
