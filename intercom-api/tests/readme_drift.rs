use intercom_api::Client;
use intercom_api::prelude::*;

async fn run(client: &Client) -> Result<(), intercom_api::Error> {
    let response = client
        .v2_11()
        .tickets()
        .get_ticket("42")
        .send_with_response()
        .await?;
    for drift in response.drift() {
        // e.g. "ticket_state (in Ticket): expected TicketTicketState, found an object"
        eprintln!("the API changed shape: {drift}");
    }
    let ticket = response.into_body();
    if ticket.ticket_state.is_none() {
        // The 2.14 shape, kept raw.
        println!("{:?}", ticket.additional_properties.get("ticket_state"));
    }
    Ok(())
}

// ---- README ends here: the README's "Drift" block is everything above. ----

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The README example runs against a mock serving a ticket in the 2.14 shape.
#[tokio::test]
async fn readme_example_runs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "ticket",
            "id": "42",
            "ticket_state": {"type": "ticket_state", "id": "7", "category": "submitted"},
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder("token")
        .base_url(server.uri())
        .build()
        .expect("client");
    run(&client).await.expect("the call succeeds");
}

/// The README's "Drift" section shows the example above verbatim.
#[test]
fn readme_shows_this_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README.md");
    let this = std::fs::read_to_string(root.join("tests/readme_drift.rs")).expect("this file");
    let example = this
        .split_once("\n// ---- README ends here")
        .map(|(code, _)| code)
        .expect("the marker");
    let block = readme
        .split_once("\n### Drift\n")
        .and_then(|(_, section)| section.split_once("\n```rust\n"))
        .and_then(|(_, rest)| rest.split_once("\n```\n"))
        .map(|(code, _)| code)
        .expect("README.md has a `### Drift` section with a ```rust block");
    assert_eq!(
        block.trim_end(),
        example.trim_end(),
        "the README's Drift block must be the top of tests/readme_drift.rs"
    );
}
