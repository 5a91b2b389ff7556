//! AWS Signature Version 4, hand-rolled on `hmac` + `sha2` (a few KB in the WASM build,
//! where the `aws-sigv4` crate costs about 64 KB gzipped). The time is an input: on wasm32
//! `SystemTime::now()` panics, and tests need a fixed clock.
//!
//! Checked against AWS's published SigV4 test suite (tests/vectors/sigv4, from botocore).

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// AWS credentials. `Debug` never shows the secret key or the session token.
#[derive(Clone)]
pub struct AwsCredentials {
    /// The access key id (`AKIA…`, `ASIA…`); not a secret.
    pub access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
}

impl AwsCredentials {
    /// Credentials from an access key pair and an optional session token.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Zeroizing::new(secret_access_key.into()),
            session_token: session_token.map(Zeroizing::new),
        }
    }

    /// The session token, for the `X-Amz-Security-Token` header.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AwsCredentials({}, secret [REDACTED]{})",
            self.access_key_id,
            if self.session_token.is_some() {
                ", session token [REDACTED]"
            } else {
                ""
            }
        )
    }
}

/// A UTC time as SigV4 wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmzDate {
    secs: u64,
}

impl AmzDate {
    /// From seconds since the Unix epoch.
    pub fn from_unix(secs: u64) -> Self {
        Self { secs }
    }

    /// `20150830T123600Z`.
    pub fn amz(&self) -> String {
        let (y, mo, d) = civil_from_days((self.secs / 86_400) as i64);
        let s = self.secs % 86_400;
        format!(
            "{y:04}{mo:02}{d:02}T{:02}{:02}{:02}Z",
            s / 3600,
            (s / 60) % 60,
            s % 60
        )
    }

    /// `20150830`.
    pub fn date(&self) -> String {
        self.amz()[..8].to_owned()
    }
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// URI-encodes per SigV4: unreserved characters stay, everything else is `%XX` (uppercase).
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query string: `key=value` pairs (already URL-encoded on input, as in a
/// request line) decoded, re-encoded and sorted by key then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(s: &str) -> String {
    fn hex_val(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the signer needs to know about one request.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The region (`us-east-1`).
    pub region: &'a str,
    /// The service (`secretsmanager`).
    pub service: &'a str,
    /// The signing time.
    pub time: AmzDate,
}

/// The pieces of a signature, for tests against the published suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Signs a request. `path` is the URI path as sent (already encoded), `query` the raw query
/// string without `?`, `headers` every header to sign (must include `host` and `x-amz-date`;
/// names in any case, values are trimmed and inner runs of spaces collapsed, duplicate names
/// joined with `,` in the order given).
pub fn sign(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    credentials: &AwsCredentials,
    params: SigningParams<'_>,
) -> Signature {
    let mut canon: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        match canon.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                v.push(',');
                v.push_str(&value);
            }
            None => canon.push((name, value)),
        }
    }
    canon.sort_by(|a, b| a.0.cmp(&b.0));
    let signed_headers = canon
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let mut canonical_request = format!(
        "{method}\n{}\n{}\n",
        if path.is_empty() { "/" } else { path },
        canonical_query(query)
    );
    for (n, v) in &canon {
        canonical_request.push_str(n);
        canonical_request.push(':');
        canonical_request.push_str(v);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(&sha256_hex(body));

    let date = params.time.date();
    let scope = format!("{date}/{}/{}/aws4_request", params.region, params.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        params.time.amz(),
        sha256_hex(canonical_request.as_bytes())
    );
    let k_secret = Zeroizing::new(format!("AWS4{}", credentials.secret_access_key.as_str()));
    let k_date = Zeroizing::new(hmac(k_secret.as_bytes(), date.as_bytes()));
    let k_region = Zeroizing::new(hmac(&k_date, params.region.as_bytes()));
    let k_service = Zeroizing::new(hmac(&k_region, params.service.as_bytes()));
    let k_signing = Zeroizing::new(hmac(&k_service, b"aws4_request"));
    let signature = hex(&hmac(&k_signing, string_to_sign.as_bytes()));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    );
    Signature {
        canonical_request,
        string_to_sign,
        authorization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        // 2015-08-30T12:36:00Z
        let t = AmzDate::from_unix(1_440_938_160);
        assert_eq!(t.amz(), "20150830T123600Z");
        assert_eq!(t.date(), "20150830");
        assert_eq!(AmzDate::from_unix(0).amz(), "19700101T000000Z");
        // 2024-02-29T23:59:59Z, a leap day.
        assert_eq!(AmzDate::from_unix(1_709_251_199).amz(), "20240229T235959Z");
    }

    #[test]
    fn debug_hides_secrets() {
        let c = AwsCredentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/FAKE",
            Some("TOKENFAKE".into()),
        );
        let d = format!("{c:?}");
        assert!(d.contains("AKIDEXAMPLE"));
        assert!(!d.contains("wJalr") && !d.contains("TOKENFAKE"));
    }
}
