//! Secret references: `vault://MOUNT/PATH#FIELD`, `aws-sm://SECRET_ID[#FIELD]`,
//! `gcp-sm://projects/P/secrets/S[/versions/V]`.
//!
//! A reference can stand wherever a key can (`PICTIFY_API_KEY=aws-sm://pictify/api-key`). It
//! never looks like a key (keys are `pk_…` with no `://`), so there is no ambiguity. A
//! malformed reference is [`SecretError::BadReference`] naming the part that is wrong; the
//! message never repeats the value, which might be a mistyped secret.
//!
//! ```
//! use pictify_keys::secrets::SecretRef;
//!
//! let r = SecretRef::parse("vault://secret/pictify", "env:PICTIFY_API_KEY")?;
//! assert_eq!(r.to_string(), "vault://secret/pictify#api_key"); // the field defaults to api_key
//! let e = SecretRef::parse("vault://secret", "env:PICTIFY_API_KEY").unwrap_err();
//! assert_eq!(e.code(), "secret_bad_reference");
//! # Ok::<(), pictify_keys::SecretError>(())
//! ```

use std::fmt;

use crate::error::SecretError;

/// The field read from a Vault secret when the reference names none.
pub const DEFAULT_VAULT_FIELD: &str = "api_key";

/// The longest reference accepted (AWS allows 2048-character ARNs).
pub const MAX_REFERENCE_LEN: usize = 2048;

/// Which secrets manager a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// HashiCorp Vault or OpenBao, KV version 2.
    Vault,
    /// AWS Secrets Manager.
    AwsSecretsManager,
    /// Google Secret Manager.
    GcpSecretManager,
}

impl Provider {
    /// The reference scheme: `vault`, `aws-sm`, `gcp-sm`.
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Vault => "vault",
            Self::AwsSecretsManager => "aws-sm",
            Self::GcpSecretManager => "gcp-sm",
        }
    }
}

/// A parsed secret reference. `Display` gives the canonical form, which is also the origin
/// every key fetched through it carries (`vault://secret/pictify#api_key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretRef {
    /// `vault://MOUNT/PATH#FIELD`: KV v2 secret `PATH` on mount `MOUNT`, field `FIELD`.
    Vault {
        /// The KV v2 mount (`secret`).
        mount: String,
        /// The secret's path under the mount (`pictify`, `team/app/pictify`).
        path: String,
        /// The field holding the key (`api_key` by default).
        field: String,
    },
    /// `aws-sm://SECRET_ID[#FIELD]`: the SecretString as text, or one field of a JSON secret.
    Aws {
        /// The secret's name or ARN.
        secret_id: String,
        /// The JSON field holding the key, if the secret is JSON.
        field: Option<String>,
    },
    /// `gcp-sm://projects/P/secrets/S[/versions/V]`.
    Gcp {
        /// The project id or number.
        project: String,
        /// The secret id.
        secret: String,
        /// The version (`latest`, a number or an alias); `None` is `latest`.
        version: Option<String>,
    },
}

/// True when `value` is meant as a secret reference rather than a key: it starts with a
/// URL-like scheme (`letters-and-dashes://`). Such a value is parsed as a reference (and a typo
/// in the scheme is reported as one), never as a key.
pub fn is_reference(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once("://") else {
        return false;
    };
    (1..=16).contains(&scheme.len())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn bad(origin: &str, part: &'static str, reason: &'static str) -> SecretError {
    SecretError::BadReference {
        origin: origin.to_owned(),
        part,
        reason,
    }
}

/// Characters allowed in a Vault mount or path segment, an AWS secret id or a field.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'+' | b'=' | b',')
}

fn check_segments(s: &str, origin: &str, part: &'static str) -> Result<(), SecretError> {
    if s.is_empty() {
        return Err(bad(origin, part, "is missing"));
    }
    for seg in s.split('/') {
        if seg.is_empty() {
            return Err(bad(
                origin,
                part,
                "has an empty segment (// or a / at an end)",
            ));
        }
        if seg == "." || seg == ".." {
            return Err(bad(origin, part, "has a . or .. segment"));
        }
        if !seg.bytes().all(is_name_byte) {
            return Err(bad(
                origin,
                part,
                "has a character other than letters, digits and - _ . @ + = ,",
            ));
        }
    }
    Ok(())
}

fn check_field(field: &str, origin: &str) -> Result<(), SecretError> {
    if field.is_empty() {
        return Err(bad(origin, "field", "after # is empty"));
    }
    if field.len() > 256 || !field.bytes().all(is_name_byte) {
        return Err(bad(
            origin,
            "field",
            "has a character other than letters, digits and - _ . @ + = ,",
        ));
    }
    Ok(())
}

impl SecretRef {
    /// Parses a reference. `origin` says where it was found (`env:PICTIFY_API_KEY`), for the
    /// error; the error names the part that is wrong and never repeats the value.
    pub fn parse(value: &str, origin: &str) -> Result<Self, SecretError> {
        if value.len() > MAX_REFERENCE_LEN {
            return Err(bad(origin, "reference", "is longer than 2048 bytes"));
        }
        if value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(bad(
                origin,
                "reference",
                "contains whitespace, a control or a non-ASCII character (a trailing newline?)",
            ));
        }
        let Some((scheme, rest)) = value.split_once("://") else {
            return Err(bad(origin, "scheme", "is missing (no ://)"));
        };
        match scheme {
            "vault" => Self::parse_vault(rest, origin),
            "aws-sm" => Self::parse_aws(rest, origin),
            "gcp-sm" => Self::parse_gcp(rest, origin),
            _ => Err(bad(origin, "scheme", "is not one of vault, aws-sm, gcp-sm")),
        }
    }

    fn parse_vault(rest: &str, origin: &str) -> Result<Self, SecretError> {
        let (location, field) = match rest.split_once('#') {
            Some((l, f)) => {
                check_field(f, origin)?;
                (l, f.to_owned())
            }
            None => (rest, DEFAULT_VAULT_FIELD.to_owned()),
        };
        if location.contains('?') {
            return Err(bad(
                origin,
                "path",
                "has a ? (versions are chosen by the client)",
            ));
        }
        let Some((mount, path)) = location.split_once('/') else {
            return Err(bad(
                origin,
                "path",
                "is missing: write vault://MOUNT/PATH (e.g. vault://secret/pictify)",
            ));
        };
        check_segments(mount, origin, "mount")?;
        check_segments(path, origin, "path")?;
        if path.starts_with("data/") || path.starts_with("metadata/") {
            return Err(bad(
                origin,
                "path",
                "starts with data/ or metadata/: write the KV path without it (vault://secret/pictify, not vault://secret/data/pictify)",
            ));
        }
        Ok(Self::Vault {
            mount: mount.to_owned(),
            path: path.to_owned(),
            field,
        })
    }

    fn parse_aws(rest: &str, origin: &str) -> Result<Self, SecretError> {
        let (id, field) = match rest.split_once('#') {
            Some((id, f)) => {
                check_field(f, origin)?;
                (id, Some(f.to_owned()))
            }
            None => (rest, None),
        };
        if id.is_empty() {
            return Err(bad(origin, "secret id", "is missing"));
        }
        if id.len() > 2048 {
            return Err(bad(origin, "secret id", "is longer than 2048 characters"));
        }
        let ok = id
            .bytes()
            .all(|b| is_name_byte(b) || b == b'/' || b == b':');
        if !ok {
            return Err(bad(
                origin,
                "secret id",
                "has a character other than letters, digits and / _ + = . @ - : ,",
            ));
        }
        if id.contains(':') && !id.starts_with("arn:") {
            return Err(bad(
                origin,
                "secret id",
                "has a : but is not an ARN (arn:…)",
            ));
        }
        Ok(Self::Aws {
            secret_id: id.to_owned(),
            field,
        })
    }

    fn parse_gcp(rest: &str, origin: &str) -> Result<Self, SecretError> {
        if rest.contains('#') {
            return Err(bad(
                origin,
                "reference",
                "has a # (Google secrets have no fields)",
            ));
        }
        let parts: Vec<&str> = rest.split('/').collect();
        let shape_ok = (parts.len() == 4 || parts.len() == 6)
            && parts[0] == "projects"
            && parts[2] == "secrets"
            && (parts.len() == 4 || parts[4] == "versions");
        if !shape_ok {
            return Err(bad(
                origin,
                "path",
                "is not projects/P/secrets/S or projects/P/secrets/S/versions/V",
            ));
        }
        let project = parts[1];
        if project.is_empty()
            || project.len() > 64
            || !project.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b':')
            })
        {
            return Err(bad(
                origin,
                "project",
                "is empty or not a project id (lowercase letters, digits, -)",
            ));
        }
        let secret = parts[3];
        if secret.is_empty()
            || secret.len() > 255
            || !secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad(
                origin,
                "secret",
                "is empty or has a character other than letters, digits, - and _",
            ));
        }
        let version = match parts.get(5) {
            None => None,
            Some(v) => {
                if v.is_empty()
                    || v.len() > 63
                    || !v
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(bad(
                        origin,
                        "version",
                        "is empty or not latest, a number or an alias",
                    ));
                }
                Some((*v).to_owned())
            }
        };
        Ok(Self::Gcp {
            project: project.to_owned(),
            secret: secret.to_owned(),
            version,
        })
    }

    /// The manager this reference points at.
    pub fn provider(&self) -> Provider {
        match self {
            Self::Vault { .. } => Provider::Vault,
            Self::Aws { .. } => Provider::AwsSecretsManager,
            Self::Gcp { .. } => Provider::GcpSecretManager,
        }
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Vault { mount, path, field } => write!(f, "vault://{mount}/{path}#{field}"),
            Self::Aws { secret_id, field } => {
                write!(f, "aws-sm://{secret_id}")?;
                if let Some(field) = field {
                    write!(f, "#{field}")?;
                }
                Ok(())
            }
            Self::Gcp {
                project,
                secret,
                version,
            } => {
                write!(f, "gcp-sm://projects/{project}/secrets/{secret}")?;
                if let Some(v) = version {
                    write!(f, "/versions/{v}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(value: &str) -> &'static str {
        match SecretRef::parse(value, "test").unwrap_err() {
            SecretError::BadReference { part, .. } => part,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn good_references_round_trip() {
        for (input, canonical) in [
            ("vault://secret/pictify", "vault://secret/pictify#api_key"),
            (
                "vault://secret/team/app#key_new",
                "vault://secret/team/app#key_new",
            ),
            ("aws-sm://pictify/api-key", "aws-sm://pictify/api-key"),
            (
                "aws-sm://pictify/api-key#api_key",
                "aws-sm://pictify/api-key#api_key",
            ),
            (
                "aws-sm://arn:aws:secretsmanager:us-east-1:123456789012:secret:pictify-AbCdEf",
                "aws-sm://arn:aws:secretsmanager:us-east-1:123456789012:secret:pictify-AbCdEf",
            ),
            (
                "gcp-sm://projects/my-project/secrets/pictify-api-key",
                "gcp-sm://projects/my-project/secrets/pictify-api-key",
            ),
            (
                "gcp-sm://projects/my-project/secrets/pictify-api-key/versions/latest",
                "gcp-sm://projects/my-project/secrets/pictify-api-key/versions/latest",
            ),
        ] {
            let r = SecretRef::parse(input, "test").unwrap();
            assert_eq!(r.to_string(), canonical);
            assert_eq!(SecretRef::parse(canonical, "test").unwrap(), r);
        }
    }

    #[test]
    fn each_malformed_part_is_named() {
        assert_eq!(part("vualt://secret/pictify"), "scheme");
        assert_eq!(part("vault://secret"), "path");
        assert_eq!(part("vault:///pictify"), "mount");
        assert_eq!(part("vault://secret/a//b"), "path");
        assert_eq!(part("vault://secret/pictify#"), "field");
        assert_eq!(part("vault://secret/data/pictify"), "path");
        assert_eq!(part("vault://secret/pictify\n"), "reference");
        assert_eq!(part("aws-sm://"), "secret id");
        assert_eq!(part("aws-sm://a b"), "reference");
        assert_eq!(part("aws-sm://pictify/key#"), "field");
        assert_eq!(part("gcp-sm://my-project/pictify"), "path");
        assert_eq!(part("gcp-sm://projects/My_Project/secrets/s"), "project");
        assert_eq!(part("gcp-sm://projects/p/secrets/s!/versions/1"), "secret");
        assert_eq!(part("gcp-sm://projects/p/secrets/s/versions/"), "version");
    }

    #[test]
    fn recognises_references_not_keys() {
        assert!(is_reference("vault://secret/pictify"));
        assert!(is_reference("vualt://secret/pictify"));
        assert!(!is_reference("pk_live_FAKE3Wwd25rq4f5zr3a1b2"));
        assert!(!is_reference("https:/x"));
    }

    #[test]
    fn message_never_repeats_the_value() {
        let value = "aws-sm://pk_live_FAKE3Wwd25rq4f5zr3a1b2 ";
        let e = SecretRef::parse(value, "env:PICTIFY_API_KEY").unwrap_err();
        assert!(!e.to_string().contains("FAKE3Wwd25rq4f5zr3a1b2"));
        assert!(e.to_string().starts_with(
            "env:PICTIFY_API_KEY: malformed secret reference: the reference contains whitespace"
        ));
    }
}
