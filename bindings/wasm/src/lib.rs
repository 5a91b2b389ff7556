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

use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

/// A core result as a plain JS object in its one shape (tests/vectors/shapes.json): the
/// core's serde output, parsed by `JSON.parse`. The core types hold no key material.
pub(crate) fn to_js(value: &(impl serde::Serialize + ?Sized)) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL)
}

/// The result shapes shared with the Node package (`Detection`, `CheckReport`, `Decision`,
/// `KeyStats`, …): one declaration file for both, pinned by tests/vectors/shapes.json.
#[wasm_bindgen(typescript_custom_section)]
const TS_SHAPES: &'static str = include_str!("../../../packages/shapes.d.ts");

/// TypeScript shapes of the plain objects this package takes (and the few it alone returns).
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A plain variables object: a Worker's `env`, `process.env`, `Deno.env.toObject()`. Non-string values are ignored. */
export type EnvObject = Record<string, unknown>;
/** Relaxations of the strict policy (both false by default). */
export interface Policy { allowLiveOutsideProduction?: boolean; allowTestInProduction?: boolean; }
export interface CheckOptions { environment?: Detection | EnvironmentName; policy?: Policy; source?: string; }
/** A key and where it came from (`env:PICTIFY_API_KEY_NEW`). */
export interface LoadedKey { key: ApiKey; source: string; }
export type RedactStyle = "fingerprint" | "redacted" | "mask";
/** Every error this package throws: `message` reads `[code] message`; each detail is also set on the error. */
export interface PictifyKeyError extends Error, ErrorDetails {
  name: "PictifyKeyError"; code: string; family: "format" | "environment" | "source" | "http" | "input";
  details: ErrorDetails;
}
export interface AuditEventOptions { keyId?: string; action: string; endpoint: string; method: string; status: number; timestamp?: number | Date; ip?: string; userAgent?: string; }
export interface RingConfig { maxRetries?: number; cooldownMs?: number; baseDelayMs?: number; maxDelayMs?: number; retryAfterCapMs?: number; jitter?: boolean; }
export type KeyInput = string | ApiKey | LoadedKey;
export type Outcome = { status: number; retryAfter?: string | null } | "timeout" | "connection";
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
