//! Against real servers on loopback, started here on free ports and stopped by PID:
//! OpenBao's dev server (Vault KV v2 API) and moto's server for AWS Secrets Manager with
//! signature checking turned on (POST `0` to /moto-api/reset-auth), the version stage named in
//! every read. Both come from `tests/secrets/setup.sh` (the `rust-test` recipe runs it).
//!
//! When the binaries are absent the tests say so loudly and skip — on a developer machine
//! only: with `CI` or `PICTIFY_SECRETS_REQUIRED` set (`just rust-test` sets it) they fail.
#![cfg(feature = "secrets-http")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pictify_keys::secrets::sigv4::{sign, AmzDate, AwsCredentials, SigningParams};
use pictify_keys::secrets::wire::SecretRequest;
use pictify_keys::secrets::{fetch_keys, FetchOptions, NativeTransport, SecretRef, Transport};
use pictify_keys::Error;
use zeroize::Zeroizing;

const CURRENT: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";
const PREVIOUS: &str = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4";
const PENDING: &str = "pk_live_FAKEpendingNeverServed77";

fn venv_bin(name: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("PICTIFY_SECRETS_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/secrets-venv"),
        PathBuf::from,
    );
    let p = venv.join("bin").join(name);
    p.is_file().then_some(p)
}

/// The binary, or `None` after a loud skip notice (a failure under CI).
fn require(name: &str) -> Option<PathBuf> {
    let found = venv_bin(name);
    if found.is_none() {
        let msg = format!(
            "{name} is not installed (run `bash tests/secrets/setup.sh`); the real-server secrets tests cannot run"
        );
        if std::env::var_os("CI").is_some()
            || std::env::var_os("PICTIFY_SECRETS_REQUIRED").is_some()
        {
            panic!("{msg}");
        }
        eprintln!("SKIPPED: {msg}");
    }
    found
}

/// A server process, killed (by its PID) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free loopback port whose successor is free too (OpenBao also listens on port + 1).
fn free_port_pair() -> u16 {
    loop {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        if port < 65535 && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn request(
    method: &'static str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> SecretRequest {
    SecretRequest {
        method,
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), Zeroizing::new((*v).to_owned())))
            .collect(),
        body: body.to_vec(),
    }
}

fn send(req: &SecretRequest) -> (u16, String) {
    let resp = NativeTransport::new().send(req).unwrap();
    (
        resp.status,
        String::from_utf8_lossy(&resp.body).into_owned(),
    )
}

fn wait_ready(url: &str) {
    for _ in 0..200 {
        if let Ok(r) = NativeTransport::new().send(&request("GET", url, &[], b"")) {
            if r.status == 200 {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server at {url} did not become ready");
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn fetch(
    reference: &str,
    env: &BTreeMap<String, String>,
    options: FetchOptions,
) -> Result<Vec<(String, String)>, Error> {
    let r = SecretRef::parse(reference, "test").map_err(Error::from)?;
    fetch_keys(&r, env, &NativeTransport::new(), now(), options)
        .map(|keys| {
            keys.iter()
                .map(|k| (k.origin().to_owned(), k.key().fingerprint()))
                .collect()
        })
        .map_err(Error::from)
}

/// The report of a failed fetch, checked to hold none of the given secrets.
fn failure(
    reference: &str,
    env: &BTreeMap<String, String>,
    secrets: &[&str],
) -> pictify_keys::ErrorReport {
    let err = fetch(reference, env, FetchOptions::default()).unwrap_err();
    let report = err.report();
    for s in secrets {
        assert!(
            !report.message.contains(s),
            "{} leaks a credential",
            report.message
        );
        assert!(!format!("{err:?}").contains(s), "Debug leaks a credential");
    }
    report
}

#[test]
fn openbao_kv_v2() {
    let Some(bao) = require("bao") else { return };
    let port = free_port_pair();
    let addr = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(bao)
            .args([
                "server",
                "-dev",
                "-dev-root-token-id=rootFAKEtoken",
                &format!("-dev-listen-address=127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_ready(&format!("{addr}/v1/sys/health"));
    let write = |path: &str, body: &str| {
        let (status, text) = send(&request(
            "POST",
            &format!("{addr}/v1/secret/data/{path}"),
            &[("X-Vault-Token", "rootFAKEtoken")],
            body.as_bytes(),
        ));
        assert_eq!(status, 200, "{text}");
    };
    write(
        "pictify",
        &format!(r#"{{"data":{{"api_key":"{PREVIOUS}"}}}}"#),
    );
    write(
        "pictify",
        &format!(r#"{{"data":{{"api_key":"{CURRENT}"}}}}"#),
    );
    write(
        "newline",
        &format!(r#"{{"data":{{"api_key":"{CURRENT}\n"}}}}"#),
    );
    write("number", r#"{"data":{"api_key":42}}"#);
    write(
        "stripe",
        r#"{"data":{"api_key":"sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc"}}"#,
    );
    write(
        "deleted",
        &format!(r#"{{"data":{{"api_key":"{CURRENT}"}}}}"#),
    );
    let (status, _) = send(&request(
        "DELETE",
        &format!("{addr}/v1/secret/data/deleted"),
        &[("X-Vault-Token", "rootFAKEtoken")],
        b"",
    ));
    assert_eq!(status, 204);

    let good = env(&[("VAULT_ADDR", &addr), ("VAULT_TOKEN", "rootFAKEtoken")]);
    // The current version, then the previous one while the current is younger than the overlap.
    let keys = fetch("vault://secret/pictify", &good, FetchOptions::default()).unwrap();
    assert_eq!(
        keys,
        vec![
            (
                "vault://secret/pictify#api_key".to_owned(),
                "pk_live_****a1b2".to_owned()
            ),
            (
                "vault://secret/pictify#api_key@previous".to_owned(),
                "pk_live_****c3d4".to_owned()
            ),
        ]
    );
    // With no overlap the previous version is no longer offered.
    let keys = fetch(
        "vault://secret/pictify",
        &good,
        FetchOptions { overlap_secs: 0 },
    )
    .unwrap();
    assert_eq!(keys.len(), 1);

    let leaks = ["rootFAKEtoken", "FAKE3Wwd25rq4f5zr3a1b2", "wrongFAKEtoken"];
    let r = failure("vault://secret/newline", &good, &leaks);
    assert_eq!(
        (r.code, r.details.origin.as_deref()),
        ("whitespace", Some("vault://secret/newline#api_key"))
    );
    assert_eq!(
        failure("vault://secret/number", &good, &leaks).code,
        "secret_not_text"
    );
    assert_eq!(
        failure("vault://secret/stripe", &good, &leaks).code,
        "foreign_key"
    );
    assert_eq!(
        failure("vault://secret/pictify#missing", &good, &leaks).code,
        "secret_field_missing"
    );
    assert_eq!(
        failure("vault://secret/nothing", &good, &leaks).code,
        "secret_not_found"
    );
    // A soft-deleted latest version reads as 404 and never falls back to an older one.
    assert_eq!(
        failure("vault://secret/deleted", &good, &leaks).code,
        "secret_not_found"
    );
    let bad_token = env(&[("VAULT_ADDR", &addr), ("VAULT_TOKEN", "wrongFAKEtoken")]);
    let r = failure("vault://secret/pictify", &bad_token, &leaks);
    assert_eq!(
        (r.code, r.details.status),
        ("secret_access_denied", Some(403))
    );
    let no_token = env(&[("VAULT_ADDR", &addr)]);
    let r = failure("vault://secret/pictify", &no_token, &leaks);
    assert_eq!(
        (r.code, r.details.variable.as_deref()),
        ("secret_credentials_missing", Some("VAULT_TOKEN"))
    );
    let ns = env(&[
        ("VAULT_ADDR", &addr),
        ("VAULT_TOKEN", "rootFAKEtoken"),
        ("VAULT_NAMESPACE", "nope"),
    ]);
    assert_eq!(
        failure("vault://secret/pictify", &ns, &leaks).code,
        "secret_not_found"
    );
    let r = failure("vault://secret/pictfy/", &good, &leaks);
    assert_eq!(r.code, "secret_bad_reference");
    drop(_server);
    // Server down.
    let r = failure("vault://secret/pictify", &good, &leaks);
    assert_eq!(r.code, "secret_unreachable");
}

/// moto's IAM and Secrets Manager calls, signed with the core's SigV4.
struct Moto {
    url: String,
    host: String,
}

impl Moto {
    fn call(
        &self,
        creds: &AwsCredentials,
        service: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let amz = AmzDate::from_unix(now());
        let date = amz.amz();
        let mut signed: Vec<(&str, &str)> = vec![("host", &self.host), ("x-amz-date", &date)];
        signed.extend_from_slice(headers);
        let sig = sign(
            "POST",
            "/",
            "",
            &signed,
            body.as_bytes(),
            creds,
            SigningParams {
                region: "us-east-1",
                service,
                time: amz,
            },
        );
        let mut all: Vec<(&str, &str)> =
            vec![("X-Amz-Date", &date), ("Authorization", &sig.authorization)];
        all.extend_from_slice(headers);
        send(&request(
            "POST",
            &format!("{}/", self.url),
            &all,
            body.as_bytes(),
        ))
    }

    fn iam(&self, creds: &AwsCredentials, form: &str) -> String {
        let (status, text) = self.call(
            creds,
            "iam",
            &[("content-type", "application/x-www-form-urlencoded")],
            &format!("{form}&Version=2010-05-08"),
        );
        assert_eq!(status, 200, "{text}");
        text
    }

    fn sm(&self, creds: &AwsCredentials, op: &str, body: &str) -> (u16, String) {
        let target = format!("secretsmanager.{op}");
        self.call(
            creds,
            "secretsmanager",
            &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", &target),
            ],
            body,
        )
    }
}

fn xml_text<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xml.find(&open).unwrap() + open.len();
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    &xml[start..end]
}

#[test]
fn moto_secrets_manager_with_signature_checks() {
    let Some(moto) = require("moto_server") else {
        return;
    };
    let port = free_port_pair();
    let url = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_ready(&format!("{url}/moto-api/"));
    let m = Moto {
        url: url.clone(),
        host: format!("127.0.0.1:{port}"),
    };
    let setup = AwsCredentials::new("AKIDSETUPFAKE", "setupFAKEsecret", None);

    // With auth still off: a user with a read policy and an access key, then the secrets.
    m.iam(&setup, "Action=CreateUser&UserName=pictify");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    let encoded: String = policy
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    m.iam(
        &setup,
        &format!("Action=PutUserPolicy&UserName=pictify&PolicyName=read&PolicyDocument={encoded}"),
    );
    let key_xml = m.iam(&setup, "Action=CreateAccessKey&UserName=pictify");
    let access = xml_text(&key_xml, "AccessKeyId").to_owned();
    let secret = xml_text(&key_xml, "SecretAccessKey").to_owned();

    let sm = |op: &str, body: String| {
        let (status, text) = m.sm(&setup, op, &body);
        assert_eq!(status, 200, "{op}: {text}");
        text
    };
    let (v1, v2, v3) = (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
    );
    sm(
        "CreateSecret",
        format!(
            r#"{{"Name":"pictify/api-key","SecretString":"{PREVIOUS}","ClientRequestToken":"{v1}"}}"#
        ),
    );
    // A rotation as the Lambda template does it: createSecret (AWSPENDING), finishSecret.
    sm(
        "PutSecretValue",
        format!(
            r#"{{"SecretId":"pictify/api-key","SecretString":"{CURRENT}","ClientRequestToken":"{v2}","VersionStages":["AWSPENDING"]}}"#
        ),
    );
    sm(
        "UpdateSecretVersionStage",
        format!(
            r#"{{"SecretId":"pictify/api-key","VersionStage":"AWSCURRENT","MoveToVersionId":"{v2}","RemoveFromVersionId":"{v1}"}}"#
        ),
    );
    sm(
        "UpdateSecretVersionStage",
        format!(
            r#"{{"SecretId":"pictify/api-key","VersionStage":"AWSPENDING","RemoveFromVersionId":"{v2}"}}"#
        ),
    );
    // The next rotation's candidate sits in AWSPENDING: it must never be served.
    sm(
        "PutSecretValue",
        format!(
            r#"{{"SecretId":"pictify/api-key","SecretString":"{PENDING}","ClientRequestToken":"{v3}","VersionStages":["AWSPENDING"]}}"#
        ),
    );
    sm(
        "CreateSecret",
        format!(r#"{{"Name":"json","SecretString":"{{\"api_key\":\"{CURRENT}\"}}"}}"#),
    );
    sm(
        "CreateSecret",
        r#"{"Name":"binary","SecretBinary":"AAECAw=="}"#.to_owned(),
    );
    sm(
        "CreateSecret",
        r#"{"Name":"github","SecretString":"ghp_FAKEaBcDeFgHiJkLmNoPqRsTuVwXyZ012345"}"#.to_owned(),
    );
    sm(
        "CreateSecret",
        format!(r#"{{"Name":"newline","SecretString":"{CURRENT}\n"}}"#),
    );

    // Turn signature and IAM checks on.
    let (status, text) = send(&request(
        "POST",
        &format!("{url}/moto-api/reset-auth"),
        &[("Content-Type", "text/plain")],
        b"0",
    ));
    assert_eq!(status, 200, "{text}");
    let (status, _) = m.sm(
        &setup,
        "GetSecretValue",
        r#"{"SecretId":"pictify/api-key","VersionStage":"AWSCURRENT"}"#,
    );
    assert_eq!(
        status, 403,
        "an unknown access key is refused once auth is on"
    );

    let good = env(&[
        ("AWS_ACCESS_KEY_ID", &access),
        ("AWS_SECRET_ACCESS_KEY", &secret),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", &url),
    ]);
    let keys = fetch("aws-sm://pictify/api-key", &good, FetchOptions::default()).unwrap();
    assert_eq!(
        keys,
        vec![
            (
                "aws-sm://pictify/api-key".to_owned(),
                "pk_live_****a1b2".to_owned()
            ),
            (
                "aws-sm://pictify/api-key@previous".to_owned(),
                "pk_live_****c3d4".to_owned()
            ),
        ],
        "AWSCURRENT then AWSPREVIOUS; AWSPENDING never"
    );
    // AWS_ENDPOINT_URL is honoured as well.
    let mut generic = good.clone();
    generic.remove("AWS_ENDPOINT_URL_SECRETS_MANAGER");
    generic.insert("AWS_ENDPOINT_URL".into(), url.clone());
    let keys = fetch("aws-sm://json#api_key", &generic, FetchOptions::default()).unwrap();
    assert_eq!(
        keys,
        vec![(
            "aws-sm://json#api_key".to_owned(),
            "pk_live_****a1b2".to_owned()
        )]
    );

    let leaks = [
        secret.as_str(),
        "wrongFAKEsecret",
        "FAKE3Wwd25rq4f5zr3a1b2",
        "ghp_FAKE",
    ];
    assert_eq!(
        failure("aws-sm://json#other", &good, &leaks).code,
        "secret_field_missing"
    );
    assert_eq!(
        failure("aws-sm://binary", &good, &leaks).code,
        "secret_not_text"
    );
    assert_eq!(
        failure("aws-sm://github", &good, &leaks).code,
        "foreign_key"
    );
    let r = failure("aws-sm://newline", &good, &leaks);
    assert_eq!(
        (r.code, r.details.origin.as_deref()),
        ("whitespace", Some("aws-sm://newline"))
    );
    assert_eq!(
        failure("aws-sm://pictify/api-kye", &good, &leaks).code,
        "secret_not_found"
    );
    let mut wrong = good.clone();
    wrong.insert("AWS_SECRET_ACCESS_KEY".into(), "wrongFAKEsecret".into());
    let r = failure("aws-sm://pictify/api-key", &wrong, &leaks);
    assert_eq!(
        (r.code, r.details.status),
        ("secret_access_denied", Some(403))
    );
    let mut foreign = good.clone();
    foreign.insert("AWS_ACCESS_KEY_ID".into(), "AKIDUNKNOWNFAKE".into());
    assert_eq!(
        failure("aws-sm://pictify/api-key", &foreign, &leaks).code,
        "secret_access_denied"
    );
    let mut no_keys = good.clone();
    no_keys.remove("AWS_ACCESS_KEY_ID");
    let r = failure("aws-sm://pictify/api-key", &no_keys, &leaks);
    assert_eq!(r.details.variable.as_deref(), Some("AWS_ACCESS_KEY_ID"));
    let r = failure("aws-sm://pictify/api key", &good, &leaks);
    assert_eq!(r.code, "secret_bad_reference");
    drop(_server);
    assert_eq!(
        failure("aws-sm://pictify/api-key", &good, &leaks).code,
        "secret_unreachable"
    );
}
