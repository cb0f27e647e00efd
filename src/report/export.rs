//! Exports of the reports: versioned JSON, CSV with one row per span, and Chrome Trace Event JSON that opens in
//! Perfetto and chrome://tracing.
//!
//! **JSON** (`lanes-report`, version [`SCHEMA_VERSION`]): `{ "schema": "lanes-report", "version": 2,
//! "experiments": [ExperimentReport, ...] }`, where each experiment has `id`, `kind` (`cpu`, `io`, `pool-start`,
//! `sweep`, `handoff`, `pipeline`, `stream`, `connections`), `label`, `permalink`, `ideal_speedup`, `notes` and `modes`; each
//! mode `mode`, `result`, `error`, `notes` and `repeats`; each repeat `warmup`, `cancelled` (stopped by the user
//! before it finished; missing means `false`), `started_ms`, `finished_ms` (milliseconds since the Unix epoch on
//! the shared clock), `threads_used`, `freeze` (`null` when the repeat was not measured on its own, else
//! `max_frame_gap_ms`, `frozen_ms`, `long_tasks`), `spans` (`lane` {`kind`: `main`, `worker`, `pool`, `main-pool` or `request`; `index`}, `name`, `start_ms`,
//! `end_ms`) and, for I/O runs and the connections preset (`kind` `connections`), `requests` (`index`, `origin`,
//! `lab`, `start_ms`, `end_ms`, `protocol` — Resource Timing's `nextHopProtocol`, `null` where not reported —
//! and `queued_ms`, the wait for a connection, `null` where not measured; left out where there are none, an
//! additive field). Version 2 moved `threads_used` from the mode to each repeat and made `freeze` nullable.
//!
//! **CSV**: `experiment,kind,mode,repeat,warmup,lane,name,start_ms,duration_ms`, times in milliseconds from the
//! experiment's first span.
//!
//! **Trace**: one process per mode (`pid` = mode position + 1, named by `process_name`), one thread per lane
//! (named by `thread_name`), one complete event (`ph: "X"`, `ts`/`dur` in microseconds) per span.

use serde_json::{Value, json};

use super::{ExperimentReport, Lane, SCHEMA_VERSION};

/// The versioned JSON document.
pub fn to_json(reports: &[ExperimentReport]) -> String {
    let document = json!({
        "schema": "lanes-report",
        "version": SCHEMA_VERSION,
        "experiments": reports,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn origin_ms(report: &ExperimentReport) -> f64 {
    report
        .modes
        .iter()
        .flat_map(|mode| &mode.repeats)
        .flat_map(|repeat| {
            std::iter::once(repeat.started_ms).chain(repeat.spans.iter().map(|span| span.start_ms))
        })
        .fold(f64::INFINITY, f64::min)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// One CSV row per span, with a header.
pub fn to_csv(reports: &[ExperimentReport]) -> String {
    let mut csv = String::from("experiment,kind,mode,repeat,warmup,lane,name,start_ms,duration_ms\n");
    for report in reports {
        let origin = origin_ms(report);
        let kind = match report.kind {
            super::ExperimentKind::Cpu => "cpu",
            super::ExperimentKind::Io => "io",
            super::ExperimentKind::PoolStart => "pool-start",
            super::ExperimentKind::Sweep => "sweep",
            super::ExperimentKind::Handoff => "handoff",
            super::ExperimentKind::Pipeline => "pipeline",
            super::ExperimentKind::Stream => "stream",
            super::ExperimentKind::Connections => "connections",
        };
        for mode in &report.modes {
            for (repeat_index, repeat) in mode.repeats.iter().enumerate() {
                for span in &repeat.spans {
                    csv.push_str(&format!(
                        "{},{kind},{},{repeat_index},{},{},{},{:.3},{:.3}\n",
                        report.id,
                        csv_field(&mode.mode.id()),
                        repeat.warmup,
                        span.lane.id(),
                        csv_field(&span.name),
                        span.start_ms - origin,
                        span.duration_ms(),
                    ));
                }
            }
        }
    }
    csv
}

/// The thread id a lane gets in the trace.
pub fn trace_tid(lane: Lane) -> u64 {
    match lane {
        Lane::Main => 1,
        Lane::Worker => 2,
        Lane::Pool(index) => 100 + u64::from(index),
        Lane::MainPool(index) => 500 + u64::from(index),
        Lane::Request(index) => 1_000 + u64::from(index),
    }
}

/// A Chrome Trace Event document for one experiment.
pub fn to_trace(report: &ExperimentReport) -> Value {
    let origin = origin_ms(report);
    let micros = |ms: f64| ((ms - origin) * 1_000.0).max(0.0).round();
    let mut events = Vec::new();
    for (position, mode) in report.modes.iter().enumerate() {
        let pid = position + 1;
        events.push(json!({
            "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
            "args": { "name": format!("{} — {}", mode.mode, report.label) },
        }));
        events.push(json!({
            "name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0, "args": { "sort_index": position },
        }));
        let mut lanes: Vec<Lane> = mode
            .repeats
            .iter()
            .flat_map(|repeat| repeat.spans.iter().map(|span| span.lane))
            .collect();
        crate::order::sort(&mut lanes);
        lanes.dedup();
        for lane in lanes {
            events.push(json!({
                "name": "thread_name", "ph": "M", "pid": pid, "tid": trace_tid(lane),
                "args": { "name": lane.name() },
            }));
        }
        for (repeat_index, repeat) in mode.repeats.iter().enumerate() {
            for span in &repeat.spans {
                events.push(json!({
                    "name": span.name,
                    "cat": mode.mode,
                    "ph": "X",
                    "ts": micros(span.start_ms),
                    "dur": (span.duration_ms() * 1_000.0).max(0.0).round(),
                    "pid": pid,
                    "tid": trace_tid(span.lane),
                    "args": { "repeat": repeat_index, "warmup": repeat.warmup, "cancelled": repeat.cancelled },
                }));
            }
        }
    }
    json!({ "traceEvents": events, "displayTimeUnit": "ms" })
}

#[cfg(test)]
mod tests {
    use super::super::{ExperimentKind, FreezeReading, ModeReport, Repeat, Span};
    use super::*;

    fn report() -> ExperimentReport {
        let span = |lane, start_ms: f64, end_ms: f64| Span {
            lane,
            name: "GET /a?x=1,2 \"q\"".to_owned(),
            start_ms,
            end_ms,
        };
        ExperimentReport {
            id: 7,
            kind: ExperimentKind::Cpu,
            label: "primes n=100".to_owned(),
            permalink: "kernel=primes&n=100".to_owned(),
            ideal_speedup: 2.0,
            notes: Vec::new(),
            modes: vec![ModeReport {
                mode: crate::report::ReportMode::Cpu(crate::modes::Mode::Pool),
                repeats: vec![Repeat {
                    warmup: false,
                    cancelled: false,
                    started_ms: 1_000.0,
                    finished_ms: 1_010.0,
                    spans: vec![
                        span(Lane::Main, 1_000.0, 1_010.0),
                        span(Lane::Pool(0), 1_001.0, 1_004.5),
                        span(Lane::Pool(1), 1_001.5, 1_009.0),
                    ],
                    freeze: Some(FreezeReading {
                        max_frame_gap_ms: 16.0,
                        frozen_ms: 0.0,
                        long_tasks: 0,
                    }),
                    threads_used: 2,
                    requests: Vec::new(),
                }],
                result: "25".to_owned(),
                error: None,
                notes: Vec::new(),
            }],
        }
    }

    #[test]
    fn trace_events_are_complete_in_microseconds_and_every_lane_is_named() {
        let trace = to_trace(&report());
        let events = trace["traceEvents"].as_array().unwrap();
        let complete: Vec<&Value> = events.iter().filter(|event| event["ph"] == "X").collect();
        assert_eq!(complete.len(), 3);
        for event in &complete {
            for key in ["name", "ph", "ts", "dur", "pid", "tid"] {
                assert!(!event[key].is_null(), "{key} in {event}");
            }
            let tid = &event["tid"];
            assert!(
                events
                    .iter()
                    .any(|meta| meta["ph"] == "M" && meta["name"] == "thread_name" && &meta["tid"] == tid),
                "lane {tid} is named"
            );
        }
        assert_eq!(complete[1]["ts"], 1_000.0, "1 ms after the origin, in µs");
        assert_eq!(complete[1]["dur"], 3_500.0);
        let names: Vec<&str> = events
            .iter()
            .filter(|event| event["name"] == "thread_name")
            .filter_map(|event| event["args"]["name"].as_str())
            .collect();
        assert_eq!(names, ["main thread", "pool thread 0", "pool thread 1"]);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let csv = to_csv(&[report()]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[2],
            "7,cpu,pool,0,false,pool-0,\"GET /a?x=1,2 \"\"q\"\"\",1.000,3.500"
        );
    }

    #[test]
    fn json_is_versioned_and_round_trips() {
        let text = to_json(&[report()]);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["schema"], "lanes-report");
        assert_eq!(value["version"], SCHEMA_VERSION);
        let back: Vec<ExperimentReport> = serde_json::from_value(value["experiments"].clone()).unwrap();
        assert_eq!(back, vec![report()]);
    }

    #[test]
    fn requests_are_exported_where_there_are_some_and_left_out_elsewhere() {
        use crate::io::connections::RequestTiming;
        let plain = to_json(&[report()]);
        assert!(
            !plain.contains("\"requests\""),
            "no requests, no field: older readers see nothing new"
        );
        let mut with_requests = report();
        with_requests.modes[0].repeats[0].requests = vec![
            RequestTiming {
                index: 0,
                origin: "http://127.0.0.1:8081".to_owned(),
                lab: false,
                start_ms: 1_000.0,
                end_ms: Some(1_601.0),
                protocol: Some("http/1.1".to_owned()),
                queued_ms: Some(300.5),
            },
            RequestTiming {
                index: 1,
                origin: "http://127.0.0.1:8080".to_owned(),
                lab: true,
                start_ms: 1_000.0,
                end_ms: Some(1_301.0),
                protocol: None,
                queued_ms: None,
            },
        ];
        let value: Value = serde_json::from_str(&to_json(std::slice::from_ref(&with_requests))).unwrap();
        assert_eq!(value["version"], 2, "an additive field keeps the version");
        let requests = &value["experiments"][0]["modes"][0]["repeats"][0]["requests"];
        assert_eq!(requests[0]["protocol"], "http/1.1");
        assert_eq!(requests[0]["queued_ms"], 300.5);
        assert!(
            requests[1]["protocol"].is_null() && requests[1]["queued_ms"].is_null(),
            "not measured is null, never 0"
        );
        let back: Vec<ExperimentReport> = serde_json::from_value(value["experiments"].clone()).unwrap();
        assert_eq!(back, vec![with_requests]);
    }
}
