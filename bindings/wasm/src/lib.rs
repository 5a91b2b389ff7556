//! WebAssembly bindings of the pictify-keys core (wasm-bindgen), for edge workers (Cloudflare
//! Workers / workerd, Vercel Edge, Deno Deploy), browsers and Node.
//!
//! Thin by design: every file wraps the core module of the same name and only converts
//! arguments, results and errors. Errors reach JavaScript as `Error` objects whose `.code` is
//! the core's stable code. Features keep the default module small (validation, environment
//! policy, redaction); `ring` adds the key ring and `client` the `fetch` client driving it.

pub mod audit;
pub mod check;
pub mod dotenv;
pub mod env;
pub mod error;
pub mod key;
pub mod redact;
pub mod source;

#[cfg(feature = "ring")]
pub mod ring;

#[cfg(feature = "client")]
pub mod http;

use wasm_bindgen::prelude::wasm_bindgen;

/// TypeScript shapes of the plain objects this package takes and returns.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A plain variables object: a Worker's `env`, `process.env`, `Deno.env.toObject()`. Non-string values are ignored. */
export type EnvObject = Record<string, unknown>;
export type EnvironmentName = "production" | "staging" | "development" | "test" | "unknown";
/** The environment and the variable that decided it. */
export interface Detection { environment: EnvironmentName; variable: string | null; value: string | null; }
/** Relaxations of the strict policy (both false by default). */
export interface Policy { allowLiveOutsideProduction?: boolean; allowTestInProduction?: boolean; }
export interface Warning { code: "unknown_environment" | "relaxed_policy" | string; message: string; }
export interface Allowed { allowed: true; warning: Warning | null; }
export interface KeyCheck {
  source: string; variable: string; fingerprint: string | null; mode: "live" | "test" | null;
  verdict: "allowed" | "warning" | "refused" | "malformed"; code: string | null; message: string | null;
}
export interface CheckReport { environment: Detection; keys: KeyCheck[]; error: { code: string; message: string } | null; exitStatus: 0 | 1 | 2; }
export interface CheckOptions { environment?: Detection | EnvironmentName; policy?: Policy; source?: string; }
/** A key and where it came from (`env:PICTIFY_API_KEY_NEW`). */
export interface LoadedKey { key: ApiKey; source: string; }
export type RedactStyle = "fingerprint" | "redacted" | "mask";
/** The details an error carries (docs/errors.md lists which, per code); absent when not carried. */
export interface ErrorDetails {
  position?: number; vendor?: string; origin?: string; environment?: string; variable?: string; value?: string;
  line?: number; column?: number; status?: number; tried?: number; attempts?: number; apiCode?: string; requestId?: string;
}
/** Every error this package throws: `message` reads `[code] message`; each detail is also set on the error. */
export interface PictifyKeyError extends Error, ErrorDetails {
  name: "PictifyKeyError"; code: string; family: "format" | "environment" | "source" | "http" | "input";
  details: ErrorDetails;
}
export interface AuditEventOptions { keyId?: string; action: string; endpoint: string; method: string; status: number; timestamp?: number | Date; ip?: string; userAgent?: string; }
export interface RingConfig { maxRetries?: number; cooldownMs?: number; baseDelayMs?: number; maxDelayMs?: number; retryAfterCapMs?: number; jitter?: boolean; }
export type KeyInput = string | ApiKey | LoadedKey;
export type Outcome = { status: number; retryAfter?: string | null } | "timeout" | "connection_error";
export interface Decision { decision: "done" | "try_next_key" | "retry" | "fail"; delayMs?: number; error?: PictifyKeyError; }
export interface KeyStats { fingerprint: string; source: string; requests: number; successes: number; unauthorized: number; errors: number; lastUsedMs: number | null; demotedUntilMs: number | null; }
export interface Fallback { fromFingerprint: string; fromSource: string; toFingerprint: string; toSource: string; atMs: number; }
export interface ClientOptions extends RingConfig {
  /** Keys in priority order; else read from `env`. */ keys?: KeyInput[];
  env?: EnvObject; baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number;
  /** The environment for the policy applied to every key when the client is built; detected from `env` (else `process.env` on Node and Deno) when absent. */
  environment?: Detection | EnvironmentName;
  /** Relaxations of the strict environment policy. */
  policy?: Policy;
}
export interface ApiResponse<T = unknown> { status: number; body: T; keyFingerprint: string; keyOrigin: string; attempts: number; fallbacks: Fallback[]; }
"#;
