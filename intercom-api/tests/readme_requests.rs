use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::{
    AdminReplyTicketRequestMessageType, MultipleFilterSearchRequest,
    MultipleFilterSearchRequestOperator, ReplyTicketRequestAdmin, SearchRequest,
    SingleFilterSearchRequest, SingleFilterSearchRequestOperator as Op,
};

async fn run(client: &Client) -> Result<(), intercom_api::Error> {
    // One filter. `new` takes the required members; `with_*` sets an optional one and takes
    // anything that converts: `"open"` into the value union, the filter into the query union.
    let open = SingleFilterSearchRequest::new()
        .with_field("state")
        .with_operator(Op::Equals)
        .with_value("open");
    let tickets = client
        .v2_16()
        .tickets()
        .search_tickets(SearchRequest::new(open.clone()))
        .send()
        .await?;
    println!("{:?} open tickets", tickets.total_count);

    // Several filters combined with AND (or OR): a list of filters (or a list of combinations).
    let recent = SingleFilterSearchRequest::new()
        .with_field("created_at")
        .with_operator(Op::GreaterThan)
        .with_value(1_700_000_000_i64);
    let both = MultipleFilterSearchRequest::new()
        .with_operator(MultipleFilterSearchRequestOperator::And)
        .with_value(vec![open, recent]);
    let conversations = client
        .v2_16()
        .conversations()
        .search_conversations(SearchRequest::new(both))
        .send()
        .await?;
    println!("{:?} recent open conversations", conversations.total_count);

    // A request struct with required members has no `Default`: struct update syntax over `new`.
    let reply = ReplyTicketRequestAdmin {
        body: Some("We are on it.".to_owned()),
        ..ReplyTicketRequestAdmin::new(AdminReplyTicketRequestMessageType::Comment, "991")
    };
    client
        .v2_16()
        .tickets()
        .reply_ticket("123", reply)
        .send()
        .await?;
    Ok(())
}

// ---- README ends here: the README's "Request bodies and searches" block is everything above. ----

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The README example runs against a mock (on 127.0.0.1) and sends exactly these bodies.
#[tokio::test]
async fn readme_example_sends_these_bodies() {
    let server = MockServer::start().await;
    for (route, reply) in [
        (
            "/tickets/search",
            json!({"type": "ticket.list", "total_count": 1}),
        ),
        (
            "/conversations/search",
            json!({"type": "conversation.list", "total_count": 2}),
        ),
        (
            "/tickets/123/reply",
            json!({"type": "ticket_part", "id": "p1"}),
        ),
    ] {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(reply))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder("tok")
        .base_url(server.uri())
        .build()
        .expect("valid client");
    run(&client).await.expect("every call succeeds");

    let requests = server.received_requests().await.unwrap_or_default();
    let sent: Vec<(String, Value)> = requests
        .iter()
        .map(|r| {
            let body = serde_json::from_slice(&r.body).expect("a JSON body");
            (r.url.path().to_owned(), body)
        })
        .collect();
    let open = json!({"field": "state", "operator": "=", "value": "open"});
    assert_eq!(
        sent,
        [
            ("/tickets/search".to_owned(), json!({"query": open})),
            (
                "/conversations/search".to_owned(),
                json!({"query": {
                    "operator": "AND",
                    "value": [
                        open,
                        {"field": "created_at", "operator": ">", "value": 1_700_000_000},
                    ],
                }}),
            ),
            (
                "/tickets/123/reply".to_owned(),
                json!({
                    "message_type": "comment",
                    "type": "admin",
                    "body": "We are on it.",
                    "admin_id": "991",
                }),
            ),
        ]
    );
}

/// The README's "Request bodies and searches" section shows the example above verbatim.
#[test]
fn readme_shows_this_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README.md");
    let this = std::fs::read_to_string(root.join("tests/readme_requests.rs")).expect("this file");
    let example = this
        .split_once("\n// ---- README ends here")
        .map(|(code, _)| code)
        .expect("the marker");
    let block = readme
        .split_once("\n### Request bodies and searches\n")
        .and_then(|(_, section)| section.split_once("\n```rust\n"))
        .and_then(|(_, rest)| rest.split_once("\n```\n"))
        .map(|(code, _)| code)
        .expect("README.md has a `### Request bodies and searches` section with a ```rust block");
    assert_eq!(
        block.trim_end(),
        example.trim_end(),
        "the README's Request bodies block must be the top of tests/readme_requests.rs"
    );
}
