//! Runtime: retry policy, backoff, Retry-After / X-RateLimit-Reset handling,
//! timeouts and dropped connections. Uses hand-built `RequestParts` only.
//! Waits are kept tiny; no test sleeps more than about a second.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use intercom_api::__private::reqwest::{Method, StatusCode};
use intercom_api::__private::{RequestParts, decode_json};
use intercom_api::{CallOptions, Client, ClientBuilder, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_cmV0cnktdG9rZW4";

fn builder(uri: &str) -> ClientBuilder {
    Client::builder(TOKEN)
        .base_url(uri)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().expect("valid client")
}

fn parts(method: Method) -> RequestParts {
    let mut parts = RequestParts::new(method, "2.11", "/things");
    parts.push_path("/things");
    parts
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// Mounts `first` for the first `times` requests, then 200 `{"ok":true}`.
async fn fail_then_succeed(server: &MockServer, first: ResponseTemplate, times: u64) {
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ok":true}"#))
        .with_priority(2)
        .mount(server)
        .await;
}

/// Answers 500 forever, with the attempt number in the request id.
struct NumberedFailures(AtomicUsize);

impl Respond for NumberedFailures {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "type": "error.list",
            "request_id": format!("req-{n}"),
            "errors": [{"code": "server_error", "message": format!("attempt {n}")}]
        }))
    }
}

async fn always_500(server: &MockServer) {
    Mock::given(any())
        .respond_with(NumberedFailures(AtomicUsize::new(0)))
        .mount(server)
        .await;
}

#[tokio::test]
async fn get_429_then_200_is_retried() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(429), 1).await;
    let raw = client(&server)
        .execute(parts(Method::GET))
        .await
        .expect("retried");
    assert_eq!(raw.status(), StatusCode::OK);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn get_503_twice_then_200_is_retried() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(503), 2).await;
    let raw = client(&server)
        .execute(parts(Method::GET))
        .await
        .expect("retried");
    let body = decode_json::<serde_json::Value>(raw)
        .expect("json")
        .into_body();
    assert_eq!(body, serde_json::json!({"ok": true}));
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn each_retryable_5xx_is_retried_for_put_and_delete() {
    for (status, method) in [
        (500, Method::PUT),
        (502, Method::DELETE),
        (504, Method::GET),
    ] {
        let server = MockServer::start().await;
        fail_then_succeed(&server, ResponseTemplate::new(status), 1).await;
        client(&server)
            .execute(parts(method.clone()))
            .await
            .unwrap_or_else(|e| panic!("{status} {method}: {e}"));
        assert_eq!(request_count(&server).await, 2, "{status} {method}");
    }
}

#[tokio::test]
async fn persistent_500_gives_up_after_max_attempts_with_the_last_error() {
    let server = MockServer::start().await;
    always_500(&server).await;
    let error = client(&server)
        .execute(parts(Method::GET))
        .await
        .expect_err("gives up");
    assert_eq!(
        request_count(&server).await,
        3,
        "default is 3 attempts in total"
    );
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(
        error.request_id(),
        Some("req-3"),
        "the last error is returned"
    );
    assert_eq!(error.codes(), vec!["server_error"]);
}

#[tokio::test]
async fn max_attempts_per_client_and_per_call() {
    let server = MockServer::start().await;
    always_500(&server).await;
    let client = builder(&server.uri())
        .max_attempts(5)
        .build()
        .expect("client");
    let error = client
        .execute(parts(Method::GET))
        .await
        .expect_err("gives up");
    assert_eq!(request_count(&server).await, 5);
    assert_eq!(error.request_id(), Some("req-5"));

    server.reset().await;
    always_500(&server).await;
    let mut call = parts(Method::GET);
    call.set_options(&CallOptions::new().max_attempts(2));
    client.execute(call).await.expect_err("gives up");
    assert_eq!(request_count(&server).await, 2);

    server.reset().await;
    always_500(&server).await;
    let mut call = parts(Method::GET);
    call.set_options(&CallOptions::new().max_attempts(1));
    client.execute(call).await.expect_err("no retry");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn non_retryable_statuses_are_not_retried() {
    for status in [400u16, 401, 404, 409, 422, 501] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let error = client(&server)
            .execute(parts(Method::GET))
            .await
            .expect_err("error status");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(request_count(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn post_is_not_retried_on_500_by_default() {
    let server = MockServer::start().await;
    always_500(&server).await;
    let error = client(&server)
        .execute(parts(Method::POST))
        .await
        .expect_err("500");
    assert_eq!(request_count(&server).await, 1);
    assert_eq!(error.request_id(), Some("req-1"));

    // PATCH is not idempotent either.
    server.reset().await;
    always_500(&server).await;
    client(&server)
        .execute(parts(Method::PATCH))
        .await
        .expect_err("500");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn post_is_retried_on_500_when_opted_in_per_client() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(500), 2).await;
    let client = builder(&server.uri())
        .retry_non_idempotent(true)
        .build()
        .expect("client");
    client.execute(parts(Method::POST)).await.expect("retried");
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn post_is_retried_on_500_when_opted_in_per_call() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(502), 1).await;
    let mut call = parts(Method::POST);
    call.set_options(&CallOptions::new().retry_non_idempotent(true));
    client(&server).execute(call).await.expect("retried");
    assert_eq!(request_count(&server).await, 2);

    // And a per-call `false` beats a client-wide `true`.
    server.reset().await;
    always_500(&server).await;
    let client = builder(&server.uri())
        .retry_non_idempotent(true)
        .build()
        .expect("client");
    let mut call = parts(Method::POST);
    call.set_options(&CallOptions::new().retry_non_idempotent(false));
    client.execute(call).await.expect_err("not retried");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn post_is_retried_on_429() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .with_priority(2)
        .mount(&server)
        .await;
    let mut call = parts(Method::POST);
    call.set_json_body(&serde_json::json!({"name": "x"}))
        .expect("json");
    client(&server).execute(call).await.expect("retried");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 3);
    // The body is re-sent on every attempt.
    assert!(requests.iter().all(|r| r.body == br#"{"name":"x"}"#));
}

#[tokio::test]
async fn persistent_429_returns_rate_limited_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "0"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .execute(parts(Method::GET))
        .await
        .expect_err("gives up");
    assert!(error.is_rate_limited());
    assert_eq!(request_count(&server).await, 3);
    let rate = error.rate_limit().expect("api error");
    assert_eq!((rate.limit, rate.remaining), (Some(100), Some(0)));
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server)
        .execute(parts(Method::GET))
        .await
        .expect("retried");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(990), "{elapsed:?}");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retry_after_on_503_is_honoured() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "0.3"),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server)
        .execute(parts(Method::GET))
        .await
        .expect("retried");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_is_capped_by_max_retry_wait() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
        1,
    )
    .await;
    let client = builder(&server.uri())
        .max_retry_wait(Duration::from_millis(150))
        .build()
        .expect("client");
    let started = Instant::now();
    client.execute(parts(Method::GET)).await.expect("retried");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(140), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

fn epoch_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
}

#[tokio::test]
async fn ratelimit_reset_is_honoured_on_429() {
    // A reset second between 0.5 s and 1.5 s from now.
    let now = epoch_now();
    let reset = (now + Duration::from_millis(500)).as_secs() + 1;
    let expected_wait = Duration::from_secs(reset) - now;
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        ResponseTemplate::new(429).insert_header("x-ratelimit-reset", reset.to_string().as_str()),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server)
        .execute(parts(Method::GET))
        .await
        .expect("retried");
    let elapsed = started.elapsed();
    assert!(
        elapsed + Duration::from_millis(100) >= expected_wait,
        "waited {elapsed:?}, reset was {expected_wait:?} away"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn ratelimit_reset_is_capped_by_max_retry_wait() {
    let reset = epoch_now().as_secs() + 3600;
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        ResponseTemplate::new(429).insert_header("x-ratelimit-reset", reset.to_string().as_str()),
        1,
    )
    .await;
    let client = builder(&server.uri())
        .max_retry_wait(Duration::from_millis(120))
        .build()
        .expect("client");
    let started = Instant::now();
    client.execute(parts(Method::GET)).await.expect("retried");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(110), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn timeouts_are_retried_for_get() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{}")
                .set_delay(Duration::from_millis(500)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    client
        .execute(parts(Method::GET))
        .await
        .expect("second attempt is fast");
    assert_eq!(request_count(&server).await, 2);
}

/// A raw HTTP/1.1 server on 127.0.0.1: connection `i` gets `responses[i]`
/// (the last one repeats), then the connection is closed.
async fn raw_server(responses: Vec<&'static [u8]>) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let response = responses[n.min(responses.len() - 1)];
            tokio::spawn(async move {
                // Read the request head.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = socket.write_all(response).await;
                let _ = socket.flush().await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (addr, connections)
}

const TRUNCATED: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"ok\":";
const COMPLETE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}";

#[tokio::test]
async fn connection_dropped_mid_body_is_a_transport_error_and_retried_for_get() {
    let (addr, connections) = raw_server(vec![TRUNCATED, COMPLETE]).await;
    let client = builder(&format!("http://{addr}")).build().expect("client");
    let raw = client.execute(parts(Method::GET)).await.expect("retried");
    assert_eq!(&raw.body()[..], b"{\"ok\":true}");
    assert_eq!(connections.load(Ordering::SeqCst), 2);

    // With a single attempt the dropped connection surfaces as a transport error.
    let (addr, connections) = raw_server(vec![TRUNCATED]).await;
    let client = builder(&format!("http://{addr}"))
        .max_attempts(1)
        .build()
        .expect("client");
    let error = client
        .execute(parts(Method::GET))
        .await
        .expect_err("truncated");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!error.is_timeout());
    assert!(
        error.to_string().contains("reading the response body"),
        "{error}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connection_dropped_mid_body_is_not_retried_for_post_by_default() {
    let (addr, connections) = raw_server(vec![TRUNCATED, COMPLETE]).await;
    let client = builder(&format!("http://{addr}")).build().expect("client");
    let error = client
        .execute(parts(Method::POST))
        .await
        .expect_err("truncated");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    let mut call = parts(Method::POST);
    call.set_options(&CallOptions::new().retry_non_idempotent(true));
    let (addr, connections) = raw_server(vec![TRUNCATED, COMPLETE]).await;
    let client = builder(&format!("http://{addr}")).build().expect("client");
    client.execute(call).await.expect("opted in: retried");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}
