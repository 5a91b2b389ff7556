// The shapes of the plain objects @pictify/keys (Node) and @pictify/keys-wasm return and take,
// declared once for both packages. Each result is the core's serde output (camelCase, `null`
// for an absent value) and tests/vectors/shapes.json pins it in every language; each input is
// read by the core's `input` module, the same in both packages. The Node package
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
/** A fallback as each `ApiResponse` lists it (the same shape as `Fallback`). */
export type FallbackEvent = Fallback;
/** A successful (2xx) answer of `client.request`. */
export interface ApiResponse<T = any> {
  status: number;
  /** The JSON body (`null` when empty). */
  body: T;
  /** The fingerprint of the key that succeeded. */
  keyFingerprint: string;
  /** Where that key came from (`env:PICTIFY_API_KEY_OLD`, `explicit:0`, …). */
  keyOrigin: string;
  /** Attempts made for this logical request. */
  attempts: number;
  /** Fallbacks from a refused key to the next. */
  fallbacks: Fallback[];
}
/** An image created by the Node client's `images.create`. */
export interface Image { id: string | null; url: string | null; raw: any; }
/** A key and where it came from (`env:PICTIFY_API_KEY_NEW`, `file:…`, `explicit:0`). */
export interface SourcedKey { key: ApiKey; origin: string; }
/** A key in a lower-priority source that differs from the keys in use (probably stale). */
export interface ShadowedKey {
  code: "shadowed_key";
  /** Where the shadowed key is. */
  origin: string;
  fingerprint: string;
  /** The source whose keys are used instead. */
  usedSource: string;
  /** A one-line explanation. */
  message: string;
}
/** The result of `loadKeys`: the keys of the first configured source. */
export interface LoadedKeys {
  /** The keys, in priority order (NEW first). */
  keys: SourcedKey[];
  /** The source they came from (`env`, `file:…`, `env-file:…`, `explicit`). */
  source: string;
  /** Keys in lower sources that differ from the ones used. */
  shadowed: ShadowedKey[];
}

// ---- Inputs: plain objects both packages take ----

/** The fields of an audit event other than the key. */
export interface AuditFields {
  /** What was done, e.g. `image.render`. */
  action: string;
  /** The request path (redacted on the way in). */
  endpoint: string;
  method: string;
  /** The HTTP status of the response. */
  status: number;
  /** When, in ms since the epoch (default: now). */
  timestamp?: number;
  /** The same as `timestamp` (the Node package's first name for it). */
  timestampMs?: number;
  ip?: string;
  /** The client's user agent (redacted on the way in). */
  userAgent?: string;
}
/** Relaxations of the strict default policy; both off unless `true`. */
export interface Policy {
  /** Allow a live key in development, test and staging. */
  allowLiveOutsideProduction?: boolean;
  /** Allow a test key in production. */
  allowTestInProduction?: boolean;
}
/** Tuning of the key ring; every field absent (or `null`) keeps the core's default. */
export interface RingConfig {
  /** Retries of a transient failure on the same key (default 2). */
  maxRetries?: number;
  /** How long a key that answered 401 stays demoted, in ms (default 300000). */
  cooldownMs?: number;
  /** First backoff delay in ms (default 250); doubles per retry. */
  baseDelayMs?: number;
  /** Longest backoff delay in ms (default 8000). */
  maxDelayMs?: number;
  /** Longest wait a `Retry-After` header can impose, in ms (default 30000). */
  retryAfterCapMs?: number;
  /** Randomise backoff delays (default true). */
  jitter?: boolean;
}
/** What happened to one attempt: the answer's status (and `Retry-After` header), or no answer. */
export type Outcome =
  | { status: number; retryAfter?: string | null }
  | "timeout" | "connection"
  | { error: "timeout" | "connection" };

// ---- The usage monitor (`Monitor`): the core's serde output (core/src/monitor) ----

/** What an alert is about (docs/monitor.md lists each detector and its defaults). */
export type AlertKind =
  | "request_spike" | "error_rate_spike" | "auth_failure_burst" | "rate_limit_burst"
  | "disallowed_network" | "new_network" | "off_hours" | "use_after_revocation"
  | "test_key_from_production" | "read_only_write" | "foreign_environment" | "shared_key";
/** How urgent an alert is. */
export type Severity = "low" | "medium" | "high" | "critical";
/** Where an event was read: the source (`memory` for events fed in process) and its 1-based line (ordinal). */
export interface Evidence { source: string; line: number; }
/** An address of an alert with its special-purpose class (country and AS only from the CLI's `--geoip`). */
export interface Location {
  ip: string;
  class: "public" | "private" | "shared" | "loopback" | "link_local" | "documentation" | "benchmarking" | "multicast" | "unspecified" | "reserved";
  country: string | null;
  asn: number | null;
  as_org: string | null;
}
/** One alert; `id` (`kind:keyId:start`) is shared by its start, updates and end. */
export interface Alert {
  id: string;
  kind: AlertKind;
  severity: Severity;
  /** The key's ID or fingerprint; never a key. */
  keyId: string;
  /** `false` once the cool-down ran out. */
  open: boolean;
  /** Start of the first window that fired (UTC, `YYYY-MM-DDTHH:MM:SSZ`). */
  start: string;
  /** End of the last window that fired. */
  end: string;
  windows: number;
  /** The strongest window's figure (requests, error rate, matching requests). */
  observed: number;
  /** The baseline for that window, when the detector has one. */
  expected: number | null;
  /** The figures behind it, for people. */
  detail: string;
  /** Requests that matched, over all firing windows. */
  events: number;
  /** `[value, count]` pairs, most first. */
  top_ips: [string, number][];
  top_networks: [string, number][];
  top_user_agents: [string, number][];
  /** `METHOD endpoint` with counts. */
  top_endpoints: [string, number][];
  /** The first events that show it. */
  evidence: Evidence[];
  /** One line of what to do. */
  action: string;
  locations: Location[];
}
/** A lifecycle notification: what `Monitor.poll()` returns and `onAlert` receives. */
export interface AlertUpdate { phase: "start" | "update" | "end"; alert: Alert; }
/** Requests and failures of one key over time, in equal buckets (for charts). */
export interface Timeline { start: string; bucket_secs: number; requests: number[]; errors: number[]; denied: number[]; }
/** Usage of one key. */
export interface KeyUsage {
  keyId: string;
  name: string | null;
  requests: number;
  status_2xx: number;
  status_3xx: number;
  status_4xx: number;
  status_5xx: number;
  /** 401 and 403 answers. */
  auth_failures: number;
  /** 429 answers. */
  rate_limited: number;
  errors: number;
  error_rate: number;
  first_seen: string;
  last_seen: string;
  distinct_ips: number;
  distinct_networks: number;
  top_networks: [string, number][];
  top_user_agents: [string, number][];
  endpoints: [string, number][];
  /** Requests per hour of the week in UTC, Monday 00:00 first (168 entries). */
  hour_of_week: number[];
  timeline: Timeline;
  /** Whether the statistical detectors are still learning this key's traffic. */
  learning: boolean;
  /** Whether the configuration lists this key. */
  configured: boolean;
}
/** Events left out, by code (`invalid_json`, `out_of_order`, `secret_in_key_id`, …), with their first lines. */
export interface IssueCount { code: string; message: string; count: number; lines: Evidence[]; }
/** `Monitor.report()`: the same report as `pictify-keys audit --format json`. */
export interface MonitorReport {
  /** Events fed (lines read). */
  lines: number;
  /** Events analysed. */
  events: number;
  window_minutes: number;
  issues: IssueCount[];
  keys: KeyUsage[];
  /** Every alert, closed and open, by start time. */
  alerts: Alert[];
}
