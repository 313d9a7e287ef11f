//! Pagination and retries through the generated client (`.stream()`,
//! `.pages()`) against an in-process mock server (`wiremock` on 127.0.0.1).
//!
//! The retry policy itself (statuses, methods, `Retry-After`,
//! `X-RateLimit-Reset`, attempts, timeouts) is covered by
//! `tests/runtime_retry.rs` with hand-built requests; these tests check that
//! listings survive faults with nothing lost and nothing repeated. Waits are
//! a few milliseconds.
#![cfg(feature = "v2_11")]

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use intercom_api::prelude::*;
use intercom_api::v2_11::models;
use intercom_api::{CallOptions, Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok_faults";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .max_retry_wait(Duration::from_secs(1))
        .build()
        .expect("valid client")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

fn contact(n: usize) -> Value {
    json!({"type": "contact", "id": format!("contact-{n}"), "email": format!("c{n}@example.com")})
}

/// A contact list page with contacts `ids` and `pages` as given.
fn contact_page(ids: std::ops::Range<usize>, pages: Value) -> Value {
    let data: Vec<Value> = ids.map(contact).collect();
    json!({"type": "list", "data": data, "total_count": 1_000, "pages": pages})
}

/// The `pages` member pointing at `cursor`.
fn next(cursor: &str) -> Value {
    json!({"type": "pages", "per_page": 3, "next": {"per_page": 3, "starting_after": cursor}})
}

fn ids(contacts: &[models::Contact]) -> Vec<String> {
    contacts
        .iter()
        .map(|c| c.id.clone().unwrap_or_default())
        .collect()
}

fn expected_ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("contact-{n}")).collect()
}

/// Mounts `GET /contacts`: the body for each `starting_after` value (`""`
/// for none); an unknown cursor is a 404.
async fn mount_contacts(server: &MockServer, pages: Vec<(&'static str, Value)>) {
    let pages: HashMap<&'static str, Value> = pages.into_iter().collect();
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(move |request: &Request| {
            let cursor = query(request, "starting_after").unwrap_or_default();
            match pages.get(cursor.as_str()) {
                Some(body) => ResponseTemplate::new(200).set_body_json(body),
                None => ResponseTemplate::new(404).set_body_json(json!({
                    "type": "error.list",
                    "errors": [{"code": "not_found", "message": format!("no page {cursor}")}]
                })),
            }
        })
        .mount(server)
        .await;
}

/// Three pages of three contacts, chained by cursors `c1` and `c2`.
async fn three_contact_pages(server: &MockServer) {
    mount_contacts(
        server,
        vec![
            ("", contact_page(0..3, next("c1"))),
            ("c1", contact_page(3..6, next("c2"))),
            (
                "c2",
                contact_page(6..9, json!({"type": "pages", "per_page": 3})),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn list_contacts_stream_walks_three_pages() {
    let server = MockServer::start().await;
    three_contact_pages(&server).await;
    let client = client(&server);
    let contacts: Vec<models::Contact> = client
        .v2_11()
        .contacts()
        .list_contacts()
        .per_page(3)
        .stream()
        .try_collect()
        .await
        .expect("every contact");
    assert_eq!(ids(&contacts), expected_ids(0..9));

    let requests = received(&server).await;
    let cursors: Vec<Option<String>> = requests
        .iter()
        .map(|r| query(r, "starting_after"))
        .collect();
    assert_eq!(cursors, vec![None, Some("c1".into()), Some("c2".into())]);
    // The call's other parameters are kept on every page.
    assert!(
        requests
            .iter()
            .all(|r| query(r, "per_page").as_deref() == Some("3"))
    );

    // `.pages()` yields the whole pages, each with its response.
    let pages: Vec<intercom_api::Response<models::ContactList>> = client
        .v2_11()
        .contacts()
        .list_contacts()
        .pages()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[1].body().data.as_ref().map(Vec::len), Some(3));
    assert!(pages.iter().all(|page| page.status().is_success()));
}

#[tokio::test]
async fn nothing_is_sent_before_the_stream_is_polled() {
    let server = MockServer::start().await;
    three_contact_pages(&server).await;
    let client = client(&server);
    let contacts = client.v2_11().contacts();
    let mut stream = contacts.list_contacts().stream();
    let pages = contacts.list_contacts().pages();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(received(&server).await.is_empty());
    drop(pages);

    let first = stream.try_next().await.expect("ok").expect("a contact");
    assert_eq!(first.id.as_deref(), Some("contact-0"));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream() {
    let server = MockServer::start().await;
    mount_contacts(
        &server,
        vec![
            ("", contact_page(0..3, next("c1"))),
            ("c1", contact_page(3..6, next("c2"))),
            // A server bug: the cursor points back at an earlier page.
            ("c2", contact_page(6..9, next("c1"))),
        ],
    )
    .await;
    let client = client(&server);
    let contacts: Vec<models::Contact> = tokio::time::timeout(
        Duration::from_secs(2),
        client
            .v2_11()
            .contacts()
            .list_contacts()
            .stream()
            .try_collect(),
    )
    .await
    .expect("the stream ends")
    .expect("every contact");
    assert_eq!(ids(&contacts), expected_ids(0..9));
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn an_empty_or_missing_cursor_ends_the_stream() {
    let ends = [
        json!({"type": "pages", "next": {"starting_after": ""}}),
        json!({"type": "pages", "next": {"per_page": 3}}),
        json!({"type": "pages", "next": null}),
        json!({"type": "pages", "page": 2, "total_pages": 2}),
        Value::Null,
    ];
    for end in ends {
        let server = MockServer::start().await;
        mount_contacts(
            &server,
            vec![
                ("", contact_page(0..3, next("c1"))),
                ("c1", contact_page(3..5, end.clone())),
            ],
        )
        .await;
        let client = client(&server);
        let contacts: Vec<models::Contact> = client
            .v2_11()
            .contacts()
            .list_contacts()
            .stream()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{end}: {e}"));
        assert_eq!(ids(&contacts), expected_ids(0..5), "{end}");
        assert_eq!(received(&server).await.len(), 2, "{end}");
    }
}

#[tokio::test]
async fn max_items_caps_without_an_extra_request() {
    for (cap, requests) in [(5, 2), (3, 1), (0, 0), (100, 3)] {
        let server = MockServer::start().await;
        three_contact_pages(&server).await;
        let client = client(&server);
        let contacts: Vec<models::Contact> = client
            .v2_11()
            .contacts()
            .list_contacts()
            .stream()
            .max_items(cap)
            .try_collect()
            .await
            .expect("contacts");
        assert_eq!(ids(&contacts), expected_ids(0..cap.min(9)), "cap {cap}");
        assert_eq!(received(&server).await.len(), requests, "cap {cap}");
    }
}

#[tokio::test]
async fn search_sends_the_cursor_in_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts/search"))
        .respond_with(|request: &Request| {
            let body = body_json(request);
            let body = match body["pagination"]["starting_after"].as_str() {
                None => contact_page(0..2, next("s1")),
                Some("s1") => contact_page(2..4, next("s2")),
                Some("s2") => contact_page(4..5, json!({"type": "pages"})),
                Some(_) => return ResponseTemplate::new(400),
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    let search: models::SearchRequest = serde_json::from_value(json!({
        "query": {"field": "role", "operator": "=", "value": "user"},
        "pagination": {"per_page": 2}
    }))
    .expect("a search request");
    let client = client(&server);
    let contacts: Vec<models::Contact> = client
        .v2_11()
        .contacts()
        .search_contacts(search)
        .stream()
        .try_collect()
        .await
        .expect("every contact");
    assert_eq!(ids(&contacts), expected_ids(0..5));

    let bodies: Vec<Value> = received(&server).await.iter().map(body_json).collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["pagination"], json!({"per_page": 2}));
    assert_eq!(
        bodies[1]["pagination"],
        json!({"per_page": 2, "starting_after": "s1"})
    );
    assert_eq!(bodies[2]["pagination"]["starting_after"], json!("s2"));
    // The query is sent unchanged on every page.
    assert!(bodies.iter().all(|b| b["query"] == bodies[0]["query"]));
}

#[tokio::test]
async fn page_numbers_stop_at_total_pages() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/companies/list"))
        .respond_with(|request: &Request| {
            let page: i64 = query(request, "page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            let data: Vec<Value> = (0..2)
                .map(|i| json!({"type": "company", "id": format!("co-{page}-{i}")}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "type": "list",
                "data": data,
                "total_count": 6,
                "pages": {"type": "pages", "page": page, "per_page": 2, "total_pages": 3}
            }))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let companies: Vec<models::Company> = client
        .v2_11()
        .companies()
        .list_all_companies()
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .expect("every company");
    let got: Vec<String> = companies
        .iter()
        .map(|c| c.id.clone().unwrap_or_default())
        .collect();
    let want: Vec<String> = (1..=3)
        .flat_map(|p| (0..2).map(move |i| format!("co-{p}-{i}")))
        .collect();
    assert_eq!(got, want);
    let pages: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|r| query(r, "page"))
        .collect();
    assert_eq!(pages, vec![None, Some("2".into()), Some("3".into())]);
}

/// A small deterministic generator (xorshift64*), so the fault pattern is
/// the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Per cursor: how many 429s to answer before the page, and what was served.
#[derive(Default)]
struct FaultLog {
    failures_left: HashMap<String, u64>,
    rate_limited: u64,
    served: HashMap<String, u64>,
}

#[tokio::test]
async fn a_thousand_items_survive_injected_429s_exactly_once_in_order() {
    const PAGES: usize = 10;
    const PER_PAGE: usize = 100;
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let mut log = FaultLog::default();
    let mut injected = 0;
    for page in 0..PAGES {
        // 0, 1 or 2 rate-limited answers before the page (3 attempts allowed).
        let failures = rng.next() % 3;
        injected += failures;
        log.failures_left.insert(page_cursor(page), failures);
    }
    assert!(injected > 0, "the seed injects some faults");
    let log = std::sync::Arc::new(Mutex::new(log));

    let server = MockServer::start().await;
    let state = std::sync::Arc::clone(&log);
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(move |request: &Request| {
            let cursor = query(request, "starting_after").unwrap_or_default();
            let Some(page) = (0..PAGES).find(|p| page_cursor(*p) == cursor) else {
                return ResponseTemplate::new(404);
            };
            let Ok(mut log) = state.lock() else {
                return ResponseTemplate::new(500);
            };
            if let Some(left) = log.failures_left.get_mut(&cursor).filter(|n| **n > 0) {
                *left -= 1;
                log.rate_limited += 1;
                // Alternate between an explicit zero wait and the backoff.
                let mut response = ResponseTemplate::new(429)
                    .insert_header("x-ratelimit-limit", "1000")
                    .insert_header("x-ratelimit-remaining", "0");
                if log.rate_limited % 2 == 0 {
                    response = response.insert_header("retry-after", "0");
                }
                return response.set_body_json(json!({
                    "type": "error.list",
                    "errors": [{"code": "rate_limit_exceeded", "message": "slow down"}]
                }));
            }
            *log.served.entry(cursor).or_default() += 1;
            let start = page * PER_PAGE;
            let pages = if page + 1 < PAGES {
                json!({"type": "pages", "next": {"starting_after": page_cursor(page + 1)}})
            } else {
                json!({"type": "pages"})
            };
            ResponseTemplate::new(200).set_body_json(contact_page(start..start + PER_PAGE, pages))
        })
        .mount(&server)
        .await;

    let client = client(&server);
    let contacts: Vec<models::Contact> = client
        .v2_11()
        .contacts()
        .list_contacts()
        .per_page(PER_PAGE as i64)
        .stream()
        .try_collect()
        .await
        .expect("every contact despite the 429s");
    assert_eq!(contacts.len(), PAGES * PER_PAGE);
    assert_eq!(ids(&contacts), expected_ids(0..PAGES * PER_PAGE));

    assert_eq!(
        received(&server).await.len(),
        PAGES + usize::try_from(injected).unwrap_or(0)
    );
    let log = log.lock().expect("log");
    assert_eq!(log.rate_limited, injected);
    assert!(log.failures_left.values().all(|n| *n == 0));
    // Every page was served exactly once: nothing fetched twice.
    assert_eq!(log.served.len(), PAGES);
    assert!(log.served.values().all(|n| *n == 1), "{:?}", log.served);
}

fn page_cursor(page: usize) -> String {
    if page == 0 {
        String::new()
    } else {
        format!("cursor-{page}")
    }
}

#[tokio::test]
async fn a_failing_page_is_yielded_after_the_items_before_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(|request: &Request| match query(request, "starting_after") {
            None => ResponseTemplate::new(200).set_body_json(contact_page(0..3, next("c1"))),
            // Rate limited on every attempt.
            Some(_) => ResponseTemplate::new(429).insert_header("retry-after", "0"),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client.v2_11().contacts().list_contacts().stream();
    let mut contacts = Vec::new();
    let mut errors: Vec<Error> = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(contact) => contacts.push(contact),
            Err(error) => errors.push(error),
        }
    }
    assert_eq!(ids(&contacts), expected_ids(0..3));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].is_rate_limited(), "{}", errors[0]);
    // One request for page 1, three attempts (the default) for page 2.
    assert_eq!(received(&server).await.len(), 4);

    // Per-call options apply to every page of the stream.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(|request: &Request| match query(request, "starting_after") {
            None => ResponseTemplate::new(200).set_body_json(contact_page(0..3, next("c1"))),
            Some(_) => ResponseTemplate::new(429).insert_header("retry-after", "0"),
        })
        .mount(&server)
        .await;
    let result: Result<Vec<models::Contact>, Error> = client
        .v2_11()
        .contacts()
        .list_contacts()
        .options(CallOptions::new().max_attempts(5))
        .stream()
        .try_collect()
        .await;
    assert!(result.is_err_and(|e| e.is_rate_limited()));
    assert_eq!(received(&server).await.len(), 1 + 5);
}

/// Mounts `GET /companies/scroll`: three pages of two companies, then an
/// empty page, after which the scroll parameter has expired (404). With
/// `same_param` every response carries the same scroll parameter.
async fn mount_scroll(server: &MockServer, same_param: bool) {
    let served = AtomicUsize::new(0);
    let param = move |n: usize| {
        if same_param {
            "scroll-abc".to_owned()
        } else {
            format!("scroll-{n}")
        }
    };
    Mock::given(method("GET"))
        .and(path("/companies/scroll"))
        .respond_with(move |request: &Request| {
            let n = served.fetch_add(1, Ordering::SeqCst);
            let expected = (n > 0).then(|| param(n));
            if n > 3 || query(request, "scroll_param") != expected {
                return ResponseTemplate::new(404).set_body_json(json!({
                    "type": "error.list",
                    "errors": [{"code": "not_found", "message": "scroll expired"}]
                }));
            }
            let data: Vec<Value> = if n < 3 {
                (0..2)
                    .map(|i| json!({"type": "company", "id": format!("co-{n}-{i}")}))
                    .collect()
            } else {
                Vec::new()
            };
            ResponseTemplate::new(200).set_body_json(json!({
                "type": "list",
                "data": data,
                "scroll_param": param(n + 1)
            }))
        })
        .mount(server)
        .await;
}

/// The companies scroll through the generated `.stream()`: the scroll
/// parameter may stay the same from page to page, and the end of the scroll
/// is an empty page, after which nothing more may be sent.
#[tokio::test]
async fn the_companies_scroll_ends_on_an_empty_page() {
    for same_param in [false, true] {
        let server = MockServer::start().await;
        mount_scroll(&server, same_param).await;
        let client = client(&server);
        let companies: Vec<models::Company> = client
            .v2_11()
            .companies()
            .scroll_over_all_companies()
            .stream()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("same param {same_param}: {e}"));
        assert_eq!(companies.len(), 6, "same param {same_param}");
        assert_eq!(received(&server).await.len(), 4, "same param {same_param}");
    }
}

/// The same scroll, wired by hand the way the generator should emit it for
/// a scroll operation: `scroll_pages` (a repeated parameter is fine) and a
/// `next_key` that ends on a page without items.
#[tokio::test]
async fn scroll_pages_end_on_an_empty_page() {
    use intercom_api::v2_11::operations::companies::ScrollOverAllCompanies;
    for same_param in [false, true] {
        let server = MockServer::start().await;
        mount_scroll(&server, same_param).await;
        let client = client(&server);
        let first = client.v2_11().companies().scroll_over_all_companies();
        let pages = intercom_api::__private::pagination::scroll_pages(
            first,
            ScrollOverAllCompanies::send,
            |page: &models::CompanyScroll| {
                if page.data.as_ref().is_none_or(Vec::is_empty) {
                    None
                } else {
                    page.scroll_param.clone()
                }
            },
            |call: ScrollOverAllCompanies, key: String| call.scroll_param(key),
        );
        let companies: Vec<models::Company> =
            intercom_api::__private::pagination::items(pages, |page: models::CompanyScroll| {
                page.data.unwrap_or_default()
            })
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("same param {same_param}: {e}"));
        assert_eq!(companies.len(), 6, "same param {same_param}");
        assert_eq!(received(&server).await.len(), 4, "same param {same_param}");
    }
}

#[tokio::test]
async fn the_data_export_download_asks_for_octet_stream_and_returns_raw_bytes() {
    let server = MockServer::start().await;
    let gzipped_csv: &[u8] = &[0x1f, 0x8b, 0x08, 0x00, b'a', b',', b'b'];
    Mock::given(method("GET"))
        .and(path("/download/content/data/job%2F1"))
        .and(wiremock::matchers::header(
            "accept",
            "application/octet-stream",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(gzipped_csv, "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = client(&server)
        .v2_11()
        .data_export()
        .download_data_export("job/1")
        .send()
        .await
        .expect("download succeeds");
    assert_eq!(body.as_ref(), gzipped_csv);
}
