'use strict';
// What a redacting logger costs, against the installed @pictify/keys (figures, not
// pass/fail): one million records through
//   pino with pinoOptions() vs plain pino vs pino's own path-based `redact` option,
//   winston with winstonFormat() vs the same logger without it,
// pino writing JSON lines to /dev/null synchronously, winston to a stream that discards
// them, so the time is the logging work.
// Records: 80 % without a key, 20 % with one (half in the message, half in a field).
// Prints a Markdown table for docs/benchmarks.md: ns per record (wall and CPU) and the
// overhead over the plain logger. Usage: node bench-loggers.js [records]
const { Writable } = require('node:stream');
const pino = require('pino');
const winston = require('winston');
const { pinoOptions, winstonFormat } = require('@pictify/keys');

const N = Number(process.argv[2] || 1_000_000);
const KEY = 'pk_live_FAKE3Wwd25rq4f5zr3a1b2c4d5e6';

/** The i-th record: [message, fields]. */
function record(i) {
  const fields = { requestId: `req-${i}`, template: 'og-card', durationMs: i % 900 };
  if (i % 10 === 3) return [`render failed for key ${KEY}, retrying`, fields];
  if (i % 10 === 7) return ['render started', { ...fields, apiKey: KEY, headers: { authorization: `Bearer ${KEY}` } }];
  return [`render finished in ${i % 900} ms`, fields];
}
const RECORDS = Array.from({ length: 1000 }, (_, i) => record(i));

// Records go out in batches with a turn of the event loop between them: winston's logger is
// a stream whose transports write on later ticks, so a million records in one synchronous
// loop would all wait in memory.
const tick = () => new Promise(setImmediate);
async function run(log, n = N) {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const [msg, fields] = RECORDS[i % 1000];
    log(fields, msg);
    if (i % 1000 === 999) await tick();
  }
  await tick();
  const cpu = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / N, cpu: ((cpu.user + cpu.system) * 1000) / N };
}

const devnull = () => pino.destination({ dest: '/dev/null', sync: true });
const pinoPlain = pino({ level: 'info' }, devnull());
const pinoOurs = pino(pinoOptions({ level: 'info' }), devnull());
const pinoPaths = pino({ level: 'info', redact: ['apiKey', 'headers.authorization'] }, devnull());

// Discards each line as it comes (an fs stream would queue a million lines in memory).
const nullStream = new Writable({ write(_chunk, _enc, cb) { cb(); } });
const winstonLogger = (formats) => winston.createLogger({
  level: 'info',
  format: winston.format.combine(...formats),
  transports: [new winston.transports.Stream({ stream: nullStream })],
});
const winstonPlain = winstonLogger([winston.format.json()]);
const winstonOurs = winstonLogger([winston.format.json(), winstonFormat()]);

// Check first that ours redacts what the records hold and pino's paths do what they can.
const captured = [];
const capture = { write(s) { captured.push(s); } };
for (const [fields, msg] of [[RECORDS[3][1], RECORDS[3][0]], [RECORDS[7][1], RECORDS[7][0]]]) {
  pino(pinoOptions(), capture).info(fields, msg);
  pino({ redact: ['apiKey', 'headers.authorization'] }, capture).info(fields, msg);
}
if (captured[0].includes(KEY) || captured[2].includes(KEY)) throw new Error('pinoOptions left a key');
if (!captured[1].includes(KEY)) throw new Error('expected pino paths to miss the key in the message');
if (captured[3].includes(KEY)) throw new Error('pino paths left a key in a field');

const cases = [
  ['pino, plain', (f, m) => pinoPlain.info(f, m)],
  ['pino + pinoOptions()', (f, m) => pinoOurs.info(f, m)],
  ["pino + its own redact paths (fields only: misses the key in messages)", (f, m) => pinoPaths.info(f, m)],
  ['winston json(), plain', (f, m) => winstonPlain.info(m, f)],
  ['winston json() + winstonFormat()', (f, m) => winstonOurs.info(m, f)],
];
async function main() {
  // Warm-up, then two rounds in alternating order; the lower of the two per case.
  for (const [, log] of cases) await run(log, 20_000);
  const best = new Map();
  for (const order of [cases, [...cases].reverse()]) {
    for (const [name, log] of order) {
      const r = await run(log);
      const b = best.get(name);
      if (!b || r.cpu < b.cpu) best.set(name, r);
    }
  }
  const f = (r) => `${r.wall.toFixed(0)} ns wall, ${r.cpu.toFixed(0)} ns CPU`;
  const over = (a, b) => `${(((best.get(a).cpu / best.get(b).cpu) - 1) * 100).toFixed(0)} % (CPU)`;
  console.log(`${N} records per run, 20 % with a key; best of two rounds`);
  console.log('| logger | per record | overhead |');
  console.log('| --- | --- | --- |');
  for (const [name] of cases) {
    let o = '';
    if (name === 'pino + pinoOptions()') o = `${over(name, 'pino, plain')} over plain; vs pino's paths: ${(best.get(name).cpu / best.get(cases[2][0]).cpu).toFixed(2)}x its time`;
    if (name.startsWith('pino + its own')) o = `${over(name, 'pino, plain')} over plain`;
    if (name === 'winston json() + winstonFormat()') o = `${over(name, 'winston json(), plain')} over plain`;
    console.log(`| ${name} | ${f(best.get(name))} | ${o} |`);
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
