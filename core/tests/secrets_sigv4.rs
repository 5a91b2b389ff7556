//! The hand-rolled SigV4 signer against AWS's published SigV4 test suite
//! (tests/vectors/sigv4, copied from botocore's tests/unit/auth/aws4_testsuite; Apache-2.0,
//! see the LICENSE and NOTICE there). Each case's canonical request, string to sign and
//! Authorization header must match byte for byte.
#![cfg(feature = "secrets")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use pictify_keys::secrets::sigv4::{sign, AmzDate, AwsCredentials, SigningParams};

/// The suite's fixed inputs.
const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z
const TIME: u64 = 1_440_938_160;

struct Req {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// Parses a `.req` file: request line, `Name:value` headers (a line starting with whitespace
/// continues the previous value), blank line, body.
fn parse_req(text: &str) -> Req {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap().to_owned();
    let target = parts.next().unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with(' ') || line.starts_with('\t') {
            let last = headers.last_mut().unwrap();
            last.1.push(',');
            last.1.push_str(line.trim());
            continue;
        }
        let (n, v) = line.split_once(':').unwrap();
        headers.push((n.to_owned(), v.to_owned()));
    }
    Req {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: body.to_owned(),
    }
}

#[test]
fn aws_sigv4_test_suite() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/sigv4");
    let creds = AwsCredentials::new(ACCESS_KEY, SECRET_KEY, None);
    let mut ran = 0;
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    for case in names {
        let name = case.file_name().unwrap().to_str().unwrap().to_owned();
        let read = |ext: &str| std::fs::read_to_string(case.join(format!("{name}.{ext}"))).unwrap();
        let req = parse_req(&read("req"));
        let headers: Vec<(&str, &str)> = req
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let sig = sign(
            &req.method,
            &req.path,
            &req.query,
            &headers,
            req.body.as_bytes(),
            &creds,
            SigningParams {
                region: "us-east-1",
                service: "service",
                time: AmzDate::from_unix(TIME),
            },
        );
        assert_eq!(
            sig.canonical_request,
            read("creq"),
            "{name}: canonical request"
        );
        assert_eq!(sig.string_to_sign, read("sts"), "{name}: string to sign");
        assert_eq!(sig.authorization, read("authz"), "{name}: authorization");
        ran += 1;
    }
    assert_eq!(ran, 11, "every copied vector ran");
}
