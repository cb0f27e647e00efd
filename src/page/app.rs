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
use crate::settings::{self, Experiment};

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
    let cpu_autorun = parsed.settings.autorun && parsed.experiment == Experiment::Cpu;
    let io_autorun = parsed.io.autorun && parsed.experiment == Experiment::Io;
    let notes = parsed.notes.clone();

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
            <CpuExperiment initial=parsed.settings autorun=cpu_autorun size_from_url=parsed.size_from_url/>
            <IoExperiment initial=parsed.io autorun=io_autorun/>
            <PresetPanel initial=parsed.preset autorun=parsed.preset_autorun/>
            {parsed.debug.then(|| view! { <DebugPanel/> })}
            <ReportPanel/>
        </main>
    }
}
