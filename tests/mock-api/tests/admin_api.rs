//! The mock API over real HTTP on loopback: authentication before work, idempotency
//! deduplication, scripted failures and the admin endpoints.
#![allow(clippy::unwrap_used, clippy::panic)]

use pictify_mock_api::{Config, KeyConfig, KeyStatus, MockApi};
use serde_json::{json, Value};

const LIVE: &str = "pk_live_FAKEm0ckAp1Kq7w8e9r0T1y2";
const OTHER: &str = "pk_live_FAKEx9Lp3Vb8Nc5Qz2Jh6g7f";

async fn server() -> MockApi {
    MockApi::start(Config {
        keys: vec![KeyConfig {
            key: LIVE.into(),
            status: KeyStatus::Active,
        }],
        failures: vec![],
    })
    .await
    .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn rejects_missing_unknown_and_revoked_keys_before_work() {
    let api = server().await;
    let c = client();
    let url = format!("{}/image", api.url());
    let r = c
        .post(&url)
        .json(&json!({"html": "<p>hi</p>"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .post(&url)
        .bearer_auth(OTHER)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_api_key");

    let r = c
        .post(format!("{}/_admin/keys", api.url()))
        .json(&json!({"key": LIVE, "status": "revoked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .post(&url)
        .bearer_auth(LIVE)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let summary: Value = c
        .get(format!("{}/_admin/summary", api.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(summary["requests"], 3);
    assert_eq!(summary["executed"], 0);
    let records = api.records();
    assert_eq!(records[0].key_status, "missing");
    assert_eq!(records[1].key_status, "unknown");
    assert_eq!(records[2].key_status, "revoked");
    assert_eq!(
        records[2].key_fingerprint.as_deref(),
        Some("pk_live_****T1y2")
    );
}

#[tokio::test]
async fn idempotency_key_dedups_posts() {
    let api = server().await;
    let c = client();
    let url = format!("{}/image", api.url());
    let send = || {
        c.post(&url)
            .bearer_auth(LIVE)
            .header("Idempotency-Key", "idem-1")
            .json(&json!({"html": "x"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let r = send().await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let second: Value = r.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    let s = api.summary();
    assert_eq!(s["executed"], 1);
    assert_eq!(s["duplicate_executions"], 0);
    assert_eq!(s["executions_by_idempotency_key"]["idem-1"], 1);
}

#[tokio::test]
async fn scripted_failures_play_in_order() {
    let api = server().await;
    let c = client();
    let script = json!([
        {"kind": "status", "status": 429, "retry_after": "1", "path": "/image"},
        {"kind": "status", "status": 503},
        {"kind": "drop"},
    ]);
    let r = c
        .post(format!("{}/_admin/failures", api.url()))
        .json(&script)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let url = format!("{}/image", api.url());
    let r = c
        .post(&url)
        .bearer_auth(LIVE)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    let r = c
        .post(&url)
        .bearer_auth(LIVE)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(c
        .post(&url)
        .bearer_auth(LIVE)
        .json(&json!({}))
        .send()
        .await
        .is_err());
    let r = c
        .post(&url)
        .bearer_auth(LIVE)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let records = api.records();
    let scripted: Vec<_> = records.iter().map(|r| r.scripted.clone()).collect();
    assert_eq!(
        scripted,
        [
            Some("status:429".into()),
            Some("status:503".into()),
            Some("drop".into()),
            None
        ]
    );
    assert_eq!(api.summary()["executed"], 1);
}
