//! Secrets-manager source: a cached read (target under 100 ns) and a SigV4 signature.
//! The transport is an in-process fake answering a Vault KV v2 read, so the numbers are the
//! core's cost alone.

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

criterion_group!(benches, secrets);
criterion_main!(benches);
