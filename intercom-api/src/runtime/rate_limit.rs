//! Client-wide pacing from Intercom's rate-limit headers.
//!
//! Every clone of a [`Client`](super::Client) shares one [`Pacer`]. Each response's
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` update what the pacer
//! knows about the current window; before each attempt the pacer admits the call when the window
//! still has room for it, and otherwise makes it wait for the reset. Room is counted by
//! admission number: a response to the call admitted `n`-th that says `remaining` leaves
//! `remaining - (calls admitted after it) - reserve` (the calls admitted before it have been
//! counted by the server, those after it may not have been; counting every call still in flight
//! instead would count twice the ones whose response is on its way, and stall a burst). A 429 pauses every call of the client until the window resets. Waiting callers
//! queue in FIFO order (a fair `tokio` mutex is the queue), and the ones released by a reset or
//! the end of a pause are spaced over [`RELEASE_SPREAD`], so a reset does not fire them all at
//! once. The state sits behind a `std::sync::Mutex` that is never held across an `.await`.
//!
//! A permit counts its call as in flight until its response is seen or the permit is dropped
//! (a cancelled call), so cancellation cannot leak capacity: a dropped call still counts against
//! its window (it may have reached the server), and the next window starts afresh.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::error::RateLimitedError;
use super::response::RateLimit;

/// The interval over which the calls released together (by a window reset or the end of a
/// pause after a 429) are spread, one every `RELEASE_SPREAD / (limit - reserve)`.
pub(crate) const RELEASE_SPREAD: Duration = Duration::from_millis(100);

/// How a [`Client`](super::Client) paces its calls by Intercom's rate-limit headers; set with
/// [`ClientBuilder::rate_limit`](super::ClientBuilder::rate_limit).
///
/// On by default with no reserve: the clones of a client share what the last response said
/// about the rate-limit window, calls wait for the window's reset when it has no room left
/// instead of being sent and refused, and a 429 pauses every call of the client until the reset.
/// Pacing holds a call only while its waits so far (pacing and retry waits together) stay within
/// [`max_retry_wait`](super::ClientBuilder::max_retry_wait); a call that would have to wait longer
/// fails at once with [`Error::RateLimited`](super::Error::RateLimited), without being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitPacing {
    enabled: bool,
    reserve: u64,
}

impl RateLimitPacing {
    /// No pacing: each call reacts to its own 429 only (by retrying after the wait the server
    /// asks for).
    pub const fn off() -> Self {
        Self {
            enabled: false,
            reserve: 0,
        }
    }

    /// Pacing that uses the whole window (the default).
    pub const fn on() -> Self {
        Self {
            enabled: true,
            reserve: 0,
        }
    }

    /// Pacing that leaves `reserve` calls of every window unused, for other processes of the
    /// same Intercom app (at most `limit - 1` is kept back, so a call is always possible).
    pub const fn with_reserve(reserve: u64) -> Self {
        Self {
            enabled: true,
            reserve,
        }
    }

    /// Whether pacing is on.
    pub const fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The calls of each window kept for other processes.
    pub const fn reserve(&self) -> u64 {
        self.reserve
    }
}

impl Default for RateLimitPacing {
    fn default() -> Self {
        Self::on()
    }
}

/// The shared pacing state of a client.
pub(crate) struct Pacer {
    pacing: RateLimitPacing,
    /// The queue of waiting callers: its holder is the only one deciding (and sleeping).
    gate: tokio::sync::Mutex<()>,
    state: Mutex<State>,
    /// Signalled whenever a call leaves the in-flight count.
    released: Notify,
}

/// What the pacer knows.
#[derive(Debug, Default)]
struct State {
    window: Option<Window>,
    /// Calls admitted so far (the last admission's number).
    admitted: u64,
    /// Calls admitted whose response has not been seen yet.
    in_flight: u64,
    /// No call before this instant (after a 429).
    paused_until: Option<Instant>,
    /// Until this instant, admissions are spaced (after a reset or a pause).
    spread_until: Option<Instant>,
    /// The earliest admission while spacing.
    next_slot: Option<Instant>,
}

/// The current rate-limit window, as the latest response of it reported.
#[derive(Debug, Clone, Copy)]
struct Window {
    limit: u64,
    /// The lowest `X-RateLimit-Remaining` reported for the window.
    remaining: u64,
    /// The window allows calls while `admitted < base` (`remaining` + the number of the call
    /// whose response reported it; the lowest over the window's responses).
    base: u64,
    /// The reset has passed and no response of the next window has been seen: `base` counts the
    /// whole limit from the admissions at that point (calls then in flight included).
    rolled: bool,
    /// `X-RateLimit-Reset` as sent (Unix seconds): orders windows by the server's clock.
    reset_unix: u64,
    /// The same point on the local monotonic clock, computed when the snapshot was taken.
    reset_at: Instant,
}

/// Why a caller waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// The window has no room left: until its reset.
    Window,
    /// A 429 paused the client.
    Paused,
    /// Released with others: its turn in the spread.
    Spread,
    /// Every call the window allows is in flight: until one completes.
    InFlight,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Window => "window exhausted",
            Reason::Paused => "paused after 429",
            Reason::Spread => "spreading a release",
            Reason::InFlight => "window in flight",
        }
    }
}

/// The outcome of one look at the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// Admitted (already counted in flight).
    Go,
    /// Not before this instant.
    WaitUntil(Instant, Reason),
    /// Not before a call in flight completes.
    WaitForRelease,
}

/// A call admitted by the [`Pacer`]: counted in flight until [`Permit::finish`] or drop.
pub(crate) struct Permit<'a> {
    pacer: Option<&'a Pacer>,
    /// The admission's number.
    seq: u64,
}

impl Permit<'_> {
    /// The attempt got a response with `status` and `headers`: updates the window (and pauses
    /// the client on a 429, for at most `max_pause`), then releases the permit.
    pub(crate) fn finish(mut self, status: StatusCode, headers: &HeaderMap, max_pause: Duration) {
        if let Some(pacer) = self.pacer.take() {
            let (now, now_sys) = (Instant::now(), SystemTime::now());
            pacer.observe(status, headers, max_pause, self.seq, now, now_sys);
            pacer.release();
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // A cancelled call or one without a response (transport error): only the count.
        if let Some(pacer) = self.pacer.take() {
            pacer.release();
        }
    }
}

impl Pacer {
    pub(crate) fn new(pacing: RateLimitPacing) -> Self {
        Self {
            pacing,
            gate: tokio::sync::Mutex::new(()),
            state: Mutex::new(State::default()),
            released: Notify::new(),
        }
    }

    /// The pacing settings.
    pub(crate) fn pacing(&self) -> RateLimitPacing {
        self.pacing
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state stays consistent whatever panicked while holding it (plain counters).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last reported window, for errors and tracing.
    fn snapshot(&self) -> RateLimit {
        let state = self.state();
        state.window.map_or_else(RateLimit::default, |w| RateLimit {
            limit: Some(w.limit),
            remaining: Some(w.remaining),
            reset: Some(w.reset_unix),
        })
    }

    /// Waits until the window has room for one more call, at most `budget`; returns the
    /// permit and how long it waited, or [`RateLimitedError`] when the wait would exceed
    /// `budget`. Cancel-safe: dropping the future leaves the queue and counts nothing.
    pub(crate) async fn admit(
        &self,
        budget: Duration,
    ) -> Result<(Permit<'_>, Duration), RateLimitedError> {
        if !self.pacing.enabled {
            return Ok((
                Permit {
                    pacer: None,
                    seq: 0,
                },
                Duration::ZERO,
            ));
        }
        let started = Instant::now();
        let deadline = started.checked_add(budget).unwrap_or_else(far_future);
        let limited = |needed: Option<Duration>| {
            RateLimitedError::new(self.snapshot(), started.elapsed(), needed, budget)
        };
        let Ok(_turn) = tokio::time::timeout_at(deadline, self.gate.lock()).await else {
            return Err(limited(None));
        };
        let mut woken = false;
        loop {
            let decision = {
                let mut state = self.state();
                state.decide(Instant::now(), self.pacing.reserve, woken)
            };
            match decision {
                Decision::Go => return Ok((self.permit(), started.elapsed())),
                Decision::WaitUntil(at, reason) => {
                    if at > deadline {
                        return Err(limited(Some(at.saturating_duration_since(Instant::now()))));
                    }
                    if reason != Reason::Spread {
                        self.trace_wait(reason, at.saturating_duration_since(Instant::now()));
                    }
                    tokio::time::sleep_until(at).await;
                    woken |= reason != Reason::Spread;
                }
                Decision::WaitForRelease => {
                    let released = self.released.notified();
                    tokio::pin!(released);
                    // Registered before the second look, so a release in between is not missed.
                    released.as_mut().enable();
                    let again = self
                        .state()
                        .decide(Instant::now(), self.pacing.reserve, woken);
                    if again == Decision::Go {
                        return Ok((self.permit(), started.elapsed()));
                    }
                    if again != Decision::WaitForRelease {
                        continue;
                    }
                    self.trace_wait(Reason::InFlight, Duration::ZERO);
                    if tokio::time::timeout_at(deadline, released).await.is_err() {
                        return Err(limited(None));
                    }
                }
            }
        }
    }

    /// The permit of the admission just counted.
    fn permit(&self) -> Permit<'_> {
        Permit {
            pacer: Some(self),
            seq: self.state().admitted,
        }
    }

    /// The tracing event of a wait.
    fn trace_wait(&self, reason: Reason, wait: Duration) {
        let window = self.snapshot();
        tracing::info!(
            reason = reason.as_str(),
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            limit = window.limit,
            remaining = window.remaining,
            reset = window.reset,
            "waiting for Intercom's rate-limit window"
        );
    }

    fn release(&self) {
        {
            let mut state = self.state();
            state.in_flight = state.in_flight.saturating_sub(1);
        }
        self.released.notify_waiters();
    }

    /// Takes in what a response says about the window.
    fn observe(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        max_pause: Duration,
        seq: u64,
        now: Instant,
        now_sys: SystemTime,
    ) {
        let reported = RateLimit::from_headers(headers);
        let pause = (status == StatusCode::TOO_MANY_REQUESTS)
            .then(|| super::retry::server_wait_hint(status, headers, now_sys))
            .flatten();
        let mut state = self.state();
        state.observe(reported, seq, now, now_sys);
        if status == StatusCode::TOO_MANY_REQUESTS {
            // The window is spent, whatever the headers said.
            let admitted = state.admitted;
            if let Some(window) = &mut state.window {
                window.remaining = 0;
                window.base = window.base.min(admitted);
            }
            // Until the reset when it is known and ahead, else what the server asked.
            let until = state
                .window
                .map(|w| w.reset_at)
                .filter(|at| *at > now)
                .or_else(|| pause.and_then(|p| now.checked_add(p)));
            if let Some(until) = until {
                let until = until.min(now.checked_add(max_pause).unwrap_or_else(far_future));
                state.paused_until = state.paused_until.max(Some(until));
            }
        }
    }
}

impl State {
    /// Updates the window from a response's headers: a later window replaces the known one, the
    /// same window keeps the lowest `remaining` (responses can arrive out of order), an earlier
    /// one is ignored. Without `Limit` and `Remaining` nothing changes.
    fn observe(&mut self, reported: RateLimit, seq: u64, now: Instant, now_sys: SystemTime) {
        let (Some(limit), Some(remaining)) = (reported.limit, reported.remaining) else {
            return;
        };
        let Some(reset_unix) = reported.reset else {
            return;
        };
        let until_reset = reported
            .reset_at()
            .and_then(|at| at.duration_since(now_sys).ok())
            .unwrap_or(Duration::ZERO);
        let fresh = Window {
            limit,
            remaining,
            base: remaining.saturating_add(seq),
            rolled: false,
            reset_unix,
            reset_at: now.checked_add(until_reset).unwrap_or_else(far_future),
        };
        match &mut self.window {
            // A late response of a window already over: the next one's count stands.
            Some(known) if reset_unix == known.reset_unix && known.rolled => {}
            Some(known) if reset_unix == known.reset_unix => {
                known.limit = limit;
                known.remaining = known.remaining.min(remaining);
                known.base = known.base.min(fresh.base);
            }
            Some(known) if reset_unix < known.reset_unix => {}
            _ => self.window = Some(fresh),
        }
    }

    /// Whether a call may go now; counts it in flight if so. `woken` is true for a caller that
    /// has already waited for a reset or a pause (it is part of a release and takes a slot).
    fn decide(&mut self, now: Instant, reserve: u64, woken: bool) -> Decision {
        if let Some(until) = self.paused_until {
            if until > now {
                return Decision::WaitUntil(until, Reason::Paused);
            }
            self.paused_until = None;
            self.start_spread(now);
        }
        let (admitted, in_flight) = (self.admitted, self.in_flight);
        let Some(window) = self.window.as_mut() else {
            return self.go();
        };
        if !window.rolled && window.reset_at <= now {
            // The window is over: the next one has the whole limit, less the calls in flight
            // (the server may count them in it).
            window.rolled = true;
            window.base = window
                .limit
                .saturating_add(admitted)
                .saturating_sub(in_flight);
        }
        let window = *window;
        let reserve = reserve.min(window.limit.saturating_sub(1));
        if window.base.saturating_sub(admitted) <= reserve {
            if !window.rolled {
                return Decision::WaitUntil(window.reset_at, Reason::Window);
            }
            // The next window's reset is not known yet: the responses in flight will say it.
            // With nothing in flight there is nothing to learn from: the server decides.
            if in_flight > 0 {
                return Decision::WaitForRelease;
            }
        }
        if woken && self.spread_until.is_none_or(|end| end <= now) {
            // This caller waited for a reset or a pause that just passed: a release starts.
            self.start_spread(now);
        }
        if let Some(end) = self.spread_until {
            if end > now {
                let slot = self.next_slot.unwrap_or(now);
                if slot > now {
                    return Decision::WaitUntil(slot, Reason::Spread);
                }
                let share = window.limit.saturating_sub(reserve).max(1);
                let step = RELEASE_SPREAD / u32::try_from(share).unwrap_or(u32::MAX);
                self.next_slot = Some(now + step);
            } else {
                self.spread_until = None;
                self.next_slot = None;
            }
        }
        self.go()
    }

    /// Counts an admission.
    fn go(&mut self) -> Decision {
        self.admitted += 1;
        self.in_flight += 1;
        Decision::Go
    }

    fn start_spread(&mut self, now: Instant) {
        self.spread_until = Some(now + RELEASE_SPREAD);
        self.next_slot = Some(now);
    }
}

/// An instant no wait reaches (about 30 years ahead).
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365 * 30)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::sync::Arc;

    const T0: u64 = 1_700_000_000;

    fn sys(at: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(at)
    }

    fn headers(limit: u64, remaining: u64, reset: u64) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in [
            ("x-ratelimit-limit", limit),
            ("x-ratelimit-remaining", remaining),
            ("x-ratelimit-reset", reset),
        ] {
            map.insert(name, HeaderValue::from(value));
        }
        map
    }

    /// A pacer that has seen one response: `remaining` of `limit` left, reset 2 s ahead.
    fn pacer_with(limit: u64, remaining: u64, reserve: u64) -> Pacer {
        let pacer = Pacer::new(RateLimitPacing::with_reserve(reserve));
        pacer.observe(
            StatusCode::OK,
            &headers(limit, remaining, T0 + 2),
            Duration::from_secs(60),
            0,
            Instant::now(),
            sys(T0),
        );
        pacer
    }

    fn in_flight(pacer: &Pacer) -> u64 {
        pacer.state().in_flight
    }

    const BUDGET: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn admits_while_the_window_has_room_then_waits_for_the_reset() {
        let pacer = pacer_with(10, 3, 0);
        let start = Instant::now();
        let mut permits = Vec::new();
        for _ in 0..3 {
            let (permit, waited) = pacer.admit(BUDGET).await.expect("room");
            assert_eq!(waited, Duration::ZERO);
            permits.push(permit);
        }
        assert_eq!(in_flight(&pacer), 3);
        // The fourth waits for the reset, 2 s later (the window then has its whole limit).
        let (_fourth, waited) = pacer.admit(BUDGET).await.expect("after the reset");
        assert_eq!(waited, Duration::from_secs(2));
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
        assert_eq!(in_flight(&pacer), 4);
        drop(permits);
        assert_eq!(in_flight(&pacer), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_reserve_is_kept_for_other_processes() {
        let pacer = pacer_with(10, 3, 2);
        let (_first, waited) = pacer.admit(BUDGET).await.expect("room for one");
        assert_eq!(waited, Duration::ZERO);
        let (_second, waited) = pacer.admit(BUDGET).await.expect("after the reset");
        assert_eq!(waited, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_budget_is_an_error_with_the_window() {
        let pacer = pacer_with(10, 0, 0);
        let start = Instant::now();
        let error = match pacer.admit(Duration::from_millis(500)).await {
            Err(error) => error,
            Ok(_) => panic!("the window is spent for 2 s"),
        };
        // It gives up at once: the reset is known to be past the budget.
        assert_eq!(Instant::now(), start);
        assert_eq!(error.needed(), Some(Duration::from_secs(2)));
        assert_eq!(error.rate_limit().remaining, Some(0));
        assert_eq!(error.rate_limit().limit, Some(10));
        assert_eq!(in_flight(&pacer), 0);
        let shown = error.to_string();
        assert!(shown.contains("0 of 10 left"), "{shown}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_every_caller_until_the_reset() {
        let pacer = pacer_with(10, 8, 0);
        let (permit, _) = pacer.admit(BUDGET).await.expect("room");
        permit.finish(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(10, 0, T0 + 2),
            BUDGET,
        );
        // Remaining said 8, but the 429 wins: everyone waits for the reset.
        let start = Instant::now();
        let (_permit, waited) = pacer.admit(BUDGET).await.expect("after the pause");
        assert_eq!(waited, Duration::from_secs(2));
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pause_is_capped_by_the_wait_budget() {
        let pacer = pacer_with(10, 8, 0);
        let (permit, _) = pacer.admit(BUDGET).await.expect("room");
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from(600));
        permit.finish(StatusCode::TOO_MANY_REQUESTS, &h, Duration::from_secs(1));
        let paused = pacer.state().paused_until.expect("paused") - Instant::now();
        assert!(paused <= Duration::from_secs(2), "{paused:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_released_by_a_reset_are_spread_in_order() {
        let pacer = Arc::new(pacer_with(10, 0, 0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..10 {
            let pacer = Arc::clone(&pacer);
            tasks.push(tokio::spawn(async move {
                let (permit, _) = pacer.admit(BUDGET).await.expect("after the reset");
                std::mem::forget(permit);
                (i, Instant::now())
            }));
            // Queue in a known order.
            tokio::task::yield_now().await;
        }
        let mut admitted = Vec::new();
        for task in tasks {
            admitted.push(task.await.expect("task"));
        }
        let step = RELEASE_SPREAD / 10;
        for (i, at) in admitted {
            let expected = Duration::from_secs(2) + step * i;
            assert_eq!(at - start, expected, "caller {i}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_window_in_flight_waits_for_a_response() {
        // The reset has passed (the window has its whole limit) but all of it is in flight.
        let pacer = Arc::new(pacer_with(2, 2, 0));
        let (a, _) = pacer.admit(BUDGET).await.expect("room");
        let (_b, _) = pacer.admit(BUDGET).await.expect("room");
        tokio::time::advance(Duration::from_secs(3)).await;
        let waiter = {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move {
                let (permit, _) = pacer.admit(BUDGET).await.expect("after a response");
                std::mem::forget(permit);
            })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiter.is_finished());
        // The first call's response: the new window has room for both calls and one more.
        let now = Instant::now();
        pacer.observe(
            StatusCode::OK,
            &headers(2, 2, T0 + 5),
            BUDGET,
            1,
            now,
            sys(T0 + 3),
        );
        drop(a);
        waiter.await.expect("admitted once a call left");
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_waiters_and_calls_leave_nothing_in_flight() {
        let pacer = pacer_with(10, 1, 0);
        let (permit, _) = pacer.admit(BUDGET).await.expect("room");
        // A waiter dropped while queued for the reset.
        let cancelled = tokio::time::timeout(Duration::from_millis(100), pacer.admit(BUDGET)).await;
        assert!(cancelled.is_err(), "still waiting for the reset");
        assert_eq!(in_flight(&pacer), 1);
        // A call dropped before its response (a dropped `send()` future).
        drop(permit);
        assert_eq!(in_flight(&pacer), 0);
        // The queue is free. The dropped call may have reached the server: it still counts
        // against its window, so the next caller waits for the reset, then goes.
        let (_permit, waited) = pacer.admit(BUDGET).await.expect("after the reset");
        assert_eq!(waited, Duration::from_millis(1900));
        assert_eq!(in_flight(&pacer), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn late_responses_of_a_window_do_not_raise_remaining_and_old_windows_are_ignored() {
        let pacer = pacer_with(10, 5, 0);
        let now = Instant::now();
        pacer.observe(
            StatusCode::OK,
            &headers(10, 7, T0 + 2),
            BUDGET,
            0,
            now,
            sys(T0),
        );
        assert_eq!(pacer.snapshot().remaining, Some(5));
        pacer.observe(
            StatusCode::OK,
            &headers(10, 9, T0 + 4),
            BUDGET,
            0,
            now,
            sys(T0 + 2),
        );
        assert_eq!(pacer.snapshot().remaining, Some(9));
        assert_eq!(pacer.snapshot().reset, Some(T0 + 4));
        pacer.observe(
            StatusCode::OK,
            &headers(10, 1, T0 + 2),
            BUDGET,
            0,
            now,
            sys(T0 + 2),
        );
        assert_eq!(pacer.snapshot().remaining, Some(9));
        // No headers: nothing changes.
        pacer.observe(
            StatusCode::OK,
            &HeaderMap::new(),
            BUDGET,
            0,
            now,
            sys(T0 + 2),
        );
        assert_eq!(pacer.snapshot().remaining, Some(9));
    }

    #[tokio::test(start_paused = true)]
    async fn room_counts_the_calls_admitted_after_the_response_that_reported_it() {
        // 10 left; 6 calls admitted. The 2nd call's response says 8 left (the 1st and 2nd
        // counted): the 4 admitted after it may not be counted yet, so 4 more may go
        // (not 8 - 5 in flight = 3).
        let pacer = pacer_with(10, 10, 0);
        let mut permits = Vec::new();
        for _ in 0..6 {
            permits.push(pacer.admit(BUDGET).await.expect("room").0);
        }
        let second = permits.remove(1);
        second.finish(StatusCode::OK, &HeaderMap::new(), BUDGET);
        let now = Instant::now();
        pacer.observe(
            StatusCode::OK,
            &headers(10, 8, T0 + 2),
            BUDGET,
            2,
            now,
            sys(T0),
        );
        for _ in 0..4 {
            let (p, waited) = pacer.admit(BUDGET).await.expect("room");
            assert_eq!(waited, Duration::ZERO);
            permits.push(p);
        }
        let (_p, waited) = pacer.admit(BUDGET).await.expect("after the reset");
        assert_eq!(waited, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn off_and_unknown_windows_never_wait() {
        let pacer = Pacer::new(RateLimitPacing::off());
        let (_p, waited) = pacer.admit(Duration::ZERO).await.expect("off");
        assert_eq!(waited, Duration::ZERO);
        assert_eq!(in_flight(&pacer), 0);
        let pacer = Pacer::new(RateLimitPacing::on());
        for _ in 0..100 {
            let (p, _) = pacer.admit(Duration::ZERO).await.expect("no window known");
            std::mem::forget(p);
        }
        assert_eq!(in_flight(&pacer), 100);
    }
}
