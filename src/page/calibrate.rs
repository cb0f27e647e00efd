//! The start-up calibration (UI thread): once the compute worker has settled, each kernel runs a few times at a
//! small size on one thread — in the compute worker, or on the UI thread when there is none — and its speed is kept
//! in [`Lab::calibration`]. The CPU form turns it into defaults that take about [`TARGET_MS`] here and into the
//! time estimate beside the size field, so the default Run is long enough for the pool to show what it does.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::kernels::cost::{Calibration, PROBE_MS, Probe, ProbeThread, Rate, first_probe};
use crate::kernels::{Kernel, KernelSpec};
use crate::modes::Mode;
use crate::page::bridge::ComputeBridge;
use crate::page::context::{Lab, PoolState, mark};
use crate::page::measure::after_next_paint;
use crate::page::runner::{RunError, run_mode};
use crate::timing::now_ms;

/// How long the probes may take in all before the calibration gives up on the kernels still unmeasured (their
/// fields keep the static defaults and say so). The probes themselves take a few hundred milliseconds; a
/// compute worker that hangs is caught sooner by the bridge's watchdog.
pub const BOUND_MS: f64 = 10_000.0;

/// How often a probe that a Stop cut short (the user stopped a run queued beside it) is tried again.
const RETRIES: u32 = 2;

/// Calibrates once, as soon as the compute worker has settled (ready, worker only, or unavailable) and `ready` is
/// true (the page's later module is in, or waited for long enough: see `page::app`), and sets
/// [`Lab::calibration`]; it is always set in the end, with [`Calibration::failure`] saying what is missing.
/// Call once, from the component that owns the [`Lab`].
pub fn start(lab: Lab, ready: Signal<bool>) {
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if lab.pool.get() == PoolState::Starting || !ready.get() || started.get_value() {
            return;
        }
        started.set_value(true);
        spawn_local(async move {
            let calibration = calibrate(lab).await;
            for kernel in Kernel::ALL {
                web_sys::console::info_1(
                    &format!("lanes calibration: {}", calibration.describe(kernel)).into(),
                );
            }
            lab.calibration.set(Some(calibration));
            lab.runs.set_calibrating(false);
            mark("lanes-calibrated");
        });
    });
}

/// Measures every kernel, in the compute worker while it answers, else on the UI thread.
///
/// First every kernel runs once at a fixed small size ([`first_probe`]): that run is not trusted, since the
/// browser may still run the kernel's code unoptimised (V8 compiles wasm quickly first, and a call that is
/// running keeps its code; the optimised code, compiled in the background meanwhile, serves the next call).
/// Then each kernel runs twice more, sized from its previous run to take about [`PROBE_MS`]; the last run's
/// speed is kept. (Not the faster of the two: a short run slips between other processes more easily than a
/// long one, so the faster would promise more than a default-sized run gets on a busy machine.)
async fn calibrate(lab: Lab) -> Calibration {
    let began_ms = now_ms();
    let mut calibration = Calibration {
        rates: Vec::new(),
        probes: Vec::new(),
        failure: None,
    };
    let mut bridge = lab
        .bridge
        .get_value()
        .filter(|_| lab.pool.get_untracked().has_worker());
    let mut warm = Vec::new();
    for kernel in Kernel::ALL {
        let spec = first_probe(kernel);
        match time(spec, &mut bridge, &mut calibration.probes).await {
            Ok(ms) => warm.push((spec, ms)),
            Err(reason) => calibration.failure = Some(reason),
        }
    }
    for (warm_up, warm_ms) in warm {
        if now_ms() - began_ms > BOUND_MS {
            calibration.failure = Some(format!(
                "the start-up measurement took longer than {:.0} s",
                BOUND_MS / 1_000.0
            ));
            break;
        }
        match measure(warm_up, warm_ms, &mut bridge, &mut calibration.probes).await {
            Ok(rate) => calibration.rates.push(rate),
            Err(reason) => calibration.failure = Some(reason),
        }
    }
    calibration
}

/// Measures one warmed-up kernel: a run sized from the warm-up to take about [`PROBE_MS`] (the warm-up's speed
/// may be several times off, so this one may not), then the measured run, sized from that one. A compute
/// worker that breaks is dropped (`bridge` becomes `None`) and the kernel is measured on the UI thread
/// instead.
async fn measure(
    warm_up: KernelSpec,
    warm_ms: f64,
    bridge: &mut Option<Rc<ComputeBridge>>,
    probes: &mut Vec<Probe>,
) -> Result<Rate, String> {
    let no_clock = || format!("{}: the clock did not move during a probe", warm_up.kernel.id());
    let mut rate = Rate::measured(&warm_up, warm_ms).ok_or_else(no_clock)?;
    for _ in 0..2 {
        let spec = KernelSpec {
            size: rate.size_for_ms(warm_up.tasks, PROBE_MS),
            ..warm_up
        };
        let ms = time(spec, bridge, probes).await?;
        rate = Rate::measured(&spec, ms).ok_or_else(no_clock)?;
    }
    Ok(rate)
}

/// Runs `spec` once on one thread and returns how long the job itself took (not the hand-off): in the compute
/// worker by the job's own timestamps, on the UI thread by the clock around the call.
async fn time(
    spec: KernelSpec,
    bridge: &mut Option<Rc<ComputeBridge>>,
    probes: &mut Vec<Probe>,
) -> Result<f64, String> {
    let mut retries = RETRIES;
    loop {
        let (mode, thread) = match bridge {
            Some(_) => (Mode::Worker, ProbeThread::ComputeWorker),
            None => {
                // Let the page paint between probes: each holds the UI thread for tens of milliseconds.
                after_next_paint().await;
                (Mode::Main, ProbeThread::UiThread)
            }
        };
        let started_ms = now_ms();
        match run_mode(mode, spec, bridge.as_deref()).await {
            Ok(run) if !run.output.cancelled() => {
                let ms = run
                    .worker_window
                    .map_or_else(|| now_ms() - started_ms, |(started, finished)| finished - started);
                probes.push(Probe { spec, thread, ms });
                return Ok(ms);
            }
            // A Stop pressed for a run queued beside the probe stopped the probe too: try it again.
            Ok(_) if retries > 0 => retries -= 1,
            Ok(_) => return Err(format!("{}: the probe was stopped", spec.kernel.id())),
            Err(RunError::Worker(error)) => {
                web_sys::console::warn_1(
                    &format!("lanes calibration: {error}; measuring on the UI thread instead").into(),
                );
                *bridge = None;
            }
            Err(error) => return Err(format!("{}: {error}", spec.kernel.id())),
        }
    }
}
