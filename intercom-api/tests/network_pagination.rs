//! Issue 12 (points 9, 10, 11): pagination against servers that ignore the
//! cursor or page number, and a search streamed without a body.
#![cfg(feature = "v2_11")]

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use intercom_api::runtime::{Client, Error};
use intercom_api::v2_11::models;
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

/// Point 11: `.pages()` of a search without a body sends an empty query, and
/// page 2 carries the cursor.
#[tokio::test]
async fn a_search_without_a_body_keeps_the_cursor() {
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
        .search_contacts()
        .stream()
        .max_items(10)
        .try_collect()
        .await
        .expect("every contact");
    let ids: Vec<String> = contacts.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(ids, ["contact-0", "contact-1", "contact-2", "contact-3"]);
    let bodies: Vec<Value> = received(&server).await.iter().map(body_json).collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], json!({"query": {}}));
    assert_eq!(
        bodies[1],
        json!({"query": {}, "pagination": {"starting_after": "s1"}})
    );
}
