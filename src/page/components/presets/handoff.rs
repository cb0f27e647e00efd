//! The hand-off preset's view: repeats, the log–log chart of round trip against bytes, the results. The run
//! loop is [`crate::page::presets::handoff`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::page::components::presets::{PresetShell, number_field};
use crate::page::presets::handoff::{SIZES, run_handoff, size_label};
use crate::report::HandoffMethod;
use crate::report::verdict::HandoffPoint;
use crate::state::Preset;

/// The log–log chart of round-trip time against bytes.
#[component]
fn HandoffChart(points: Vec<HandoffPoint>) -> impl IntoView {
    let (width, height, left, bottom) = (600.0, 260.0, 56.0, 30.0);
    let low_ms = points
        .iter()
        .map(|point| point.median_ms)
        .fold(f64::INFINITY, f64::min)
        .max(0.001);
    let high_ms = points.iter().map(|point| point.median_ms).fold(0.01, f64::max);
    let (y_low, y_high) = (
        low_ms.log10().floor(),
        high_ms.log10().ceil().max(low_ms.log10().floor() + 1.0),
    );
    let x = |bytes: u64| left + (width - left - 12.0) * ((bytes as f64).log2() - 10.0) / 16.0;
    let y = |ms: f64| {
        (height - bottom) - (height - bottom - 10.0) * (ms.max(0.001).log10() - y_low) / (y_high - y_low)
    };
    let methods: Vec<HandoffMethod> = HandoffMethod::ALL
        .into_iter()
        .filter(|method| points.iter().any(|point| point.method == *method))
        .collect();
    view! {
        <svg class="handoff" viewBox=format!("0 0 {width} {height}") role="img" aria-label="Round trip against bytes, log axes">
            {(y_low as i32..=y_high as i32)
                .map(|power| {
                    let ms = 10_f64.powi(power);
                    view! {
                        <line class="grid" x1=left x2=width - 12.0 y1=y(ms) y2=y(ms)></line>
                        <text class="axis" x=left - 6.0 y=y(ms) + 4.0 text-anchor="end">{format!("{ms} ms")}</text>
                    }
                })
                .collect_view()}
            {SIZES
                .iter()
                .step_by(2)
                .map(|bytes| view! { <text class="axis" x=x(*bytes) y=height - 10.0 text-anchor="middle">{size_label(*bytes)}</text> })
                .collect_view()}
            {methods
                .iter()
                .map(|method| {
                    let line = points
                        .iter()
                        .filter(|point| point.method == *method)
                        .map(|point| format!("{:.1},{:.1}", x(point.bytes), y(point.median_ms)))
                        .collect::<Vec<_>>()
                        .join(" ");
                    view! { <polyline class=format!("method {}", method.id()) points=line></polyline> }
                })
                .collect_view()}
            {points
                .iter()
                .map(|point| {
                    view! {
                        <circle
                            data-testid="handoff-point"
                            data-method=point.method.id()
                            data-bytes=point.bytes.to_string()
                            data-ms=format!("{:.4}", point.median_ms)
                            data-min-ms=format!("{:.4}", point.min_ms)
                            data-max-ms=format!("{:.4}", point.max_ms)
                            class=format!("method {}", point.method.id())
                            cx=x(point.bytes)
                            cy=y(point.median_ms)
                            r="4"
                        >
                            <title>{format!("{} {}: median {:.3} ms ({:.3}–{:.3}, {} round trips)", point.method.id(), size_label(point.bytes), point.median_ms, point.min_ms, point.max_ms, point.samples)}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
        <p class="legend">
            <span class="key clone">"structured clone"</span>
            <span class="key transfer">"transfer"</span>
            <span class="key shared">"SharedArrayBuffer"</span>
        </p>
    }
}

/// The hand-off preset.
#[component]
pub fn HandoffPreset(
    /// Run at once.
    autorun: bool,
) -> impl IntoView {
    let (repeats_view, repeats) = number_field("preset-repeats", "Repeats ", 5, (1, 50));
    let message = RwSignal::new(String::new());
    let points = RwSignal::new(Vec::<HandoffPoint>::new());
    let problem = move || repeats.get().err();
    let start = move |run| {
        if let Ok(repeats) = repeats.get_untracked() {
            spawn_local(run_handoff(run, repeats, points, message));
        }
    };
    let extra = move || {
        let measured = points.get();
        view! {
            {move || {
                let text = message.get();
                (!text.is_empty()).then(|| view! { <p class="message error" data-testid="handoff-message">{text}</p> })
            }}
            {(!measured.is_empty()).then(|| view! { <HandoffChart points=measured/> })}
        }
    };
    PresetShell {
        preset: Preset::Handoff,
        hint: "Round trips from this page to a worker that reads every page of the bytes: a structured clone copies \
               them, a transfer moves ownership, a SharedArrayBuffer shares them. Each point is the median of the \
               repeats after a warm-up.",
        fields: repeats_view,
        extra,
    }
    .view(autorun, problem, start)
}
