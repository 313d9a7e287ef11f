//! Issue 19.6: verifying + parsing a ~20 KiB `conversation.admin.replied` notification against
//! parsing the same bytes into `serde_json::Value`.
//!
//! The conversation is the pinned 2.16 spec's first response example of `conversation`, with
//! conversation parts added (comment parts with fresh ids) until the body is at least 20 KiB.
//! `cargo bench -p intercom-api --bench webhook --features webhooks` measures (median of 11
//! samples of at least 100 ms); under `cargo test --benches` (no `--bench`) each case runs once.

use std::hint::black_box;
use std::time::{Duration, Instant};

use intercom_api::v2_16::webhooks::{self, Event};
use serde_json::{Value, json};

const SECRET: &str = "bench-secret";

fn conversation() -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let pin = codegen::specs::load_pins(&root)
        .expect("pins")
        .into_iter()
        .find(|p| p.version == "2.16")
        .expect("2.16 pinned");
    let spec = codegen::specs::locate(&root, &pin).expect("spec");
    let raw = codegen::load::load_spec(&spec).expect("loads").doc.raw;
    let target = "#/components/schemas/conversation";
    let mut found = None;
    'search: for item in raw["paths"].as_object().expect("paths").values() {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            for r in op["responses"]
                .as_object()
                .into_iter()
                .flat_map(|r| r.values())
            {
                for media in r["content"]
                    .as_object()
                    .into_iter()
                    .flat_map(|c| c.values())
                {
                    if media.pointer("/schema/$ref").and_then(Value::as_str) == Some(target) {
                        let ex = media.get("example").cloned().or_else(|| {
                            media["examples"]
                                .as_object()
                                .and_then(|m| m.values().next())
                                .map(|e| e["value"].clone())
                        });
                        if ex.is_some() {
                            found = ex;
                            break 'search;
                        }
                    }
                }
            }
        }
    }
    found.expect("a conversation example")
}

fn body() -> Vec<u8> {
    let mut conversation = conversation();
    let mut parts = Vec::new();
    loop {
        let n = parts.len();
        parts.push(json!({
            "type": "conversation_part", "id": format!("{}", 1000 + n), "part_type": "comment",
            "body": format!("<p>Reply number {n}: thanks, we are looking into it.</p>"),
            "created_at": 1_700_000_000 + n, "updated_at": 1_700_000_000 + n,
            "notified_at": 1_700_000_000 + n, "assigned_to": null,
            "author": {"type": "admin", "id": "991267", "name": "Ciaran", "email": "admin@example.com"},
            "attachments": [], "external_id": null, "redacted": false,
        }));
        conversation["conversation_parts"] = json!({"type": "conversation_part.list", "conversation_parts": parts, "total_count": parts.len()});
        let body = serde_json::to_vec(&json!({
            "type": "notification_event", "app_id": "abc123", "id": "notif_1",
            "topic": "conversation.admin.replied", "created_at": 1_700_000_000,
            "delivery_attempts": 1, "first_sent_at": 1_700_000_000,
            "data": {"type": "notification_event_data", "item": conversation},
        }))
        .expect("json");
        if body.len() >= 20 * 1024 {
            return body;
        }
    }
}

fn median(mut f: impl FnMut(), samples: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..samples {
        let start = Instant::now();
        let mut runs = 0u32;
        while start.elapsed() < Duration::from_millis(100) {
            f();
            runs += 1;
        }
        times.push(start.elapsed() / runs);
    }
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let body = body();
    let header = intercom_api::webhooks::sign(SECRET, &body);
    let typed = || {
        intercom_api::webhooks::verify(SECRET, header.as_str(), &body).expect("verifies");
        let (_, event, drift) = webhooks::parse(&body).expect("parses");
        assert!(drift.is_empty(), "{drift:?}");
        assert!(matches!(event, Event::ConversationAdminReplied(_)));
        black_box(event);
    };
    let value = || {
        black_box(serde_json::from_slice::<Value>(&body).expect("json"));
    };
    if !std::env::args().any(|a| a == "--bench") {
        typed();
        value();
        return;
    }
    let (mut v, mut t) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        v.push(median(value, 1));
        t.push(median(typed, 1));
    }
    v.sort();
    t.sort();
    let (v, t) = (v[5], t[5]);
    let mb = |d: Duration| body.len() as f64 / d.as_secs_f64() / 1e6;
    println!(
        "webhook: {} bytes: Value {:.1} us ({:.0} MB/s), verify+parse {:.1} us ({:.0} MB/s), ratio {:.2}",
        body.len(),
        v.as_secs_f64() * 1e6,
        mb(v),
        t.as_secs_f64() * 1e6,
        mb(t),
        t.as_secs_f64() / v.as_secs_f64()
    );
}
