//! `pictify-keys redact` as a user runs it: the built binary over a realistic log that mixes
//! keys into text, URLs, JSON, headers and URL-encoded strings. No key may remain and every
//! other byte must come out unchanged.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_pictify-keys");

// Obviously fake keys: every body starts with FAKE.
const LIVE: &str = "pk_live_FAKEq8Rk2mZxL0pWv3Ny7a1b2";
const TEST: &str = "pk_test_FAKEh4Jd9sLq2Xc8Bn5Mz0c3d4";
const OLD: &str = "pk_live_FAKEt5Gw1eRy6Ui9Op2As4e5f6";
const UPPER: &str = "PK_LIVE_FAKEZ7X3C9V5B1N8M4K6L2QW";

/// The log with `{LIVE}`-style slots, and what each slot becomes.
const TEMPLATE: &str = r#"2026-11-27T14:49:14.001Z INFO  starting pictify worker v2.3.1 (pid 4121)
2026-11-27T14:49:14.002Z DEBUG config loaded: PICTIFY_API_KEY={LIVE} PICTIFY_API_KEY_OLD={OLD} region=eu-west-1
2026-11-27T14:49:14.010Z INFO  GET https://api.pictify.io/v1/render?template=og-card&api_key={LIVE}&w=1200 -> 200 (84ms)
2026-11-27T14:49:14.020Z INFO  POST https://api.pictify.io/v1/images?format=png&key={TEST} -> 201
2026-11-27T14:49:14.030Z DEBUG > Authorization: Bearer {LIVE}
2026-11-27T14:49:14.031Z DEBUG > X-Api-Key: {TEST}
2026-11-27T14:49:14.032Z DEBUG > Content-Type: application/json
2026-11-27T14:49:14.040Z WARN  401 from https://user:{OLD}@api.pictify.io/v1/me, retrying with next key
{"level":"info","ts":"2026-11-27T14:49:15Z","msg":"render done","apiKey":"{LIVE}","ms":84,"request_id":"3f2c9a1e-8b7d-4c6e-9f0a-1b2c3d4e5f60"}
{"level":"debug","headers":{"authorization":"Bearer {TEST}","x-api-key":"{OLD}","accept":"image/png"}}
{"level":"error","msg":"upstream said: {\"error\":\"invalid key\",\"api_key\":\"{UPPER}\"}","status":401}
2026-11-27T14:49:16.000Z INFO  webhook body=%7B%22key%22%3A%22{LIVE}%22%7D sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
2026-11-27T14:49:16.100Z DEBUG curl -H 'Authorization: Bearer {TEST}' -d '{"url":"https://example.com"}' https://api.pictify.io/v1/render
2026-11-27T14:49:16.200Z INFO  cache key=og-card:1200x630 hit ratio=0.93; the pk_ prefix is documented, pk_live without body is fine
2026-11-27T14:49:16.300Z INFO  upload ok etag="d41d8cd98f00b204e9800998ecf8427e" blob=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==
2026-11-27T14:49:16.400Z ERROR key rotated: old={OLD},new={LIVE}	tab-separated	{TEST}
"#;

fn fill(slots: &[(&str, &str)]) -> String {
    let mut text = TEMPLATE.to_owned();
    for (slot, value) in slots {
        text = text.replace(slot, value);
    }
    text
}

fn input() -> String {
    fill(&[
        ("{LIVE}", LIVE),
        ("{TEST}", TEST),
        ("{OLD}", OLD),
        ("{UPPER}", UPPER),
    ])
}

fn expected() -> String {
    fill(&[
        ("{LIVE}", "pk_live_****a1b2"),
        ("{TEST}", "pk_test_****c3d4"),
        ("{OLD}", "pk_live_****e5f6"),
        ("{UPPER}", "PK_LIVE_****L2QW"),
    ])
}

fn run(args: &[&str], stdin: &[u8]) -> (Vec<u8>, String, i32) {
    let mut child = Command::new(BIN)
        .arg("redact")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn assert_no_secret(out: &str) {
    for key in [LIVE, TEST, OLD, UPPER] {
        let secret = &key[8..key.len() - 4];
        for w in secret.as_bytes().windows(6) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(
                !out.contains(w),
                "secret piece {w} of {} left in:\n{out}",
                &key[..12]
            );
        }
    }
}

#[test]
fn mixed_log_from_stdin() {
    let (out, err, code) = run(&[], input().as_bytes());
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert_no_secret(&out);
    // Everything but the keys is byte-identical: the output is exactly the template with
    // each key replaced by its fingerprint.
    assert_eq!(out, expected());
}

#[test]
fn files_and_dash_are_concatenated() {
    let dir = std::env::temp_dir().join(format!("pictify-redact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.log");
    std::fs::write(&file, input()).unwrap();
    let path = file.to_str().unwrap();
    let (out, err, code) = run(
        &[path, "-", path],
        b"stdin pk_test_FAKEh4Jd9sLq2Xc8Bn5Mz0c3d4\n",
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{}stdin pk_test_****c3d4\n{}", expected(), expected())
    );
}

#[test]
fn large_input_streams_and_binary_passes_through() {
    // 8 MB of log with invalid UTF-8 sprinkled in: same as the library, nothing lost.
    let mut data = Vec::new();
    let mut want = Vec::new();
    for i in 0..40_000 {
        data.extend_from_slice(format!("{i} GET /v1/render?api_key={LIVE} ").as_bytes());
        data.extend_from_slice(b"\xff\xfe ");
        data.extend_from_slice(format!("{TEST}\n").as_bytes());
        want.extend_from_slice(format!("{i} GET /v1/render?api_key=pk_live_****a1b2 ").as_bytes());
        want.extend_from_slice(b"\xff\xfe ");
        want.extend_from_slice(b"pk_test_****c3d4\n");
    }
    let (out, err, code) = run(&[], &data);
    assert_eq!(code, 0, "{err}");
    assert!(
        out == want,
        "streamed output differs from the expected redaction"
    );
}

#[test]
fn styles_and_json_lines() {
    let line = format!("key {LIVE} end\n");
    let (out, _, _) = run(&["--style", "redacted"], line.as_bytes());
    assert_eq!(out, b"key [REDACTED] end\n");
    let (out, _, _) = run(&["--style", "mask"], line.as_bytes());
    assert_eq!(out.len(), line.len());
    assert_eq!(out, b"key pk_live_*********************a1b2 end\n");
    let json = format!("{{\"token\":\"FAKEopaque\",\"msg\":\"with {TEST}\"}}\nplain {LIVE}\n");
    let (out, err, code) = run(&["--json-lines"], json.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"msg\":\"with pk_test_****c3d4\",\"token\":\"[REDACTED]\"}\nplain pk_live_****a1b2\n"
    );
}

#[test]
fn unreadable_file_is_reported_with_a_code() {
    let (out, err, code) = run(&["/nonexistent/pictify/app.log"], b"");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.starts_with("error[file_unreadable]: /nonexistent/pictify/app.log"),
        "{err}"
    );
}

/// Measures `pictify-keys redact` on 1 GB of generated log piped to /dev/null. Not a timed
/// assertion: it prints the figure for docs/benchmarks.md. Run with a release build:
/// `cargo test --release -p pictify-keys-cli --test redact -- --ignored --nocapture throughput`.
#[test]
#[ignore = "writes 1 GB under the temp dir; run by hand for docs/benchmarks.md"]
fn throughput_1gb_to_dev_null() {
    let mut block = String::new();
    let mut n: u64 = 0x5EED;
    let mut next = || {
        n = n
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        n >> 33
    };
    let keys = [LIVE, TEST, OLD, UPPER];
    while block.len() < 1 << 20 {
        let key = keys[(next() % 4) as usize];
        let line = match next() % 15 {
            0 => format!("2026-11-27T14:49:14Z INFO GET https://api.pictify.io/v1/render?template=og-card&w=1200&api_key={key} -> 200 ({}ms)", next() % 900),
            1 => format!(r#"{{"level":"info","msg":"render done","apiKey":"{key}","ms":{},"request_id":"3f2c9a1e-8b7d-4c6e-9f0a-{:012x}"}}"#, next() % 900, next()),
            2 => format!("2026-11-27T14:49:14Z DEBUG > Authorization: Bearer {key} > Accept: image/png > User-Agent: pictify-node/2.3.1"),
            _ => format!("2026-11-27T14:49:14Z INFO worker {} processed job 3f2c9a1e-8b7d-4c6e-9f0a-{:012x} in {} ms; queue depth {}, cache hit ratio 0.{}", next() % 16, next(), next() % 5000, next() % 100, next() % 100),
        };
        block.push_str(&line);
        block.push('\n');
    }
    let path = std::env::temp_dir().join(format!("pictify-redact-1g-{}.log", std::process::id()));
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for _ in 0..1024 {
            f.write_all(block.as_bytes()).unwrap();
        }
        f.flush().unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    let start = std::time::Instant::now();
    let status = Command::new(BIN)
        .arg("redact")
        .arg(&path)
        .stdout(Stdio::from(std::fs::File::create("/dev/null").unwrap()))
        .status()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    std::fs::remove_file(&path).unwrap();
    assert!(status.success());
    println!(
        "pictify-keys redact: {size} bytes in {secs:.2} s = {:.0} MB/s",
        size as f64 / secs / 1e6
    );
}
