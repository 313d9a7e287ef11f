//! Issue 12 (point 1): response bodies are bounded, success and error alike,
//! by `Content-Length` before reading and while streaming; error bodies kept
//! in `ApiError` are capped. Raw TCP servers on 127.0.0.1 misbehave where
//! wiremock cannot.

use std::time::{Duration, Instant};

use intercom_api::__private::RequestParts;
use intercom_api::__private::reqwest::Method;
use intercom_api::{CallOptions, Client, DEFAULT_MAX_RESPONSE_BYTES, Error, MAX_ERROR_BODY_BYTES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_bmV0d29yay1saW1pdHM";

/// Reads a request head (bounded: at most 64 KiB).
async fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while head.len() < 64 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

/// A server on 127.0.0.1 that answers every connection with `respond`; the
/// base URL.
async fn raw_server<F, Fut>(respond: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            read_head(&mut stream).await;
            tokio::spawn(respond(stream));
        }
    });
    format!("http://{addr}")
}

fn client(base: &str, limit: Option<u64>) -> Client {
    let mut builder = Client::builder(TOKEN)
        .base_url(base)
        .timeout(Duration::from_secs(10))
        .max_attempts(1);
    if let Some(limit) = limit {
        builder = builder.max_response_bytes(limit);
    }
    builder.build().expect("valid client")
}

fn parts() -> RequestParts {
    let mut parts = RequestParts::new(Method::GET, "2.11", "/things");
    parts.push_path("/things");
    parts
}

fn assert_too_large(error: &Error, limit: u64) {
    let Error::ResponseTooLarge(e) = error else {
        panic!("expected ResponseTooLarge, got {error:?}");
    };
    assert_eq!(e.limit(), limit);
    assert!(error.to_string().contains(&limit.to_string()), "{error}");
}

/// A 200 announcing 4 GiB fails before the body is read, at once, not at the
/// timeout.
#[tokio::test]
async fn a_huge_content_length_fails_before_reading() {
    let base = raw_server(|mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4294967296\r\n\r\n{";
        let _ = stream.write_all(head.as_bytes()).await;
        // Then nothing: the client must not wait for the rest.
        tokio::time::sleep(Duration::from_secs(20)).await;
    })
    .await;
    let started = Instant::now();
    let error = client(&base, None)
        .execute(parts())
        .await
        .expect_err("too large");
    assert_too_large(&error, DEFAULT_MAX_RESPONSE_BYTES);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// A chunked body that never ends fails once it passes the limit.
#[tokio::test]
async fn an_endless_chunked_body_fails_at_the_limit() {
    let base = raw_server(|mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, " ".repeat(16 * 1024));
        // Bounded: 64 MiB at most, far past the 1 MiB limit.
        for _ in 0..4096 {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let limit = 1024 * 1024;
    let started = Instant::now();
    let error = client(&base, Some(limit))
        .execute(parts())
        .await
        .expect_err("too large");
    assert_too_large(&error, limit);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// The limit applies to error bodies too.
#[tokio::test]
async fn an_error_body_over_the_limit_fails() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(10_000)))
        .mount(&server)
        .await;
    let error = client(&server.uri(), Some(1_000))
        .execute(parts())
        .await
        .expect_err("too large");
    assert_too_large(&error, 1_000);
}

/// `CallOptions::max_response_bytes` overrides the client's limit for one call.
#[tokio::test]
async fn the_limit_can_be_set_per_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"padding":"{}"}}"#, "x".repeat(500))),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri(), None);
    client
        .execute(parts())
        .await
        .expect("under the default limit");
    let mut small = parts();
    small.set_options(&CallOptions::new().max_response_bytes(100));
    let error = client
        .execute(small)
        .await
        .expect_err("over the call's limit");
    assert_too_large(&error, 100);
}

/// An error body that is not an `error.list` is kept, cut to a few KiB.
#[tokio::test]
async fn error_bodies_kept_in_api_error_are_capped() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string("é".repeat(50_000)))
        .mount(&server)
        .await;
    let error = client(&server.uri(), None)
        .execute(parts())
        .await
        .expect_err("502");
    let text = error
        .as_api()
        .and_then(|e| e.body_text())
        .expect("the body text");
    assert!(text.len() <= MAX_ERROR_BODY_BYTES, "{}", text.len());
    assert!(text.len() >= MAX_ERROR_BODY_BYTES - 4, "{}", text.len());
    assert!(text.chars().all(|c| c == 'é'));
}
