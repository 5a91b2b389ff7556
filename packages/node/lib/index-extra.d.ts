
// ---- The JavaScript layer (lib/index-extra.d.ts, appended to the generated declarations) ----

import type { inspect } from 'node:util'

/**
 * A well-formed Pictify API key. `toString()`, `util.inspect` and `JSON.stringify` show the
 * fingerprint only; `reveal()` returns the secret. The secret stays in Rust memory.
 */
export declare class ApiKey {
  private constructor()
  /**
   * Parses and validates a key exactly as given (no trimming). Throws a `KeyFormatError`
   * whose `.code` names the problem (`whitespace`, `quoted`, `placeholder`, `foreign_key`, …).
   * `undefined` or `null` (an unset `process.env.PICTIFY_API_KEY`) throws a `SourceError`
   * with code `no_key`; any other non-string an `InvalidArgumentError` (`invalid_argument`).
   */
  static parse(value: string | null | undefined): ApiKey
  /** `"live"` or `"test"`. */
  get mode(): 'live' | 'test'
  /** The fingerprint shown to people, e.g. `pk_live_****a1b2`. */
  get fingerprint(): string
  /** The full secret, for an `Authorization` header and nowhere else. */
  reveal(): string
  /** Constant-time comparison of two keys. */
  equals(other: ApiKey): boolean
  /** The fingerprint. */
  toString(): string
  /** The fingerprint, so `JSON.stringify` never writes the secret. */
  toJSON(): string
  /** `util.inspect` shows `ApiKey(pk_live_****a1b2)`. */
  [inspect.custom](): string
}

/** One audited request: the fields of the documented JSON shape (`AuditEventJson`), read-only. */
export declare class AuditEvent {
  private constructor()
  /** An event for a request made with `key` (recorded by fingerprint). */
  static forKey(key: ApiKey, fields: AuditFields): AuditEvent
  /**
   * An event for the key with dashboard ID `keyId`; throws an `AuditError` with code
   * `secret_in_key_id` when the ID holds a key, `invalid_key_id` when it is not an ID.
   */
  static forKeyId(keyId: string, fields: AuditFields): AuditEvent
  /** The event as one line of JSON in the documented shape. */
  toJsonLine(): string
  /** The documented JSON shape, so `JSON.stringify(event)` writes it. */
  toJSON(): AuditEventJson
  /** One line of JSON. */
  toString(): string
}
export interface AuditEvent extends Readonly<AuditEventJson> {}

/**
 * Loads the keys with their provenance (`keys` given: nothing else is read; else `env`, default
 * `process.env`, then `secretFile`, then `dotenvFile`). Throws a `SourceError` with code
 * `no_key` when no source has a key, and a source or format error naming the source when a
 * configured source is broken.
 */
export declare function loadKeys(options?: LoadOptions): LoadedKeys
/**
 * `loadKeys` as a Promise: a secret reference (`vault://secret/pictify`,
 * `aws-sm://pictify/api-key`) is fetched on a worker thread, never blocking the event loop.
 * Rejects with the same errors `loadKeys` throws.
 */
export declare function loadKeysAsync(options?: LoadOptions): Promise<LoadedKeys>

export declare namespace KeyRing {
  /** A ring over the keys `loadKeys(options)` finds (default: `process.env`). */
  function load(options?: LoadOptions, config?: RingConfig): KeyRing
}

export interface StreamRedactor {
  /** Redacts a chunk (string or Buffer); returns what can be written now. */
  pushText(chunk: string | Buffer): string
  /** Returns what is still held back. */
  finishText(): string
}

/** @deprecated the shape of the constructor's second argument; use `ErrorReport`. */
export type PictifyKeyErrorDetails = Partial<ErrorReport>
/**
 * Base class of every error this package throws: `.code` is the core's stable code, `.family`
 * its family, `.details` its details, `.message` reads `[code] message`. Each detail is also
 * set on the error itself (`err.position`).
 */
export declare class PictifyKeyError extends Error implements ErrorDetails {
  constructor(message: string, report?: Partial<ErrorReport>)
  /** The stable code, identical in every Pictify SDK (`whitespace`, `live_key_in_development`, …). */
  readonly code: string
  /** `format`, `environment`, `source`, `http` or `input`. */
  readonly family: ErrorReport['family']
  /** The details this error carries. */
  readonly details: ErrorDetails
  readonly position?: number
  readonly vendor?: string
  readonly origin?: string
  readonly environment?: string
  readonly variable?: string
  readonly value?: string
  readonly line?: number
  readonly column?: number
  readonly status?: number
  readonly tried?: number
  readonly attempts?: number
  readonly apiCode?: string
  readonly requestId?: string
}
/** The key itself is malformed. */
export declare class KeyFormatError extends PictifyKeyError {}
/** The key is refused in this environment. */
export declare class EnvironmentError extends PictifyKeyError {}
/** A key source failed or found nothing (`no_key`, `source_missing`, `env_file_syntax`, …). */
export declare class SourceError extends PictifyKeyError {}
/** A call to the Pictify API failed (`unauthorized` carries `apiCode` and `requestId`). */
export declare class HttpError extends PictifyKeyError {}
/** An argument that is not a key was refused (`secret_in_key_id`, `invalid_key_id`, `invalid_argument`). */
export declare class InputError extends PictifyKeyError {}
/** The same class as `InputError` (its earlier name for audit errors). */
export declare const AuditError: typeof InputError
export type AuditError = InputError
/** The same class as `InputError` (its earlier name for argument errors). */
export declare const InvalidArgumentError: typeof InputError
export type InvalidArgumentError = InputError

/** Options for pino; `hooks.streamWrite` redacts every serialized line. */
export declare function pinoOptions<T extends object>(options?: T): T & { hooks: { streamWrite(line: string): string } }
/** A writable stream that redacts what passes through it into `dest` (default stdout). */
export declare function pinoDestination(dest?: NodeJS.WritableStream): NodeJS.WritableStream
/** A winston format redacting message, fields, error stacks and the final line. */
export declare function winstonFormat(): { transform(info: any, opts?: any): any }

export interface Client {
  /** The image endpoints: `client.images.create({ html: '<h1>Hi</h1>' })`. */
  readonly images: { create(options: Record<string, unknown>): Promise<Image> }
}


export interface ClientOptions {
  /** A `Monitor` fed with every API answer of this client (`api.request` events, by key fingerprint). */
  monitor?: Monitor
}

/** Options of a `Monitor`. */
export interface MonitorOptions {
  /**
   * Called with each alert start, update and end, synchronously after `feed` and `advance`,
   * and after each request of a `Client` feeding the monitor (then `poll()` returns nothing).
   */
  onAlert?: (update: AlertUpdate) => void
}

export interface Monitor {
  /**
   * Feeds an `AuditEvent`, an object in its JSON shape, or a string of JSON lines (one event
   * per line). A bad event is never thrown: it is counted in `report().issues`.
   */
  feed(event: AuditEvent | AuditEventJson | string): void
  /** Closes the windows that ended before `now` (default: now), so a quiet app still gets its alerts. */
  advance(now?: Date | number): void
}
