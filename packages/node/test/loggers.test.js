'use strict';
// pino and winston: a key in a message, in an object field and in an Error's stack never
// reaches the output.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Writable } = require('node:stream');
const pino = require('pino');
const winston = require('winston');
const keys = require('@pictify/keys');
const { vectors } = require('./helpers.js');

const valid = vectors('keys.json').cases.filter((c) => c.valid);
const LIVE = valid.find((c) => c.mode === 'live').input;
const TEST = valid.find((c) => c.mode === 'test').input;
const SECRETS = [LIVE.slice(8), TEST.slice(8)];

function sink() {
  const lines = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { stream, text: () => lines.join('') };
}

function assertClean(text) {
  assert.ok(text.length > 0, 'something was logged');
  for (const s of SECRETS) assert.ok(!text.includes(s), `leaked a secret into: ${text}`);
  assert.ok(text.includes(keys.ApiKey.parse(LIVE).fingerprint), 'the fingerprint stays for debugging');
}

function logEverything(log) {
  const err = new Error(`request failed for ${LIVE}`);
  log.info(`calling the API with ${LIVE}`);
  log.info({ apiKey: LIVE, headers: { authorization: `Bearer ${TEST}` } }, 'object fields');
  log.error(err);
  log.error({ err }, 'wrapped error');
  log.warn('format args %s', LIVE);
}

test('pino with pinoOptions redacts messages, fields and error stacks', () => {
  const out = sink();
  const log = pino(keys.pinoOptions({ level: 'info' }), out.stream);
  logEverything(log);
  const text = out.text();
  assertClean(text);
  assert.ok(text.includes('"stack"'), 'stacks are logged');
  assert.equal(text.trim().split('\n').length, 5);
});

test('pino with pinoDestination redacts too', () => {
  const out = sink();
  const log = pino({ level: 'info' }, keys.pinoDestination(out.stream));
  logEverything(log);
  assertClean(out.text());
});

test('a key without the redaction would reach pino output (the test can fail)', () => {
  const out = sink();
  pino({}, out.stream).info(`calling the API with ${LIVE}`);
  assert.ok(out.text().includes(SECRETS[0]));
});

test('winston with winstonFormat redacts messages, fields and error stacks', () => {
  const out = sink();
  const { format } = winston;
  const log = winston.createLogger({
    level: 'info',
    format: format.combine(format.errors({ stack: true }), format.splat(), format.json(), keys.winstonFormat()),
    transports: [new winston.transports.Stream({ stream: out.stream })],
  });
  logEverything(log);
  const text = out.text();
  assertClean(text);
  assert.ok(text.includes('"stack"'), 'stacks are logged');
});

test('winstonFormat before printf redacts the fields the line is built from', () => {
  const out = sink();
  const { format } = winston;
  const log = winston.createLogger({
    format: format.combine(format.errors({ stack: true }), keys.winstonFormat(), format.printf((i) => `${i.level} ${i.message} ${i.stack || ''} ${i.apiKey || ''}`)),
    transports: [new winston.transports.Stream({ stream: out.stream })],
  });
  logEverything(log);
  assertClean(out.text());
});

test('the original Error is not modified', () => {
  const err = new Error(`boom ${LIVE}`);
  keys.winstonFormat().transform({ level: 'error', message: 'x', err });
  assert.ok(err.message.includes(LIVE));
});
