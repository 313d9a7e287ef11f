//! Issue 12 (point 2): deeply nested bodies are a decode error naming the
//! depth, never a stack overflow, even on a small-stack worker thread in a
//! debug build (a 1 MiB thread, half tokio's default); 127 levels inside a
//! free-form member still decode.
#![cfg(feature = "v2_11")]

use intercom_api::prelude::*;
use intercom_api::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_network_decode";

/// `levels` nested arrays around `1`.
fn nested(levels: usize) -> String {
    format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
}

fn contact_with(member: &str, levels: usize) -> String {
    format!(
        r#"{{"type":"contact","id":"c1","{member}":{{"deep":{}}}}}"#,
        nested(levels)
    )
}

/// Runs `body` as the response of `show_contact` on a current-thread runtime
/// whose thread has a 1 MiB stack.
fn decode_on_small_stack(body: String) -> Result<(), String> {
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let server = MockServer::start().await;
                Mock::given(any())
                    .respond_with(ResponseTemplate::new(200).set_body_string(body))
                    .mount(&server)
                    .await;
                let client = Client::builder(TOKEN)
                    .base_url(server.uri())
                    .build()
                    .expect("client");
                client
                    .v2_11()
                    .contacts()
                    .show_contact("c1")
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e: Error| format!("{e}"))
            })
        })
        .expect("thread");
    handle.join().expect("no stack overflow or panic")
}

#[test]
fn two_hundred_levels_are_a_decode_error_naming_the_depth() {
    let error =
        decode_on_small_stack(contact_with("custom_attributes", 200)).expect_err("too deep");
    assert!(error.contains("maximum depth of"), "{error}");
    assert!(
        error.contains(&intercom_api::MAX_RESPONSE_DEPTH.to_string()),
        "{error}"
    );
}

#[test]
fn one_hundred_twenty_seven_levels_in_a_free_form_member_decode() {
    decode_on_small_stack(contact_with("custom_attributes", 127)).expect("decodes");
}

/// The deepest body accepted still fits the small stack.
#[test]
fn the_deepest_accepted_body_fits_the_small_stack() {
    // The contact and `custom_attributes` are 2 levels.
    let levels = intercom_api::MAX_RESPONSE_DEPTH - 2;
    decode_on_small_stack(contact_with("custom_attributes", levels)).expect("decodes");
    decode_on_small_stack(contact_with("custom_attributes", levels + 1)).expect_err("too deep");
}

/// Point 3, decided: invalid UTF-8 or a lone surrogate escape in a string
/// member is a decode error naming the member (no replacement character, no
/// silent data change), whatever the member.
#[test]
fn invalid_utf8_and_lone_surrogates_are_decode_errors_naming_the_member() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let bodies: [(&[u8], &str); 3] = [
            (
                b"{\"type\":\"contact\",\"id\":\"c1\",\"email\":\"a\xff\xfeb\"}",
                "email",
            ),
            (
                br#"{"type":"contact","id":"c1","email":"a\ud800b"}"#,
                "email",
            ),
            (br#"{"type":"contact","id":"c1","name":"\udc00"}"#, "name"),
        ];
        for (body, member) in bodies {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(
                    ResponseTemplate::new(200)
                        .insert_header("content-type", "application/json")
                        .set_body_bytes(body.to_vec()),
                )
                .mount(&server)
                .await;
            let client = Client::builder(TOKEN)
                .base_url(server.uri())
                .build()
                .expect("client");
            let error = client
                .v2_11()
                .contacts()
                .show_contact("c1")
                .send()
                .await
                .expect_err("not valid text");
            let Error::Decode(decode) = &error else {
                panic!("expected a decode error, got {error:?}");
            };
            assert_eq!(decode.path(), member, "{error}");
        }
    });
}
