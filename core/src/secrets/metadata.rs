//! When a key kept in a secrets manager was created, changed, rotated and last read, from the
//! manager's own metadata (never the secret's value), sans-IO like [`wire`](super::wire):
//!
//! - Vault / OpenBao KV v2: `GET {addr}/v1/{mount}/metadata/{path}`: `created_time` (the
//!   secret), `updated_time`, and the current version's `created_time` (the value in use).
//! - AWS Secrets Manager: `DescribeSecret` (awsJson1.1, SigV4): `CreatedDate`,
//!   `LastChangedDate`, `LastRotatedDate`, `LastAccessedDate` (AWS keeps the last access to
//!   the day).
//! - Google Secret Manager: `GET …/secrets/S/versions/V` (no `:access`): the version's
//!   `createTime`.
//!
//! `pictify-keys keys` takes a key's age from [`SecretDates::changed`] when the inventory
//! does not say when the key was created: the value in the manager is the key in use, so the
//! time it was written is the key's age for rotation.
//!
//! ```
//! # #[cfg(feature = "secrets")] {
//! use pictify_keys::secrets::metadata::{vault_metadata_request, vault_parse_metadata};
//! use pictify_keys::secrets::wire::{SecretResponse, VaultConfig};
//! use pictify_keys::secrets::SecretRef;
//!
//! let reference = SecretRef::parse("vault://secret/pictify#api_key", "doc").unwrap();
//! let config = VaultConfig::new("http://127.0.0.1:8200", "FAKE-token");
//! let request = vault_metadata_request(&config, &reference).unwrap();
//! assert_eq!(request.url, "http://127.0.0.1:8200/v1/secret/metadata/pictify");
//!
//! let body = br#"{"data":{"created_time":"2026-01-05T10:00:00Z","updated_time":"2026-06-01T09:00:00Z",
//!   "current_version":2,"versions":{"1":{"created_time":"2026-01-05T10:00:00Z"},
//!   "2":{"created_time":"2026-06-01T09:00:00Z"}}}}"#;
//! let dates = vault_parse_metadata(&reference, &SecretResponse::new(200, body.to_vec())).unwrap();
//! assert_eq!(dates.created, Some(1_767_607_200));
//! assert_eq!(dates.changed, Some(1_780_304_400));
//! assert_eq!(dates.version.as_deref(), Some("2"));
//! # }
//! ```

/// Dates a secrets manager keeps about the secret holding a key, Unix seconds (UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SecretDates {
    /// The manager that answered: `vault`, `aws` or `gcp`.
    pub manager: &'static str,
    /// When the secret was created (Vault `created_time`, AWS `CreatedDate`; for Google, the
    /// version's `createTime`).
    pub created: Option<i64>,
    /// When the value in use was written: Vault's current version's `created_time` (else
    /// `updated_time`), AWS `LastChangedDate`, Google the version's `createTime`.
    pub changed: Option<i64>,
    /// When the manager last rotated it (AWS `LastRotatedDate`).
    pub rotated: Option<i64>,
    /// When it was last read (AWS `LastAccessedDate`, to the day).
    pub read: Option<i64>,
    /// The version in use, as the manager names it (Vault's number, Google's number).
    pub version: Option<String>,
}

#[cfg(feature = "secrets")]
pub use requests::*;

#[cfg(feature = "secrets")]
mod requests {
    use serde_json::Value;
    use zeroize::Zeroizing;

    use super::SecretDates;
    use crate::error::{SecretError, SourceError};
    use crate::secrets::reference::SecretRef;
    use crate::secrets::wire::{
        aws_json_request, aws_parse_get, parse_rfc3339, vault_parse_read, AwsConfig, AwsStage,
        SecretRequest, SecretResponse, VaultConfig,
    };
    use crate::secrets::{aws_config_from_env, vault_config_from_env, Transport, TransportFailure};
    use crate::world::EnvLookup;

    fn invalid(reference: &SecretRef, status: u16) -> SecretError {
        SecretError::InvalidResponse {
            origin: reference.to_string(),
            status,
        }
    }

    fn body_json(reference: &SecretRef, resp: &SecretResponse) -> Result<Value, SecretError> {
        serde_json::from_slice(&resp.body).map_err(|_| invalid(reference, resp.status))
    }

    fn rfc3339(v: &Value) -> Option<i64> {
        v.as_str()
            .and_then(parse_rfc3339)
            .and_then(|t| i64::try_from(t).ok())
    }

    /// Escapes a URL path as the read request does (the reference parser already limits it).
    fn encode_path(path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        for b in path.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// `GET {addr}/v1/{mount}/metadata/{path}` with `X-Vault-Token` (and the namespace).
    /// `None` when the reference is not a Vault one.
    pub fn vault_metadata_request(
        config: &VaultConfig,
        reference: &SecretRef,
    ) -> Option<SecretRequest> {
        let SecretRef::Vault { mount, path, .. } = reference else {
            return None;
        };
        // The read request carries the token and namespace headers; only the URL differs.
        let mut request = crate::secrets::wire::vault_read_request(config, reference, None)?;
        request.url = format!(
            "{}/v1/{}/metadata/{}",
            config.addr.trim_end_matches('/'),
            encode_path(mount),
            encode_path(path)
        );
        Some(request)
    }

    /// Parses a KV v2 metadata answer. Errors as for a read: 403 access denied, 404 not
    /// found, others a manager error.
    pub fn vault_parse_metadata(
        reference: &SecretRef,
        resp: &SecretResponse,
    ) -> Result<SecretDates, SecretError> {
        if resp.status != 200 {
            return Err(vault_parse_read(reference, resp)
                .err()
                .unwrap_or_else(|| invalid(reference, resp.status)));
        }
        let v = body_json(reference, resp)?;
        let data = &v["data"];
        if !data.is_object() {
            return Err(invalid(reference, resp.status));
        }
        let current = data["current_version"].as_u64().filter(|&n| n > 0);
        let current_created =
            current.and_then(|n| rfc3339(&data["versions"][n.to_string()]["created_time"]));
        Ok(SecretDates {
            manager: "vault",
            created: rfc3339(&data["created_time"]),
            changed: current_created.or_else(|| rfc3339(&data["updated_time"])),
            rotated: None,
            read: None,
            version: current.map(|n| n.to_string()),
        })
    }

    /// A SigV4-signed `DescribeSecret` (`now_unix` is the signing time). `None` when the
    /// reference is not an AWS one or the endpoint is not a URL.
    pub fn aws_describe_request(
        config: &AwsConfig,
        reference: &SecretRef,
        now_unix: u64,
    ) -> Option<SecretRequest> {
        let SecretRef::Aws { secret_id, .. } = reference else {
            return None;
        };
        let body = serde_json::json!({ "SecretId": secret_id })
            .to_string()
            .into_bytes();
        aws_json_request(config, "secretsmanager.DescribeSecret", body, now_unix)
    }

    /// AWS JSON dates are Unix seconds as numbers (`1.7646e9`, with fractions).
    fn epoch(v: &Value) -> Option<i64> {
        let f = v
            .as_f64()
            .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1e12)?;
        // In range by the filter above; the fraction is dropped.
        #[allow(clippy::cast_possible_truncation)]
        Some(f as i64)
    }

    /// Parses a `DescribeSecret` answer. Errors as for `GetSecretValue` (by `__type`).
    pub fn aws_parse_describe(
        reference: &SecretRef,
        resp: &SecretResponse,
    ) -> Result<SecretDates, SecretError> {
        if resp.status != 200 {
            return Err(match aws_parse_get(reference, AwsStage::Current, resp) {
                Err(e) => e,
                Ok(_) => invalid(reference, resp.status),
            });
        }
        let v = body_json(reference, resp)?;
        if !v.is_object() {
            return Err(invalid(reference, resp.status));
        }
        let created = epoch(&v["CreatedDate"]);
        Ok(SecretDates {
            manager: "aws",
            created,
            changed: epoch(&v["LastChangedDate"]).or(created),
            rotated: epoch(&v["LastRotatedDate"]),
            read: epoch(&v["LastAccessedDate"]),
            version: None,
        })
    }

    /// `GET {endpoint}/v1/projects/P/secrets/S/versions/V` (the version's metadata, not its
    /// payload) with a Bearer token. `None` when the reference is not a Google one.
    pub fn gcp_version_request(
        endpoint: &str,
        token: &str,
        reference: &SecretRef,
    ) -> Option<SecretRequest> {
        let mut request = crate::secrets::gcp::access_request(endpoint, token, reference)?;
        let url = request.url.strip_suffix(":access")?.to_owned();
        request.url = url;
        Some(request)
    }

    /// Parses a version answer: its `createTime` and number. Errors as for `:access`.
    pub fn gcp_parse_version(
        reference: &SecretRef,
        resp: &SecretResponse,
    ) -> Result<SecretDates, SecretError> {
        if resp.status != 200 {
            return Err(crate::secrets::gcp::parse_access(reference, resp)
                .err()
                .unwrap_or_else(|| invalid(reference, resp.status)));
        }
        let v = body_json(reference, resp)?;
        let created = rfc3339(&v["createTime"]);
        if created.is_none() {
            return Err(invalid(reference, resp.status));
        }
        Ok(SecretDates {
            manager: "gcp",
            created,
            changed: created,
            rotated: None,
            read: None,
            version: v["name"]
                .as_str()
                .and_then(|n| n.rsplit('/').next())
                .map(str::to_owned),
        })
    }

    fn send(
        transport: &dyn Transport,
        reference: &SecretRef,
        request: Option<SecretRequest>,
    ) -> Result<SecretResponse, SecretError> {
        let request = request.ok_or_else(|| SecretError::BadReference {
            origin: reference.to_string(),
            part: "endpoint",
            reason: "is not an http:// or https:// URL",
        })?;
        transport
            .send(&request)
            .map_err(|f| SecretError::Unreachable {
                origin: reference.to_string(),
                reason: match f {
                    TransportFailure::Connection => "connection",
                    TransportFailure::Timeout => "timeout",
                    TransportFailure::Other => "transport",
                },
            })
    }

    /// A Google access token: `GOOGLE_OAUTH_ACCESS_TOKEN`, else the metadata server's.
    fn gcp_token(
        env: &dyn EnvLookup,
        transport: &dyn Transport,
        reference: &SecretRef,
    ) -> Result<Zeroizing<String>, SecretError> {
        let var = |name: &str| env.get(name).filter(|v| !v.trim().is_empty());
        if let Some(t) = var("GOOGLE_OAUTH_ACCESS_TOKEN") {
            return Ok(Zeroizing::new(t.trim().to_owned()));
        }
        let host =
            var("GCE_METADATA_HOST").unwrap_or_else(|| "metadata.google.internal".to_owned());
        let resp = transport
            .send(&crate::secrets::gcp::metadata_token_request(host.trim()))
            .map_err(|_| SecretError::CredentialsMissing {
                origin: reference.to_string(),
                variable: "GOOGLE_OAUTH_ACCESS_TOKEN",
            })?;
        crate::secrets::gcp::parse_metadata_token(reference, &resp)
    }

    /// Asks the manager `reference` names for its dates, with the same environment variables
    /// as a read (`VAULT_ADDR`/`VAULT_TOKEN`, `AWS_*`, `GOOGLE_OAUTH_ACCESS_TOKEN` or the
    /// metadata server). One request (two for Google without a token).
    pub fn fetch_dates(
        reference: &SecretRef,
        env: &dyn EnvLookup,
        transport: &dyn Transport,
        now_unix: u64,
    ) -> Result<SecretDates, SourceError> {
        let dates = match reference {
            SecretRef::Vault { .. } => {
                let config = vault_config_from_env(env, reference)?;
                let resp = send(
                    transport,
                    reference,
                    vault_metadata_request(&config, reference),
                )?;
                vault_parse_metadata(reference, &resp)?
            }
            SecretRef::Aws { .. } => {
                let config = aws_config_from_env(env, reference)?;
                let resp = send(
                    transport,
                    reference,
                    aws_describe_request(&config, reference, now_unix),
                )?;
                aws_parse_describe(reference, &resp)?
            }
            SecretRef::Gcp { .. } => {
                let token = gcp_token(env, transport, reference)?;
                let endpoint = env
                    .get("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER")
                    .filter(|e| !e.trim().is_empty())
                    .map(|e| e.trim().to_owned())
                    .unwrap_or_else(|| crate::secrets::gcp::DEFAULT_ENDPOINT.to_owned());
                let resp = send(
                    transport,
                    reference,
                    gcp_version_request(&endpoint, &token, reference),
                )?;
                gcp_parse_version(reference, &resp)?
            }
        };
        Ok(dates)
    }
}
