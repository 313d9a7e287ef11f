//! Issue 11: a response body of the wrong JSON kind (an array where the operation declares an
//! object, or the reverse) is a decode error that says which kind came, and keeps the whole body
//! (`DecodeError::body`) for the caller to read another way.
#![cfg(feature = "v2_11")]

use intercom_api::prelude::*;
use intercom_api::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn show_contact_answering(body: &'static str) -> Error {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    let client = Client::builder("tok_body_kind")
        .base_url(server.uri())
        .build()
        .expect("client");
    client
        .v2_11()
        .contacts()
        .show_contact("c1")
        .send()
        .await
        .expect_err("a body of the wrong kind does not decode")
}

#[tokio::test]
async fn an_array_where_an_object_is_declared_keeps_the_body() {
    let body = r#"[{"type":"contact","id":"c1"},{"type":"contact","id":"c2"}]"#;
    let Error::Decode(e) = show_contact_answering(body).await else {
        panic!("expected a decode error");
    };
    assert_eq!(e.path(), ".");
    assert!(
        e.message().contains("the response body is a JSON array"),
        "{}",
        e.message()
    );
    assert_eq!(&e.body()[..], body.as_bytes());
    // The body can be read another way.
    let value: serde_json::Value = serde_json::from_slice(e.body()).expect("JSON");
    assert_eq!(value[1]["id"], "c2");
    // Debug shows the length, not the content.
    let debug = format!("{e:?}");
    assert!(
        debug.contains(&format!("body_len: {}", body.len())),
        "{debug}"
    );
}

#[tokio::test]
async fn a_string_where_an_object_is_declared_names_the_kind() {
    let Error::Decode(e) = show_contact_answering(r#""not a contact""#).await else {
        panic!("expected a decode error");
    };
    assert!(
        e.message().contains("the response body is a JSON string"),
        "{}",
        e.message()
    );
    assert_eq!(&e.body()[..], br#""not a contact""#);
}
