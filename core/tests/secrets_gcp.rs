//! Google Secret Manager through the native transport against a small stand-in on loopback
//! that follows the documented REST shapes: `versions/V:access` answering `payload.data`
//! (base64) with `dataCrc32c`, JSON errors with `error.status`, and the metadata server's
//! token endpoint (`Metadata-Flavor: Google`), the list of enabled versions (newest first) for
//! the fallback to the previous enabled version, and service-account self-signed JWTs, which
//! it verifies (RS256) with the public half of a key `openssl` makes for the test. The client
//! verifies the checksum. (It stays here rather than in tests/mock-api: it needs `ring` for
//! the JWT check, which the Pictify API stand-in does not otherwise carry.)
#![cfg(feature = "secrets-http")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

use pictify_keys::secrets::gcp::crc32c;
use pictify_keys::secrets::{fetch_keys, FetchOptions, NativeTransport, SecretRef};
use pictify_keys::Error;

const TOKEN: &str = "ya29.FAKEmetadataToken";
const KEY: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";
const OLD: &str = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4";

/// The stand-in's copy of the service account's public key (RSAPublicKey DER), once made.
static PUBLIC_KEY: OnceLock<Vec<u8>> = OnceLock::new();
/// How many self-signed JWTs the stand-in verified.
static JWTS_VERIFIED: AtomicUsize = AtomicUsize::new(0);

fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A self-signed service-account JWT as Google checks it: RS256 over `header.claims` with the
/// account's public key, `kid`, `iss = sub`, the Secret Manager audience, one hour.
fn jwt_valid(jwt: &str) -> bool {
    let Some(public) = PUBLIC_KEY.get() else {
        return false;
    };
    let parts: Vec<&str> = jwt.split('.').collect();
    let [h, c, sig] = parts[..] else { return false };
    let Some(sig) = b64url_decode(sig) else {
        return false;
    };
    let key = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public);
    if key.verify(format!("{h}.{c}").as_bytes(), &sig).is_err() {
        return false;
    }
    let json = |s| serde_json::from_slice::<serde_json::Value>(&b64url_decode(s)?).ok();
    let (Some(header), Some(claims)) = (json(h), json(c)) else {
        return false;
    };
    let ok = header["alg"] == "RS256"
        && header["kid"] == "FAKEkid1"
        && claims["iss"] == "pictify@p1.iam.gserviceaccount.com"
        && claims["sub"] == claims["iss"]
        && claims["aud"] == "https://secretmanager.googleapis.com/"
        && claims["exp"]
            .as_u64()
            .zip(claims["iat"].as_u64())
            .map(|(e, i)| e - i)
            == Some(3600);
    if ok {
        JWTS_VERIFIED.fetch_add(1, Ordering::SeqCst);
    }
    ok
}

/// A fresh 2048-bit RSA key from `openssl`: (PKCS#8 PEM, RSAPublicKey DER). `None` after a
/// loud skip notice when openssl is absent (a failure under CI).
fn rsa_key() -> Option<(String, Vec<u8>)> {
    let run = |args: &[&str], input: &[u8]| -> Option<Vec<u8>> {
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(input).ok()?;
        let out = child.wait_with_output().ok()?;
        out.status.success().then_some(out.stdout)
    };
    let pem = run(
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ],
        b"",
    );
    let Some(pem) = pem else {
        let msg = "openssl is not installed; the service-account JWT test cannot make a key";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("SKIPPED: {msg}");
        return None;
    };
    let public = run(&["rsa", "-RSAPublicKey_out", "-outform", "DER"], &pem)?;
    Some((String::from_utf8(pem).ok()?, public))
}

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
    let bearer = headers.iter().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        let value = value.trim();
        (name.eq_ignore_ascii_case("authorization") && value.len() > 7)
            .then(|| value[7..].to_owned())
    });
    let jwt_ok = bearer
        .as_deref()
        .is_some_and(|b| b != TOKEN && jwt_valid(b));
    if !has(&format!("authorization: bearer {TOKEN}")) && !jwt_ok {
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
        // Versions newest first, as the API lists them; version 1 is the key before rotation.
        "/v1/projects/p1/secrets/pictify/versions?filter=state%3AENABLED&pageSize=25" => (200, r#"{"versions":[
            {"name":"projects/123/secrets/pictify/versions/2","createTime":"1970-01-01T00:00:10Z","state":"ENABLED"},
            {"name":"projects/123/secrets/pictify/versions/1","createTime":"1970-01-01T00:00:01Z","state":"ENABLED"}],"totalSize":2}"#.into()),
        "/v1/projects/p1/secrets/pictify/versions/1:access" => (200, payload("pictify", OLD.as_bytes(), crc32c(OLD.as_bytes())).replace("versions/2", "versions/1")),
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
        vec![
            (
                "gcp-sm://projects/p1/secrets/pictify".to_owned(),
                "pk_live_****a1b2".to_owned()
            ),
            (
                "gcp-sm://projects/p1/secrets/pictify@previous".to_owned(),
                "pk_live_****c3d4".to_owned()
            )
        ],
        "latest, then the previous enabled version while latest is inside the overlap"
    );
    assert_eq!(
        requests.load(Ordering::SeqCst),
        4,
        "token, access latest, list enabled versions, access version 1"
    );
    // Past the overlap, latest alone.
    let r = SecretRef::parse("gcp-sm://projects/p1/secrets/pictify", "test").unwrap();
    let late = fetch_keys(
        &r,
        &env,
        &NativeTransport::new(),
        10 + 3600,
        FetchOptions::default(),
    );
    assert_eq!(late.unwrap().len(), 1);
    // A version named explicitly is that version alone, no fallback.
    assert_eq!(
        fetch("gcp-sm://projects/p1/secrets/pictify/versions/1", &env).unwrap(),
        vec![(
            "gcp-sm://projects/p1/secrets/pictify/versions/1".to_owned(),
            "pk_live_****c3d4".to_owned()
        )]
    );
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
        2
    );
}

/// `GOOGLE_APPLICATION_CREDENTIALS` with a service-account key: the core signs an RS256 JWT
/// with `ring` and sends it as the Bearer token; the stand-in verifies it with the public key.
#[test]
fn google_secret_manager_with_a_service_account_key() {
    let Some((pem, public)) = rsa_key() else {
        return;
    };
    PUBLIC_KEY.set(public).unwrap();
    let (host, _) = stand_in();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("sa.json");
    let sa = serde_json::json!({
        "type": "service_account",
        "project_id": "p1",
        "private_key_id": "FAKEkid1",
        "private_key": pem,
        "client_email": "pictify@p1.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    });
    std::fs::write(&key_file, sa.to_string()).unwrap();
    let env: BTreeMap<String, String> = [
        (
            "GOOGLE_APPLICATION_CREDENTIALS",
            key_file.display().to_string(),
        ),
        (
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER",
            format!("http://{host}"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let keys = fetch("gcp-sm://projects/p1/secrets/pictify/versions/latest", &env).unwrap();
    assert_eq!(keys[0].1, "pk_live_****a1b2");
    assert!(
        JWTS_VERIFIED.load(Ordering::SeqCst) >= 1,
        "the JWT was verified"
    );
    // The same account with another key: the signature does not verify.
    let Some((other, _)) = rsa_key() else { return };
    std::fs::write(
        &key_file,
        sa.to_string()
            .replace(&pem.replace('\n', "\\n"), &other.replace('\n', "\\n")),
    )
    .unwrap();
    let report = fetch("gcp-sm://projects/p1/secrets/pictify", &env)
        .unwrap_err()
        .report();
    assert_eq!(report.code, "secret_access_denied");
    assert!(!report.message.contains("PRIVATE KEY"));
    // A user credential (gcloud auth application-default login) is not a service account.
    std::fs::write(
        &key_file,
        r#"{"type":"authorized_user","refresh_token":"FAKE"}"#,
    )
    .unwrap();
    let report = fetch("gcp-sm://projects/p1/secrets/pictify", &env)
        .unwrap_err()
        .report();
    assert_eq!(
        (report.code, report.details.variable.as_deref()),
        (
            "secret_credentials_missing",
            Some("GOOGLE_APPLICATION_CREDENTIALS")
        )
    );
}
