//! `pictify-keys keys` reading key dates from secrets-manager metadata, against a real OpenBao
//! dev server (KV v2 metadata) and a real moto server (AWS `DescribeSecret`) on loopback, both
//! installed by tests/secrets/setup.sh. Expected dates come from the servers themselves (the
//! raw metadata API, boto3), never from the code under test. Skipped loudly when the servers
//! are absent on a developer machine; a failure under CI or PICTIFY_SECRETS_REQUIRED.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const KEY_V1: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";
const KEY_V2: &str = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4";
const TOKEN: &str = "rootFAKEmetaToken";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn venv_bin(name: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("PICTIFY_SECRETS_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/secrets-venv"),
        PathBuf::from,
    );
    let p = venv.join("bin").join(name);
    if p.is_file() {
        return Some(p);
    }
    let msg = format!("{name} is not installed (run `bash tests/secrets/setup.sh`)");
    if std::env::var_os("CI").is_some() || std::env::var_os("PICTIFY_SECRETS_REQUIRED").is_some() {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request to Vault over a plain socket; the body of the answer.
fn vault(port: u16, method: &str, path: &str, body: &str) -> (String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.to_owned(), body.to_owned())
}

fn run(args: &[&str], vars: &[(&str, String)]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .args(args)
        .env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    for secret in [&KEY_V1[8..], &KEY_V2[8..], TOKEN, "setupFAKEsecret"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "output leaks a secret:\n{stdout}\n{stderr}"
        );
    }
    let doc = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), doc, stdout)
}

/// A manager's RFC 3339 time to the second, as the inventory prints it.
fn to_second(t: &str) -> String {
    format!("{}Z", &t[..19])
}

fn key<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap()
}

fn flags(k: &Value) -> Vec<&str> {
    k["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn keys_take_their_age_from_vault_metadata() {
    let Some(bao) = venv_bin("bao") else {
        return;
    };
    let port = free_port();
    let _server = Server(
        Command::new(bao)
            .args([
                "server",
                "-dev",
                &format!("-dev-root-token-id={TOKEN}"),
                &format!("-dev-listen-address=127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let write = |key: &str| {
        vault(
            port,
            "POST",
            "/v1/secret/data/pictify",
            &format!(r#"{{"data":{{"api_key":"{key}"}}}}"#),
        )
    };
    let mut ready = false;
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok()
            && write(KEY_V1).0.starts_with("HTTP/1.1 200")
        {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(ready, "OpenBao did not start");
    // A second version a little later: the key in use is version 2.
    std::thread::sleep(Duration::from_millis(1100));
    assert!(write(KEY_V2).0.starts_with("HTTP/1.1 200"));

    // What the server itself says.
    let (_, body) = vault(port, "GET", "/v1/secret/metadata/pictify", "");
    let meta: Value = serde_json::from_str(&body).unwrap();
    let secret_created = to_second(meta["data"]["created_time"].as_str().unwrap());
    let v2_created = to_second(
        meta["data"]["versions"]["2"]["created_time"]
            .as_str()
            .unwrap(),
    );
    assert_ne!(secret_created, v2_created);

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pictify-keys.toml");
    std::fs::write(
        &config,
        r#"
[keys.key_vault]
owner = "ops@example.com"
source = "vault://secret/pictify#api_key"

[keys.key_dated]
owner = "ops@example.com"
created = 2020-01-01
source = "vault://secret/pictify#api_key"

[keys.key_gone]
owner = "ops@example.com"
source = "vault://secret/nothing-here#api_key"
"#,
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let vars = [
        ("VAULT_ADDR", format!("http://127.0.0.1:{port}")),
        ("VAULT_TOKEN", TOKEN.to_owned()),
    ];
    let now = &v2_created;
    let (code, doc, _) = run(
        &["keys", "--config", config, "--format", "json", "--now", now],
        &vars,
    );
    let k = key(&doc, "key_vault");
    assert_eq!(k["created"], v2_created.as_str(), "{doc:#}");
    assert_eq!(k["created_from"], "vault");
    assert_eq!(k["age_days"], 0);
    assert_eq!(k["source"], "vault://secret/pictify#api_key");
    assert_eq!(k["manager"]["manager"], "vault");
    assert_eq!(k["manager"]["created"], secret_created.as_str());
    assert_eq!(k["manager"]["changed"], v2_created.as_str());
    assert_eq!(k["manager"]["version"], "2");
    assert!(flags(k).is_empty(), "{k:#}");
    // The inventory's own date wins; the manager's are still shown.
    let k = key(&doc, "key_dated");
    assert_eq!(k["created"], "2020-01-01T00:00:00Z");
    assert_eq!(k["created_from"], "inventory");
    assert_eq!(k["manager"]["changed"], v2_created.as_str());
    assert_eq!(flags(k), ["old"]);
    // A path Vault does not have: the error, with its code, for that key only.
    let k = key(&doc, "key_gone");
    assert_eq!(k["created"], Value::Null);
    let error = k["manager"]["error"].as_str().unwrap();
    assert!(error.starts_with("[secret_not_found] "), "{error}");
    assert_eq!(code, 1);

    // Judged 400 days later, the Vault-dated key is due for rotation, and says why.
    let later = "2030-01-01T00:00:00Z";
    let (_, doc, _) = run(
        &[
            "keys", "--config", config, "--format", "json", "--now", later,
        ],
        &vars,
    );
    let k = key(&doc, "key_vault");
    assert_eq!(flags(k), ["old"]);
    let message = k["flags"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("written to the secrets manager"),
        "{message}"
    );

    // Text output names the manager's dates.
    let (_, _, text) = run(&["keys", "--config", config, "--now", now], &vars);
    assert!(text.contains("From secrets managers:"), "{text}");
    assert!(
        text.contains(&format!("key_vault (vault://secret/pictify#api_key): created {secret_created}, value written {v2_created}, version 2 (the age above)")),
        "{text}"
    );

    // --offline asks nothing.
    let (_, doc, _) = run(
        &[
            "keys",
            "--config",
            config,
            "--format",
            "json",
            "--now",
            now,
            "--offline",
        ],
        &vars,
    );
    assert_eq!(key(&doc, "key_vault")["created"], Value::Null);
    assert_eq!(key(&doc, "key_vault")["manager"], Value::Null);

    // A refused token: an access error per key, never the token.
    let bad = [
        ("VAULT_ADDR", format!("http://127.0.0.1:{port}")),
        ("VAULT_TOKEN", "wrongFAKEtoken".to_owned()),
    ];
    let (_, doc, _) = run(
        &["keys", "--config", config, "--format", "json", "--now", now],
        &bad,
    );
    let error = key(&doc, "key_vault")["manager"]["error"].as_str().unwrap();
    assert!(error.starts_with("[secret_access_denied] "), "{error}");
    assert!(!error.contains("wrongFAKEtoken"));
}

#[test]
fn keys_take_their_age_from_aws_describe_secret() {
    let (Some(moto), Some(python)) = (venv_bin("moto_server"), venv_bin("python")) else {
        return;
    };
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut ready = false;
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(ready, "moto did not start");
    // The secret and what the server says of it, through boto3 (another client).
    let script = format!(
        r#"
import boto3, datetime, json, time
c = boto3.client("secretsmanager", region_name="us-east-1", endpoint_url="{url}",
                 aws_access_key_id="AKIDSETUPFAKE", aws_secret_access_key="setupFAKEsecret")
for _ in range(100):
    try:
        c.create_secret(Name="pictify/api-key", SecretString="{KEY_V1}")
        break
    except Exception:
        time.sleep(0.1)
time.sleep(1.1)
c.put_secret_value(SecretId="pictify/api-key", SecretString="{KEY_V2}")
d = c.describe_secret(SecretId="pictify/api-key")
print(json.dumps({{k: d[k].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") for k in ("CreatedDate", "LastChangedDate") if k in d}}))
"#
    );
    let out = Command::new(python).args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Value = serde_json::from_slice(&out.stdout).unwrap();
    let created = expected["CreatedDate"].as_str().unwrap();
    let changed = expected["LastChangedDate"].as_str().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pictify-keys.toml");
    std::fs::write(
        &config,
        "[keys.key_aws]\nowner = \"ops@example.com\"\nsource = \"aws-sm://pictify/api-key\"\n",
    )
    .unwrap();
    let vars = [
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "AKIDSETUPFAKE".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "setupFAKEsecret".to_owned()),
        ("AWS_ENDPOINT_URL", url.clone()),
    ];
    let (_, doc, _) = run(
        &[
            "keys",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
            "--now",
            "2030-01-01T00:00:00Z",
        ],
        &vars,
    );
    let k = key(&doc, "key_aws");
    assert_eq!(k["manager"]["manager"], "aws", "{doc:#}");
    assert_eq!(k["manager"]["created"], created);
    assert_eq!(k["manager"]["changed"], changed);
    assert_eq!(k["created"], changed);
    assert_eq!(k["created_from"], "aws");
    assert_eq!(flags(k), ["old"]);
}
