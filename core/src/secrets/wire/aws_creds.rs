//! AWS container credentials, sans-IO: the request to the ECS task-role or EKS Pod Identity
//! endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI` / `_RELATIVE_URI`, plain HTTP JSON) and the
//! parsing of its answer.

use zeroize::Zeroizing;

use super::{json, origin, parse_rfc3339, SecretRequest, SecretResponse};
use crate::error::SecretError;
use crate::secrets::reference::SecretRef;
use crate::secrets::sigv4::AwsCredentials;

/// The ECS agent's address, which `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative to.
pub const ECS_CREDENTIALS_HOST: &str = "http://169.254.170.2";

/// Whether a full URI may receive the authorization token: HTTPS anywhere, plain HTTP only
/// to loopback or to the ECS / EKS Pod Identity link-local addresses (the rule the AWS SDKs
/// apply, so a misconfigured variable cannot send the token across a network in clear).
pub fn container_uri_allowed(uri: &str) -> bool {
    if let Some(rest) = uri.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    matches!(
        host,
        "localhost" | "::1" | "169.254.170.2" | "169.254.170.23" | "fd00:ec2::23"
    ) || host
        .strip_prefix("127.")
        .is_some_and(|r| r.split('.').count() == 3)
}

/// `GET {uri}` with `Authorization: {token}` when a token is given.
pub fn aws_container_credentials_request(uri: &str, token: Option<&str>) -> SecretRequest {
    let headers = token
        .map(|t| {
            // EXPOSE: the container authorization token goes to the credential endpoint only.
            vec![("Authorization".to_owned(), Zeroizing::new(t.to_owned()))]
        })
        .unwrap_or_default();
    SecretRequest {
        method: "GET",
        url: uri.to_owned(),
        headers,
        body: Vec::new(),
    }
}

/// Parses the endpoint's answer `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`:
/// the credentials and their expiry (Unix seconds, when given). A refusal is access denied.
pub fn aws_parse_container_credentials(
    reference: &SecretRef,
    resp: &SecretResponse,
) -> Result<(AwsCredentials, Option<u64>), SecretError> {
    let origin = origin(reference);
    if resp.status != 200 {
        return Err(if matches!(resp.status, 400..=499) {
            SecretError::AccessDenied {
                origin,
                status: resp.status,
            }
        } else {
            SecretError::Manager {
                origin,
                status: resp.status,
                kind: "container_credentials_error".into(),
            }
        });
    }
    let v = json(resp, &origin)?;
    let text = |name: &str| v[name].as_str().filter(|s| !s.is_empty());
    let (Some(id), Some(secret)) = (text("AccessKeyId"), text("SecretAccessKey")) else {
        return Err(SecretError::InvalidResponse {
            origin,
            status: resp.status,
        });
    };
    let token = text("Token").map(str::to_owned);
    let expires = text("Expiration").and_then(parse_rfc3339);
    Ok((AwsCredentials::new(id, secret, token), expires))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_safe_endpoints_get_the_token() {
        for ok in [
            "http://169.254.170.2/v2/credentials/x",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://127.0.0.1:8080/creds",
            "http://localhost/creds",
            "https://creds.example.com/x",
        ] {
            assert!(container_uri_allowed(ok), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/creds",
            "http://example.com/creds",
            "http://127.0.0.1.evil.com/x",
            "http://user@127.0.0.1/x",
            "ftp://127.0.0.1/",
            "https://",
        ] {
            assert!(!container_uri_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn parses_the_answer() {
        let r = SecretRef::parse("aws-sm://pictify/api-key", "t").unwrap();
        let body = br#"{"AccessKeyId":"ASIAFAKE","SecretAccessKey":"FAKEsecret","Token":"FAKEtoken","Expiration":"2026-12-02T17:00:00Z"}"#;
        let (c, exp) =
            aws_parse_container_credentials(&r, &SecretResponse::new(200, body.to_vec())).unwrap();
        assert_eq!(c.access_key_id, "ASIAFAKE");
        assert_eq!(c.session_token(), Some("FAKEtoken"));
        assert_eq!(exp, Some(1_796_230_800));
        assert!(!format!("{c:?}").contains("FAKEsecret"));
        let code = |s, b: &[u8]| {
            aws_parse_container_credentials(&r, &SecretResponse::new(s, b.to_vec()))
                .unwrap_err()
                .code()
        };
        assert_eq!(code(401, b"no"), "secret_access_denied");
        assert_eq!(code(500, b""), "secret_manager_error");
        assert_eq!(
            code(200, br#"{"AccessKeyId":"A"}"#),
            "secret_invalid_response"
        );
        let req = aws_container_credentials_request("http://127.0.0.1:1/c", Some("FAKEauth"));
        assert_eq!(req.headers[0].1.as_str(), "FAKEauth");
        assert!(!format!("{req:?}").contains("FAKEauth"));
    }
}
