//! The send path, in one place: a [`RequestParts`] built by generated code (or a
//! [`RawRequest`](super::RawRequest)) goes through [`Client::execute`]: URL and headers
//! ([`url`], [`headers`]), attempts that send and read the body within the size limit
//! ([`attempt`]), the retry loop around them (here, with the policy of
//! [`retry`](super::retry)), then the success is handed to its decoder.
//!
//! The generated `send()` / `send_with_response()` methods are plain functions that build the
//! [`RequestParts`] and return the future of [`send`], so each operation compiles to a few lines
//! and the asynchronous code exists once, here.

mod attempt;
mod headers;
mod url;

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use backon::Retryable;
use tracing::Instrument;
use tracing::field::Empty;

use self::attempt::{AttemptError, Call};
use super::client::Client;
use super::error::{DriftError, Error};
use super::request::RequestParts;
use super::response::{RawResponse, Response};
use super::retry;

/// Sends the request and decodes the success with `decode` (`decode_json`, `decode_empty` or
/// `decode_bytes`); with [strict decoding](crate::ClientBuilder::strict_decoding), a decode that
/// recorded drift is [`Error::Drift`]. The future owns `client` (a clone: an `Arc`), so it is
/// `'static` and can be spawned.
#[doc(hidden)]
pub async fn send<T>(
    client: Client,
    parts: Result<RequestParts, Error>,
    decode: impl FnOnce(RawResponse) -> Result<Response<T>, Error>,
) -> Result<Response<T>, Error> {
    let response = decode(client.execute(parts?).await?)?;
    client.strict(response)
}

/// The body of the response that `response` resolves to.
#[doc(hidden)]
pub async fn body<T>(
    response: impl Future<Output = Result<Response<T>, Error>>,
) -> Result<T, Error> {
    response.await.map(Response::into_body)
}

impl Client {
    /// `response`, or with strict decoding and drift recorded, [`Error::Drift`] with its records.
    fn strict<T>(&self, response: Response<T>) -> Result<Response<T>, Error> {
        let strict = self.inner.ready.as_ref().is_ok_and(|r| r.strict_decoding);
        if !strict || response.drift().is_empty() {
            return Ok(response);
        }
        let status = response.status();
        let request_id = response.request_id().map(str::to_owned);
        Err(DriftError::new(status, request_id, response.into_drift()).into())
    }

    /// Sends a request assembled by generated code: builds the URL, adds the
    /// authentication, `Intercom-Version`, `Accept` and `User-Agent`
    /// headers, retries per the retry policy and turns non-2xx responses into
    /// [`Error::Api`].
    #[doc(hidden)]
    pub async fn execute(&self, parts: RequestParts) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "intercom.request",
            method = %parts.method,
            path = &*parts.path_template,
            api_version = parts.api_version.as_deref().unwrap_or("(default)"),
            attempts = Empty,
            status = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let result = self
            .execute_inner(&parts, &attempts)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts.load(Ordering::Relaxed));
        span.record("duration_ms", millis(started.elapsed()));
        let status = match &result {
            Ok(raw) => Some(raw.status()),
            Err(error) => error.status(),
        };
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        if let Err(error) = &result {
            span.in_scope(|| tracing::debug!(error = %error, "Intercom request failed"));
        }
        result
    }

    /// The retry loop: attempts until one succeeds, fails for good or the attempts are used up,
    /// waiting what the server asks (bounded) or the backoff in between.
    async fn execute_inner(
        &self,
        parts: &RequestParts,
        attempts: &AtomicU32,
    ) -> Result<RawResponse, Error> {
        let ready = match &self.inner.ready {
            Ok(ready) => ready,
            Err(reason) => {
                return Err(Error::invalid_request(format!(
                    "the client could not be set up: {reason}"
                )));
            }
        };
        let call = &Call::new(ready, parts)?;
        let max_attempts = parts
            .options()
            .max_attempts
            .unwrap_or(ready.retry.max_attempts)
            .max(1);
        let max_wait = ready.retry.max_retry_wait;
        let initial_backoff = ready.retry.initial_backoff;
        // The call's waits so far (pacing and retries), bounded in total by `max_wait`.
        let waited = &Mutex::new(Duration::ZERO);
        let total_waited = || *waited.lock().unwrap_or_else(PoisonError::into_inner);
        let add_wait = |wait: Duration| {
            let mut total = waited.lock().unwrap_or_else(PoisonError::into_inner);
            *total = total.saturating_add(wait);
        };
        let result = (move || async move {
            let (permit, paced) = ready
                .pacer
                .admit(max_wait.saturating_sub(total_waited()))
                .await
                .map_err(|e| AttemptError {
                    error: e.into(),
                    retryable: false,
                    server_wait: None,
                })?;
            add_wait(paced);
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let result = call.attempt(attempt).await;
            let seen = match &result {
                Ok(raw) => Some((raw.status(), raw.headers())),
                Err(e) => e.error.as_api().map(|api| (api.status(), api.headers())),
            };
            if let Some((status, headers)) = seen {
                permit.finish(status, headers, max_wait);
            }
            result
        })
        .retry(ready.retry.backoff(max_attempts))
        .sleep(backon::TokioSleeper)
        .when(|e: &AttemptError| e.retryable)
        .adjust(move |e: &AttemptError, backoff: Option<Duration>| {
            // `None` means the attempts are used up: give up either way. A wait the server asks
            // for comes out of what is left of the call's `max_wait` (pacing and earlier retries
            // included); with nothing left, the call gives up with the server's answer.
            let left = max_wait.saturating_sub(total_waited());
            backoff.and_then(|backoff| match e.server_wait {
                None => Some(backoff),
                Some(_) if left.is_zero() => None,
                Some(wait) => {
                    Some(retry::server_wait_with_floor(wait, left, initial_backoff).min(left))
                }
            })
        })
        .notify(|e: &AttemptError, wait: Duration| {
            add_wait(wait);
            tracing::warn!(
                error = %e.error,
                wait_ms = millis(wait),
                "retrying Intercom request"
            );
        })
        .await;
        result.map_err(|e| e.error.with_attempts(attempts.load(Ordering::Relaxed)))
    }
}

/// Whole milliseconds, for tracing.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
