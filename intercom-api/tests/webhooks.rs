//! Issue 19.5: every webhook topic of every pinned version, as notifications built from the spec's
//! examples of the topic's object; an unknown topic; an item of the wrong kind; envelope drift.
//!
//! For each topic whose object is a component schema the version has, the first success-response
//! example (or the schema's own `example`) whose schema is that component is put in a notification's
//! `data.item`, parsed with `<vmod>::webhooks::parse`, and re-encoded (the envelope, and the event's
//! item from its model). Prints `webhooks: <v>: topics t, decoded d/n, round trip r/n` (`n`: the
//! notifications built) and fails below 100%.
//!
//! Mutations (2.16, seeded; `WEBHOOK_SEED` replays a run): a member anywhere in a conversation
//! notification replaced by a value of another kind must parse and re-encode as received; bytes
//! flipped, inserted or cut must never panic. Prints
//! `webhooks: mutations: structural n: parsed n/n, round trip n/n; bytes m: panics 0`.

#[path = "support/compare.rs"]
#[allow(dead_code)]
mod compare;
/// What `compare` needs of the generated tables (this test uses only its comparison).
mod generated {
    pub trait Leftovers {
        fn leftovers(&self, path: &str, out: &mut Vec<String>);
    }
}
#[path = "support/pins.rs"]
mod pins;
#[path = "support/examples.rs"]
#[allow(dead_code)]
mod support;

use intercom_api::notification::{self, Topics};
use serde_json::{Value, json};
use support::{deref, examples_of, progress, workspace};

/// What one parse shows: the envelope re-encoded, whether the event is typed (not `Unknown`), the
/// event's item re-encoded, the drift paths.
struct Parsed {
    envelope: Value,
    typed: bool,
    item: Value,
    drift: Vec<String>,
    /// The drift records as displayed.
    drift_text: Vec<String>,
}

trait Event: Topics {
    fn is_unknown(&self) -> bool;
    fn item_json(&self) -> Value;
}

macro_rules! event {
    ($m:ident) => {
        impl Event for intercom_api::$m::webhooks::Event {
            fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown { .. })
            }
            fn item_json(&self) -> Value {
                self.item()
            }
        }
    };
}
#[cfg(feature = "v2_10")]
event!(v2_10);
#[cfg(feature = "v2_11")]
event!(v2_11);
#[cfg(feature = "v2_14")]
event!(v2_14);
#[cfg(feature = "v2_16")]
event!(v2_16);

fn parse_as<E: Event>(body: &[u8]) -> Result<Parsed, serde_json::Error> {
    let (n, event, drift) = notification::parse::<E>(body)?;
    Ok(Parsed {
        envelope: serde_json::to_value(&n)?,
        typed: !event.is_unknown(),
        item: event.item_json(),
        drift: drift.iter().map(|d| d.path().to_string()).collect(),
        drift_text: drift.iter().map(ToString::to_string).collect(),
    })
}

type Parser = fn(&[u8]) -> Result<Parsed, serde_json::Error>;

/// The parser of a version (its feature must be on).
fn parser(version: &str) -> Option<Parser> {
    match version {
        #[cfg(feature = "v2_10")]
        "2.10" => Some(parse_as::<intercom_api::v2_10::webhooks::Event>),
        #[cfg(feature = "v2_11")]
        "2.11" => Some(parse_as::<intercom_api::v2_11::webhooks::Event>),
        #[cfg(feature = "v2_14")]
        "2.14" => Some(parse_as::<intercom_api::v2_14::webhooks::Event>),
        #[cfg(feature = "v2_16")]
        "2.16" => Some(parse_as::<intercom_api::v2_16::webhooks::Event>),
        _ => None,
    }
}

fn notification(topic: &str, item: Value) -> Value {
    json!({
        "type": "notification_event",
        "app_id": "abc123",
        "id": "notif_1",
        "topic": topic,
        "created_at": 1_700_000_000,
        "delivery_attempts": 1,
        "first_sent_at": 1_700_000_000,
        "self": null,
        "data": { "type": "notification_event_data", "item": item },
        "links": {},
    })
}

/// The first example of component schema `schema`: a success response's whose schema is a `$ref`
/// to it, else the schema's own `example`.
fn example_of(spec: &Value, schema: &str) -> Option<Value> {
    let target = format!("#/components/schemas/{schema}");
    for item in spec.get("paths")?.as_object()?.values() {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            for (status, r) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !status.starts_with('2') {
                    continue;
                }
                let content = deref(spec, r).get("content").and_then(Value::as_object);
                for media in content.into_iter().flat_map(|c| c.values()) {
                    if media.pointer("/schema/$ref").and_then(Value::as_str) == Some(&target)
                        && let Some((_, ex)) = examples_of(spec, media).into_iter().next()
                    {
                        return Some(ex);
                    }
                }
            }
        }
    }
    spec.pointer(&format!("/components/schemas/{schema}/example"))
        .cloned()
}

#[test]
fn every_topic_decodes_from_spec_examples_and_round_trips() {
    let root = workspace();
    let topics = codegen::webhooks::load(&root).expect("specs/webhooks.toml");
    assert!(!topics.is_empty(), "no topics in specs/webhooks.toml");
    let mut failed = Vec::new();
    for pin in pins::pins_under_test(&root) {
        let Some(parse) = parser(&pin.version) else {
            failed.push(format!(
                "{}: no parser (run with --all-features)",
                pin.version
            ));
            continue;
        };
        let spec = codegen::specs::locate(&root, &pin).expect("spec");
        let raw = codegen::load::load_spec(&spec).expect("loads").doc.raw;
        let (mut n, mut decoded, mut round) = (0, 0, 0);
        let listed: Vec<_> = topics
            .iter()
            .filter(|t| t.listed_in(&pin.version))
            .collect();
        // Typed topics (decoded from their example) and the example's `type`, for the swap below.
        let mut typed: Vec<(&str, Value, String)> = Vec::new();
        for t in &listed {
            let Some(schema) = &t.schema else { continue };
            let Some(example) = example_of(&raw, schema) else {
                continue;
            };
            n += 1;
            let input = notification(&t.name, example.clone());
            let body = serde_json::to_vec(&input).expect("json");
            let parsed = match parse(&body) {
                Ok(p) => p,
                Err(e) => {
                    failed.push(format!("{} {}: {e}", pin.version, t.name));
                    continue;
                }
            };
            if parsed.typed && parsed.drift.is_empty() {
                decoded += 1;
                if let Some(kind) = example.get("type").and_then(Value::as_str) {
                    typed.push((&t.name, example.clone(), kind.to_string()));
                }
            } else {
                failed.push(format!(
                    "{} {}: not decoded ({:?})",
                    pin.version, t.name, parsed.drift
                ));
            }
            let lost = compare::differs(&input, &parsed.envelope)
                .or_else(|| compare::differs(&example, &parsed.item));
            match lost {
                None => round += 1,
                Some(d) => failed.push(format!("{} {}: {d}", pin.version, t.name)),
            }
        }
        // A topic the version does not list yet (`since`) is `Event::Unknown` there, item kept.
        for t in topics.iter().filter(|t| !t.listed_in(&pin.version)) {
            let item = json!({"type": "ticket", "id": "1"});
            let body = serde_json::to_vec(&notification(&t.name, item.clone())).expect("json");
            match parse(&body) {
                Ok(p) if !p.typed && p.item == item => {}
                Ok(_) => failed.push(format!(
                    "{} {}: unlisted but not Unknown",
                    pin.version, t.name
                )),
                Err(e) => failed.push(format!("{} {}: {e}", pin.version, t.name)),
            }
        }
        progress(&format!(
            "webhooks: {}: topics {}, decoded {decoded}/{n}, round trip {round}/{n}",
            pin.version,
            listed.len()
        ));
        let (detected, swapped) = wrong_kind(&pin.version, parse, &typed, &mut failed);
        progress(&format!(
            "webhooks: {}: wrong-kind items detected {detected}/{swapped}",
            pin.version
        ));
        if swapped == 0 {
            failed.push(format!("{}: no item to swap", pin.version));
        }
        if n == 0 {
            failed.push(format!("{}: no topic had an example", pin.version));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Every typed topic gets the example of the first other topic whose item has a different `type`:
/// the event must be `Unknown` with that item as received and exactly one drift record, at
/// `data.item.type`, naming the found type. Returns (detected, swapped).
fn wrong_kind(
    version: &str,
    parse: Parser,
    typed: &[(&str, Value, String)],
    failed: &mut Vec<String>,
) -> (usize, usize) {
    let (mut detected, mut swapped) = (0, 0);
    for (topic, _, kind) in typed {
        let Some((_, other, other_kind)) = typed.iter().find(|(_, _, k)| k != kind) else {
            continue;
        };
        swapped += 1;
        let body = serde_json::to_vec(&notification(topic, other.clone())).expect("json");
        let parsed = match parse(&body) {
            Ok(p) => p,
            Err(e) => {
                failed.push(format!("{version} {topic} (a {other_kind} item): {e}"));
                continue;
            }
        };
        let named = parsed.drift_text.len() == 1
            && parsed.drift_text[0].contains(&format!("expected {kind}"))
            && parsed.drift_text[0].contains(&format!("an object of type `{other_kind}`"));
        if !parsed.typed
            && parsed.drift == ["data.item.type"]
            && named
            && compare::differs(other, &parsed.item).is_none()
        {
            detected += 1;
        } else {
            failed.push(format!(
                "{version} {topic} (a {other_kind} item): typed {}, drift {:?}",
                parsed.typed, parsed.drift_text
            ));
        }
    }
    (detected, swapped)
}

#[cfg(feature = "v2_16")]
mod v2_16 {
    use intercom_api::v2_16::webhooks::{Event, Notification, parse, topics};
    use serde_json::json;

    #[test]
    fn an_item_a_value_cannot_hold_is_kept_as_its_text_with_a_record() {
        // Found by the mutation test: `1e999` is valid JSON but out of f64's range.
        let text = r#"{"type":"conversation","id":"7","created_at":1e999}"#;
        for topic in [
            topics::CONVERSATION_ADMIN_REPLIED,
            topics::CONTACT_LEAD_TAG_CREATED,
            "made.up",
        ] {
            let body = format!(
                r#"{{"type":"notification_event","topic":"{topic}","data":{{"type":"notification_event_data","item":{text}}}}}"#
            );
            let (n, event, drift) = parse(body.as_bytes()).expect("the envelope parses");
            let item = event.item();
            assert_eq!(item, serde_json::Value::String(text.to_string()), "{topic}");
            assert_eq!(n.data.as_ref().and_then(|d| d.item_value()), Some(item));
            let bytes = serde_json::to_vec(&n).expect("re-encodes as bytes");
            assert!(String::from_utf8_lossy(&bytes).contains(text), "{topic}");
            if topic != "made.up" {
                assert_eq!(drift.len(), 1, "{topic}: {drift:?}");
                assert_eq!(drift[0].path(), "data.item", "{topic}");
                assert!(
                    drift[0].to_string().contains("f64 range"),
                    "{topic}: {}",
                    drift[0]
                );
            }
        }
    }

    #[test]
    fn an_unknown_topic_is_unknown_with_its_item() {
        let body = super::notification("brand.new.topic", json!({"type": "thing", "id": "1"}));
        let (n, event, drift) = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(n.topic.as_deref(), Some("brand.new.topic"));
        assert!(drift.is_empty());
        assert_eq!(
            event,
            Event::Unknown {
                topic: "brand.new.topic".into(),
                item: json!({"type": "thing", "id": "1"})
            }
        );
        assert_eq!(event.topic(), None);
    }

    #[test]
    fn an_item_of_the_wrong_kind_is_kept_raw_with_drift() {
        for item in [json!("a string"), json!([1, 2]), json!(42), json!(null)] {
            let body = super::notification(topics::TICKET_CREATED, item.clone());
            let (_, event, drift) = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
            assert_eq!(
                event,
                Event::Unknown {
                    topic: topics::TICKET_CREATED.into(),
                    item: item.clone()
                }
            );
            assert_eq!(drift.len(), 1, "{item}");
            assert_eq!(drift[0].path(), "data.item");
        }
        // A typed topic with an object: the variant, boxed model.
        let body =
            super::notification(topics::TICKET_CREATED, json!({"type": "ticket", "id": "7"}));
        let (_, event, drift) = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert!(drift.is_empty(), "{drift:?}");
        assert_eq!(event.topic(), Some(topics::TICKET_CREATED));
        let Event::TicketCreated(ticket) = event else {
            panic!("{event:?}")
        };
        assert_eq!(ticket.id.as_deref(), Some("7"));
    }

    #[test]
    fn an_object_of_another_type_is_unknown_and_one_without_type_decodes() {
        let contact = json!({"type": "contact", "id": "1", "role": "user"});
        let body = super::notification(topics::CONVERSATION_ADMIN_REPLIED, contact.clone());
        let (_, event, drift) = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(
            event,
            Event::Unknown {
                topic: topics::CONVERSATION_ADMIN_REPLIED.into(),
                item: contact
            }
        );
        assert_eq!(drift.len(), 1, "{drift:?}");
        assert_eq!(drift[0].path(), "data.item.type");
        assert_eq!(drift[0].expected(), "conversation");
        assert_eq!(
            drift[0].action(),
            &intercom_api::drift::Action::OtherKind("contact".into())
        );
        let body = super::notification(topics::CONVERSATION_ADMIN_REPLIED, json!({"id": "9"}));
        let (_, event, drift) = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert!(drift.is_empty(), "{drift:?}");
        let Event::ConversationAdminReplied(conversation) = event else {
            panic!("{event:?}")
        };
        assert_eq!(conversation.id.as_deref(), Some("9"));
    }

    #[test]
    fn envelope_drift_is_kept_and_reported() {
        let mut body = super::notification(topics::TICKET_CREATED, json!({"type": "ticket"}));
        body["created_at"] = json!("yesterday");
        body["extra_member"] = json!(true);
        let (n, drift) = Notification::parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(n.created_at, None);
        assert_eq!(n.additional_properties["created_at"], "yesterday");
        assert_eq!(n.additional_properties["extra_member"], true);
        assert_eq!(drift.len(), 1);
        assert_eq!(drift[0].path(), "created_at");
        assert_eq!(serde_json::to_value(&n).unwrap(), body);
        // `data` of the wrong kind, and `data.type` of the wrong kind (path under `data`).
        let mut odd = body.clone();
        odd["data"]["type"] = json!(7);
        let (n, drift) = Notification::parse(&serde_json::to_vec(&odd).unwrap()).unwrap();
        assert_eq!(drift.len(), 2, "{drift:?}");
        assert_eq!(drift[1].path(), "data.type");
        assert_eq!(serde_json::to_value(&n).unwrap(), odd);
        let data = n.data.as_ref().unwrap();
        assert_eq!(data.item_value(), Some(json!({"type": "ticket"})));
        odd["data"] = json!([1, {"a": 2}]);
        let (n, drift) = Notification::parse(&serde_json::to_vec(&odd).unwrap()).unwrap();
        assert_eq!(drift.len(), 2, "{drift:?}");
        assert_eq!(drift[1].path(), "data");
        assert!(n.data.is_none());
        assert_eq!(serde_json::to_value(&n).unwrap(), odd);
        for bad in [&b"not json"[..], b"[1]", b"\"x\"", b""] {
            assert!(Notification::parse(bad).is_err());
        }
    }
}

/// Every JSON pointer of `value` below the root, in document order.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, &p, out);
            }
        }
        _ => {}
    }
}

/// A value of a JSON kind other than `old`'s (or another string: a new `type`, a new topic).
fn other_value(rng: &mut fastrand::Rng, old: &Value) -> Value {
    let pool = [
        json!("mutated"),
        json!(12),
        json!(-1.5),
        json!(true),
        Value::Null,
        json!([]),
        json!({}),
        json!([1, "a", {"k": null}]),
        json!({"k": "v", "n": 2}),
    ];
    loop {
        let v = pool[rng.usize(..pool.len())].clone();
        if v != *old {
            return v;
        }
    }
}

/// Mutated notifications, seeded (`WEBHOOK_SEED` replays a run): a member anywhere in the envelope
/// or the item replaced by a value of another kind must still parse, re-encode the envelope and the
/// event's item as received (nothing dropped: drift is kept raw); bytes flipped, inserted or cut
/// must never panic (an error or a parse, either is fine). Bounded in count and time.
#[cfg(feature = "v2_16")]
#[test]
fn mutated_notifications_parse_without_panics_and_lose_nothing() {
    use intercom_api::v2_16::webhooks::{parse, topics};
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::time::{Duration, Instant};

    let root = workspace();
    let pin = pins::pins_under_test(&root)
        .into_iter()
        .find(|p| p.version == "2.16")
        .expect("2.16 is pinned");
    let spec = codegen::specs::locate(&root, &pin).expect("spec");
    let raw = codegen::load::load_spec(&spec).expect("loads").doc.raw;
    let item = example_of(&raw, "conversation").expect("a conversation example");
    let base = notification(topics::CONVERSATION_ADMIN_REPLIED, item);
    let seed = std::env::var("WEBHOOK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    progress(&format!(
        "webhooks: mutations: seed {seed} (WEBHOOK_SEED={seed} replays it)"
    ));
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut places = Vec::new();
    pointers(&base, "", &mut places);
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut structural, mut parsed_ok, mut round) = (0, 0, 0);
    let mut failed = Vec::new();
    while structural < 1500 && Instant::now() < deadline {
        let mut input = base.clone();
        let place = &places[rng.usize(..places.len())];
        if let Some(node) = input.pointer_mut(place) {
            let new = other_value(&mut rng, node);
            *node = new;
        }
        structural += 1;
        let body = serde_json::to_vec(&input).expect("json");
        let Ok((n, event, drift)) = parse(&body) else {
            failed.push(format!("{place}: did not parse"));
            continue;
        };
        parsed_ok += 1;
        let envelope = serde_json::to_value(&n).expect("re-encodes");
        let mut lost = compare::differs(&input, &envelope);
        // The one documented reshaping of the decoded item: a bare array where a list object is
        // declared is decoded as the object's array member (`Action::DecodedAsMember`, recorded).
        let mut expected = input.clone();
        for d in &drift {
            if let intercom_api::drift::Action::DecodedAsMember(member) = d.action()
                && let Some(node) = expected.pointer_mut(&compare::drift_pointer(d.path()))
            {
                *node = json!({ *member: node.take() });
            }
        }
        if let Some(item) = expected.pointer("/data/item") {
            lost = lost.or_else(|| compare::differs(item, &event.item()));
        }
        match lost {
            None => round += 1,
            Some(d) => failed.push(format!("{place}: {d}")),
        }
    }
    let text = serde_json::to_vec(&base).expect("json");
    let (mut bytes, mut panics) = (0, 0);
    while bytes < 1500 && Instant::now() < deadline {
        let mut body = text.clone();
        let at = rng.usize(..body.len());
        match rng.u8(..3) {
            0 => body[at] = rng.u8(..),
            1 => body.insert(at, rng.u8(..)),
            _ => body.truncate(at),
        }
        bytes += 1;
        // An accepted body re-encodes (to bytes: an item a `Value` cannot hold, e.g. a number
        // out of f64 range, is kept as its text and only `to_value` of it fails).
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            parse(&body).map(|(n, e, _)| (serde_json::to_vec(&n).is_ok(), e.item()))
        }));
        match outcome {
            Err(_) => panics += 1,
            Ok(Ok((false, _))) => failed.push(format!("byte mutation at {at}: no re-encoding")),
            Ok(_) => {}
        }
    }
    progress(&format!(
        "webhooks: mutations: structural {structural}: parsed {parsed_ok}/{structural}, round trip {round}/{structural}; bytes {bytes}: panics {panics}"
    ));
    assert!(
        structural >= 100 && bytes >= 100,
        "too few mutations in the time bound"
    );
    assert_eq!(panics, 0, "seed {seed}");
    assert!(failed.is_empty(), "seed {seed}:\n{}", failed.join("\n"));
}
