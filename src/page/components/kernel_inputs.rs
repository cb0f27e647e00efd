//! The kernel picker and size field, shared by the CPU experiment and the CPU presets, with the time the size
//! takes on one thread here beside it (from the start-up calibration, [`crate::page::calibrate`]).

use leptos::prelude::*;

use crate::kernels::cost::describe_ms;
use crate::kernels::{DEFAULT_TASKS, Kernel, KernelSpec};
use crate::page::context::Lab;
use crate::settings::parse_count;

/// [`calibrated_kernel_inputs`] for the CPU presets: the size starts at `initial_size`, the estimate is
/// `data-testid="preset-size-estimate"`, and the presets' jobs have [`DEFAULT_TASKS`] tasks.
pub(crate) fn kernel_inputs(
    initial_kernel: Kernel,
    initial_size: u64,
    select_test_id: &'static str,
    size_test_id: &'static str,
) -> (impl IntoView, RwSignal<Kernel>, Signal<String>) {
    calibrated_kernel_inputs(
        initial_kernel,
        Some(initial_size),
        Signal::stored(Some(DEFAULT_TASKS)),
        select_test_id,
        size_test_id,
        "preset-size-estimate",
    )
}

/// A kernel `<select>` and a size text field, with the kernel's meaning and range and the time the size takes
/// on one thread here as hints. Returns the view, the kernel and the size as typed, for the caller to validate
/// as it needs.
///
/// The size is a *default* until the user types one: with `initial_size` `None` (a URL without `n`) it is the
/// kernel's static default until the calibration completes, then the calibrated one (about
/// [`crate::kernels::cost::TARGET_MS`] on one thread for the current `tasks`). Picking another kernel makes it
/// a default again, since the size means something else for each kernel. A size the user typed, or
/// `initial_size`, is kept. `tasks` is the job's task count (`sum-loop`'s work depends on it), `None` while
/// the form's tasks field is invalid.
///
/// The estimate hint is `data-testid=estimate_test_id`, with `data-calibration` = `pending`, `done` or
/// `failed` (this kernel could not be measured) and, when the time is known, `data-estimate-ms`.
pub(crate) fn calibrated_kernel_inputs(
    initial_kernel: Kernel,
    initial_size: Option<u64>,
    tasks: Signal<Option<u32>>,
    select_test_id: &'static str,
    size_test_id: &'static str,
    estimate_test_id: &'static str,
) -> (impl IntoView, RwSignal<Kernel>, Signal<String>) {
    let calibration = use_context::<Lab>().map(|lab| lab.calibration);
    let calibrated = move || calibration.and_then(|calibration| calibration.get());
    let kernel = RwSignal::new(initial_kernel);
    // What the user typed (or the URL gave); `None` while the field shows the default.
    let typed = RwSignal::new(initial_size.map(|size| size.to_string()));
    // Derived rather than set by an effect, so whoever reads the size after the calibration (the autorun)
    // reads the calibrated default, whatever order effects run in.
    let size_text = Signal::derive(move || {
        if let Some(text) = typed.get() {
            return text;
        }
        let (kernel, tasks) = (kernel.get(), tasks.get().unwrap_or(DEFAULT_TASKS));
        calibration
            .and_then(|calibration| {
                calibration.with(|calibration| calibration.as_ref()?.default_size(kernel, tasks))
            })
            .unwrap_or_else(|| kernel.default_size())
            .to_string()
    });
    // The hint's state (`data-calibration`), time and text.
    let estimate = Memo::new(move |_| -> (&'static str, Option<f64>, String) {
        let Some(calibration) = calibrated() else {
            return (
                "pending",
                None,
                "calibrating: measuring one thread's speed here…".to_owned(),
            );
        };
        let kernel = kernel.get();
        if calibration.rate(kernel).is_none() {
            let reason = calibration.failure.clone().unwrap_or_default();
            return (
                "failed",
                None,
                format!(
                    "no time estimate: the start-up measurement failed ({reason}); the size is the usual default"
                ),
            );
        }
        let spec = parse_count(&size_text.get())
            .ok()
            .zip(tasks.get())
            .map(|(size, tasks)| KernelSpec { kernel, size, tasks });
        match spec.filter(|spec| spec.validate().is_ok()) {
            Some(spec) => match calibration.estimate_ms(&spec) {
                Some(ms) => (
                    "done",
                    Some(ms),
                    format!("{} on one thread here (measured at start-up)", describe_ms(ms)),
                ),
                None => ("done", None, String::new()),
            },
            // The form's message says what is wrong with the size.
            None => ("done", None, String::new()),
        }
    });
    let view = view! {
        <label>
            "Kernel "
            <select
                data-testid=select_test_id
                prop:value=move || kernel.get().id()
                on:change=move |event| {
                    if let Some(chosen) = Kernel::from_id(&event_target_value(&event)) {
                        kernel.set(chosen);
                        typed.set(None);
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
                on:input=move |event| typed.set(Some(event_target_value(&event)))
            />
            <span class="hint">
                {move || {
                    let (min, max) = kernel.get().size_range();
                    format!("{} ({min}–{max})", kernel.get().size_meaning())
                }}
            </span>
            <span
                class="hint estimate"
                data-testid=estimate_test_id
                data-calibration=move || estimate.with(|estimate| estimate.0)
                data-estimate-ms=move || estimate.with(|estimate| estimate.1.map(|ms| format!("{ms:.0}")))
                title=move || calibrated().map(|calibration| calibration.describe(kernel.get()))
            >
                {move || estimate.with(|estimate| estimate.2.clone())}
            </span>
        </label>
    };
    (view, kernel, size_text)
}
