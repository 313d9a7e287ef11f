//! Retry policy: which failures are retried, how long to wait in between.
//!
//! Retried: HTTP 429, 500, 502, 503, 504 and transport failures (connect,
//! timeout, connection dropped). Non-idempotent methods (POST, PATCH) are only
//! retried on 429 (the request was not processed) unless the caller opted in.
//! Waits come from `Retry-After` (seconds or HTTP date) or, on 429, Intercom's
//! `X-RateLimit-Reset` (epoch seconds), capped by the client's
//! `max_retry_wait`; otherwise from an exponential backoff with jitter.

use std::time::{Duration, SystemTime};

use backon::ExponentialBuilder;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use super::response::RateLimit;

/// Default total number of attempts (first try included).
pub(crate) const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default cap for server-requested waits.
pub(crate) const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(60);
/// Default first backoff delay (before jitter).
pub(crate) const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Default largest backoff delay (before jitter).
pub(crate) const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A client's retry settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryConfig {
    pub(crate) max_attempts: u32,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) max_retry_wait: Duration,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            retry_non_idempotent: false,
            max_retry_wait: DEFAULT_MAX_RETRY_WAIT,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl RetryConfig {
    /// The backoff schedule for one call allowing `max_attempts` attempts
    /// (so `max_attempts - 1` retries).
    pub(crate) fn backoff(&self, max_attempts: u32) -> ExponentialBuilder {
        let retries = usize::try_from(max_attempts.max(1) - 1).unwrap_or(usize::MAX);
        ExponentialBuilder::new()
            .with_jitter()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff.max(self.initial_backoff))
            .with_max_times(retries)
    }
}

/// The wait before a retry the server asked to delay by `server_wait`: capped by `max_wait`,
/// and never below the client's first backoff delay plus jitter (`initial_backoff` times a
/// random factor in `[1, 2)`), so `Retry-After: 0`, a date in the past or a reset time that has
/// just passed cannot make every client retry at once.
pub(crate) fn server_wait_with_floor(
    server_wait: Duration,
    max_wait: Duration,
    initial_backoff: Duration,
) -> Duration {
    let floor = initial_backoff.mul_f64(1.0 + fastrand::f64());
    server_wait.min(max_wait).max(floor)
}

/// GET, HEAD, PUT, DELETE, OPTIONS and TRACE can be repeated safely.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Whether a response with `status` should be retried. `unsafe_allowed` is
/// true for idempotent methods or when the caller opted in to retrying
/// non-idempotent ones.
pub(crate) fn should_retry_status(status: StatusCode, unsafe_allowed: bool) -> bool {
    match status.as_u16() {
        429 => true,
        500 | 502 | 503 | 504 => unsafe_allowed,
        _ => false,
    }
}

/// The wait the server asked for: `Retry-After` (delay-seconds, also accepted
/// with a fraction, or an HTTP date) on any status, else `X-RateLimit-Reset`
/// on a 429. `None` when the server gave no (usable) hint.
pub(crate) fn server_wait_hint(
    status: StatusCode,
    headers: &HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Some(wait) = value
            .parse::<f64>()
            .ok()
            .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        {
            return Some(wait);
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        let reset = RateLimit::from_headers(headers).reset_at()?;
        // A reset time in the past (clock skew) gives no hint: use the backoff.
        return reset.duration_since(now).ok().filter(|d| !d.is_zero());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(value) {
                map.insert(*name, value);
            }
        }
        map
    }

    const T0: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(T0)
    }

    #[test]
    fn retry_after_seconds_fraction_and_date() {
        let s = StatusCode::SERVICE_UNAVAILABLE;
        let h = headers(&[("retry-after", "7")]);
        assert_eq!(server_wait_hint(s, &h, now()), Some(Duration::from_secs(7)));
        let h = headers(&[("retry-after", "0.25")]);
        assert_eq!(
            server_wait_hint(s, &h, now()),
            Some(Duration::from_millis(250))
        );
        let date = httpdate::fmt_http_date(now() + Duration::from_secs(30));
        let h = headers(&[("retry-after", &date)]);
        assert_eq!(
            server_wait_hint(s, &h, now()),
            Some(Duration::from_secs(30))
        );
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(server_wait_hint(s, &h, now()), None);
    }

    #[test]
    fn ratelimit_reset_only_on_429_and_only_in_the_future() {
        let reset = (T0 + 12).to_string();
        let h = headers(&[("x-ratelimit-reset", &reset)]);
        assert_eq!(
            server_wait_hint(StatusCode::TOO_MANY_REQUESTS, &h, now()),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            server_wait_hint(StatusCode::SERVICE_UNAVAILABLE, &h, now()),
            None
        );
        let past = (T0 - 5).to_string();
        let h = headers(&[("x-ratelimit-reset", &past)]);
        assert_eq!(
            server_wait_hint(StatusCode::TOO_MANY_REQUESTS, &h, now()),
            None
        );
        // Retry-After wins over X-RateLimit-Reset.
        let h = headers(&[("x-ratelimit-reset", &reset), ("retry-after", "2")]);
        assert_eq!(
            server_wait_hint(StatusCode::TOO_MANY_REQUESTS, &h, now()),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn server_waits_have_the_jittered_first_backoff_as_floor() {
        let initial = Duration::from_millis(100);
        let max = Duration::from_secs(60);
        for _ in 0..100 {
            let wait = server_wait_with_floor(Duration::ZERO, max, initial);
            assert!(wait >= initial && wait < initial * 2, "{wait:?}");
        }
        let long = Duration::from_secs(5);
        assert_eq!(server_wait_with_floor(long, max, initial), long);
        assert_eq!(
            server_wait_with_floor(Duration::from_secs(600), max, initial),
            max
        );
    }

    #[test]
    fn status_classification() {
        assert!(should_retry_status(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(!should_retry_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            false
        ));
        assert!(should_retry_status(StatusCode::BAD_GATEWAY, true));
        assert!(!should_retry_status(StatusCode::NOT_IMPLEMENTED, true));
        assert!(!should_retry_status(StatusCode::NOT_FOUND, true));
        assert!(is_idempotent(&Method::PUT));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }

    #[test]
    fn backoff_schedule_has_one_delay_per_retry() {
        use backon::BackoffBuilder;
        let cfg = RetryConfig {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(25),
            ..RetryConfig::default()
        };
        let delays: Vec<Duration> = cfg.backoff(4).build().collect();
        assert_eq!(delays.len(), 3);
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(10)));
        assert!(delays.iter().all(|d| *d < Duration::from_millis(50)));
        assert_eq!(cfg.backoff(1).build().count(), 0);
        assert_eq!(cfg.backoff(0).build().count(), 0);
    }
}
