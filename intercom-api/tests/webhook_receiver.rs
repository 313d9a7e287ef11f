//! Issue 19.4: the `webhook_receiver` example, served on a loopback port, answers requests signed
//! by `intercom_api::webhooks::sign`: 200 with the matched topic, 401 when the signature is wrong
//! or missing, 400 when the signed body is not a notification.

#[path = "../examples/webhook_receiver.rs"]
mod receiver;

use intercom_api::webhooks::{SIGNATURE_HEADER, sign};
use serde_json::json;

const SECRET: &str = "receiver-test-secret";

async fn post(url: &str, body: &[u8], signature: Option<String>) -> (u16, String) {
    let client = intercom_api::reqwest::Client::new();
    let mut request = client.post(url).body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    let response = request.send().await.expect("the receiver answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("text"))
}

fn notification(topic: &str, item: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": "notification_event",
        "id": "notif_1",
        "topic": topic,
        "app_id": "abc",
        "created_at": 1_700_000_000,
        "data": { "type": "notification_event_data", "item": item },
    }))
    .expect("json")
}

#[tokio::test]
async fn the_example_verifies_parses_and_matches_topics() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    let server = tokio::spawn(receiver::serve(listener, SECRET.to_string()));

    let replied = notification(
        "conversation.admin.replied",
        json!({"type": "conversation", "id": "c-42"}),
    );
    assert_eq!(
        post(&url, &replied, Some(sign(SECRET, &replied))).await,
        (200, "admin replied in conversation c-42".to_string())
    );
    let state = notification(
        "ticket.state.updated",
        json!({"type": "ticket", "id": "t-7"}),
    );
    assert_eq!(
        post(&url, &state, Some(sign(SECRET, &state))).await,
        (200, "ticket t-7 state updated".to_string())
    );
    let other = notification(
        "contact.user.created",
        json!({"type": "contact", "id": "u"}),
    );
    assert_eq!(
        post(&url, &other, Some(sign(SECRET, &other))).await,
        (200, "ignored contact.user.created".to_string())
    );

    // Signed with another secret, unsigned, body changed after signing: 401, nothing parsed.
    let (status, text) = post(&url, &replied, Some(sign("wrong", &replied))).await;
    assert_eq!(status, 401, "{text}");
    assert!(!text.contains(SECRET) && !text.contains("c-42"), "{text}");
    assert_eq!(post(&url, &replied, None).await.0, 401);
    let mut changed = replied.clone();
    changed[10] ^= 1;
    assert_eq!(
        post(&url, &changed, Some(sign(SECRET, &replied))).await.0,
        401
    );

    // Correctly signed, but not a notification: 400.
    assert_eq!(
        post(&url, b"[1,2]", Some(sign(SECRET, b"[1,2]"))).await.0,
        400
    );
    server.abort();
}
