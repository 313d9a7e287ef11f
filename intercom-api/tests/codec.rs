//! The generated `Serialize` / `Deserialize` of structs (`codec::StructDecode`, `codec::ObjectWriter`)
//! and of unions (`codec::UnionDecode` by JSON kind, `codec::TaggedDecode` by tag): what lenient
//! (response) types keep,
//! tolerate and report, from every kind of input serde_json offers (borrowed text, a reader, a
//! `Value`), and what strict (request) types reject.
#![cfg(feature = "v2_11")]

use intercom_api::v2_11::models::{
    ArticleContent, CloseConversationRequest, Component, ContactArchived, ContactList, CursorPages,
    FileAttribute, ManageConversationRequest, SingleFilterSearchRequestOperator, TextComponent,
    TicketCustomAttributesValue, TicketRequestCustomAttributesValue, TicketTicketState,
};
use serde_json::json;

const BODY: &str = r#"{
    "type": "list",
    "total_count": 2,
    "data": [{"type": "contact", "id": 42, "email": "a@example.com", "new_member": {"x": [1, 2]}}],
    "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 3, "next": null},
    "brand_new": true
}"#;

fn check(list: &ContactList) {
    assert_eq!(list.total_count, Some(2));
    let pages = list.pages.as_ref().expect("pages");
    assert_eq!((pages.page, pages.total_pages), (Some(1), Some(3)));
    assert_eq!(pages.next, None, "null is None");
    let contact = &list.data.as_ref().expect("data")[0];
    // A number in a `string` field is kept as its text.
    assert_eq!(contact.id.as_deref(), Some("42"));
    assert_eq!(contact.email.as_deref(), Some("a@example.com"));
    // Undeclared members are kept, at every level.
    assert_eq!(
        contact.additional_properties.get("new_member"),
        Some(&json!({"x": [1, 2]}))
    );
    assert_eq!(
        list.additional_properties.get("brand_new"),
        Some(&json!(true))
    );
    assert_eq!(list.additional_properties.len(), 1);
}

#[test]
fn decodes_from_str_slice_reader_and_value() {
    check(&serde_json::from_str(BODY).expect("str"));
    check(&serde_json::from_slice(BODY.as_bytes()).expect("slice"));
    check(&serde_json::from_reader(BODY.as_bytes()).expect("reader"));
    let value: serde_json::Value = serde_json::from_str(BODY).expect("json");
    check(&serde_json::from_value(value.clone()).expect("value"));
    // And re-encodes to the same document.
    let list: ContactList = serde_json::from_value(value.clone()).expect("value");
    assert_eq!(serde_json::to_value(&list).expect("encode"), {
        let mut expected = value;
        expected["pages"]
            .as_object_mut()
            .expect("pages")
            .remove("next");
        expected["data"][0]["id"] = json!("42");
        expected
    });
}

#[test]
fn escaped_member_names_are_matched_and_kept() {
    // `t\u0079pe` is `type` once unescaped: it must fill the field, not the extra map.
    let archived: ContactArchived =
        serde_json::from_str(r#"{"t\u0079pe": "contact", "new\nline": 1}"#).expect("decode");
    assert_eq!(archived.type_.as_deref(), Some("contact"));
    assert_eq!(
        archived.additional_properties.get("new\nline"),
        Some(&json!(1))
    );
}

#[test]
fn missing_members_and_other_constant_values_are_tolerated() {
    let empty: ContactArchived = serde_json::from_str("{}").expect("empty object");
    assert_eq!(empty, ContactArchived::default());
    // `type` is a constant (`contact`) in the spec: a response keeps what it received, as a string.
    let odd: ContactArchived =
        serde_json::from_str(r#"{"type": "robot", "archived": null}"#).expect("decode");
    assert_eq!(odd.type_.as_deref(), Some("robot"));
    assert_eq!(odd.archived, None);
    assert_eq!(
        serde_json::to_value(&odd).expect("encode"),
        json!({"type": "robot"})
    );
}

#[test]
fn unknown_enum_values_are_opaque_and_known_ones_never_unknown() {
    let state: TicketTicketState = "on_the_moon".parse().expect("infallible");
    match &state {
        TicketTicketState::Unknown(value) => {
            assert_eq!(value.as_str(), "on_the_moon");
            assert_eq!(value.to_string(), "on_the_moon");
            assert_eq!(format!("{value:?}"), r#""on_the_moon""#);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state.as_str(), "on_the_moon");
    assert_eq!(state.to_string(), "on_the_moon");
    assert_eq!(
        serde_json::to_value(&state).expect("encode"),
        json!("on_the_moon")
    );
    // A known value always parses (and decodes) to its variant.
    let known: TicketTicketState = "submitted".parse().expect("infallible");
    assert_eq!(known, TicketTicketState::Submitted);
    assert_eq!(
        TicketTicketState::from("submitted"),
        TicketTicketState::Submitted
    );
    let decoded: TicketTicketState = serde_json::from_str(r#""submitted""#).expect("decode");
    assert_eq!(decoded, TicketTicketState::Submitted);
    assert_eq!(AsRef::<str>::as_ref(&decoded), "submitted");
}

#[test]
fn request_only_enums_have_no_unknown_and_reject_other_values() {
    let parsed: SingleFilterSearchRequestOperator = "=".parse().expect("known");
    assert_eq!(parsed.as_str(), "=");
    let error = "~~"
        .parse::<SingleFilterSearchRequestOperator>()
        .expect_err("unknown");
    assert_eq!(error.type_name(), "SingleFilterSearchRequestOperator");
    assert_eq!(error.value(), "~~");
    assert_eq!(
        error.to_string(),
        r#"unknown SingleFilterSearchRequestOperator value "~~""#
    );
    let error = serde_json::from_str::<SingleFilterSearchRequestOperator>(r#""~~""#)
        .expect_err("decoding rejects it too");
    assert!(
        error
            .to_string()
            .contains("unknown SingleFilterSearchRequestOperator value"),
        "{error}"
    );
}

#[test]
fn strict_constant_members_are_written_and_checked_but_not_fields() {
    // `message_type: close` and `type: admin` are constants: `new` takes only `admin_id`.
    let request = CloseConversationRequest::new("5");
    assert_eq!(
        serde_json::to_value(&request).expect("encode"),
        json!({"message_type": "close", "type": "admin", "admin_id": "5"})
    );
    let error = serde_json::from_str::<CloseConversationRequest>(
        r#"{"message_type": "close", "type": "user", "admin_id": "1"}"#,
    )
    .expect_err("another value");
    assert!(
        error
            .to_string()
            .contains(r#"type: expected "admin", found "user""#),
        "{error}"
    );
    let error = serde_json::from_str::<CloseConversationRequest>(
        r#"{"message_type": "close", "admin_id": "1"}"#,
    )
    .expect_err("required constant missing");
    assert!(
        error.to_string().contains("missing field `type`"),
        "{error}"
    );
}

#[test]
fn constants_of_types_used_both_ways_are_written_when_unset() {
    // `ArticleContent` is lenient (responses) and sent in requests; its required `type` is
    // `article_content`: written when `None`, and what was set (or received) otherwise.
    let content = ArticleContent {
        title: Some("Hi".into()),
        ..ArticleContent::default()
    };
    let value = serde_json::to_value(&content).expect("encode");
    assert_eq!(value["type"], json!("article_content"));
    let received: ArticleContent = serde_json::from_str(r#"{"type": "other"}"#).expect("lenient");
    assert_eq!(received.type_.as_deref(), Some("other"));
    assert_eq!(
        serde_json::to_value(&received).expect("encode")["type"],
        json!("other")
    );
}

#[test]
fn a_repeated_member_keeps_the_last_value() {
    let archived: ContactArchived =
        serde_json::from_str(r#"{"archived": true, "archived": false}"#).expect("decode");
    assert_eq!(archived.archived, Some(false));
}

#[test]
fn wrong_kinds_drift_and_the_top_level_names_the_struct() {
    // A member of the wrong kind no longer fails the response (see `tests/codec_drift.rs`).
    let body = r#"{"data": [{"id": "1"}, {"id": "2", "email": ["not", "a", "string"]}]}"#;
    let list: ContactList = serde_json::from_str(body).expect("drift is kept, not an error");
    let data = list.data.expect("data");
    assert_eq!(data[1].email, None);
    assert_eq!(
        data[1].additional_properties.get("email"),
        Some(&json!(["not", "a", "string"]))
    );

    let error = serde_json::from_str::<CursorPages>("[1, 2]").expect_err("not an object");
    assert!(
        error.to_string().contains("expected struct CursorPages"),
        "{error}"
    );
    let error = serde_json::from_str::<CursorPages>(r#"{"page": 1"#).expect_err("truncated");
    assert!(error.is_eof(), "{error}");
}

#[test]
fn strict_types_require_their_required_members() {
    let request: CloseConversationRequest = serde_json::from_str(
        r#"{"message_type": "close", "type": "admin", "admin_id": 123, "body": null}"#,
    )
    .expect("decode");
    assert_eq!(request, CloseConversationRequest::new("123"));

    let error = serde_json::from_str::<CloseConversationRequest>(
        r#"{"message_type": "close", "type": "admin"}"#,
    )
    .expect_err("admin_id is required");
    assert!(
        error.to_string().contains("missing field `admin_id`"),
        "{error}"
    );
}

#[test]
fn strict_types_reject_undeclared_and_repeated_members() {
    let error = serde_json::from_str::<CloseConversationRequest>(
        r#"{"message_type": "close", "type": "admin", "admin_id": "1", "bogus": 1}"#,
    )
    .expect_err("undeclared member");
    let text = error.to_string();
    assert!(text.contains("unknown field `bogus`"), "{text}");
    assert!(
        text.contains("admin_id"),
        "lists the expected members: {text}"
    );

    let error = serde_json::from_str::<CloseConversationRequest>(
        r#"{"message_type": "close", "type": "admin", "admin_id": "1", "admin_id": "2"}"#,
    )
    .expect_err("repeated member");
    assert!(
        error.to_string().contains("duplicate field `admin_id`"),
        "{error}"
    );

    let body = r#"{"message_type": "close", "type": "admin", "admin_id": {"id": 1}}"#;
    let mut de = serde_json::Deserializer::from_str(body);
    let error = serde_path_to_error::deserialize::<_, CloseConversationRequest>(&mut de)
        .expect_err("object for a string");
    assert_eq!(error.path().to_string(), "admin_id");
}

#[test]
fn encoding_skips_absent_optional_members_and_keeps_order() {
    let mut request = CloseConversationRequest::new("7");
    assert_eq!(
        serde_json::to_string(&request).expect("encode"),
        r#"{"message_type":"close","type":"admin","admin_id":"7"}"#
    );
    request.body = Some("bye".into());
    assert_eq!(
        serde_json::to_string(&request).expect("encode"),
        r#"{"message_type":"close","type":"admin","admin_id":"7","body":"bye"}"#
    );

    let mut archived = ContactArchived {
        id: Some("1".into()),
        ..ContactArchived::default()
    };
    archived
        .additional_properties
        .insert("later".into(), json!([1]));
    assert_eq!(
        serde_json::to_string(&archived).expect("encode"),
        r#"{"id":"1","later":[1]}"#
    );
}

#[test]
fn kind_unions_pick_the_variant_by_json_kind() {
    use TicketCustomAttributesValue as V;
    let body = r#"["x", 1, -2, 1.5, 18446744073709551615, true, [1, "a"], null,
        {"type": "upload", "name": "a.png", "width": 10}]"#;
    let values: Vec<V> = serde_json::from_str(body).expect("decode");
    let file = FileAttribute {
        type_: Some("upload".into()),
        name: Some("a.png".into()),
        width: Some(10),
        ..FileAttribute::default()
    };
    assert_eq!(
        values,
        vec![
            V::String("x".into()),
            V::Number(1.0),
            V::Number(-2.0),
            V::Number(1.5),
            V::Number(u64::MAX as f64),
            V::Boolean(true),
            V::Array(vec![json!(1), json!("a")]),
            V::Null,
            V::FileAttribute(file),
        ]
    );
    // Decoding from a `Value` (owned strings) gives the same, and re-encoding gives the input back.
    let value: serde_json::Value = serde_json::from_str(body).expect("json");
    let again: Vec<V> = serde_json::from_value(value.clone()).expect("from value");
    assert_eq!(again, values);
    let mut expected = value;
    expected[1] = json!(1.0);
    expected[2] = json!(-2.0);
    expected[4] = json!(u64::MAX as f64);
    assert_eq!(serde_json::to_value(&values).expect("encode"), expected);
}

#[test]
fn kind_unions_keep_what_their_variant_rejects_in_responses_and_refuse_it_in_requests() {
    // `width` is an integer: the object is still a `FileAttribute`, whose `width` drifted (kept
    // raw in its `additional_properties`).
    let odd = json!({"type": "upload", "width": "wide"});
    let value: TicketCustomAttributesValue = serde_json::from_value(odd.clone()).expect("lenient");
    let TicketCustomAttributesValue::FileAttribute(file) = &value else {
        panic!("{value:?}");
    };
    assert_eq!(file.width, None);
    assert_eq!(
        file.additional_properties.get("width"),
        Some(&json!("wide"))
    );
    assert_eq!(serde_json::to_value(&value).expect("encode"), odd);

    // The request union has no object variant and no fallback.
    let error = serde_json::from_str::<TicketRequestCustomAttributesValue>(r#"{"a": 1}"#)
        .expect_err("strict");
    let text = error.to_string();
    assert!(text.contains("invalid type: map"), "{text}");
    assert!(
        text.contains("a string, a number, a boolean, an array or null"),
        "{text}"
    );
    let ok: TicketRequestCustomAttributesValue = serde_json::from_str("7").expect("number");
    assert_eq!(ok, TicketRequestCustomAttributesValue::Number(7.0));
}

#[test]
fn tagged_unions_decode_whatever_the_position_of_the_tag() {
    let expected = Component::Text(TextComponent {
        type_: Some("text".into()),
        id: Some("t1".into()),
        text: Some("hello".into()),
        additional_properties: [("later".to_string(), json!(1))].into(),
        ..TextComponent::default()
    });
    // Tag first: streamed into the variant.
    let first: Component =
        serde_json::from_str(r#"{"type": "text", "id": "t1", "text": "hello", "later": 1}"#)
            .expect("tag first");
    assert_eq!(first, expected);
    // Tag later: buffered, same result; and from a `Value`.
    let later: Component =
        serde_json::from_str(r#"{"id": "t1", "text": "hello", "type": "text", "later": 1}"#)
            .expect("tag later");
    assert_eq!(later, expected);
    let value = json!({"type": "text", "id": "t1", "text": "hello", "later": 1});
    let from_value: Component = serde_json::from_value(value.clone()).expect("value");
    assert_eq!(from_value, expected);
    assert_eq!(serde_json::to_value(&expected).expect("encode"), value);
}

#[test]
fn tagged_response_unions_keep_unknown_tags_and_shapes() {
    let odd = json!({"type": "hologram", "id": "h1"});
    let decoded: Component = serde_json::from_value(odd.clone()).expect("unknown tag");
    assert_eq!(decoded, Component::Unknown(odd));
    let decoded: Component = serde_json::from_str(r#""just text""#).expect("not an object");
    assert_eq!(decoded, Component::Unknown(json!("just text")));
    let decoded: Component = serde_json::from_str(r#"{"type": 5}"#).expect("tag not a string");
    assert_eq!(decoded, Component::Unknown(json!({"type": 5})));
}

#[test]
fn tagged_request_unions_are_strict() {
    let close: ManageConversationRequest =
        serde_json::from_str(r#"{"message_type": "close", "type": "admin", "admin_id": "12"}"#)
            .expect("close");
    assert!(matches!(close, ManageConversationRequest::Close(ref c) if c.admin_id == "12"));

    let error = serde_json::from_str::<ManageConversationRequest>(
        r#"{"message_type": "close", "type": "admin", "admin_id": "12", "bogus": true}"#,
    )
    .expect_err("undeclared member");
    assert!(
        error.to_string().contains("unknown field `bogus`"),
        "{error}"
    );

    let body = r#"{"message_type": "close", "type": "admin", "admin_id": [1]}"#;
    let mut de = serde_json::Deserializer::from_str(body);
    let error = serde_path_to_error::deserialize::<_, ManageConversationRequest>(&mut de)
        .expect_err("bad admin_id");
    assert_eq!(error.path().to_string(), "admin_id");

    let error = serde_json::from_str::<ManageConversationRequest>(r#"{"message_type": "explode"}"#)
        .expect_err("unknown tag");
    assert!(error.to_string().contains("explode"), "{error}");
    assert!(
        error.to_string().contains("close"),
        "lists the tags: {error}"
    );
}

#[test]
fn lenient_strings_accept_a_plain_string_deserializer() {
    use serde::de::value::{Error, StrDeserializer};
    let value = intercom_api::__private::codec::opt_string(StrDeserializer::<Error>::new("x"))
        .expect("str");
    assert_eq!(value.as_deref(), Some("x"));
}
