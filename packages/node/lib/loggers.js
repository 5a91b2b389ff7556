'use strict';
// Logger integrations: pino and winston. Neither logger is imported here; both plug in
// through their public extension points.

const { Writable } = require('node:stream');
const { redact } = require('../index.js');

/**
 * pino options that redact every serialized line (message, object fields, error stacks)
 * just before it is written: `pino(pinoOptions({ level: 'info' }))`.
 */
function pinoOptions(options = {}) {
  const hooks = { ...(options.hooks || {}) };
  const inner = hooks.streamWrite;
  hooks.streamWrite = inner ? (line) => redact(inner(line)) : (line) => redact(line);
  return { ...options, hooks };
}

/**
 * A destination stream for pino (or anything writing text) that redacts what passes
 * through it and writes to `dest` (default process.stdout).
 */
function pinoDestination(dest = process.stdout) {
  return new Writable({
    write(chunk, _enc, cb) {
      dest.write(redact(chunk.toString('utf8')));
      cb();
    },
  });
}

const MESSAGE = Symbol.for('message');
const SPLAT = Symbol.for('splat');

function redactError(e, seen) {
  const copy = Object.create(Object.getPrototypeOf(e));
  for (const k of Object.getOwnPropertyNames(e)) {
    copy[k] = redactDeep(e[k], seen);
  }
  copy.message = redact(String(e.message));
  if (typeof e.stack === 'string') copy.stack = redact(e.stack);
  return copy;
}

function redactDeep(value, seen = new WeakSet()) {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) return redactError(value, seen);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, seen);
  return out;
}

/**
 * A winston format that redacts the message, every field, error stacks and (when placed
 * last) the final formatted line:
 * `format.combine(format.errors({ stack: true }), format.json(), winstonFormat())`.
 */
function winstonFormat() {
  return {
    transform(info) {
      const seen = new WeakSet();
      for (const key of Object.keys(info)) {
        info[key] = redactDeep(info[key], seen);
      }
      if (typeof info[MESSAGE] === 'string') info[MESSAGE] = redact(info[MESSAGE]);
      if (Array.isArray(info[SPLAT])) info[SPLAT] = info[SPLAT].map((v) => redactDeep(v, seen));
      return info;
    },
  };
}

module.exports = { pinoOptions, pinoDestination, winstonFormat, redactDeep };
