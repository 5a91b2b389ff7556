//! `pictify-keys check` and `doctor` resolving a secret reference against a real OpenBao dev
//! server on loopback (installed by tests/secrets/setup.sh; skipped loudly when absent on a
//! developer machine, a failure under CI or PICTIFY_SECRETS_REQUIRED).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";
const TOKEN: &str = "rootFAKEcliToken";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn bao() -> Option<PathBuf> {
    let venv = std::env::var_os("PICTIFY_SECRETS_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/secrets-venv"),
        PathBuf::from,
    );
    let p = venv.join("bin/bao");
    if p.is_file() {
        return Some(p);
    }
    let msg = "bao is not installed (run `bash tests/secrets/setup.sh`)";
    if std::env::var_os("CI").is_some() || std::env::var_os("PICTIFY_SECRETS_REQUIRED").is_some() {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// `curl`-free seeding: one HTTP/1.1 request over a plain socket.
fn post(port: u16, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn start() -> Option<(Server, u16)> {
    let bao = bao()?;
    let port = loop {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let p = l.local_addr().unwrap().port();
        if p < 65535 && TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            break p;
        }
    };
    let server = Server(
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
    for _ in 0..200 {
        let ready = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && post(port, "/v1/secret/data/probe", r#"{"data":{"x":"y"}}"#)
                .starts_with("HTTP/1.1 200");
        if ready {
            return Some((server, port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("OpenBao did not start");
}

fn run(args: &[&str], vars: &[(&str, String)]) -> (i32, String, String) {
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
    for secret in [&KEY[8..], TOKEN] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "output leaks a secret:\n{stdout}\n{stderr}"
        );
    }
    (out.status.code().unwrap(), stdout, stderr)
}

#[test]
fn check_and_doctor_resolve_vault_references() {
    let Some((_server, port)) = start() else {
        return;
    };
    let addr = format!("http://127.0.0.1:{port}");
    assert!(post(
        port,
        "/v1/secret/data/pictify",
        &format!(r#"{{"data":{{"api_key":"{KEY}"}}}}"#)
    )
    .starts_with("HTTP/1.1 200"));
    assert!(post(
        port,
        "/v1/secret/data/newline",
        &format!(r#"{{"data":{{"api_key":"{KEY}\n"}}}}"#)
    )
    .starts_with("HTTP/1.1 200"));
    let vars = |reference: &'static str| {
        vec![
            ("VAULT_ADDR", addr.clone()),
            ("VAULT_TOKEN", TOKEN.to_owned()),
            ("NODE_ENV", "production".to_owned()),
            ("PICTIFY_API_KEY", reference.to_owned()),
        ]
    };
    let call = |args: &[&str], v: Vec<(&'static str, String)>| run(args, &v);

    let (code, stdout, _) = call(&["check", "--json"], vars("vault://secret/pictify"));
    assert_eq!(code, 0, "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["keys"][0]["origin"], "vault://secret/pictify#api_key");
    assert_eq!(doc["keys"][0]["fingerprint"], "pk_live_****a1b2");

    let (code, stdout, stderr) = call(&["check", "--json"], vars("vault://secret/newline"));
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["keys"][0]["origin"], "vault://secret/newline#api_key");
    assert_eq!(doc["keys"][0]["code"], "whitespace");
    assert!(stderr.contains("error[whitespace]"), "{stderr}");
    let (code, stdout, stderr) = call(&["check"], vars("vault://secret/newline"));
    assert_eq!(code, 2);
    assert!(
        stdout.contains("vault://secret/newline#api_key  (malformed)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error[whitespace]: vault://secret/newline#api_key: trailing whitespace"),
        "{stderr}"
    );

    let (code, stdout, stderr) = call(&["check", "--json"], vars("vault://secret/missing"));
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["error"]["code"], "secret_not_found");
    assert_eq!(
        doc["unresolved"][0]["origin"],
        "vault://secret/missing#api_key"
    );
    assert!(stderr.contains("error[secret_not_found]"), "{stderr}");

    let (code, _, stderr) = call(&["check"], vars("vualt://secret/pictify"));
    assert_eq!(code, 2);
    assert!(stderr.contains("error[secret_bad_reference]: env:PICTIFY_API_KEY: malformed secret reference: the scheme"), "{stderr}");

    // doctor in an empty project: the reference resolves and the environment item passes.
    let dir = std::env::temp_dir().join(format!("pictify-keys-cli-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (_, stdout, _) = call(
        &["doctor", dir.to_str().unwrap(), "--json"],
        vars("vault://secret/pictify"),
    );
    assert!(
        stdout.contains("vault://secret/pictify#api_key pk_live_****a1b2: allowed in production"),
        "{stdout}"
    );
    let (_, stdout, _) = call(
        &["doctor", dir.to_str().unwrap(), "--json"],
        vars("vault://secret/missing"),
    );
    assert!(stdout.contains("secret_not_found"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
