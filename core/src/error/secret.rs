//! Errors of secrets-manager references and fetches ([`SecretError`]).

/// A secrets-manager reference that cannot be used, or a fetch from the manager that failed.
///
/// `origin` names the reference (`vault://secret/pictify#api_key`) or, for a malformed one,
/// where it was found (`env:PICTIFY_API_KEY`); no message ever holds the secret, a token or a
/// credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// A malformed secret reference. Fix the part named; the forms are
    /// `vault://MOUNT/PATH#FIELD`, `aws-sm://SECRET_ID[#FIELD]` and
    /// `gcp-sm://projects/P/secrets/S[/versions/V]`.
    #[error("{origin}: malformed secret reference: the {part} {reason}; write vault://MOUNT/PATH#FIELD, aws-sm://SECRET_ID[#FIELD] or gcp-sm://projects/P/secrets/S[/versions/V]")]
    BadReference {
        /// Where the reference was found (`env:PICTIFY_API_KEY`, `reference`).
        origin: String,
        /// The part that is wrong: `scheme`, `mount`, `path`, `field`, `secret id`, `project`,
        /// `secret`, `version`.
        part: &'static str,
        /// What is wrong with it (fixed text, never the value).
        reason: &'static str,
    },
    /// The manager has no such secret (Vault 404, AWS `ResourceNotFoundException`): check the
    /// path or id, the region or namespace, and that the latest version is not deleted.
    #[error("{origin}: the secrets manager has no such secret (or its current version is deleted); check the path or id, the region or namespace")]
    NotFound {
        /// The reference.
        origin: String,
        /// The manager's HTTP status.
        status: u16,
    },
    /// The manager refused the credentials or the policy does not allow the read (Vault 403,
    /// AWS `AccessDeniedException`, `UnrecognizedClientException`, `SignatureDoesNotMatch`):
    /// check the token or keys and the policy for this secret.
    #[error("{origin}: the secrets manager refused access ({status}); check the token or access keys and that the policy allows reading this secret")]
    AccessDenied {
        /// The reference.
        origin: String,
        /// The manager's HTTP status.
        status: u16,
    },
    /// The manager could not be reached or did not answer in time: check the address
    /// (VAULT_ADDR, AWS_ENDPOINT_URL…) and the network.
    #[error("{origin}: the secrets manager could not be reached ({reason}); check its address and the network")]
    Unreachable {
        /// The reference.
        origin: String,
        /// `connection`, `timeout` or `transport` (fixed text; URLs are withheld).
        reason: &'static str,
    },
    /// The secret holds JSON without the field the reference names: add the field, or name
    /// the right one after `#`.
    #[error(
        "{origin}: the secret has no field '{field}'; name the field that holds the key after #"
    )]
    FieldMissing {
        /// The reference.
        origin: String,
        /// The field looked for.
        field: String,
    },
    /// The secret (or its field) is not text: a binary AWS secret, a number or an object.
    /// Store the key as a string.
    #[error("{origin}: the secret is not text (binary, or a field that is not a string); store the key as a string")]
    NotText {
        /// The reference.
        origin: String,
    },
    /// The credentials the provider needs are not configured: set the variable named.
    #[error("{origin}: no credentials for the secrets manager: set {variable}")]
    CredentialsMissing {
        /// The reference.
        origin: String,
        /// The variable to set (`VAULT_TOKEN`, `AWS_ACCESS_KEY_ID`, …).
        variable: &'static str,
    },
    /// The manager answered with another error (throttling, a server error, a KMS decryption
    /// failure): retry later; `kind` names the manager's error type.
    #[error("{origin}: the secrets manager answered {status} ({kind}); retry later, or check the secret's configuration")]
    Manager {
        /// The reference.
        origin: String,
        /// The manager's HTTP status.
        status: u16,
        /// The manager's error type (`ThrottlingException`, `server_error`), a plain word.
        kind: String,
    },
    /// The manager's answer was not the JSON expected: check that the address points at the
    /// manager and not at a proxy.
    #[error("{origin}: the secrets manager sent an answer that is not the expected JSON ({status}); check that the address points at the manager")]
    InvalidResponse {
        /// The reference.
        origin: String,
        /// The HTTP status of the answer.
        status: u16,
    },
    /// This build or front end cannot fetch from secrets managers (no transport): resolve the
    /// reference in a build with the `secrets-http` feature, or pass the key itself.
    #[error("{origin}: this build cannot fetch from secrets managers; use a build with secrets-manager support or pass the key itself")]
    Unsupported {
        /// The reference.
        origin: String,
    },
}

impl SecretError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadReference { .. } => "secret_bad_reference",
            Self::NotFound { .. } => "secret_not_found",
            Self::AccessDenied { .. } => "secret_access_denied",
            Self::Unreachable { .. } => "secret_unreachable",
            Self::FieldMissing { .. } => "secret_field_missing",
            Self::NotText { .. } => "secret_not_text",
            Self::CredentialsMissing { .. } => "secret_credentials_missing",
            Self::Manager { .. } => "secret_manager_error",
            Self::InvalidResponse { .. } => "secret_invalid_response",
            Self::Unsupported { .. } => "secret_unsupported",
        }
    }

    /// The reference (or, for a malformed one, where it was found).
    pub fn origin(&self) -> &str {
        match self {
            Self::BadReference { origin, .. }
            | Self::NotFound { origin, .. }
            | Self::AccessDenied { origin, .. }
            | Self::Unreachable { origin, .. }
            | Self::FieldMissing { origin, .. }
            | Self::NotText { origin }
            | Self::CredentialsMissing { origin, .. }
            | Self::Manager { origin, .. }
            | Self::InvalidResponse { origin, .. }
            | Self::Unsupported { origin } => origin,
        }
    }

    /// The manager's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::NotFound { status, .. }
            | Self::AccessDenied { status, .. }
            | Self::Manager { status, .. }
            | Self::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for failures worth riding out with a cached value (unreachable, throttled, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } => true,
            Self::Manager { status, kind, .. } => {
                *status == 429 || *status >= 500 || kind.contains("Throttl")
            }
            _ => false,
        }
    }
}
