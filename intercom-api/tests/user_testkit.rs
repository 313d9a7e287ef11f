use futures_util::TryStreamExt;
use intercom_api::prelude::*;
use intercom_api::testing::{MockServer, Reply};
use intercom_api::v2_16::mock::ops;
use intercom_api::v2_16::models::{
    AdminReplyTicketRequestMessageType, ReplyTicketRequest, ReplyTicketRequestAdmin, SearchRequest,
    SingleFilterSearchRequest, SingleFilterSearchRequestOperator as Op,
};
use intercom_api::{Client, Error};
use serde_json::json;

/// The code under test: replies to every open ticket, across all pages.
async fn acknowledge_open_tickets(client: &Client) -> Result<usize, Error> {
    let open = SingleFilterSearchRequest::new()
        .with_field("state")
        .with_operator(Op::Equals)
        .with_value("open");
    let tickets: Vec<_> = client
        .v2_16()
        .tickets()
        .search_tickets(SearchRequest::new(open))
        .stream()
        .try_collect()
        .await?;
    let mut replied = 0;
    for ticket in tickets.into_iter().flatten() {
        let Some(id) = ticket.id else { continue };
        let reply = ReplyTicketRequestAdmin {
            body: Some("We are on it.".to_owned()),
            ..ReplyTicketRequestAdmin::new(AdminReplyTicketRequestMessageType::Comment, "991")
        };
        client
            .v2_16()
            .tickets()
            .reply_ticket(id, reply)
            .send()
            .await?;
        replied += 1;
    }
    Ok(replied)
}

#[tokio::test]
async fn every_open_ticket_gets_a_reply_across_two_pages_and_a_429() {
    let mock = MockServer::v2_16().await;
    // Page 1, then a rate limit, then page 2 (the client retries the 429).
    let page1 = json!({"type": "ticket.list", "tickets": [{"type": "ticket", "id": "t1"}],
        "pages": {"type": "pages", "next": {"starting_after": "cursor-2"}}});
    let page2 = json!({"type": "ticket.list", "tickets": [{"type": "ticket", "id": "t2"}]});
    let search = || {
        mock.on(ops::SEARCH_TICKETS)
            .expect("a 2.16 operation")
            .times(1)
    };
    search().reply(Reply::json(page1));
    search().reply(Reply::rate_limited(0));
    search().reply(Reply::json(page2));

    let replied = acknowledge_open_tickets(&mock.client())
        .await
        .expect("succeeds");

    assert_eq!(replied, 2);
    // Typed recording: path parameters by name, bodies decoded into the request type.
    let replies = mock.received(ops::REPLY_TICKET);
    let ids: Vec<_> = replies
        .iter()
        .filter_map(|r| r.path_param("ticket_id"))
        .collect();
    assert_eq!(ids, ["t1", "t2"]);
    for reply in &replies {
        let Ok(ReplyTicketRequest::Admin(sent)) = &reply.body else {
            panic!("an admin reply, not {:?}", reply.body)
        };
        assert_eq!(sent.body.as_deref(), Some("We are on it."));
    }
    let searches = mock.received(ops::SEARCH_TICKETS);
    assert_eq!(searches.len(), 3, "page 1, the 429, page 2 again");
    let cursor = searches[2]
        .body
        .as_ref()
        .ok()
        .and_then(|b| b.pagination.clone());
    assert_eq!(
        cursor.and_then(|p| p.starting_after).as_deref(),
        Some("cursor-2")
    );
    assert!(mock.unknown_requests().is_empty());
}
// ---- README ends here: the README's "Testing your code" block is everything above. ----

/// The README's "Testing your code" section shows the example above verbatim.
#[test]
fn readme_shows_this_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README.md");
    let this = std::fs::read_to_string(root.join("tests/user_testkit.rs")).expect("this file");
    let example = this
        .split_once("\n// ---- README ends here")
        .map(|(code, _)| code)
        .expect("the marker");
    let block = readme
        .split_once("\n## Testing your code\n")
        .and_then(|(_, section)| section.split_once("\n```rust\n"))
        .and_then(|(_, rest)| rest.split_once("\n```\n"))
        .map(|(code, _)| code)
        .expect("README.md has a `## Testing your code` section with a ```rust block");
    assert_eq!(
        block.trim_end(),
        example.trim_end(),
        "the README's Testing your code block must be the top of tests/user_testkit.rs"
    );
}

/// `mock.pages` serves items across pages in each operation's own style, walked by `.stream()`.
#[tokio::test]
async fn pages_are_served_in_each_operations_pagination_style() {
    let mock = MockServer::v2_16().await;
    let client = mock.client();
    let ids = |prefix: &str| (1..=5).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    let items = |prefix: &str| {
        ids(prefix)
            .into_iter()
            .map(|id| json!({"id": id}))
            .collect::<Vec<_>>()
    };

    // Search: the cursor goes in the request body.
    mock.pages(ops::SEARCH_TICKETS, &items("t"), 2)
        .expect("paginated");
    let open = SingleFilterSearchRequest::new()
        .with_field("state")
        .with_operator(Op::Equals)
        .with_value("open");
    let tickets: Vec<_> = client
        .v2_16()
        .tickets()
        .search_tickets(SearchRequest::new(open))
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    let got: Vec<_> = tickets.into_iter().flatten().filter_map(|t| t.id).collect();
    assert_eq!(got, ids("t"));
    assert_eq!(mock.received(ops::SEARCH_TICKETS).len(), 3);

    // Cursor in the query.
    mock.pages(ops::LIST_CONTACTS, &items("c"), 2)
        .expect("paginated");
    let contacts: Vec<_> = client
        .v2_16()
        .contacts()
        .list_contacts()
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    let got: Vec<_> = contacts.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(got, ids("c"));

    // Page numbers.
    mock.pages(ops::LIST_CALLS, &items("k"), 2)
        .expect("paginated");
    let calls: Vec<_> = client
        .v2_16()
        .calls()
        .list_calls()
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    let got: Vec<_> = calls.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(got, ids("k"));
    let calls = mock.received(ops::LIST_CALLS);
    let pages: Vec<Option<&str>> = calls.iter().map(|r| r.query_param("page")).collect();
    assert_eq!(pages, [None, Some("2"), Some("3")]);

    // Scroll: the parameter echoed back, until an empty page.
    mock.pages(ops::SCROLL_OVER_ALL_COMPANIES, &items("s"), 2)
        .expect("paginated");
    let companies: Vec<_> = client
        .v2_16()
        .companies()
        .scroll_over_all_companies()
        .stream()
        .try_collect()
        .await
        .expect("three pages and an empty one");
    let got: Vec<_> = companies.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(got, ids("s"));

    // Not paginated: a clear error.
    let err = mock
        .pages(ops::REPLY_TICKET, &items("x"), 2)
        .expect_err("not paginated");
    assert!(err.to_string().contains("replyTicket"), "{err}");
}

/// Typed recording: path parameters percent-decoded by their template names, decoded query pairs,
/// a body that is not the request type kept as an error (never dropped), `()` for no body; the
/// `&str` forms still give the raw requests.
#[tokio::test]
async fn typed_records_decode_path_query_and_body_and_keep_a_wrong_body_as_an_error() {
    use intercom_api::Method;
    let mock = MockServer::v2_16().await;
    let client = mock.client();
    let reply = ReplyTicketRequestAdmin::new(AdminReplyTicketRequestMessageType::Note, "7");
    client
        .v2_16()
        .tickets()
        .reply_ticket("t 1/ü", reply)
        .send()
        .await
        .expect("default answer");
    // A body that is not a `ReplyTicketRequest`, sent through the escape hatch.
    client
        .request(Method::POST, "/tickets/t2/reply")
        .api_version("2.16")
        .json(json!({"type": "robot", "body": 3}))
        .send_json()
        .await
        .expect("default answer");
    let replies = mock.received(ops::REPLY_TICKET);
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].path_param("ticket_id"), Some("t 1/ü"));
    let Ok(ReplyTicketRequest::Admin(sent)) = &replies[0].body else {
        panic!("{:?}", replies[0].body)
    };
    assert_eq!(sent.admin_id, "7");
    assert_eq!(replies[1].path_param("ticket_id"), Some("t2"));
    let err = replies[1]
        .body
        .as_ref()
        .expect_err("not a ReplyTicketRequest");
    assert!(err.to_string().contains("robot"), "{err}");
    // No body: `()`; the query decoded.
    client
        .request(Method::GET, "/contacts")
        .api_version("2.16")
        .query_param("starting_after", "a b&c")
        .query_param("per_page", "5")
        .send_json()
        .await
        .expect("default answer");
    let lists = mock.received(ops::LIST_CONTACTS);
    assert!(lists[0].body.is_ok(), "{:?}", lists[0].body);
    assert_eq!(lists[0].query_param("starting_after"), Some("a b&c"));
    assert_eq!(lists[0].query_param("per_page"), Some("5"));
    // The `&str` form: the raw requests.
    let raw = mock.received("replyTicket");
    assert_eq!(raw.len(), 2);
    assert!(raw[0].path.starts_with("/tickets/t%201"), "{}", raw[0].path);
    // Straight to stderr (not captured), so the line shows in CI logs.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "mock: 2.16: typed recording: replyTicket ticket_id {:?}, a wrong body kept as an error: {err}",
        replies[0].path_param("ticket_id").unwrap_or_default()
    );
}

/// `testing::notification` builds the body Intercom posts, signed: it verifies with the client
/// secret (not with another), and parses into the topic's `Event` variant; an unknown topic is
/// `Event::Unknown`.
#[test]
fn a_mock_notification_verifies_and_parses_into_the_topics_event() {
    use intercom_api::testing::{MOCK_CLIENT_SECRET, notification, notification_signed};
    use intercom_api::v2_16::webhooks::{self, Event, topics};
    use intercom_api::webhooks::{SignatureError, verify};

    let item = json!({"type": "conversation", "id": "c1", "state": "open"});
    let n = notification(topics::CONVERSATION_ADMIN_REPLIED, &item).expect("serializes");
    verify(MOCK_CLIENT_SECRET, n.signature.as_str(), &n.body).expect("a valid signature");
    assert!(matches!(
        verify("another-secret", n.signature.as_str(), &n.body),
        Err(SignatureError::Mismatch)
    ));
    let (envelope, event, drift) = webhooks::parse(&n.body).expect("a JSON object");
    assert!(drift.is_empty(), "{drift:?}");
    assert_eq!(envelope.type_.as_deref(), Some("notification_event"));
    assert_eq!(
        envelope.topic.as_deref(),
        Some(topics::CONVERSATION_ADMIN_REPLIED)
    );
    assert_eq!(envelope.delivery_attempts, Some(1));
    let data = envelope.data.as_ref().expect("data");
    assert_eq!(data.type_.as_deref(), Some("notification_event_data"));
    let Event::ConversationAdminReplied(conversation) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(conversation.id.as_deref(), Some("c1"));
    let typed = event.topic();

    // Your app's secret; a topic this crate does not know.
    let n = notification_signed("s3cret", "made.up.topic", &json!({"x": 1})).expect("serializes");
    verify("s3cret", n.signature.as_str(), n.body_str()).expect("a valid signature");
    let (_, unknown, _) = webhooks::parse(&n.body).expect("a JSON object");
    let Event::Unknown { topic, item } = &unknown else {
        panic!("{unknown:?}")
    };
    assert_eq!((topic.as_str(), item), ("made.up.topic", &json!({"x": 1})));
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "mock: 2.16: notification: signature verified; the event's topic {typed:?}; made.up.topic gives Event::Unknown (topic() = {:?})",
        unknown.topic()
    );
}
