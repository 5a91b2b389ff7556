//! Secrets-manager source: a cached read (target under 100 ns) and a SigV4 signature, with an
//! in-process fake answering a Vault KV v2 read, so the numbers are the core's cost alone;
//! and (feature `secrets-http`) the fetch path's latency over a bare HTTP GET to the same
//! loopback server (target: under 10 % added): `fetch_keys` of a Vault reference through the
//! native transport against `reqwest`'s blocking GET of the same URL with the same token.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pictify_keys::secrets::sigv4::{sign, AmzDate, AwsCredentials, SigningParams};
use pictify_keys::secrets::wire::{SecretRequest, SecretResponse};
use pictify_keys::secrets::{SecretRef, SecretSource, Transport, TransportFailure};

struct FakeVault;

impl Transport for FakeVault {
    fn send(&self, _: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        Ok(SecretResponse::new(
            200,
            br#"{"data":{"data":{"api_key":"pk_live_FAKE3Wwd25rq4f5zr3a1b2"},"metadata":{"created_time":"2020-01-01T00:00:00Z","version":1}}}"#.to_vec(),
        ))
    }
}

fn secrets(c: &mut Criterion) {
    let mut group = c.benchmark_group("secrets");
    group.throughput(Throughput::Elements(1));
    let env: BTreeMap<String, String> = [
        ("VAULT_ADDR", "http://127.0.0.1:1"),
        ("VAULT_TOKEN", "s.FAKE"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let source = SecretSource::new(
        SecretRef::parse("vault://secret/pictify", "bench").unwrap_or_else(|_| unreachable!()),
        env,
        Arc::new(FakeVault),
    );
    let _ = source.keys();
    group.bench_function("cached_read", |b| {
        b.iter(|| black_box(source.keys().is_ok()))
    });
    let creds = AwsCredentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let body = br#"{"SecretId":"pictify/api-key","VersionStage":"AWSCURRENT"}"#;
    group.bench_function("sigv4_sign", |b| {
        b.iter(|| {
            sign(
                "POST",
                "/",
                "",
                &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("host", "secretsmanager.us-east-1.amazonaws.com"),
                    ("x-amz-date", "20150830T123600Z"),
                    ("x-amz-target", "secretsmanager.GetSecretValue"),
                ],
                black_box(body),
                &creds,
                SigningParams {
                    region: "us-east-1",
                    service: "secretsmanager",
                    time: AmzDate::from_unix(1_440_938_160),
                },
            )
        })
    });
    group.finish();
}

/// A keep-alive HTTP/1.1 server on loopback answering every GET with a Vault KV v2 read.
#[cfg(feature = "secrets-http")]
fn vault_stand_in() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|_| unreachable!());
    let url = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|_| unreachable!())
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let Ok(read_half) = stream.try_clone() else {
                    return;
                };
                let mut reader = BufReader::new(read_half);
                let mut out = stream;
                let body = br#"{"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{"api_key":"pk_live_FAKE3Wwd25rq4f5zr3a1b2"},"metadata":{"created_time":"2020-01-01T00:00:00Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}},"wrap_info":null,"warnings":null,"auth":null}"#;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if !line.trim().is_empty() {
                        continue;
                    }
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    if out.write_all(head.as_bytes()).is_err() || out.write_all(body).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

#[cfg(feature = "secrets-http")]
fn latency(c: &mut Criterion) {
    use pictify_keys::secrets::{fetch_keys, FetchOptions, NativeTransport};
    let url = vault_stand_in();
    let env: BTreeMap<String, String> = [("VAULT_ADDR", url.as_str()), ("VAULT_TOKEN", "s.FAKE")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let reference =
        SecretRef::parse("vault://secret/pictify", "bench").unwrap_or_else(|_| unreachable!());
    let transport = NativeTransport::new();
    // One request per fetch: the stand-in's version is older than the overlap.
    let options = FetchOptions { overlap_secs: 0 };
    let bare = reqwest::blocking::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|_| unreachable!());
    let read_url = format!("{url}/v1/secret/data/pictify");
    let mut group = c.benchmark_group("secrets_latency");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bare_http_get", |b| {
        b.iter(|| {
            let resp = bare
                .get(&read_url)
                .header("X-Vault-Token", "s.FAKE")
                .send()
                .unwrap_or_else(|_| unreachable!());
            black_box(resp.bytes().map(|b| b.len()).unwrap_or(0))
        })
    });
    group.bench_function("fetch_keys_vault", |b| {
        b.iter(|| {
            black_box(
                fetch_keys(&reference, &env, &transport, 1_900_000_000, options)
                    .map(|k| k.len())
                    .unwrap_or(0),
            )
        })
    });
    group.finish();
}

#[cfg(not(feature = "secrets-http"))]
fn latency(_: &mut Criterion) {}

criterion_group!(benches, secrets, latency);
criterion_main!(benches);
