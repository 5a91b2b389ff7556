//! `checkKeys`: the whole "is my key OK here?" check over an env object (mirrors
//! `core/src/check.rs`, the same answer `pictify-keys check` prints).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::env::{detection_from_js, detection_to_js, env_or_host, policy_from_js};

fn set(obj: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(name), value);
}

fn opt_str(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
/// `PICTIFY_API_KEY_OLD`) in `env` against the detected environment. Without `env`:
/// `process.env` on Node and Deno; on Workers and in browsers `env` is required.
///
/// `options`: `{ environment?, policy?, source? }` (`source` names where the variables come
/// from, default `env`). Returns `{ environment, keys: [{ source, variable, fingerprint,
/// mode, verdict, code, message }], error: { code, message } | null, exitStatus }`; never
/// throws for a bad key (the verdict says it).
#[wasm_bindgen(js_name = checkKeys, unchecked_return_type = "CheckReport")]
pub fn check_keys(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let map = env_or_host(&env)?;
    let get = |name: &str| {
        if options.is_object() {
            Reflect::get(&options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    };
    let environment = get("environment");
    let detection = if environment.is_undefined() || environment.is_null() {
        None
    } else {
        Some(detection_from_js(&environment)?)
    };
    let source = get("source")
        .as_string()
        .unwrap_or_else(|| "env".to_owned());
    let report = pictify_keys::check_keys(&map, &source, detection, policy_from_js(&get("policy")));

    let keys = Array::new();
    for k in &report.keys {
        let o = Object::new();
        set(&o, "source", &k.source.as_str().into());
        set(&o, "variable", &k.variable.into());
        set(
            &o,
            "fingerprint",
            &opt_str(k.key.as_ref().map(|(f, _)| f.as_str())),
        );
        set(
            &o,
            "mode",
            &opt_str(k.key.as_ref().map(|(_, m)| m.as_str())),
        );
        set(&o, "verdict", &k.verdict.as_str().into());
        set(&o, "code", &opt_str(k.verdict.code()));
        set(&o, "message", &opt_str(k.verdict.message().as_deref()));
        keys.push(&o);
    }
    let out = Object::new();
    set(&out, "environment", &detection_to_js(&report.detection));
    set(&out, "keys", &keys);
    let error = match report.error() {
        Some(e) => {
            let eo = Object::new();
            set(&eo, "code", &e.code().into());
            set(&eo, "message", &e.to_string().into());
            eo.into()
        }
        None => JsValue::NULL,
    };
    set(&out, "error", &error);
    set(
        &out,
        "exitStatus",
        &JsValue::from_f64(f64::from(report.exit_status())),
    );
    Ok(out.into())
}
