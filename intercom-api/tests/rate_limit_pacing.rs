//! Issue 22: client-wide pacing by Intercom's rate-limit headers, one behaviour per test,
//! against a mock: a spent window holds calls until its reset (and says so in a tracing event),
//! a wait past `max_retry_wait` is `Error::RateLimited` with the window, a 429 pauses the other
//! tasks of the client, pacing off sends regardless; and errors after retries say how many
//! attempts were made, with a readable `Debug`.
//!
//! Its own test binary: the tracing test sets a thread-local subscriber (see `drift_tracing.rs`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use intercom_api::{Client, Error, Method, RateLimitPacing};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "tok_rate_limit_pacing_secret";

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Answers every request with `answer(n)` (n = 0 for the first), recording when each came.
#[derive(Clone)]
struct Recorder {
    arrivals: Arc<Mutex<Vec<Instant>>>,
    answer: Arc<dyn Fn(usize) -> ResponseTemplate + Send + Sync>,
}

impl Respond for Recorder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().expect("lock");
        arrivals.push(Instant::now());
        (self.answer)(arrivals.len() - 1)
    }
}

async fn serve(
    answer: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    Mock::given(wiremock::matchers::any())
        .respond_with(Recorder {
            arrivals: Arc::clone(&arrivals),
            answer: Arc::new(answer),
        })
        .mount(&server)
        .await;
    (server, arrivals)
}

fn client(server: &MockServer, pacing: RateLimitPacing, max_wait: Duration) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .rate_limit(pacing)
        .max_retry_wait(max_wait)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .build()
        .expect("client")
}

/// 200 with a window of 5 calls, none left, resetting at `reset`.
fn spent(reset: u64) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("x-ratelimit-limit", "5")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", reset.to_string().as_str())
        .set_body_json(json!({"type": "admin", "id": "1"}))
}

async fn call(client: &Client) -> Result<Value, Error> {
    client.request(Method::GET, "/me").send_json().await
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_spent_window_holds_the_next_call_until_its_reset_and_says_so() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let reset = unix_secs() + 1;
    let (server, arrivals) = serve(move |_| spent(reset)).await;
    let client = client(&server, RateLimitPacing::on(), Duration::from_secs(10));
    call(&client).await.expect("first call");
    call(&client.clone())
        .await
        .expect("second call, after the reset");
    let arrived = arrivals.lock().expect("lock").clone();
    assert_eq!(arrived.len(), 2);
    // Not sent before the window's reset (the wall clock's second `reset`).
    let at_second = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock");
    let sent_at = at_second.saturating_sub(arrived[1].elapsed());
    assert!(
        sent_at + Duration::from_millis(20) >= Duration::from_secs(reset),
        "sent at {sent_at:?}, the window resets at {reset} s"
    );
    let output = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    let line = output
        .lines()
        .find(|l| l.contains("waiting for Intercom's rate-limit window"))
        .unwrap_or_else(|| panic!("a tracing event for the wait: {output}"));
    assert!(line.contains("INFO"), "{line}");
    assert!(line.contains("reason=\"window exhausted\""), "{line}");
    assert!(
        line.contains("limit=5") && line.contains("remaining=0"),
        "{line}"
    );
    assert!(line.contains(&format!("reset={reset}")), "{line}");
    assert!(line.contains("wait_ms="), "{line}");
    assert!(!output.contains(TOKEN), "{output}");
}

#[tokio::test]
async fn a_wait_past_max_retry_wait_is_rate_limited_with_the_window() {
    let reset = unix_secs() + 30;
    let (server, arrivals) = serve(move |_| spent(reset)).await;
    let client = client(&server, RateLimitPacing::on(), Duration::from_millis(200));
    call(&client).await.expect("first call");
    let started = Instant::now();
    let error = call(&client)
        .await
        .expect_err("the window is spent for 30 s");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "gave up at once"
    );
    let Error::RateLimited(limited) = &error else {
        panic!("expected Error::RateLimited, got {error:?}");
    };
    assert!(error.is_rate_limited());
    let window = error.rate_limit().expect("the window");
    assert_eq!(
        (window.limit, window.remaining, window.reset),
        (Some(5), Some(0), Some(reset))
    );
    assert!(limited.needed().expect("until the reset") > Duration::from_secs(25));
    assert_eq!(limited.max_wait(), Duration::from_millis(200));
    let shown = error.to_string();
    assert!(shown.starts_with("rate limited:"), "{shown}");
    assert!(shown.contains("0 of 5 left"), "{shown}");
    let debug = format!("{error:?}");
    assert!(
        debug.starts_with("RateLimited(RateLimitedError {"),
        "{debug}"
    );
    // Nothing was sent for the refused call.
    assert_eq!(arrivals.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn a_429_pauses_every_task_of_the_client() {
    let (server, arrivals) = serve(|n| {
        if n == 0 {
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"type": "error.list",
                    "errors": [{"code": "rate_limit_exceeded", "message": "Exceeded rate limit"}]}))
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"type": "admin"}))
        }
    })
    .await;
    let client = client(&server, RateLimitPacing::on(), Duration::from_secs(10));
    let first = {
        let client = client.clone();
        tokio::spawn(async move { call(&client).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // By now the first call got its 429; another task's call waits out the same pause.
    call(&client).await.expect("after the pause");
    first.await.expect("task").expect("retried after the pause");
    let arrived = arrivals.lock().expect("lock").clone();
    assert_eq!(arrived.len(), 3, "the 429, its retry, the other call");
    for later in &arrived[1..] {
        let gap = later.duration_since(arrived[0]);
        assert!(
            gap >= Duration::from_millis(950),
            "sent {gap:?} after the 429"
        );
    }
}

#[tokio::test]
async fn with_pacing_off_a_spent_window_does_not_hold_calls() {
    let reset = unix_secs() + 30;
    let (server, arrivals) = serve(move |_| spent(reset)).await;
    let client = client(&server, RateLimitPacing::off(), Duration::from_millis(200));
    call(&client).await.expect("first call");
    call(&client).await.expect("sent at once");
    assert_eq!(arrivals.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn an_error_after_retries_says_how_many_attempts_and_debugs_readably() {
    let (server, arrivals) = serve(|_| {
        ResponseTemplate::new(503)
            .insert_header("x-request-id", "req-503")
            .set_body_string("<html>secret proxy page</html>")
    })
    .await;
    let client = client(&server, RateLimitPacing::on(), Duration::from_secs(1));
    let error = call(&client).await.expect_err("503 three times");
    assert_eq!(arrivals.lock().expect("lock").len(), 3);
    assert_eq!(error.attempts(), Some(3));
    let shown = error.to_string();
    assert!(shown.ends_with("(after 3 attempts)"), "{shown}");
    let debug = format!("{error:?}");
    assert!(
        debug.starts_with("Api(ApiError { status: 503"),
        "readable Debug: {debug}"
    );
    assert!(debug.contains("request_id: Some(\"req-503\")"), "{debug}");
    assert!(debug.contains("attempts: 3"), "{debug}");
    assert!(!debug.contains("inner"), "{debug}");
    for text in [&shown, &debug, &format!("{error:#?}")] {
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
    // One attempt: no count in the message.
    let once = client
        .request(Method::GET, "/me")
        .options(intercom_api::CallOptions::new().max_attempts(1))
        .send_json()
        .await
        .expect_err("503");
    assert_eq!(once.attempts(), Some(1));
    assert!(!once.to_string().contains("attempts"), "{once}");
}

/// A server that answers every call with 429 and `Retry-After: 1`: with `max_retry_wait` 1.5 s and
/// room for 6 attempts, the call's waits together stay within 1.5 s (the first retry waits 1 s, the
/// second may wait only what is left), then it gives up with the 429, saying how many attempts it made.
#[tokio::test]
async fn retries_after_429_share_the_call_budget_of_max_retry_wait() {
    let (server, arrivals) = serve(|_| {
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_json(
                json!({"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]}),
            )
    })
    .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .rate_limit(RateLimitPacing::off())
        .max_retry_wait(Duration::from_millis(1500))
        .max_attempts(6)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = call(&client).await.expect_err("every answer is a 429");
    let elapsed = started.elapsed();
    let attempts = arrivals.lock().expect("lock").len();
    assert!(error.is_rate_limited(), "{error:?}");
    assert!(
        elapsed < Duration::from_millis(2400),
        "waited {elapsed:?} in all, over max_retry_wait (1.5 s) plus the calls"
    );
    assert!(
        (2..6).contains(&attempts),
        "{attempts} attempts: the budget should end the retries before the 6 allowed"
    );
    assert_eq!(
        error.attempts(),
        Some(u32::try_from(attempts).expect("small"))
    );
}
