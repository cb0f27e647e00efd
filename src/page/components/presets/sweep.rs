//! The scaling sweep's view: the chart of time against threads, with the ideal line and, where the data allow
//! one, an Amdahl fit. The run loop is [`crate::page::presets::sweep`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::charts::{LinearScale, nice_ticks};
use crate::kernels::{Kernel, KernelSpec};
use crate::page::components::presets::{PresetShell, kernel_fields, number_field};
use crate::page::context::Lab;
use crate::page::presets::sweep::{SweepChartData, run_sweep};
use crate::report::stats::amdahl_time;
use crate::settings::{self, Preset};

/// The sweep chart: measured medians, the ideal `T1/n` and the fitted Amdahl curve.
#[component]
fn SweepChart(points: Vec<(u32, f64)>, cores: u32, serial: Option<f64>) -> impl IntoView {
    let (width, height, left, bottom) = (600.0, 260.0, 56.0, 30.0);
    let max_threads = points.iter().map(|(threads, _)| *threads).max().unwrap_or(1);
    let one = points
        .iter()
        .find(|(threads, _)| *threads == 1)
        .map(|(_, ms)| *ms);
    let top_ms = points
        .iter()
        .map(|(_, ms)| *ms)
        .fold(one.unwrap_or(1.0), f64::max)
        * 1.1;
    let x = LinearScale {
        domain: (1.0, f64::from(max_threads).max(2.0)),
        range: (left, width - 12.0),
    };
    let y = LinearScale {
        domain: (0.0, top_ms),
        range: (height - bottom, 10.0),
    };
    let curve = |time: &dyn Fn(u32) -> f64| {
        (1..=max_threads)
            .map(|threads| format!("{:.1},{:.1}", x.map(f64::from(threads)), y.map(time(threads))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ideal = one.map(|one| curve(&|threads| one / f64::from(threads.min(cores))));
    let amdahl = one
        .zip(serial)
        .map(|(one, serial)| curve(&|threads| amdahl_time(one, serial, threads.min(cores))));
    view! {
        <svg class="sweep" viewBox=format!("0 0 {width} {height}") role="img" aria-label="Time against threads">
            {nice_ticks(0.0, top_ms, 5)
                .into_iter()
                .map(|tick| {
                    view! {
                        <line class="grid" x1=left x2=width - 12.0 y1=y.map(tick) y2=y.map(tick)></line>
                        <text class="axis" x=left - 6.0 y=y.map(tick) + 4.0 text-anchor="end">{format!("{tick:.0}")}</text>
                    }
                })
                .collect_view()}
            {(1..=max_threads)
                .map(|threads| {
                    view! {
                        <text class="axis" x=x.map(f64::from(threads)) y=height - 10.0 text-anchor="middle">{threads}</text>
                    }
                })
                .collect_view()}
            <text class="axis" x=left y="10">"ms"</text>
            <line class="cores" x1=x.map(f64::from(cores)) x2=x.map(f64::from(cores)) y1="10" y2=height - bottom></line>
            {ideal.map(|points| view! { <polyline class="ideal" points=points></polyline> })}
            {amdahl.map(|points| view! { <polyline class="amdahl" points=points></polyline> })}
            {points
                .iter()
                .map(|(threads, ms)| {
                    view! {
                        <circle
                            data-testid="sweep-point"
                            data-threads=threads.to_string()
                            data-ms=format!("{ms:.3}")
                            cx=x.map(f64::from(*threads))
                            cy=y.map(*ms)
                            r="5"
                        >
                            <title>{format!("{threads} threads: {ms:.1} ms")}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
        <p class="legend">
            <span class="key ideal">"ideal T₁/n (up to the cores)"</span>
            <span class="key amdahl">"Amdahl fit"</span>
            <span class="key cores">{format!("{cores} cores")}</span>
        </p>
    }
}

/// The scaling sweep preset.
#[component]
pub fn SweepPreset(
    /// Run at once.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The reported count within the pool's limit (MAX_THREADS): the sweep goes to twice this, which the threaded
    // build's memory budget allows for (crate::capability::MemoryBudget).
    let cores = settings::default_threads(lab.environment.hardware_concurrency);
    // The one-thread point should take long enough to show the lesson: the calibrated default where the page has
    // measured this machine, else a static size.
    let size = lab
        .calibration
        .with_untracked(|calibration| {
            calibration
                .as_ref()
                .and_then(|calibration| calibration.default_size(Kernel::Primes, 2))
        })
        .unwrap_or(50_000_000);
    let (kernel_view, spec) = kernel_fields(KernelSpec {
        kernel: Kernel::Primes,
        size,
        tasks: 2,
    });
    let (repeats_view, repeats) = number_field("preset-repeats", "Repeats ", 3, (1, 20));
    let chart = RwSignal::new(SweepChartData::default());
    let failure = RwSignal::new(None::<String>);
    let problem = move || {
        spec.get()
            .err()
            .or_else(|| repeats.get().err())
            .or_else(|| lab.pool.get().pool_problem())
    };
    let start = move |run| {
        if let (Ok(spec), Ok(repeats)) = (spec.get_untracked(), repeats.get_untracked()) {
            spawn_local(run_sweep(run, spec, repeats, cores, chart, failure));
        }
    };
    let extra = move || {
        let data = chart.get();
        view! {
            {failure.get().map(|failure| view! { <p class="message error" data-testid="sweep-failure">{failure}</p> })}
            {data.serial.map(|value| {
                view! {
                    <p data-testid="amdahl-serial-fraction" data-value=format!("{value:.4}")>
                        {format!("Amdahl serial fraction: {:.1}%", 100.0 * value)}
                    </p>
                }
            })}
            {(!data.points.is_empty()).then(|| view! { <SweepChart points=data.points.clone() cores=cores serial=data.serial/> })}
        }
    };
    PresetShell {
        preset: Preset::Sweep,
        hint: "The same job on fresh pools of 1, 2, … threads, then past the core count (oversubscribed): each point \
               is a fresh pool, a warm-up and the median of the repeats.",
        fields: view! { {kernel_view} {repeats_view} },
        extra,
    }
    .view(autorun, problem, start)
}
