//! Webhook topics two versions differ in (their `webhooks::Event` variants): a topic added, removed,
//! or whose item changed type. Compares the topics attached to each side
//! ([`crate::webhooks::attach`]); a side without topics (none attached) compares as having none.

use super::{Change, Context, Rule, Section};
use crate::ir::WebhookTopic;

/// The changes between the two sides' webhook topics, in topic order.
pub(crate) fn compare(cx: &Context<'_>) -> Vec<Change> {
    let in_new = |name: &str| cx.new.webhooks.iter().any(|t| t.name == name);
    let old_of = |name: &str| cx.old.webhooks.iter().find(|t| t.name == name);
    let mut out = Vec::new();
    for t in &cx.new.webhooks {
        let item = crate::webhooks::event_item(cx.new_vmod, &t.name);
        match old_of(&t.name) {
            None => out.push(change(
                t,
                item,
                None,
                Rule::WebhookTopicAdded,
                format!("new topic, item {}", item_type(t)),
            )),
            Some(o) if o.model != t.model => out.push(change(
                t,
                item,
                Some(crate::webhooks::event_item(cx.old_vmod, &t.name)),
                Rule::WebhookTopicRetyped,
                format!("item {} -> {}", item_type(o), item_type(t)),
            )),
            Some(_) => {}
        }
    }
    for t in &cx.old.webhooks {
        if !in_new(&t.name) {
            let item = crate::webhooks::event_item(cx.old_vmod, &t.name);
            out.push(change(
                t,
                item,
                None,
                Rule::WebhookTopicRemoved,
                format!("topic removed, item was {}", item_type(t)),
            ));
        }
    }
    out
}

fn change(
    t: &WebhookTopic,
    item: String,
    old_item: Option<String>,
    rule: Rule,
    message: String,
) -> Change {
    Change {
        section: Section::Webhooks,
        subject: t.name.clone(),
        item,
        old_item,
        rule,
        message,
    }
}

/// The Rust type of the topic's item in backticks: `` `Box<Ticket>` `` or `` `serde_json::Value` ``.
fn item_type(t: &WebhookTopic) -> String {
    format!("`{}`", crate::webhooks::item_spelling(t))
}
