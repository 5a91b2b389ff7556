// The shapes of the plain objects @pictify/keys (Node) and @pictify/keys-wasm return, declared
// once for both packages: each object is the core's serde output (camelCase, `null` for an
// absent value) and tests/vectors/shapes.json pins it in every language. The Node package
// appends this file to its index.d.ts (packages/node/build.sh); the WASM crate includes it in
// its generated declarations (bindings/wasm/src/lib.rs).

/** A deployment environment name. */
export type EnvironmentName = "production" | "staging" | "development" | "test" | "unknown";
/** The detected environment and the variable that decided it (`null` when none did). */
export interface Detection { environment: EnvironmentName; variable: string | null; value: string | null; }
/** A reason to warn although the key is allowed. */
export interface Warning { code: "unknown_environment" | "relaxed_policy"; message: string; }
/** A key allowed where it runs; `warning` says why the check could not fully vouch for it. */
export interface Allowed { warning: Warning | null; }
/** The details an error carries (docs/errors.md lists which, per code); absent when not carried. */
export interface ErrorDetails {
  /** 1-based character position of the offending character in the key. */
  position?: number;
  /** For `foreign_key`: whose credential it is (`Stripe`, `GitHub`, …). */
  vendor?: string;
  /** Where a key came from (`env:PICTIFY_API_KEY`, `file:/run/secrets/…`); never key material. */
  origin?: string;
  /** The detected environment, for policy errors. */
  environment?: string;
  /** The variable that decided the environment. */
  variable?: string;
  /** That variable's value. */
  value?: string;
  /** 1-based line (a `.env` file or an allow-list). */
  line?: number;
  /** 1-based column (a `.env` file). */
  column?: number;
  /** The HTTP status behind an API error. */
  status?: number;
  /** How many keys were tried before the API refused them all. */
  tried?: number;
  /** Attempts made with the same key. */
  attempts?: number;
  /** The API's own error code (`revoked_api_key`, `key_not_active`, …). */
  apiCode?: string;
  /** The API's request id, for support tickets. */
  requestId?: string;
}
/** The core's error report: what every Pictify SDK shows for an error. */
export interface ErrorReport {
  code: string;
  family: "format" | "environment" | "source" | "http" | "input";
  /** `[code] message`. */
  message: string;
  details: ErrorDetails;
}
/** One key variable and its verdict. */
export interface KeyCheck {
  /** Where the key came from, e.g. `env:PICTIFY_API_KEY`. */
  origin: string;
  variable: string;
  /** Set when the key is well-formed. */
  fingerprint: string | null;
  mode: "live" | "test" | null;
  verdict: "allowed" | "warning" | "refused" | "malformed";
  /** The stable code of the error or warning. */
  code: string | null;
  message: string | null;
}
/** The result of `checkKeys`, as `pictify-keys check --json` prints it. */
export interface CheckReport {
  detection: Detection;
  /** One entry per key variable that is set, in priority order (NEW, current, OLD). */
  keys: KeyCheck[];
  /** `no_key` when no key is set, else the first malformed key's error, else the first policy violation. */
  error: ErrorReport | null;
  /** 0 all allowed, 1 a policy violation, 2 a malformed key or no key. */
  exitStatus: 0 | 1 | 2;
}
/** What the key ring decided after an attempt. */
export interface Decision {
  action: "done" | "try_next_key" | "retry" | "fail";
  /** For `retry`: how long to wait first, in ms. */
  delayMs: number | null;
  /** For `fail`: why. */
  error: ErrorReport | null;
}
/** Usage of one key (`requests == successes + unauthorized + errors`). */
export interface KeyStats {
  fingerprint: string;
  /** Where the key came from. */
  origin: string;
  requests: number;
  successes: number;
  unauthorized: number;
  errors: number;
  /** Last attempt, in ms since the epoch. */
  lastUsedMs: number | null;
  /** Until when the key is demoted after a 401. */
  demotedUntilMs: number | null;
}
/** A fallback from one key to the next after a 401: fingerprints only. */
export interface Fallback { fromFingerprint: string; fromSource: string; toFingerprint: string; toSource: string; atMs: number; }
/** An audit event in the documented JSON shape. */
export interface AuditEventJson {
  timestamp: string;
  action: string;
  keyId: string;
  endpoint: string;
  method: string;
  status: number;
  ip: string | null;
  userAgent: string | null;
}
