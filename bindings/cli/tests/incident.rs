//! `pictify-keys incident` on a generated audit log with a compromised key: normal traffic
//! from the allowed network, then (after the exposure) a foreign network writing, then a
//! success and refusals after the revocation. Every report field is checked against what
//! the generator planted; the built binary, the clock pinned with `--now`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

mod support;
use support::browser::{browser, chromium, required};

/// Fixtures (the body starts with FAKE), never real keys.
const KEY: &str = "pk_live_FAKE8sJ2mQ4vX7nB1cR5tW9y";
const OTHER_KEY: &str = "pk_live_FAKE3Wwd25rq4f5zra1b2";

const EXPOSED: &str = "2026-11-27T12:00:00Z";
const REVOKED: &str = "2026-11-29T00:00:00Z";
const NOW: &str = "2026-12-02T00:00:00Z";

fn fingerprint(key: &str) -> String {
    format!("pk_live_****{}", &key[key.len() - 4..])
}

/// One planted request.
struct Req {
    time: String,
    key: &'static str,
    method: &'static str,
    endpoint: &'static str,
    status: u16,
    ip: String,
}

/// What the generator planted, and the expectations it derives from the plan itself.
struct Plan {
    log: String,
    events: u64,
    suspicious: u64,
    per_ip: BTreeMap<String, (String, String, u64, u64)>,
}

fn generate() -> Plan {
    let mut reqs = Vec::new();
    // Nine days of office-hours traffic from the allowed network (10.0.0.0/8).
    for day in 20..29 {
        for hour in 8..18 {
            reqs.push(Req {
                time: format!("2026-11-{day}T{hour:02}:15:00Z"),
                key: "key_abc",
                method: "GET",
                endpoint: "/v1/images",
                status: 200,
                ip: format!("10.0.{}.{}", day, hour),
            });
            reqs.push(Req {
                time: format!("2026-11-{day}T{hour:02}:20:00Z"),
                key: "key_other",
                method: "POST",
                endpoint: "/v1/render",
                status: 200,
                ip: "198.51.100.23".into(),
            });
        }
    }
    // After the exposure: a foreign network renders and deletes.
    for minute in 0..10 {
        reqs.push(Req {
            time: format!("2026-11-28T02:{minute:02}:00Z"),
            key: "key_abc",
            method: "POST",
            endpoint: "/v1/render",
            status: 200,
            ip: "198.51.100.23".into(),
        });
    }
    reqs.push(Req {
        time: "2026-11-28T02:30:00Z".into(),
        key: "key_abc",
        method: "DELETE",
        endpoint: "/v1/templates/7",
        status: 204,
        ip: "198.51.100.23".into(),
    });
    // After the revocation: one success (critical), then refusals; logged by fingerprint.
    reqs.push(Req {
        time: "2026-11-29T01:00:00Z".into(),
        key: "fp",
        method: "POST",
        endpoint: "/v1/render",
        status: 200,
        ip: "203.0.113.99".into(),
    });
    for minute in 5..8 {
        reqs.push(Req {
            time: format!("2026-11-29T01:{minute:02}:00Z"),
            key: "key_abc",
            method: "GET",
            endpoint: "/v1/images",
            status: 401,
            ip: "203.0.113.99".into(),
        });
    }
    reqs.sort_by(|a, b| a.time.cmp(&b.time));
    let fp = fingerprint(KEY);
    let mut plan = Plan {
        log: String::new(),
        events: 0,
        suspicious: 0,
        per_ip: BTreeMap::new(),
    };
    for r in &reqs {
        let key = if r.key == "fp" { fp.as_str() } else { r.key };
        plan.log.push_str(&format!(
            "{{\"timestamp\":\"{}\",\"keyId\":\"{key}\",\"endpoint\":\"{}\",\"method\":\"{}\",\"status\":{},\"ip\":\"{}\",\"userAgent\":\"test/1\"}}\n",
            r.time, r.endpoint, r.method, r.status, r.ip
        ));
        if r.key == "key_other" {
            continue;
        }
        plan.events += 1;
        let foreign = !r.ip.starts_with("10.");
        if foreign || r.time.as_str() >= EXPOSED {
            plan.suspicious += 1;
        }
        let e = plan
            .per_ip
            .entry(r.ip.clone())
            .or_insert((r.time.clone(), r.time.clone(), 0, 0));
        e.1 = r.time.clone();
        e.2 += 1;
        e.3 += u64::from((200..300).contains(&r.status));
    }
    plan
}

fn project() -> (tempfile::TempDir, Plan) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(
        root.join("pictify-keys.toml"),
        format!(
            "audit_logs = [\"logs/audit.jsonl\"]\n[keys.key_abc]\nname = \"render worker\"\nmode = \"live\"\naccess = \"full\"\nowner = \"platform\"\nenvironments = [\"production\"]\nallowed_networks = [\"10.0.0.0/8\"]\nfingerprint = \"{}\"\n[keys.key_other]\nowner = \"data\"\n",
            fingerprint(KEY)
        ),
    )
    .unwrap();
    fs::create_dir_all(root.join("logs")).unwrap();
    fs::create_dir_all(root.join("src")).unwrap();
    let plan = generate();
    // A line that is not an audit event, at the end: counted, left out.
    fs::write(
        root.join("logs/audit.jsonl"),
        format!("{}not json\n", plan.log),
    )
    .unwrap();
    // Still held by the project: an env file and a hard-coded copy; another key elsewhere.
    fs::write(root.join(".env"), format!("PICTIFY_API_KEY={KEY}\n")).unwrap();
    fs::write(
        root.join("src/config.js"),
        format!("// render\nconst key = '{KEY}';\n"),
    )
    .unwrap();
    fs::write(root.join("src/other.js"), format!("k = '{OTHER_KEY}'\n")).unwrap();
    (tmp, plan)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .current_dir(dir)
        .arg("incident")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_report_holds_what_was_planted() {
    let (tmp, plan) = project();
    let out = run(
        tmp.path(),
        &[
            "key_abc",
            "--exposed-at",
            EXPOSED,
            "--revoked-at",
            REVOKED,
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = doc.to_string();
    assert!(!all.contains(&KEY[12..]), "secret in the report");
    assert_eq!(doc["key"]["id"], "key_abc");
    assert_eq!(doc["key"]["fingerprint"], fingerprint(KEY));
    assert_eq!(doc["key"]["allowed_networks"], json!(["10.0.0.0/8"]));
    assert_eq!(doc["exposed_at"], EXPOSED);
    assert_eq!(doc["revoked_at"], REVOKED);
    assert_eq!(doc["severity"], "critical");
    assert_eq!(doc["events"], plan.events);
    assert_eq!(doc["success_after_revocation"], 1);
    assert_eq!(doc["suspicious_total"], plan.suspicious);
    // Actions.
    let states: Vec<(String, String)> = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("revoke", "critical"),
        ("remove_from_project", "todo"),
        ("replace_and_update_services", "manual"),
        ("review_logs", "done"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(states, want);
    assert!(doc["actions"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("the first at 2026-11-29T01:00:00Z from 203.0.113.99"));
    assert_eq!(
        doc["actions"][1]["detail"],
        "still in .env:1, src/config.js:2"
    );
    // Per IP: every planted address with first, last, count, 2xx, allowed.
    let rows = doc["networks"].as_array().unwrap();
    assert_eq!(rows.len(), plan.per_ip.len());
    for row in rows {
        let ip = row["ip"].as_str().unwrap();
        let (first, last, count, success) = &plan.per_ip[ip];
        assert_eq!(row["first_seen"], first.as_str(), "{ip}");
        assert_eq!(row["last_seen"], last.as_str(), "{ip}");
        assert_eq!(row["count"], *count, "{ip}");
        assert_eq!(row["success"], *success, "{ip}");
        assert_eq!(row["allowed"], ip.starts_with("10."), "{ip}");
    }
    // What was accessed: the writes first.
    let access: Vec<(String, String, u64, u64)> = doc["access"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["method"].as_str().unwrap().to_owned(),
                a["endpoint"].as_str().unwrap().to_owned(),
                a["status"].as_u64().unwrap(),
                a["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, u64)> = [
        ("POST", "/v1/render", 200, 11),
        ("DELETE", "/v1/templates/7", 204, 1),
        ("GET", "/v1/images", 200, 90),
        ("GET", "/v1/images", 401, 3),
    ]
    .iter()
    .map(|(m, e, s, c)| ((*m).to_owned(), (*e).to_owned(), *s, *c))
    .collect();
    assert_eq!(access, want);
    // The first suspicious request is the first of the allowed network after the exposure
    // (2026-11-27 12:15); the foreign ones carry both reasons.
    let sus = doc["suspicious"].as_array().unwrap();
    assert_eq!(sus[0]["time"], "2026-11-27T12:15:00Z");
    assert_eq!(sus[0]["reasons"], json!(["after_exposure"]));
    let foreign = sus.iter().find(|s| s["ip"] == "198.51.100.23").unwrap();
    assert_eq!(foreign["time"], "2026-11-28T02:00:00Z");
    assert_eq!(
        foreign["reasons"],
        json!(["outside_allowed_networks", "after_exposure"])
    );
    let line = foreign["evidence"]["line"].as_u64().unwrap() as usize;
    let planted_line = plan.log.lines().nth(line - 1).unwrap();
    assert!(
        planted_line.contains("2026-11-28T02:00:00Z") && planted_line.contains("198.51.100.23")
    );
    // Where the key appears: env file, working tree, the log; the other key is not listed.
    let places: Vec<(String, String, u64)> = doc["appearances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_owned(),
                a["path"].as_str().unwrap().to_owned(),
                a["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let log_first_line = plan
        .log
        .lines()
        .position(|l| l.contains("\"key_abc\""))
        .unwrap() as u64
        + 1;
    let log_path = "logs/audit.jsonl".to_owned();
    assert_eq!(
        places,
        [
            ("env_file".to_owned(), ".env".to_owned(), 1),
            ("working_tree".to_owned(), "src/config.js".to_owned(), 2),
            ("log".to_owned(), log_path, log_first_line),
        ]
    );
    assert_eq!(doc["history_searched"], false);
    assert_eq!(doc["lines_left_out"], json!({"invalid_json": 1}));
    // Days: requests per day from the plan.
    let day = doc["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-29")
        .unwrap();
    assert_eq!(
        (day["requests"].as_u64(), day["after_revocation"].as_u64()),
        (Some(4), Some(4))
    );
}

#[test]
fn text_report_and_fingerprint_lookup() {
    let (tmp, _) = project();
    let fp = fingerprint(KEY);
    let out = run(
        tmp.path(),
        &[
            &fp,
            "--exposed-at",
            EXPOSED,
            "--revoked-at",
            REVOKED,
            "--now",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "Incident report for key_abc (render worker",
        "severity CRITICAL",
        "CRITICAL revoke the key in the Pictify dashboard",
        "TODO     remove the key from every place the project holds it",
        "2026-11-28T02:00:00Z  first use from outside the allowed networks (198.51.100.23)",
        "POST   /v1/render",
        "git history: not searched",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains(&KEY[12..]));
}

#[test]
fn a_key_on_the_command_line_is_refused_without_echo() {
    let (tmp, _) = project();
    let out = run(tmp.path(), &[KEY, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("FAKE8sJ2"), "{all}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "invalid_argument");
    let out = run(tmp.path(), &["key_abc", "--exposed-at", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn template_writes_the_runbook_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--template"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let written = fs::read_to_string(tmp.path().join("docs/incident-response.md")).unwrap();
    assert!(written.starts_with("# Incident response"));
    assert!(written.contains("Revoke the key"));
    let again = run(tmp.path(), &["--template"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("error[file_exists]"));
    assert_eq!(
        run(tmp.path(), &["--template", "--force"]).status.code(),
        Some(0)
    );
    let stdout = run(tmp.path(), &["--template", "--output", "-"]);
    assert_eq!(String::from_utf8(stdout.stdout).unwrap(), written);
    // doctor sees the plan and warns until it is filled in.
    let doctor = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .args(["doctor", "--json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    let plan = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "incident_plan")
        .unwrap();
    assert_eq!(plan["status"], "warn");
    let filled = written.replace("[fill in:", "(filled:");
    fs::write(tmp.path().join("docs/incident-response.md"), filled).unwrap();
    let doctor = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .args(["doctor", "--json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&doctor.stdout).unwrap();
    let plan = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "incident_plan")
        .unwrap();
    assert_eq!(plan["status"], "pass");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Dev One",
            "-c",
            "user.email=dev@example.invalid",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn git_history_names_the_commit_that_added_a_removed_key() {
    let (tmp, _) = project();
    let root = tmp.path();
    git(root, &["init", "-q"]);
    fs::write(root.join(".gitignore"), ".env\nlogs/\n").unwrap();
    fs::write(root.join("old.py"), format!("# render\nKEY = '{KEY}'\n")).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "add the render worker"]);
    let added = git(root, &["rev-parse", "HEAD"]);
    fs::remove_file(root.join("old.py")).unwrap();
    git(root, &["commit", "-q", "-am", "remove the hard-coded key"]);

    let out = run(root, &["key_abc", "--format", "json", "--now", NOW]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["history_searched"], true);
    let history: Vec<&Value> = doc["appearances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "git_history")
        .collect();
    // Both committed copies (old.py, src/config.js); .env is ignored, never committed.
    let mut paths: Vec<&str> = history
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, ["old.py", "src/config.js"]);
    let old = history.iter().find(|a| a["path"] == "old.py").unwrap();
    assert_eq!(old["commit"], json!(added));
    assert_eq!(old["author"], "Dev One");
    assert_eq!(old["line"], 2);
    assert!(old["date"].as_str().unwrap().starts_with("20"));
    assert_eq!(old["detail"], "the commit that introduced the key");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&KEY[12..]));
}

/// Markup an attacker could put in a log line's endpoint.
const XSS_ENDPOINT: &str = "/v1/x\"><img src=x onerror=\"document.title='pwned'\">";

#[test]
fn html_report_renders_in_chromium_and_runs_no_script() {
    let (tmp, plan) = project();
    let root = tmp.path();
    // A hostile line after the exposure, from the foreign network: its endpoint is markup.
    let hostile = json!({
        "timestamp": "2026-11-28T03:00:00Z", "action": "api.request", "keyId": "key_abc",
        "endpoint": XSS_ENDPOINT, "method": "DELETE", "status": 200,
        "ip": "198.51.100.23", "userAgent": "curl/8",
    });
    fs::write(
        root.join("logs/audit.jsonl"),
        format!("{}{hostile}\n", plan.log),
    )
    .unwrap();
    let page = root.join("incident.html");
    let page_arg = page.to_str().unwrap();
    let args = [
        "key_abc",
        "--exposed-at",
        EXPOSED,
        "--revoked-at",
        REVOKED,
        "--now",
        NOW,
        "--format",
        "json",
        "--html",
        page_arg,
    ];
    let out = run(root, &args);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let html = fs::read_to_string(&page).unwrap();
    // `--format html` prints the page `--html` writes.
    let printed = run(root, &[&args[..7], &["--format", "html"]].concat());
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), html);
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.contains("<img"), "markup from the log became markup");
    assert!(!html.contains(&KEY[12..]), "the key is in the page");

    let Some(browser) = browser() else {
        let msg = "no chromium on PATH (run tests/monitor/setup.sh, or set PICTIFY_CHROMIUM)";
        if required() {
            panic!("{msg}: the incident --html browser test is required under CI");
        }
        eprintln!("SKIPPED incident --html browser test: {msg}");
        return;
    };
    let profile = root.join("profile");
    let dom = String::from_utf8(chromium(&browser, &profile, &page, &["--dump-dom"])).unwrap();
    assert!(
        dom.contains("<title>Incident report: key_abc (render worker)</title>"),
        "a script changed the title, or the page did not load"
    );
    assert!(
        !dom.contains("<img"),
        "markup from the log became an element"
    );
    assert!(dom.contains("&lt;img src=x onerror="));
    // One card per action, with the state the JSON report gives it.
    let actions = report["actions"].as_array().unwrap();
    assert_eq!(dom.matches("<article class=\"card").count(), actions.len());
    for a in actions {
        let state = match a["state"].as_str().unwrap() {
            "todo" => "to do",
            s => s,
        };
        let card = format!(
            "id=\"action-{}\" data-state=\"{state}\"",
            a["id"].as_str().unwrap()
        );
        assert!(dom.contains(&card), "missing {card}");
    }
    assert!(dom.contains("id=\"action-revoke\" data-state=\"critical\""));
    // A row per IP, per suspicious request, per place the key appears.
    for n in report["networks"].as_array().unwrap() {
        let ip = n["ip"].as_str().unwrap();
        assert!(
            dom.contains(&format!("<tr data-ip=\"{ip}\">")),
            "row of {ip}"
        );
    }
    let suspicious_rows = report["suspicious"].as_array().unwrap().len();
    let ip_rows = report["networks"].as_array().unwrap().len();
    assert_eq!(
        dom.matches("<tr data-ip=").count(),
        ip_rows + suspicious_rows
    );
    let places = report["appearances"].as_array().unwrap().len();
    assert!(places >= 2);
    assert_eq!(dom.matches("<tr data-kind=").count(), places);
    assert_eq!(dom.matches("class=\"timechart\"").count(), 1);
}
