//! Reading a manager from a host whose HTTP is asynchronous (the WASM package's `fetch`).
//!
//! [`fetch_keys`] sends its requests through a blocking [`Transport`]; a JavaScript host can
//! only await. [`FetchReplay`] runs `fetch_keys` against the answers received so far: the
//! first request with no answer yet comes back as [`FetchStep::Send`], the host sends it
//! (`await fetch(…)`), hands the answer to [`FetchReplay::answer`] and steps again, until
//! [`FetchStep::Done`]. `fetch_keys` is a pure function of its answers and of `now`, so each
//! step replays the same requests (the same SigV4 signatures) and the rules stay in one
//! place: whatever requests a provider needs, the host loop is the same three lines.
//!
//! [`PrefetchedResolver`] then serves those results to the synchronous entry points
//! ([`check_keys_with`](crate::check_keys_with), [`SourceChain`](crate::source::SourceChain)),
//! so an async host gets exactly the report and the origins a native one gets.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use super::fetch::{fetch_keys, FetchOptions, Transport, TransportFailure};
use super::reference::{is_reference, SecretRef};
use super::wire::{SecretRequest, SecretResponse};
use super::SecretResolver;
use crate::error::{SecretError, SourceError};
use crate::source::SourcedKey;
use crate::world::EnvLookup;
use crate::KEY_VARIABLES;

/// What to do next in a [`FetchReplay`].
pub enum FetchStep {
    /// Send this request and pass its answer to [`FetchReplay::answer`].
    Send(SecretRequest),
    /// The read is over: the keys (current first), or the error naming the reference.
    Done(Result<Vec<SourcedKey>, SourceError>),
}

impl fmt::Debug for FetchStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Send(r) => write!(f, "Send({r:?})"),
            Self::Done(Ok(k)) => write!(f, "Done({} keys)", k.len()),
            Self::Done(Err(e)) => write!(f, "Done({e})"),
        }
    }
}

type Answer = Result<(u16, zeroize::Zeroizing<Vec<u8>>), TransportFailure>;

/// One read of one reference, driven by a host that sends the requests itself.
///
/// ```
/// use std::collections::HashMap;
/// use pictify_keys::secrets::wire::SecretResponse;
/// use pictify_keys::secrets::{FetchOptions, FetchReplay, FetchStep, SecretRef};
///
/// let reference = SecretRef::parse("vault://secret/pictify", "env:PICTIFY_API_KEY")?;
/// let env = HashMap::from([
///     ("VAULT_ADDR".to_owned(), "http://127.0.0.1:8200".to_owned()),
///     ("VAULT_TOKEN".to_owned(), "FAKE-token".to_owned()),
/// ]);
/// let replay = FetchReplay::new();
/// let FetchStep::Send(request) = replay.step(&reference, &env, 1_700_000_000, FetchOptions::default()) else {
///     unreachable!()
/// };
/// assert_eq!(request.url, "http://127.0.0.1:8200/v1/secret/data/pictify");
/// // The host sends it (here: a Vault 404) and steps again.
/// replay.answer(&request, Ok(SecretResponse::new(404, b"{\"errors\":[]}".to_vec())));
/// let FetchStep::Done(Err(e)) = replay.step(&reference, &env, 1_700_000_000, FetchOptions::default()) else {
///     unreachable!()
/// };
/// assert_eq!(e.code(), "secret_not_found");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct FetchReplay {
    answers: Mutex<Vec<(SecretRequest, Answer)>>,
    pending: Mutex<Option<SecretRequest>>,
}

impl fmt::Debug for FetchReplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.answers.lock().map(|a| a.len()).unwrap_or(0);
        write!(f, "FetchReplay({n} answers)")
    }
}

impl FetchReplay {
    /// A read with no answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs the read over the answers so far (configuration from `env`, `now_unix` for SigV4
    /// and Vault's overlap; pass the same `now_unix` to every step of one read).
    pub fn step(
        &self,
        reference: &SecretRef,
        env: &dyn EnvLookup,
        now_unix: u64,
        options: FetchOptions,
    ) -> FetchStep {
        if let Ok(mut p) = self.pending.lock() {
            *p = None;
        }
        let result = fetch_keys(reference, env, self, now_unix, options);
        match self.pending.lock().ok().and_then(|mut p| p.take()) {
            Some(request) => FetchStep::Send(request),
            None => FetchStep::Done(result),
        }
    }

    /// The answer to `request` (any status), or why none came.
    pub fn answer(
        &self,
        request: &SecretRequest,
        response: Result<SecretResponse, TransportFailure>,
    ) {
        let answer = response.map(|r| (r.status, r.body));
        if let Ok(mut a) = self.answers.lock() {
            a.push((request.clone(), answer));
        }
    }

    /// How many answers the read has used so far.
    pub fn answer_count(&self) -> usize {
        self.answers.lock().map(|a| a.len()).unwrap_or(0)
    }
}

impl Transport for FetchReplay {
    fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
        let answers = self.answers.lock().map_err(|_| TransportFailure::Other)?;
        if let Some((_, answer)) = answers.iter().find(|(r, _)| r == request) {
            return answer
                .as_ref()
                .map(|(status, body)| SecretResponse::new(*status, body.to_vec()))
                .map_err(|f| *f);
        }
        drop(answers);
        // Not answered yet: the host sends it. Only the first such request counts; the read
        // is replayed once its answer is in.
        if let Ok(mut p) = self.pending.lock() {
            if p.is_none() {
                *p = Some(request.clone());
            }
        }
        Err(TransportFailure::Other)
    }
}

/// The well-formed references among the key variables of `env` (`PICTIFY_API_KEY_NEW`,
/// `PICTIFY_API_KEY`, `PICTIFY_API_KEY_OLD`), each once, in that order: what a host reads
/// before a synchronous check. A malformed one is left for that check to report.
pub fn references_in(env: &dyn EnvLookup) -> Vec<SecretRef> {
    let mut out: Vec<SecretRef> = Vec::new();
    for variable in KEY_VARIABLES {
        let Some(value) = env.get(variable).map(zeroize::Zeroizing::new) else {
            continue;
        };
        if !is_reference(&value) {
            continue;
        }
        if let Ok(r) = SecretRef::parse(&value, variable) {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// A resolver serving results read beforehand (by a [`FetchReplay`] loop), so the synchronous
/// entry points give an async host the same answers as a native one. A reference with no
/// result is `secret_unsupported`.
#[derive(Default)]
pub struct PrefetchedResolver {
    results: Mutex<HashMap<SecretRef, Result<Vec<SourcedKey>, SourceError>>>,
}

impl fmt::Debug for PrefetchedResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.results.lock().map(|r| r.len()).unwrap_or(0);
        write!(f, "PrefetchedResolver({n} references)")
    }
}

impl PrefetchedResolver {
    /// An empty resolver.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the result of reading `reference`.
    pub fn insert(&self, reference: SecretRef, result: Result<Vec<SourcedKey>, SourceError>) {
        if let Ok(mut r) = self.results.lock() {
            r.insert(reference, result);
        }
    }
}

impl SecretResolver for PrefetchedResolver {
    fn resolve(&self, reference: &SecretRef) -> Result<Vec<SourcedKey>, SourceError> {
        let results = self.results.lock().map_err(|_| SecretError::Unsupported {
            origin: reference.to_string(),
        })?;
        results.get(reference).cloned().unwrap_or_else(|| {
            Err(SecretError::Unsupported {
                origin: reference.to_string(),
            }
            .into())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A scripted manager: answers by URL and `X-Amz-Target`/body stage, counting requests.
    struct Scripted {
        answers: Vec<(&'static str, u16, String)>,
        sent: Mutex<Vec<SecretRequest>>,
    }

    impl Transport for Scripted {
        fn send(&self, request: &SecretRequest) -> Result<SecretResponse, TransportFailure> {
            self.sent.lock().unwrap().push(request.clone());
            let body = String::from_utf8_lossy(&request.body);
            let key = format!("{} {}", request.url, body);
            for (needle, status, answer) in &self.answers {
                if key.contains(needle) {
                    return Ok(SecretResponse::new(*status, answer.clone().into_bytes()));
                }
            }
            Err(TransportFailure::Connection)
        }
    }

    fn drive(
        reference: &SecretRef,
        env: &HashMap<String, String>,
        host: &Scripted,
    ) -> (Result<Vec<SourcedKey>, SourceError>, usize) {
        let replay = FetchReplay::new();
        for _ in 0..10 {
            match replay.step(reference, env, 1_700_000_000, FetchOptions::default()) {
                FetchStep::Send(r) => {
                    let answer = host.send(&r);
                    replay.answer(&r, answer);
                }
                FetchStep::Done(result) => return (result, replay.answer_count()),
            }
        }
        panic!("the replay did not finish");
    }

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn aws_env() -> HashMap<String, String> {
        env(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDFAKE"),
            ("AWS_SECRET_ACCESS_KEY", "FAKEsecret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ])
    }

    const CURRENT: &str = "pk_live_FAKE3Wwd25rq4f5zr3cur1a1b2";
    const PREVIOUS: &str = "pk_live_FAKE7Hqp29xk3m8prev4c3d4";

    #[test]
    fn aws_replay_sends_what_a_blocking_transport_sends_and_gets_the_same_keys() {
        let host = || Scripted {
            answers: vec![
                (
                    "AWSCURRENT",
                    200,
                    format!(r#"{{"SecretString":"{CURRENT}","VersionStages":["AWSCURRENT"]}}"#),
                ),
                (
                    "AWSPREVIOUS",
                    200,
                    format!(r#"{{"SecretString":"{PREVIOUS}","VersionStages":["AWSPREVIOUS"]}}"#),
                ),
            ],
            sent: Mutex::new(Vec::new()),
        };
        let reference = SecretRef::parse("aws-sm://pictify/api-key", "test").unwrap();
        let env = aws_env();
        let direct_host = host();
        let direct = fetch_keys(
            &reference,
            &env,
            &direct_host,
            1_700_000_000,
            FetchOptions::default(),
        )
        .unwrap();
        let replay_host = host();
        let (replayed, answers) = drive(&reference, &env, &replay_host);
        let replayed = replayed.unwrap();
        assert_eq!(answers, 2);
        assert_eq!(
            *replay_host.sent.lock().unwrap(),
            *direct_host.sent.lock().unwrap()
        );
        let view = |k: &[SourcedKey]| -> Vec<(String, String)> {
            k.iter()
                .map(|k| (k.key().fingerprint(), k.origin().to_owned()))
                .collect()
        };
        assert_eq!(view(&replayed), view(&direct));
        // EXPOSE: the test compares the fetched value with the fixture.
        assert_eq!(replayed[0].key().expose_secret(), CURRENT);
        assert_eq!(replayed[0].origin(), "aws-sm://pictify/api-key");
        // EXPOSE: as above.
        assert_eq!(replayed[1].key().expose_secret(), PREVIOUS);
        assert_eq!(replayed[1].origin(), "aws-sm://pictify/api-key@previous");
    }

    #[test]
    fn a_failed_request_is_the_same_error_as_with_a_blocking_transport() {
        let host = Scripted {
            answers: vec![],
            sent: Mutex::new(Vec::new()),
        };
        let reference = SecretRef::parse("vault://secret/pictify", "test").unwrap();
        let env = env(&[
            ("VAULT_ADDR", "http://127.0.0.1:9"),
            ("VAULT_TOKEN", "FAKE"),
        ]);
        let (result, answers) = drive(&reference, &env, &host);
        assert_eq!(answers, 1);
        let e = result.unwrap_err();
        assert_eq!(e.code(), "secret_unreachable");
        assert!(e.to_string().contains("vault://secret/pictify#api_key"));
    }

    #[test]
    fn missing_credentials_need_no_request() {
        let reference = SecretRef::parse("aws-sm://pictify/api-key", "test").unwrap();
        let replay = FetchReplay::new();
        let step = replay.step(&reference, &env(&[]), 0, FetchOptions::default());
        let FetchStep::Done(Err(e)) = step else {
            panic!("expected an error, got {step:?}");
        };
        assert_eq!(e.code(), "secret_credentials_missing");
    }

    #[test]
    fn references_in_lists_each_well_formed_reference_once_in_priority_order() {
        let env = env(&[
            ("PICTIFY_API_KEY", "aws-sm://a"),
            ("PICTIFY_API_KEY_NEW", "vault://secret/p#k"),
            ("PICTIFY_API_KEY_OLD", "aws-sm://a"),
        ]);
        let refs: Vec<String> = references_in(&env).iter().map(|r| r.to_string()).collect();
        assert_eq!(refs, ["vault://secret/p#k", "aws-sm://a"]);
        let bad = env_one("PICTIFY_API_KEY", "vault://secret");
        assert!(references_in(&bad).is_empty());
        let key = env_one("PICTIFY_API_KEY", CURRENT);
        assert!(references_in(&key).is_empty());
    }

    fn env_one(k: &str, v: &str) -> HashMap<String, String> {
        env(&[(k, v)])
    }

    #[test]
    fn prefetched_results_feed_check_keys_with_and_unknown_references_are_unsupported() {
        let reference = SecretRef::parse("aws-sm://a", "test").unwrap();
        let resolver = PrefetchedResolver::new();
        let key = crate::ApiKey::parse(CURRENT).unwrap();
        resolver.insert(
            reference.clone(),
            Ok(vec![SourcedKey::new(key, "aws-sm://a")]),
        );
        let env = env(&[
            ("PICTIFY_API_KEY", "aws-sm://a"),
            ("PICTIFY_API_KEY_OLD", "aws-sm://b"),
        ]);
        let report =
            crate::check_keys_with(&env, "env", None, crate::Policy::strict(), Some(&resolver));
        assert_eq!(report.keys.len(), 1);
        assert_eq!(report.keys[0].origin, "aws-sm://a");
        assert_eq!(report.unresolved.len(), 1);
        assert_eq!(report.unresolved[0].code(), "secret_unsupported");
        assert!(report.unresolved[0].to_string().contains("aws-sm://b"));
    }
}
