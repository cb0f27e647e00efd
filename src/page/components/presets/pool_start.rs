//! The pool-start preset's view: kernel, threads and repeats, the cold start's phases, the results. The run
//! loop is [`crate::page::presets::pool_start`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::page::components::presets::{PresetShell, kernel_fields, number_field};
use crate::page::context::Lab;
use crate::page::presets::pool_start::{LESSON_SPEC, run_pool_start};
use crate::report::verdict::ColdStart;
use crate::settings::{MAX_THREADS, Preset};

/// The pool-start preset.
#[component]
pub fn PoolStartPreset(
    /// Run as soon as the page's pool is ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (kernel_view, spec) = kernel_fields(LESSON_SPEC);
    // The pool size the page uses (by default the reported core count, or what `threads=` and the environment
    // panel asked for).
    let pool_size = lab.pool_threads.get_untracked();
    let (threads_view, threads) =
        number_field("preset-threads", "Pool threads ", pool_size, (1, MAX_THREADS));
    let (repeats_view, repeats) = number_field("preset-repeats", "Repeats ", 3, (1, 20));
    let cold_start = RwSignal::new(None::<ColdStart>);
    let problem = move || -> Option<String> {
        spec.get()
            .err()
            .or_else(|| threads.get().err())
            .or_else(|| repeats.get().err())
            .or_else(|| lab.pool.get().pool_problem())
    };
    let start = move |run| {
        if let (Ok(spec), Ok(threads), Ok(repeats)) = (
            spec.get_untracked(),
            threads.get_untracked(),
            repeats.get_untracked(),
        ) {
            spawn_local(run_pool_start(run, spec, threads, repeats, cold_start));
        }
    };
    let extra = move || {
        cold_start.get().map(|cold| {
            view! {
                <p
                    class="cold-start"
                    data-testid="cold-start"
                    data-spawn-ms=format!("{:.3}", cold.spawn_ms)
                    data-instantiate-ms=format!("{:.3}", cold.instantiate_ms)
                    data-threads-ready-ms=format!("{:.3}", cold.threads_ready_ms)
                    data-total-ms=format!("{:.3}", cold.total_ms)
                    data-runs=cold.runs.to_string()
                >
                    {format!(
                        "Cold start, medians of {} runs: worker spawn {:.1} ms · instantiate the compiled module {:.1} ms · threads ready {:.1} ms · total (measured) {:.1} ms",
                        cold.runs,
                        cold.spawn_ms,
                        cold.instantiate_ms,
                        cold.threads_ready_ms,
                        cold.total_ms,
                    )}
                </p>
            }
        })
    };
    PresetShell {
        preset: Preset::PoolStart,
        hint: "Python's spawn start method pays for a new interpreter per worker; here a cold run pays for a new Web \
               Worker, instantiating the compiled wasm module in it and starting T threads — every time. The default \
               is the process-pool lesson's shape: four chunks of a small job, where that cost dwarfs the work.",
        fields: view! { {kernel_view} {threads_view} {repeats_view} },
        extra,
    }
    .view(autorun, problem, start)
}
