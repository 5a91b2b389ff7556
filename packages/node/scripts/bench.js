'use strict';
// Bench of the installed @pictify/keys, in one run (short: a few seconds on 2 cores):
//   ApiKey.parse ns/call vs an equivalent JS regex validation;
//   redact on a 10 MB log (one key per KB) vs String.prototype.replace with the naive regex,
//   and per call on a 200-byte line;
//   Monitor.feed per event (object, AuditEvent, JSON line) vs JSON.parse of the line;
//   require time (fresh process each).
// Prints a Markdown table for docs/benchmarks.md. Figures, not pass/fail: no thresholds.
const { spawnSync } = require('node:child_process');
const keys = require('@pictify/keys');

const KEY = 'pk_live_FAKE3Wwd25rq4f5zr3a1b2c4d5e6';
const KEY_RE = /^pk_(?:live|test)_[0-9A-Za-z]{16,128}$/;
const NAIVE = /pk_(?:live|test)_[0-9A-Za-z]{8,}/g;
const naiveReplace = (text) => text.replace(NAIVE, (m) => `${m.slice(0, 8)}****${m.slice(-4)}`);

// The equivalent-coverage regex: written to catch what the core catches (both prefixes in any
// case; Bearer, api_key/api-key/apikey/X-Api-Key and ?key=/&key=/;key= values, quoted or
// JSON-escaped, with %HH escapes of token characters; redacted values and JSON literals
// kept), a port of core/benches/support/coverage_regex.rs, whose doc comment lists its two
// differences from the core on tests/vectors/redaction.json (keys written back to back).
const COVERAGE = new RegExp(String.raw`(pk_(?:live|test)_[0-9a-z]{8,})`
  + String.raw`|((?<![0-9a-z])bearer(?:[ \t+]|%20){1,4}`
  + String.raw`|(?<![0-9a-z])api[_-]?key(?:\\?["'])? {0,2}[=:][ \t]{0,3}(?:\\?["'])?|[?&;]key=)`
  + String.raw`((?:[0-9a-z._~+/=*\[\]-]|%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2[abdef]|3d|5[bdf]|7e))+)`, 'gi');
const isKey = (t) => /^pk_(?:live|test)_[0-9a-z]{8,128}$/i.test(t);
const isRedacted = (t) => /^(?:\[REDACTED\]|null|true|false|\**|pk_(?:live|test)_\*{4,}[0-9a-z]{0,4})$/i.test(t);
const fingerprint = (k) => (k.length - 8 > 128 ? `${k.slice(0, 8)}****` : `${k.slice(0, 8)}****${k.slice(-4)}`);
const coverageReplace = (text) => text.replace(COVERAGE, (m, key, ctx, tok) => {
  if (key) return fingerprint(key);
  if (tok.length <= 136 && isRedacted(tok)) return m;
  return ctx + (tok.length <= 136 && isKey(tok) ? fingerprint(tok) : '[REDACTED]');
});

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ns per call of `fn` over `rounds` rounds of `n` calls. */
function perCall(fn, n, rounds = 7) {
  for (let i = 0; i < n; i++) fn(); // warm-up
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    times.push(Number(process.hrtime.bigint() - t) / n);
  }
  return median(times);
}

function logText(bytes) {
  const lines = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    // ~1 KB per key: one key line, then plain lines.
    const line = i % 8 === 0
      ? `2026-11-27T12:00:00.000Z INFO request id=${i} GET /v1/render?api_key=${KEY} status=200 took=12ms\n`
      : `2026-11-27T12:00:00.000Z INFO request id=${i} GET /v1/render?width=1200&height=630 status=200 took=12ms ua=Mozilla/5.0\n`;
    lines.push(line);
    size += line.length;
    i++;
  }
  return lines.join('');
}

const rows = [];
let sink = 0;

const parseNs = perCall(() => { sink += keys.ApiKey.parse(KEY).mode.length; }, 200_000);
const regexNs = perCall(() => { sink += KEY_RE.test(KEY) ? 1 : 0; }, 200_000);
rows.push(['ApiKey.parse (valid key)', `${parseNs.toFixed(0)} ns/call`, `JS regex test: ${regexNs.toFixed(0)} ns/call`, (parseNs / regexNs).toFixed(1) + 'x the regex time']);
const BAD = `${KEY}\n`;
const badNs = perCall(() => { try { keys.ApiKey.parse(BAD); } catch (e) { sink += e.code.length; } }, 20_000);
const badRegexNs = perCall(() => { try { if (!KEY_RE.test(BAD)) throw new Error('invalid key'); } catch (e) { sink += e.message.length; } }, 20_000);
rows.push(['ApiKey.parse (trailing newline: throws KeyFormatError)', `${badNs.toFixed(0)} ns/call`, `regex test + throw new Error: ${badRegexNs.toFixed(0)} ns/call`, (badNs / badRegexNs).toFixed(1) + 'x the regex time']);

const big = logText(10 * 1024 * 1024);
if (keys.redact(big) === big) throw new Error('nothing redacted');
// Same output as the baseline on this log (its keys are plain, which the naive regex knows).
if (keys.redact(big) !== naiveReplace(big)) throw new Error('outputs differ');
const ours = perCall(() => { sink += keys.redact(big).length; }, 1, 5);
const theirs = perCall(() => { sink += naiveReplace(big).length; }, 1, 5);
const mb = big.length / 1e6;
rows.push(['redact, 10 MB log, 1 key/KB', `${(ours / 1e6).toFixed(1)} ms (${(mb / (ours / 1e9)).toFixed(0)} MB/s)`,
  `replace(naive regex): ${(theirs / 1e6).toFixed(1)} ms (${(mb / (theirs / 1e9)).toFixed(0)} MB/s)`, `${(theirs / ours).toFixed(1)}x faster`]);

// The equivalent-coverage regex on the same log (same output, checked first).
if (keys.redact(big) !== coverageReplace(big)) throw new Error('outputs differ (coverage regex)');
const theirsCoverage = perCall(() => { sink += coverageReplace(big).length; }, 1, 5);
rows.push(['redact, 10 MB log, 1 key/KB, vs the equivalent-coverage regex', `${(ours / 1e6).toFixed(1)} ms`,
  `replace(coverage regex): ${(theirsCoverage / 1e6).toFixed(1)} ms`, `${(theirsCoverage / ours).toFixed(1)}x faster`]);

// The same log with a non-Latin-1 character (CJK, emoji) in one line of eight: the text is
// read as UTF-16 code units instead of Latin-1 bytes.
let nth = 0;
const wide = big.replace(/took=12ms\n/g, (m) => (nth++ % 8 === 3 ? 'took=12ms 日本😀\n' : m));
if (keys.redact(wide) !== naiveReplace(wide)) throw new Error('outputs differ on the wide log');
const oursWide = perCall(() => { sink += keys.redact(wide).length; }, 1, 5);
const theirsWide = perCall(() => { sink += naiveReplace(wide).length; }, 1, 5);
rows.push(['redact, 10 MB log, 1 key/KB, some CJK/emoji (UTF-16 path)', `${(oursWide / 1e6).toFixed(1)} ms`,
  `replace(naive regex): ${(theirsWide / 1e6).toFixed(1)} ms`, `${(theirsWide / oursWide).toFixed(1)}x faster`]);

// No key and no `api_key=` value (ours would redact any `api_key=` value, the naive regex not).
const clean = logText(10 * 1024 * 1024).split(`api_key=${KEY}`).join('width=640');
if (keys.redact(clean) !== clean) throw new Error('the clean log has something to redact');
const oursClean = perCall(() => { sink += keys.redact(clean).length; }, 1, 5);
const theirsClean = perCall(() => { sink += naiveReplace(clean).length; }, 1, 5);
rows.push(['redact, 10 MB log, no key', `${(oursClean / 1e6).toFixed(1)} ms`, `replace(naive regex): ${(theirsClean / 1e6).toFixed(1)} ms`, `${(theirsClean / oursClean).toFixed(1)}x faster`]);

const line = `2026-11-27T12:00:00.000Z INFO GET /v1/render?api_key=${KEY}&width=1200&height=630 status=200 took=12ms ua=curl/8.5`.padEnd(200, ' ');
const lineOurs = perCall(() => { sink += keys.redact(line).length; }, 100_000);
const lineTheirs = perCall(() => { sink += naiveReplace(line).length; }, 100_000);
rows.push(['redact, one 200-byte line with a key', `${lineOurs.toFixed(0)} ns/call`, `replace(naive regex): ${lineTheirs.toFixed(0)} ns/call`, `${(lineTheirs / lineOurs).toFixed(1)}x`]);
const plainLine = `2026-11-27T12:00:00.000Z INFO GET /v1/render?width=1200&height=630 status=200 took=12ms ua=curl/8.5`.padEnd(200, ' ');
const plainOurs = perCall(() => { sink += keys.redact(plainLine).length; }, 100_000);
const plainTheirs = perCall(() => { sink += naiveReplace(plainLine).length; }, 100_000);
rows.push(['redact, one 200-byte line without a key', `${plainOurs.toFixed(0)} ns/call`, `replace(naive regex): ${plainTheirs.toFixed(0)} ns/call`, `${(plainTheirs / plainOurs).toFixed(1)}x`]);

// A clean line that holds a trigger (`key=` after a space: not a context), so the core is
// called and finds nothing.
const nearLine = `2026-11-27T12:00:00.000Z INFO GET /v1/render?width=1200&height=630 status=200 cache key=render:og took=12ms`.padEnd(200, ' ');
if (keys.redact(nearLine) !== nearLine) throw new Error('the near-miss line has something to redact');
const nearOurs = perCall(() => { sink += keys.redact(nearLine).length; }, 100_000);
const nearTheirs = perCall(() => { sink += naiveReplace(nearLine).length; }, 100_000);
rows.push(['redact, one 200-byte line without a key, holding `key=`', `${nearOurs.toFixed(0)} ns/call`, `replace(naive regex): ${nearTheirs.toFixed(0)} ns/call`, `${(nearTheirs / nearOurs).toFixed(1)}x`]);
const lineCoverage = perCall(() => { sink += coverageReplace(line).length; }, 100_000);
rows.push(['redact, one 200-byte line with a key, vs the equivalent-coverage regex', `${lineOurs.toFixed(0)} ns/call`, `replace(coverage regex): ${lineCoverage.toFixed(0)} ns/call`, `${(lineCoverage / lineOurs).toFixed(1)}x`]);

// Monitor.feed, one event: 50,000 events of five keys over a month, a few IPs, 1% errors,
// with a config of allowed networks and business hours (the shape of core/benches/monitor.rs),
// fed to a fresh Monitor per round; the baseline is JSON.parse of the same line (the least a
// JavaScript analyser would do with it).
const MONITOR_CONFIG = '[networks]\nproduction = ["10.0.0.0/8"]\n[keys.key_render]\nallowed_networks = ["203.0.113.0/24"]\n'
  + '[keys.key_dash]\nbusiness_hours = { zone = "Europe/Paris", start = "08:00", end = "19:00" }\n';
const T0 = Date.parse('2026-03-01T00:00:00Z');
const MONITOR_KEYS = ['key_render', 'key_batch', 'key_dash', 'key_old', 'key_ci'];
const monitorEvents = Array.from({ length: 50_000 }, (_, i) => ({
  timestamp: new Date(T0 + Math.floor((i * 31 * 86_400) / 50_000) * 1000).toISOString().replace('.000Z', 'Z'),
  action: 'api.request', keyId: MONITOR_KEYS[i % 5], endpoint: '/v1/render', method: 'POST',
  status: i % 100 === 0 ? 500 : 200, ip: `203.0.113.${50 + (i % 4)}`, userAgent: 'pictify-node/1.0.0',
}));
const monitorLines = monitorEvents.map((e) => JSON.stringify(e));
const auditEvents = monitorEvents.map(({ keyId, timestamp, ...fields }) => keys.AuditEvent.forKeyId(keyId, { ...fields, timestamp: Date.parse(timestamp) }));
/** Median ns per event of feeding every item to a fresh Monitor, over `rounds` rounds. */
function perEvent(list, feed, rounds = 7) {
  const times = [];
  for (let r = 0; r < rounds + 1; r++) {
    const m = new keys.Monitor(MONITOR_CONFIG);
    const t = process.hrtime.bigint();
    for (const x of list) feed(m, x);
    const ns = Number(process.hrtime.bigint() - t) / list.length;
    if (r > 0) times.push(ns); // round 0 warms up
    const report = m.report();
    if (report.events !== list.length) throw new Error(`monitor analysed ${report.events} of ${list.length}`);
    sink += report.alerts.length;
  }
  return median(times);
}
const parseLineNs = perCall(() => { for (const l of monitorLines) sink += JSON.parse(l).status; }, 1, 7) / monitorLines.length;
for (const [label, list, feed] of [
  ['Monitor.feed, one event (an object in the JSON shape)', monitorEvents, (m, e) => m.feed(e)],
  ['Monitor.feed, one event (an AuditEvent)', auditEvents, (m, e) => m.feed(e)],
  ['Monitor.feed, one event (a line of JSON)', monitorLines.map((l) => `${l}\n`), (m, l) => m.feed(l)],
]) {
  const ns = perEvent(list, feed);
  rows.push([label, `${(ns / 1000).toFixed(2)} µs/event`, `JSON.parse of the line: ${(parseLineNs / 1000).toFixed(2)} µs`, `${(ns / parseLineNs).toFixed(1)}x`]);
}

const requireTimes = [];
for (let i = 0; i < 7; i++) {
  const r = spawnSync(process.execPath, ['-e', "const t=process.hrtime.bigint();require('@pictify/keys');process.stdout.write(String(Number(process.hrtime.bigint()-t)))"], { encoding: 'utf8' });
  requireTimes.push(Number(r.stdout));
}
rows.push(["require('@pictify/keys')", `${(median(requireTimes) / 1e6).toFixed(1)} ms`, 'fresh process, median of 7', '']);

console.log('| measure | @pictify/keys | JavaScript baseline | ratio |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (sink === 0) console.log('');
