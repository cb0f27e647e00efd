//! `<App/>`: the page layout (UI thread). The shared state it sets up is in [`crate::page::context`].

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::page::components::cpu_experiment::CpuExperiment;
use crate::page::components::debug_panel::DebugPanel;
use crate::page::components::env_panel::EnvPanel;
use crate::page::components::io_experiment::IoExperiment;
use crate::page::components::lessons::LessonsPanel;
use crate::page::components::nav::Nav;
use crate::page::components::presets::PresetPanel;
use crate::page::components::report_panel::ReportPanel;
use crate::page::context::{Environment, Lab, PoolState, ServiceState, start_pool};
use crate::settings::{self, Experiment, ParsedSettings, Tab};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let environment = Environment::read();
    let lab = Lab::new(environment);
    crate::page::measure::freeze::install();
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let parsed = settings::from_query(settings::query_pairs(&search));
    lab.tab.set(parsed.tab);
    if let Some(threads) = parsed.threads {
        lab.pool_threads.set(threads);
    }
    provide_context(lab);
    start_pool(lab);
    lab.runs.set_calibrating(true);
    spawn_local(async move {
        lab.lab_endpoint.set(match crate::page::lab::start().await {
            Ok(()) => ServiceState::Ready,
            Err(reason) => ServiceState::Unavailable(reason),
        });
    });
    let notes = parsed.notes.clone();
    let cpu_autorun = parsed.settings.autorun && parsed.experiment == Experiment::Cpu;
    let later = LaterTabs(parsed.clone());
    let later_tabs_state = RwSignal::new(LaterTabsState::Loading);
    // Each try to load them (a failed load is not remembered: the next call tries again).
    let later_tabs_try = RwSignal::new(0_u32);
    // When to load them: at once where the URL shows one of their tabs or runs something there; otherwise once the
    // pool has settled (ready or not), so that on `/` their download, compile and instantiation do not compete with
    // the pool's start for the cores (issue 15, P9b), or as soon as the user shows one of their tabs. Once wanted,
    // always wanted (a pool that restarts does not unload them).
    let later_wanted = RwSignal::new(
        parsed.tab != Tab::Cpu
            || parsed.lesson_autorun
            || parsed.preset_autorun
            || (parsed.io.autorun && parsed.experiment == Experiment::Io),
    );
    Effect::new(move |_| {
        let due = lab.tab.get() != Tab::Cpu || lab.pool.with(|pool| *pool != PoolState::Starting);
        if due && !later_wanted.get_untracked() {
            later_wanted.set(true);
        }
    });
    // The start-up calibration also waits for them once they are wanted (on `/`, from the moment the pool settles,
    // which is when the calibration would start): compiling and instantiating them would compete with its probes
    // for the cores. Bounded: a part still downloading LATER_TABS_WAIT after it was wanted (a slow network) holds
    // the calibration back no longer.
    let waited_enough = RwSignal::new(false);
    // `later_wanted` changes at most once (false to true), so this starts one timer at the most.
    Effect::new(move |_| {
        if later_wanted.get() {
            set_timeout(move || waited_enough.set(true), LATER_TABS_WAIT);
        }
    });
    let later_settled =
        Signal::derive(move || waited_enough.get() || later_tabs_state.get() != LaterTabsState::Loading);
    crate::page::calibrate::start(lab, later_settled);

    view! {
        <header class="masthead">
            <h1>"Lanes"</h1>
            <p class="tagline">
                "Where does the time go? Run the same Rust kernel on the UI thread, in one Web Worker and on a "
                "rayon pool of Web Workers, and watch the lanes."
            </p>
        </header>
        <main>
            {(!notes.is_empty())
                .then(|| {
                    view! {
                        <ul class="notes" data-testid="url-notes">
                            {notes.into_iter().map(|note| view! { <li>{note}</li> }).collect_view()}
                        </ul>
                    }
                })}
            <EnvPanel/>
            <p class="heartbeat-row" aria-hidden="true">
                "UI thread heartbeat "
                <span class="heartbeat-track">
                    <span class="heartbeat" id=crate::page::measure::freeze::HEARTBEAT_ID></span>
                </span>
                <span class="hint">" — it stops whenever the UI thread is busy"</span>
            </p>
            <Nav/>
            // The lessons, the I/O lab, the presets and the history: a module of their own in the built page (see
            // `later_tabs`), loaded when `later_wanted` says; until it is in, or if it cannot be loaded, the line
            // above the sections says so.
            <LaterTabsNotice state=later_tabs_state tries=later_tabs_try/>
            <CpuExperiment initial=parsed.settings autorun=cpu_autorun size_from_url=parsed.size_from_url/>
            {move || {
                if !later_wanted.get() {
                    return None;
                }
                // A second try (Try again) builds the views without the URL's autoruns: the page was loaded a while ago.
                let retry = later_tabs_try.get() > 0;
                let mut later = later.clone();
                if retry {
                    later.0.lesson_autorun = false;
                    later.0.preset_autorun = false;
                    later.0.io.autorun = false;
                }
                Some(Suspend::new(async move {
                    match later_tabs(later).await {
                        Ok(view) => {
                            later_tabs_state.set(LaterTabsState::Loaded);
                            crate::page::context::mark("lanes-tabs-loaded");
                            view
                        }
                        Err(LaterTabsUnavailable) => {
                            later_tabs_state.set(LaterTabsState::Failed);
                            ().into_any()
                        }
                    }
                }))
            }}
        </main>
    }
}

/// How long the start-up calibration waits for the later tabs' module once it is wanted (see `App`).
const LATER_TABS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// What the tabs that are not shown first need from the URL.
#[derive(Clone)]
pub struct LaterTabs(ParsedSettings);

/// Where the module of the lessons, the I/O lab, the presets and the history is.
#[derive(Clone, Debug, PartialEq)]
enum LaterTabsState {
    Loading,
    Loaded,
    /// It could not be loaded (the loader names the reason in the console only).
    Failed,
}

/// The module of the lessons, the I/O lab, the presets and the history could not be loaded (a network error, or a
/// deployment that replaced it).
#[derive(Debug, thiserror::Error)]
#[error("their module could not be loaded")]
pub struct LaterTabsUnavailable;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for LaterTabsUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// While the lessons, the I/O lab and the presets load, a line above the sections when one of their tabs is shown (not
/// on the CPU experiment's); if they cannot be loaded, a line that says so on every tab (the history is missing too),
/// with a way to try again.
#[component]
fn LaterTabsNotice(state: RwSignal<LaterTabsState>, tries: RwSignal<u32>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let shown = move || lab.tab.get() != Tab::Cpu;
    move || {
        match state.get() {
        LaterTabsState::Loaded => None,
        LaterTabsState::Loading => shown().then(|| {
            view! { <p class="hint" data-testid="later-tabs" data-state="loading">"Loading this tab…"</p> }.into_any()
        }),
        LaterTabsState::Failed => Some(
            view! {
                <p class="notes" role="alert" data-testid="later-tabs" data-state="failed">
                    "The lessons, the I/O lab, the presets and the history could not be loaded (their module did not "
                    "arrive; if a newer version of Lanes was deployed since this page was opened, reload the page). "
                    <button
                        data-testid="later-tabs-retry"
                        on:click=move |_| {
                            state.set(LaterTabsState::Loading);
                            tries.update(|tries| *tries += 1);
                        }
                    >
                        "Try again"
                    </button>
                </p>
            }
            .into_any(),
        ),
    }
    }
}

/// The lessons, the I/O lab, the presets and the history of runs (with the debug panel, `?debug=1`): most of the
/// page's code, none of it needed for the first paint (the CPU experiment, the tab `/` shows). With the `split`
/// feature (the built page) this is a split point: the page's module is cut after linking
/// (`.ci/trunk-post-build.sh`) and these views, with all the code only they use, come in a second module that the
/// first call loads. They follow the CPU experiment's section (one section is shown at a time); the history is last.
fn later_tabs_view(LaterTabs(parsed): LaterTabs) -> AnyView {
    let io_autorun = parsed.io.autorun && parsed.experiment == Experiment::Io;
    view! {
        <LessonsPanel initial=parsed.lesson autorun=parsed.lesson_autorun/>
        <IoExperiment initial=parsed.io autorun=io_autorun/>
        <PresetPanel initial=parsed.preset autorun=parsed.preset_autorun/>
        {parsed.debug.then(|| view! { <DebugPanel/> })}
        <ReportPanel/>
    }
    .into_any()
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(lanes_later_tabs, wasm_split_path = ::leptos::wasm_split, fallible)]
fn later_tabs(later: LaterTabs) -> Result<AnyView, LaterTabsUnavailable> {
    Ok(later_tabs_view(later))
}

#[cfg(not(feature = "split"))]
async fn later_tabs(later: LaterTabs) -> Result<AnyView, LaterTabsUnavailable> {
    Ok(later_tabs_view(later))
}
