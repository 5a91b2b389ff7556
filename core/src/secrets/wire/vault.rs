//! Vault KV v2: the read request and the parsing of its answer.

use zeroize::Zeroizing;

use super::{
    json, origin, parse_rfc3339, pick_field, SecretRequest, SecretResponse, SecretVersion,
    VaultConfig,
};
use crate::error::SecretError;
use crate::secrets::reference::SecretRef;

/// Escapes one path segment of a URL (Vault paths and AWS ids are already limited to safe
/// characters by the reference parser; this is a second fence).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET {addr}/v1/{mount}/data/{path}[?version=N]` with `X-Vault-Token` and the namespace.
pub fn vault_read_request(
    config: &VaultConfig,
    reference: &SecretRef,
    version: Option<u64>,
) -> Option<SecretRequest> {
    let SecretRef::Vault { mount, path, .. } = reference else {
        return None;
    };
    let mut url = format!(
        "{}/v1/{}/data/{}",
        config.addr.trim_end_matches('/'),
        encode_path(mount),
        encode_path(path)
    );
    if let Some(v) = version {
        url.push_str(&format!("?version={v}"));
    }
    let mut headers = vec![(
        "X-Vault-Token".to_owned(),
        // EXPOSE: the token goes to the Vault server it belongs to, nowhere else.
        Zeroizing::new(config.token.as_str().to_owned()),
    )];
    if let Some(ns) = &config.namespace {
        headers.push(("X-Vault-Namespace".to_owned(), Zeroizing::new(ns.clone())));
    }
    Some(SecretRequest {
        method: "GET",
        url,
        headers,
        body: Vec::new(),
    })
}

/// Parses a Vault KV v2 read: `.data.data[field]`, version and `created_time` from
/// `.data.metadata`. 403 is access denied, 404 not found (also a deleted or destroyed latest
/// version), 429/5xx a manager error worth retrying.
pub fn vault_parse_read(
    reference: &SecretRef,
    resp: &SecretResponse,
) -> Result<SecretVersion, SecretError> {
    let origin = origin(reference);
    let SecretRef::Vault { field, .. } = reference else {
        return Err(SecretError::InvalidResponse {
            origin,
            status: resp.status,
        });
    };
    match resp.status {
        200 => {}
        401 | 403 => {
            return Err(SecretError::AccessDenied {
                origin,
                status: resp.status,
            })
        }
        404 => {
            return Err(SecretError::NotFound {
                origin,
                status: 404,
            })
        }
        s => {
            return Err(SecretError::Manager {
                origin,
                status: s,
                kind: if s == 429 {
                    "rate_limited".into()
                } else if s == 503 {
                    "sealed_or_unavailable".into()
                } else {
                    "vault_error".into()
                },
            })
        }
    }
    let v = json(resp, &origin)?;
    let data = &v["data"];
    if !data.is_object() {
        return Err(SecretError::InvalidResponse {
            origin,
            status: resp.status,
        });
    }
    if data["data"].is_null() {
        // A deleted or destroyed version reads as 404 on Vault; treat a null body the same.
        return Err(SecretError::NotFound {
            origin,
            status: resp.status,
        });
    }
    let value = pick_field(&data["data"], field, &origin)?;
    let meta = &data["metadata"];
    Ok(SecretVersion {
        value,
        version: meta["version"].as_u64(),
        created_unix: meta["created_time"].as_str().and_then(parse_rfc3339),
    })
}
