//! Errors of calls to the Pictify API ([`HttpError`]) and the API-message rules behind them.

/// A failed call to the Pictify API. Messages never contain URLs, headers or keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// Every configured key was refused with 401. Check that the key is active in the
    /// Pictify dashboard and has not been revoked; during a rotation set PICTIFY_API_KEY_NEW.
    #[error("the Pictify API refused every configured key ({tried} tried) with 401 Unauthorized{}: check that the key is active and not revoked in the Pictify dashboard", api_reason(.api_code, .request_id))]
    Unauthorized {
        /// How many keys were tried.
        tried: usize,
        /// The API's own error code for the last refusal (`revoked_api_key`,
        /// `key_not_active`, `invalid_api_key`, …), when it sent one.
        api_code: Option<String>,
        /// The API's request id of the last refusal (`X-Request-Id`), for support tickets.
        request_id: Option<String>,
    },
    /// The API did not answer in time, also after retries. Raise the timeout or retry later.
    #[error("the Pictify API did not answer in time (after {attempts} attempts); retry later or raise the timeout")]
    Timeout {
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// The connection failed or broke, also after retries. Check network access to the API.
    #[error("could not reach the Pictify API (after {attempts} attempts): the connection failed or was closed; check network access")]
    Connection {
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// Still rate limited (429) after retries. Slow down or contact Pictify for a higher limit.
    #[error("the Pictify API is rate limiting this key (429, after {attempts} attempts); slow down and retry later")]
    RateLimited {
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// The API answered with a server error (5xx) after retries. Retry later.
    #[error("the Pictify API answered {status} (after {attempts} attempts); this is a server-side problem, retry later")]
    Server {
        /// The last status.
        status: u16,
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// The API refused the request with a client error other than 401 (400, 403, 404, 422, or
    /// 408/409 after retries). Check the request against the API documentation.
    #[error("the Pictify API answered {status}{}{}", api_reason(.api_code, .request_id), message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Status {
        /// The status.
        status: u16,
        /// The API's own error message, if it sent one (never contains the key).
        message: Option<String>,
        /// The API's own error code (`bad_request`, …), when it sent one.
        api_code: Option<String>,
        /// The API's request id (`X-Request-Id`), for support tickets.
        request_id: Option<String>,
    },
    /// The request could not be built: a bad base URL, path or method. Fix the call.
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: &'static str,
    },
    /// The answer was not the JSON the client expected. Check the base URL (a proxy or a
    /// captive portal may have answered), or retry later.
    #[error("the Pictify API sent an answer that is not valid JSON ({status})")]
    InvalidResponse {
        /// The status of the answer.
        status: u16,
    },
    /// Another transport failure (TLS, protocol). Details are withheld because they may carry
    /// URLs or headers.
    #[error("the HTTP request failed ({kind})")]
    Transport {
        /// A short, fixed description of the failure kind.
        kind: &'static str,
    },
}

impl HttpError {
    /// The stable code: `unauthorized`, `http_timeout`, `http_connection`, `rate_limited`,
    /// `server_error`, `http_status`, `invalid_request`, `invalid_response`, `http_transport`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "unauthorized",
            Self::Timeout { .. } => "http_timeout",
            Self::Connection { .. } => "http_connection",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server_error",
            Self::Status { .. } => "http_status",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::InvalidResponse { .. } => "invalid_response",
            Self::Transport { .. } => "http_transport",
        }
    }

    /// The HTTP status behind this error, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { .. } => Some(401),
            Self::RateLimited { .. } => Some(429),
            Self::Server { status, .. }
            | Self::Status { status, .. }
            | Self::InvalidResponse { status } => Some(*status),
            _ => None,
        }
    }
}

/// ` (revoked_api_key, request req_42)`: the API's reason and request id, for messages.
fn api_reason(api_code: &Option<String>, request_id: &Option<String>) -> String {
    match (api_code, request_id) {
        (Some(c), Some(r)) => format!(" ({c}, request {r})"),
        (Some(c), None) => format!(" ({c})"),
        (None, Some(r)) => format!(" (request {r})"),
        (None, None) => String::new(),
    }
}

/// The API's error code from an error body (`{"error": {"code": "revoked_api_key"}}`), when it
/// is a short snake_case word (anything else is dropped: it could carry text we cannot vouch
/// for).
pub fn api_code_of(code: Option<&str>) -> Option<String> {
    let c = code?;
    let ok = (1..=64).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !c.starts_with("pk_");
    ok.then(|| c.to_owned())
}

/// A request id from the API's `X-Request-Id` header, when it is short and plain (letters,
/// digits, `_ - . :`) and not key-shaped.
pub fn request_id_of(header: Option<&str>) -> Option<String> {
    let r = header?.trim();
    let ok = (1..=128).contains(&r.len())
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
        && !r.contains("pk_");
    ok.then(|| r.to_owned())
}
