//! Issue 13 (point 5): builders, their futures and their streams own a clone of the client (an
//! `Arc`), so a call or a listing can be handed to `tokio::spawn` (`Send + 'static`) and outlive
//! the `Client` value it was made from.
#![cfg(feature = "v2_11")]

use std::time::Duration;

use futures_util::TryStreamExt;
use intercom_api::v2_11::models;
use intercom_api::v2_11::operations::Api;
use intercom_api::v2_11::operations::contacts::{Contacts, ListContacts, ShowContact};
use intercom_api::{Client, Items, Pages};
use intercom_api::{Method, OperationExt, Paginated, RawRequest};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_spawn";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .build()
        .expect("valid client")
}

/// Compiles only for values that can move to another task or thread and live as long as it does.
fn assert_send_static<T: Send + 'static>(_: &T) {}

fn contact_page(ids: &[&str], next: Option<&str>) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({"type": "contact", "id": id}))
        .collect();
    let pages = match next {
        Some(cursor) => json!({"type": "pages", "next": {"starting_after": cursor}}),
        None => json!({"type": "pages"}),
    };
    json!({"type": "list", "data": data, "total_count": 3, "pages": pages})
}

async fn mount(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(contact_page(&["c-1", "c-2"], Some("cur-2"))),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("starting_after", "cur-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_page(&["c-3"], None)))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contacts/c-42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"type": "contact", "id": "c-42", "email": "a@b.example"})),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "w-1"})))
        .mount(server)
        .await;
}

/// A builder made from a borrowed client does not borrow it.
fn show(client: &Client, id: &str) -> ShowContact {
    client.v2_11().contacts().show_contact(id)
}

#[tokio::test]
async fn spawned_calls_and_streams_run_after_the_client_is_dropped() {
    let server = MockServer::start().await;
    mount(&server).await;
    let client = client(&server);

    let stream = tokio::spawn(
        client
            .v2_11()
            .contacts()
            .list_contacts()
            .stream()
            .try_collect::<Vec<_>>(),
    );
    let pages = tokio::spawn(
        client
            .v2_11()
            .contacts()
            .list_contacts()
            .per_page(2)
            .pages()
            .try_collect::<Vec<_>>(),
    );
    let one = tokio::spawn(client.v2_11().contacts().show_contact("c-42").send());
    let with_response = tokio::spawn(show(&client, "c-42").send_with_response());
    let raw = tokio::spawn(client.request(Method::GET, "/widgets").send_json());
    let versioned = tokio::spawn(
        client
            .v2_11()
            .request(Method::GET, "/widgets")
            .send::<Value>(),
    );
    // Every task holds its own clone of the client.
    drop(client);

    let contacts: Vec<models::Contact> = stream.await.expect("task").expect("every page");
    let ids: Vec<_> = contacts.iter().map(|c| c.id.as_deref()).collect();
    assert_eq!(ids, [Some("c-1"), Some("c-2"), Some("c-3")]);

    let pages = pages.await.expect("task").expect("every page");
    assert_eq!(pages.len(), 2);

    let contact = one.await.expect("task").expect("200");
    assert_eq!(contact.id.as_deref(), Some("c-42"));
    assert_eq!(contact.email.as_deref(), Some("a@b.example"));

    let response = with_response.await.expect("task").expect("200");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.into_body().id.as_deref(), Some("c-42"));

    assert_eq!(raw.await.expect("task").expect("200"), json!({"id": "w-1"}));
    assert_eq!(
        versioned.await.expect("task").expect("200"),
        json!({"id": "w-1"})
    );

    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 8, "3 + 2 pages, 2 contacts, 2 raw calls");
}

#[tokio::test]
async fn a_builder_with_escape_hatches_moves_to_another_task() {
    let server = MockServer::start().await;
    mount(&server).await;
    let builder = client(&server)
        .v2_11()
        .contacts()
        .show_contact("c-42")
        .header("X-Request-Source", "spawn-test");
    let contact = tokio::spawn(async move { builder.send().await })
        .await
        .expect("task")
        .expect("200");
    assert_eq!(contact.id.as_deref(), Some("c-42"));
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests[0]
            .headers
            .get("x-request-source")
            .and_then(|v| v.to_str().ok()),
        Some("spawn-test")
    );
}

/// The README's "Pagination and retries" spawn example (with `futures_util` for `futures`).
async fn readme_example(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let contacts = tokio::spawn(
        client
            .v2_11()
            .contacts()
            .list_contacts()
            .stream()
            .try_collect::<Vec<_>>(),
    );
    let admin = tokio::spawn(client.v2_11().admins().identify_admin().send());
    println!(
        "{} contacts, admin {:?}",
        contacts.await??.len(),
        admin.await??.email
    );
    Ok(())
}

#[tokio::test]
async fn the_readme_example_runs() {
    let server = MockServer::start().await;
    mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"type": "admin", "id": "1", "email": "admin@example.com"})),
        )
        .mount(&server)
        .await;
    readme_example(&client(&server)).await.expect("runs");
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths.iter().filter(|p| *p == "/contacts").count(), 2);
    assert!(paths.iter().any(|p| p == "/me"));
}

/// Compile-level: accessors, builders, their futures and streams are `Send + 'static`; the types
/// have no lifetime parameter.
#[test]
fn futures_and_streams_are_send_and_static() {
    let client = Client::new("tok");
    let api: Api = client.v2_11();
    let contacts: Contacts = api.contacts();
    let list: ListContacts = contacts.list_contacts();
    let show: ShowContact = contacts.show_contact("1");
    let raw: RawRequest = client.request(Method::GET, "/widgets");
    assert_send_static(&api);
    assert_send_static(&contacts);
    assert_send_static(&list);
    assert_send_static(&show);
    assert_send_static(&raw);

    let send = show.clone().send();
    assert_send_static(&send);
    let send_with_response = show.send_with_response();
    assert_send_static(&send_with_response);
    let pages: Pages<models::ContactList> = list.clone().pages();
    assert_send_static(&pages);
    let items: Items<models::Contact> = list.stream().max_items(3);
    assert_send_static(&items);
    let collect = items.try_collect::<Vec<_>>();
    assert_send_static(&collect);
    let raw_send = raw.clone().send::<Value>();
    assert_send_static(&raw_send);
    let raw_json = raw.clone().send_json();
    assert_send_static(&raw_json);
    let raw_response = raw.send_with_response::<Value>();
    assert_send_static(&raw_response);
    let csv = client
        .v2_11()
        .data_export()
        .download_data_export("job-1")
        .send();
    assert_send_static(&csv);
    // Nothing is sent until polled: dropping them does nothing.
    drop((
        send,
        send_with_response,
        pages,
        collect,
        raw_send,
        raw_json,
        raw_response,
        csv,
    ));
    drop(client);
}
