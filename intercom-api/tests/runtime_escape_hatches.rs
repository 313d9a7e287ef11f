//! Escape hatches for what the spec lacks, against an in-process mock: undeclared query
//! parameters, extra headers and raw bodies on generated operation builders, and raw requests
//! to endpoints the spec does not describe (same auth, version header, retries and `Error`).
#![cfg(feature = "v2_11")]

use std::time::Duration;

use intercom_api::v2_11::models::SetAwayAdminRequest;
use intercom_api::{CallOptions, Client, Error, Method, OperationExt, Paginated};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_escape_hatches";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .build()
        .expect("valid client")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or("<binary>").to_owned())
        .collect()
}

fn invalid_request_message(error: &Error) -> String {
    match error {
        Error::InvalidRequest(e) => e.message().to_owned(),
        other => panic!("expected an invalid-request error, got {other:?}"),
    }
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "type": "error.list",
        "request_id": "req-404",
        "errors": [{"code": "not_found", "message": "Resource Not Found"}]
    }))
}

#[tokio::test]
async fn extra_query_params_follow_the_declared_ones_and_headers_arrive() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(header("x-trace", "abc"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("intercom-version", "2.11"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 0})))
        .expect(1)
        .mount(&server)
        .await;

    let list = client(&server)
        .v2_11()
        .contacts()
        .list_contacts()
        .query_param("include", "a&b=c")
        .per_page(5)
        .query_param("include", "second")
        .header("X-Trace", "abc")
        .header("X-Multi", "1")
        .header("x-multi", "2")
        .send()
        .await
        .expect("200");
    assert_eq!(list.total_count, Some(0));

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    // Declared parameters first, then the extra ones in call order, percent-encoded.
    assert_eq!(
        received[0].url.query(),
        Some("per_page=5&include=a%26b%3Dc&include=second")
    );
    assert_eq!(header_values(&received[0], "x-multi"), ["1", "2"]);
}

#[tokio::test]
async fn authorization_and_intercom_version_cannot_be_overridden() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client(&server);

    for name in ["Authorization", "authorization", "AUTHORIZATION"] {
        let error = client
            .v2_11()
            .admins()
            .identify_admin()
            .header(name, "Bearer someone-elses-token")
            .send()
            .await
            .expect_err("Authorization is reserved");
        let message = invalid_request_message(&error);
        assert!(message.contains(&format!("`{name}`")), "{message}");
        assert!(!message.contains("someone-elses-token"), "{message}");
    }
    let error = client
        .v2_11()
        .admins()
        .identify_admin()
        .header("Intercom-Version", "2.10")
        .send()
        .await
        .expect_err("Intercom-Version is fixed by the module");
    assert!(invalid_request_message(&error).contains("`Intercom-Version`"));
    let error = client
        .request(Method::GET, "/me")
        .header("Authorization", "Bearer x")
        .send_json()
        .await
        .expect_err("reserved on raw requests too");
    assert!(invalid_request_message(&error).contains("`Authorization`"));

    // Nothing was sent: the token never travels next to a caller's credentials.
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn invalid_header_names_and_values_are_errors_not_panics() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client
        .v2_11()
        .admins()
        .identify_admin()
        .header("bad name", "x")
        .send()
        .await
        .expect_err("invalid name");
    assert!(invalid_request_message(&error).contains("invalid header name `bad name`"));
    let error = client
        .v2_11()
        .admins()
        .identify_admin()
        .header("X-Secret", "line\nbreak s3cr3t")
        .send()
        .await
        .expect_err("invalid value");
    let message = invalid_request_message(&error);
    assert!(message.contains("`X-Secret`"), "{message}");
    assert!(!message.contains("s3cr3t"), "{message}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn an_extra_header_replaces_a_default_one_of_the_same_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    client(&server)
        .v2_11()
        .admins()
        .identify_admin()
        .header("User-Agent", "my-integration/2")
        .send()
        .await
        .expect("200");
    let received = requests(&server).await;
    assert_eq!(
        header_values(&received[0], "user-agent"),
        ["my-integration/2"]
    );
    assert_eq!(
        header_values(&received[0], "authorization"),
        [format!("Bearer {TOKEN}")]
    );
}

#[tokio::test]
async fn raw_body_is_sent_verbatim_instead_of_the_typed_one() {
    let server = MockServer::start().await;
    let raw = json!({
        "away_mode_enabled": true,
        "away_mode_reassign": false,
        "away_status_reason_id": 12345,
    });
    Mock::given(method("PUT"))
        .and(path("/admins/991/away"))
        .and(header("content-type", "application/json"))
        .and(body_json(&raw))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "991"})))
        .expect(1)
        .mount(&server)
        .await;
    let admin = client(&server)
        .v2_11()
        .admins()
        .set_away_admin(
            "991",
            SetAwayAdminRequest {
                away_mode_enabled: false,
                away_mode_reassign: true,
            },
        )
        .raw_body(raw.clone())
        .send()
        .await
        .expect("200");
    assert_eq!(admin.id.as_deref(), Some("991"));
    let received = requests(&server).await;
    let sent: Value = serde_json::from_slice(&received[0].body).expect("JSON body");
    assert_eq!(sent, raw);
}

#[tokio::test]
async fn raw_body_on_an_operation_without_a_declared_body() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/contacts/c1"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"reason": "gdpr"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1"})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .v2_11()
        .contacts()
        .delete_contact("c1")
        .raw_body(json!({"reason": "gdpr"}))
        .send()
        .await
        .expect("200");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Widget {
    id: String,
    size: u32,
}

#[tokio::test]
async fn raw_request_sends_auth_and_version_retries_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/w%201"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/widgets/w%201"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("intercom-version", "2.11"))
        .and(header("accept", "application/json"))
        .and(query_param("expand", "all"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "99")
                .set_body_json(json!({"id": "w 1", "size": 3, "extra": true})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let path = format!("/widgets/{}", intercom_api::path_segment("w 1"));

    let widget: Widget = client
        .v2_11()
        .request(Method::GET, path.as_str())
        .query_param("expand", "all")
        .send()
        .await
        .expect("retried after the 503");
    assert_eq!(
        widget,
        Widget {
            id: "w 1".into(),
            size: 3
        }
    );
    assert_eq!(requests(&server).await.len(), 2);

    let value = client
        .v2_11()
        .request(Method::GET, path.as_str())
        .query_param("expand", "all")
        .send_json()
        .await
        .expect("200");
    assert_eq!(value["extra"], json!(true));

    let response = client
        .v2_11()
        .request(Method::GET, path)
        .query_param("expand", "all")
        .send_with_response::<Value>()
        .await
        .expect("200");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.rate_limit().remaining, Some(99));
}

#[tokio::test]
async fn raw_request_errors_are_the_same_as_generated_operations() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(not_found())
        .mount(&server)
        .await;
    let client = client(&server);
    let generated = client
        .v2_11()
        .contacts()
        .show_contact("missing")
        .send()
        .await
        .expect_err("404");
    let raw = client
        .v2_11()
        .request(Method::GET, "/contacts/missing")
        .send_json()
        .await
        .expect_err("404");
    for error in [&generated, &raw] {
        assert!(matches!(error, Error::Api(_)), "{error:?}");
        assert!(error.is_not_found());
        assert_eq!(error.codes(), ["not_found"]);
        assert_eq!(error.request_id(), Some("req-404"));
    }
    assert_eq!(generated.to_string(), raw.to_string());
}

#[tokio::test]
async fn raw_post_with_json_body_follows_the_retry_policy() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/widgets"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server);
    // POST is not idempotent: a 503 is returned at once unless the call opts in.
    let error = client
        .request(Method::POST, "/widgets")
        .json(json!({"size": 1}))
        .send_json()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
    let error = client
        .request(Method::POST, "/widgets")
        .json(json!({"size": 1}))
        .options(
            CallOptions::new()
                .retry_non_idempotent(true)
                .max_attempts(3),
        )
        .send_json()
        .await
        .expect_err("503 three times");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 4);
    let received = requests(&server).await;
    assert_eq!(
        header_values(&received[0], "content-type"),
        ["application/json"]
    );
    assert_eq!(received[0].body, br#"{"size":1}"#);
}

#[tokio::test]
async fn client_request_sends_a_version_only_when_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .request(Method::GET, "/unstable/thing")
        .send::<()>()
        .await
        .expect("204 decodes into ()");
    client
        .request(Method::GET, "/unstable/thing")
        .api_version("Unstable")
        .send::<()>()
        .await
        .expect("204");
    client
        .v2_11()
        .request(Method::GET, "/unstable/thing")
        .api_version("Unstable")
        .send::<()>()
        .await
        .expect("204");
    let received = requests(&server).await;
    assert!(header_values(&received[0], "intercom-version").is_empty());
    assert_eq!(
        header_values(&received[1], "intercom-version"),
        ["Unstable"]
    );
    assert_eq!(
        header_values(&received[2], "intercom-version"),
        ["Unstable"]
    );
    for request in &received {
        assert_eq!(
            header_values(request, "authorization"),
            [format!("Bearer {TOKEN}")]
        );
    }
}

#[tokio::test]
async fn raw_paths_never_leave_the_base_url() {
    let server = MockServer::start().await;
    let client = client(&server);
    for bad in [
        "https://evil.example/steal",
        "//evil.example/steal",
        "evil.example/steal",
        "",
        "/contacts?email=x",
        "/contacts#frag",
        "/a/../admins",
        "/a/./b",
        "/with space",
    ] {
        let error = client
            .request(Method::GET, bad)
            .send_json()
            .await
            .expect_err(bad);
        let message = invalid_request_message(&error);
        assert!(!message.is_empty(), "{bad}");
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn raw_paths_are_appended_to_a_base_url_with_a_path_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/proxy/intercom/things/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1, 2])))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(format!("{}/proxy/intercom/", server.uri()))
        .build()
        .expect("valid client");
    let items: Vec<u8> = client
        .request(Method::GET, "/things/1")
        .send()
        .await
        .expect("200");
    assert_eq!(items, [1, 2]);
}

#[tokio::test]
async fn raw_json_that_cannot_be_serialized_is_an_invalid_request() {
    let server = MockServer::start().await;
    let mut map = std::collections::HashMap::new();
    map.insert((1, 2), "tuple keys are not JSON");
    let error = client(&server)
        .request(Method::POST, "/x")
        .json(&map)
        .send_json()
        .await
        .expect_err("unserializable");
    assert!(invalid_request_message(&error).contains("cannot serialize"));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn extras_are_sent_with_every_page_of_a_stream() {
    use futures_util::TryStreamExt;
    use wiremock::matchers::query_param_is_missing;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "a"}],
            "pages": {"next": {"starting_after": "c2"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("starting_after", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "b"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let contacts: Vec<_> = client(&server)
        .v2_11()
        .contacts()
        .list_contacts()
        .query_param("include", "archived")
        .header("X-Trace", "sync-1")
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    let ids: Vec<_> = contacts.iter().map(|c| c.id.as_deref()).collect();
    assert_eq!(ids, [Some("a"), Some("b")]);
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].url.query(), Some("include=archived"));
    assert_eq!(
        received[1].url.query(),
        Some("starting_after=c2&include=archived")
    );
    for request in &received {
        assert_eq!(header_values(request, "x-trace"), ["sync-1"]);
    }
}
