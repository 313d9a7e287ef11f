//! One call's settings ([`Call`], shared by its attempts) and one attempt: send, refuse a
//! redirect that is not the operation's result, read the body within the size limit, classify
//! a failure as retryable or not.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{HeaderMap, LOCATION};
use tracing::Instrument;
use tracing::field::Empty;

use super::headers::request_headers;
use super::millis;
use super::url::build_url;
use crate::runtime::client::Ready;
use crate::runtime::error::{
    ApiError, Error, RedirectError, ResponseTooLargeError, TransportError,
};
use crate::runtime::request::{FormField, RequestParts};
use crate::runtime::response::RawResponse;
use crate::runtime::retry;

/// Outcome of one failed attempt, with what the retry loop needs to know.
pub(super) struct AttemptError {
    pub(super) error: Error,
    pub(super) retryable: bool,
    /// Wait requested by the server (`Retry-After`, `X-RateLimit-Reset`).
    pub(super) server_wait: Option<Duration>,
}

/// Per-call settings shared by all attempts.
pub(super) struct Call<'a> {
    ready: &'a Ready,
    parts: &'a RequestParts,
    url: Url,
    /// Every request header: the client's, then the caller's extra ones.
    headers: HeaderMap,
    timeout: Option<Duration>,
    /// Idempotent method, or the caller opted in to retrying this one.
    unsafe_retry_allowed: bool,
    /// Largest response body read.
    max_response_bytes: u64,
}

impl<'a> Call<'a> {
    /// The settings of a call of `parts`: URL, headers, timeout, body limit and whether a
    /// failure that may follow processing can be retried.
    pub(super) fn new(ready: &'a Ready, parts: &'a RequestParts) -> Result<Self, Error> {
        if let Some(reason) = parts.invalid() {
            return Err(Error::invalid_request(reason.to_owned()));
        }
        let options = parts.options();
        let url = build_url(ready, parts)?;
        if url.scheme() == "https"
            && ready.builtin_http
            && !cfg!(any(feature = "rustls-tls", feature = "native-tls"))
        {
            return Err(Error::invalid_request(
                "https needs a TLS backend: enable the `rustls-tls` (default) or `native-tls` \
                 feature of intercom-api, or pass a client with `ClientBuilder::http_client`",
            ));
        }
        Ok(Call {
            ready,
            parts,
            url,
            headers: request_headers(ready, parts)?,
            timeout: options.timeout.or(ready.timeout),
            max_response_bytes: options
                .max_response_bytes
                .unwrap_or(ready.max_response_bytes),
            unsafe_retry_allowed: !parts.stateful
                && (retry::is_idempotent(&parts.method)
                    || parts.read_only
                    || options
                        .retry_non_idempotent
                        .unwrap_or(ready.retry.retry_non_idempotent)),
        })
    }

    /// One attempt: send, read the whole body, classify the outcome.
    pub(super) async fn attempt(&self, attempt: u32) -> Result<RawResponse, AttemptError> {
        let span = tracing::debug_span!(
            "intercom.attempt",
            attempt,
            status = Empty,
            duration_ms = Empty
        );
        let started = Instant::now();
        let result = self.send(&span).instrument(span.clone()).await;
        span.record("duration_ms", millis(started.elapsed()));
        result
    }

    async fn send(&self, span: &tracing::Span) -> Result<RawResponse, AttemptError> {
        let ready = self.ready;
        let mut request = ready
            .http
            .request(self.parts.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(body) = self.parts.body() {
            request = request.body(body.clone());
        } else if let Some(fields) = &self.parts.form {
            // Sets `Content-Type: multipart/form-data; boundary=...` and the length.
            request = request.multipart(multipart_form(fields));
        }
        let mut response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        span.record("status", status.as_u16());
        if status.is_redirection() && self.parts.redirect_declared && response.url() == &self.url {
            let headers = std::mem::take(response.headers_mut());
            return Ok(RawResponse::new(status, headers, Bytes::new()));
        }
        if status.is_redirection() || response.url() != &self.url {
            // Not followed (our client's policy), or followed by a caller's own client.
            let location = if status.is_redirection() {
                response
                    .headers()
                    .get(LOCATION)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            } else {
                Some(response.url().to_string())
            };
            return Err(AttemptError {
                error: RedirectError::new(status, location).into(),
                retryable: false,
                server_wait: None,
            });
        }
        let headers = std::mem::take(response.headers_mut());
        let body = self.read_body(response, status).await?;
        if status.is_success() {
            return Ok(RawResponse::new(status, headers, body));
        }
        let retryable = retry::should_retry_status(status, self.unsafe_retry_allowed);
        let server_wait = if retryable {
            retry::server_wait_hint(status, &headers, SystemTime::now())
        } else {
            None
        };
        Err(AttemptError {
            error: ApiError::from_response(status, headers, &body).into(),
            retryable,
            server_wait,
        })
    }

    /// Reads the whole body, at most `max_response_bytes`: a larger `Content-Length` fails
    /// before anything is read, a body that grows past the limit fails as soon as it does.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        status: reqwest::StatusCode,
    ) -> Result<Bytes, AttemptError> {
        let limit = self.max_response_bytes;
        let too_large = |content_length| AttemptError {
            error: ResponseTooLargeError::new(limit, status, content_length).into(),
            retryable: false,
            server_wait: None,
        };
        let content_length = response.content_length();
        if content_length.is_some_and(|length| length > limit) {
            return Err(too_large(content_length));
        }
        let capacity = content_length.unwrap_or(0).min(limit).min(1 << 20);
        let mut body = bytes::BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(e))? {
            let total = u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX);
            if total > limit {
                return Err(too_large(content_length));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn transport(&self, error: reqwest::Error) -> AttemptError {
        let error = TransportError::new(error);
        AttemptError {
            retryable: self.unsafe_retry_allowed && error.is_retryable(),
            error: error.into(),
            server_wait: None,
        }
    }
}

/// The form of one attempt (a `reqwest` form is a stream, used up by the attempt that sends it).
fn multipart_form(fields: &[FormField]) -> reqwest::multipart::Form {
    fields
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, f| {
            let part = reqwest::multipart::Part::text(f.value.clone());
            let part = if f.json {
                part.mime_str("application/json")
                    .unwrap_or_else(|_| reqwest::multipart::Part::text(f.value.clone()))
            } else {
                part
            };
            form.part(f.name.clone(), part)
        })
}
