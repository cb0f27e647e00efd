//! `?debug=1` only: break the compute worker on purpose — a trap, a hang, a silent exit — and watch the page
//! detect it (error event or watchdog), report it, and start a new worker.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::page::bridge::WATCHDOG_MS;
use crate::page::context::Lab;
use crate::protocol::Fault;

/// What each fault does, in the panel's words.
fn describe(fault: Fault) -> String {
    match fault {
        Fault::Trap => {
            "Trap: the worker's wasm executes `unreachable` (an error event reports it)".to_owned()
        }
        Fault::Hang => {
            format!("Hang: the worker spins forever (the watchdog gives up after {WATCHDOG_MS:.0} ms)")
        }
        Fault::Exit => format!(
            "Exit: the worker closes itself silently (the watchdog notices after {WATCHDOG_MS:.0} ms)"
        ),
    }
}

/// The fault injection panel.
#[component]
pub fn DebugPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let busy = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let inject = move |fault: Fault| {
        let Some(bridge) = lab.bridge.get_value() else {
            message.set("the compute worker is not running".to_owned());
            return;
        };
        busy.set(true);
        message.set(format!("{}: waiting for the page to notice…", fault.id()));
        spawn_local(async move {
            let outcome = bridge.inject(fault).await;
            // Let go of the broken worker so it can be terminated.
            drop(bridge);
            message.set(match outcome {
                Err(error) => format!("{}: detected — {error}", fault.id()),
                Ok(()) => format!("{}: the worker answered, which it should not have", fault.id()),
            });
            busy.set(false);
        });
    };
    view! {
        <section class="panel debug" aria-label="Fault injection" data-testid="debug-panel">
            <h2>"Fault injection (debug)"</h2>
            <p class="hint">
                "Each button breaks the compute worker. The page must notice, fail the job, report it under "
                "Environment and start a new worker; the next run must work."
            </p>
            <div class="controls">
                {Fault::ALL
                    .into_iter()
                    .map(|fault| {
                        view! {
                            <button
                                type="button"
                                data-testid=format!("debug-{}", fault.id())
                                title=describe(fault)
                                disabled=move || busy.get() || !lab.pool.get().has_worker()
                                on:click=move |_| inject(fault)
                            >
                                {describe(fault)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="message" data-testid="debug-message" role="status">{move || message.get()}</p>
        </section>
    }
}
