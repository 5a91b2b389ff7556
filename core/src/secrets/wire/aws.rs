//! AWS Secrets Manager: the SigV4-signed `GetSecretValue` request and the parsing of its answer.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, origin, pick_field, AwsConfig, SecretRequest, SecretResponse, SecretVersion};
use crate::error::SecretError;
use crate::secrets::reference::SecretRef;
use crate::secrets::sigv4::{self, AmzDate, SigningParams};

/// The AWS version stages the core reads. `AWSPENDING` is deliberately absent: it is the
/// rotation function's unverified candidate and is never served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsStage {
    /// The key in use.
    Current,
    /// The key before the last rotation, kept as the fallback.
    Previous,
}

impl AwsStage {
    /// `AWSCURRENT` / `AWSPREVIOUS`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "AWSCURRENT",
            Self::Previous => "AWSPREVIOUS",
        }
    }
}

/// Splits `http://host:port/path` into (host with port, path); `None` when it is not a URL.
fn host_and_path(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    (!host.is_empty()).then_some((host, path))
}

/// A SigV4-signed `GetSecretValue` with the stage named explicitly. `now_unix` is the
/// signing time. `None` when the reference is not an AWS one or the endpoint is not a URL.
pub fn aws_get_request(
    config: &AwsConfig,
    reference: &SecretRef,
    stage: AwsStage,
    now_unix: u64,
) -> Option<SecretRequest> {
    let SecretRef::Aws { secret_id, .. } = reference else {
        return None;
    };
    let body = serde_json::json!({ "SecretId": secret_id, "VersionStage": stage.as_str() })
        .to_string()
        .into_bytes();
    aws_json_request(config, "secretsmanager.GetSecretValue", body, now_unix)
}

/// A SigV4-signed Secrets Manager JSON call: `POST /` with `X-Amz-Target: target` and the
/// JSON `body` (`now_unix` is the signing time). `None` when the endpoint is not a URL.
pub(crate) fn aws_json_request(
    config: &AwsConfig,
    target: &str,
    body: Vec<u8>,
    now_unix: u64,
) -> Option<SecretRequest> {
    let (host, path) = host_and_path(&config.endpoint)?;
    let time = AmzDate::from_unix(now_unix);
    let amz = time.amz();
    let content_type = "application/x-amz-json-1.1";
    let mut signed: Vec<(&str, &str)> = vec![
        ("content-type", content_type),
        ("host", host),
        ("x-amz-date", &amz),
        ("x-amz-target", target),
    ];
    let token = config.credentials.session_token();
    if let Some(t) = token {
        signed.push(("x-amz-security-token", t));
    }
    let sig = sigv4::sign(
        "POST",
        path,
        "",
        &signed,
        &body,
        &config.credentials,
        SigningParams {
            region: &config.region,
            service: "secretsmanager",
            time,
        },
    );
    let mut headers = vec![
        (
            "Content-Type".to_owned(),
            Zeroizing::new(content_type.to_owned()),
        ),
        ("X-Amz-Date".to_owned(), Zeroizing::new(amz.clone())),
        ("X-Amz-Target".to_owned(), Zeroizing::new(target.to_owned())),
        (
            "Authorization".to_owned(),
            Zeroizing::new(sig.authorization),
        ),
    ];
    if let Some(t) = token {
        // EXPOSE: the session token goes to AWS (or the configured endpoint) only.
        headers.push((
            "X-Amz-Security-Token".to_owned(),
            Zeroizing::new(t.to_owned()),
        ));
    }
    Some(SecretRequest {
        method: "POST",
        url: config.endpoint.clone(),
        headers,
        body,
    })
}

/// The error type of an AWS JSON error body (`__type`, possibly `ns#Name`), or of moto's XML
/// `<Code>` for signature errors; a plain word, or `None`.
fn aws_error_type(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let raw = if let Ok(v) = serde_json::from_str::<Value>(text) {
        v.get("__type")
            .or_else(|| v.get("code"))
            .and_then(Value::as_str)
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())?
    } else {
        let start = text.find("<Code>")? + "<Code>".len();
        let end = text[start..].find("</Code>")? + start;
        text[start..end].to_owned()
    };
    let raw = raw.split(':').next().unwrap_or_default().to_owned();
    ((1..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(raw)
}

/// Parses a `GetSecretValue` answer. Errors are classified by `__type`:
/// `ResourceNotFoundException` → not found (`Ok(None)` for [`AwsStage::Previous`], which
/// simply may not exist), access and signature errors → access denied, anything else a
/// manager error. A `SecretBinary` is not text; a field is read from a JSON `SecretString`.
pub fn aws_parse_get(
    reference: &SecretRef,
    stage: AwsStage,
    resp: &SecretResponse,
) -> Result<Option<SecretVersion>, SecretError> {
    let origin = origin(reference);
    let SecretRef::Aws { field, .. } = reference else {
        return Err(SecretError::InvalidResponse {
            origin,
            status: resp.status,
        });
    };
    if resp.status != 200 {
        let kind = aws_error_type(&resp.body);
        return match kind.as_deref() {
            Some("ResourceNotFoundException") if stage == AwsStage::Previous => Ok(None),
            Some("ResourceNotFoundException") => Err(SecretError::NotFound {
                origin,
                status: resp.status,
            }),
            Some(
                "AccessDeniedException"
                | "AccessDenied"
                | "UnrecognizedClientException"
                | "InvalidClientTokenId"
                | "SignatureDoesNotMatch"
                | "IncompleteSignature"
                | "MissingAuthenticationToken"
                | "ExpiredTokenException"
                | "InvalidSignatureException",
            ) => Err(SecretError::AccessDenied {
                origin,
                status: resp.status,
            }),
            Some(k) => Err(SecretError::Manager {
                origin,
                status: resp.status,
                kind: k.to_owned(),
            }),
            None if resp.status == 403 => Err(SecretError::AccessDenied {
                origin,
                status: 403,
            }),
            None => Err(SecretError::Manager {
                origin,
                status: resp.status,
                kind: "unknown".into(),
            }),
        };
    }
    let v = json(resp, &origin)?;
    let stages = v["VersionStages"].as_array();
    if let Some(stages) = stages {
        if !stages.iter().any(|s| s.as_str() == Some(stage.as_str())) {
            // The answer is for another version than asked: never serve it.
            return Err(SecretError::InvalidResponse {
                origin,
                status: resp.status,
            });
        }
    }
    let created_unix = v["CreatedDate"].as_f64().map(|f| f.max(0.0) as u64);
    let text = match v.get("SecretString") {
        Some(Value::String(s)) => Zeroizing::new(s.clone()),
        _ if v.get("SecretBinary").is_some() => return Err(SecretError::NotText { origin }),
        _ => {
            return Err(SecretError::InvalidResponse {
                origin,
                status: resp.status,
            })
        }
    };
    let value = match field {
        None => text,
        Some(field) => {
            let parsed: Value =
                serde_json::from_str(&text).map_err(|_| SecretError::FieldMissing {
                    origin: origin.clone(),
                    field: field.clone(),
                })?;
            pick_field(&parsed, field, &origin)?
        }
    };
    Ok(Some(SecretVersion {
        value,
        version: None,
        created_unix,
    }))
}
