//! Google Secret Manager, sans-IO: the `versions/V:access` request, the metadata-server token
//! request, and the parsing of both (payload base64, `dataCrc32c` verified).

use serde_json::Value;
use zeroize::Zeroizing;

use super::reference::SecretRef;
use super::wire::{SecretRequest, SecretResponse, SecretVersion};
use crate::error::SecretError;

/// The public endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://secretmanager.googleapis.com";

/// `GET {endpoint}/v1/projects/P/secrets/S/versions/V:access` with a Bearer token
/// (`V` defaults to `latest`). `None` when the reference is not a Google one.
pub fn access_request(endpoint: &str, token: &str, reference: &SecretRef) -> Option<SecretRequest> {
    let SecretRef::Gcp {
        project,
        secret,
        version,
    } = reference
    else {
        return None;
    };
    let version = version.as_deref().unwrap_or("latest");
    Some(SecretRequest {
        method: "GET",
        url: format!(
            "{}/v1/projects/{project}/secrets/{secret}/versions/{version}:access",
            endpoint.trim_end_matches('/')
        ),
        // EXPOSE: the access token goes to Secret Manager only.
        headers: vec![(
            "Authorization".to_owned(),
            Zeroizing::new(format!("Bearer {token}")),
        )],
        body: Vec::new(),
    })
}

/// `GET {endpoint}/v1/projects/P/secrets/S/versions?filter=state:ENABLED`: the enabled
/// versions, newest first (for the fallback to the previous enabled version).
pub fn list_enabled_request(
    endpoint: &str,
    token: &str,
    reference: &SecretRef,
) -> Option<SecretRequest> {
    let SecretRef::Gcp {
        project, secret, ..
    } = reference
    else {
        return None;
    };
    Some(SecretRequest {
        method: "GET",
        url: format!(
            "{}/v1/projects/{project}/secrets/{secret}/versions?filter=state%3AENABLED&pageSize=25",
            endpoint.trim_end_matches('/')
        ),
        // EXPOSE: the access token goes to Secret Manager only.
        headers: vec![(
            "Authorization".to_owned(),
            Zeroizing::new(format!("Bearer {token}")),
        )],
        body: Vec::new(),
    })
}

/// The enabled versions of a list answer: (number, create time in Unix seconds). `None` for
/// an error or an answer that is not the expected JSON.
pub fn parse_enabled_versions(resp: &SecretResponse) -> Option<Vec<(u64, Option<u64>)>> {
    if resp.status != 200 {
        return None;
    }
    let v: Value = serde_json::from_slice(&resp.body).ok()?;
    let empty = Vec::new();
    let list = match &v["versions"] {
        Value::Array(a) => a,
        Value::Null => &empty,
        _ => return None,
    };
    Some(
        list.iter()
            .filter(|e| e["state"].as_str().map_or(true, |s| s == "ENABLED"))
            .filter_map(|e| {
                let number = e["name"].as_str()?.rsplit('/').next()?.parse().ok()?;
                let created = e["createTime"]
                    .as_str()
                    .and_then(super::wire::parse_rfc3339);
                Some((number, created))
            })
            .collect(),
    )
}

/// The metadata server's token request (`GCE_METADATA_HOST` overrides the host).
pub fn metadata_token_request(host: &str) -> SecretRequest {
    SecretRequest {
        method: "GET",
        url: format!("http://{host}/computeMetadata/v1/instance/service-accounts/default/token"),
        headers: vec![(
            "Metadata-Flavor".to_owned(),
            Zeroizing::new("Google".to_owned()),
        )],
        body: Vec::new(),
    }
}

/// The access token from a metadata-server answer.
pub fn parse_metadata_token(
    reference: &SecretRef,
    resp: &SecretResponse,
) -> Result<Zeroizing<String>, SecretError> {
    let origin = reference.to_string();
    if resp.status != 200 {
        return Err(SecretError::AccessDenied {
            origin,
            status: resp.status,
        });
    }
    let v: Value =
        serde_json::from_slice(&resp.body).map_err(|_| SecretError::InvalidResponse {
            origin: origin.clone(),
            status: resp.status,
        })?;
    v["access_token"]
        .as_str()
        .map(|t| Zeroizing::new(t.to_owned()))
        .ok_or(SecretError::InvalidResponse {
            origin,
            status: resp.status,
        })
}

/// CRC32C (Castagnoli), bitwise: the checksum Secret Manager sends as `dataCrc32c`.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0x82F6_3B78 & mask);
        }
    }
    !crc
}

/// Standard base64 (with or without padding); `None` on any other character.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Parses an `:access` answer. Errors by the JSON `error.status`: `NOT_FOUND` → not found,
/// `PERMISSION_DENIED`/`UNAUTHENTICATED` → access denied, anything else (`FAILED_PRECONDITION`
/// for a disabled or destroyed version) a manager error. A checksum mismatch is an invalid
/// response: the value is never served.
pub fn parse_access(
    reference: &SecretRef,
    resp: &SecretResponse,
) -> Result<SecretVersion, SecretError> {
    let origin = reference.to_string();
    let invalid = || SecretError::InvalidResponse {
        origin: origin.clone(),
        status: resp.status,
    };
    let v: Option<Value> = serde_json::from_slice(&resp.body).ok();
    if resp.status != 200 {
        let status_word = v
            .as_ref()
            .and_then(|v| v["error"]["status"].as_str())
            .filter(|s| s.len() <= 64 && s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
            .map(str::to_owned);
        return Err(match status_word.as_deref() {
            Some("NOT_FOUND") => SecretError::NotFound {
                origin,
                status: resp.status,
            },
            Some("PERMISSION_DENIED" | "UNAUTHENTICATED") => SecretError::AccessDenied {
                origin,
                status: resp.status,
            },
            None if resp.status == 404 => SecretError::NotFound {
                origin,
                status: 404,
            },
            None if matches!(resp.status, 401 | 403) => SecretError::AccessDenied {
                origin,
                status: resp.status,
            },
            other => SecretError::Manager {
                origin,
                status: resp.status,
                kind: other.unwrap_or("unknown").to_owned(),
            },
        });
    }
    let v = v.ok_or_else(invalid)?;
    let data = v["payload"]["data"].as_str().ok_or_else(invalid)?;
    let bytes = Zeroizing::new(base64_decode(data).ok_or_else(invalid)?);
    if let Some(sum) = v["payload"]["dataCrc32c"].as_str() {
        let expected: u32 = sum
            .parse::<u64>()
            .ok()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(invalid)?;
        if crc32c(&bytes) != expected {
            return Err(invalid());
        }
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| SecretError::NotText {
        origin: origin.clone(),
    })?;
    let version = v["name"]
        .as_str()
        .and_then(|n| n.rsplit('/').next())
        .and_then(|n| n.parse().ok());
    Ok(SecretVersion {
        value: Zeroizing::new(text.to_owned()),
        version,
        created_unix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        // The standard check value of CRC-32C.
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("cGtfdGVzdA==").unwrap(), b"pk_test");
        assert_eq!(base64_decode("cGtfdGVzdA").unwrap(), b"pk_test");
        assert!(base64_decode("cGt!").is_none());
    }

    #[test]
    fn access_answers() {
        let r = SecretRef::parse("gcp-sm://projects/p1/secrets/pictify", "t").unwrap();
        let req = access_request("http://127.0.0.1:9/", "ya29.FAKE", &r).unwrap();
        assert_eq!(
            req.url,
            "http://127.0.0.1:9/v1/projects/p1/secrets/pictify/versions/latest:access"
        );
        assert!(!format!("{req:?}").contains("ya29.FAKE"));
        let body = |data: &str, crc: u32| {
            format!(
                r#"{{"name":"projects/123/secrets/pictify/versions/7","payload":{{"data":"{data}","dataCrc32c":"{crc}"}}}}"#
            )
        };
        let key = b"pk_test_FAKE3Wwd25rq4f5zr3a1b2";
        let b64 = "cGtfdGVzdF9GQUtFM1d3ZDI1cnE0ZjV6cjNhMWIy";
        let ok = parse_access(
            &r,
            &SecretResponse::new(200, body(b64, crc32c(key)).into_bytes()),
        )
        .unwrap();
        assert_eq!(ok.value.as_bytes(), key);
        assert_eq!(ok.version, Some(7));
        let bad = parse_access(
            &r,
            &SecretResponse::new(200, body(b64, crc32c(key) ^ 1).into_bytes()),
        );
        assert_eq!(bad.unwrap_err().code(), "secret_invalid_response");
        let err = |status, body: &str| {
            parse_access(&r, &SecretResponse::new(status, body.as_bytes().to_vec()))
                .unwrap_err()
                .code()
        };
        assert_eq!(
            err(404, r#"{"error":{"code":404,"status":"NOT_FOUND"}}"#),
            "secret_not_found"
        );
        assert_eq!(
            err(
                403,
                r#"{"error":{"code":403,"status":"PERMISSION_DENIED"}}"#
            ),
            "secret_access_denied"
        );
        assert_eq!(
            err(
                400,
                r#"{"error":{"code":400,"status":"FAILED_PRECONDITION"}}"#
            ),
            "secret_manager_error"
        );
        assert_eq!(
            err(200, &body("//79", crc32c(&[0xff, 0xfe, 0xfd]))),
            "secret_not_text"
        );
    }
}
