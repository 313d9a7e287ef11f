//! The mock server of `intercom_api::testing` (issue 20.1), for every pinned version whose feature
//! is enabled: every operation answers by default at its method and path (with `X-Request-Id` and
//! `X-RateLimit-*`), and the body it serves decodes into the operation's generated response type.
//! Prints `mock: <v>: operations answered by default n/n, decoded by the client n/n` and fails
//! below 100%; decoded strictly, as the mock's client decodes (a body with drift does not count). Also: 401 without a bearer token, 400 for a wrong `Intercom-Version`, 404 for an
//! unknown path (recorded), and the recording of each operation's requests.

#[path = "generated/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod generated;

#[path = "support/compare.rs"]
#[allow(dead_code)]
mod compare;
#[path = "support/pins.rs"]
mod pins;
#[path = "support/examples.rs"]
#[allow(dead_code)]
mod support;

pub use compare::{leftovers, roundtrip};
use intercom_api::testing::{MockOperation, MockServer};
use intercom_api::{Error, Method};
use serde_json::Value;
use support::{progress, workspace};

/// `op.path` with every `{param}` replaced by `mock-param`.
fn concrete_path(op: &MockOperation) -> String {
    op.path
        .split('/')
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => format!("mock-{name}"),
                None => seg.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// Calls `op` through the client: `(answered as the table says, decoded into its type, problem)`.
async fn check(
    mock: &MockServer,
    dispatch: &generated::Dispatch,
    op: &MockOperation,
) -> (bool, bool, String) {
    let method = Method::from_bytes(op.method.as_bytes()).expect("table methods are HTTP methods");
    let call = mock
        .client()
        .request(method, concrete_path(op))
        .api_version(op.version)
        .send_with_response::<Value>()
        .await;
    let response = match call {
        Ok(response) => response,
        // An operation whose only answer is a redirect: the client returns it, unfollowed.
        Err(Error::Redirect(r)) if (300..400).contains(&op.status) => {
            return (r.status().as_u16() == op.status, true, String::new());
        }
        Err(e) => return (false, false, format!("{}: {e}", op.operation_id)),
    };
    let headers = response.headers();
    let answered = response.status().as_u16() == op.status
        && [
            "x-request-id",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ]
        .iter()
        .all(|h| headers.contains_key(*h));
    if op.content_type != Some("application/json") {
        return (answered, true, String::new());
    }
    let status = op.status.to_string();
    // Decoded strictly, as the mock's client decodes: a member kept raw (drift) fails it.
    let (decoded, drifted) = intercom_api::drift::collect(|| {
        (dispatch.response)(op.operation_id, &status, response.body())
    });
    match decoded {
        Some(Ok(_)) if drifted.is_empty() => (answered, true, String::new()),
        Some(Ok(_)) => {
            let drifted: Vec<String> = drifted.iter().map(ToString::to_string).collect();
            let drifted = drifted.join("; ");
            (
                answered,
                false,
                format!("{}: drift: {drifted}", op.operation_id),
            )
        }
        Some(Err(e)) => (answered, false, format!("{}: {e}", op.operation_id)),
        None => (
            answered,
            false,
            format!("{}: no generated type for {status}", op.operation_id),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_by_default_and_decodes() {
    let root = workspace();
    let mut checked = 0;
    for pin in pins::pins_under_test(&root) {
        let version = pin.version.as_str();
        let (Some(mock), Some(dispatch)) = (
            generated::mock_server(version).await,
            generated::dispatch(version),
        ) else {
            continue;
        };
        checked += 1;
        let total = mock.operations().len();
        let (mut answered, mut decoded, mut problems) = (0, 0, Vec::new());
        for op in mock.operations() {
            let (a, d, problem) = check(&mock, &dispatch, op).await;
            answered += usize::from(a);
            decoded += usize::from(d);
            if !a || !d {
                problems.push(format!("{problem} (answered: {a})"));
            }
        }
        progress(&format!(
            "mock: {version}: operations answered by default {answered}/{total}, decoded by the client {decoded}/{total}"
        ));
        assert!(total > 0, "{version}: the mock serves no operation");
        assert!(problems.is_empty(), "{version}: {problems:#?}");
        assert!(
            mock.unknown_requests().is_empty(),
            "{version}: {:#?}",
            mock.unknown_requests()
        );
        assert_eq!(
            mock.received_requests().len(),
            total,
            "{version}: one request per operation"
        );
    }
    assert!(checked > 0, "no version feature enabled");
}

/// The first operation of the first enabled version with a GET and no path parameter.
async fn any_mock() -> (MockServer, MockOperation) {
    let root = workspace();
    for pin in pins::pins_under_test(&root) {
        if let Some(mock) = generated::mock_server(&pin.version).await {
            let op = *mock
                .operations()
                .iter()
                .find(|op| op.method == "GET" && !op.path.contains('{') && op.status == 200)
                .expect("a GET without parameters");
            return (mock, op);
        }
    }
    panic!("no version feature enabled");
}

#[tokio::test]
async fn without_a_bearer_token_the_mock_answers_401_with_intercoms_error_body() {
    let (mock, op) = any_mock().await;
    let http = intercom_api::reqwest::Client::new();
    let url = format!("{}{}", mock.uri(), op.path);
    let r = http
        .get(&url)
        .header("Intercom-Version", op.version)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers().contains_key("x-request-id"));
    let body: Value =
        serde_json::from_slice(&r.bytes().await.expect("body")).expect("JSON error body");
    assert_eq!(body["type"], "error.list");
    assert_eq!(body["errors"][0]["code"], "unauthorized");
    // With a token, the same request is answered.
    let r = http
        .get(&url)
        .bearer_auth("any")
        .header("Intercom-Version", op.version)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), op.status);
}

#[tokio::test]
async fn a_wrong_intercom_version_is_rejected_through_the_client() {
    let (mock, op) = any_mock().await;
    let err = mock
        .client()
        .request(Method::GET, op.path)
        .api_version("1.0")
        .send_json()
        .await
        .expect_err("version 1.0 is not served");
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status().as_u16(), 400);
    assert!(
        api.to_string().contains("intercom_version_invalid"),
        "{api}"
    );
}

#[tokio::test]
async fn requests_are_recorded_per_operation_and_unknown_paths_answer_404() {
    let (mock, op) = any_mock().await;
    let client = intercom_api::testing::client_for(&mock);
    client
        .request(Method::GET, op.path)
        .api_version(op.version)
        .query_param("per_page", "5")
        .send_json()
        .await
        .expect("default answer");
    let err = client
        .request(Method::GET, "/no-such-endpoint/1")
        .api_version(op.version)
        .send_json()
        .await
        .expect_err("unknown path");
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status().as_u16(), 404);
    let received = mock.received(op.operation_id);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].query, "per_page=5");
    assert_eq!(received[0].path, op.path);
    let unknown = mock.unknown_requests();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].path, "/no-such-endpoint/1");
    assert_eq!(unknown[0].operation_id, None);
}

#[tokio::test]
async fn scripted_rules_apply_in_order_for_their_times_then_the_default_answer_returns() {
    use intercom_api::testing::Reply;
    let (mock, op) = any_mock().await;
    let drifted = serde_json::json!({"type": "drifted", "count": "three"});
    mock.on(op.operation_id)
        .expect("served")
        .times(2)
        .reply(Reply::rate_limited(0));
    mock.on(op.operation_id)
        .expect("served")
        .times(1)
        .reply(Reply::json(drifted.clone()));
    mock.on(op.operation_id)
        .expect("served")
        .times(1)
        .reply(Reply::error(404));
    let call = || {
        mock.client()
            .request(Method::GET, op.path)
            .api_version(op.version)
            .send_with_response::<Value>()
    };
    // Two 429s (retried by the client after `Retry-After: 0`), then the raw JSON.
    let first = call().await.expect("the client retries the 429s");
    assert_eq!(first.body(), &drifted);
    assert_eq!(mock.received(op.operation_id).len(), 3);
    // Then the scripted error with Intercom's error body.
    let err = call().await.expect_err("scripted 404");
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status().as_u16(), 404);
    assert!(api.to_string().contains("not_found"), "{api}");
    // Rules used up: the default answer again, with the default headers.
    let third = call().await.expect("default answer");
    let default: Value = serde_json::from_str(op.body).expect("default JSON");
    assert_eq!(third.body(), &default);
    assert!(third.request_id().is_some_and(|id| id.starts_with("mock-")));
}

#[tokio::test]
async fn a_scripted_delay_holds_the_answer_and_a_model_is_serialized() {
    use intercom_api::testing::Reply;
    use std::time::{Duration, Instant};
    let (mock, op) = any_mock().await;
    let value = serde_json::json!({"type": "list", "data": []});
    let reply = Reply::model(&value)
        .expect("serializes")
        .with_delay(Duration::from_millis(300));
    mock.on(op.operation_id).expect("served").reply(reply);
    let started = Instant::now();
    let body = mock
        .client()
        .request(Method::GET, op.path)
        .api_version(op.version)
        .send_json()
        .await
        .expect("answered");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(body, value);
    // A rule without `times` applies from then on.
    let again = mock
        .client()
        .request(Method::GET, op.path)
        .api_version(op.version)
        .send_json()
        .await
        .expect("answered");
    assert_eq!(again, value);
}

#[tokio::test]
async fn scripting_an_operation_the_version_lacks_is_an_error_naming_it() {
    let (mock, _) = any_mock().await;
    let err = mock.on("noSuchOperation").expect_err("unknown id");
    assert_eq!(err.operation_id, "noSuchOperation");
    assert!(err.to_string().contains("noSuchOperation"), "{err}");
}

#[tokio::test]
async fn a_scripted_connection_reset_is_a_transport_error_the_client_retries() {
    use intercom_api::testing::{MOCK_TOKEN, Reply};
    use std::time::Duration;
    let (mock, op) = any_mock().await;
    let client = |attempts: u32| {
        intercom_api::Client::builder(MOCK_TOKEN)
            .base_url(mock.uri())
            .max_attempts(attempts)
            .initial_backoff(Duration::from_millis(10))
            .build()
            .expect("a loopback client")
    };
    let call = |client: intercom_api::Client| async move {
        client
            .request(Method::GET, op.path)
            .api_version(op.version)
            .send_json()
            .await
    };
    // With retries: the reset, then the default answer.
    mock.on(op.operation_id)
        .expect("served")
        .times(1)
        .reply(Reply::connection_reset());
    let body = call(client(3)).await.expect("retried past the reset");
    let default: Value = serde_json::from_str(op.body).expect("default JSON");
    assert_eq!(body, default);
    let with_retries = mock.received(op.operation_id).len();
    assert_eq!(with_retries, 2, "the reset and the retry");
    // Without retries: the call fails with a transport error.
    mock.on(op.operation_id)
        .expect("served")
        .times(1)
        .reply(Reply::connection_reset());
    let err = call(client(1)).await.expect_err("no retry past the reset");
    let Error::Transport(transport) = &err else {
        panic!("a transport error, not {err:?}")
    };
    assert_eq!(transport.attempts(), 1);
    assert_eq!(mock.received(op.operation_id).len(), 3);
    progress(&format!(
        "mock: connection reset: with retries answered after {with_retries} requests; without: {err}"
    ));
}

/// `.times(n)` under concurrent requests: each of 48 parallel calls takes one rule use, so exactly
/// `n` see the scripted error and the rest the default answer; every request is recorded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rule_with_times_is_used_exactly_n_times_by_concurrent_requests() {
    use intercom_api::testing::{MOCK_TOKEN, Reply};
    let (mock, op) = any_mock().await;
    let client = intercom_api::Client::builder(MOCK_TOKEN)
        .base_url(mock.uri())
        .max_attempts(1)
        .build()
        .expect("a loopback client");
    mock.on(op.operation_id)
        .expect("served")
        .times(13)
        .reply(Reply::error(503));
    let calls = (0..48).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .request(Method::GET, op.path)
                .api_version(op.version)
                .send_json()
                .await
        })
    });
    let (mut scripted, mut default) = (0, 0);
    for call in calls {
        match call.await.expect("the task ran") {
            Ok(_) => default += 1,
            Err(Error::Api(e)) if e.status().as_u16() == 503 => scripted += 1,
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    progress(&format!(
        "mock: concurrent rule use: 48 calls, scripted {scripted} (times 13), default {default}"
    ));
    assert_eq!((scripted, default), (13, 35));
    assert_eq!(mock.received(op.operation_id).len(), 48);
}
