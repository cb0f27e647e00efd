//! The pipeline preset's view: items, latency, fetches in flight and CPU per item; the run loop is
//! [`crate::page::presets::pipeline`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::kernels::{Kernel, KernelSpec};
use crate::page::components::presets::{PresetShell, number_field};
use crate::page::context::Lab;
use crate::page::presets::pipeline::{Plan, run_pipeline_preset};
use crate::settings::Preset;

/// The pipeline preset.
#[component]
pub fn PipelinePreset(
    /// Run as soon as the page's pool and latency endpoint are ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (items_view, items) = number_field("preset-items", "Items N ", 10, (1, 100));
    let (latency_view, latency) = number_field("preset-latency", "Latency (ms) ", 200, (0, 10_000));
    let (limit_view, limit) = number_field("preset-limit", "Fetches in flight k ", 2, (1, 100));
    let (work_view, work) = number_field(
        "preset-work",
        "CPU per item (sum-loop n; item i adds i) ",
        250_000_000,
        (1, 2_000_000_000),
    );
    let problem = move || -> Option<String> {
        items
            .get()
            .err()
            .or_else(|| latency.get().err())
            .or_else(|| limit.get().err())
            .or_else(|| work.get().err())
            .or_else(|| lab.pool.get().worker_problem())
            .or_else(|| lab.lab_endpoint.get().problem("latency endpoint"))
    };
    let start = move |run| {
        let (Ok(items), Ok(latency_ms), Ok(limit), Ok(work), Some(bridge)) = (
            items.get_untracked(),
            latency.get_untracked(),
            limit.get_untracked(),
            work.get_untracked(),
            lab.bridge.get_value(),
        ) else {
            return;
        };
        let plan = Plan {
            items: items as usize,
            latency_ms,
            limit: limit as usize,
            work: KernelSpec {
                kernel: Kernel::SumLoop,
                size: u64::from(work),
                tasks: 1,
            },
        };
        spawn_local(run_pipeline_preset(run, plan, bridge));
    };
    PresetShell {
        preset: Preset::Pipeline,
        hint: "N items are fetched from the latency endpoint, at most k at a time, and each is then processed in the \
               compute worker. Pipelined, each response is handed over as it arrives, so the next fetches wait while \
               the worker computes — the thread pool of the lesson.",
        fields: view! { {items_view} {latency_view} {limit_view} {work_view} },
        extra: (),
    }
    .view(autorun, problem, start)
}
