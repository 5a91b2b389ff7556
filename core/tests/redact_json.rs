//! Structured JSON redaction (feature `json`) and the audit event's serialised shape.
#![cfg(feature = "json")]
#![allow(clippy::unwrap_used, clippy::panic)]

use pictify_keys::redact::{is_sensitive_field, redact_json, Redactor, Style};
use pictify_keys::{ApiKey, AuditEvent, KeyRef, Timestamp};
use serde_json::{json, Value};

const K: &str = "pk_live_FAKEq8Rk2mZxL0pWv3Ny7a1b2";
const T: &str = "pk_test_FAKEh4Jd9sLq2Xc8Bn5Mz0c3d4";

#[test]
fn sensitive_fields_are_replaced_whole() {
    let mut v = json!({
        "api_key": "anything at all FAKE",
        "apiKey": K,
        "X-Api-Key": "FAKEopaque",
        "Authorization": format!("Bearer {T}"),
        "authorization_header": "kept: not a sensitive name",
        "client_secret": {"nested": "FAKE"},
        "Password": 12345,
        "access_token": ["FAKEa", "FAKEb"],
        "token": null,
        "secret": false,
    });
    redact_json(&mut v);
    assert_eq!(
        v,
        json!({
            "api_key": "[REDACTED]",
            "apiKey": "pk_live_****a1b2",
            "X-Api-Key": "[REDACTED]",
            "Authorization": "Bearer pk_test_****c3d4",
            "authorization_header": "kept: not a sensitive name",
            "client_secret": "[REDACTED]",
            "Password": "[REDACTED]",
            "access_token": "[REDACTED]",
            "token": null,
            "secret": false,
        })
    );
}

#[test]
fn every_other_string_is_scanned_at_any_depth() {
    let mut v = json!({
        "request": {"url": format!("/v1/render?api_key={K}"), "headers": [["X-Trace", "1"]]},
        "events": [{"msg": format!("rotated {K} -> {T}")}, 3, true, null],
        K: "a key used as an object key",
        "untouched": "pk_ prefix in prose, 3f2c9a1e-8b7d-4c6e-9f0a-1b2c3d4e5f60",
    });
    redact_json(&mut v);
    let text = v.to_string();
    assert!(
        !text.contains("FAKEq8Rk2") && !text.contains("FAKEh4Jd9"),
        "{text}"
    );
    assert_eq!(v["request"]["url"], "/v1/render?api_key=pk_live_****a1b2");
    assert_eq!(
        v["events"][0]["msg"],
        "rotated pk_live_****a1b2 -> pk_test_****c3d4"
    );
    assert_eq!(v["pk_live_****a1b2"], "a key used as an object key");
    assert_eq!(
        v["untouched"],
        "pk_ prefix in prose, 3f2c9a1e-8b7d-4c6e-9f0a-1b2c3d4e5f60"
    );
}

#[test]
fn json_redaction_is_idempotent_in_every_style() {
    for style in [Style::Fingerprint, Style::Redacted, Style::Mask] {
        let r = Redactor::new(style);
        let mut v =
            json!({"apiKey": K, "token": "FAKEopaque", "msg": format!("Bearer {T}"), "n": 1});
        r.redact_json(&mut v);
        let once = v.clone();
        r.redact_json(&mut v);
        assert_eq!(v, once, "{style:?}");
    }
}

#[test]
fn sensitive_names() {
    for name in [
        "api_key",
        "apiKey",
        "APIKEY",
        "x-api-key",
        "X-Api-Key",
        "authorization",
        "secret",
        "token",
        "password",
        "pictify_api_key",
        "refresh_token",
    ] {
        assert!(is_sensitive_field(name), "{name}");
    }
    for name in ["endpoint", "keyId", "status", "monkey", "author"] {
        assert!(!is_sensitive_field(name), "{name}");
    }
}

#[test]
fn audit_event_has_exactly_the_documented_shape() {
    let key = ApiKey::parse(K).unwrap();
    let event = AuditEvent::new(
        Timestamp::from_unix_millis(1_798_761_599_123),
        "image.render",
        KeyRef::from_key(&key),
        &format!("/v1/render?api_key={K}&w=800"),
        "POST",
        201,
    )
    .with_ip("203.0.113.7")
    .with_user_agent(&format!("my-app/1.0 (key {T})"));
    let serde_text = serde_json::to_string(&event).unwrap();
    assert_eq!(serde_text, event.to_json());
    let v: Value = serde_json::from_str(&serde_text).unwrap();
    let names: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut sorted = vec![
        "timestamp",
        "action",
        "keyId",
        "endpoint",
        "method",
        "status",
        "ip",
        "userAgent",
    ];
    // serde_json's map is ordered by key unless preserve_order is on; compare as sets,
    // and the order on the wire through the text itself.
    let mut got = names.clone();
    got.sort_unstable();
    sorted.sort_unstable();
    assert_eq!(got, sorted);
    let order: Vec<usize> = [
        "\"timestamp\"",
        "\"action\"",
        "\"keyId\"",
        "\"endpoint\"",
        "\"method\"",
        "\"status\"",
        "\"ip\"",
        "\"userAgent\"",
    ]
    .iter()
    .map(|n| serde_text.find(n).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{serde_text}");
    assert_eq!(v["timestamp"], "2026-12-31T23:59:59.123Z");
    assert_eq!(v["keyId"], "pk_live_****a1b2");
    assert_eq!(v["endpoint"], "/v1/render?api_key=pk_live_****a1b2&w=800");
    assert_eq!(v["status"], 201);
    assert_eq!(v["userAgent"], "my-app/1.0 (key pk_test_****c3d4)");
    assert!(!serde_text.contains("FAKEq8") && !serde_text.contains("FAKEh4"));
}

#[test]
fn audit_event_key_id_never_holds_a_secret() {
    assert_eq!(KeyRef::from_id(K).unwrap_err().code(), "secret_in_key_id");
    assert_eq!(
        KeyRef::from_id(&K.to_uppercase()).unwrap_err().code(),
        "secret_in_key_id"
    );
    assert_eq!(
        KeyRef::from_id("key_01HV3K").unwrap().as_str(),
        "key_01HV3K"
    );
    let e = AuditEvent::new(
        Timestamp::from_unix_millis(0),
        "key.revoke",
        KeyRef::from_id("key_01HV3K").unwrap(),
        "/v1/keys",
        "DELETE",
        204,
    );
    assert_eq!(
        e.to_json(),
        r#"{"timestamp":"1970-01-01T00:00:00.000Z","action":"key.revoke","keyId":"key_01HV3K","endpoint":"/v1/keys","method":"DELETE","status":204,"ip":null,"userAgent":null}"#
    );
}
