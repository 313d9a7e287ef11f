//! Issue 12 (points 6 and 7): server wait hints that ask for no wait get the
//! client's first backoff (with jitter) as a floor; searches are retried like
//! reads.

use std::time::{Duration, Instant, SystemTime};

use intercom_api::__private::RequestParts;
use intercom_api::__private::reqwest::Method;
use intercom_api::Client;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_bmV0d29yay1yZXRyeQ";

/// Mounts `first` for the first request, then 200 `{"ok":true}`.
async fn fail_once(server: &MockServer, first: ResponseTemplate) {
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ok":true}"#))
        .with_priority(2)
        .mount(server)
        .await;
}

fn client(server: &MockServer, initial_backoff: Duration) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .initial_backoff(initial_backoff)
        .max_backoff(Duration::from_secs(1))
        .build()
        .expect("valid client")
}

fn parts() -> RequestParts {
    let mut parts = RequestParts::new(Method::GET, "2.11", "/things");
    parts.push_path("/things");
    parts
}

async fn elapsed_after_one_retry(first: ResponseTemplate) -> Duration {
    let server = MockServer::start().await;
    fail_once(&server, first).await;
    let started = Instant::now();
    client(&server, Duration::from_millis(250))
        .execute(parts())
        .await
        .expect("retried");
    let elapsed = started.elapsed();
    let requests = server.received_requests().await.map_or(0, |r| r.len());
    assert_eq!(requests, 2);
    elapsed
}

#[tokio::test]
async fn retry_after_zero_waits_at_least_the_first_backoff() {
    let elapsed =
        elapsed_after_one_retry(ResponseTemplate::new(503).insert_header("retry-after", "0")).await;
    assert!(elapsed >= Duration::from_millis(245), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_date_in_the_past_waits_at_least_the_first_backoff() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
    let elapsed =
        elapsed_after_one_retry(ResponseTemplate::new(429).insert_header("retry-after", past))
            .await;
    assert!(elapsed >= Duration::from_millis(245), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[cfg(feature = "v2_11")]
mod searches {
    use super::*;
    use intercom_api::prelude::*;
    use intercom_api::v2_11::models;
    use wiremock::matchers::{method, path};

    fn contact_list() -> serde_json::Value {
        serde_json::json!({"type": "list", "data": [{"type": "contact", "id": "c1"}], "total_count": 1})
    }

    fn search() -> models::SearchRequest {
        serde_json::from_value(serde_json::json!({
            "query": {"field": "role", "operator": "=", "value": "user"}
        }))
        .expect("a search request")
    }

    /// A `POST .../search` only reads: retried on a 503 like a `GET`.
    #[tokio::test]
    async fn a_search_is_retried_on_5xx() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/contacts/search"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/contacts/search"))
            .respond_with(ResponseTemplate::new(200).set_body_json(contact_list()))
            .with_priority(2)
            .mount(&server)
            .await;
        let client = client(&server, Duration::from_millis(1));
        let list = client
            .v2_11()
            .contacts()
            .search_contacts(search())
            .send()
            .await
            .expect("retried after the 503");
        assert_eq!(list.data.map_or(0, |d| d.len()), 1);
        let requests = server.received_requests().await.map_or(0, |r| r.len());
        assert_eq!(requests, 2);
    }

    /// A `POST` that is not a search still is not retried on a 5xx.
    #[tokio::test]
    async fn a_create_is_not_retried_on_5xx() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let client = client(&server, Duration::from_millis(1));
        let body: models::CreateContactRequest =
            serde_json::from_value(serde_json::json!({"email": "a@example.com"}))
                .expect("a create request");
        let error = client
            .v2_11()
            .contacts()
            .create_contact()
            .body(body)
            .send()
            .await
            .expect_err("503");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        let requests = server.received_requests().await.map_or(0, |r| r.len());
        assert_eq!(requests, 1);
    }
}
