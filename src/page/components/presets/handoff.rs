//! The hand-off preset's view: repeats, the log–log chart of round trip against bytes, the results. The run
//! loop is [`crate::page::presets::handoff`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::charts::handoff::{HandoffSample, layout_handoff};
use crate::page::components::presets::{PresetShell, number_field};
use crate::page::presets::handoff::{SIZES, run_handoff, size_label};
use crate::report::verdict::HandoffPoint;
use crate::settings::Preset;

/// The log–log chart of round-trip time against bytes; the geometry is [`layout_handoff`].
#[component]
fn HandoffChart(points: Vec<HandoffPoint>) -> impl IntoView {
    let samples: Vec<HandoffSample> = points
        .iter()
        .map(|point| (point.method, point.bytes, point.median_ms))
        .collect();
    let sizes: Vec<u64> = SIZES.iter().step_by(2).copied().collect();
    let layout = layout_handoff(&samples, &sizes);
    let (width, height) = (layout.width, layout.height);
    let (left, right) = layout.plot_x;
    view! {
        <svg class="handoff" viewBox=format!("0 0 {width} {height}") role="img" aria-label="Round trip against bytes, log axes">
            {layout
                .decades
                .into_iter()
                .map(|tick| {
                    view! {
                        <line class="grid" x1=left x2=right y1=tick.y y2=tick.y></line>
                        <text class="axis" x=left - 6.0 y=tick.y + 4.0 text-anchor="end">{tick.label}</text>
                    }
                })
                .collect_view()}
            {layout
                .sizes
                .into_iter()
                .map(|tick| view! { <text class="axis" x=tick.x y=height - 10.0 text-anchor="middle">{size_label(tick.bytes)}</text> })
                .collect_view()}
            {layout
                .lines
                .into_iter()
                .map(|(method, line)| {
                    view! { <polyline class=format!("method {}", method.id()) points=line></polyline> }
                })
                .collect_view()}
            {points
                .iter()
                .zip(layout.points)
                .map(|(point, (cx, cy))| {
                    view! {
                        <circle
                            data-testid="handoff-point"
                            data-method=point.method.id()
                            data-bytes=point.bytes.to_string()
                            data-ms=format!("{:.4}", point.median_ms)
                            data-min-ms=format!("{:.4}", point.min_ms)
                            data-max-ms=format!("{:.4}", point.max_ms)
                            class=format!("method {}", point.method.id())
                            cx=cx
                            cy=cy
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
