//! The providers' own auth, as deployments configure it: where each manager's credentials
//! come from, and the short-lived ones (Vault login tokens, AWS container credentials,
//! Google self-signed JWTs) kept in an [`AuthCache`] until they are due for renewal.
//!
//! - Vault: `VAULT_TOKEN`; else AppRole (`VAULT_ROLE_ID` + `VAULT_SECRET_ID` or
//!   `VAULT_SECRET_ID_FILE`); else Kubernetes (`VAULT_K8S_ROLE`, the service-account token at
//!   `VAULT_K8S_JWT_PATH`, default `/var/run/secrets/kubernetes.io/serviceaccount/token`);
//!   `VAULT_AUTH_MOUNT` overrides the login mount (`approle`, `kubernetes`); else the Vault
//!   CLI's token file `~/.vault-token` (`HOME`). A login token is renewed (`renew-self`) after
//!   two thirds of its lease, or replaced by a new login; a 403 on a login token triggers one
//!   new login. `VAULT_CACERT` is a PEM CA bundle that replaces the system roots for Vault.
//! - AWS: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`); else the
//!   container endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI` or `_RELATIVE_URI`, with
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`), cached
//!   until five minutes before they expire.
//! - Google: `GOOGLE_OAUTH_ACCESS_TOKEN`; else a service-account key file at
//!   `GOOGLE_APPLICATION_CREDENTIALS` (a self-signed JWT, reused for 50 minutes); else the
//!   metadata server (`GCE_METADATA_HOST`).

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use zeroize::{Zeroize, Zeroizing};

use super::fetch::{Transport, TransportFailure};
use super::gcp_jwt::{self, ServiceAccountKey};
use super::reference::SecretRef;
use super::sigv4::AwsCredentials;
use super::wire::{
    aws_container_credentials_request, aws_parse_container_credentials, container_uri_allowed,
    vault_approle_login_request, vault_kubernetes_login_request, vault_parse_login,
    vault_renew_self_request, SecretRequest, SecretResponse, VaultConfig, ECS_CREDENTIALS_HOST,
};
use crate::error::SecretError;
use crate::world::{EnvLookup, FileSystem};

/// Where the Kubernetes service-account token is mounted in a pod.
pub const K8S_SERVICE_ACCOUNT_TOKEN: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// Short-lived credentials obtained by logging in, shared by the fetches of one resolver.
/// Values are zeroed when replaced or dropped; `Debug` shows which ones are held, never them.
#[derive(Default)]
pub struct AuthCache {
    vault: Mutex<Option<CachedToken>>,
    aws: Mutex<Option<CachedAws>>,
    gcp: Mutex<Option<CachedToken>>,
}

impl fmt::Debug for AuthCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = |m: &Mutex<Option<CachedToken>>| m.lock().map(|g| g.is_some()).unwrap_or(false);
        let aws = self.aws.lock().map(|g| g.is_some()).unwrap_or(false);
        write!(
            f,
            "AuthCache(vault {}, aws {aws}, gcp {})",
            held(&self.vault),
            held(&self.gcp)
        )
    }
}

impl AuthCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every credential (the next fetch logs in again).
    pub fn clear(&self) {
        for m in [&self.vault, &self.gcp] {
            if let Ok(mut g) = m.lock() {
                *g = None;
            }
        }
        if let Ok(mut g) = self.aws.lock() {
            *g = None;
        }
    }
}

struct CachedToken {
    scope: String,
    token: Zeroizing<String>,
    issued_unix: u64,
    lease_secs: u64,
    renewable: bool,
}

struct CachedAws {
    scope: String,
    credentials: AwsCredentials,
    expires_unix: Option<u64>,
}

/// What one fetch reads from outside: environment, files, transport, clock, and the cache of
/// login credentials.
#[derive(Clone, Copy)]
pub struct AuthWorld<'a> {
    /// Provider configuration (`VAULT_ADDR`, `AWS_REGION`, …).
    pub env: &'a dyn EnvLookup,
    /// Token and key files (`~/.vault-token`, the service-account token, …).
    pub fs: &'a dyn FileSystem,
    /// The HTTP transport.
    pub transport: &'a dyn Transport,
    /// Login credentials kept between fetches.
    pub cache: &'a AuthCache,
    /// Now, in seconds since the Unix epoch.
    pub now_unix: u64,
}

pub(crate) fn var(env: &dyn EnvLookup, name: &str) -> Option<String> {
    env.get(name).filter(|v| !v.trim().is_empty())
}

pub(crate) fn missing(reference: &SecretRef, variable: &'static str) -> SecretError {
    SecretError::CredentialsMissing {
        origin: reference.to_string(),
        variable,
    }
}

/// A file named by configuration, trimmed; a read failure names the variable.
fn read_file(
    world: &AuthWorld<'_>,
    reference: &SecretRef,
    path: &str,
    variable: &'static str,
) -> Result<Zeroizing<String>, SecretError> {
    let text = world
        .fs
        .read(Path::new(path.trim()))
        .map_err(|_| missing(reference, variable))?;
    let trimmed = Zeroizing::new(text.trim().to_owned());
    if trimmed.is_empty() {
        return Err(missing(reference, variable));
    }
    Ok(trimmed)
}

/// Sends `request` (with `ca` as the only trusted roots when given) and zeroes its body,
/// which may hold a credential. A transport failure is `secret_unreachable`.
pub(crate) fn send_request(
    world: &AuthWorld<'_>,
    reference: &SecretRef,
    request: Option<SecretRequest>,
    ca: Option<&[u8]>,
) -> Result<SecretResponse, SecretError> {
    let mut request = request.ok_or_else(|| SecretError::BadReference {
        origin: reference.to_string(),
        part: "endpoint",
        reason: "is not an http:// or https:// URL, or the auth mount is malformed",
    })?;
    let result = match ca {
        Some(pem) => world.transport.send_with_ca(&request, pem),
        None => world.transport.send(&request),
    };
    request.body.zeroize();
    result.map_err(|f: TransportFailure| SecretError::Unreachable {
        origin: reference.to_string(),
        reason: f.reason(),
    })
}

/// The Vault CA bundle from `VAULT_CACERT`, when set.
pub(crate) fn vault_ca(
    world: &AuthWorld<'_>,
    reference: &SecretRef,
) -> Result<Option<Vec<u8>>, SecretError> {
    match var(world.env, "VAULT_CACERT") {
        None => Ok(None),
        Some(path) => {
            let pem = read_file(world, reference, &path, "VAULT_CACERT")?;
            Ok(Some(pem.as_bytes().to_vec()))
        }
    }
}

/// A Vault token and whether it came from a login (then a 403 is worth one new login).
pub(crate) struct VaultToken {
    pub(crate) token: Zeroizing<String>,
    pub(crate) from_login: bool,
}

enum VaultLoginMethod {
    AppRole {
        role_id: String,
        secret_id: Zeroizing<String>,
    },
    Kubernetes {
        role: String,
        jwt: Zeroizing<String>,
    },
}

/// The Vault token to use: see the module docs for the order. `force_login` skips the
/// cached login token (after a 403).
pub(crate) fn vault_token(
    world: &AuthWorld<'_>,
    reference: &SecretRef,
    addr: &str,
    namespace: Option<&str>,
    ca: Option<&[u8]>,
    force_login: bool,
) -> Result<VaultToken, SecretError> {
    if let Some(t) = var(world.env, "VAULT_TOKEN") {
        return Ok(VaultToken {
            token: Zeroizing::new(t.trim().to_owned()),
            from_login: false,
        });
    }
    let method = if let Some(role_id) = var(world.env, "VAULT_ROLE_ID") {
        let secret_id = match var(world.env, "VAULT_SECRET_ID") {
            Some(s) => Zeroizing::new(s.trim().to_owned()),
            None => match var(world.env, "VAULT_SECRET_ID_FILE") {
                Some(path) => read_file(world, reference, &path, "VAULT_SECRET_ID_FILE")?,
                None => return Err(missing(reference, "VAULT_SECRET_ID")),
            },
        };
        Some((
            "approle",
            VaultLoginMethod::AppRole {
                role_id: role_id.trim().to_owned(),
                secret_id,
            },
        ))
    } else if let Some(role) = var(world.env, "VAULT_K8S_ROLE") {
        let path = var(world.env, "VAULT_K8S_JWT_PATH")
            .unwrap_or_else(|| K8S_SERVICE_ACCOUNT_TOKEN.to_owned());
        let jwt = read_file(world, reference, &path, "VAULT_K8S_JWT_PATH")?;
        Some((
            "kubernetes",
            VaultLoginMethod::Kubernetes {
                role: role.trim().to_owned(),
                jwt,
            },
        ))
    } else {
        None
    };
    let Some((default_mount, method)) = method else {
        // The Vault CLI's own token file, written by `vault login`.
        if let Some(home) = var(world.env, "HOME") {
            let path = format!("{}/.vault-token", home.trim().trim_end_matches('/'));
            if let Ok(t) = read_file(world, reference, &path, "VAULT_TOKEN") {
                return Ok(VaultToken {
                    token: t,
                    from_login: false,
                });
            }
        }
        return Err(missing(reference, "VAULT_TOKEN"));
    };
    let mount = var(world.env, "VAULT_AUTH_MOUNT").unwrap_or_else(|| default_mount.to_owned());
    let mount = mount.trim();
    let scope = format!(
        "{addr}|{}|{mount}|{}",
        namespace.unwrap_or(""),
        match &method {
            VaultLoginMethod::AppRole { role_id, .. } => role_id.as_str(),
            VaultLoginMethod::Kubernetes { role, .. } => role.as_str(),
        }
    );
    let mut config = VaultConfig::new(addr, "");
    config.namespace = namespace.map(str::to_owned);
    let mut slot = world.cache.vault.lock().unwrap_or_else(|p| p.into_inner());
    if force_login {
        *slot = None;
    }
    if let Some(cached) = slot.as_mut().filter(|c| c.scope == scope) {
        let age = world.now_unix.saturating_sub(cached.issued_unix);
        if cached.lease_secs == 0 || age < cached.lease_secs * 2 / 3 {
            return Ok(VaultToken {
                token: cached.token.clone(),
                from_login: true,
            });
        }
        if cached.renewable && age + 5 < cached.lease_secs {
            let renewed = send_request(
                world,
                reference,
                Some(vault_renew_self_request(&config, &cached.token)),
                ca,
            )
            .and_then(|resp| vault_parse_login(reference, &resp));
            if let Ok(login) = renewed {
                cached.issued_unix = world.now_unix;
                cached.lease_secs = login.lease_secs;
                cached.renewable = login.renewable;
                return Ok(VaultToken {
                    token: cached.token.clone(),
                    from_login: true,
                });
            }
        }
    }
    *slot = None;
    let request = match &method {
        VaultLoginMethod::AppRole { role_id, secret_id } => {
            vault_approle_login_request(&config, mount, role_id, secret_id)
        }
        VaultLoginMethod::Kubernetes { role, jwt } => {
            vault_kubernetes_login_request(&config, mount, role, jwt)
        }
    };
    let resp = send_request(world, reference, request, ca)?;
    let login = vault_parse_login(reference, &resp)?;
    let token = login.token.clone();
    *slot = Some(CachedToken {
        scope,
        token: login.token,
        issued_unix: world.now_unix,
        lease_secs: login.lease_secs,
        renewable: login.renewable,
    });
    Ok(VaultToken {
        token,
        from_login: true,
    })
}

/// AWS credentials and whether they came from the container endpoint (then an
/// access-denied answer is worth one refresh of them).
pub(crate) struct AwsAuth {
    pub(crate) credentials: AwsCredentials,
    pub(crate) from_endpoint: bool,
}

/// AWS credentials: the environment's keys, else the container endpoint.
pub(crate) fn aws_credentials(
    world: &AuthWorld<'_>,
    reference: &SecretRef,
    force_refresh: bool,
) -> Result<AwsAuth, SecretError> {
    if let Some(access) = var(world.env, "AWS_ACCESS_KEY_ID") {
        let secret = Zeroizing::new(
            var(world.env, "AWS_SECRET_ACCESS_KEY")
                .ok_or_else(|| missing(reference, "AWS_SECRET_ACCESS_KEY"))?,
        );
        let token = var(world.env, "AWS_SESSION_TOKEN");
        return Ok(AwsAuth {
            credentials: AwsCredentials::new(access.trim(), secret.trim(), token),
            from_endpoint: false,
        });
    }
    let uri = match (
        var(world.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        var(world.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ) {
        (Some(relative), _) => format!("{ECS_CREDENTIALS_HOST}{}", relative.trim()),
        (None, Some(full)) => full.trim().to_owned(),
        (None, None) => return Err(missing(reference, "AWS_ACCESS_KEY_ID")),
    };
    if !container_uri_allowed(&uri) {
        return Err(SecretError::BadReference {
            origin: reference.to_string(),
            part: "credentials endpoint",
            reason: "is neither HTTPS nor a loopback or ECS/EKS link-local address",
        });
    }
    let mut slot = world.cache.aws.lock().unwrap_or_else(|p| p.into_inner());
    if force_refresh {
        *slot = None;
    }
    if let Some(c) = slot.as_ref().filter(|c| {
        c.scope == uri
            && c.expires_unix
                .map_or(true, |e| world.now_unix.saturating_add(300) < e)
    }) {
        return Ok(AwsAuth {
            credentials: c.credentials.clone(),
            from_endpoint: true,
        });
    }
    let token = match var(world.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(path) => Some(read_file(
            world,
            reference,
            &path,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        )?),
        None => var(world.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
            .map(|t| Zeroizing::new(t.trim().to_owned())),
    };
    let request = aws_container_credentials_request(&uri, token.as_deref().map(String::as_str));
    let resp = send_request(world, reference, Some(request), None)?;
    let (credentials, expires_unix) = aws_parse_container_credentials(reference, &resp)?;
    *slot = Some(CachedAws {
        scope: uri,
        credentials: credentials.clone(),
        expires_unix,
    });
    Ok(AwsAuth {
        credentials,
        from_endpoint: true,
    })
}

/// How long a self-signed JWT is reused: 50 of its 60 minutes.
const JWT_REUSE_SECS: u64 = 3000;

/// A Google access token: `GOOGLE_OAUTH_ACCESS_TOKEN`, else a self-signed JWT from the
/// service-account key at `GOOGLE_APPLICATION_CREDENTIALS`, else the metadata server's.
pub(crate) fn gcp_token(
    world: &AuthWorld<'_>,
    reference: &SecretRef,
) -> Result<Zeroizing<String>, SecretError> {
    if let Some(t) = var(world.env, "GOOGLE_OAUTH_ACCESS_TOKEN") {
        return Ok(Zeroizing::new(t.trim().to_owned()));
    }
    if let Some(path) = var(world.env, "GOOGLE_APPLICATION_CREDENTIALS") {
        let text = read_file(world, reference, &path, "GOOGLE_APPLICATION_CREDENTIALS")?;
        let key = ServiceAccountKey::from_json(&text)
            .ok_or_else(|| missing(reference, "GOOGLE_APPLICATION_CREDENTIALS"))?;
        let scope = format!("{}|{}", key.client_email, key.private_key_id);
        let mut slot = world.cache.gcp.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = slot.as_ref().filter(|c| {
            c.scope == scope && world.now_unix.saturating_sub(c.issued_unix) < JWT_REUSE_SECS
        }) {
            return Ok(c.token.clone());
        }
        let jwt = gcp_jwt::self_signed_jwt(&key, world.now_unix)
            .ok_or_else(|| missing(reference, "GOOGLE_OAUTH_ACCESS_TOKEN"))?;
        *slot = Some(CachedToken {
            scope,
            token: jwt.clone(),
            issued_unix: world.now_unix,
            lease_secs: gcp_jwt::JWT_LIFETIME_SECS,
            renewable: false,
        });
        return Ok(jwt);
    }
    // The metadata server (GCE, Cloud Run, GKE Workload Identity).
    let host = var(world.env, "GCE_METADATA_HOST")
        .unwrap_or_else(|| "metadata.google.internal".to_owned());
    let resp = world
        .transport
        .send(&super::gcp::metadata_token_request(host.trim()))
        .map_err(|_| missing(reference, "GOOGLE_OAUTH_ACCESS_TOKEN"))?;
    super::gcp::parse_metadata_token(reference, &resp)
}
