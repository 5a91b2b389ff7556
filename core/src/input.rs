//! The plain-object (JSON) forms of the values a JavaScript caller hands in: an environment
//! detection, a policy, a ring configuration, an attempt's outcome and an audit event's fields. The Node and WASM
//! packages both read them here, so they accept the same forms (declared once in
//! packages/shapes.d.ts) and refuse the same mistakes with the same `invalid_argument` errors.
//! `null` stands for an absent value and means the default wherever there is one.
//!
//! ```
//! use pictify_keys::{input, Environment, Outcome};
//! use serde_json::json;
//!
//! let d = input::detection(&json!("staging"))?.unwrap();
//! assert_eq!(d.environment, Environment::Staging);
//! assert_eq!(input::outcome(&json!("timeout"))?, Outcome::Timeout);
//! assert_eq!(input::ring_config(&json!({"maxRetries": 0}))?.max_retries, 0);
//! # Ok::<(), pictify_keys::Error>(())
//! ```

use serde_json::Value;

use crate::audit::{AuditEvent, KeyRef, Timestamp};
use crate::env::{Detection, Environment, Policy};
use crate::error::Error;
use crate::ring::{Outcome, RingConfig};

/// A detection: `null` (none given: `None`), an environment name, or an object as
/// `detectEnvironment` returns it (`{environment, variable?, value?}`).
pub fn detection(value: &Value) -> Result<Option<Detection>, Error> {
    let name = match value {
        Value::Null => return Ok(None),
        Value::String(name) => Some(name.as_str()),
        other => other.get("environment").and_then(Value::as_str),
    };
    let environment = name.and_then(Environment::from_name).ok_or_else(|| {
        Error::invalid_argument("environment must be production, staging, development, test or unknown, or the object detectEnvironment returns")
    })?;
    let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
    Ok(Some(Detection {
        environment,
        variable: text("variable"),
        value: text("value"),
    }))
}

/// A policy, `{allowLiveOutsideProduction?, allowTestInProduction?}`: a flag that is absent
/// or not `true` stays strict.
pub fn policy(value: &Value) -> Policy {
    let flag = |name: &str| value.get(name).and_then(Value::as_bool).unwrap_or(false);
    Policy {
        allow_live_outside_production: flag("allowLiveOutsideProduction"),
        allow_test_in_production: flag("allowTestInProduction"),
    }
}

/// A ring configuration: camelCase overrides of [`RingConfig`]'s fields (`maxRetries`,
/// `cooldownMs`, `baseDelayMs`, `maxDelayMs`, `retryAfterCapMs`: whole numbers, a float such
/// as `300000.0` included, as JavaScript numbers come; `jitter`: a boolean), every other
/// field at [`RingConfig::default`]. A `null` field is absent; other fields of the object are
/// ignored (a client's options carry the ring's fields beside their own).
///
/// Read field by field rather than through `RingConfig`'s serde derive: in the WASM module,
/// deserializing from a `serde_json::Value` added 17 KB gzipped to the full package.
pub fn ring_config(value: &Value) -> Result<RingConfig, Error> {
    let bad = || {
        Error::invalid_argument("maxRetries, cooldownMs, baseDelayMs, maxDelayMs and retryAfterCapMs must be whole numbers of at least 0, jitter a boolean")
    };
    let given = |name: &str| value.get(name).filter(|v| !v.is_null());
    let ms = |name: &str, default: u64| match given(name) {
        None => Ok(default),
        Some(v) => v
            .as_u64()
            .or_else(|| {
                v.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 9.0e15)
                    .map(|f| f as u64)
            })
            .ok_or_else(bad),
    };
    if !(value.is_object() || value.is_null()) {
        return Err(Error::invalid_argument("the ring config must be an object"));
    }
    let d = RingConfig::default();
    Ok(RingConfig {
        max_retries: u32::try_from(ms("maxRetries", u64::from(d.max_retries))?)
            .map_err(|_| bad())?,
        cooldown_ms: ms("cooldownMs", d.cooldown_ms)?,
        base_delay_ms: ms("baseDelayMs", d.base_delay_ms)?,
        max_delay_ms: ms("maxDelayMs", d.max_delay_ms)?,
        retry_after_cap_ms: ms("retryAfterCapMs", d.retry_after_cap_ms)?,
        jitter: given("jitter").map_or(Ok(d.jitter), |v| v.as_bool().ok_or_else(bad))?,
    })
}

/// An attempt's outcome: `{status, retryAfter?}` for an answer, else `"timeout"` or
/// `"connection"` (the wire names of tests/vectors/rotation.json), bare or as `{error}`.
pub fn outcome(value: &Value) -> Result<Outcome<'_>, Error> {
    let error = value.as_str().or_else(|| value.get("error")?.as_str());
    let status = value.get("status").filter(|s| !s.is_null());
    let outcome = match (error, status) {
        (Some(name), None) => Outcome::from_name(name),
        (None, Some(status)) => status
            .as_u64()
            .filter(|s| (100..=999).contains(s))
            .map(|s| Outcome::Response {
                status: s as u16,
                retry_after: value.get("retryAfter").and_then(Value::as_str),
            }),
        _ => None,
    };
    outcome.ok_or_else(|| {
        Error::invalid_argument("an outcome is { status, retryAfter? } with an HTTP status, or \"timeout\" or \"connection\"")
    })
}

/// An audit event for `key` from its fields, `{action, endpoint, method, status, timestamp?,
/// ip?, userAgent?}`: `timestamp` (or `timestampMs`) in ms since the epoch, `now_ms` when
/// absent. Every text is redacted on the way in ([`AuditEvent::new`]).
pub fn audit_event(key: KeyRef, fields: &Value, now_ms: i64) -> Result<AuditEvent, Error> {
    let text = |name: &str| fields.get(name).and_then(Value::as_str);
    let required = |name: &str| {
        text(name).ok_or_else(|| {
            Error::invalid_argument(format!("an audit event needs a string `{name}`"))
        })
    };
    let status = fields
        .get("status")
        .and_then(Value::as_u64)
        .filter(|s| *s <= 999);
    let status = status.ok_or_else(|| {
        Error::invalid_argument("an audit event's status must be an HTTP status code")
    })?;
    let millis = match fields
        .get("timestamp")
        .or_else(|| fields.get("timestampMs"))
    {
        None | Some(Value::Null) => now_ms,
        Some(t) => t.as_f64().filter(|t| t.is_finite()).ok_or_else(|| {
            Error::invalid_argument("an audit event's timestamp must be ms since the epoch")
        })? as i64,
    };
    let time = Timestamp::from_unix_millis(millis);
    let (action, endpoint) = (required("action")?, required("endpoint")?);
    let mut event = AuditEvent::new(
        time,
        action,
        key,
        endpoint,
        required("method")?,
        status as u16,
    );
    if let Some(ip) = text("ip") {
        event = event.with_ip(ip);
    }
    if let Some(user_agent) = text("userAgent") {
        event = event.with_user_agent(user_agent);
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
        r.map_or_else(|e| e.code(), |v| panic!("expected an error, got {v:?}"))
    }

    #[test]
    fn a_detection_is_a_name_an_object_or_null() {
        assert_eq!(detection(&Value::Null).unwrap(), None);
        let named = detection(&json!("production")).unwrap().unwrap();
        assert_eq!(named, Detection::explicit(Environment::Production));
        let object = json!({"environment": "test", "variable": "CI", "value": "true"});
        let d = detection(&object).unwrap().unwrap();
        assert_eq!(
            (d.environment, d.variable.as_deref(), d.value.as_deref()),
            (Environment::Test, Some("CI"), Some("true"))
        );
        let nulls = json!({"environment": "unknown", "variable": null, "value": null});
        assert_eq!(detection(&nulls).unwrap(), Some(Detection::unknown()));
        for bad in [
            json!("prod"),
            json!({"variable": "CI"}),
            json!(3),
            json!([]),
        ] {
            assert_eq!(code(detection(&bad)), "invalid_argument", "{bad}");
        }
    }

    #[test]
    fn a_policy_relaxes_only_on_true() {
        assert_eq!(policy(&Value::Null), Policy::strict());
        assert_eq!(
            policy(&json!({"allowTestInProduction": "yes"})),
            Policy::strict()
        );
        let p = policy(&json!({"allowLiveOutsideProduction": true}));
        assert!(p.allow_live_outside_production && !p.allow_test_in_production);
    }

    #[test]
    fn a_ring_config_overrides_the_defaults_it_names() {
        let d = RingConfig::default();
        assert_eq!(ring_config(&Value::Null).unwrap(), d);
        let c =
            ring_config(&json!({"maxRetries": 0, "cooldownMs": 5e9, "jitter": null, "env": {}}))
                .unwrap();
        assert_eq!(c.max_retries, 0);
        assert_eq!(c.cooldown_ms, 5_000_000_000);
        assert_eq!((c.jitter, c.base_delay_ms), (d.jitter, d.base_delay_ms));
        for bad in [
            json!({"maxRetries": -1}),
            json!({"baseDelayMs": 1.5}),
            json!({"jitter": 1}),
            json!(7),
        ] {
            assert_eq!(code(ring_config(&bad)), "invalid_argument", "{bad}");
        }
    }

    #[test]
    fn an_outcome_is_a_status_or_a_failure_name() {
        let answer = json!({"status": 503, "retryAfter": "2"});
        assert_eq!(
            outcome(&answer).unwrap(),
            Outcome::Response {
                status: 503,
                retry_after: Some("2")
            }
        );
        assert_eq!(
            outcome(&json!({"status": 200, "retryAfter": null})).unwrap(),
            Outcome::status(200)
        );
        assert_eq!(
            outcome(&json!("connection")).unwrap(),
            Outcome::ConnectionError
        );
        assert_eq!(
            outcome(&json!({"error": "timeout"})).unwrap(),
            Outcome::Timeout
        );
        for bad in [
            json!({"status": 200, "error": "timeout"}),
            json!({"status": 42}),
            json!({"status": 200.5}),
            json!("connection_error"),
            json!({}),
            Value::Null,
        ] {
            assert_eq!(code(outcome(&bad)), "invalid_argument", "{bad}");
        }
    }

    #[test]
    fn an_audit_event_reads_its_fields_and_redacts_them() {
        let key = KeyRef::from_id("key_01hv3k").unwrap();
        let fields = json!({"action": "image.render", "endpoint": "/v1?api_key=pk_live_FAKE3Wwd25rq4f5zr3a1b2",
            "method": "POST", "status": 200, "timestampMs": 1764201600123_i64, "userAgent": "curl"});
        let e = audit_event(key.clone(), &fields, 0).unwrap();
        assert_eq!(e.timestamp().to_string(), "2025-11-27T00:00:00.123Z");
        assert_eq!(
            (e.action(), e.method(), e.status()),
            ("image.render", "POST", 200)
        );
        assert_eq!(e.endpoint(), "/v1?api_key=pk_live_****a1b2");
        assert_eq!((e.ip(), e.user_agent()), (None, Some("curl")));
        let now = audit_event(
            key.clone(),
            &json!({"action": "a", "endpoint": "/", "method": "GET", "status": 204}),
            5,
        );
        assert_eq!(now.unwrap().timestamp().unix_millis(), 5);
        for bad in [
            json!({"endpoint": "/", "method": "GET", "status": 200}),
            json!({"action": "a", "endpoint": "/", "method": "GET", "status": 1000}),
            json!({"action": "a", "endpoint": "/", "method": "GET", "status": 200, "timestamp": "today"}),
        ] {
            assert_eq!(
                code(audit_event(key.clone(), &bad, 0)),
                "invalid_argument",
                "{bad}"
            );
        }
    }
}
