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
use crate::page::context::{Environment, Lab, ServiceState, start_pool};
use crate::settings::{self, Experiment, ParsedSettings};

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
    crate::page::calibrate::start(lab);
    spawn_local(async move {
        lab.lab_endpoint.set(match crate::page::lab::start().await {
            Ok(()) => ServiceState::Ready,
            Err(reason) => ServiceState::Unavailable(reason),
        });
    });
    let notes = parsed.notes.clone();
    let later = LaterTabs(parsed.clone());

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
            <LessonsPanel initial=parsed.lesson autorun=parsed.lesson_autorun/>
            // The CPU experiment, the I/O lab and the presets: a module of their own in the built page, loaded
            // as soon as the page has mounted (see `later_tabs`).
            {move || {
                let later = later.clone();
                Suspend::new(async move {
                    let view = later_tabs(later).await;
                    crate::page::context::mark("lanes-tabs-loaded");
                    view
                })
            }}
            {parsed.debug.then(|| view! { <DebugPanel/> })}
            <ReportPanel/>
        </main>
    }
}

/// What the tabs that are not shown first need from the URL.
#[derive(Clone)]
pub struct LaterTabs(ParsedSettings);

/// The CPU experiment, the I/O lab and the presets: most of the page's code, and none of it needed for the first
/// paint (the Lessons tab). With the `split` feature (the built page) this is a split point: the page's module is cut
/// after linking (`.ci/trunk-post-build.sh`) and these views, with all the code only they use, come in a second module
/// that the first call loads.
fn later_tabs_view(LaterTabs(parsed): LaterTabs) -> AnyView {
    let cpu_autorun = parsed.settings.autorun && parsed.experiment == Experiment::Cpu;
    let io_autorun = parsed.io.autorun && parsed.experiment == Experiment::Io;
    view! {
        <CpuExperiment initial=parsed.settings autorun=cpu_autorun size_from_url=parsed.size_from_url/>
        <IoExperiment initial=parsed.io autorun=io_autorun/>
        <PresetPanel initial=parsed.preset autorun=parsed.preset_autorun/>
    }
    .into_any()
}

#[cfg(feature = "split")]
#[leptos::lazy]
fn later_tabs(later: LaterTabs) -> AnyView {
    later_tabs_view(later)
}

#[cfg(not(feature = "split"))]
async fn later_tabs(later: LaterTabs) -> AnyView {
    later_tabs_view(later)
}
