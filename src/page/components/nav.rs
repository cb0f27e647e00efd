//! The tabs: Lessons, the CPU experiment, the I/O lab and the presets, one shown at a time. Each is a real link
//! (`?tab=<id>`), so it can be opened in a new tab; a plain click switches in place and adds a history entry,
//! and Back and Forward switch back (to the lesson, too, on the lessons tab).

use leptos::prelude::*;

use crate::page::context::{Lab, replace_address_threads};
use crate::settings::{self, Tab};

/// The tab navigation (`tab-<id>`; the current one has `aria-current="page"`).
#[component]
pub fn Nav() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // Back and Forward: the tab follows the address; the experiments keep what they have.
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        let search = web_sys::window()
            .and_then(|window| window.location().search().ok())
            .unwrap_or_default();
        let parsed = settings::from_query(settings::query_pairs(&search));
        if let Some(lesson) = parsed.lesson {
            lab.lesson.set(lesson);
        }
        lab.tab.set(parsed.tab);
        // An older entry may name another pool size than the pool has now: the address follows the pool.
        replace_address_threads(lab.permalink_threads_untracked());
    });
    on_cleanup(move || listener.remove());
    view! {
        <nav class="tabs" aria-label="Sections">
            {Tab::ALL
                .into_iter()
                .map(|tab| {
                    view! {
                        <a
                            href=format!("?tab={}", tab.id())
                            data-testid=format!("tab-{}", tab.id())
                            aria-current=move || (lab.tab.get() == tab).then_some("page")
                            on:click=move |event| {
                                let modified = event.ctrl_key() || event.meta_key() || event.shift_key()
                                    || event.button() != 0;
                                if !modified {
                                    event.prevent_default();
                                    lab.switch_tab(tab);
                                }
                            }
                        >
                            {tab.title()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
