'use strict';
// Errors: the native addon throws the core's error report as JSON behind a marker; here it
// becomes a real Error subclass showing exactly that report: `.code`, `.family`, `.details`
// and the message `[code] message`.

const MARKER = '\u0001pictify:';

/**
 * Base class of every error this package throws: `.code` is the core's stable code,
 * `.family` its family, `.details` the details the error carries (camelCase, as in every
 * language; each is also set on the error itself, e.g. `err.position`), and `.message`
 * reads `[code] message`.
 */
class PictifyKeyError extends Error {
  constructor(message, report = {}) {
    super(message);
    this.name = new.target.name;
    this.code = report.code;
    this.family = report.family;
    this.details = { ...(report.details || {}) };
    for (const [field, value] of Object.entries(this.details)) this[field] = value;
  }

  toString() {
    return `${this.name}: ${this.message}`;
  }
}

/** The key itself is malformed (`whitespace`, `placeholder`, `foreign_key`, …). */
class KeyFormatError extends PictifyKeyError {}
/** The key is refused in this environment (`live_key_in_development`, `test_key_in_production`). */
class EnvironmentError extends PictifyKeyError {}
/** A key source failed or found nothing (`no_key`, `source_missing`, `env_file_syntax`, …). */
class SourceError extends PictifyKeyError {}
/** A call to the Pictify API failed (`unauthorized`, `server_error`, `http_timeout`, …). */
class HttpError extends PictifyKeyError {}
/**
 * An argument that is not a key was refused (family `input`): `secret_in_key_id`,
 * `invalid_key_id`, `invalid_argument`. `AuditError` and `InvalidArgumentError` are the same
 * class under its earlier names.
 */
class InputError extends PictifyKeyError {}
const AuditError = InputError;
const InvalidArgumentError = InputError;

const BY_FAMILY = {
  format: KeyFormatError,
  environment: EnvironmentError,
  source: SourceError,
  http: HttpError,
  input: InputError,
};

/** Our Error for a native error carrying a payload; any other value unchanged. */
function convert(e, caller = convert) {
  if (!(e instanceof Error) || typeof e.message !== 'string' || !e.message.startsWith(MARKER)) return e;
  let details;
  try {
    details = JSON.parse(e.message.slice(MARKER.length));
  } catch {
    return e;
  }
  return fromDetails(details, caller);
}

/**
 * Our Error for a core error report (`{code, family, message, details}`), or for a native
 * key problem that carries the report as JSON (`{code, report}`).
 */
function fromDetails(report, caller = fromDetails) {
  const details = typeof report.report === 'string' ? JSON.parse(report.report) : report;
  const Cls = BY_FAMILY[details.family] || PictifyKeyError;
  if (!Error.captureStackTrace) return new Cls(details.message, details);
  // Capture the stack once, from the JavaScript caller (not the conversion frames): the
  // constructor's own capture is switched off, as it would be thrown away.
  const limit = Error.stackTraceLimit;
  let err;
  try {
    Error.stackTraceLimit = 0;
    err = new Cls(details.message, details);
  } finally {
    Error.stackTraceLimit = limit;
  }
  Error.captureStackTrace(err, caller);
  return err;
}

/** `fn` with native errors converted. */
function wrap(fn) {
  return function wrapped(...args) {
    try {
      return fn.apply(this, args);
    } catch (e) {
      throw convert(e, wrapped);
    }
  };
}

module.exports = {
  convert,
  fromDetails,
  wrap,
  classes: { PictifyKeyError, KeyFormatError, EnvironmentError, SourceError, HttpError, InputError, AuditError, InvalidArgumentError },
};
