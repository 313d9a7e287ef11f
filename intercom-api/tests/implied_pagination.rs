//! Pagination inferred from the response shape (2.10 lists that declare no
//! `starting_after` or `page` parameter) through the generated client, against
//! an in-process mock server (`wiremock` on 127.0.0.1): the stream sends the
//! parameter the response implies as an undeclared query parameter.
#![cfg(feature = "v2_10")]

use std::collections::HashMap;

use futures_util::{StreamExt, TryStreamExt};
use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_10::models;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("tok_implied")
        .base_url(server.uri())
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

/// Mounts `GET <at>`: the body for each value of query parameter `key`
/// (`""` when absent); an unknown value is a 404.
async fn mount(
    server: &MockServer,
    at: &str,
    key: &'static str,
    pages: Vec<(&'static str, Value)>,
) {
    let pages: HashMap<&'static str, Value> = pages.into_iter().collect();
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(move |request: &Request| {
            let value = query(request, key).unwrap_or_default();
            match pages.get(value.as_str()) {
                Some(body) => ResponseTemplate::new(200).set_body_json(body),
                None => ResponseTemplate::new(404).set_body_json(json!({
                    "type": "error.list",
                    "errors": [{"code": "not_found", "message": format!("no page {key}={value}")}]
                })),
            }
        })
        .mount(server)
        .await;
}

fn objects(kind: &str, ids: std::ops::Range<usize>) -> Vec<Value> {
    ids.map(|n| json!({"type": kind, "id": format!("{kind}-{n}")}))
        .collect()
}

fn expected(kind: &str, ids: std::ops::Range<usize>) -> Vec<String> {
    ids.map(|n| format!("{kind}-{n}")).collect()
}

/// The `starting_after` and `page` query parameters of every request.
fn sent(requests: &[Request]) -> Vec<(Option<String>, Option<String>)> {
    requests
        .iter()
        .map(|r| (query(r, "starting_after"), query(r, "page")))
        .collect()
}

/// 2.10 `GET /contacts` declares no parameter; its pages carry both a cursor
/// and page numbers, as the live API's do: the cursor is followed.
#[tokio::test]
async fn list_contacts_2_10_follows_the_cursor_over_three_pages() {
    let server = MockServer::start().await;
    let page = |n: i64, ids, next: Option<&str>| {
        let mut pages = json!({"type": "pages", "page": n, "per_page": 3, "total_pages": 3});
        if let Some(cursor) = next {
            pages["next"] = json!({"page": n + 1, "starting_after": cursor});
        }
        json!({"type": "list", "data": objects("contact", ids), "total_count": 9, "pages": pages})
    };
    mount(
        &server,
        "/contacts",
        "starting_after",
        vec![
            ("", page(1, 0..3, Some("c1"))),
            ("c1", page(2, 3..6, Some("c2"))),
            ("c2", page(3, 6..9, None)),
        ],
    )
    .await;
    let client = client(&server);
    let contacts: Vec<models::Contact> = client
        .v2_10()
        .contacts()
        .list_contacts()
        .stream()
        .try_collect()
        .await
        .expect("every contact");
    let ids: Vec<String> = contacts.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(
        ids,
        expected("contact", 0..9),
        "each contact once, in order"
    );
    assert_eq!(
        sent(&received(&server).await),
        vec![
            (None, None),
            (Some("c1".into()), None),
            (Some("c2".into()), None)
        ],
        "the cursor goes in the query; no page number is sent"
    );
}

/// 2.10 `GET /contacts/{id}/notes` declares no parameter; its pages carry
/// page numbers only: `page` is sent until `total_pages`.
#[tokio::test]
async fn list_notes_2_10_follows_page_numbers() {
    let server = MockServer::start().await;
    let page = |n: i64, ids| {
        json!({
            "type": "list",
            "data": objects("note", ids),
            "pages": {"type": "pages", "next": null, "page": n, "per_page": 2, "total_pages": 3}
        })
    };
    mount(
        &server,
        "/contacts/42/notes",
        "page",
        vec![
            ("", page(1, 0..2)),
            ("2", page(2, 2..4)),
            ("3", page(3, 4..5)),
        ],
    )
    .await;
    let client = client(&server);
    let notes: Vec<models::Note> = client
        .v2_10()
        .notes()
        .list_notes(42)
        .stream()
        .try_collect()
        .await
        .expect("every note");
    let ids: Vec<String> = notes.into_iter().filter_map(|n| n.id).collect();
    assert_eq!(ids, expected("note", 0..5));
    assert_eq!(
        sent(&received(&server).await),
        vec![
            (None, None),
            (None, Some("2".into())),
            (None, Some("3".into()))
        ]
    );
}

/// 2.10 `GET /contacts/{id}/companies` declares `pages.next` as a URL: its
/// `page` (or `starting_after`) is followed, the rest of the URL is not.
#[tokio::test]
async fn list_companies_for_a_contact_2_10_follows_the_next_url() {
    let server = MockServer::start().await;
    let page = |ids, next: Value| {
        json!({
            "type": "list",
            "companies": objects("company", ids),
            "pages": {"type": "pages", "next": next, "per_page": 2}
        })
    };
    mount(
        &server,
        "/contacts/abc/companies",
        "page",
        vec![
            (
                "",
                page(
                    0..2,
                    json!("https://api.intercom.io/contacts/abc/companies?per_page=2&page=2"),
                ),
            ),
            ("2", page(2..4, json!("/contacts/abc/companies?page=3"))),
            ("3", page(4..5, Value::Null)),
        ],
    )
    .await;
    let client = client(&server);
    let companies: Vec<models::Company> = client
        .v2_10()
        .contacts()
        .list_companies_for_a_contact("abc")
        .stream()
        .try_collect()
        .await
        .expect("every company");
    let ids: Vec<String> = companies.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(ids, expected("company", 0..5));
    let requests = received(&server).await;
    assert_eq!(
        sent(&requests),
        vec![
            (None, None),
            (None, Some("2".into())),
            (None, Some("3".into()))
        ]
    );
    assert!(
        requests.iter().all(|r| query(r, "per_page").is_none()),
        "only the page is taken from the next URL"
    );
}

/// A repeated implied cursor ends the stream, as a declared one does.
#[tokio::test]
async fn a_repeated_implied_cursor_ends_the_stream() {
    let server = MockServer::start().await;
    let page = |ids, cursor: &str| {
        json!({"type": "list", "data": objects("contact", ids),
               "pages": {"type": "pages", "next": {"starting_after": cursor}}})
    };
    mount(
        &server,
        "/contacts",
        "starting_after",
        vec![("", page(0..2, "c1")), ("c1", page(2..4, "c1"))],
    )
    .await;
    let client = client(&server);
    let contacts: Vec<models::Contact> = client
        .v2_10()
        .contacts()
        .list_contacts()
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(contacts.len(), 4);
    assert_eq!(received(&server).await.len(), 2);
}

/// An inferred page-number stream whose server echoes `page: 1` (with new items each time) ends
/// with `Error::Pagination`, as a declared page-number stream does (issue 12.10).
#[tokio::test]
async fn an_implied_page_number_that_does_not_advance_is_an_error() {
    let server = MockServer::start().await;
    let page = |ids| {
        json!({"type": "list", "data": objects("note", ids),
               "pages": {"type": "pages", "next": null, "page": 1, "per_page": 2, "total_pages": 1000000}})
    };
    mount(
        &server,
        "/contacts/42/notes",
        "page",
        vec![("", page(0..2)), ("2", page(2..4)), ("3", page(4..6))],
    )
    .await;
    let client = client(&server);
    let mut notes = client.v2_10().notes().list_notes(42).stream();
    let mut ids = Vec::new();
    let error = loop {
        match notes.next().await {
            Some(Ok(note)) => ids.extend(note.id),
            Some(Err(error)) => break error,
            None => panic!("the stream ended without an error after {ids:?}"),
        }
    };
    assert!(
        matches!(error, intercom_api::Error::Pagination(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("does not advance"), "{error}");
    assert_eq!(
        ids,
        expected("note", 0..2),
        "the echoed page is not yielded"
    );
    assert!(notes.next().await.is_none());
    assert_eq!(received(&server).await.len(), 2);
}
