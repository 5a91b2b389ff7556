'use strict';
// Errors: the native addon throws a JSON payload (code, family, message, …) behind a marker;
// here it becomes a real Error subclass with `.code` equal to the core's stable code.

const MARKER = '\u0001pictify:';

/** Base class of every error this package throws. `.code` is the core's stable code. */
class PictifyKeyError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = new.target.name;
    this.code = details.code;
    this.family = details.family;
    for (const field of ['position', 'vendor', 'status', 'origin']) {
      if (details[field] !== undefined && details[field] !== null) this[field] = details[field];
    }
  }

  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
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
/** An audit event was refused (`secret_in_key_id`, `invalid_key_id`). */
class AuditError extends PictifyKeyError {}
/** An argument the core cannot use (`invalid_argument`), e.g. an unknown style name. */
class InvalidArgumentError extends PictifyKeyError {}

const BY_FAMILY = {
  format: KeyFormatError,
  environment: EnvironmentError,
  source: SourceError,
  http: HttpError,
  audit: AuditError,
  argument: InvalidArgumentError,
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

/** Our Error for the details of a core error (`code`, `family`, `message`, …). */
function fromDetails(details, caller = fromDetails) {
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
  classes: { PictifyKeyError, KeyFormatError, EnvironmentError, SourceError, HttpError, AuditError, InvalidArgumentError },
};
