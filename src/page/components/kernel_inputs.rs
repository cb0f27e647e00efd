//! The kernel picker and size field, shared by the CPU experiment and the CPU presets.

use leptos::prelude::*;

use crate::kernels::Kernel;

/// A kernel `<select>` and a size text field (with the kernel's meaning and range as a hint). Picking another
/// kernel resets the size to that kernel's default, since the size means something else for each.
/// Returns the view and the two signals, for the caller to validate as it needs.
pub(crate) fn kernel_inputs(
    initial_kernel: Kernel,
    initial_size: u64,
    select_test_id: &'static str,
    size_test_id: &'static str,
) -> (impl IntoView, RwSignal<Kernel>, RwSignal<String>) {
    let kernel = RwSignal::new(initial_kernel);
    let size_text = RwSignal::new(initial_size.to_string());
    let view = view! {
        <label>
            "Kernel "
            <select
                data-testid=select_test_id
                prop:value=move || kernel.get().id()
                on:change=move |event| {
                    if let Some(chosen) = Kernel::from_id(&event_target_value(&event)) {
                        kernel.set(chosen);
                        size_text.set(chosen.default_size().to_string());
                    }
                }
            >
                {Kernel::ALL
                    .iter()
                    .map(|option| {
                        view! {
                            <option value=option.id() selected=move || kernel.get() == *option>
                                {option.id()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <label>
            "Size "
            <input
                data-testid=size_test_id
                type="text"
                inputmode="numeric"
                prop:value=move || size_text.get()
                on:input=move |event| size_text.set(event_target_value(&event))
            />
            <span class="hint">
                {move || {
                    let (min, max) = kernel.get().size_range();
                    format!("{} ({min}–{max})", kernel.get().size_meaning())
                }}
            </span>
        </label>
    };
    (view, kernel, size_text)
}
