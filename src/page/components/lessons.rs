//! The lessons tab: a picker (`lesson-select`) and the chosen lesson (`lesson[data-lesson]`) — its claim, the
//! Python pattern, the Rust that runs, a Run with the lesson's settings, the measured answer beside the claim,
//! and the run's results and findings under it. The lessons themselves are pure data in [`crate::lessons`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::io::{IoSummary, RequestRecord};
use crate::kernels::{Kernel, KernelSpec};
use crate::lessons::{Lesson, Plan, choices, measured_answer};
use crate::page::components::findings::Findings;
use crate::page::components::io_experiment::{IoSummaryTable, RequestTable};
use crate::page::components::presets::autorun_once;
use crate::page::components::results_table::ResultsTable;
use crate::page::context::{Lab, PoolState, push_address};
use crate::page::experiments::cpu::run_cpu;
use crate::page::experiments::io::{IoPlan, run_io};
use crate::page::presets::pipeline::{Plan as PipelinePlan, run_pipeline_preset};
use crate::page::presets::pool_start::{LESSON_SPEC, run_pool_start};
use crate::page::presets::stream::{Progress, StreamRow, run_stream};
use crate::report::verdict::ColdStart;
use crate::report::{ExperimentKind, ExperimentReport, FreezeReading};
use crate::settings::{self, CpuSettings, DEFAULT_TIMEOUT_MS, Tab};

/// The pipeline lesson's plan: the preset's defaults (10 items, 200 ms each, 2 in flight, a sum-loop per item).
fn pipeline_plan() -> PipelinePlan {
    PipelinePlan {
        items: 10,
        latency_ms: 200,
        limit: 2,
        work: KernelSpec {
            kernel: Kernel::SumLoop,
            size: 250_000_000,
            tasks: 1,
        },
    }
}

/// The streaming lesson's body and bandwidth: the preset's defaults, 64 MiB at 64 MiB/s.
const STREAM_MIB: u32 = 64;
const STREAM_MIBPS: u32 = 64;

/// What a lesson needs and does not have yet (`None`: it can run).
fn missing(lab: Lab, lesson: Lesson) -> Option<String> {
    let endpoint = || lab.lab_endpoint.get().problem("latency endpoint");
    match lesson.plan() {
        Plan::Io { .. } => endpoint(),
        Plan::Cpu { .. } | Plan::PoolStart { .. } => lab.pool.get().pool_problem(),
        Plan::Pipeline | Plan::Stream => lab.pool.get().worker_problem().or_else(endpoint),
        Plan::Choosing => None,
    }
}

/// The calibrated primes job of about 0.7 s on one thread here (the CPU experiment's default).
fn calibrated_primes(lab: Lab) -> KernelSpec {
    let mut spec = KernelSpec::with_defaults(Kernel::Primes);
    if let Some(size) = lab
        .calibration
        .with_untracked(|calibration| calibration.as_ref()?.default_size(spec.kernel, spec.tasks))
    {
        spec.size = size;
    }
    spec
}

/// The signals a lesson's run fills beside its report.
#[derive(Clone, Copy)]
struct Live {
    records: RwSignal<Vec<RequestRecord>>,
    summaries: RwSignal<Vec<(IoSummary, FreezeReading)>>,
    cold: RwSignal<Option<ColdStart>>,
    progress: RwSignal<Progress>,
    rows: RwSignal<Vec<StreamRow>>,
    js_heap: RwSignal<Option<f64>>,
    /// The lesson whose run the I/O tables hold.
    io_owner: RwSignal<Option<Lesson>>,
}

/// Starts `lesson`'s run; the message when it cannot.
fn start(lab: Lab, lesson: Lesson, live: Live) -> Result<(), String> {
    let Some(kind) = lesson.kind() else {
        return Ok(());
    };
    if let Some(problem) = missing(lab, lesson) {
        return Err(problem);
    }
    let run = lab.begin_lesson_run(kind)?;
    match lesson.plan() {
        Plan::Io {
            count,
            latency_ms,
            modes,
        } => {
            let plan = IoPlan {
                targets: vec![settings::lab_target(latency_ms)],
                count: count as usize,
                limit: count as usize,
                timeout_ms: DEFAULT_TIMEOUT_MS,
                modes,
            };
            live.io_owner.set(Some(lesson));
            spawn_local(run_io(run, plan, live.records, live.summaries));
        }
        Plan::Cpu { modes, repeats } => {
            let ideal = match lab.pool.get_untracked() {
                PoolState::Ready(info) => f64::from(info.threads),
                _ => f64::from(lab.pool_threads.get_untracked()),
            };
            let settings = CpuSettings {
                spec: calibrated_primes(lab),
                modes,
                repeats,
                autorun: false,
                threads: None,
            };
            spawn_local(run_cpu(run, settings, ideal, |_| {}));
        }
        Plan::PoolStart { one_thread } => {
            // The reused pool is the page's own: the fresh one gets as many threads, unless the lesson asks for one.
            let threads = match lab.pool.get_untracked() {
                _ if one_thread => 1,
                PoolState::Ready(info) => info.threads,
                _ => lab.pool_threads.get_untracked(),
            };
            spawn_local(run_pool_start(run, LESSON_SPEC, threads, 3, live.cold));
        }
        Plan::Pipeline | Plan::Stream => {
            let Some(bridge) = lab.bridge.get_value() else {
                return Err("the compute worker is not running".to_owned());
            };
            if lesson.plan() == Plan::Pipeline {
                spawn_local(run_pipeline_preset(run, pipeline_plan(), bridge));
            } else {
                spawn_local(run_stream(
                    run,
                    STREAM_MIB,
                    STREAM_MIBPS,
                    bridge,
                    live.progress,
                    live.rows,
                    live.js_heap,
                ));
            }
        }
        Plan::Choosing => {}
    }
    Ok(())
}

/// The claim's measured answer, or what to do to get one.
fn answer_view(lesson: Lesson, report: Option<ExperimentReport>, running: bool) -> impl IntoView {
    let sentences = report.as_ref().and_then(|report| measured_answer(lesson, report));
    let measured = sentences.is_some();
    let text = match (sentences, running) {
        (Some(sentences), _) => sentences,
        (None, true) => vec!["Measuring…".to_owned()],
        (None, false) => vec!["Not measured yet: press Run to measure the claim on this machine.".to_owned()],
    };
    view! {
        <div class="measured" data-testid="lesson-measured" data-measured=measured.to_string()>
            <h4>"Measured here"</h4>
            {text.into_iter().map(|sentence| view! { <p>{sentence}</p> }).collect_view()}
        </div>
    }
}

/// The choose-the-right-approach table with this tab's own numbers.
fn choosing_view(lab: Lab) -> impl IntoView {
    view! {
        {move || {
            let rows = lab.history.with(|history| choices(history));
            let measured = rows.iter().any(|row| row.measured.is_some());
            view! {
                <div class="measured" data-testid="lesson-measured" data-measured=measured.to_string()>
                    <h4>"Your numbers, from the history of this browser tab"</h4>
                    <table class="choices" data-testid="choices">
                        <thead>
                            <tr>
                                <th>"situation"</th>
                                <th>"use"</th>
                                <th>"measured in this browser tab"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|row| {
                                    let has = row.measured.is_some();
                                    let cell = row.measured.unwrap_or_else(|| {
                                        format!("not measured — run lesson {}", row.lesson.title())
                                    });
                                    view! {
                                        <tr data-testid="choice-row" data-lesson=row.lesson.id() data-measured=has.to_string()>
                                            <td>{row.situation}</td>
                                            <td>{row.approach}</td>
                                            <td>
                                                <a href=format!("?lesson={}", row.lesson.id())>{cell}</a>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        }}
    }
}

/// The lessons tab.
#[component]
pub fn LessonsPanel(
    /// The lesson the URL opened (the first when `None`).
    initial: Option<Lesson>,
    /// Whether to run it at once.
    autorun: bool,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lesson = lab.lesson;
    lesson.set(initial.unwrap_or(Lesson::OneRequest));
    // The lesson whose run is in progress, if a lesson's run is.
    let active = RwSignal::new(None::<Lesson>);
    let refused = RwSignal::new(None::<String>);
    let live = Live {
        records: RwSignal::new(Vec::new()),
        summaries: RwSignal::new(Vec::new()),
        cold: RwSignal::new(None),
        progress: RwSignal::new(Progress::default()),
        rows: RwSignal::new(Vec::new()),
        js_heap: RwSignal::new(None),
        io_owner: RwSignal::new(None),
    };
    let kind = move || lesson.get().kind();
    // This lesson's run is the one in progress (another lesson of the same kind is not this one).
    let running = move || {
        kind().is_some_and(|kind| lab.runs.is_lesson_running(kind)) && active.get() == Some(lesson.get())
    };
    // The lesson's own latest run: the report whose id its Run began with, never another run of the same kind.
    let report = Signal::derive(move || {
        let current = lesson.get();
        let id = lab.lesson_runs.with(|runs| {
            runs.iter()
                .rev()
                .find(|(_, lesson)| *lesson == current)
                .map(|(id, _)| *id)
        })?;
        if running() {
            return lab.runs.live.get().filter(|report| report.id == id);
        }
        lab.history
            .with(|history| history.iter().find(|report| report.id == id).cloned())
    });
    let blocked = move || -> Option<String> {
        let kind = kind()?;
        if let Some(other) = active.get().filter(|other| *other != lesson.get())
            && lab.runs.is_lesson_running(other.kind()?)
        {
            return Some(format!(
                "the lesson “{}” is running: one run at a time — wait for it or press its Stop",
                other.title()
            ));
        }
        missing(lab, lesson.get()).or_else(|| lab.runs.lesson_busy_reason(kind))
    };
    let run = move || {
        let chosen = lesson.get_untracked();
        let id = lab.next_report_id();
        match start(lab, chosen, live) {
            Ok(()) => {
                refused.set(None);
                active.set(Some(chosen));
                lab.lesson_runs.update(|runs| runs.push((id, chosen)));
            }
            Err(reason) => refused.set(Some(reason)),
        }
    };
    autorun_once(
        autorun && lesson.get_untracked().kind().is_some(),
        move || blocked().is_none(),
        run,
    );
    let pick = move |id: String| {
        if let Some(picked) = Lesson::from_id(&id) {
            lesson.set(picked);
            refused.set(None);
            // The address names the lesson, so it can be shared and Back returns to the one before.
            push_address(
                &format!("lesson={}", picked.id()),
                lab.permalink_threads_untracked(),
            );
        }
    };
    let on_screen = move || lab.tab.get() == Tab::Lessons;

    view! {
        <section class="panel lessons" aria-label="Lessons" hidden=move || !on_screen()>
            <h2>"Lessons"</h2>
            <p class="hint">
                "The Python lessons on asyncio and multiprocessing, one idea at a time: the claim, the Python pattern, "
                "the Rust that runs here, and what this machine measures."
            </p>
            <label class="lesson-picker">
                "Lesson "
                <select
                    data-testid="lesson-select"
                    prop:value=move || lesson.get().id()
                    on:change=move |event| pick(event_target_value(&event))
                >
                    {Lesson::ALL
                        .into_iter()
                        .map(|option| view! { <option value=option.id()>{option.title()}</option> })
                        .collect_view()}
                </select>
            </label>
            {move || {
                let current = lesson.get();
                let rust = current.rust();
                view! {
                    <article class="lesson" data-testid="lesson" data-lesson=current.id()>
                        <h3>{current.title()}</h3>
                        <p class="claim" data-testid="lesson-claim">
                            <strong>"The claim: "</strong>
                            {current.claim()}
                        </p>
                        <div class="code-pair">
                            <figure>
                                <figcaption>"Python — the pattern, written for Lanes"</figcaption>
                                <pre data-testid="code-python" tabindex="0"><code>{current.python()}</code></pre>
                            </figure>
                            <figure>
                                <figcaption>
                                    {match rust {
                                        Some((file, _)) => format!("Rust — the code that runs here, from {file}"),
                                        None => "Rust — not found in this build".to_owned(),
                                    }}
                                </figcaption>
                                <pre data-testid="code-rust" tabindex="0"><code>{rust.map(|(_, code)| code)}</code></pre>
                            </figure>
                        </div>
                    </article>
                }
            }}
            {move || {
                let current = lesson.get();
                if current.plan() == Plan::Choosing {
                    return choosing_view(lab).into_any();
                }
                let kind = current.kind().unwrap_or(ExperimentKind::Cpu);
                view! {
                    <form class="controls" on:submit=move |event| {
                        event.prevent_default();
                        run();
                    }>
                        <button type="submit" data-testid="lesson-run" disabled=move || running() || blocked().is_some()>
                            {move || if running() { "Running…" } else { "Run" }}
                        </button>
                        <button
                            type="button"
                            data-testid="lesson-stop"
                            disabled=move || !running() || lab.runs.lesson_stopping(kind)
                            on:click=move |_| lab.runs.stop_lesson(lab, kind)
                        >
                            "Stop"
                        </button>
                        <p class="message" data-testid="lesson-message" role="status">
                            {move || {
                                if running() {
                                    lab.runs.lesson_status(kind)
                                } else {
                                    refused.get().or_else(blocked).unwrap_or_default()
                                }
                            }}
                        </p>
                    </form>
                    <div role="status" aria-live="polite">{move || answer_view(current, report.get(), running())}</div>
                    {move || {
                        on_screen()
                            .then(|| {
                                let io = matches!(current.plan(), Plan::Io { .. });
                                view! {
                                    {move || if !io {
                                        view! { <ResultsTable report=report/> }.into_any()
                                    } else if live.io_owner.get() == Some(current) {
                                        view! {
                                            <IoSummaryTable summaries=live.summaries.into()/>
                                            <RequestTable records=live.records.into()/>
                                        }
                                            .into_any()
                                    } else {
                                        ().into_any()
                                    }}
                                    <Findings report=report/>
                                    {move || {
                                        report
                                            .get()
                                            .map(|report| {
                                                view! {
                                                    <p class="hint">
                                                        <a data-testid="lesson-open-lab" href=format!("?{}", report.permalink)>
                                                            "Open this run in the lab, to change its settings"
                                                        </a>
                                                    </p>
                                                }
                                            })
                                    }}
                                }
                            })
                    }}
                }
                    .into_any()
            }}
        </section>
    }
}
