//! The pure half of the ring: from an outcome and a request's progress to a [`Decision`].

use super::backoff::{self, parse_retry_after};
use super::{Decision, Outcome, RequestState, RingConfig};
use crate::error::HttpError;

/// What to do after `outcome`, from the request's progress (retries so far, keys tried,
/// whether an untried key remains) and the configuration alone: the rules of
/// tests/vectors/rotation.json. `random` spreads a backoff delay when `config.jitter` is on.
/// [`KeyRing::on_outcome`](super::KeyRing::on_outcome) records the outcome first, then asks this.
pub fn decide(
    outcome: Outcome<'_>,
    req: &RequestState,
    config: &RingConfig,
    now_ms: u64,
    random: u64,
) -> Decision {
    let retry_after = match outcome {
        Outcome::Response { status: 401, .. } if req.keys_left => return Decision::TryNextKey,
        Outcome::Response { status: 401, .. } => {
            return Decision::Fail(HttpError::Unauthorized {
                tried: req.tried.len(),
                api_code: None,
                request_id: None,
            })
        }
        Outcome::Response { status, .. } if !matches!(status, 408 | 409 | 429 | 500..=599) => {
            return Decision::Done
        }
        Outcome::Response { retry_after, .. } => retry_after,
        Outcome::Timeout | Outcome::ConnectionError => None,
    };
    if req.retries >= config.max_retries {
        let attempts = req.retries + 1;
        return Decision::Fail(match outcome {
            Outcome::Timeout => HttpError::Timeout { attempts },
            Outcome::ConnectionError => HttpError::Connection { attempts },
            Outcome::Response { status: 429, .. } => HttpError::RateLimited { attempts },
            Outcome::Response { status, .. } if status >= 500 => {
                HttpError::Server { status, attempts }
            }
            Outcome::Response { status, .. } => HttpError::Status {
                status,
                message: None,
                api_code: None,
                request_id: None,
            },
        });
    }
    let delay_ms = match retry_after.and_then(|v| parse_retry_after(v, now_ms)) {
        Some(ms) => ms.min(config.retry_after_cap_ms),
        None => backoff::delay_ms(config, req.retries + 1, random),
    };
    Decision::Retry { delay_ms }
}
