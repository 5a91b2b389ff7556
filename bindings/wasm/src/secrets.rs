//! Secret references (`vault://secret/pictify#api_key`, `aws-sm://pictify/api-key`,
//! `gcp-sm://projects/P/secrets/S`) read through the host's `fetch` (mirrors
//! `core/src/secrets`). The core builds every request and parses every answer; its
//! `FetchReplay` turns the read into "send this request", and this file only awaits the same
//! `fetch` call the client uses. The settings come from the env object (`VAULT_ADDR`,
//! `VAULT_TOKEN`, the AWS keys, `GOOGLE_OAUTH_ACCESS_TOKEN`: a Worker's secrets); the clock
//! is the host's, which signs AWS requests.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use pictify_keys::http::TransportError;
use pictify_keys::secrets::wire::{SecretRequest, SecretResponse};
use pictify_keys::secrets::{
    references_in, FetchOptions, FetchReplay, FetchStep, PrefetchedResolver, TransportFailure,
};
use pictify_keys::Clock;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::env::env_or_host;
use crate::http::FetchTransport;
use crate::HostClock;

/// Time allowed for one request to a manager (the native transport's default).
const TIMEOUT: Duration = Duration::from_secs(10);

/// The most requests one read may take (a read takes two or three; this bounds a bug).
const MAX_STEPS: usize = 16;

/// Sends one request to a manager through `fetch`.
async fn send(
    transport: &FetchTransport,
    request: &SecretRequest,
) -> Result<SecretResponse, TransportFailure> {
    let headers = Object::new();
    for (name, value) in &request.headers {
        // EXPOSE: credentials go to the manager in its own headers.
        let _ = Reflect::set(&headers, &name.as_str().into(), &value.as_str().into());
    }
    // The exact bytes the signature covers.
    let body = (!request.body.is_empty()).then(|| Uint8Array::from(&request.body[..]).into());
    match transport
        .fetch(request.method, &request.url, &headers, body, TIMEOUT)
        .await
    {
        Ok((_, status, text)) => Ok(SecretResponse::new(status, text.into_bytes())),
        Err(TransportError::Timeout) => Err(TransportFailure::Timeout),
        Err(TransportError::Connection) => Err(TransportFailure::Connection),
        Err(_) => Err(TransportFailure::Other),
    }
}

/// Reads every reference among the key variables of `env`, one request at a time, and
/// returns the results for the core's synchronous entry points.
pub(crate) async fn prefetch(
    env: &BTreeMap<String, String>,
    transport: &FetchTransport,
) -> Arc<PrefetchedResolver> {
    let resolver = PrefetchedResolver::new();
    let now_unix = HostClock.now_ms() / 1000;
    for reference in references_in(env) {
        let replay = FetchReplay::new();
        for _ in 0..MAX_STEPS {
            match replay.step(&reference, env, now_unix, FetchOptions::default()) {
                FetchStep::Send(request) => {
                    let answer = send(transport, &request).await;
                    replay.answer(&request, answer);
                }
                FetchStep::Done(result) => {
                    resolver.insert(reference, result);
                    break;
                }
            }
        }
    }
    Arc::new(resolver)
}

/// `checkKeys` resolving secret references through `fetch`: a Promise of the same report.
/// `options`: `{ environment?, policy?, source?, fetch? }` (`fetch` defaults to
/// `globalThis.fetch`). Vault and AWS read their settings from `env` (`VAULT_ADDR`,
/// `VAULT_TOKEN`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_ENDPOINT_URL_SECRETS_MANAGER`, …); Google takes `GOOGLE_OAUTH_ACCESS_TOKEN`.
#[wasm_bindgen(js_name = checkKeysAsync, unchecked_return_type = "Promise<CheckReport>")]
pub fn check_keys_async(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions & { fetch?: typeof fetch } | undefined")]
    options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let map = env_or_host(&env)?;
        let transport = FetchTransport::from_options(&options)?;
        let resolver = prefetch(&map, &transport).await;
        crate::check::report(&map, &options, Some(resolver.as_ref()))
    })
}

/// `loadKeys` resolving secret references through `fetch`: a Promise of the same
/// `{ keys: [{ key, origin }], source, shadowed }`, each key fetched from a manager named by
/// its reference (`vault://secret/pictify#api_key`; a fallback `…@previous`). `options`:
/// `{ fetch? }`. Rejects with the core's code (`secret_not_found`, `secret_access_denied`,
/// `secret_credentials_missing`, `whitespace`, …), naming the reference, never a secret.
#[wasm_bindgen(js_name = loadKeysAsync, unchecked_return_type = "Promise<LoadedKeys>")]
pub fn load_keys_async(
    #[wasm_bindgen(unchecked_param_type = "EnvObject | undefined")] env: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ fetch?: typeof fetch } | undefined")] options: JsValue,
) -> Promise {
    future_to_promise(async move {
        let map = env_or_host(&env)?;
        let transport = FetchTransport::from_options(&options)?;
        let resolver = prefetch(&map, &transport).await;
        crate::source::loaded_to_js(crate::source::load_map(map, Some(resolver))?)
    })
}
