//! `parseDotEnv`: `.env` text into a plain variables object (mirrors `core/src/dotenv.rs`).
//!
//! Edge workers have no files; this serves `.env` text fetched from elsewhere (a KV value, a
//! test fixture). Nothing is written into any environment.

use js_sys::{Object, Reflect};
use pictify_keys::{DotEnv, EnvLookup};
use wasm_bindgen::prelude::*;

use crate::error::core_error;

/// Parses `.env` text into `{ NAME: value }`. Throws `env_file_syntax` (with `.line` and
/// `.column`) when the text cannot be parsed.
#[wasm_bindgen(js_name = parseDotEnv, unchecked_return_type = "Record<string, string>")]
pub fn parse_dot_env(text: &str) -> Result<Object, JsValue> {
    let env = DotEnv::parse(text).map_err(|e| core_error(&e.into()))?;
    let out = Object::new();
    for name in env.names() {
        if let Some(value) = env.get(name) {
            let _ = Reflect::set(&out, &JsValue::from_str(name), &JsValue::from_str(&value));
        }
    }
    Ok(out)
}
