//! The page's own rayon pool, for `main-pool` mode (UI thread). It is the one place the UI thread calls rayon:
//! the point of the mode is to show what happens when a page does (the work is parallel, the page freezes).
//!
//! The pool is started lazily, the first time the mode runs, by `wasm_bindgen_rayon::init_thread_pool` from the
//! page's own instance: its threads are Web Workers sharing the *page's* memory, apart from the compute worker's
//! pool. rayon's `web_spin_lock` feature (Cargo.toml) makes a caller on the UI thread, which may not block on
//! `Atomics.wait`, spin while it waits for the pool instead of trapping. The start is awaited before a run
//! opens its measurement, so no repeat includes it; it happens once per page, and a failed start is kept (rayon's
//! global pool can be built only once per instance) and reported on every later try.

use std::cell::RefCell;

use futures::future::{FutureExt, LocalBoxFuture, Shared};

#[cfg(target_feature = "atomics")]
use crate::timing::{now_ms, sleep_ms};

/// How long the page waits for its pool's threads to start before it gives up (a worker that cannot be created
/// — refused by a Content-Security-Policy, say — leaves `initThreadPool`'s promise pending for ever).
pub const START_TIMEOUT_MS: u32 = 15_000;

/// How the page's pool started, on the shared clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MainPoolStart {
    /// Threads in the pool.
    pub threads: u32,
    /// When the page asked for the pool.
    pub requested_ms: f64,
    /// When every thread was up.
    pub ready_ms: f64,
}

impl MainPoolStart {
    /// How long the start took.
    pub fn took_ms(&self) -> f64 {
        self.ready_ms - self.requested_ms
    }
}

/// Why the page's pool cannot run a job.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MainPoolError {
    /// The single-threaded build (a capability the threaded one needs is missing) cannot start threads that
    /// share its memory.
    #[error(
        "main-pool needs the threaded build: this page runs the single-threaded build, whose memory no thread \
         can share (the environment panel's Build row says which capability is missing)"
    )]
    NotThreaded,
    /// `initThreadPool` failed (a worker could not be created or did not start).
    #[error("the page's own rayon pool could not start ({0}); reload the page to try again")]
    StartFailed(String),
    /// A job was asked of the pool before [`ensure`] had started it.
    #[error("the page's own rayon pool has not been started")]
    NotStarted,
}

/// Where the page's pool is.
#[derive(Clone, Debug, PartialEq)]
pub enum MainPoolState {
    /// Nobody has used `main-pool` mode yet.
    NotStarted,
    /// Its threads are starting.
    Starting,
    /// Ready.
    Ready(MainPoolStart),
    /// It could not start (kept: rayon's global pool can be built only once).
    Failed(MainPoolError),
}

type Starting = Shared<LocalBoxFuture<'static, Result<MainPoolStart, MainPoolError>>>;

thread_local! {
    /// The one start of the page's pool, shared by every caller (a caller dropped by a Stop leaves it running,
    /// and the next caller awaits the same start).
    static POOL: RefCell<Option<Starting>> = const { RefCell::new(None) };
}

/// Whether this page can have a pool of its own: the threaded build, on a cross-origin isolated page.
///
/// # Errors
/// [`MainPoolError::NotThreaded`] otherwise.
pub fn available(isolated: bool) -> Result<(), MainPoolError> {
    if crate::THREADED && isolated {
        Ok(())
    } else {
        Err(MainPoolError::NotThreaded)
    }
}

/// Starts the page's pool of `threads` threads the first time it is called, and waits until it is ready; later
/// calls return how it started (`threads` is then ignored: the pool exists once per page).
///
/// # Errors
/// [`MainPoolError::NotThreaded`] in the single-threaded build or without isolation;
/// [`MainPoolError::StartFailed`] when the pool could not start (now or on an earlier call).
pub async fn ensure(threads: u32, isolated: bool) -> Result<MainPoolStart, MainPoolError> {
    available(isolated)?;
    let starting = POOL.with(|pool| {
        pool.borrow_mut()
            .get_or_insert_with(|| start(threads.max(1)).boxed_local().shared())
            .clone()
    });
    starting.await
}

/// Where the page's pool is now.
pub fn state() -> MainPoolState {
    POOL.with(|pool| match pool.borrow().as_ref() {
        None => MainPoolState::NotStarted,
        Some(starting) => match starting.peek() {
            None => MainPoolState::Starting,
            Some(Ok(start)) => MainPoolState::Ready(*start),
            Some(Err(error)) => MainPoolState::Failed(error.clone()),
        },
    })
}

/// The started pool, for a job about to run on it.
///
/// # Errors
/// [`MainPoolError::NotStarted`] while it is not started (or still starting), or why it failed.
pub fn ready() -> Result<MainPoolStart, MainPoolError> {
    match state() {
        MainPoolState::Ready(start) => Ok(start),
        MainPoolState::Failed(error) => Err(error),
        MainPoolState::NotStarted | MainPoolState::Starting => Err(MainPoolError::NotStarted),
    }
}

#[cfg(target_feature = "atomics")]
async fn start(threads: u32) -> Result<MainPoolStart, MainPoolError> {
    use futures::future::{Either, select};
    use std::pin::pin;

    let requested_ms = now_ms();
    let count = usize::try_from(threads).unwrap_or(1);
    let started = wasm_bindgen_futures::JsFuture::from(wasm_bindgen_rayon::init_thread_pool(count));
    match select(pin!(started), pin!(sleep_ms(START_TIMEOUT_MS))).await {
        Either::Left((Ok(_), _)) => {}
        Either::Left((Err(error), _)) => {
            crate::page::context::forget_worker_check();
            return Err(MainPoolError::StartFailed(crate::page::bridge::describe(&error)));
        }
        Either::Right(_) => {
            crate::page::context::forget_worker_check();
            return Err(MainPoolError::StartFailed(format!(
                "its {threads} threads did not start within {} s",
                START_TIMEOUT_MS / 1_000
            )));
        }
    }
    Ok(MainPoolStart {
        threads: u32::try_from(rayon::current_num_threads()).unwrap_or(u32::MAX),
        requested_ms,
        ready_ms: now_ms(),
    })
}

#[cfg(not(target_feature = "atomics"))]
async fn start(_threads: u32) -> Result<MainPoolStart, MainPoolError> {
    Err(MainPoolError::NotThreaded)
}
