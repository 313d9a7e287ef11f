//! Strict decoding (issue 20.7): `ClientBuilder::strict_decoding(true)` turns a response whose
//! body drifted from its declared types into `Error::Drift` naming each member's path and types,
//! on every typed decode path; the lenient client decodes the same body and reports the same
//! records; `.pages()` yields each page with its own records, and a strict `.stream()` ends with
//! the error at the page that drifted. Against `wiremock` on 127.0.0.1, with the 2.16 client.
//!
//! Prints `strict: drifting bodies rejected n/n, clean bodies accepted n/n`.

use std::io::Write as _;

use futures_util::{StreamExt, TryStreamExt};
use intercom_api::drift::Kind;
use intercom_api::prelude::*;
use intercom_api::v2_16::models;
use intercom_api::{Client, Drift, Error, Method};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer, strict: bool) -> Client {
    Client::builder("token")
        .base_url(server.uri())
        .max_attempts(1)
        .strict_decoding(strict)
        .build()
        .expect("a loopback base URL")
}

fn ok(body: &Value, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("x-request-id", request_id)
        .set_body_json(body)
}

/// One drifted member a body must be rejected for: path, holding type, declared type, kind found.
type Expected = (&'static str, &'static str, &'static str, Kind);

/// Contacts (`GET /contacts/{id}`) whose members do not fit the 2.16 `ShowContactResponse` types.
fn drifting_bodies() -> Vec<(Value, Vec<Expected>)> {
    vec![
        // A string where an integer is declared.
        (
            json!({"type": "contact", "id": "c-1", "created_at": "yesterday"}),
            vec![("created_at", "ShowContactResponse", "i64", Kind::String)],
        ),
        // An object where a string is declared.
        (
            json!({"id": "c-1", "email": {"address": "a@b.example"}}),
            vec![("email", "ShowContactResponse", "String", Kind::Object)],
        ),
        // An array where a boolean is declared.
        (
            json!({"id": "c-1", "has_hard_bounced": [true]}),
            vec![(
                "has_hard_bounced",
                "ShowContactResponse",
                "bool",
                Kind::Array,
            )],
        ),
        // A fraction where an integer is declared (no coercion).
        (
            json!({"id": "c-1", "updated_at": 1.5}),
            vec![("updated_at", "ShowContactResponse", "i64", Kind::Number)],
        ),
        // A string where an object is declared.
        (
            json!({"id": "c-1", "avatar": "https://example.com/a.png"}),
            vec![(
                "avatar",
                "ShowContactResponse",
                "ContactAvatar",
                Kind::String,
            )],
        ),
        // Nested: an object where a string is declared, one level down.
        (
            json!({"id": "c-1", "location": {"type": "location", "city": {"name": "Dublin"}}}),
            vec![("location.city", "ContactLocation", "String", Kind::Object)],
        ),
        // Two members at once: both are named.
        (
            json!({"id": "c-1", "signed_up_at": "soon", "phone": ["+1"]}),
            vec![
                ("signed_up_at", "ShowContactResponse", "i64", Kind::String),
                ("phone", "ShowContactResponse", "String", Kind::Array),
            ],
        ),
    ]
}

/// Contacts that fit their types (with the documented coercions and an undeclared member).
fn clean_bodies() -> Vec<Value> {
    vec![
        json!({"type": "contact", "id": "c-1", "email": "a@b.example", "created_at": 1_663_597_223}),
        // Coercions, not drift: a numeric id into a string, a decimal string into an integer.
        json!({"id": 42, "created_at": "1663597223", "has_hard_bounced": false}),
        json!({}),
        json!({"id": "c-1", "email": null, "location": {"city": "Dublin"}}),
        // A member the spec does not declare is kept, not drift.
        json!({"id": "c-1", "brand_new_member": {"nested": [1, 2]}}),
    ]
}

/// `records` are exactly the `expected` members (in any order).
fn records_match(records: &[Drift], expected: &[Expected]) -> Result<(), String> {
    let mut got: Vec<(String, String, String, Kind)> = records
        .iter()
        .map(|d| {
            (
                d.path().to_owned(),
                d.type_name().to_owned(),
                d.expected().to_owned(),
                d.found(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String, Kind)> = expected
        .iter()
        .map(|(p, t, e, k)| ((*p).to_owned(), (*t).to_owned(), (*e).to_owned(), *k))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    want.sort_by(|a, b| a.0.cmp(&b.0));
    if got == want {
        Ok(())
    } else {
        Err(format!("records {got:?}, expected {want:?}"))
    }
}

/// Checks one drifting body through the strict client (`send`, `send_with_response`, the raw
/// `RawRequest::send::<T>`) and the lenient one.
async fn check_drifting(body: &Value, expected: &[Expected]) -> Result<(), String> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts/c-1"))
        .respond_with(ok(body, "req-drift"))
        .mount(&server)
        .await;
    let strict = client(&server, true);
    let calls = [
        strict
            .v2_16()
            .contacts()
            .show_contact("c-1")
            .send()
            .await
            .map(drop),
        strict
            .v2_16()
            .contacts()
            .show_contact("c-1")
            .send_with_response()
            .await
            .map(drop),
        strict
            .v2_16()
            .request(Method::GET, "/contacts/c-1")
            .send::<models::ShowContactResponse>()
            .await
            .map(drop),
    ];
    let mut strict_records = Vec::new();
    for (i, call) in calls.into_iter().enumerate() {
        let error = match call {
            Err(Error::Drift(error)) => error,
            Err(other) => return Err(format!("call {i}: not a drift error: {other}")),
            Ok(()) => return Err(format!("call {i}: the drifting body was accepted")),
        };
        records_match(error.drift(), expected).map_err(|e| format!("call {i}: {e}"))?;
        let shown = error.to_string();
        for (member, _, declared, kind) in expected {
            let part = format!("{member} (in ");
            if !shown.contains(&part)
                || !shown.contains(&format!("expected {declared}, found {kind}"))
            {
                return Err(format!("call {i}: `{shown}` does not name {member}"));
            }
        }
        if !shown.contains("request id req-drift") || error.request_id() != Some("req-drift") {
            return Err(format!("call {i}: no request id in `{shown}`"));
        }
        if error.status().as_u16() != 200 {
            return Err(format!("call {i}: status {}", error.status()));
        }
        // Never a value: the body's contents stay out of the error.
        let debug = format!("{error:?}");
        for secret in ["a@b.example", "yesterday", "Dublin", "+1", "soon", "a.png"] {
            if shown.contains(secret) || debug.contains(secret) {
                return Err(format!("call {i}: the error shows the value `{secret}`"));
            }
        }
        strict_records = error.drift().to_vec();
    }
    // The lenient client decodes the same body and reports the same records.
    let response = client(&server, false)
        .v2_16()
        .contacts()
        .show_contact("c-1")
        .send_with_response()
        .await
        .map_err(|e| format!("lenient: {e}"))?;
    if response.drift() != strict_records.as_slice() {
        return Err(format!(
            "lenient records {:?} differ from the strict error's {strict_records:?}",
            response.drift()
        ));
    }
    let contact = response.into_body();
    for (member, holder, _, _) in expected {
        // A top-level member is kept raw in the contact's `additional_properties`.
        if *holder == "ShowContactResponse" && !contact.additional_properties.contains_key(*member)
        {
            return Err(format!("lenient: {member} not kept raw"));
        }
    }
    Ok(())
}

/// A clean body is accepted by the strict client, with no records.
async fn check_clean(body: &Value) -> Result<(), String> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts/c-1"))
        .respond_with(ok(body, "req-clean"))
        .mount(&server)
        .await;
    let strict = client(&server, true);
    let response = strict
        .v2_16()
        .contacts()
        .show_contact("c-1")
        .send_with_response()
        .await
        .map_err(|e| format!("strict: {e}"))?;
    if !response.drift().is_empty() {
        return Err(format!("records {:?}", response.drift()));
    }
    let raw: Value = strict
        .v2_16()
        .request(Method::GET, "/contacts/c-1")
        .send::<Value>()
        .await
        .map_err(|e| format!("strict raw: {e}"))?;
    if &raw != body {
        return Err(format!("raw body {raw}"));
    }
    Ok(())
}

#[tokio::test]
async fn strict_clients_reject_drift_and_accept_clean_bodies() {
    let drifting = drifting_bodies();
    let clean = clean_bodies();
    let mut problems = Vec::new();
    let mut rejected = 0;
    for (body, expected) in &drifting {
        match check_drifting(body, expected).await {
            Ok(()) => rejected += 1,
            Err(problem) => problems.push(format!("{body}: {problem}")),
        }
    }
    let mut accepted = 0;
    for body in &clean {
        match check_clean(body).await {
            Ok(()) => accepted += 1,
            Err(problem) => problems.push(format!("{body}: {problem}")),
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "strict: drifting bodies rejected {rejected}/{}, clean bodies accepted {accepted}/{}",
        drifting.len(),
        clean.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn the_default_client_is_lenient() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts/c-1"))
        .respond_with(ok(&json!({"id": "c-1", "created_at": "yesterday"}), "r"))
        .mount(&server)
        .await;
    let client = Client::builder("token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let response = client
        .v2_16()
        .contacts()
        .show_contact("c-1")
        .send_with_response()
        .await
        .expect("lenient by default");
    assert_eq!(response.drift().len(), 1);
    assert_eq!(response.body().created_at, None);
}

/// Two pages of contacts (a cursor in `pages.next.starting_after`); the second page's first
/// contact has a string `created_at`.
async fn two_pages(server: &MockServer) {
    let page1 = json!({
        "type": "list",
        "data": [{"id": "c-1", "created_at": 1}, {"id": "c-2", "created_at": 2}],
        "pages": {"type": "pages", "next": {"starting_after": "cur-2"}},
    });
    let page2 = json!({
        "type": "list",
        "data": [{"id": "c-3", "created_at": "yesterday"}, {"id": "c-4", "created_at": 4}],
        "pages": {"type": "pages"},
    });
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ok(&page1, "req-page-1"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("starting_after", "cur-2"))
        .respond_with(ok(&page2, "req-page-2"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn pages_yield_each_page_with_its_own_drift() {
    let server = MockServer::start().await;
    two_pages(&server).await;
    let pages: Vec<_> = client(&server, false)
        .v2_16()
        .contacts()
        .list_contacts()
        .pages()
        .try_collect()
        .await
        .expect("lenient pages");
    assert_eq!(pages.len(), 2);
    assert!(pages[0].drift().is_empty(), "{:?}", pages[0].drift());
    assert_eq!(pages[0].request_id(), Some("req-page-1"));
    assert_eq!(pages[1].request_id(), Some("req-page-2"));
    assert_eq!(pages[1].status().as_u16(), 200);
    records_match(
        pages[1].drift(),
        &[("data[0].created_at", "Contact", "i64", Kind::String)],
    )
    .expect("the second page's records");
    let ids: Vec<Option<String>> = pages
        .into_iter()
        .flat_map(|page| page.into_body().data.unwrap_or_default())
        .map(|c| c.id)
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[2].as_deref(), Some("c-3"));
}

#[tokio::test]
async fn a_strict_stream_ends_with_the_error_at_the_drifting_page() {
    let server = MockServer::start().await;
    two_pages(&server).await;
    let strict = client(&server, true);

    let mut stream = strict.v2_16().contacts().list_contacts().stream();
    let mut ids = Vec::new();
    let mut error = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(contact) => ids.push(contact.id.unwrap_or_default()),
            Err(e) => {
                assert!(error.is_none(), "a second error");
                error = Some(e);
            }
        }
    }
    assert_eq!(
        ids,
        ["c-1", "c-2"],
        "the first page's items, then the error"
    );
    let Some(Error::Drift(error)) = error else {
        panic!("expected a drift error, got {error:?}");
    };
    assert_eq!(error.request_id(), Some("req-page-2"));
    records_match(
        error.drift(),
        &[("data[0].created_at", "Contact", "i64", Kind::String)],
    )
    .expect("the second page's records");
    assert!(
        error
            .to_string()
            .contains("data[0].created_at (in Contact)"),
        "{error}"
    );

    // `.pages()` too: the clean first page, then the error, then the end.
    let mut pages = strict.v2_16().contacts().list_contacts().pages();
    let first = pages.next().await.expect("a page").expect("clean");
    assert!(first.drift().is_empty());
    assert!(matches!(pages.next().await, Some(Err(Error::Drift(_)))));
    assert!(pages.next().await.is_none());
    assert_eq!(
        server.received_requests().await.map_or(0, |r| r.len()),
        4,
        "two pages per listing"
    );
}

/// The mock's clients decode strictly; a client built against its URL decodes leniently.
#[cfg(feature = "test-util")]
#[tokio::test]
async fn mock_clients_decode_strictly() {
    use intercom_api::testing::{MOCK_TOKEN, Reply};

    let mock = intercom_api::testing::MockServer::v2_16().await;
    mock.on("ShowContact")
        .expect("a 2.16 operation")
        .reply(Reply::json(json!({"id": "c-1", "created_at": "yesterday"})));
    let strict = mock
        .client()
        .v2_16()
        .contacts()
        .show_contact("c-1")
        .send()
        .await;
    let Err(Error::Drift(error)) = strict else {
        panic!("expected a drift error, got {strict:?}");
    };
    assert_eq!(error.drift().len(), 1);
    assert_eq!(error.drift()[0].path(), "created_at");
    let same = intercom_api::testing::client_for(&mock)
        .v2_16()
        .contacts()
        .show_contact("c-1")
        .send()
        .await;
    assert!(matches!(same, Err(Error::Drift(_))), "{same:?}");

    let lenient = Client::builder(MOCK_TOKEN)
        .base_url(mock.uri())
        .build()
        .expect("client")
        .v2_16()
        .contacts()
        .show_contact("c-1")
        .send_with_response()
        .await
        .expect("lenient");
    assert_eq!(lenient.drift().len(), 1);
}
