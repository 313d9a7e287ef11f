use intercom_api::prelude::*;
use intercom_api::v2_16::models::SetAwayAdminRequest;
use intercom_api::{Client, Method};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Widget {
    id: String,
}

async fn run(client: &Client) -> Result<(), intercom_api::Error> {
    // Undeclared query parameters (2.16's `list_contacts` declares none) and an extra header on
    // a generated operation.
    let contacts = client
        .v2_16()
        .contacts()
        .list_contacts()
        .query_param("per_page", "50")
        .query_param("include_archived", "true")
        .header("X-Request-Source", "nightly-sync")
        .send()
        .await?;
    println!("{:?} contacts", contacts.total_count);

    // A raw JSON body in place of the typed one (the required argument), with a field the spec
    // does not declare.
    client
        .v2_16()
        .admins()
        .set_away_admin(991, SetAwayAdminRequest::new(true, false))
        .raw_body(json!({
            "away_mode_enabled": true,
            "away_mode_reassign": false,
            "away_status_reason_id": 42,
        }))
        .send()
        .await?;

    // An endpoint the spec does not describe: same auth, `Intercom-Version: 2.16`, retries and
    // `Error`; decoded into your own type, or `.send_json()` for a `serde_json::Value`.
    let widget: Widget = client
        .v2_16()
        .request(Method::POST, "/widgets")
        .json(json!({"name": "Support hours"}))
        .send()
        .await?;
    println!("created widget {}", widget.id);
    Ok(())
}

// ---- README ends here: the README's "Escape hatches" block is everything above. ----

use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The README example runs against a mock and sends what it says.
#[tokio::test]
async fn readme_example_runs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("per_page", "50"))
        .and(query_param("include_archived", "true"))
        .and(header("x-request-source", "nightly-sync"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total_count": 2})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/admins/991/away"))
        .and(body_json(json!({
            "away_mode_enabled": true,
            "away_mode_reassign": false,
            "away_status_reason_id": 42,
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "991"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/widgets"))
        .and(header("intercom-version", "2.16"))
        .and(header("authorization", "Bearer tok"))
        .and(body_json(json!({"name": "Support hours"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "w1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder("tok")
        .base_url(server.uri())
        .build()
        .expect("valid client");
    run(&client).await.expect("every call succeeds");
}

/// The README's "Escape hatches" section shows the example above verbatim.
#[test]
fn readme_shows_this_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README.md");
    let this =
        std::fs::read_to_string(root.join("tests/readme_escape_hatches.rs")).expect("this file");
    let example = this
        .split_once("\n// ---- README ends here")
        .map(|(code, _)| code)
        .expect("the marker");
    let block = readme
        .split_once("\n## Escape hatches\n")
        .and_then(|(_, section)| section.split_once("\n```rust\n"))
        .and_then(|(_, rest)| rest.split_once("\n```\n"))
        .map(|(code, _)| code)
        .expect("README.md has an `## Escape hatches` section with a ```rust block");
    assert_eq!(
        block.trim_end(),
        example.trim_end(),
        "the README's Escape hatches block must be the top of tests/readme_escape_hatches.rs"
    );
}
