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

#[cfg(feature = "client")]
pub mod secrets;

use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

/// A core result as a plain JS object in its one shape (tests/vectors/shapes.json): the
/// core's serde output, parsed by `JSON.parse`. The core types hold no key material.
pub(crate) fn to_js(value: &(impl serde::Serialize + ?Sized)) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL)
}

/// The property `name` of an object or function; `undefined` for anything else.
pub(crate) fn get(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        js_sys::Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A plain JS argument (a detection, a policy, an options object, an outcome) as JSON, for
/// the core's `input` readers; `undefined` is `null`.
pub(crate) fn json(value: &JsValue) -> Result<serde_json::Value, JsValue> {
    if value.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text.as_string()?).ok())
        .ok_or_else(|| error::invalid_argument("expected a plain object or value (JSON)"))
}

/// The host's clock, `Date.now()`: the one time source of this package (key rings, the
/// client's driver, audit events' default timestamp); the core reads no clock on wasm32.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostClock;

impl pictify_keys::Clock for HostClock {
    fn now_ms(&self) -> u64 {
        // NaN and negative readings become 0.
        js_sys::Date::now().max(0.0) as u64
    }
}

/// The result shapes shared with the Node package (`Detection`, `CheckReport`, `Decision`,
/// `KeyStats`, …): one declaration file for both, pinned by tests/vectors/shapes.json.
#[wasm_bindgen(typescript_custom_section)]
const TS_SHAPES: &'static str = include_str!("../../../packages/shapes.d.ts");

/// TypeScript shapes of the plain objects this package alone takes.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A plain variables object: a Worker's `env`, `process.env`, `Deno.env.toObject()`. Non-string values are ignored. */
export type EnvObject = Record<string, unknown>;
export interface CheckOptions { environment?: Detection | EnvironmentName; policy?: Policy; source?: string; }
export type RedactStyle = "fingerprint" | "redacted" | "mask";
/** Every error this package throws: `message` reads `[code] message`; each detail is also set on the error. */
export interface PictifyKeyError extends Error, ErrorDetails {
  name: "PictifyKeyError"; code: string; family: "format" | "environment" | "source" | "http" | "input";
  details: ErrorDetails;
}
export interface AuditEventOptions extends Omit<AuditFields, "timestamp"> { keyId?: string; timestamp?: number | Date; }
export type KeyInput = string | ApiKey | SourcedKey;
export interface ClientOptions extends RingConfig {
  /** Keys in priority order; else read from `env`. */ keys?: KeyInput[];
  env?: EnvObject; baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number;
  /** The environment for the policy applied to every key when the client is built; detected from `env` (else `process.env` on Node and Deno) when absent. */
  environment?: Detection | EnvironmentName;
  /** Relaxations of the strict environment policy. */
  policy?: Policy;
}
"#;
