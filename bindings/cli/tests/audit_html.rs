//! `pictify-keys audit --html` in a real browser: headless Chromium (Debian's `chromium`,
//! installed by tests/monitor/setup.sh from `just rust-test`) loads the page with
//! every network route closed, and the test checks the DOM it built (a row and a section per
//! key, a card per alert id, the left-out lines, the charts) and a screenshot (the charts
//! drew pixels in their colours). Log fields are attacker-controlled, so the log carries
//! script and markup in a user agent, an endpoint and a keyId: none of it may become an
//! element or run.
//!
//! Without a browser the test says SKIPPED on stderr and passes; under CI (`CI` or
//! `PICTIFY_BROWSER_REQUIRED` set) it fails instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pictify-keys");

mod support;
use support::browser::{browser, chromium, required};

/// RGBA pixels of a PNG.
fn pixels(png_path: &Path) -> (u32, u32, Vec<[u8; 4]>) {
    let file = std::io::BufReader::new(std::fs::File::open(png_path).unwrap());
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|c| match channels {
            4 => [c[0], c[1], c[2], c[3]],
            3 => [c[0], c[1], c[2], 255],
            _ => [c[0], c[0], c[0], 255],
        })
        .collect();
    (info.width, info.height, px)
}

fn near(p: [u8; 4], rgb: [u8; 3], tol: i32) -> bool {
    (0..3).all(|i| (i32::from(p[i]) - i32::from(rgb[i])).abs() <= tol)
}

const XSS_UA: &str = "<script>document.title='pwned-ua'</script>";
const XSS_ENDPOINT: &str = "/v1/render\"><img src=x onerror=\"document.title='pwned-ep'\">";

#[test]
fn report_page_renders_in_chromium_with_every_key_and_alert_and_runs_no_script() {
    let Some(browser) = browser() else {
        let msg = "no chromium on PATH (run tests/monitor/setup.sh, or set PICTIFY_CHROMIUM)";
        if required() {
            panic!("{msg}: the audit --html browser test is required under CI");
        }
        eprintln!("SKIPPED audit --html browser test: {msg}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/monitor/generate.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(dir.path())
        .args(["--seed", "15"])
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
    // Hostile lines after the month: markup in a user agent and an endpoint (from a
    // disallowed network, so they reach an alert's top lists too) and in a keyId.
    let log = dir.path().join("audit.jsonl");
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    for (i, (key, endpoint, ua)) in [
        ("key_render", XSS_ENDPOINT, XSS_UA),
        ("key_render", XSS_ENDPOINT, XSS_UA),
        ("<script>alert(1)</script>", "/v1/render", "x"),
    ]
    .iter()
    .enumerate()
    {
        let line = serde_json::json!({
            "timestamp": format!("2026-04-01T00:0{i}:00Z"), "action": "api.request",
            "keyId": key, "endpoint": endpoint, "method": "POST", "status": 200,
            "ip": "198.51.100.66", "userAgent": ua,
        });
        writeln!(f, "{line}").unwrap();
    }
    drop(f);
    let config = dir.path().join("monitor.toml");
    let page = dir.path().join("report.html");
    let out = Command::new(BIN)
        .args(["audit", "--format", "json", "--no-progress", "--config"])
        .arg(&config)
        .arg("--html")
        .arg(&page)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = report["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyId"].as_str().unwrap())
        .collect();
    let alerts: Vec<&str> = report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 5);
    assert!(alerts.len() >= 12, "{alerts:?}");
    let hostile = report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "disallowed_network" && a["start"] == "2026-04-01T00:00:00Z")
        .expect("the hostile lines raise a disallowed_network alert");
    assert_eq!(hostile["top_user_agents"][0][0], XSS_UA);

    // The file: no script element, nothing that loads from elsewhere.
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.to_ascii_lowercase().contains("<script"));
    for tag in [
        "<img", "<link", "<iframe", "<object", "<embed", "<video", "<audio", "<source", "@import",
        "url(",
    ] {
        assert!(!html.contains(tag), "{tag} in the page");
    }
    assert!(html
        .match_indices("href=\"")
        .all(|(i, m)| html[i + m.len()..].starts_with('#')));

    // The DOM Chromium built from it.
    let profile = dir.path().join("profile");
    let dom = String::from_utf8(chromium(&browser, &profile, &page, &["--dump-dom"])).unwrap();
    assert!(
        dom.contains("<title>Pictify key usage report</title>"),
        "a script changed the title, or the page did not load"
    );
    assert!(
        !dom.to_ascii_lowercase().contains("<script"),
        "a script element was built"
    );
    assert!(
        !dom.contains("<img"),
        "markup from the log became an element"
    );
    // The hostile text is there, as text.
    assert!(dom.contains("&lt;script&gt;document.title='pwned-ua'&lt;/script&gt;"));
    assert!(dom.contains("&lt;img src=x onerror="));
    for k in &keys {
        assert!(
            dom.contains(&format!("<tr data-key-id=\"{k}\">")),
            "row of {k}"
        );
        assert!(
            dom.contains(&format!("data-key-id=\"{k}\"><h2>")),
            "section of {k}"
        );
    }
    for a in &alerts {
        assert!(
            dom.contains(&format!("data-alert-id=\"{a}\"")),
            "card of {a}"
        );
    }
    assert_eq!(dom.matches("<article class=\"card").count(), alerts.len());
    assert!(dom.contains("data-issue=\"invalid_key_id\""));
    assert_eq!(dom.matches("class=\"timechart\"").count(), keys.len() + 1);
    assert_eq!(dom.matches("class=\"heatmap\"").count(), keys.len());

    // A screenshot: the charts drew their lines and cells.
    let shot = dir.path().join("report.png");
    chromium(
        &browser,
        &profile,
        &page,
        &[
            "--window-size=1280,12000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let (w, h, px) = pixels(&shot);
    assert_eq!((w, h), (1280, 12000));
    let blue_line = px
        .iter()
        .filter(|p| near(**p, [0x25, 0x63, 0xeb], 40))
        .count();
    let heat_dark = px.iter().filter(|p| near(**p, [30, 58, 138], 30)).count();
    let heat_any = px
        .iter()
        .filter(|p| p[2] > 150 && p[0] < 200 && p[2] > p[0] + 40)
        .count();
    assert!(blue_line > 20_000, "request lines: {blue_line} pixels");
    assert!(
        heat_dark > 5_000,
        "busiest heat-map cells: {heat_dark} pixels"
    );
    assert!(heat_any > 50_000, "heat-map cells: {heat_any} pixels");
    if let Ok(keep) = std::env::var("PICTIFY_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
