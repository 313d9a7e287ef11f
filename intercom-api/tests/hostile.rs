//! Issue 12: a hostile-server soak test. A raw TCP server on 127.0.0.1 picks,
//! per request and at random (seeded; the seed is printed, `HOSTILE_SEED`
//! replays one), among a valid response, a truncated body, a wrong
//! `Content-Length`, garbage bytes, an HTML error page, a slow trickle, a
//! reset connection, 429/503 with odd `Retry-After` values, redirects and a
//! huge `Content-Length`. 2,000 calls and a few streams go through the
//! generated client with small timeouts. Asserted: no panic, every call ends
//! within its budget, every error is a documented `Error` kind, no page of a
//! stream is yielded twice. Last line:
//! `hostile: calls n, ok a, errors e, panics 0, max call time t ms`.
#![cfg(feature = "v2_11")]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use intercom_api::prelude::*;
use intercom_api::{Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "tok_hostile";
const CALLS: usize = 2_000;
const STREAMS: usize = 20;
const TIMEOUT: Duration = Duration::from_millis(150);
const MAX_ATTEMPTS: u32 = 2;
const MAX_RETRY_WAIT: Duration = Duration::from_millis(30);
const LIMIT: u64 = 256 * 1024;

/// Reads a request head (at most 64 KiB); its request line.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while head.len() < 64 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    text.lines().next().unwrap_or_default().to_owned()
}

fn response(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n{headers}\r\n{body}",
        body.len()
    )
}

/// A valid body for the request line: a contact list page (cursor `p<n>` up
/// to page 5, ids unique per page) for `/contacts`, else one contact.
fn valid_body(request_line: &str) -> String {
    let target = request_line.split(' ').nth(1).unwrap_or("/");
    if target.starts_with("/contacts?") || target == "/contacts" {
        let page: usize = target
            .split("starting_after=p")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let data: Vec<String> = (0..3)
            .map(|i| format!(r#"{{"type":"contact","id":"c-{page}-{i}"}}"#))
            .collect();
        let pages = if page < 5 {
            format!(
                r#"{{"type":"pages","next":{{"starting_after":"p{}"}}}}"#,
                page + 1
            )
        } else {
            r#"{"type":"pages"}"#.to_owned()
        };
        format!(
            r#"{{"type":"list","data":[{}],"total_count":18,"pages":{pages}}}"#,
            data.join(",")
        )
    } else {
        r#"{"type":"contact","id":"c1","email":"c1@example.com"}"#.to_owned()
    }
}

async fn misbehave(mut stream: TcpStream, choice: u32, odd: u32) {
    let line = read_head(&mut stream).await;
    let json = "content-type: application/json\r\n";
    let body = valid_body(&line);
    let bytes: Vec<u8> = match choice {
        // A valid response (most of the time).
        0..=39 => response("200 OK", json, &body).into_bytes(),
        // A truncated body: more announced than sent.
        40..=44 => {
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nconnection: close\r\n{json}content-length: {}\r\n\r\n",
                body.len() + 100
            )
            .into_bytes();
            r.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
            r
        }
        // A wrong Content-Length: fewer bytes announced than the body has.
        45..=49 => format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\n{json}content-length: {}\r\n\r\n{body}",
            body.len() / 3
        )
        .into_bytes(),
        // Garbage instead of HTTP.
        50..=54 => (0..200u32)
            .map(|i| u8::try_from((i * 37 + odd) % 256).unwrap_or(0))
            .collect(),
        // An HTML error page.
        55..=59 => response(
            "502 Bad Gateway",
            "content-type: text/html\r\n",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
        .into_bytes(),
        // A slow trickle, longer than the timeout (bounded: 10 writes).
        60..=61 => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nconnection: close\r\n{json}content-length: {}\r\n\r\n",
                body.len()
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for byte in body.as_bytes().iter().take(10) {
                tokio::time::sleep(Duration::from_millis(40)).await;
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
            }
            return;
        }
        // A reset connection.
        62..=66 => {
            let _ = stream.set_zero_linger();
            return;
        }
        // 429/503 with odd Retry-After values.
        67..=76 => {
            let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
            let values = [
                "0",
                "-1",
                "1e9",
                "abc",
                "99999999999",
                "0.001",
                "",
                past.as_str(),
            ];
            let value = values[usize::try_from(odd).unwrap_or(0) % values.len()];
            let status = if odd.is_multiple_of(2) {
                "429 Too Many Requests"
            } else {
                "503 Service Unavailable"
            };
            response(status, &format!("retry-after: {value}\r\n"), "").into_bytes()
        }
        // Redirects, elsewhere and to the same origin.
        77..=81 => {
            let location = if odd.is_multiple_of(2) {
                "http://10.255.255.1/x?sig=1"
            } else {
                "/contacts/c1"
            };
            response("302 Found", &format!("location: {location}\r\n"), "").into_bytes()
        }
        // A huge Content-Length.
        _ => format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\n{json}content-length: 4294967296\r\n\r\n{{"
        )
        .into_bytes(),
    };
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

async fn hostile_server(seed: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let rng = Arc::new(Mutex::new(fastrand::Rng::with_seed(seed)));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (choice, odd) = {
                let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
                (rng.u32(0..84), rng.u32(0..1000))
            };
            tokio::spawn(misbehave(stream, choice, odd));
        }
    });
    format!("http://{addr}")
}

/// Every error kind the documentation names.
fn documented(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport(_)
            | Error::Api(_)
            | Error::Decode(_)
            | Error::ResponseTooLarge(_)
            | Error::Redirect(_)
            | Error::Pagination(_)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_server_soak() {
    let seed = std::env::var("HOSTILE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    progress(&format!(
        "hostile: seed {seed} (HOSTILE_SEED={seed} replays it)"
    ));
    let base = hostile_server(seed).await;
    let client = Client::builder(TOKEN)
        .base_url(&base)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .max_attempts(MAX_ATTEMPTS)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .max_retry_wait(MAX_RETRY_WAIT)
        .max_response_bytes(LIMIT)
        .build()
        .expect("client");
    // Each attempt: its timeout; each retry: at most the longest wait (the
    // floor is at most twice the first backoff); plus scheduling slack.
    let budget = (TIMEOUT + MAX_RETRY_WAIT + Duration::from_millis(10)) * MAX_ATTEMPTS
        + Duration::from_millis(500);
    let (ok, errors, panics) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let mut max_call = Duration::ZERO;
    let mut undocumented = Vec::new();
    for _ in 0..CALLS {
        let client = client.clone();
        let started = Instant::now();
        let call = tokio::spawn(async move {
            let call = client.v2_11().contacts().show_contact("c1").send();
            tokio::time::timeout(budget, call).await
        });
        match call.await {
            Ok(Ok(Ok(_))) => ok.fetch_add(1, Ordering::Relaxed),
            Ok(Ok(Err(error))) => {
                if !documented(&error) {
                    undocumented.push(format!("{error:?}"));
                }
                errors.fetch_add(1, Ordering::Relaxed)
            }
            Ok(Err(_elapsed)) => panic!("a call took longer than its budget of {budget:?}"),
            Err(join) => {
                assert!(join.is_panic());
                panics.fetch_add(1, Ordering::Relaxed)
            }
        };
        max_call = max_call.max(started.elapsed());
    }
    // A few streams: no page is yielded twice, errors are documented.
    for _ in 0..STREAMS {
        let mut pages = client.v2_11().contacts().list_contacts().pages();
        let mut seen = HashSet::new();
        let run = async {
            let mut n = 0;
            while let Some(page) = pages.next().await {
                n += 1;
                assert!(n <= 20, "a stream of 6 pages went on");
                match page {
                    Ok(page) => {
                        let ids: Vec<String> = page
                            .into_body()
                            .data
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|c| c.id)
                            .collect();
                        assert!(seen.insert(ids.clone()), "page {ids:?} yielded twice");
                    }
                    Err(error) => assert!(documented(&error), "{error:?}"),
                }
            }
        };
        tokio::time::timeout(budget * 20, run)
            .await
            .expect("a stream ended within its budget");
    }
    assert!(undocumented.is_empty(), "{undocumented:?}");
    let panics = panics.load(Ordering::Relaxed);
    assert_eq!(panics, 0);
    progress(&format!(
        "hostile: calls {CALLS}, ok {}, errors {}, panics {panics}, max call time {} ms",
        ok.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        max_call.as_millis()
    ));
}

/// A line that shows even when the test passes: written to stderr directly, which libtest's
/// output capture (it only captures `print!`/`eprint!`) does not swallow.
fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
