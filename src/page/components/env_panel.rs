//! The environment panel: isolation, shared memory, the build and what it lacks, cores, the pool's state and
//! its size.

use leptos::prelude::*;

use crate::page::context::{Lab, PoolState, ServiceState, resize_pool};
use crate::settings::{self, MAX_THREADS};

/// Shows what the browser offers and whether the pool is up.
#[component]
pub fn EnvPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let environment = lab.environment;
    let yes_no = |value: bool| if value { "yes" } else { "no" };
    let plural = |count: u32| if count == 1 { "" } else { "s" };
    let pool_text = move || match lab.pool.get() {
        PoolState::Starting => "starting…".to_owned(),
        PoolState::Ready(info) => {
            // The page's first pool's worker is sent its module once the compute module has compiled (boot.js
            // downloads and compiles it as the page mounts) and, where boot.js started that worker as the page
            // loaded, once the page has mounted: that wait is inside its first phase, said so.
            // The worker's clock and the page's can differ by a fraction of a millisecond: the wait is never said to
            // be longer than the phase it is part of.
            let first_phase = info.spawned_ms - info.requested_ms;
            let posted_wait = (info.posted_ms - info.requested_ms).min(first_phase);
            let waited = match (posted_wait >= 1.0, info.started_at_load) {
                (false, _) => ",".to_owned(),
                (true, true) => format!(
                    ", started as the page loaded: {posted_wait:.0} ms of it before the page had mounted and the \
                     compute module had compiled;"
                ),
                (true, false) => {
                    format!(
                        ", of which {posted_wait:.0} ms waiting for the compute module's download and compile;"
                    )
                }
            };
            format!(
                "ready with {} thread{} (worker {:.0} ms{waited} wasm instance {:.0} ms, pool {:.0} ms)",
                info.threads,
                plural(info.threads),
                first_phase,
                info.instantiated_ms - info.spawned_ms,
                info.pool_ready_ms - info.instantiated_ms,
            )
        }
        PoolState::WorkerOnly(reason) => {
            format!("unavailable: {reason}. The compute worker runs without a pool: worker mode works.")
        }
        PoolState::Unavailable(reason) => format!("unavailable: {reason}"),
    };
    let pool_threads = move || match lab.pool.get() {
        PoolState::Ready(info) => info.threads,
        _ => 0,
    };
    // What www/coi.js did about isolation before the app started.
    let isolation_report = crate::js::global_object("lanesIsolation");
    let isolation = |key: &str| {
        isolation_report
            .as_ref()
            .and_then(|report| crate::js::field(report, key))
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    let (isolation_state, isolation_detail) = (isolation("state"), isolation("detail"));
    let capability = environment.capability;
    let reported = environment.reported_cores;
    let reported_text = match reported {
        Some(cores) => format!("the browser reports {cores} logical core{}", plural(cores)),
        None => "the browser reports no core count".to_owned(),
    };

    // The pool size field: a whole number of threads; a new size rebuilds the pool (when nothing runs).
    let threads_text = RwSignal::new(lab.pool_threads.get_untracked().to_string());
    let threads_message = RwSignal::new(None::<String>);
    let apply_threads = move || {
        let text = threads_text.get_untracked();
        let outcome = settings::parse_bounded(&text, 1, u64::from(MAX_THREADS))
            .map_err(|error| {
                format!("pool size: {error} — enter a whole number of threads from 1 to {MAX_THREADS}")
            })
            .and_then(|threads| resize_pool(lab, u32::try_from(threads).unwrap_or(MAX_THREADS)));
        threads_message.set(outcome.err());
    };
    let pool_used = move || match lab.pool.get() {
        PoolState::Ready(info) => format!("the pool uses {} thread{}", info.threads, plural(info.threads)),
        PoolState::Starting => {
            let asked = lab.pool_threads.get();
            format!("starting a pool of {asked} thread{}", plural(asked))
        }
        PoolState::WorkerOnly(_) | PoolState::Unavailable(_) => "no pool".to_owned(),
    };
    view! {
        <section class="panel env" aria-label="Environment">
            <h2>"Environment"</h2>
            <dl>
                <dt>"crossOriginIsolated"</dt>
                <dd data-testid="env-isolated" data-value=environment.isolated.to_string()>
                    {yes_no(environment.isolated)}
                </dd>
                <dt>"Isolation"</dt>
                <dd data-testid="env-coi" data-state=isolation_state.clone()>
                    {if isolation_state.is_empty() { "unknown (www/coi.js did not run)".to_owned() } else { isolation_detail }}
                </dd>
                <dt>"SharedArrayBuffer"</dt>
                <dd data-testid="env-sab" data-value=environment.shared_array_buffer.to_string()>
                    {yes_no(environment.shared_array_buffer)}
                </dd>
                <dt>"Build"</dt>
                <dd
                    data-testid="capability"
                    data-build=capability.build.id()
                    data-missing=capability.missing.map_or("", |missing| missing.id())
                >
                    {capability.summary()}
                </dd>
                <dt>"hardwareConcurrency"</dt>
                <dd data-testid="env-threads" data-value=reported.map_or_else(String::new, |cores| cores.to_string())>
                    {reported_text.clone()}
                </dd>
                <dt>"Pool"</dt>
                <dd
                    data-testid="pool-state"
                    data-state=move || lab.pool.get().id()
                    data-threads=move || pool_threads().to_string()
                >
                    {pool_text}
                </dd>
                <dt>
                    <label for="pool-threads">"Pool size"</label>
                </dt>
                <dd class="pool-size">
                    <form on:submit=move |event| {
                        event.prevent_default();
                        apply_threads();
                    }>
                        <input
                            id="pool-threads"
                            data-testid="pool-threads"
                            type="text"
                            inputmode="numeric"
                            size="3"
                            aria-describedby="pool-threads-note"
                            disabled=move || matches!(lab.pool.get(), PoolState::WorkerOnly(_))
                            prop:value=move || threads_text.get()
                            on:input=move |event| threads_text.set(event_target_value(&event))
                            on:change=move |_| apply_threads()
                        />
                        " threads "
                        <span class="hint" id="pool-threads-note" data-testid="pool-threads-used">
                            {move || format!(
                                "— {}; {reported_text}, a count browsers may round up or down (the scaling sweep \
                                 shows where adding threads stops helping)",
                                pool_used()
                            )}
                        </span>
                    </form>
                    {move || {
                        threads_message
                            .get()
                            .map(|message| {
                                view! {
                                    <p class="message" data-testid="pool-threads-message" role="alert">
                                        {message}
                                    </p>
                                }
                            })
                    }}
                </dd>
                {move || {
                    lab.fault
                        .get()
                        .map(|fault| {
                            view! {
                                <dt>"Worker fault"</dt>
                                <dd
                                    class="fault"
                                    data-testid="worker-fault"
                                    data-count=fault.count.to_string()
                                    data-kind=fault.error.kind()
                                    role="alert"
                                >
                                    {format!(
                                        "{} — the jobs it owed failed and a new compute worker was started{}",
                                        fault.error,
                                        if fault.count > 1 { format!(" ({} faults so far)", fault.count) } else { String::new() },
                                    )}
                                </dd>
                            }
                        })
                }}
                <dt>"Latency endpoint"</dt>
                <dd data-testid="lab-state" data-state=move || lab.lab_endpoint.get().id()>
                    {move || match lab.lab_endpoint.get() {
                        ServiceState::Starting => "starting…".to_owned(),
                        ServiceState::Ready => "ready (service worker answers /lab/delay)".to_owned(),
                        ServiceState::Unavailable(reason) => format!("unavailable: {reason}"),
                    }}
                </dd>
            </dl>
        </section>
    }
}
