//! Issue 22: one `Client` shared by 64 tasks against a loopback server that enforces a rate
//! limit the way Intercom does (per window, `X-RateLimit-*` headers on every response, 429 with
//! `Retry-After` past the limit), with the window scaled down to 1 s. The tasks mix cursor
//! lists, page-number lists, searches and writes, for a bounded number of calls. Checked: few
//! 429s after the first window, throughput near the limit, no item lost or yielded twice, no
//! write lost or done twice, peak memory that does not grow with the call count; and, under the
//! same load, calls and streams dropped mid-way (timeouts) leave the client usable and its
//! pacing consistent. The same load with pacing off is the baseline (BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use intercom_api::prelude::*;
use intercom_api::v2_16::models;
use intercom_api::{CallOptions, Client, RateLimitPacing};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Calls allowed per window.
const LIMIT: u64 = 60;
/// The window (Intercom: 10 s; `X-RateLimit-Reset` is whole Unix seconds, so 1 s here).
const WINDOW_MS: u64 = 1000;
/// Concurrent tasks sharing the client.
const TASKS: usize = 64;
/// Items of each listing, and per page.
const ITEMS: usize = 30;
const PER_PAGE: usize = 10;

/// What the server saw.
#[derive(Default)]
struct Seen {
    /// Per window (index = Unix ms / WINDOW_MS): calls served, calls refused with 429.
    windows: HashMap<u64, (u64, u64)>,
    /// Note bodies created (counted per body).
    notes: HashMap<String, u64>,
}

/// The loopback Intercom: one limit for every route.
#[derive(Clone, Default)]
struct Server {
    seen: Arc<Mutex<Seen>>,
}

impl Server {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn unix_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

impl Respond for Server {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let now = unix_ms();
        let window = now / WINDOW_MS;
        let reset = ((window + 1) * WINDOW_MS).div_ceil(1000);
        let mut seen = self.seen();
        let served = seen.windows.get(&window).map_or(0, |w| w.0);
        let limited = |remaining: u64, status: u16| {
            ResponseTemplate::new(status)
                .insert_header("x-ratelimit-limit", LIMIT.to_string())
                .insert_header("x-ratelimit-remaining", remaining.to_string())
                .insert_header("x-ratelimit-reset", reset.to_string())
        };
        if served >= LIMIT {
            seen.windows.entry(window).or_default().1 += 1;
            let retry_after = (reset * 1000).saturating_sub(now).div_ceil(1000).max(1);
            return limited(0, 429)
                .insert_header("retry-after", retry_after.to_string())
                .set_body_json(json!({
                    "type": "error.list",
                    "errors": [{"code": "rate_limit_exceeded",
                                "message": format!("Exceeded rate limit of {LIMIT} in 1_seconds")}]
                }));
        }
        seen.windows.entry(window).or_default().0 += 1;
        let body = route(request, &mut seen);
        limited(LIMIT - served - 1, 200).set_body_json(body)
    }
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The ids of the page after `after` (`None`: the first page).
fn page_after(prefix: &str, after: Option<usize>) -> (Vec<Value>, Option<usize>) {
    let start = after.map_or(0, |a| a + 1);
    let end = (start + PER_PAGE).min(ITEMS);
    let data = (start..end)
        .map(|n| json!({"type": prefix, "id": format!("{prefix}-{n}")}))
        .collect();
    (data, (end < ITEMS).then_some(end - 1))
}

fn cursor_of(value: Option<&str>, prefix: &str) -> Option<usize> {
    value?.strip_prefix(prefix)?.parse().ok()
}

fn route(request: &Request, seen: &mut Seen) -> Value {
    let path = request.url.path();
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    match (request.method.as_str(), path) {
        ("GET", "/contacts") => {
            let after = cursor_of(query(request, "starting_after").as_deref(), "cursor-");
            let (data, next) = page_after("contact", after);
            let pages = match next {
                Some(n) => {
                    json!({"type": "pages", "next": {"starting_after": format!("cursor-{n}")}})
                }
                None => json!({"type": "pages"}),
            };
            json!({"type": "list", "data": data, "total_count": ITEMS, "pages": pages})
        }
        ("POST", "/contacts/search") => {
            let after = cursor_of(
                body["pagination"]["starting_after"].as_str(),
                "search-cursor-",
            );
            let (data, next) = page_after("found", after);
            let pages = match next {
                Some(n) => {
                    json!({"type": "pages", "next": {"starting_after": format!("search-cursor-{n}")}})
                }
                None => json!({"type": "pages"}),
            };
            json!({"type": "list", "data": data, "total_count": ITEMS, "pages": pages})
        }
        ("POST", "/companies/list") => {
            let page: usize = query(request, "page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            let after = (page > 1).then(|| (page - 1) * PER_PAGE - 1);
            let (data, _) = page_after("company", after);
            json!({"type": "list", "data": data, "total_count": ITEMS,
                   "pages": {"type": "pages", "page": page, "per_page": PER_PAGE,
                             "total_pages": ITEMS.div_ceil(PER_PAGE)}})
        }
        ("POST", _) if path.ends_with("/notes") => {
            let text = body["body"].as_str().unwrap_or_default().to_owned();
            *seen.notes.entry(text.clone()).or_default() += 1;
            json!({"type": "note", "id": text, "body": text})
        }
        _ => json!({"type": "error"}),
    }
}

/// Counts of one run, from the tasks' side.
#[derive(Default)]
struct Tally {
    lost: AtomicU64,
    duplicated: AtomicU64,
}

/// Checks the ids a listing yielded against the expected `prefix-0..ITEMS`.
fn check_items(tally: &Tally, prefix: &str, ids: &[String]) {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for id in ids {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let mut lost = 0;
    let mut duplicated = 0;
    for n in 0..ITEMS {
        match counts.remove(format!("{prefix}-{n}").as_str()) {
            None => lost += 1,
            Some(c) => duplicated += c - 1,
        }
    }
    // Anything else yielded is an item the server never had.
    duplicated += counts.values().sum::<u64>();
    tally.lost.fetch_add(lost, Ordering::Relaxed);
    tally.duplicated.fetch_add(duplicated, Ordering::Relaxed);
}

/// One job of a task: a listing of each kind or a write.
async fn job(client: &Client, tally: &Tally, task: usize, round: usize) {
    let api = client.v2_16();
    match (task + round) % 4 {
        0 => {
            let ids = collect(api.contacts().list_contacts().stream()).await;
            check_items(tally, "contact", &ids);
        }
        1 => {
            let ids = collect(api.companies().list_all_companies().per_page(10).stream()).await;
            check_items(tally, "company", &ids);
        }
        2 => {
            let filter = models::SingleFilterSearchRequest::new()
                .with_field("role")
                .with_operator(models::SingleFilterSearchRequestOperator::Equals)
                .with_value("user");
            let ids = collect(
                api.contacts()
                    .search_contacts(models::ContactSearchRequest::new(filter))
                    .stream(),
            )
            .await;
            check_items(tally, "found", &ids);
        }
        _ => {
            let text = format!("note-{task}-{round}");
            let note = api
                .notes()
                .create_note(1, models::CreateNoteRequest::new(text.clone()))
                .send()
                .await;
            match note {
                Ok(note) if note.id.as_deref() == Some(text.as_str()) => {}
                Ok(_) => {
                    tally.lost.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    eprintln!("write error: {error}");
                    tally.lost.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

/// The ids a stream yields, up to its first error (what follows an error is lost).
async fn collect<T: HasId>(
    mut stream: impl futures_util::Stream<Item = Result<T, intercom_api::Error>> + Unpin,
) -> Vec<String> {
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => ids.push(item.id()),
            Err(error) => {
                eprintln!("stream error: {error}");
                break;
            }
        }
    }
    ids
}

trait HasId {
    fn id(&self) -> String;
}
impl HasId for models::Contact {
    fn id(&self) -> String {
        self.id.clone().unwrap_or_default()
    }
}
impl HasId for models::Company {
    fn id(&self) -> String {
        self.id.clone().unwrap_or_default()
    }
}

/// What one run measured.
struct Run {
    calls: u64,
    refused: u64,
    refused_after_first: u64,
    lost: u64,
    duplicated: u64,
    throughput: f64,
    wall: Duration,
    peak_mib: f64,
    /// Served / refused per window, in order.
    windows: String,
}

impl Run {
    fn line(&self) -> String {
        format!(
            "load: tasks {TASKS}, calls {}, 429s {}, lost {}, duplicated {}, throughput {:.0}% of \
             the limit, peak memory {:.1} MiB",
            self.calls, self.refused, self.lost, self.duplicated, self.throughput, self.peak_mib
        )
    }
}

fn client(base: &str, pacing: RateLimitPacing) -> Client {
    Client::builder("tok_rate_limit_load")
        .base_url(base)
        .rate_limit(pacing)
        // Enough for every call to get through without pacing (the baseline).
        .max_attempts(50)
        .max_retry_wait(Duration::from_secs(30))
        .initial_backoff(Duration::from_millis(20))
        .build()
        .expect("client")
}

/// Runs `rounds` jobs on each of the 64 tasks (plus `cancellers` tasks that drop calls and
/// streams mid-way), then reads the server's record.
async fn run(
    pacing: RateLimitPacing,
    rounds: usize,
    cancellers: usize,
) -> (Run, Client, Server, MockServer) {
    reset_peak_rss();
    let server = Server::default();
    let mock = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(server.clone())
        .mount(&mock)
        .await;
    let client = client(&mock.uri(), pacing);
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let cancelled = Arc::new(AtomicU64::new(0));
    let mut canceller_tasks = Vec::new();
    for c in 0..cancellers {
        let client = client.clone();
        let stop = Arc::clone(&stop);
        let cancelled = Arc::clone(&cancelled);
        canceller_tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let limit = Duration::from_micros((i * 7919 + c as u64 * 104_729) % 4000);
                let api = client.v2_16();
                let dropped = match i % 3 {
                    0 => tokio::time::timeout(
                        limit,
                        api.notes()
                            .create_note(2, models::CreateNoteRequest::new("cancel"))
                            .send(),
                    )
                    .await
                    .is_err(),
                    1 => {
                        // A stream dropped mid-listing (after its first item when it gets one).
                        let mut stream = api.contacts().list_contacts().stream();
                        tokio::select! {
                            _ = async { while stream.next().await.is_some() {} } => false,
                            () = tokio::time::sleep(limit) => true,
                        }
                    }
                    _ => tokio::time::timeout(
                        limit,
                        api.companies()
                            .list_all_companies()
                            .options(CallOptions::new().max_attempts(1))
                            .send(),
                    )
                    .await
                    .is_err(),
                };
                if dropped {
                    cancelled.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let client = client.clone();
        let tally = Arc::clone(&tally);
        tasks.push(tokio::spawn(async move {
            for round in 0..rounds {
                job(&client, &tally, task, round).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let wall = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in canceller_tasks {
        task.await.expect("canceller");
    }
    if cancellers > 0 {
        progress(&format!(
            "load cancellation: {} calls and streams dropped mid-way by {cancellers} extra tasks",
            cancelled.load(Ordering::Relaxed)
        ));
    }
    let seen = server.seen();
    let mut windows: Vec<(u64, (u64, u64))> = seen.windows.iter().map(|(k, v)| (*k, *v)).collect();
    windows.sort_unstable();
    let calls: u64 = windows.iter().map(|(_, (s, r))| s + r).sum();
    let refused: u64 = windows.iter().map(|(_, (_, r))| r).sum();
    let refused_after_first: u64 = windows.iter().skip(1).map(|(_, (_, r))| r).sum();
    // Throughput over the windows the run spanned entirely (not its first and last).
    let first = windows.first().map_or(0, |w| w.0);
    let last = windows.last().map_or(0, |w| w.0);
    let full: Vec<u64> = (first + 1..last)
        .map(|w| seen.windows.get(&w).map_or(0, |c| c.0))
        .collect();
    let throughput = if full.is_empty() {
        0.0
    } else {
        100.0 * full.iter().sum::<u64>() as f64 / (LIMIT as f64 * full.len() as f64)
    };
    let notes_duplicated: u64 = seen
        .notes
        .iter()
        .filter(|(body, _)| body.starts_with("note-"))
        .map(|(_, n)| n.saturating_sub(1))
        .sum();
    drop(seen);
    let run = Run {
        calls,
        refused,
        refused_after_first,
        lost: tally.lost.load(Ordering::Relaxed),
        duplicated: tally.duplicated.load(Ordering::Relaxed) + notes_duplicated,
        throughput,
        wall,
        peak_mib: peak_rss_mib(),
        windows: windows
            .iter()
            .map(|(_, (s, r))| {
                if *r > 0 {
                    format!("{s}+{r}x429")
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    (run, client, server, mock)
}

/// Starts a new peak-RSS measurement (`VmHWM` set to the current RSS, Linux 4.0+), so a run's
/// peak is its own and not an earlier run's; without it the peak only grows.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident set of this process (`VmHWM`), in MiB; 0 where `/proc` has none.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Checks the goals of a paced run.
fn assert_goals(run: &Run) {
    assert_eq!(run.lost, 0, "{}", run.line());
    assert_eq!(run.duplicated, 0, "{}", run.line());
    assert!(
        run.refused_after_first * 100 <= run.calls,
        "429s after the first window: {} of {} calls; {}",
        run.refused_after_first,
        run.calls,
        run.line()
    );
    assert!(run.throughput >= 90.0, "{}", run.line());
}

/// One test, so the phases do not share the process's memory peak or the CPU with each other.
#[test]
fn sixty_four_tasks_share_one_client_within_the_rate_limit() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let test_started = Instant::now();
        // Pacing on, two call counts: memory must not grow with the count.
        let (small, ..) = run(RateLimitPacing::on(), 2, 0).await;
        progress(&small.line());
        let (large, ..) = run(RateLimitPacing::on(), 4, 0).await;
        progress(&large.line());
        progress(&format!(
            "load detail (pacing on): calls {} / {}, 429s after the first window {} / {}, wall {:.2} s / {:.2} s, peak memory {:.1} / {:.1} MiB",
            small.calls,
            large.calls,
            small.refused_after_first,
            large.refused_after_first,
            small.wall.as_secs_f64(),
            large.wall.as_secs_f64(),
            small.peak_mib,
            large.peak_mib
        ));
        progress(&format!(
            "load windows (served per 1 s window, limit {LIMIT}): small [{}], large [{}]",
            small.windows, large.windows
        ));
        assert_goals(&small);
        assert_goals(&large);
        assert!(large.calls > small.calls * 3 / 2, "the large run makes more calls");
        assert!(
            large.peak_mib <= small.peak_mib + 8.0,
            "peak memory grew with the call count: {:.1} -> {:.1} MiB",
            small.peak_mib,
            large.peak_mib
        );

        // The same load (small) without pacing: the baseline.
        let (off, ..) = run(RateLimitPacing::off(), 2, 0).await;
        progress(&format!(
            "load (pacing off): tasks {TASKS}, calls {}, 429s {}, lost {}, duplicated {}, throughput {:.0}% of the limit, wall {:.2} s",
            off.calls, off.refused, off.lost, off.duplicated, off.throughput, off.wall.as_secs_f64()
        ));
        progress(&format!("load windows (pacing off): [{}]", off.windows));
        assert_eq!(off.lost + off.duplicated, 0, "retries get every call through");

        // Cancellation under the same load: 16 more tasks drop calls and streams mid-way.
        let (cancel, client, server, _mock) = run(RateLimitPacing::on(), 2, 16).await;
        progress(&format!("load with cancellations: {}", cancel.line()));
        assert_eq!(cancel.lost + cancel.duplicated, 0, "{}", cancel.line());
        // No permit leaked: in a fresh window the client still sends a whole window's worth of
        // calls at once. A leaked permit would stay counted in flight and shrink every window from
        // then on; a response that overtakes an earlier-admitted call's makes the pacer hold one
        // call for the next window (it counts by admission order and stays on the safe side), so
        // the burst is measured over two windows: all served, none refused, no window over the
        // limit, and at least all but one in the first.
        let next = (unix_ms() / WINDOW_MS + 1) * WINDOW_MS + 50;
        tokio::time::sleep(Duration::from_millis(next - unix_ms())).await;
        let window = unix_ms() / WINDOW_MS;
        let burst_started = Instant::now();
        let burst: Vec<_> = (0..LIMIT)
            .map(|_| tokio::spawn(client.v2_16().companies().list_all_companies().send()))
            .collect();
        for call in burst {
            call.await.expect("task").expect("served");
        }
        let burst_wall = burst_started.elapsed();
        let seen = server.seen();
        let first = seen.windows.get(&window).copied().unwrap_or_default();
        let second = seen.windows.get(&(window + 1)).copied().unwrap_or_default();
        progress(&format!(
            "load after cancellations: {LIMIT} calls in {} ms, served {} in the first window and {} in the next, 429s {}",
            burst_wall.as_millis(),
            first.0,
            second.0,
            first.1 + second.1
        ));
        assert_eq!(first.1 + second.1, 0, "no call refused after cancellations");
        assert_eq!(first.0 + second.0, LIMIT, "every call of the burst served once");
        assert!(
            first.0 + 1 >= LIMIT,
            "the first window is usable after cancellations: {first:?}"
        );
        assert!(burst_wall < Duration::from_millis(2 * WINDOW_MS), "{burst_wall:?}");
        progress(&format!(
            "load: test wall time {:.1} s",
            test_started.elapsed().as_secs_f64()
        ));
    });
}
