//! Drift-tolerant decoding of response types (`codec::Lenient`, `codec::drift`): each coercion,
//! each position a member can drift in (field, nested struct, array item, string enum, union, map
//! value), what is kept and re-encoded, and the drift report (exactly the drifted paths, never a
//! value).
#![cfg(feature = "v2_11")]

use intercom_api::drift::{self, Kind};
use intercom_api::prelude::*;
use intercom_api::v2_11::models::{
    Admin, Company, Component, ContactList, ContentObject, ListComponent, ListComponentItemsItem,
    Tag, Ticket, TicketTicketState,
};
use serde::Deserialize as _;
use serde_json::{Value, json};

/// Decodes `body` as `T` inside `drift::collect`, checks that re-encoding gives `body` back, and
/// returns the value and the drifted paths.
fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(body: Value) -> (T, Vec<String>) {
    let text = body.to_string();
    let (decoded, report) = drift::collect(|| serde_json::from_str::<T>(&text));
    let decoded = decoded.unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(
        serde_json::to_value(&decoded).expect("encode"),
        body,
        "re-encoding reproduces the input"
    );
    (
        decoded,
        report.iter().map(|d| d.path().to_owned()).collect(),
    )
}

#[test]
fn a_decimal_integer_string_is_coerced_into_an_integer_field() {
    let text = r#"{"id": "1", "applied_at": "1663597223"}"#;
    let (tag, report) = drift::collect(|| serde_json::from_str::<Tag>(text));
    let tag = tag.expect("decodes");
    assert_eq!(tag.applied_at, Some(1_663_597_223));
    assert!(tag.additional_properties.is_empty());
    assert!(report.is_empty(), "a coercion is not drift: {report:?}");
    // Negative, too; but not a fraction, an exponent, a sign or spaces.
    let tag: Tag = serde_json::from_str(r#"{"applied_at": "-5"}"#).expect("negative");
    assert_eq!(tag.applied_at, Some(-5));
    for odd in [
        "1.5",
        "1e3",
        "+5",
        " 5",
        "",
        "-",
        "12x",
        "99999999999999999999",
    ] {
        let (tag, report) = decode::<Tag>(json!({ "applied_at": odd }));
        assert_eq!(tag.applied_at, None, "{odd:?}");
        assert_eq!(tag.additional_properties["applied_at"], json!(odd));
        assert_eq!(report, ["applied_at"], "{odd:?}");
    }
}

#[test]
fn numbers_and_booleans_are_coerced_into_string_fields() {
    let tag: Tag = serde_json::from_str(r#"{"id": 42, "name": true}"#).expect("decodes");
    assert_eq!(tag.id.as_deref(), Some("42"));
    assert_eq!(tag.name.as_deref(), Some("true"));
    let tag: Tag = serde_json::from_str(r#"{"id": 1.5}"#).expect("decodes");
    assert_eq!(tag.id.as_deref(), Some("1.5"));
}

#[test]
fn a_field_of_the_wrong_kind_is_none_and_kept_raw() {
    for odd in [
        json!({"at": 1}),
        json!([1]),
        json!(true),
        json!(2.5),
        json!("soon"),
    ] {
        let (tag, report) = decode::<Tag>(json!({"id": "7", "applied_at": odd, "name": "vip"}));
        assert_eq!(tag.applied_at, None);
        assert_eq!(tag.additional_properties["applied_at"], odd);
        // The other members are unaffected.
        assert_eq!(tag.id.as_deref(), Some("7"));
        assert_eq!(tag.name.as_deref(), Some("vip"));
        assert_eq!(report, ["applied_at"]);
    }
    // `null` is absence, not drift.
    let (tag, report) =
        drift::collect(|| serde_json::from_str::<Tag>(r#"{"applied_at": null, "id": "1"}"#));
    let tag = tag.expect("decodes");
    assert_eq!((tag.applied_at, report.len()), (None, 0));
    assert!(tag.additional_properties.is_empty());
}

#[test]
fn a_string_enum_receiving_an_object_drifts() {
    // 2.14 and later describe `ticket_state` as an object; 2.11 as a string enum.
    let state = json!({"type": "ticket_state", "id": "1", "category": "submitted"});
    let (ticket, report) =
        decode::<Ticket>(json!({"id": "9", "ticket_state": state, "open": true}));
    assert_eq!(ticket.ticket_state, None);
    assert_eq!(ticket.additional_properties["ticket_state"], state);
    assert_eq!(ticket.open, Some(true));
    assert_eq!(report, ["ticket_state"]);
    // Unknown strings are not drift: they are `Unknown`.
    let (ticket, report) = decode::<Ticket>(json!({"ticket_state": "on_the_moon"}));
    match &ticket.ticket_state {
        Some(TicketTicketState::Unknown(value)) => assert_eq!(value.as_str(), "on_the_moon"),
        other => panic!("{other:?}"),
    }
    assert!(report.is_empty());
}

#[test]
fn a_nested_struct_takes_the_hit_where_it_drifted() {
    // 2.11 declares `avatar` an object, 2.10 a URL string.
    let (admin, report) = decode::<Admin>(json!({"id": "1", "avatar": "https://x/y.png"}));
    assert_eq!(admin.avatar, None);
    assert_eq!(admin.additional_properties["avatar"], "https://x/y.png");
    assert_eq!(report, ["avatar"]);
    // A member deep inside: only that member drifts, everything around it decodes.
    let body = json!({
        "type": "list",
        "data": [
            {"id": "1", "email": "a@example.com"},
            {"id": "2", "email": ["not", "a", "string"], "created_at": 5},
        ],
        "pages": {"page": 1, "total_pages": {"many": true}},
    });
    let (list, report) = decode::<ContactList>(body);
    let data = list.data.expect("data");
    assert_eq!(data[1].email, None);
    assert_eq!(
        data[1].additional_properties["email"],
        json!(["not", "a", "string"])
    );
    assert_eq!(data[1].created_at, Some(5));
    assert_eq!(data[0].email.as_deref(), Some("a@example.com"));
    let pages = list.pages.expect("pages");
    assert_eq!((pages.page, pages.total_pages), (Some(1), None));
    assert_eq!(report, ["data[1].email", "pages.total_pages"]);
}

#[test]
fn an_array_item_of_the_wrong_kind_makes_the_array_field_drift() {
    // An integer array with a string item: the smallest enclosing field is the array.
    let (admin, report) = decode::<Admin>(json!({"team_ids": [1, 2, "three", 4], "name": "Ann"}));
    assert_eq!(admin.team_ids, None);
    assert_eq!(
        admin.additional_properties["team_ids"],
        json!([1, 2, "three", 4])
    );
    assert_eq!(admin.name.as_deref(), Some("Ann"));
    assert_eq!(report, ["team_ids"]);
    // An array of structs with an item that is no object: the items before it are re-encoded,
    // the ones after it kept raw; the drift of an item before it is replaced by the array's.
    let body = json!({"data": [{"id": "1", "created_at": "later"}, "oops", {"id": "3"}]});
    let (list, report) = decode::<ContactList>(body);
    assert_eq!(list.data, None);
    assert_eq!(report, ["data"]);
    // Where the array decodes, a drift inside an item names its index.
    let (list, report) = decode::<ContactList>(json!({"data": [{"id": "1"}, {"created_at": [1]}]}));
    assert_eq!(list.data.expect("data").len(), 2);
    assert_eq!(report, ["data[1].created_at"]);
    // An array where an object is expected, and the reverse.
    let (list, report) = decode::<ContactList>(json!({"data": {"id": "1"}, "pages": [1, 2]}));
    assert_eq!((list.data, list.pages), (None, None));
    assert_eq!(report, ["data", "pages"]);
}

#[test]
fn a_map_value_of_the_wrong_kind_makes_the_map_field_drift() {
    let body = json!({"id": "c1", "custom_attributes": {"plan": "pro", "seats": {"n": 5}}});
    let (company, report) = decode::<Company>(body);
    assert_eq!(company.custom_attributes, None);
    assert_eq!(
        company.additional_properties["custom_attributes"],
        json!({"plan": "pro", "seats": {"n": 5}})
    );
    assert_eq!(report, ["custom_attributes"]);
    // Scalars fit a string-valued map (kept as their text).
    let company: Company =
        serde_json::from_str(r#"{"custom_attributes": {"seats": 5, "paid": true}}"#).expect("ok");
    let attributes = company.custom_attributes.expect("attributes");
    assert_eq!(
        (attributes["seats"].as_str(), attributes["paid"].as_str()),
        ("5", "true")
    );
}

#[test]
fn a_union_value_no_variant_takes_is_kept_by_the_union_and_reported() {
    let body = json!({"components": [
        {"type": "text", "id": "t", "text": "hi"},
        "a bare string",
        {"type": "hologram"},
    ]});
    let (content, report) = decode::<ContentObject>(body);
    let components = content.components.expect("components");
    assert!(matches!(components[0], Component::Text(_)));
    assert_eq!(components[1], Component::Unknown(json!("a bare string")));
    // An unknown tag is a newer variant, not drift.
    assert_eq!(
        components[2],
        Component::Unknown(json!({"type": "hologram"}))
    );
    assert_eq!(report, ["components[1]"]);
}

#[test]
fn a_value_no_variant_of_a_derived_untagged_union_takes_is_kept_and_reported() {
    // `ListComponentItemsItem` (two object variants) decodes with serde's untagged derive.
    let body = json!({"type": "list", "items": [{"type": "item", "id": "a", "title": "A"}, 42]});
    let (list, report) = decode::<ListComponent>(body);
    let items = list.items.expect("items");
    assert!(matches!(
        items[0],
        ListComponentItemsItem::With(_) | ListComponentItemsItem::Without(_)
    ));
    assert_eq!(items[1], ListComponentItemsItem::Other(json!(42)));
    assert_eq!(report, ["items[1]"]);
}

#[test]
fn a_repeated_member_keeps_the_last_value_whatever_fitted_before() {
    let (tag, _) = drift::collect(|| {
        serde_json::from_str::<Tag>(r#"{"applied_at": "soon", "applied_at": 5}"#)
    });
    let tag = tag.expect("decodes");
    assert_eq!(tag.applied_at, Some(5));
    assert!(
        tag.additional_properties.is_empty(),
        "the raw value is dropped once one fits"
    );
    let tag: Tag = serde_json::from_str(r#"{"applied_at": 5, "applied_at": "soon"}"#).expect("ok");
    assert_eq!(tag.applied_at, None);
    assert_eq!(tag.additional_properties["applied_at"], "soon");
}

#[test]
fn the_report_names_type_expected_and_found_kind_never_the_value() {
    let secret = "jane.doe@example.com";
    let body = json!({"data": [{"id": "1", "email": {"address": secret}}]}).to_string();
    let (list, report) = drift::collect(|| serde_json::from_str::<ContactList>(&body));
    list.expect("decodes");
    assert_eq!(report.len(), 1);
    let d = &report[0];
    assert_eq!(d.path(), "data[0].email");
    assert_eq!(d.type_name(), "Contact");
    assert_eq!(d.expected(), "String");
    assert_eq!(d.found(), Kind::Object);
    let shown = format!("{d} {d:?}");
    assert!(!shown.contains(secret), "{shown}");
    assert_eq!(
        d.to_string(),
        "data[0].email (in Contact): expected String, found an object"
    );
    let (_, report) = drift::collect(|| serde_json::from_str::<Admin>(r#"{"team_ids": "1,2"}"#));
    assert_eq!(report[0].expected(), "Vec<i64>");
}

#[test]
fn collect_calls_nest_and_records_outside_collect_are_not_kept() {
    // Outside `collect`: decoded the same way, logged, nothing accumulates.
    let tag: Tag = serde_json::from_str(r#"{"applied_at": "soon"}"#).expect("decodes");
    assert_eq!(tag.applied_at, None);
    let ((inner, outer_tag), outer) = drift::collect(|| {
        let outer_tag = serde_json::from_str::<Tag>(r#"{"applied_at": []}"#).expect("outer");
        let (_, inner) =
            drift::collect(|| serde_json::from_str::<Tag>(r#"{"id": {}}"#).expect("inner"));
        (inner, outer_tag)
    });
    assert_eq!(outer_tag.applied_at, None);
    assert_eq!(inner.iter().map(|d| d.path()).collect::<Vec<_>>(), ["id"]);
    assert_eq!(
        outer.iter().map(|d| d.path()).collect::<Vec<_>>(),
        ["applied_at"]
    );
    let (_, empty) = drift::collect(|| ());
    assert!(empty.is_empty());
}

#[test]
fn drift_decodes_from_every_serde_json_input() {
    let body = json!({"id": "9", "ticket_state": {"id": 1}, "created_at": "12"});
    let text = body.to_string();
    let check = |t: Ticket| {
        assert_eq!(t.ticket_state, None);
        assert_eq!(t.created_at, Some(12));
        assert_eq!(t.additional_properties["ticket_state"], json!({"id": 1}));
    };
    check(serde_json::from_str(&text).expect("str"));
    check(serde_json::from_slice(text.as_bytes()).expect("slice"));
    check(serde_json::from_reader(text.as_bytes()).expect("reader"));
    check(serde_json::from_value(body.clone()).expect("value"));
    check(Ticket::deserialize(&body).expect("&value"));
}

#[test]
fn syntax_errors_still_fail_and_name_the_field_path() {
    let body = r#"{"data": [{"id": "1"}, {"id": "2", "email": tru}]}"#;
    let mut de = serde_json::Deserializer::from_str(body);
    let error = serde_path_to_error::deserialize::<_, ContactList>(&mut de).expect_err("syntax");
    assert_eq!(error.path().to_string(), "data[1].email");
    // The top-level value has no enclosing field to take the hit.
    let error = serde_json::from_str::<ContactList>("[1, 2]").expect_err("not an object");
    assert!(
        error.to_string().contains("expected struct ContactList"),
        "{error}"
    );
}

#[tokio::test]
async fn the_client_reports_drift_on_the_response_and_logs_no_value() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let secret = "top-secret-name";
    Mock::given(method("GET"))
        .and(path("/admins/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "admin",
            "id": "7",
            "name": secret,
            "avatar": format!("https://example.com/{secret}.png"),
            "team_ids": [1, {"id": secret}],
        })))
        .mount(&server)
        .await;
    let client = intercom_api::Client::builder("token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let response = client
        .v2_11()
        .admins()
        .retrieve_admin("7")
        .send_with_response()
        .await
        .expect("drift does not fail the call");
    let paths: Vec<_> = response.drift().iter().map(|d| d.path()).collect();
    assert_eq!(paths, ["avatar", "team_ids"]);
    let shown = format!("{:?} {}", response.drift(), response.drift()[0]);
    assert!(!shown.contains(secret), "{shown}");
    let admin = response.into_body();
    assert_eq!(admin.name.as_deref(), Some(secret));
    assert_eq!(admin.avatar, None);
    assert_eq!(
        admin.additional_properties["team_ids"],
        json!([1, {"id": secret}])
    );
    // `send()` decodes the same way.
    let admin = client
        .v2_11()
        .admins()
        .retrieve_admin("7")
        .send()
        .await
        .expect("send");
    assert_eq!(admin.team_ids, None);
}

#[test]
fn a_request_union_reached_from_a_response_type_hands_back_what_it_rejects() {
    use intercom_api::__private::codec::Lenient;
    use intercom_api::v2_11::models::TicketRequestCustomAttributesValue;
    // A response type can reach a request union through a schema no operation uses (as in the
    // 2.14 and 2.16 descriptions); there it decodes drift-tolerantly too.
    let mut de = serde_json::Deserializer::from_str(r#"{"no": "object variant"}"#);
    let fit = TicketRequestCustomAttributesValue::decode_lenient(&mut de).expect("not an error");
    assert_eq!(fit, Err(json!({"no": "object variant"})));
    let mut de = serde_json::Deserializer::from_str("7");
    let fit = TicketRequestCustomAttributesValue::decode_lenient(&mut de).expect("fits");
    assert_eq!(fit, Ok(TicketRequestCustomAttributesValue::Number(7.0)));
}

/// Issue 18.6: a list object (one array member beside constants and counts, decided by the
/// generator) takes a bare array as that member, wherever it appears, with a record saying so.
#[test]
fn a_bare_array_where_a_list_object_is_declared_becomes_its_array_member() {
    use intercom_api::drift::Action;
    use intercom_api::v2_11::models::TicketContacts;
    let contacts = json!([{"type": "contact", "id": "c1"}, {"type": "contact", "id": "c2"}]);
    // Nested: the ticket's `contacts` member.
    let body = json!({"id": "t1", "contacts": contacts.clone()});
    let (ticket, report) = drift::collect(|| serde_json::from_value::<Ticket>(body.clone()));
    let ticket = ticket.expect("decodes");
    let list = ticket.contacts.as_ref().expect("contacts decoded");
    let ids: Vec<_> = list
        .contacts
        .iter()
        .flatten()
        .map(|c| c.id.as_deref())
        .collect();
    assert_eq!(ids, [Some("c1"), Some("c2")]);
    assert!(ticket.additional_properties.is_empty());
    let [d] = &report[..] else {
        panic!("{report:?}")
    };
    assert_eq!(
        (d.path(), d.type_name(), d.expected(), d.found()),
        ("contacts", "TicketContacts", "TicketContacts", Kind::Array)
    );
    assert_eq!(d.action(), &Action::DecodedAsMember("contacts"));
    // Re-encoding writes the declared shape, holding the same items.
    assert_eq!(
        serde_json::to_value(&ticket).expect("encode")["contacts"],
        json!({ "contacts": contacts })
    );
    // At the root, from text and from a `Value`; outside `collect` too (logged).
    let from_text: TicketContacts = serde_json::from_str(&contacts.to_string()).expect("text");
    let from_value: TicketContacts = serde_json::from_value(contacts.clone()).expect("value");
    assert_eq!(from_text, from_value);
    assert_eq!(from_text.contacts.as_ref().map(Vec::len), Some(2));
    // An empty array is an empty list.
    let (empty, report) = drift::collect(|| serde_json::from_str::<TicketContacts>("[]"));
    assert_eq!(empty.expect("empty").contacts, Some(Vec::new()));
    assert_eq!(report.len(), 1);
}

#[test]
fn drift_inside_a_bare_list_is_reported_in_the_member_and_an_unfit_array_stays_raw() {
    use intercom_api::drift::Action;
    // An item member that drifts: reported below the list member, after the shape record.
    let body = json!({"contacts": [{"id": "c1"}, {"id": {"v": 1}}]});
    let (ticket, report) = drift::collect(|| serde_json::from_value::<Ticket>(body.clone()));
    ticket.expect("decodes");
    let paths: Vec<_> = report.iter().map(|d| d.path()).collect();
    assert_eq!(paths, ["contacts", "contacts.contacts[1].id"]);
    assert_eq!(report[1].action(), &Action::KeptRaw);
    // Items that are not the list's items: the array is no list of contacts, and drifts whole
    // as before (raw in the ticket, re-encoded as received, one record).
    let (ticket, report) = decode::<Ticket>(json!({"id": "t1", "contacts": ["c1", 2]}));
    assert_eq!(ticket.contacts, None);
    assert_eq!(ticket.additional_properties["contacts"], json!(["c1", 2]));
    assert_eq!(report, ["contacts"]);
}

#[test]
fn a_struct_that_is_more_than_a_list_does_not_take_a_bare_array() {
    // `ContactList` has `pages` (an object) beside its `data`; `Tag` has no array at all.
    let text = r#"[{"type": "contact", "id": "c1"}]"#;
    let err = serde_json::from_str::<ContactList>(text).expect_err("not a list object");
    assert!(err.to_string().contains("invalid type: sequence"), "{err}");
    let (ticket, report) = decode::<Ticket>(json!({"ticket_type": [{"id": "1"}]}));
    assert_eq!(ticket.ticket_type, None);
    assert_eq!(report, ["ticket_type"]);
}

#[test]
fn an_array_body_also_decodes_from_an_object_wrapping_one_array() {
    use intercom_api::__private::codec::ArrayBody;
    use intercom_api::drift::Action;
    let (body, report) = drift::collect(|| {
        serde_json::from_value::<ArrayBody<Tag>>(
            json!([{"id": "1"}, {"id": "2", "applied_at": "x"}]),
        )
    });
    assert_eq!(body.expect("an array").0.len(), 2);
    let paths: Vec<_> = report.iter().map(|d| d.path()).collect();
    assert_eq!(paths, ["[1].applied_at"]);

    let wrapped = json!({"type": "tag.list", "data": [{"id": "1", "applied_at": "x"}], "n": 1});
    let (body, report) = drift::collect(|| serde_json::from_value::<ArrayBody<Tag>>(wrapped));
    let tags = body.expect("wrapped").0;
    assert_eq!(tags[0].id.as_deref(), Some("1"));
    let paths: Vec<_> = report.iter().map(|d| d.path()).collect();
    assert_eq!(paths, [".", "[0].applied_at"]);
    let Action::Unwrapped { member, rest } = report[0].action() else {
        panic!("{report:?}")
    };
    assert_eq!(member, "data");
    assert_eq!(
        Value::Object(rest.clone()),
        json!({"type": "tag.list", "n": 1})
    );
    assert_eq!(report[0].type_name(), "Vec<Tag>");

    // No array member, two of them, or not an object: the wrong kind, nothing recorded.
    for wrong in [
        json!({"data": {}}),
        json!({"a": [], "b": []}),
        json!("tags"),
    ] {
        let (body, report) =
            drift::collect(|| serde_json::from_value::<ArrayBody<Tag>>(wrong.clone()));
        let err = body.expect_err("the wrong kind");
        assert!(
            err.to_string().starts_with("invalid type:"),
            "{wrong}: {err}"
        );
        assert!(report.is_empty(), "{wrong}: {report:?}");
    }
}
