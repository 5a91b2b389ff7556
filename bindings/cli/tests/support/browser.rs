//! Headless Chromium for the HTML report tests (`audit --html`, `incident --html`): found on
//! PATH or through `PICTIFY_CHROMIUM`, run with every network route closed.
#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PICTIFY_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

pub fn required() -> bool {
    ["CI", "PICTIFY_BROWSER_REQUIRED"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty() && s != "0" && s != "false"))
}

/// Runs headless Chromium on `page` with no network (every host unresolvable, a dead
/// proxy) and a throw-away profile; returns stdout.
pub fn chromium(browser: &Path, profile: &Path, page: &Path, extra: &[&str]) -> Vec<u8> {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
