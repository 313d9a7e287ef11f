//! Issue 18, point 6: a list that arrives in the other list shape, through the generated client
//! against a mock. `listAwayStatusReasons` declares a list object (`{"type": "list", "data": [..]}`)
//! and gets a bare array; `collectFinVoiceCallsByConversationId` declares an array and gets it
//! wrapped in a list object. Both calls succeed, keep everything, and say what happened in the
//! drift report; anything else of the wrong kind still fails, naming the field path.

use intercom_api::drift::{Action, Kind};
use intercom_api::prelude::*;
use intercom_api::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client whose server answers `GET <route>` with `body`.
async fn answering(route: &str, body: String) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    let client = Client::builder("tok_list_bodies")
        .base_url(server.uri())
        .build()
        .expect("client");
    (server, client)
}

fn reasons() -> Value {
    json!([
        {"type": "away_status_reason", "id": "1", "label": "On a break", "emoji": "☕", "order": 1},
        {"type": "away_status_reason", "id": "2", "label": "In a meeting", "deleted": true, "order": 2}
    ])
}

fn calls() -> Value {
    json!([
        {"id": 11, "app_id": 7, "status": "completed", "intercom_conversation_id": "c1"},
        {"id": 12, "app_id": 7, "status": "in_progress", "intercom_conversation_id": "c1"}
    ])
}

#[tokio::test]
async fn a_bare_array_where_a_list_object_is_declared_decodes_into_its_array_member() {
    let (_server, client) = answering("/away_status_reasons", reasons().to_string()).await;
    let response = client
        .v2_16()
        .away_status_reasons()
        .list_away_status_reasons()
        .send_with_response()
        .await
        .expect("a bare array of reasons decodes");
    let list = response.body();
    let data = list.data.as_ref().expect("the array is the list's data");
    let ids: Vec<_> = data.iter().map(|r| r.id.as_deref()).collect();
    assert_eq!(ids, [Some("1"), Some("2")]);
    assert_eq!(data[0].label.as_deref(), Some("On a break"));
    assert_eq!(data[1].deleted, Some(true));
    // Nothing else was invented or lost: re-encoding gives the array under `data`.
    assert_eq!(list.type_, None);
    assert!(list.additional_properties.is_empty());
    assert_eq!(
        serde_json::to_value(list).expect("encode"),
        json!({ "data": reasons() })
    );

    let [d] = response.drift() else {
        panic!("one drift record: {:?}", response.drift());
    };
    assert_eq!(d.path(), ".");
    assert_eq!(d.type_name(), "AwayStatusReasonList");
    assert_eq!(d.expected(), "AwayStatusReasonList");
    assert_eq!(d.found(), Kind::Array);
    assert_eq!(d.action(), &Action::DecodedAsMember("data"));
    assert_eq!(
        d.to_string(),
        ". (in AwayStatusReasonList): expected AwayStatusReasonList, found an array; decoded as member data"
    );
}

#[tokio::test]
async fn drift_inside_a_bare_array_is_reported_under_the_member_it_went_to() {
    let mut body = reasons();
    body[1]["order"] = json!({"rank": 2});
    let (_server, client) = answering("/away_status_reasons", body.to_string()).await;
    let response = client
        .v2_16()
        .away_status_reasons()
        .list_away_status_reasons()
        .send_with_response()
        .await
        .expect("decodes");
    let paths: Vec<_> = response.drift().iter().map(|d| d.path()).collect();
    // The shape record first, then the member inside the list (paths in the decoded value).
    assert_eq!(paths, [".", "data[1].order"]);
    assert_eq!(response.drift()[1].action(), &Action::KeptRaw);
    let data = response.body().data.as_ref().expect("data");
    assert_eq!(data[1].order, None);
    assert_eq!(data[1].additional_properties["order"], json!({"rank": 2}));
}

#[tokio::test]
async fn the_declared_list_object_has_no_drift() {
    let body = json!({"type": "list", "data": reasons()});
    let (_server, client) = answering("/away_status_reasons", body.to_string()).await;
    let response = client
        .v2_16()
        .away_status_reasons()
        .list_away_status_reasons()
        .send_with_response()
        .await
        .expect("decodes");
    assert!(response.drift().is_empty(), "{:?}", response.drift());
    assert_eq!(response.body().type_.as_deref(), Some("list"));
    assert_eq!(response.body().data.as_ref().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_bare_array_whose_items_do_not_fit_the_list_is_still_the_wrong_kind() {
    // The strings are no reasons: the array is not this list's data, and the body keeps failing
    // as a body of the wrong kind (kept whole in the error).
    let body = r#"["On a break", "In a meeting"]"#;
    let (_server, client) = answering("/away_status_reasons", body.to_owned()).await;
    let Err(Error::Decode(e)) = client
        .v2_16()
        .away_status_reasons()
        .list_away_status_reasons()
        .send()
        .await
    else {
        panic!("an array of strings is not a list of reasons");
    };
    assert_eq!(e.path(), ".");
    assert!(
        e.message().contains("the response body is a JSON array"),
        "{}",
        e.message()
    );
    assert_eq!(&e.body()[..], body.as_bytes());
}

#[tokio::test]
async fn a_syntax_error_inside_a_bare_array_names_its_path() {
    let body = r#"[{"id": "1"}, {"id": "2", "order": tru}]"#;
    let (_server, client) = answering("/away_status_reasons", body.to_owned()).await;
    let Err(Error::Decode(e)) = client
        .v2_16()
        .away_status_reasons()
        .list_away_status_reasons()
        .send()
        .await
    else {
        panic!("malformed JSON fails");
    };
    assert_eq!(e.path(), "[1].order");
}

#[tokio::test]
async fn an_object_wrapping_one_array_where_an_array_is_declared_is_unwrapped() {
    let body = json!({"type": "list", "data": calls(), "total_count": 2, "pages": {"page": 1}});
    let (_server, client) = answering("/fin_voice/conversation/c1", body.to_string()).await;
    let response = client
        .v2_16()
        .calls()
        .collect_fin_voice_calls_by_conversation_id("c1")
        .send_with_response()
        .await
        .expect("a wrapped array of calls decodes");
    let ids: Vec<_> = response.body().iter().map(|c| c.id).collect();
    assert_eq!(ids, [Some(11), Some(12)]);
    assert_eq!(
        serde_json::to_value(response.body()).expect("encode"),
        calls()
    );

    let [d] = response.drift() else {
        panic!("one drift record: {:?}", response.drift());
    };
    assert_eq!(d.path(), ".");
    assert_eq!(d.type_name(), "Vec<AiCallResponse>");
    assert_eq!(d.expected(), "Vec<AiCallResponse>");
    assert_eq!(d.found(), Kind::Object);
    // The wrapper's other members are kept, with their values, in the record.
    let Action::Unwrapped { member, rest } = d.action() else {
        panic!("unwrapped: {d:?}");
    };
    assert_eq!(member, "data");
    assert_eq!(
        Value::Object(rest.clone()),
        json!({"type": "list", "total_count": 2, "pages": {"page": 1}})
    );
    // Display and Debug name them, never their values.
    assert_eq!(
        d.to_string(),
        ". (in Vec<AiCallResponse>): expected Vec<AiCallResponse>, found an object; \
         unwrapped member data (other members, kept in the record: pages, total_count, type)"
    );
    let debug = format!("{d:?}");
    assert!(
        debug.contains(r#"rest: ["pages", "total_count", "type"]"#),
        "{debug}"
    );
    assert!(!debug.contains("\"list\""), "{debug}");
}

#[tokio::test]
async fn the_declared_array_has_no_drift_and_its_items_report_their_index() {
    let mut body = calls();
    body[1]["app_id"] = json!("seven");
    let (_server, client) = answering("/fin_voice/conversation/c1", body.to_string()).await;
    let response = client
        .v2_16()
        .calls()
        .collect_fin_voice_calls_by_conversation_id("c1")
        .send_with_response()
        .await
        .expect("decodes");
    let paths: Vec<_> = response.drift().iter().map(|d| d.path()).collect();
    assert_eq!(paths, ["[1].app_id"]);
    assert_eq!(response.body()[1].app_id, None);
    assert_eq!(response.body()[1].additional_properties["app_id"], "seven");
}

#[tokio::test]
async fn an_object_that_wraps_no_single_array_is_still_the_wrong_kind() {
    for body in [
        json!({"type": "list", "total_count": 0}),
        json!({"data": calls(), "more": calls()}),
    ] {
        let (_server, client) = answering("/fin_voice/conversation/c1", body.to_string()).await;
        let Err(Error::Decode(e)) = client
            .v2_16()
            .calls()
            .collect_fin_voice_calls_by_conversation_id("c1")
            .send()
            .await
        else {
            panic!("{body}: not a wrapped array");
        };
        assert_eq!(e.path(), ".", "{body}");
        assert!(
            e.message().contains("the response body is a JSON object"),
            "{}",
            e.message()
        );
        assert!(
            e.message()
                .contains("an array (or an object with exactly one array member)"),
            "{}",
            e.message()
        );
    }
}

#[tokio::test]
async fn an_item_of_the_wrong_kind_inside_the_wrapper_names_its_path() {
    let body = json!({"type": "list", "data": [calls()[0].clone(), "not a call"]});
    let (_server, client) = answering("/fin_voice/conversation/c1", body.to_string()).await;
    let Err(Error::Decode(e)) = client
        .v2_16()
        .calls()
        .collect_fin_voice_calls_by_conversation_id("c1")
        .send()
        .await
    else {
        panic!("a string is no call");
    };
    assert_eq!(e.path(), "data[1]");
    assert!(
        e.message().contains("expected struct AiCallResponse"),
        "{}",
        e.message()
    );
}
