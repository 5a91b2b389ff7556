//! Sans-IO requests to the managers and parsing of their answers.
//!
//! Every read is one HTTP request built here as plain data ([`SecretRequest`]: method, URL,
//! headers, body) and one answer parsed here ([`SecretResponse`] → value or [`SecretError`]).
//! The native transport and a host's `fetch` both drive these, so the rules live once.
//!
//! - Vault KV v2: `GET {addr}/v1/{mount}/data/{path}[?version=N]` with `X-Vault-Token`.
//!   403 is a refused token or policy (Vault never answers 401), 404 a missing path or a
//!   deleted latest version; neither feeds the key ring's 401 rule.
//! - AWS: `POST /` awsJson1.1 `GetSecretValue`, SigV4-signed, with the version stage always
//!   named (`AWSCURRENT`, then `AWSPREVIOUS`; never `AWSPENDING`). Errors are classified by
//!   `__type`, not by HTTP status (moto answers 404 where AWS answers 400).

use std::fmt;

use serde_json::Value;
use zeroize::Zeroizing;

use super::reference::SecretRef;
use super::sigv4::AwsCredentials;
use crate::error::SecretError;

mod aws;
mod aws_creds;
mod vault;
mod vault_auth;

pub(crate) use aws::aws_json_request;
pub use aws::{aws_get_request, aws_parse_get, AwsStage};
pub use aws_creds::{
    aws_container_credentials_request, aws_parse_container_credentials, container_uri_allowed,
    ECS_CREDENTIALS_HOST,
};
pub use vault::{vault_parse_read, vault_read_request};
pub use vault_auth::{
    vault_approle_login_request, vault_kubernetes_login_request, vault_parse_login,
    vault_renew_self_request, VaultLogin,
};

/// One HTTP request to a manager. `Debug` hides header values (they carry tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretRequest {
    /// `GET` or `POST` (the native transport also sends `PUT` and `DELETE`).
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Headers to send, in order. Values may hold credentials.
    pub headers: Vec<(String, Zeroizing<String>)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
}

impl fmt::Debug for SecretRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("SecretRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A manager's answer: status and body. The body may hold the secret, so `Debug` hides it.
pub struct SecretResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Zeroizing<Vec<u8>>,
}

impl SecretResponse {
    /// An answer from status and body.
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        Self {
            status,
            body: Zeroizing::new(body),
        }
    }
}

impl fmt::Debug for SecretResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretResponse({}, {} bytes)",
            self.status,
            self.body.len()
        )
    }
}

/// Vault settings: address, token, namespace. `Debug` hides the token.
#[derive(Clone)]
pub struct VaultConfig {
    /// `http://127.0.0.1:8200` (no trailing slash needed).
    pub addr: String,
    token: Zeroizing<String>,
    /// `X-Vault-Namespace`, for Enterprise or OpenBao namespaces.
    pub namespace: Option<String>,
}

impl VaultConfig {
    /// Address and token.
    pub fn new(addr: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            addr: addr.into(),
            token: Zeroizing::new(token.into()),
            namespace: None,
        }
    }
}

impl fmt::Debug for VaultConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VaultConfig({}, token [REDACTED], namespace {:?})",
            self.addr, self.namespace
        )
    }
}

/// AWS settings: endpoint, region, credentials.
#[derive(Debug, Clone)]
pub struct AwsConfig {
    /// `https://secretsmanager.us-east-1.amazonaws.com` or an override.
    pub endpoint: String,
    /// The region, also the signing region.
    pub region: String,
    /// The credentials (Debug-safe).
    pub credentials: AwsCredentials,
}

/// One version of a secret as read: the value and what is known about the version.
pub struct SecretVersion {
    /// The value (the field's string, or the whole SecretString).
    pub value: Zeroizing<String>,
    /// Vault's version number.
    pub version: Option<u64>,
    /// When the version was created, seconds since the Unix epoch.
    pub created_unix: Option<u64>,
}

impl fmt::Debug for SecretVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretVersion(version {:?}, created {:?}, value [REDACTED])",
            self.version, self.created_unix
        )
    }
}

fn origin(r: &SecretRef) -> String {
    r.to_string()
}

fn json(resp: &SecretResponse, origin: &str) -> Result<Value, SecretError> {
    serde_json::from_slice(&resp.body).map_err(|_| SecretError::InvalidResponse {
        origin: origin.to_owned(),
        status: resp.status,
    })
}

/// Picks `field` from a JSON object of secret fields.
fn pick_field(data: &Value, field: &str, origin: &str) -> Result<Zeroizing<String>, SecretError> {
    match data.get(field) {
        None | Some(Value::Null) => Err(SecretError::FieldMissing {
            origin: origin.to_owned(),
            field: field.to_owned(),
        }),
        Some(Value::String(s)) => Ok(Zeroizing::new(s.clone())),
        Some(_) => Err(SecretError::NotText {
            origin: origin.to_owned(),
        }),
    }
}

/// `2026-12-01T08:21:33.107577059Z` (or with an offset) to Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        rest = &r[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        r if r.len() == 6 && (r.starts_with('+') || r.starts_with('-')) => {
            let oh: i64 = r.get(1..3)?.parse().ok()?;
            let om: i64 = r.get(4..6)?.parse().ok()?;
            let o = oh * 3600 + om * 60;
            if r.starts_with('+') {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    // Days from civil, Howard Hinnant's algorithm.
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset;
    u64::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault_ref() -> SecretRef {
        SecretRef::parse("vault://secret/pictify", "t").unwrap()
    }

    #[test]
    fn vault_request_shape() {
        let mut c = VaultConfig::new("http://127.0.0.1:8200/", "s.FAKEtoken");
        c.namespace = Some("team".into());
        let r = vault_read_request(&c, &vault_ref(), Some(3)).unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.url,
            "http://127.0.0.1:8200/v1/secret/data/pictify?version=3"
        );
        assert_eq!(r.headers[0].0, "X-Vault-Token");
        assert_eq!(r.headers[0].1.as_str(), "s.FAKEtoken");
        assert_eq!(r.headers[1].1.as_str(), "team");
        assert!(!format!("{r:?}").contains("FAKEtoken"));
        assert!(!format!("{c:?}").contains("FAKEtoken"));
    }

    #[test]
    fn vault_answers() {
        let ok = br#"{"data":{"data":{"api_key":"pk_live_FAKE3Wwd25rq4f5zr3a1b2","n":1},
            "metadata":{"created_time":"2026-12-01T08:21:33.107577059Z","version":2}}}"#;
        let v = vault_parse_read(&vault_ref(), &SecretResponse::new(200, ok.to_vec())).unwrap();
        assert_eq!(v.value.as_str(), "pk_live_FAKE3Wwd25rq4f5zr3a1b2");
        assert_eq!(v.version, Some(2));
        assert_eq!(v.created_unix, Some(1_796_113_293));
        let code = |status, body: &[u8]| {
            vault_parse_read(&vault_ref(), &SecretResponse::new(status, body.to_vec()))
                .unwrap_err()
                .code()
        };
        assert_eq!(
            code(403, br#"{"errors":["permission denied"]}"#),
            "secret_access_denied"
        );
        assert_eq!(code(404, br#"{"errors":[]}"#), "secret_not_found");
        assert_eq!(code(503, b""), "secret_manager_error");
        assert_eq!(code(200, b"<html>"), "secret_invalid_response");
        assert_eq!(
            code(200, br#"{"data":{"data":{"other":"x"}}}"#),
            "secret_field_missing"
        );
        assert_eq!(
            code(200, br#"{"data":{"data":{"api_key":5}}}"#),
            "secret_not_text"
        );
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2015-08-30T12:36:00Z"), Some(1_440_938_160));
        assert_eq!(
            parse_rfc3339("2015-08-30T14:36:00.5+02:00"),
            Some(1_440_938_160)
        );
        assert_eq!(parse_rfc3339("2015-08-30"), None);
        assert_eq!(parse_rfc3339("2015-13-30T12:36:00Z"), None);
    }

    #[test]
    fn aws_classifies_by_type_not_status() {
        let r = SecretRef::parse("aws-sm://pictify/api-key#api_key", "t").unwrap();
        let parse = |status, body: &[u8], stage| {
            aws_parse_get(&r, stage, &SecretResponse::new(status, body.to_vec()))
        };
        let nf = br#"{"__type":"ResourceNotFoundException","message":"x"}"#;
        assert_eq!(
            parse(404, nf, AwsStage::Current).unwrap_err().code(),
            "secret_not_found"
        );
        assert_eq!(
            parse(400, nf, AwsStage::Current).unwrap_err().code(),
            "secret_not_found"
        );
        assert!(parse(400, nf, AwsStage::Previous).unwrap().is_none());
        let denied = br#"{"__type":"com.amazonaws#AccessDeniedException","Message":"x"}"#;
        assert_eq!(
            parse(400, denied, AwsStage::Current).unwrap_err().code(),
            "secret_access_denied"
        );
        let xml =
            b"<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>";
        assert_eq!(
            parse(403, xml, AwsStage::Current).unwrap_err().code(),
            "secret_access_denied"
        );
        let throttled = br#"{"__type":"ThrottlingException"}"#;
        let e = parse(400, throttled, AwsStage::Current).unwrap_err();
        assert_eq!(e.code(), "secret_manager_error");
        assert!(e.is_transient());
        let bin = br#"{"VersionStages":["AWSCURRENT"],"SecretBinary":"AAEC"}"#;
        assert_eq!(
            parse(200, bin, AwsStage::Current).unwrap_err().code(),
            "secret_not_text"
        );
        let nofield = br#"{"VersionStages":["AWSCURRENT"],"SecretString":"{\"other\":\"x\"}"}"#;
        assert_eq!(
            parse(200, nofield, AwsStage::Current).unwrap_err().code(),
            "secret_field_missing"
        );
        let ok = br#"{"VersionStages":["AWSCURRENT"],"SecretString":"{\"api_key\":\"pk_test_FAKE1\"}","CreatedDate":1796113348.5}"#;
        let v = parse(200, ok, AwsStage::Current).unwrap().unwrap();
        assert_eq!(v.value.as_str(), "pk_test_FAKE1");
        assert_eq!(v.created_unix, Some(1_796_113_348));
        // An answer for another stage (e.g. AWSPENDING) is never served.
        let pending = br#"{"VersionStages":["AWSPENDING"],"SecretString":"{\"api_key\":\"x\"}"}"#;
        assert!(parse(200, pending, AwsStage::Current).is_err());
    }

    #[test]
    fn aws_request_is_signed_with_stage() {
        let c = AwsConfig {
            endpoint: "http://127.0.0.1:15000".into(),
            region: "us-east-1".into(),
            credentials: AwsCredentials::new("AKIDFAKE", "SECRETFAKE", Some("TOKENFAKE".into())),
        };
        let r = SecretRef::parse("aws-sm://pictify/api-key", "t").unwrap();
        let req = aws_get_request(&c, &r, AwsStage::Previous, 1_440_938_160).unwrap();
        assert_eq!(req.method, "POST");
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body["VersionStage"], "AWSPREVIOUS");
        let auth = &req
            .headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .unwrap()
            .1;
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAKE/20150830/us-east-1/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="));
        assert!(!format!("{req:?}").contains("TOKENFAKE"));
    }
}
