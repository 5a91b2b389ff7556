//! Google Secret Manager through the native transport against a small stand-in on loopback
//! that follows the documented REST shapes: `versions/V:access` answering `payload.data`
//! (base64) with `dataCrc32c`, JSON errors with `error.status`, and the metadata server's
//! token endpoint (`Metadata-Flavor: Google`). The client verifies the checksum.
#![cfg(feature = "secrets-http")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pictify_keys::secrets::gcp::crc32c;
use pictify_keys::secrets::{fetch_keys, FetchOptions, NativeTransport, SecretRef};
use pictify_keys::Error;

const TOKEN: &str = "ya29.FAKEmetadataToken";
const KEY: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// (status, body) for one request line and its headers.
fn answer(path: &str, headers: &[String]) -> (u16, String) {
    let has = |h: &str| headers.iter().any(|l| l.eq_ignore_ascii_case(h));
    if path == "/computeMetadata/v1/instance/service-accounts/default/token" {
        if !has("metadata-flavor: google") {
            return (403, "missing Metadata-Flavor".into());
        }
        return (
            200,
            format!(r#"{{"access_token":"{TOKEN}","expires_in":3599,"token_type":"Bearer"}}"#),
        );
    }
    if !has(&format!("authorization: bearer {TOKEN}")) {
        return (
            403,
            r#"{"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}}"#
                .into(),
        );
    }
    let payload = |name: &str, data: &[u8], crc: u32| {
        format!(
            r#"{{"name":"projects/123/secrets/{name}/versions/2","payload":{{"data":"{}","dataCrc32c":"{crc}"}}}}"#,
            b64(data)
        )
    };
    match path {
        "/v1/projects/p1/secrets/pictify/versions/latest:access" => (200, payload("pictify", KEY.as_bytes(), crc32c(KEY.as_bytes()))),
        "/v1/projects/p1/secrets/corrupt/versions/latest:access" => (200, payload("corrupt", KEY.as_bytes(), crc32c(KEY.as_bytes()) ^ 0x10)),
        "/v1/projects/p1/secrets/binary/versions/latest:access" => (200, payload("binary", &[0xff, 0x00, 0x9f], crc32c(&[0xff, 0x00, 0x9f]))),
        "/v1/projects/p1/secrets/disabled/versions/latest:access" => (400, r#"{"error":{"code":400,"message":"Secret Version [projects/123/secrets/disabled/versions/2] is in DISABLED state.","status":"FAILED_PRECONDITION"}}"#.into()),
        _ => (404, r#"{"error":{"code":404,"message":"Secret [x] not found or has no versions.","status":"NOT_FOUND"}}"#.into()),
    }
}

fn stand_in() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let requests = Arc::new(AtomicUsize::new(0));
    let r = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            r.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            let path = first.split(' ').nth(1).unwrap_or("").to_owned();
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                headers.push(line.trim().to_owned());
            }
            let (status, body) = answer(&path, &headers);
            let _ = write!(stream, "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    (host, requests)
}

fn fetch(reference: &str, env: &BTreeMap<String, String>) -> Result<Vec<(String, String)>, Error> {
    let r = SecretRef::parse(reference, "test").map_err(Error::from)?;
    fetch_keys(&r, env, &NativeTransport::new(), 0, FetchOptions::default())
        .map(|keys| {
            keys.iter()
                .map(|k| (k.origin().to_owned(), k.key().fingerprint()))
                .collect()
        })
        .map_err(Error::from)
}

fn code(reference: &str, env: &BTreeMap<String, String>) -> &'static str {
    let report = fetch(reference, env).unwrap_err().report();
    assert!(!report.message.contains(TOKEN) && !report.message.contains("FAKE3Wwd25rq4f5zr3a1b2"));
    report.code
}

#[test]
fn google_secret_manager_via_the_metadata_server() {
    let (host, requests) = stand_in();
    let env: BTreeMap<String, String> = [
        ("GCE_METADATA_HOST", host.clone()),
        (
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER",
            format!("http://{host}/"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let keys = fetch("gcp-sm://projects/p1/secrets/pictify", &env).unwrap();
    assert_eq!(
        keys,
        vec![(
            "gcp-sm://projects/p1/secrets/pictify".to_owned(),
            "pk_live_****a1b2".to_owned()
        )]
    );
    assert_eq!(requests.load(Ordering::SeqCst), 2, "token, then access");
    assert_eq!(
        code("gcp-sm://projects/p1/secrets/corrupt", &env),
        "secret_invalid_response"
    );
    assert_eq!(
        code("gcp-sm://projects/p1/secrets/binary", &env),
        "secret_not_text"
    );
    assert_eq!(
        code("gcp-sm://projects/p1/secrets/disabled", &env),
        "secret_manager_error"
    );
    assert_eq!(
        code("gcp-sm://projects/p1/secrets/nothing/versions/3", &env),
        "secret_not_found"
    );
    // A token given directly (Workers, CI) skips the metadata server; a wrong one is refused.
    let mut direct = env.clone();
    direct.remove("GCE_METADATA_HOST");
    direct.insert("GOOGLE_OAUTH_ACCESS_TOKEN".into(), "ya29.FAKEwrong".into());
    assert_eq!(
        code("gcp-sm://projects/p1/secrets/pictify", &direct),
        "secret_access_denied"
    );
    direct.insert("GOOGLE_OAUTH_ACCESS_TOKEN".into(), TOKEN.into());
    assert_eq!(
        fetch("gcp-sm://projects/p1/secrets/pictify", &direct)
            .unwrap()
            .len(),
        1
    );
}
