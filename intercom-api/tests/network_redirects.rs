//! Issue 12 (point 4): redirects are never followed. The token never goes to
//! another origin, a request with a body never turns into another method,
//! and an undeclared redirect is an error naming the location.

use std::time::Duration;

use intercom_api::__private::RequestParts;
use intercom_api::__private::reqwest::{self, Method};
use intercom_api::{Client, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_cmVkaXJlY3Rz";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .initial_backoff(Duration::from_millis(1))
        .build()
        .expect("valid client")
}

fn parts(method: Method, at: &'static str) -> RequestParts {
    let mut parts = RequestParts::new(method, "2.11", "/things");
    parts.push_path(at);
    parts
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

fn expect_redirect(error: &Error, status: u16) -> String {
    let Error::Redirect(redirect) = error else {
        panic!("expected a redirect error, got {error:?}");
    };
    assert_eq!(redirect.status().as_u16(), status);
    error.to_string()
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&other)
        .await;
    let location = format!("{}/stolen?signature=abc", other.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let error = client(&server)
        .execute(parts(Method::GET, "/things"))
        .await
        .expect_err("redirect");
    let shown = expect_redirect(&error, 302);
    assert!(
        shown.contains(&format!("{}/stolen", other.uri())),
        "{shown}"
    );
    assert!(!shown.contains("signature"), "{shown}");
    let Error::Redirect(redirect) = &error else {
        unreachable!()
    };
    assert_eq!(redirect.location(), Some(location.as_str()));
    assert_eq!(
        requests(&other).await,
        0,
        "the token went to another origin"
    );
    assert_eq!(requests(&server).await, 1, "a redirect is not retried");
}

#[tokio::test]
async fn a_post_is_never_turned_into_a_get() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/elsewhere"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let mut post = parts(Method::POST, "/things");
    post.set_json_body(&serde_json::json!({"name": "x"}))
        .expect("a body");
    let error = client(&server).execute(post).await.expect_err("redirect");
    let shown = expect_redirect(&error, 303);
    assert!(shown.contains("/elsewhere"), "{shown}");
    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method.as_str(), "POST");
}

#[tokio::test]
async fn a_same_origin_redirect_is_an_error_too() {
    let server = MockServer::start().await;
    for status in [301u16, 307, 308] {
        server.reset().await;
        Mock::given(path("/things"))
            .respond_with(ResponseTemplate::new(status).insert_header("location", "/moved"))
            .mount(&server)
            .await;
        let error = client(&server)
            .execute(parts(Method::GET, "/things"))
            .await
            .expect_err("redirect");
        let shown = expect_redirect(&error, status);
        assert!(shown.contains("/moved"), "{shown}");
        assert_eq!(requests(&server).await, 1);
    }
}

/// A caller's own reqwest client follows redirects by default: the response
/// it reaches that way is still an error.
#[tokio::test]
async fn a_redirect_followed_by_a_custom_client_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/moved"))
        .mount(&server)
        .await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .build()
        .expect("valid client");
    let error = client
        .execute(parts(Method::GET, "/things"))
        .await
        .expect_err("redirect");
    let shown = expect_redirect(&error, 200);
    assert!(shown.contains("/moved"), "{shown}");
}

/// A redirect the operation declares (the generator emits
/// `set_redirect_declared` and returns `Redirect` for an operation whose spec
/// has a 3xx and no 2xx response; see the `declared_redirect` codegen
/// fixture) gives the caller its `Location`; it is not followed.
#[tokio::test]
async fn a_declared_redirect_gives_the_caller_its_location() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    let location = format!("{}/recording.mp3?signature=abc", other.uri());
    Mock::given(path("/calls/c1/recording"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let mut parts = RequestParts::new(Method::GET, "2.14", "/calls/{call_id}/recording");
    parts.push_path("/calls/c1/recording");
    parts.set_redirect_declared();
    let redirect = intercom_api::__private::body(intercom_api::__private::send(
        client(&server),
        Ok(parts),
        intercom_api::__private::decode_redirect,
    ))
    .await
    .expect("the redirect is the result");
    assert_eq!(redirect.status.as_u16(), 302);
    assert_eq!(redirect.location.as_deref(), Some(location.as_str()));
    assert_eq!(requests(&other).await, 0, "the redirect was followed");
}
