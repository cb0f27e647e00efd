//! The streaming preset's view: body size and bandwidth, live progress, one row per mode and the results. The
//! run loop is [`crate::page::presets::stream`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::page::components::presets::{PresetShell, number_field};
use crate::page::context::Lab;
use crate::page::presets::stream::{Progress, StreamRow, run_stream};
use crate::settings::{MAX_STREAM_MIB, Preset};

/// The streaming preset.
#[component]
pub fn StreamPreset(
    /// Run as soon as the worker and the endpoint are ready.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let (size_view, size_mib) = number_field("preset-mib", "Body (MiB) ", 64, (1, MAX_STREAM_MIB));
    let (bandwidth_view, bandwidth) = number_field("preset-bandwidth", "Bandwidth (MiB/s) ", 64, (1, 10_000));
    let progress = RwSignal::new(Progress::default());
    let rows = RwSignal::new(Vec::<StreamRow>::new());
    let js_heap = RwSignal::new(None::<f64>);
    let problem = move || -> Option<String> {
        size_mib
            .get()
            .err()
            .or_else(|| bandwidth.get().err())
            .or_else(|| lab.pool.get().worker_problem())
            .or_else(|| lab.lab_endpoint.get().problem("streaming endpoint"))
    };
    let start = move |run| {
        if let (Ok(mib), Ok(mibps), Some(bridge)) = (
            size_mib.get_untracked(),
            bandwidth.get_untracked(),
            lab.bridge.get_value(),
        ) {
            spawn_local(run_stream(run, mib, mibps, bridge, progress, rows, js_heap));
        }
    };
    let extra = view! {
            <p class="progress-row">
                <progress
                    data-testid="progress"
                    data-bytes-arrived=move || progress.get().arrived.to_string()
                    data-bytes-processed=move || progress.get().processed.to_string()
                    max=move || progress.get().arrived.max(1).to_string()
                    value=move || progress.get().processed.to_string()
                ></progress>
                {move || {
                    let progress = progress.get();
                    format!(
                        " arrived {:.1} MiB · processed {:.1} MiB",
                        progress.arrived as f64 / 1_048_576.0,
                        progress.processed as f64 / 1_048_576.0
                    )
                }}
            </p>
            {move || {
                rows.with(|rows| rows.last().copied())
                    .map(|row| {
                        let heap = js_heap.get();
                        view! {
                            <p
                                data-testid="peak-memory"
                                data-bytes=format!("{:.0}", row.peak_heap_bytes)
                                data-measure="allocator-peak"
                                data-js-heap-bytes=heap.map(|heap| format!("{heap:.0}"))
                            >
                                {format!(
                                    "Last mode ({}): the compute worker's heap in use peaked at {:.1} MiB (the allocator's peak bytes in use during that mode); page JS heap {}",
                                    row.mode.id(),
                                    row.peak_heap_bytes / 1_048_576.0,
                                    heap.map_or("not measured (this browser does not report it)".to_owned(), |heap| format!("{:.1} MiB at its largest (read at the start and after each batch)", heap / 1_048_576.0)),
                                )}
                            </p>
                        }
                    })
            }}
            <table class="results">
                <thead>
                    <tr>
                        <th>"mode"</th>
                        <th>"first result"</th>
                        <th>"total"</th>
                        <th>"batches"</th>
                        <th>"UI time per batch, max"</th>
                        <th>"worker heap, peak"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr
                                        data-testid="stream-row"
                                        data-mode=row.mode.id()
                                        data-first-result-ms=format!("{:.3}", row.first_result_ms)
                                        data-total-ms=format!("{:.3}", row.total_ms)
                                        data-max-main-ms=format!("{:.3}", row.max_main_ms)
                                        data-peak-memory-bytes=format!("{:.0}", row.peak_heap_bytes)
                                        data-batches=row.batches.to_string()
                                    >
                                        <td>{row.mode.id()}</td>
                                        <td>{format!("{:.0} ms", row.first_result_ms)}</td>
                                        <td>{format!("{:.0} ms", row.total_ms)}</td>
                                        <td>{row.batches}</td>
                                        <td>{format!("{:.2} ms", row.max_main_ms)}</td>
                                        <td>{format!("{:.1} MiB", row.peak_heap_bytes / 1_048_576.0)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
    };
    PresetShell {
        preset: Preset::Stream,
        hint: "A large text body arrives at a set bandwidth. Streamed, each chunk is handed to the compute worker \
               (transferred, not copied) and processed as it arrives — line count, upper-casing, checksum — like the \
               lesson's async generator. Buffered, nothing happens until the last byte is in.",
        fields: view! { {size_view} {bandwidth_view} },
        extra,
    }
    .view(autorun, problem, start)
}
