//! Issue 22: the TLS backend is a feature (`rustls-tls`, default, or `native-tls`). With one, an
//! `https` call goes to the network (here: a closed port, so a connect error); with neither, it
//! fails before sending, naming the features.

use intercom_api::{Client, Error, Method};

/// An `https` base URL on a loopback port nothing listens on.
fn closed_https_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("https://127.0.0.1:{port}")
}

async fn call() -> Error {
    let client = Client::builder("tok_tls_features")
        .base_url(closed_https_url())
        .max_attempts(1)
        .build()
        .expect("client");
    client
        .request(Method::GET, "/me")
        .send_json()
        .await
        .expect_err("nothing listens")
}

#[cfg(any(feature = "rustls-tls", feature = "native-tls"))]
#[tokio::test]
async fn with_a_tls_backend_https_calls_are_sent() {
    let error = call().await;
    assert!(error.is_connect(), "{error:?}");
}

#[cfg(not(any(feature = "rustls-tls", feature = "native-tls")))]
#[tokio::test]
async fn without_a_tls_backend_https_calls_fail_naming_the_features() {
    let error = call().await;
    let Error::InvalidRequest(invalid) = &error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(invalid.message().contains("`rustls-tls`"), "{error}");
    assert!(invalid.message().contains("`native-tls`"), "{error}");
}

/// `intercom_api::reqwest` is the `reqwest` the client is built on: a client made from it is
/// accepted by `http_client` and used for the calls.
#[tokio::test]
async fn a_client_from_the_reexported_reqwest_is_used() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("x-from", "caller-client"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut defaults = intercom_api::reqwest::header::HeaderMap::new();
    defaults.insert(
        "x-from",
        intercom_api::reqwest::header::HeaderValue::from_static("caller-client"),
    );
    let http = intercom_api::reqwest::Client::builder()
        .redirect(intercom_api::reqwest::redirect::Policy::none())
        .default_headers(defaults)
        .build()
        .expect("reqwest client");
    let client = Client::builder("tok_tls_features")
        .base_url(server.uri())
        .http_client(http)
        .build()
        .expect("client");
    let me = client
        .request(Method::GET, "/me")
        .send_json()
        .await
        .expect("sent through the caller's client");
    assert_eq!(me["id"], "1");
}
