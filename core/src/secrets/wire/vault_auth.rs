//! Vault auth, sans-IO: the AppRole and Kubernetes login requests, `renew-self`, and the
//! parsing of the `.auth` block they all answer with.

use std::fmt;

use zeroize::Zeroizing;

use super::{json, origin, SecretRequest, SecretResponse, VaultConfig};
use crate::error::SecretError;
use crate::secrets::reference::SecretRef;

/// A Vault token obtained by a login or a renewal. `Debug` hides the token.
pub struct VaultLogin {
    /// The client token (`.auth.client_token`).
    pub token: Zeroizing<String>,
    /// Its lease in seconds (`.auth.lease_duration`; 0 for a token that never expires).
    pub lease_secs: u64,
    /// Whether `renew-self` can extend it (`.auth.renewable`).
    pub renewable: bool,
}

impl fmt::Debug for VaultLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VaultLogin(token [REDACTED], lease {} s, renewable {})",
            self.lease_secs, self.renewable
        )
    }
}

fn post_json(
    config: &VaultConfig,
    path: &str,
    body: &serde_json::Value,
    token: Option<&str>,
) -> SecretRequest {
    let mut headers = Vec::new();
    if let Some(t) = token {
        // EXPOSE: the token goes to the Vault server it belongs to, nowhere else.
        headers.push(("X-Vault-Token".to_owned(), Zeroizing::new(t.to_owned())));
    }
    if let Some(ns) = &config.namespace {
        headers.push(("X-Vault-Namespace".to_owned(), Zeroizing::new(ns.clone())));
    }
    headers.push((
        "Content-Type".to_owned(),
        Zeroizing::new("application/json".to_owned()),
    ));
    // The body holds a credential: the caller zeroes it after sending.
    let text = Zeroizing::new(body.to_string());
    SecretRequest {
        method: "POST",
        url: format!("{}/v1/{path}", config.addr.trim_end_matches('/')),
        headers,
        body: text.as_bytes().to_vec(),
    }
}

/// The mount segment: `approle`, `team/approle`; anything outside `[A-Za-z0-9._/-]` or with
/// empty segments is refused (the mount comes from configuration, not from a reference).
fn valid_mount(mount: &str) -> bool {
    !mount.is_empty()
        && mount.split('/').all(|s| {
            !s.is_empty()
                && s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// `POST {addr}/v1/auth/{mount}/login` with `{"role_id","secret_id"}` (AppRole). `None` for
/// a malformed mount.
pub fn vault_approle_login_request(
    config: &VaultConfig,
    mount: &str,
    role_id: &str,
    secret_id: &str,
) -> Option<SecretRequest> {
    let mount = mount.trim_matches('/');
    valid_mount(mount).then(|| {
        // EXPOSE: the secret id goes to Vault's login endpoint only.
        let body = serde_json::json!({ "role_id": role_id, "secret_id": secret_id });
        post_json(config, &format!("auth/{mount}/login"), &body, None)
    })
}

/// `POST {addr}/v1/auth/{mount}/login` with `{"role","jwt"}` (Kubernetes: the pod's
/// service-account token, which Vault checks with the cluster's TokenReview API). `None` for
/// a malformed mount.
pub fn vault_kubernetes_login_request(
    config: &VaultConfig,
    mount: &str,
    role: &str,
    jwt: &str,
) -> Option<SecretRequest> {
    let mount = mount.trim_matches('/');
    valid_mount(mount).then(|| {
        // EXPOSE: the service-account token goes to Vault's login endpoint only.
        let body = serde_json::json!({ "role": role, "jwt": jwt });
        post_json(config, &format!("auth/{mount}/login"), &body, None)
    })
}

/// `POST {addr}/v1/auth/token/renew-self` with the token to renew.
pub fn vault_renew_self_request(config: &VaultConfig, token: &str) -> SecretRequest {
    post_json(
        config,
        "auth/token/renew-self",
        &serde_json::json!({}),
        Some(token),
    )
}

/// Parses a login or renewal answer: `.auth.client_token`, `.auth.lease_duration`,
/// `.auth.renewable`. A refused login (AppRole answers 400 `invalid role or secret ID`,
/// Kubernetes 403) is access denied; 429/5xx a manager error.
pub fn vault_parse_login(
    reference: &SecretRef,
    resp: &SecretResponse,
) -> Result<VaultLogin, SecretError> {
    let origin = origin(reference);
    match resp.status {
        200 => {}
        400 | 401 | 403 => {
            return Err(SecretError::AccessDenied {
                origin,
                status: resp.status,
            })
        }
        s => {
            return Err(SecretError::Manager {
                origin,
                status: s,
                kind: if s == 404 {
                    "auth_mount_not_found".into()
                } else if s == 503 {
                    "sealed_or_unavailable".into()
                } else {
                    "vault_login_error".into()
                },
            })
        }
    }
    let v = json(resp, &origin)?;
    let auth = &v["auth"];
    let token = auth["client_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| SecretError::InvalidResponse {
            origin: origin.clone(),
            status: resp.status,
        })?;
    Ok(VaultLogin {
        token: Zeroizing::new(token.to_owned()),
        lease_secs: auth["lease_duration"].as_u64().unwrap_or(0),
        renewable: auth["renewable"].as_bool().unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn r() -> SecretRef {
        SecretRef::parse("vault://secret/pictify", "t").unwrap()
    }

    #[test]
    fn login_requests() {
        let mut c = VaultConfig::new("http://127.0.0.1:8200/", "");
        c.namespace = Some("team".into());
        let req = vault_approle_login_request(&c, "/approle/", "role-1", "FAKEsecretid").unwrap();
        assert_eq!(req.url, "http://127.0.0.1:8200/v1/auth/approle/login");
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body["role_id"], "role-1");
        assert_eq!(body["secret_id"], "FAKEsecretid");
        assert!(!format!("{req:?}").contains("FAKEsecretid"));
        assert_eq!(req.headers[0].0, "X-Vault-Namespace");
        let req = vault_kubernetes_login_request(&c, "k8s/prod", "pictify", "eyFAKE").unwrap();
        assert_eq!(req.url, "http://127.0.0.1:8200/v1/auth/k8s/prod/login");
        assert!(vault_kubernetes_login_request(&c, "../sys", "r", "j").is_none());
        assert!(vault_approle_login_request(&c, "a b", "r", "s").is_none());
        let req = vault_renew_self_request(&c, "s.FAKEtoken");
        assert_eq!(req.url, "http://127.0.0.1:8200/v1/auth/token/renew-self");
        assert_eq!(req.headers[0].1.as_str(), "s.FAKEtoken");
    }

    #[test]
    fn login_answers() {
        let ok = br#"{"auth":{"client_token":"s.FAKElogin","lease_duration":60,"renewable":true}}"#;
        let l = vault_parse_login(&r(), &SecretResponse::new(200, ok.to_vec())).unwrap();
        assert_eq!(
            (l.token.as_str(), l.lease_secs, l.renewable),
            ("s.FAKElogin", 60, true)
        );
        assert!(!format!("{l:?}").contains("FAKElogin"));
        let code = |status, body: &[u8]| {
            vault_parse_login(&r(), &SecretResponse::new(status, body.to_vec()))
                .unwrap_err()
                .code()
        };
        assert_eq!(
            code(400, br#"{"errors":["invalid role or secret ID"]}"#),
            "secret_access_denied"
        );
        assert_eq!(
            code(403, br#"{"errors":["permission denied"]}"#),
            "secret_access_denied"
        );
        assert_eq!(code(503, b""), "secret_manager_error");
        assert_eq!(code(200, br#"{"auth":null}"#), "secret_invalid_response");
    }
}
