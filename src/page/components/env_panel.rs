//! The environment panel: isolation, shared memory, cores and the pool's state.

use leptos::prelude::*;

use crate::page::context::{Lab, NOT_ISOLATED, PoolState, ServiceState};

/// Shows what the browser offers and whether the pool is up.
#[component]
pub fn EnvPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let environment = lab.environment;
    let yes_no = |value: bool| if value { "yes" } else { "no" };
    let pool_text = move || match lab.pool.get() {
        PoolState::Starting => "starting…".to_owned(),
        PoolState::Ready(info) => format!(
            "ready with {} threads (worker {:.0} ms, wasm instance {:.0} ms, pool {:.0} ms)",
            info.threads,
            info.spawned_ms - info.requested_ms,
            info.instantiated_ms - info.spawned_ms,
            info.pool_ready_ms - info.instantiated_ms,
        ),
        PoolState::WorkerOnly => {
            format!("unavailable: {NOT_ISOLATED}. The compute worker runs without a pool: worker mode works.")
        }
        PoolState::Unavailable(reason) => format!("unavailable: {reason}"),
    };
    let pool_threads = move || match lab.pool.get() {
        PoolState::Ready(info) => info.threads,
        _ => 0,
    };
    // What www/coi.js did about isolation before the app started.
    let isolation = |key: &str| {
        js_sys::Reflect::get(&js_sys::global(), &"lanesIsolation".into())
            .and_then(|state| js_sys::Reflect::get(&state, &key.into()))
            .ok()
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    let (isolation_state, isolation_detail) = (isolation("state"), isolation("detail"));
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
                <dt>"hardwareConcurrency"</dt>
                <dd data-testid="env-threads" data-value=environment.hardware_concurrency.to_string()>
                    {environment.hardware_concurrency}
                </dd>
                <dt>"Pool"</dt>
                <dd
                    data-testid="pool-state"
                    data-state=move || lab.pool.get().id()
                    data-threads=move || pool_threads().to_string()
                >
                    {pool_text}
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
