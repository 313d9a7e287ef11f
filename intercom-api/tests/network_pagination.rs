//! Issue 12 (points 9, 10, 11): pagination against servers that ignore the
//! cursor or page number, and a search whose body carries the cursor.
#![cfg(feature = "v2_11")]

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use intercom_api::prelude::*;
use intercom_api::v2_11::models;
use intercom_api::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok_network_pagination";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .build()
        .expect("valid client")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

fn contact_page(ids: std::ops::Range<usize>, next: Option<&str>) -> Value {
    let data: Vec<Value> = ids
        .map(|n| json!({"type": "contact", "id": format!("contact-{n}")}))
        .collect();
    let pages = match next {
        Some(cursor) => json!({"type": "pages", "next": {"starting_after": cursor}}),
        None => json!({"type": "pages"}),
    };
    json!({"type": "list", "data": data, "total_count": 4, "pages": pages})
}

/// Point 11: a search's body (a required argument) is sent with every page, and
/// page 2 carries the cursor inside it.
#[tokio::test]
async fn a_search_body_keeps_the_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .respond_with(|request: &Request| {
            let body = body_json(request);
            let page = match body["pagination"]["starting_after"].as_str() {
                None => contact_page(0..2, Some("s1")),
                Some("s1") => contact_page(2..4, None),
                Some(_) => return ResponseTemplate::new(400),
            };
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let contacts: Vec<models::Contact> = client
        .v2_11()
        .contacts()
        .search_contacts(models::SearchRequest::new(
            models::SingleFilterSearchRequest::new()
                .with_field("role")
                .with_operator(models::SingleFilterSearchRequestOperator::Equals)
                .with_value("user"),
        ))
        .stream()
        .max_items(10)
        .try_collect()
        .await
        .expect("every contact");
    let ids: Vec<String> = contacts.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(ids, ["contact-0", "contact-1", "contact-2", "contact-3"]);
    let bodies: Vec<Value> = received(&server).await.iter().map(body_json).collect();
    assert_eq!(bodies.len(), 2);
    let query = json!({"field": "role", "operator": "=", "value": "user"});
    assert_eq!(bodies[0], json!({"query": query}));
    assert_eq!(
        bodies[1],
        json!({"query": query, "pagination": {"starting_after": "s1"}})
    );
}

fn page_of(request: &Request) -> i64 {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
}

fn company_page(ids: &[String], page: i64, total_pages: i64) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({"type": "company", "id": id}))
        .collect();
    json!({
        "type": "list",
        "data": data,
        "total_count": 2,
        "pages": {"type": "pages", "page": page, "per_page": 2, "total_pages": total_pages}
    })
}

/// Collects a company stream, bounded: a stream that does not end within
/// 10 s fails the test instead of hanging.
async fn collect_companies(client: &Client) -> (Vec<String>, Option<Error>) {
    let mut stream = client
        .v2_11()
        .companies()
        .list_all_companies()
        .per_page(2)
        .stream();
    let run = async {
        let mut ids = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(company) => ids.push(company.id.unwrap_or_default()),
                Err(error) => return (ids, Some(error)),
            }
        }
        (ids, None)
    };
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the stream ends")
}

/// Point 10: a server that echoes `page`, claims a million pages and sends
/// empty `data`: the empty page ends the stream.
#[tokio::test]
async fn an_empty_page_ends_a_page_number_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/companies/list"))
        .respond_with(|request: &Request| {
            let page = page_of(request);
            let ids: Vec<String> = if page == 1 {
                vec!["co-1".into(), "co-2".into()]
            } else {
                Vec::new()
            };
            ResponseTemplate::new(200).set_body_json(company_page(&ids, page, 1_000_000))
        })
        .mount(&server)
        .await;
    let (ids, error) = collect_companies(&client(&server)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids, ["co-1", "co-2"]);
    assert_eq!(received(&server).await.len(), 2);
}

/// Point 10: a server that always answers `page: 1` (with new items each
/// time): the page number does not advance, the stream ends with an error.
#[tokio::test]
async fn a_page_number_that_does_not_advance_is_an_error() {
    let server = MockServer::start().await;
    let calls = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path("/companies/list"))
        .respond_with(move |_: &Request| {
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let ids = vec![format!("co-{n}-a"), format!("co-{n}-b")];
            ResponseTemplate::new(200).set_body_json(company_page(&ids, 1, 3))
        })
        .mount(&server)
        .await;
    let (ids, error) = collect_companies(&client(&server)).await;
    assert_eq!(ids, ["co-0-a", "co-0-b"]);
    let error = error.expect("an error ends the stream");
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(error.to_string().contains("does not advance"), "{error}");
    assert_eq!(received(&server).await.len(), 2);
}

/// Point 9: a server that ignores the page number and sends the same items:
/// the repeated page is not yielded, the stream ends with an error.
#[tokio::test]
async fn a_repeated_page_of_page_numbers_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/companies/list"))
        .respond_with(|request: &Request| {
            let ids = vec!["co-1".to_owned(), "co-2".to_owned()];
            ResponseTemplate::new(200).set_body_json(company_page(&ids, page_of(request), 3))
        })
        .mount(&server)
        .await;
    let (ids, error) = collect_companies(&client(&server)).await;
    assert_eq!(ids, ["co-1", "co-2"]);
    let error = error.expect("an error ends the stream");
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(error.to_string().contains("same page"), "{error}");
}

/// Point 9: a server that ignores the cursor (and hands out a new one each
/// time): the second page, identical to the first, is not yielded.
#[tokio::test]
async fn a_server_that_ignores_the_cursor_does_not_repeat_items() {
    let server = MockServer::start().await;
    let calls = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(move |_: &Request| {
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let cursor = format!("cursor-{n}");
            ResponseTemplate::new(200).set_body_json(contact_page(0..2, Some(&cursor)))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut pages = client.v2_11().contacts().list_contacts().pages();
    let run = async {
        let mut yielded = 0;
        let mut last_error = None;
        while let Some(page) = pages.next().await {
            match page {
                Ok(_) => yielded += 1,
                Err(error) => last_error = Some(error),
            }
        }
        (yielded, last_error)
    };
    let (yielded, error) = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the stream ends");
    assert_eq!(yielded, 1);
    let error = error.expect("an error ends the stream");
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert_eq!(received(&server).await.len(), 2);
}

fn scroll_page(n: usize) -> Value {
    let data: Vec<Value> = (0..2)
        .map(|i| json!({"type": "company", "id": format!("co-{n}-{i}")}))
        .collect();
    json!({"type": "list", "data": data, "scroll_param": format!("scroll-{n}")})
}

/// Point 8: a scroll page that fails with a 503 (the server may have advanced
/// the scroll) is not retried; the stream ends with an error that says the
/// scroll must restart.
#[tokio::test]
async fn a_failed_scroll_page_is_not_retried_and_ends_the_stream() {
    let server = MockServer::start().await;
    let calls = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/companies/scroll"))
        .respond_with(move |_: &Request| {
            match calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => ResponseTemplate::new(200).set_body_json(scroll_page(1)),
                1 => ResponseTemplate::new(503),
                n => ResponseTemplate::new(200).set_body_json(scroll_page(n)),
            }
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client
        .v2_11()
        .companies()
        .scroll_over_all_companies()
        .stream();
    let run = async {
        let mut ids = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(company) => ids.push(company.id.unwrap_or_default()),
                Err(error) => return (ids, Some(error)),
            }
        }
        (ids, None)
    };
    let (ids, error) = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the stream ends");
    assert_eq!(ids, ["co-1-0", "co-1-1"]);
    let error = error.expect("an error ends the stream");
    let Error::Pagination(pagination) = &error else {
        panic!("expected a pagination error, got {error:?}");
    };
    assert!(error.to_string().contains("must restart"), "{error}");
    assert_eq!(
        pagination
            .page_error()
            .and_then(Error::status)
            .map(|s| s.as_u16()),
        Some(503)
    );
    assert_eq!(
        received(&server).await.len(),
        2,
        "the failed page was retried"
    );
}

/// Point 8: a 429 on a scroll page was not processed: it is retried.
#[tokio::test]
async fn a_rate_limited_scroll_page_is_retried() {
    let server = MockServer::start().await;
    let calls = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/companies/scroll"))
        .respond_with(move |_: &Request| {
            match calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => ResponseTemplate::new(200).set_body_json(scroll_page(1)),
                1 => ResponseTemplate::new(429),
                2 => ResponseTemplate::new(200).set_body_json(scroll_page(2)),
                _ => ResponseTemplate::new(200)
                    .set_body_json(json!({"type": "list", "data": [], "scroll_param": "x"})),
            }
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let companies: Vec<models::Company> = tokio::time::timeout(
        Duration::from_secs(10),
        client
            .v2_11()
            .companies()
            .scroll_over_all_companies()
            .stream()
            .try_collect(),
    )
    .await
    .expect("the stream ends")
    .expect("every company");
    assert_eq!(companies.len(), 4);
}
