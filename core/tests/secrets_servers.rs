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
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pictify_keys::secrets::gcp_jwt::base64url;
use pictify_keys::secrets::sigv4::{sign, AmzDate, AwsCredentials, SigningParams};
use pictify_keys::secrets::wire::{SecretRequest, SecretResponse};
use pictify_keys::secrets::{
    fetch_keys, FetchOptions, NativeTransport, SecretRef, SecretSource, Transport, TransportFailure,
};
use pictify_keys::world::ManualClock;
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

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
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
    let encoded = url_encode(policy);
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

    // A task role, and temporary credentials for it, for the container-credentials endpoint.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    m.iam(
        &setup,
        &format!(
            "Action=CreateRole&RoleName=pictify-task&AssumeRolePolicyDocument={}",
            url_encode(trust)
        ),
    );
    m.iam(
        &setup,
        &format!(
            "Action=PutRolePolicy&RoleName=pictify-task&PolicyName=read&PolicyDocument={encoded}"
        ),
    );
    let (status, sts) = m.call(
        &setup,
        "sts",
        &[("content-type", "application/x-www-form-urlencoded")],
        "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fpictify-task&RoleSessionName=task&Version=2011-06-15",
    );
    assert_eq!(status, 200, "{sts}");
    let task_creds = serde_json::json!({
        "AccessKeyId": xml_text(&sts, "AccessKeyId"),
        "SecretAccessKey": xml_text(&sts, "SecretAccessKey"),
        "Token": xml_text(&sts, "SessionToken"),
        "Expiration": xml_text(&sts, "Expiration"),
    })
    .to_string();
    let task_secret = xml_text(&sts, "SecretAccessKey").to_owned();

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

    // Container credentials (ECS task role / EKS Pod Identity): a local endpoint that wants
    // its authorization token, serving the role's temporary credentials; moto checks the
    // signature and the session token.
    let creds_answer = Arc::new(Mutex::new(task_creds.clone()));
    let answer = Arc::clone(&creds_answer);
    let (creds_url, creds_log) = http_stand_in(move |head, _| {
        if head
            .to_ascii_lowercase()
            .contains("authorization: fake-container-auth")
        {
            (200, answer.lock().unwrap().clone())
        } else {
            (401, r#"{"message":"unauthorized"}"#.to_owned())
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, "FAKE-container-auth\n").unwrap();
    let container = env(&[
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", &url),
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{creds_url}/v1/credentials"),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            &token_file.display().to_string(),
        ),
    ]);
    let transport = Recording::new();
    let source = SecretSource::new(
        SecretRef::parse("aws-sm://pictify/api-key", "test").unwrap(),
        container.clone(),
        transport.clone(),
    );
    let keys = source.reload().unwrap();
    let got: Vec<_> = keys.iter().map(|k| k.key().fingerprint()).collect();
    assert_eq!(got, ["pk_live_****a1b2", "pk_live_****c3d4"]);
    source.reload().unwrap();
    assert_eq!(
        transport.count("/v1/credentials"),
        1,
        "credentials kept until they near expiry"
    );
    // Credentials that moto refuses are fetched again once (rotated early), then refused.
    *creds_answer.lock().unwrap() = task_creds.replace(&task_secret, "wrongFAKEsecret");
    let fresh = SecretSource::new(
        SecretRef::parse("aws-sm://pictify/api-key", "test").unwrap(),
        container.clone(),
        transport.clone(),
    );
    let e = fresh.reload().unwrap_err();
    assert_eq!(Error::from(e).code(), "secret_access_denied");
    assert_eq!(
        transport.count("/v1/credentials"),
        3,
        "one refresh, not a loop"
    );
    *creds_answer.lock().unwrap() = task_creds.clone();
    // The plain token variable works too; a wrong token is refused by the endpoint.
    let mut plain = container.clone();
    plain.remove("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    plain.insert(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN".into(),
        "FAKE-container-auth".into(),
    );
    assert_eq!(
        fetch("aws-sm://pictify/api-key", &plain, FetchOptions::default())
            .unwrap()
            .len(),
        2
    );
    plain.insert(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN".into(),
        "FAKE-wrong-auth".into(),
    );
    let leaks_container = [
        task_secret.as_str(),
        "FAKE-wrong-auth",
        "FAKE-container-auth",
    ];
    assert_eq!(
        failure("aws-sm://pictify/api-key", &plain, &leaks_container).code,
        "secret_access_denied"
    );
    assert!(creds_log.lock().unwrap().len() >= 5);
    // A plain-HTTP endpoint off loopback never gets the token.
    let mut remote = container.clone();
    remote.insert(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
        "http://192.0.2.10/v1/credentials".into(),
    );
    let r = failure("aws-sm://pictify/api-key", &remote, &leaks_container);
    assert_eq!(r.code, "secret_bad_reference");
    drop(_server);
    assert_eq!(
        failure("aws-sm://pictify/api-key", &good, &leaks).code,
        "secret_unreachable"
    );
}

/// A transport that records every URL it is asked for (to count logins and renewals).
struct Recording {
    inner: NativeTransport,
    urls: Mutex<Vec<String>>,
}

impl Recording {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: NativeTransport::new(),
            urls: Mutex::new(Vec::new()),
        })
    }

    fn count(&self, suffix: &str) -> usize {
        self.urls
            .lock()
            .unwrap()
            .iter()
            .filter(|u| u.ends_with(suffix))
            .count()
    }
}

impl Transport for Recording {
    fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        self.urls.lock().unwrap().push(request.url.clone());
        self.inner.send(request)
    }

    fn send_with_ca(
        &self,
        request: &SecretRequest,
        ca_pem: &[u8],
    ) -> Result<SecretResponse, TransportFailure> {
        self.urls.lock().unwrap().push(request.url.clone());
        self.inner.send_with_ca(request, ca_pem)
    }
}

/// A one-thread HTTP/1.1 server on loopback: `handler(head, body)` gives (status, body).
/// Returns its URL and the log of every request (head and body).
fn http_stand_in(
    handler: impl Fn(&str, &str) -> (u16, String) + Send + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8_lossy(&body).into_owned();
            log.lock().unwrap().push(format!("{head}\n{body}"));
            let (status, answer) = handler(&head, &body);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, seen)
}

/// A fake Kubernetes API server answering TokenReview: `authenticated` only for `FAKE-sa-jwt`
/// presented by the reviewer `Bearer reviewer`; records what Vault sent.
fn fake_token_review() -> (String, Arc<Mutex<Vec<String>>>) {
    http_stand_in(|head, body| {
        let reviewer_ok = head
            .to_ascii_lowercase()
            .contains("authorization: bearer reviewer");
        let answer = if reviewer_ok && body.contains(&k8s_jwt("FAKE-sa-jwt")) {
            r#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","status":{"authenticated":true,"user":{"username":"system:serviceaccount:default:pictify","uid":"d6a2e2f0-0000-4000-8000-000000000001","groups":["system:serviceaccounts"]}}}"#
        } else {
            r#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","status":{"authenticated":false,"error":"invalid token"}}"#
        };
        (201, answer.to_owned())
    })
}

/// A service-account JWT as the kubelet mounts it (unsigned here: Vault leaves the check to
/// TokenReview); `tag` makes it unique.
fn k8s_jwt(tag: &str) -> String {
    let header = base64url(br#"{"alg":"RS256","kid":"FAKE"}"#);
    let claims = base64url(
        br#"{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"default","kubernetes.io/serviceaccount/service-account.name":"pictify","kubernetes.io/serviceaccount/service-account.uid":"d6a2e2f0-0000-4000-8000-000000000001","sub":"system:serviceaccount:default:pictify"}"#,
    );
    format!("{header}.{claims}.{}", base64url(tag.as_bytes()))
}

fn json_field(text: &str, outer: &str, inner: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v[outer][inner].as_str().unwrap().to_owned()
}

/// Vault auth as deployments configure it, against OpenBao with TLS (`-dev-tls`, its CA
/// handed over as `VAULT_CACERT`): AppRole (secret id in a variable or a file), login token
/// renewed after two thirds of its lease and replaced by one new login after a 403,
/// Kubernetes login (the fake TokenReview server above), the CLI's `~/.vault-token`.
#[test]
fn openbao_auth_methods_over_tls() {
    let Some(bao) = require("bao") else { return };
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).unwrap();
    let port = free_port_pair();
    let addr = format!("https://127.0.0.1:{port}");
    let _server = Server(
        Command::new(bao)
            .args([
                "server",
                "-dev",
                "-dev-tls",
                &format!("-dev-tls-cert-dir={}", certs.display()),
                "-dev-root-token-id=rootFAKEtoken",
                &format!("-dev-listen-address=127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let ca_path = certs.join("vault-ca.pem");
    for _ in 0..200 {
        if ca_path.is_file() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let ca = std::fs::read(&ca_path).unwrap();
    let tls = NativeTransport::new();
    let call = |method: &'static str, path: &str, body: &str| -> (u16, String) {
        let req = request(
            method,
            &format!("{addr}/v1/{path}"),
            &[("X-Vault-Token", "rootFAKEtoken")],
            body.as_bytes(),
        );
        match tls.send_with_ca(&req, &ca) {
            Ok(r) => (r.status, String::from_utf8_lossy(&r.body).into_owned()),
            Err(_) => (0, String::new()),
        }
    };
    for _ in 0..200 {
        if call("GET", "sys/health", "").0 == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let ok = |(status, text): (u16, String)| {
        assert!((200..300).contains(&status), "{status} {text}");
        text
    };
    ok(call(
        "POST",
        "secret/data/pictify",
        &format!(r#"{{"data":{{"api_key":"{CURRENT}"}}}}"#),
    ));
    ok(call(
        "PUT",
        "sys/policies/acl/pictify-read",
        r#"{"policy":"path \"secret/data/pictify\" { capabilities = [\"read\"] }"}"#,
    ));
    ok(call("POST", "sys/auth/approle", r#"{"type":"approle"}"#));
    ok(call(
        "POST",
        "auth/approle/role/pictify",
        r#"{"token_policies":["pictify-read"],"token_ttl":"60s","token_max_ttl":"600s"}"#,
    ));
    let role_id = json_field(
        &ok(call("GET", "auth/approle/role/pictify/role-id", "")),
        "data",
        "role_id",
    );
    let secret_id = json_field(
        &ok(call("POST", "auth/approle/role/pictify/secret-id", "{}")),
        "data",
        "secret_id",
    );
    let ca_file = ca_path.display().to_string();
    let approle = env(&[
        ("VAULT_ADDR", &addr),
        ("VAULT_CACERT", &ca_file),
        ("VAULT_ROLE_ID", &role_id),
        ("VAULT_SECRET_ID", &secret_id),
    ]);
    let leaks = [
        "rootFAKEtoken",
        secret_id.as_str(),
        "FAKE3Wwd25rq4f5zr3a1b2",
        "FAKE-sa-jwt",
    ];

    // Without the CA the server's certificate is refused; with it the AppRole login works.
    let mut no_ca = approle.clone();
    no_ca.remove("VAULT_CACERT");
    let r = failure("vault://secret/pictify", &no_ca, &leaks);
    assert_eq!(r.code, "secret_unreachable");
    assert!(r.message.contains("(transport)"), "{}", r.message);
    let mut bad_ca = approle.clone();
    bad_ca.insert(
        "VAULT_CACERT".into(),
        certs.join("vault-key.pem").display().to_string(),
    );
    assert_eq!(
        failure("vault://secret/pictify", &bad_ca, &leaks).code,
        "secret_unreachable"
    );

    // AppRole through a cached source: one login, reused; renewed after two thirds of the
    // 60 s lease; one new login after the token is revoked (403); a new login once expired.
    let transport = Recording::new();
    let clock = Arc::new(ManualClock::new(now() * 1000));
    let source = SecretSource::new(
        SecretRef::parse("vault://secret/pictify", "test").unwrap(),
        approle.clone(),
        transport.clone(),
    )
    .with_clock(clock.clone());
    let keys = source.reload().unwrap();
    assert_eq!(keys[0].key().fingerprint(), "pk_live_****a1b2");
    assert_eq!(keys[0].origin(), "vault://secret/pictify#api_key");
    assert_eq!(transport.count("/v1/auth/approle/login"), 1);
    source.reload().unwrap();
    assert_eq!(transport.count("/v1/auth/approle/login"), 1, "token reused");
    clock.advance_ms(45_000);
    source.reload().unwrap();
    assert_eq!(transport.count("/v1/auth/token/renew-self"), 1);
    assert_eq!(
        transport.count("/v1/auth/approle/login"),
        1,
        "renewed, not relogged"
    );
    ok(call("PUT", "sys/leases/revoke-prefix/auth/approle", ""));
    source.reload().unwrap();
    assert_eq!(
        transport.count("/v1/auth/approle/login"),
        2,
        "a 403 on the login token triggers exactly one new login"
    );
    clock.advance_ms(600_000);
    source.reload().unwrap();
    assert_eq!(
        transport.count("/v1/auth/approle/login"),
        3,
        "expired: new login"
    );

    // The secret id from a file (Vault Agent's convention); a wrong one is access denied.
    let secret_file = dir.path().join("secret-id");
    std::fs::write(&secret_file, format!("{secret_id}\n")).unwrap();
    let mut from_file = approle.clone();
    from_file.remove("VAULT_SECRET_ID");
    from_file.insert(
        "VAULT_SECRET_ID_FILE".into(),
        secret_file.display().to_string(),
    );
    assert_eq!(
        fetch(
            "vault://secret/pictify",
            &from_file,
            FetchOptions::default()
        )
        .unwrap()[0]
            .1,
        "pk_live_****a1b2"
    );
    let mut wrong = approle.clone();
    wrong.insert(
        "VAULT_SECRET_ID".into(),
        "00000000-0000-4000-8000-00000000FAKE".into(),
    );
    let r = failure("vault://secret/pictify", &wrong, &leaks);
    assert_eq!(
        (r.code, r.details.status),
        ("secret_access_denied", Some(400))
    );
    let mut no_secret = approle.clone();
    no_secret.remove("VAULT_SECRET_ID");
    let r = failure("vault://secret/pictify", &no_secret, &leaks);
    assert_eq!(r.details.variable.as_deref(), Some("VAULT_SECRET_ID"));

    // Kubernetes login: Vault asks the (fake) API server's TokenReview about the pod's JWT.
    let (k8s_url, reviews) = fake_token_review();
    ok(call(
        "POST",
        "sys/auth/kubernetes",
        r#"{"type":"kubernetes"}"#,
    ));
    let ca_text = String::from_utf8(ca.clone()).unwrap();
    ok(call(
        "POST",
        "auth/kubernetes/config",
        &serde_json::json!({
            "kubernetes_host": k8s_url,
            "kubernetes_ca_cert": ca_text,
            "disable_local_ca_jwt": true,
            "token_reviewer_jwt": "reviewer",
        })
        .to_string(),
    ));
    ok(call(
        "POST",
        "auth/kubernetes/role/pictify",
        r#"{"bound_service_account_names":["pictify"],"bound_service_account_namespaces":["default"],"token_policies":["pictify-read"],"token_ttl":"3600"}"#,
    ));
    let jwt_file = dir.path().join("token");
    std::fs::write(&jwt_file, k8s_jwt("FAKE-sa-jwt")).unwrap();
    let k8s = env(&[
        ("VAULT_ADDR", &addr),
        ("VAULT_CACERT", &ca_file),
        ("VAULT_K8S_ROLE", "pictify"),
        ("VAULT_K8S_JWT_PATH", &jwt_file.display().to_string()),
    ]);
    assert_eq!(
        fetch("vault://secret/pictify", &k8s, FetchOptions::default()).unwrap()[0].1,
        "pk_live_****a1b2"
    );
    assert!(
        reviews.lock().unwrap()[0].contains(&k8s_jwt("FAKE-sa-jwt")),
        "Vault reviewed the pod's token"
    );
    std::fs::write(&jwt_file, k8s_jwt("FAKE-other-pod")).unwrap();
    assert_eq!(
        failure("vault://secret/pictify", &k8s, &leaks).code,
        "secret_access_denied"
    );
    let mut no_jwt = k8s.clone();
    no_jwt.insert(
        "VAULT_K8S_JWT_PATH".into(),
        dir.path().join("absent").display().to_string(),
    );
    let r = failure("vault://secret/pictify", &no_jwt, &leaks);
    assert_eq!(
        (r.code, r.details.variable.as_deref()),
        ("secret_credentials_missing", Some("VAULT_K8S_JWT_PATH"))
    );

    // The Vault CLI's token file, used when nothing else is configured.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let cli = env(&[
        ("VAULT_ADDR", &addr),
        ("VAULT_CACERT", &ca_file),
        ("HOME", &home.display().to_string()),
    ]);
    let r = failure("vault://secret/pictify", &cli, &leaks);
    assert_eq!(r.details.variable.as_deref(), Some("VAULT_TOKEN"));
    std::fs::write(home.join(".vault-token"), "rootFAKEtoken").unwrap();
    assert_eq!(
        fetch("vault://secret/pictify", &cli, FetchOptions::default()).unwrap()[0].1,
        "pk_live_****a1b2"
    );
}

/// A manager that accepts the connection and never answers: the fetch ends with
/// `secret_unreachable` (reason `timeout`) once the transport's timeout passes, for every
/// provider, and nothing hangs.
#[test]
fn a_manager_that_never_answers_is_unreachable_after_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream); // read nothing, answer nothing, keep it open
        }
    });
    let transport = NativeTransport::with_timeout(Duration::from_millis(300));
    let cases = [
        (
            "vault://secret/pictify",
            env(&[("VAULT_ADDR", &url), ("VAULT_TOKEN", "s.FAKEtoken")]),
        ),
        (
            "aws-sm://pictify/api-key",
            env(&[
                ("AWS_REGION", "us-east-1"),
                ("AWS_ACCESS_KEY_ID", "AKIDFAKE"),
                ("AWS_SECRET_ACCESS_KEY", "FAKEsecret"),
                ("AWS_ENDPOINT_URL", &url),
            ]),
        ),
        (
            "gcp-sm://projects/p1/secrets/pictify",
            env(&[
                ("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.FAKE"),
                ("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER", &url),
            ]),
        ),
    ];
    for (reference, env) in cases {
        let r = SecretRef::parse(reference, "test").unwrap();
        let err = Error::from(
            fetch_keys(&r, &env, &transport, now(), FetchOptions::default()).unwrap_err(),
        );
        let report = err.report();
        assert_eq!(report.code, "secret_unreachable", "{reference}");
        assert!(report.message.contains("(timeout)"), "{}", report.message);
    }
}
