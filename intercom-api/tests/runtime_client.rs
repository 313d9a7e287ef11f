//! Runtime: request assembly, headers, regions, base URLs, path and query
//! encoding, redaction and tracing. Uses hand-built `RequestParts` only.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_api::__private::reqwest::{Method, StatusCode};
use intercom_api::__private::{RequestParts, decode_bytes, decode_empty, decode_json};
use intercom_api::{CallOptions, Client, Error, RateLimit, Region};
use serde::Deserialize;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_dG9rZW4tdGhhdC1tdXN0LW5ldmVyLWxlYWs";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
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

fn contact_parts(id: &str) -> RequestParts {
    let mut parts = RequestParts::new(Method::GET, "2.11", "/contacts/{contact_id}");
    parts.push_path("/contacts/");
    parts.push_path_param(id);
    parts
}

async fn received_paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Contact {
    id: String,
}

#[tokio::test]
async fn sends_auth_version_accept_and_user_agent_headers() {
    let server = MockServer::start().await;
    let default_ua = format!("intercom-api/{}", env!("CARGO_PKG_VERSION"));
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("intercom-version", "2.11"))
        .and(header("accept", "application/json"))
        .and(header("user-agent", default_ua.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "me"})))
        .expect(1)
        .mount(&server)
        .await;

    let raw = client(&server).execute(get("/me")).await.expect("200");
    let response = decode_json::<Contact>(raw).expect("decodes");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), &Contact { id: "me".into() });
    assert_eq!(response.into_body().id, "me");
}

#[tokio::test]
async fn custom_user_agent_and_api_version_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("user-agent", "my-app/1.0"))
        .and(header("intercom-version", "2.10"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .user_agent("my-app/1.0")
        .build()
        .expect("valid client");
    let mut parts = RequestParts::new(Method::GET, "2.10", "/me");
    parts.push_path("/me");
    let raw = client.execute(parts).await.expect("204");
    let response = decode_empty(raw).expect("empty");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn caller_supplied_http_client_is_used_with_our_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("intercom-version", "2.11"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let http = intercom_api::__private::reqwest::Client::builder()
        .build()
        .expect("reqwest client");
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .http_client(http)
        .build()
        .expect("valid client");
    client.execute(get("/me")).await.expect("200");
}

#[tokio::test]
async fn json_body_is_sent_with_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            serde_json::json!({"email": "a@b.c", "role": "user"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "c1"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut parts = RequestParts::new(Method::POST, "2.11", "/contacts");
    parts.push_path("/contacts");
    parts
        .set_json_body(&serde_json::json!({"email": "a@b.c", "role": "user"}))
        .expect("serializable");
    let raw = client(&server).execute(parts).await.expect("200");
    assert_eq!(
        decode_json::<Contact>(raw).expect("decodes").body().id,
        "c1"
    );
}

/// The parts of a `multipart/form-data` body: (name, part content type, value), in order.
fn form_parts(content_type: &str, body: &[u8]) -> Vec<(String, Option<String>, String)> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart/form-data content type: {content_type}"));
    let body = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut sections: Vec<&str> = body.split(delimiter.as_str()).collect();
    assert_eq!(sections.first(), Some(&""), "{body}");
    assert_eq!(sections.pop(), Some("--\r\n"), "{body}");
    sections
        .into_iter()
        .skip(1)
        .map(|section| {
            let section = section
                .strip_prefix("\r\n")
                .and_then(|s| s.strip_suffix("\r\n"))
                .unwrap_or_else(|| panic!("part not framed by CRLF: {section:?}"));
            let (head, value) = section
                .split_once("\r\n\r\n")
                .unwrap_or_else(|| panic!("part without headers: {section:?}"));
            let mut name = None;
            let mut media = None;
            for line in head.lines() {
                let lower = line.to_ascii_lowercase();
                if let Some(rest) = lower.strip_prefix("content-disposition: form-data; name=\"") {
                    name = rest.strip_suffix('"').map(str::to_owned);
                } else if let Some(rest) = lower.strip_prefix("content-type: ") {
                    media = Some(rest.to_owned());
                }
            }
            (
                name.unwrap_or_else(|| panic!("part without a name: {head:?}")),
                media,
                value.to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn form_body_is_sent_as_multipart_on_every_attempt() {
    let server = MockServer::start().await;
    // The first attempt fails with a retryable status: the form must be sent again, whole.
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/catalog"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "c1"})))
        .mount(&server)
        .await;
    let mut parts = RequestParts::new(Method::PUT, "2.11", "/catalog");
    parts.push_path("/catalog");
    parts
        .set_form_body(&serde_json::json!({
            "catalog": "[{\"id\": \"p1\"}]",
            "finalize": "false",
            "part_number": 2,
            "skipped": null,
            "tags": ["a", "b"],
            "meta": {"k": true},
        }))
        .expect("an object");
    let raw = client(&server)
        .execute(parts)
        .await
        .expect("200 after a retry");
    assert_eq!(
        decode_json::<Contact>(raw).expect("decodes").body().id,
        "c1"
    );

    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2, "one retry");
    let expected = vec![
        ("catalog".to_owned(), None, "[{\"id\": \"p1\"}]".to_owned()),
        ("finalize".to_owned(), None, "false".to_owned()),
        (
            "meta".to_owned(),
            Some("application/json".to_owned()),
            "{\"k\":true}".to_owned(),
        ),
        ("part_number".to_owned(), None, "2".to_owned()),
        ("tags".to_owned(), None, "a".to_owned()),
        ("tags".to_owned(), None, "b".to_owned()),
    ];
    for request in &requests {
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // Members come in the order the body serializes them (a `json!` object's order depends on
        // serde_json's `preserve_order`): compared by name, repeated names in array order.
        let mut parts = form_parts(content_type, &request.body);
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(parts, expected);
        assert_eq!(
            request.headers.get_all("content-type").iter().count(),
            1,
            "one Content-Type"
        );
    }
}

#[tokio::test]
async fn a_form_body_that_is_not_an_object_is_an_invalid_request_error() {
    let mut parts = RequestParts::new(Method::POST, "2.11", "/catalog");
    let error = parts
        .set_form_body(&serde_json::json!(["not", "an", "object"]))
        .expect_err("must fail");
    assert!(
        matches!(&error, Error::InvalidRequest(_))
            && error
                .to_string()
                .contains("multipart/form-data request body must be an object"),
        "{error:?}"
    );
}

#[tokio::test]
async fn unserializable_body_is_an_invalid_request_error() {
    let mut map = std::collections::BTreeMap::new();
    map.insert((1, 2), "tuple keys are not valid JSON object keys");
    let mut parts = RequestParts::new(Method::POST, "2.11", "/contacts");
    let error = parts.set_json_body(&map).expect_err("must fail");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
}

#[tokio::test]
async fn path_params_cannot_change_path_or_query() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = client(&server);
    let cases = [
        ("a/../b", "/contacts/a%2F..%2Fb"),
        ("x?y=1", "/contacts/x%3Fy%3D1"),
        ("%2F", "/contacts/%252F"),
        ("a#frag", "/contacts/a%23frag"),
        ("..%2F..%2Fadmins", "/contacts/..%252F..%252Fadmins"),
        ("...", "/contacts/..."),
        ("sp ace+plus&amp=;", "/contacts/sp%20ace%2Bplus%26amp%3D%3B"),
        ("ünï", "/contacts/%C3%BCn%C3%AF"),
        ("abc-DEF_1.2~3", "/contacts/abc-DEF_1.2~3"),
    ];
    for (value, expected) in cases {
        client
            .execute(contact_parts(value))
            .await
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        let requests = server.received_requests().await.unwrap_or_default();
        let last = requests.last().expect("a request");
        assert_eq!(last.url.path(), expected, "value {value:?}");
        assert_eq!(last.url.query(), None, "value {value:?}");
    }
}

#[tokio::test]
async fn dot_segments_and_empty_params_are_rejected_not_sent_elsewhere() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = client(&server);
    for value in ["..", ".", ""] {
        let error = client
            .execute(contact_parts(value))
            .await
            .expect_err("must not be sent");
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{value:?}: {error:?}"
        );
    }
    // `..` in the middle of a longer path must not climb out either.
    let mut parts = RequestParts::new(Method::DELETE, "2.11", "/contacts/{id}/tags/{tag}");
    parts.push_path("/contacts/");
    parts.push_path_param("..");
    parts.push_path("/tags/");
    parts.push_path_param("7");
    assert!(matches!(
        client.execute(parts).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(received_paths(&server).await.is_empty());
}

#[tokio::test]
async fn query_keeps_order_repeats_and_encoding() {
    let server = MockServer::start().await;
    Mock::given(path("/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let mut parts = get("/contacts");
    parts.push_query("per_page", 5.to_string());
    parts.push_query("tag", "a".to_owned());
    parts.push_query("tag", "b c&d=e#f".to_owned());
    client(&server).execute(parts).await.expect("200");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests[0].url.query(),
        Some("per_page=5&tag=a&tag=b+c%26d%3De%23f")
    );
}

#[tokio::test]
async fn base_url_with_path_prefix_and_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(path("/proxy/intercom/contacts/42"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(format!("{}/proxy/intercom/", server.uri()))
        .build()
        .expect("valid client");
    client.execute(contact_parts("42")).await.expect("200");
}

#[test]
fn region_base_urls() {
    assert_eq!(Region::Us.base_url(), "https://api.intercom.io");
    assert_eq!(Region::Eu.base_url(), "https://api.eu.intercom.io");
    assert_eq!(Region::Au.base_url(), "https://api.au.intercom.io");
    assert_eq!(Region::default(), Region::Us);
    for region in [Region::Us, Region::Eu, Region::Au] {
        let client = Client::builder(TOKEN)
            .region(region)
            .build()
            .expect("valid client");
        assert_eq!(client.base_url(), Some(region.base_url()));
    }
    assert_eq!(
        Client::new(TOKEN).base_url(),
        Some("https://api.intercom.io")
    );
    // The last of region / base_url wins.
    let client = Client::builder(TOKEN)
        .base_url("http://127.0.0.1:9")
        .region(Region::Eu)
        .build()
        .expect("valid client");
    assert_eq!(client.base_url(), Some("https://api.eu.intercom.io"));
}

#[test]
fn invalid_configuration_is_an_error_not_a_panic() {
    for url in [
        "",
        "not a url",
        "ftp://example.com",
        "http://u:p@h.example",
        "http://h.example/?q=1",
    ] {
        let result = Client::builder(TOKEN).base_url(url).build();
        assert!(matches!(result, Err(Error::InvalidRequest(_))), "{url:?}");
    }
    let result = Client::builder("bad\ntoken").build();
    let error = result.expect_err("newline in token");
    assert!(matches!(error, Error::InvalidRequest(_)));
    assert!(!format!("{error} {error:?}").contains("bad\ntoken"));
    assert!(
        Client::builder(TOKEN)
            .user_agent("a\u{0}b")
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn client_new_with_unusable_token_fails_per_request() {
    let client = Client::new("secret\r\nInjected: header");
    assert!(client.base_url().is_none());
    let error = client.execute(get("/me")).await.expect_err("unusable");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let shown = format!("{error} {error:?} {client:?}");
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn debug_output_redacts_the_token() {
    let builder = Client::builder(TOKEN).region(Region::Eu);
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains("SECRET"),
        "{shown}"
    );
    let client = builder.build().expect("valid client");
    let shown = format!("{client:?} {client:#?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains("SECRET"),
        "{shown}"
    );
    assert!(shown.contains("redacted"));
    assert!(shown.contains("api.eu.intercom.io"));
}

#[tokio::test]
async fn response_exposes_rate_limit_request_id_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"id":"c1"}"#)
                .insert_header("x-ratelimit-limit", "10000")
                .insert_header("x-ratelimit-remaining", "9999")
                .insert_header("x-ratelimit-reset", "1700000060")
                .insert_header("x-request-id", "req-abc")
                .insert_header("x-custom", "yes"),
        )
        .mount(&server)
        .await;
    let raw = client(&server)
        .execute(get("/contacts/c1"))
        .await
        .expect("200");
    let response = decode_json::<Contact>(raw).expect("decodes");
    assert_eq!(
        response.rate_limit(),
        RateLimit {
            limit: Some(10000),
            remaining: Some(9999),
            reset: Some(1_700_000_060),
        }
    );
    assert_eq!(response.request_id(), Some("req-abc"));
    assert_eq!(
        response.headers().get("x-custom").map(|v| v.as_bytes()),
        Some(&b"yes"[..])
    );
}

#[tokio::test]
async fn missing_or_garbage_rate_limit_headers_are_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{}")
                .insert_header("x-ratelimit-limit", "lots"),
        )
        .mount(&server)
        .await;
    let raw = client(&server).execute(get("/me")).await.expect("200");
    let response = decode_empty(raw).expect("empty");
    assert_eq!(response.rate_limit(), RateLimit::default());
    assert_eq!(response.request_id(), None);
}

#[tokio::test]
async fn empty_body_decodes_as_null_and_bytes_are_raw() {
    let server = MockServer::start().await;
    Mock::given(path("/empty"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/download"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0u8, 159, 146, 150]))
        .mount(&server)
        .await;
    let client = client(&server);
    let raw = client.execute(get("/empty")).await.expect("200");
    assert_eq!(
        decode_json::<Option<Contact>>(raw.clone())
            .expect("null")
            .into_body(),
        None
    );
    decode_json::<()>(raw).expect("unit from null");
    let raw = client.execute(get("/download")).await.expect("200");
    let bytes = decode_bytes(raw).expect("bytes").into_body();
    assert_eq!(&bytes[..], &[0u8, 159, 146, 150]);
}

#[tokio::test]
async fn per_call_timeout_overrides_the_client_timeout() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{}")
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let mut parts = get("/slow");
    parts.set_options(
        &CallOptions::new()
            .timeout(Duration::from_millis(100))
            .max_attempts(1),
    );
    let error = client.execute(parts).await.expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
}

/// Collects everything a `tracing` fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
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
async fn tracing_span_has_template_status_attempts_but_no_token_or_filled_path() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("down"))
        .mount(&server)
        .await;
    let client = client(&server);
    let error = client
        .execute(contact_parts("filled-id-4242"))
        .await
        .expect_err("503");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));

    let output = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    assert!(output.contains("intercom.request"), "{output}");
    assert!(
        output.contains(r#"path="/contacts/{contact_id}""#),
        "{output}"
    );
    assert!(output.contains("method=GET"), "{output}");
    assert!(output.contains("status=503"), "{output}");
    assert!(output.contains("attempts=3"), "{output}");
    assert!(output.contains("attempt=3"), "{output}");
    assert!(output.contains("duration_ms="), "{output}");
    assert!(!output.contains("filled-id-4242"), "{output}");
    assert!(
        !output.contains(TOKEN) && !output.contains("SECRET"),
        "{output}"
    );
}

#[test]
fn client_error_and_futures_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync::<Client>();
    assert_send_sync::<Error>();
    assert_send_sync::<RequestParts>();
    assert_send_sync::<intercom_api::Response<Contact>>();
    assert!(std::mem::size_of::<Error>() <= 16);
    let client = Client::new(TOKEN);
    let future = client.execute(get("/me"));
    assert_send(&future);
}
