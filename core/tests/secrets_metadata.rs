//! Secrets-manager metadata (key dates), sans-IO: requests and parsing of recorded answer
//! shapes (AWS's documented `DescribeSecret` example, Google's version resource, Vault's KV v2
//! metadata). The real servers are exercised by the CLI's `keys_managers` test.
#![cfg(feature = "secrets")]
#![allow(clippy::unwrap_used)]

use pictify_keys::secrets::metadata::{
    aws_describe_request, aws_parse_describe, gcp_parse_version, gcp_version_request,
    vault_metadata_request, vault_parse_metadata,
};
use pictify_keys::secrets::sigv4::AwsCredentials;
use pictify_keys::secrets::wire::{AwsConfig, SecretResponse, VaultConfig};
use pictify_keys::secrets::SecretRef;

fn reference(text: &str) -> SecretRef {
    SecretRef::parse(text, "test").unwrap()
}

fn answer(status: u16, body: &str) -> SecretResponse {
    SecretResponse::new(status, body.as_bytes().to_vec())
}

#[test]
fn vault_metadata_request_and_answer() {
    let r = reference("vault://kv/team/app#api_key");
    let mut config = VaultConfig::new("http://127.0.0.1:8200/", "FAKEtoken");
    config.namespace = Some("ns1".into());
    let req = vault_metadata_request(&config, &r).unwrap();
    assert_eq!(req.method, "GET");
    assert_eq!(req.url, "http://127.0.0.1:8200/v1/kv/metadata/team/app");
    let names: Vec<&str> = req.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X-Vault-Token", "X-Vault-Namespace"]);
    // Not a Vault reference: no request.
    assert!(vault_metadata_request(&config, &reference("aws-sm://x")).is_none());

    // The current version's time is the value's; without versions, updated_time.
    let d = vault_parse_metadata(
        &r,
        &answer(
            200,
            r#"{"data":{"created_time":"2025-01-01T00:00:00.5Z","updated_time":"2026-03-01T00:00:00Z",
               "current_version":3,"versions":{"3":{"created_time":"2026-02-01T12:00:00+01:00"}}}}"#,
        ),
    )
    .unwrap();
    assert_eq!(d.manager, "vault");
    assert_eq!(d.created, Some(1_735_689_600));
    assert_eq!(d.changed, Some(1_769_943_600));
    assert_eq!(d.version.as_deref(), Some("3"));
    let d = vault_parse_metadata(
        &r,
        &answer(200, r#"{"data":{"created_time":"2025-01-01T00:00:00Z","updated_time":"2026-03-01T00:00:00Z"}}"#),
    )
    .unwrap();
    assert_eq!(d.changed, Some(1_772_323_200));

    // Errors keep the read's codes.
    let code = |status, body| {
        vault_parse_metadata(&r, &answer(status, body))
            .unwrap_err()
            .code()
    };
    assert_eq!(code(404, r#"{"errors":[]}"#), "secret_not_found");
    assert_eq!(
        code(403, r#"{"errors":["permission denied"]}"#),
        "secret_access_denied"
    );
    assert_eq!(code(200, "not json"), "secret_invalid_response");
    assert_eq!(code(200, r#"{"data":"x"}"#), "secret_invalid_response");
}

#[test]
fn aws_describe_request_and_answer() {
    let r = reference("aws-sm://pictify/api-key#key");
    let config = AwsConfig {
        endpoint: "http://127.0.0.1:5000".into(),
        region: "us-east-1".into(),
        credentials: AwsCredentials::new("AKIDFAKE", "FAKEsecret", None),
    };
    let req = aws_describe_request(&config, &r, 1_764_633_600).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.url, "http://127.0.0.1:5000");
    assert_eq!(req.body, br#"{"SecretId":"pictify/api-key"}"#);
    let target = req
        .headers
        .iter()
        .find(|(n, _)| n == "X-Amz-Target")
        .unwrap();
    assert_eq!(target.1.as_str(), "secretsmanager.DescribeSecret");
    let auth = req
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap();
    assert!(auth.1.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDFAKE/20251202/us-east-1/secretsmanager/aws4_request"
    ));

    // AWS's documented example answer (dates are epoch seconds with fractions).
    let d = aws_parse_describe(
        &r,
        &answer(
            200,
            r#"{"ARN":"arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-Ca8JGt",
                "Name":"MyTestSecret","CreatedDate":1.523477145713E9,"LastChangedDate":1.523482025685E9,
                "LastRotatedDate":1.525747253.72,"LastAccessedDate":1.52376E9,"RotationEnabled":true}"#,
        ),
    );
    // `1.525747253.72` is not JSON: the answer is refused as a whole.
    assert_eq!(d.unwrap_err().code(), "secret_invalid_response");
    let d = aws_parse_describe(
        &r,
        &answer(
            200,
            r#"{"Name":"MyTestSecret","CreatedDate":1.523477145713E9,"LastChangedDate":1.523482025685E9,
                "LastRotatedDate":1.52574725372E9,"LastAccessedDate":1.52376E9}"#,
        ),
    )
    .unwrap();
    assert_eq!(d.manager, "aws");
    assert_eq!(d.created, Some(1_523_477_145));
    assert_eq!(d.changed, Some(1_523_482_025));
    assert_eq!(d.rotated, Some(1_525_747_253));
    assert_eq!(d.read, Some(1_523_760_000));
    // Never changed: the creation is the last change. Nonsense numbers are no date.
    let d = aws_parse_describe(
        &r,
        &answer(200, r#"{"CreatedDate":1.7E9,"LastAccessedDate":-5}"#),
    )
    .unwrap();
    assert_eq!((d.changed, d.read), (Some(1_700_000_000), None));

    let code = |status, body| {
        aws_parse_describe(&r, &answer(status, body))
            .unwrap_err()
            .code()
    };
    assert_eq!(
        code(
            400,
            r#"{"__type":"ResourceNotFoundException","message":"no"}"#
        ),
        "secret_not_found"
    );
    assert_eq!(
        code(400, r#"{"__type":"AccessDeniedException","message":"no"}"#),
        "secret_access_denied"
    );
}

#[test]
fn gcp_version_request_and_answer() {
    let r = reference("gcp-sm://projects/p1/secrets/pictify");
    let req = gcp_version_request("https://secretmanager.googleapis.com", "FAKEtoken", &r).unwrap();
    assert_eq!(
        req.url,
        "https://secretmanager.googleapis.com/v1/projects/p1/secrets/pictify/versions/latest"
    );
    let d = gcp_parse_version(
        &r,
        &answer(
            200,
            r#"{"name":"projects/123/secrets/pictify/versions/7","createTime":"2026-05-04T03:02:01.123456Z","state":"ENABLED"}"#,
        ),
    )
    .unwrap();
    assert_eq!(d.manager, "gcp");
    assert_eq!(d.changed, Some(1_777_863_721));
    assert_eq!(d.version.as_deref(), Some("7"));
    let code = |status, body| {
        gcp_parse_version(&r, &answer(status, body))
            .unwrap_err()
            .code()
    };
    assert_eq!(
        code(404, r#"{"error":{"status":"NOT_FOUND"}}"#),
        "secret_not_found"
    );
    assert_eq!(
        code(403, r#"{"error":{"status":"PERMISSION_DENIED"}}"#),
        "secret_access_denied"
    );
    assert_eq!(code(200, r#"{"name":"x"}"#), "secret_invalid_response");
}
