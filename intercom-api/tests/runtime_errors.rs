//! Runtime: API error decoding, decode errors, transport errors and token
//! redaction in errors. Uses hand-built `RequestParts` only.

use std::time::Duration;

use intercom_api::__private::reqwest::header::HeaderMap;
use intercom_api::__private::reqwest::{Method, StatusCode};
use intercom_api::__private::{RawResponse, RequestParts, decode_json};
use intercom_api::{Client, Error, RateLimit};
use serde::Deserialize;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_c2VjcmV0LXRva2VuLXZhbHVl";

fn client_for(uri: &str) -> Client {
    Client::builder(TOKEN)
        .base_url(uri)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .build()
        .expect("valid client")
}

fn get(literal: &'static str) -> RequestParts {
    let mut parts = RequestParts::new(Method::GET, "2.11", literal);
    parts.push_path(literal);
    parts
}

async fn error_for(template: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    client_for(&server.uri())
        .execute(get("/contacts/c1"))
        .await
        .expect_err("non-2xx")
}

fn assert_no_token(error: &Error) {
    let shown = format!("{error} | {error:?} | {error:#?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains("SECRET"),
        "{shown}"
    );
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        let shown = format!("{inner} | {inner:?}");
        assert!(
            !shown.contains(TOKEN) && !shown.contains("SECRET"),
            "{shown}"
        );
        source = inner.source();
    }
}

#[tokio::test]
async fn error_list_body_is_decoded() {
    let body = serde_json::json!({
        "type": "error.list",
        "request_id": "req-0001",
        "errors": [
            {"code": "not_found", "message": "User Not Found"},
            {"code": "parameter_invalid", "message": "bad email", "field": "email"}
        ]
    });
    let error = error_for(
        ResponseTemplate::new(404)
            .set_body_json(body)
            .insert_header("x-ratelimit-remaining", "41"),
    )
    .await;
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(error.is_not_found());
    assert!(!error.is_rate_limited());
    assert!(!error.is_timeout());
    assert_eq!(error.codes(), vec!["not_found", "parameter_invalid"]);
    assert_eq!(error.request_id(), Some("req-0001"));
    let items = error.api_errors();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].message.as_deref(), Some("User Not Found"));
    assert_eq!(items[0].field, None);
    assert_eq!(items[1].field.as_deref(), Some("email"));
    assert_eq!(error.rate_limit().and_then(|r| r.remaining), Some(41));
    let api = error.as_api().expect("api error");
    assert_eq!(api.body_text(), None);
    let shown = error.to_string();
    assert!(shown.contains("404"), "{shown}");
    assert!(
        shown.contains("not_found") && shown.contains("User Not Found"),
        "{shown}"
    );
    assert!(shown.contains("req-0001"), "{shown}");
    assert_no_token(&error);
}

#[tokio::test]
async fn unauthorized_error_never_shows_the_token() {
    let body = serde_json::json!({
        "type": "error.list",
        "request_id": null,
        "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}]
    });
    let error = error_for(
        ResponseTemplate::new(401)
            .set_body_json(body)
            .insert_header("x-request-id", "hdr-req-9"),
    )
    .await;
    assert_eq!(error.codes(), vec!["unauthorized"]);
    // Falls back to the header when the body has no request id.
    assert_eq!(error.request_id(), Some("hdr-req-9"));
    assert_no_token(&error);
}

#[tokio::test]
async fn non_json_error_body_is_kept_raw() {
    let html = "<html><body>502 Bad Gateway from some proxy</body></html>";
    let error = error_for(
        ResponseTemplate::new(400)
            .set_body_raw(html, "text/html")
            .insert_header("x-request-id", "proxy-1"),
    )
    .await;
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert!(error.codes().is_empty());
    assert!(error.api_errors().is_empty());
    assert_eq!(error.request_id(), Some("proxy-1"));
    assert_eq!(error.as_api().and_then(|e| e.body_text()), Some(html));
    // The body is customer data: never in `Display` or `Debug`, only through `body_text()`.
    let shown = format!("{error} | {error:?} | {error:#?}");
    assert!(!shown.contains("Bad Gateway"), "{shown}");
    assert!(
        error
            .to_string()
            .contains("a 57-byte body that is not an Intercom error list"),
        "{error}"
    );
    assert!(error.to_string().contains("proxy-1"), "{error}");

    // JSON, but not an error.list: kept raw as well.
    let error =
        error_for(ResponseTemplate::new(422).set_body_string(r#"{"message":"nope"}"#)).await;
    assert_eq!(
        error.as_api().and_then(|e| e.body_text()),
        Some(r#"{"message":"nope"}"#)
    );
}

#[tokio::test]
async fn long_raw_error_body_is_shortened_in_display() {
    let long = "x".repeat(5000);
    let error = error_for(ResponseTemplate::new(418).set_body_string(long.clone())).await;
    assert_eq!(
        error.as_api().and_then(|e| e.body_text()),
        Some(long.as_str())
    );
    assert!(error.to_string().len() < 400, "{}", error.to_string().len());
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Outer {
    a: Inner,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Inner {
    b: u32,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Page {
    data: Vec<Outer>,
}

fn raw(body: &str) -> RawResponse {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", "dec-1".parse().expect("header"));
    RawResponse::new(StatusCode::OK, headers, body.to_owned().into())
}

#[test]
fn decode_error_names_the_field_path() {
    let error = decode_json::<Outer>(raw(r#"{"a":{"b":"x"}}"#)).expect_err("b is a string");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "a.b");
    assert!(
        decode.message().contains("invalid type"),
        "{}",
        decode.message()
    );
    assert_eq!(decode.body_snippet(), r#"{"a":{"b":"x"}}"#);
    assert_eq!(decode.status(), StatusCode::OK);
    assert_eq!(error.request_id(), Some("dec-1"));
    assert_eq!(error.status(), None);
    let shown = error.to_string();
    assert!(shown.contains("a.b"), "{shown}");
    assert!(shown.contains("invalid type"), "{shown}");
    assert!(
        shown.contains("HTTP 200 OK") && shown.contains("dec-1"),
        "{shown}"
    );
    // The body is customer data: neither `Display` nor `Debug` quotes it.
    let shown = format!("{error} | {error:?} | {error:#?}");
    assert!(!shown.contains(r#"{"a":"#), "{shown}");
    // The serde_json error is the source.
    let source = std::error::Error::source(decode).expect("a source");
    assert!(source.is::<serde_json::Error>(), "{source:?}");
}

#[test]
fn decode_error_path_through_arrays_and_bounded_snippet() {
    let mut items: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"a":{{"b":{i}}}}}"#))
        .collect();
    items[150] = r#"{"a":{"b":-1}}"#.to_owned();
    let body = format!(r#"{{"data":[{}]}}"#, items.join(","));
    let error = decode_json::<Page>(raw(&body)).expect_err("negative u32");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "data[150].a.b");
    let snippet = decode.body_snippet();
    assert!(snippet.chars().count() <= 202, "{snippet}");
    assert!(
        snippet.contains("-1"),
        "snippet should surround the error: {snippet}"
    );
}

#[test]
fn trailing_garbage_and_invalid_json_are_decode_errors() {
    let error = decode_json::<Inner>(raw(r#"{"b":1} trailing"#)).expect_err("trailing");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let error = decode_json::<Inner>(raw("<html>")).expect_err("not json");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    // An empty body is JSON null, which is not a struct.
    assert!(decode_json::<Inner>(raw("")).is_err());
}

#[tokio::test]
async fn connect_failure_is_a_transport_error() {
    // Bind then drop a listener to get a port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let error = client_for(&format!("http://{addr}"))
        .execute(get("/me"))
        .await
        .expect_err("nothing listens");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(error.status(), None);
    assert!(
        std::error::Error::source(&error).is_some(),
        "keeps the reqwest source"
    );
    assert_no_token(&error);
}

#[tokio::test]
async fn slow_response_is_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{}")
                .set_delay(Duration::from_millis(800)),
        )
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .max_attempts(1)
        .build()
        .expect("valid client");
    let started = std::time::Instant::now();
    let error = client.execute(get("/me")).await.expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, Error::Transport(ref t) if t.is_timeout()));
    assert!(started.elapsed() < Duration::from_millis(700));
    assert_no_token(&error);
}

#[test]
fn rate_limit_parsing_from_headers() {
    let mut headers = HeaderMap::new();
    headers.insert("X-RateLimit-Limit", "83".parse().expect("header"));
    headers.insert("X-RateLimit-Remaining", " 0 ".parse().expect("header"));
    headers.insert("X-RateLimit-Reset", "1700000000".parse().expect("header"));
    let rate = RateLimit::from_headers(&headers);
    assert_eq!(rate.limit, Some(83));
    assert_eq!(rate.remaining, Some(0));
    assert_eq!(rate.reset, Some(1_700_000_000));
    assert_eq!(
        rate.reset_at(),
        Some(std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    );
}
