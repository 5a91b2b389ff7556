//! Google service-account keys (`GOOGLE_APPLICATION_CREDENTIALS`): a self-signed RS256 JWT
//! sent straight to Secret Manager as `Authorization: Bearer`, as Google's own clients do
//! (AIP-4111): no token endpoint, no round trip. Header `{alg:RS256, typ:JWT, kid}`, claims
//! `iss = sub = client_email`, `aud = https://secretmanager.googleapis.com/`, `iat`,
//! `exp = iat + 3600`. The clock is an input.
//!
//! Building the signing input is sans-IO and builds everywhere; the RS256 signature uses
//! `ring` (already in the native TLS stack) and is native-only (`secrets-http`). Workers
//! pass an access token instead (`GOOGLE_OAUTH_ACCESS_TOKEN`).

use std::fmt;

use serde_json::Value;
use zeroize::Zeroizing;

/// The audience of a self-signed JWT for Secret Manager.
pub const SECRET_MANAGER_AUDIENCE: &str = "https://secretmanager.googleapis.com/";

/// How long a self-signed JWT is valid, in seconds (Google's maximum).
pub const JWT_LIFETIME_SECS: u64 = 3600;

/// The parts of a service-account JSON key the JWT needs. `Debug` hides the private key.
#[derive(Clone)]
pub struct ServiceAccountKey {
    /// `client_email`: the JWT's issuer and subject.
    pub client_email: String,
    /// `private_key_id`: the JWT's `kid`.
    pub private_key_id: String,
    private_key_pem: Zeroizing<String>,
}

impl fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ServiceAccountKey({}, kid {}, private key [REDACTED])",
            self.client_email, self.private_key_id
        )
    }
}

impl ServiceAccountKey {
    /// Parses a service-account key file (`"type": "service_account"`); `None` for anything
    /// else (a user credential from `gcloud auth application-default login`, a malformed
    /// file).
    pub fn from_json(text: &str) -> Option<Self> {
        let v: Value = serde_json::from_str(text).ok()?;
        if v["type"].as_str() != Some("service_account") {
            return None;
        }
        let field = |name: &str| {
            v[name]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Some(Self {
            client_email: field("client_email")?,
            private_key_id: field("private_key_id")?,
            private_key_pem: Zeroizing::new(field("private_key")?),
        })
    }

    /// The PKCS#8 DER of the private key (the PEM's base64 body).
    fn private_key_der(&self) -> Option<Zeroizing<Vec<u8>>> {
        let pem = self.private_key_pem.as_str();
        let begin = "-----BEGIN PRIVATE KEY-----";
        let start = pem.find(begin)? + begin.len();
        let end = pem[start..].find("-----END PRIVATE KEY-----")? + start;
        let body: Zeroizing<String> = Zeroizing::new(
            pem[start..end]
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect(),
        );
        super::gcp::base64_decode(&body).map(Zeroizing::new)
    }
}

/// Unpadded base64url, the JWT encoding.
pub fn base64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// `base64url(header) . base64url(claims)`: what RS256 signs.
pub fn jwt_signing_input(key: &ServiceAccountKey, now_unix: u64) -> String {
    let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": key.private_key_id });
    let claims = serde_json::json!({
        "iss": key.client_email,
        "sub": key.client_email,
        "aud": SECRET_MANAGER_AUDIENCE,
        "iat": now_unix,
        "exp": now_unix + JWT_LIFETIME_SECS,
    });
    format!(
        "{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes())
    )
}

/// The signed JWT (`input.signature`), or `None` when the private key is not an RSA
/// PKCS#8 key `ring` accepts.
#[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
pub fn self_signed_jwt(key: &ServiceAccountKey, now_unix: u64) -> Option<Zeroizing<String>> {
    use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
    let der = key.private_key_der()?;
    let pair = RsaKeyPair::from_pkcs8(&der).ok()?;
    let input = jwt_signing_input(key, now_unix);
    let mut sig = vec![0u8; pair.public().modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .ok()?;
    Some(Zeroizing::new(format!("{input}.{}", base64url(&sig))))
}

/// Without the native stack there is no RS256 signer: `None` (the caller asks for an access
/// token instead).
#[cfg(not(all(feature = "secrets-http", not(target_arch = "wasm32"))))]
pub fn self_signed_jwt(key: &ServiceAccountKey, _now_unix: u64) -> Option<Zeroizing<String>> {
    let _ = key.private_key_der();
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn base64url_vectors() {
        // RFC 4648 test vectors, unpadded, URL alphabet.
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn key_file_and_signing_input() {
        let json = r#"{"type":"service_account","project_id":"p1","private_key_id":"kid1",
            "private_key":"-----BEGIN PRIVATE KEY-----\nMIIFAKE\n-----END PRIVATE KEY-----\n",
            "client_email":"pictify@p1.iam.gserviceaccount.com"}"#;
        let key = ServiceAccountKey::from_json(json).unwrap();
        assert!(!format!("{key:?}").contains("MIIFAKE"));
        let input = jwt_signing_input(&key, 1_796_000_000);
        let (h, c) = input.split_once('.').unwrap();
        let decode = |s: &str| -> Value {
            serde_json::from_slice(&super::super::gcp::base64_decode(s).unwrap()).unwrap()
        };
        assert_eq!(
            decode(h),
            serde_json::json!({"alg":"RS256","typ":"JWT","kid":"kid1"})
        );
        let claims = decode(c);
        assert_eq!(claims["iss"], "pictify@p1.iam.gserviceaccount.com");
        assert_eq!(claims["sub"], claims["iss"]);
        assert_eq!(claims["aud"], "https://secretmanager.googleapis.com/");
        assert_eq!(claims["exp"], 1_796_003_600u64);
        // Not an RSA key: no signature, no panic.
        assert!(self_signed_jwt(&key, 1).is_none());
        let user = r#"{"type":"authorized_user","client_id":"x","refresh_token":"FAKE"}"#;
        assert!(ServiceAccountKey::from_json(user).is_none());
    }
}
