//! Measurements the benchmark command calls from the page (`window.wasmBindings.benchColdStart`), for what the
//! UI does not expose as a run: a cold compute worker with its own pool, and the protocol's round trip.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::page::bridge::ComputeBridge;
use crate::report::stats::Summary;
use crate::timing::now_ms;

/// One cold start followed by warm round trips, all in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColdStart {
    /// Pool threads.
    pub threads: u32,
    /// From asking for the worker to its script running with the init message read.
    pub spawn_ms: f64,
    /// From its script running with the init message read to its wasm instance being ready.
    pub instantiate_ms: f64,
    /// From the instance to every pool thread being ready.
    pub threads_ready_ms: f64,
    /// From asking to the ready handshake arriving.
    pub total_ms: f64,
    /// Median of `pings` round trips UI → worker → UI on the now warm worker.
    pub ping_median_ms: f64,
    /// The fastest round trip.
    pub ping_min_ms: f64,
    /// The slowest round trip.
    pub ping_max_ms: f64,
}

/// Starts a fresh compute worker with a pool of `threads`, pings it `pings` times, then terminates it.
///
/// # Errors
/// The worker's error, as text, when it cannot start or dies.
#[wasm_bindgen(js_name = benchColdStart)]
pub async fn bench_cold_start(threads: u32, pings: u32) -> Result<JsValue, JsValue> {
    let (bridge, info) = ComputeBridge::start(threads)
        .await
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let ready_ms = now_ms();
    let mut round_trips = Vec::new();
    for _ in 0..pings.max(1) {
        let start = now_ms();
        bridge
            .ping()
            .await
            .map_err(|error| JsValue::from_str(&error.to_string()))?;
        round_trips.push(now_ms() - start);
    }
    drop(bridge);
    let pings = Summary::of(&round_trips).ok_or("no round trip measured")?;
    let result = ColdStart {
        threads: info.threads,
        spawn_ms: info.spawned_ms - info.requested_ms,
        instantiate_ms: info.instantiated_ms - info.spawned_ms,
        threads_ready_ms: info.pool_ready_ms - info.instantiated_ms,
        total_ms: ready_ms - info.requested_ms,
        ping_median_ms: pings.median,
        ping_min_ms: pings.min,
        ping_max_ms: pings.max,
    };
    serde_wasm_bindgen::to_value(&result).map_err(JsValue::from)
}
