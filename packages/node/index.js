'use strict';
// @pictify/keys: the loader and the JavaScript layer over the Rust core.
//
// Importing this module loads the native addon and nothing else: it reads no variable or
// file, prints nothing and opens no connection. Every rule lives in the core; this file
// converts arguments (defaults such as `process.env`), errors (into Error subclasses with
// `.code`) and adds the Node conventions (`util.inspect`, logger integrations).

const { inspect } = require('node:util');
const { StringDecoder } = require('node:string_decoder');
const native = require('./lib/loader.js');
const errors = require('./lib/errors.js');
const { convert, wrap } = errors;
const {
  PictifyKeyError, KeyFormatError, EnvironmentError, SourceError, HttpError, InputError, AuditError, InvalidArgumentError,
} = errors.classes;

const { Attempt, Client, KeyRing, Monitor, RequestState, StreamRedactor } = native;

// Guards the ApiKey constructor: keys come from ApiKey.parse, loadKeys and the key ring only.
const FROM_CORE = Symbol('pictify-keys: from the core');
let handleOf;

/**
 * A well-formed Pictify API key. It holds a handle to the core's key: the secret stays in
 * Rust memory (zeroed when the key is collected) and is read only by `reveal()`.
 * `toString()`, `util.inspect` and `JSON.stringify` show the fingerprint only.
 */
class ApiKey {
  #handle;
  #mode;

  constructor(token, handle) {
    if (token !== FROM_CORE) throw new TypeError('ApiKey cannot be constructed directly: use ApiKey.parse(value)');
    this.#handle = handle;
  }

  static {
    handleOf = (key) => {
      if (!(key instanceof ApiKey)) throw new TypeError('expected an ApiKey (from ApiKey.parse)');
      return key.#handle;
    };
  }

  /**
   * Parses and validates a key exactly as given (no trimming). A malformed key comes back
   * from the core as plain details and is thrown here as a KeyFormatError.
   */
  static parse(value) {
    const handle = native.parseApiKey(value);
    // A handle is an opaque external; the details of a malformed key carry its `code`.
    if (typeof handle.code === 'string') throw errors.fromDetails(handle, ApiKey.parse);
    return new ApiKey(FROM_CORE, handle);
  }

  /** `"live"` or `"test"`. */
  get mode() {
    if (this.#mode === undefined) this.#mode = native.keyMode(this.#handle);
    return this.#mode;
  }

  /** The fingerprint shown to people, e.g. `pk_live_****a1b2`. */
  get fingerprint() {
    return native.keyFingerprint(this.#handle);
  }

  /** The full secret, for an `Authorization` header and nowhere else. */
  reveal() {
    return native.keyReveal(this.#handle);
  }

  /** Constant-time comparison of two keys. */
  equals(other) {
    return native.keyEquals(this.#handle, handleOf(other));
  }

  /** The fingerprint. */
  toString() {
    return this.fingerprint;
  }

  /** The fingerprint, so `JSON.stringify` never writes the secret. */
  toJSON() {
    return this.fingerprint;
  }

  [inspect.custom]() {
    return `ApiKey(${this.fingerprint})`;
  }
}

/** An ApiKey around a handle the core returned. */
function keyFromCore(handle) {
  return new ApiKey(FROM_CORE, handle);
}

// The key ring hands out handles too.
const attemptKey = Object.getOwnPropertyDescriptor(Attempt.prototype, 'key').get;
Object.defineProperty(Attempt.prototype, 'key', {
  get() {
    return keyFromCore(attemptKey.call(this));
  },
  configurable: true,
});

/**
 * One audited request: the line of JSON the core writes, and its fields (`timestamp`,
 * `action`, `keyId`, …; the documented shape, `AuditEventJson`) as read-only properties.
 */
class AuditEvent {
  #line;

  constructor(token, line) {
    if (token !== FROM_CORE) throw new TypeError('AuditEvent cannot be constructed directly: use AuditEvent.forKey or AuditEvent.forKeyId');
    this.#line = line;
    Object.freeze(Object.assign(this, JSON.parse(line)));
  }

  /** An event for a request made with `key` (recorded by fingerprint). */
  static forKey(key, fields) {
    return new AuditEvent(FROM_CORE, wrap(native.auditEventForKey)(handleOf(key), fields));
  }

  /** An event for the key with dashboard ID `keyId`; never a key. */
  static forKeyId(keyId, fields) {
    return new AuditEvent(FROM_CORE, wrap(native.auditEventForKeyId)(keyId, fields));
  }

  /** The event as one line of JSON in the documented shape. */
  toJsonLine() {
    return this.#line;
  }

  toJSON() {
    return JSON.parse(this.#line);
  }

  toString() {
    return this.#line;
  }

  [inspect.custom]() {
    return `AuditEvent ${this.#line}`;
  }
}

for (const name of ['attempt', 'onOutcome', 'advanceClock']) wrapMethod(KeyRing, name);
// `new KeyRing(keys)` must throw our errors too: a subclass keeps `instanceof` working.
class PictifyKeyRing extends KeyRing {
  constructor(keys, config) {
    try {
      super(keys, config);
    } catch (e) {
      throw convert(e);
    }
  }

  // Rings made by KeyRing.load are native instances; they are KeyRings all the same.
  static [Symbol.hasInstance](value) {
    return value instanceof KeyRing;
  }

  /** A ring over the keys `loadKeys(options)` finds. */
  static load(options, config) {
    return wrap(native.loadKeyRing)(loadOptions(options), config);
  }
}

/**
 * The in-process usage monitor: the core's detectors over audit events (one per API answer
 * when a `Client` is built with `{ monitor }`). Alerts come as `AlertUpdate`s from `poll()`,
 * or to `onAlert`, called synchronously after `feed` and `advance` (and after each request
 * of a Client feeding this monitor) with every update since the last delivery.
 */
let deliverAlerts;
class PictifyMonitor extends Monitor {
  #onAlert;

  constructor(config, options) {
    const onAlert = options == null ? undefined : options.onAlert;
    if (onAlert !== undefined && typeof onAlert !== 'function') {
      wrap(native.refuseMonitorOption)('onAlert');
    }
    try {
      super(config);
    } catch (e) {
      throw convert(e);
    }
    this.#onAlert = onAlert;
  }

  /**
   * Feeds an `AuditEvent`, an object in its JSON shape (`AuditEventJson`), or a string of
   * JSON lines (each line one event; a bad line is counted in the report's `issues`).
   */
  feed(event) {
    try {
      if (event instanceof AuditEvent) super.feedLine(event.toJsonLine());
      else if (typeof event === 'string') super.feedLines(event);
      else if (event !== null && typeof event === 'object') super.feedLine(JSON.stringify(event));
      else super.feedLine(event);
    } catch (e) {
      throw convert(e, this.feed);
    }
    this.#deliver();
  }

  /** Closes the windows that ended before `now` (a Date or ms since the epoch; default now). */
  advance(now) {
    const ms = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now;
    try {
      super.advanceTo(ms);
    } catch (e) {
      throw convert(e, this.advance);
    }
    this.#deliver();
  }

  static {
    deliverAlerts = (monitor) => monitor.#deliver();
  }

  /** Hands every update since the last delivery to `onAlert` (nothing without one). */
  #deliver() {
    if (this.#onAlert === undefined) return;
    let failure;
    for (const update of super.poll()) {
      try {
        this.#onAlert(update);
      } catch (e) {
        failure ??= { e };
      }
    }
    if (failure) throw failure.e;
  }
}

/** Promise-returning API client; every call runs in Rust on napi's tokio runtime. */
class PictifyClient extends Client {
  #monitor;

  constructor(options) {
    const { monitor, ...o } = options || {};
    if (monitor !== undefined && !(monitor instanceof PictifyMonitor)) {
      wrap(native.refuseMonitorOption)('monitor');
    }
    const env = stringMap(o.env === undefined ? process.env : o.env);
    if (o.keys === undefined) o.env = env;
    // The environment policy runs in the core when the client is built; the environment is
    // detected from the same variables as the keys unless given.
    o.environment ??= native.detectEnvironment(env);
    try {
      super(o, monitor);
    } catch (e) {
      throw convert(e);
    }
    this.#monitor = monitor;
  }

  /** One logical request; resolves with a 2xx answer, rejects with an HttpError. */
  request(method, path, body) {
    return this.#delivered(rejectConverted(() => super.request(method, path, body)));
  }

  /** `client.images.create(options)`: `POST /image`, retried safely with one idempotency key. */
  get images() {
    return { create: (options) => this.#delivered(rejectConverted(() => super.createImage(options))) };
  }

  // The monitor's alerts from this request's events, to its `onAlert`, before the caller
  // sees the result; an `onAlert` that throws is reported as an uncaught exception, as
  // an event listener's would be, and the request's result is unchanged.
  #delivered(promise) {
    const monitor = this.#monitor;
    if (monitor === undefined) return promise;
    const deliver = () => {
      try {
        deliverAlerts(monitor);
      } catch (e) {
        process.nextTick(() => { throw e; });
      }
    };
    return promise.then((r) => { deliver(); return r; }, (e) => { deliver(); throw e; });
  }

  reloadKeys() {
    return wrap(() => super.reloadKeys())();
  }
}

function rejectConverted(start) {
  let promise;
  try {
    promise = start();
  } catch (e) {
    return Promise.reject(convert(e));
  }
  return promise.catch((e) => {
    throw convert(e);
  });
}

class PictifyStreamRedactor extends StreamRedactor {
  constructor(style) {
    try {
      super(style);
    } catch (e) {
      throw convert(e);
    }
  }

  /** Redacts a chunk (string or Buffer); returns what can be written now, as a string. */
  pushText(chunk) {
    // The stream may hold back bytes in the middle of a UTF-8 character: a decoder keeps
    // them until the character is whole.
    return this.#decoder().write(this.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))));
  }

  /** Returns what is still held back, as a string. */
  finishText() {
    const text = this.#decoder().end(this.finish());
    this.#utf8 = undefined;
    return text;
  }

  #utf8;

  #decoder() {
    if (this.#utf8 === undefined) this.#utf8 = new StringDecoder('utf8');
    return this.#utf8;
  }
}

/** Variables as a flat string map (drops `undefined` values, which process.env never has). */
function stringMap(env) {
  const out = {};
  if (env == null) return out;
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function loadOptions(options) {
  const o = { ...(options || {}) };
  if (o.keys === undefined) o.env = stringMap(o.env === undefined ? process.env : o.env);
  return o;
}

// A detection or an environment name (the core reads either); detected from process.env
// when absent.
function detectionArg(detection) {
  return detection ?? native.detectEnvironment(stringMap(process.env));
}

function detectEnvironment(env = process.env) {
  return native.detectEnvironment(stringMap(env));
}

function checkEnvironment(key, environment, policy) {
  return wrap(native.checkEnvironment)(handleOf(key), detectionArg(environment), policy);
}

function checkMode(mode, environment, policy) {
  return wrap(native.checkMode)(mode, detectionArg(environment), policy);
}

function checkKeys(env = process.env, sourcePrefix = 'env', environment, policy) {
  return wrap(native.checkKeys)(stringMap(env), sourcePrefix, environment, policy);
}

// The same check with secret references fetched off the event loop.
function checkKeysAsync(env = process.env, sourcePrefix = 'env', environment, policy) {
  return rejectConverted(() => native.checkKeysAsync(stringMap(env), sourcePrefix, environment, policy));
}

function parseDotEnv(text) {
  return wrap(native.parseDotEnv)(text);
}

// The core's LoadedKeys shape, and the key handles to set as each entry's `key`.
function withKeys([handles, loaded]) {
  loaded.keys.forEach((k, i) => { k.key = keyFromCore(handles[i]); });
  return loaded;
}

function loadKeys(options) {
  return withKeys(wrap(native.loadKeys)(loadOptions(options)));
}

// The same load with secret references fetched off the event loop.
function loadKeysAsync(options) {
  return rejectConverted(() => native.loadKeysAsync(loadOptions(options))).then(withKeys);
}

// Matches a code unit above 0xFF. When it does not match, the text is exactly Latin-1 and
// crosses into Rust one byte per character (for a one-byte V8 string the test is O(1) and the
// copy a memcpy). Not a rule on content: both paths give the core's result.
const BEYOND_LATIN1 = /[^\0-\xff]/;

// The core's triggers as one case-insensitive search (built on first use, from the list the
// core exports): a text where none occurs is never changed by the core, so it is returned
// as it is without the call into Rust, which costs more than the search on a short line.
let triggers = null;
function hasTrigger(text) {
  if (triggers === null) {
    const escape = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    triggers = new RegExp(native.redactTriggers().map(escape).join('|'), 'i');
  }
  return triggers.test(text);
}

// Styles the core has accepted: only with one of these (or none) may a call skip the core,
// so an unknown style still gets the core's error whatever the text.
const acceptedStyles = new Set();

function redact(text, style) {
  try {
    if (typeof text === 'string' && (style === undefined || acceptedStyles.has(style))
      && !hasTrigger(text)) {
      return text;
    }
    const out = typeof text === 'string' && !BEYOND_LATIN1.test(text)
      ? native.redactLatin1(text, style)
      : native.redact(text, style);
    if (typeof style === 'string') acceptedStyles.add(style);
    return out === null ? text : out;
  } catch (e) {
    throw convert(e, redact);
  }
}

function redactJson(value, style) {
  return wrap(native.redactJson)(value, style);
}

function containsSecret(text) {
  if (typeof text === 'string' && !hasTrigger(text)) return false;
  return typeof text === 'string' && !BEYOND_LATIN1.test(text)
    ? native.containsSecretLatin1(text)
    : native.containsSecret(text);
}

function wrapMethod(cls, name) {
  const original = cls.prototype[name];
  Object.defineProperty(cls.prototype, name, { value: wrap(original), writable: true, configurable: true });
}

module.exports = {
  ApiKey,
  AuditEvent,
  // Declared in index.d.ts (KeyRing's beginRequest/attempt return them), so exported too:
  // a declared export that is undefined at runtime breaks `import { Attempt }` and instanceof.
  Attempt,
  RequestState,
  Client: PictifyClient,
  KeyRing: PictifyKeyRing,
  Monitor: PictifyMonitor,
  StreamRedactor: PictifyStreamRedactor,
  detectEnvironment,
  checkEnvironment,
  checkMode,
  checkKeys,
  checkKeysAsync,
  parseDotEnv,
  loadKeys,
  loadKeysAsync,
  redact,
  redactJson,
  containsSecret,
  // Listed by name (not spread) so Node's ESM loader sees every export of this CommonJS
  // module: `import { KeyFormatError } from '@pictify/keys'` works like `require`.
  PictifyKeyError,
  KeyFormatError,
  EnvironmentError,
  SourceError,
  HttpError,
  InputError,
  AuditError,
  InvalidArgumentError,
};

// Logger integrations need redact, so they load after it; they import no logger package.
const loggers = require('./lib/loggers.js');
module.exports.pinoOptions = loggers.pinoOptions;
module.exports.pinoDestination = loggers.pinoDestination;
module.exports.winstonFormat = loggers.winstonFormat;
