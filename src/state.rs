//! Experiment settings as plain data: parsed from the URL and from the form's text fields, and written back to
//! a permalink. Pure functions, tested natively; malformed input becomes a note, never a panic.

use crate::kernels::{DEFAULT_TASKS, Kernel, KernelSpec};
use crate::modes::Mode;

/// The CPU experiment a URL or the form describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuSettings {
    /// Kernel, size and task count.
    pub spec: KernelSpec,
    /// The modes to run, in execution order.
    pub modes: Vec<Mode>,
    /// Whether to run as soon as the pool is ready.
    pub autorun: bool,
}

impl Default for CpuSettings {
    fn default() -> Self {
        CpuSettings {
            spec: KernelSpec::with_defaults(Kernel::Primes),
            modes: Mode::ALL.to_vec(),
            autorun: false,
        }
    }
}

/// Settings read from a URL, with a note for every parameter that was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedSettings {
    /// The settings, defaults where the URL said nothing usable.
    pub settings: CpuSettings,
    /// One human-readable note per ignored parameter.
    pub notes: Vec<String>,
}

/// Parses a whole number typed by a person: digits with optional `_` or `,` separators, or a plain exponent
/// form such as `2e6`.
///
/// # Errors
/// A sentence naming what is wrong, shown next to the field.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("enter a whole number".to_owned());
    }
    let digits: String = trimmed.chars().filter(|c| *c != '_' && *c != ',').collect();
    if let Ok(value) = digits.parse::<u64>() {
        return Ok(value);
    }
    if digits.starts_with('-') {
        return Err(format!("“{trimmed}” is negative: enter a whole number ≥ 0"));
    }
    match digits.parse::<f64>() {
        Ok(value) if !value.is_finite() => Err(format!("“{trimmed}” is not a finite number")),
        Ok(value) if value < 0.0 => Err(format!("“{trimmed}” is negative: enter a whole number ≥ 0")),
        Ok(value) if value.fract() != 0.0 => Err(format!("“{trimmed}” is not a whole number")),
        Ok(value) if value > u64::MAX as f64 => Err(format!("“{trimmed}” is far too large")),
        Ok(value) => Ok(value as u64),
        Err(_) => Err(format!("“{trimmed}” is not a number")),
    }
}

/// Splits a URL query (with or without its leading `?`) into decoded key–value pairs; `+` means a space and
/// `%XX` a byte, as in `application/x-www-form-urlencoded`. Invalid escapes are kept as typed.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |offset: usize| {
            bytes
                .get(index + offset)
                .and_then(|byte| char::from(*byte).to_digit(16))
        };
        match (bytes[index], hex(1), hex(2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (b'+', _, _) => {
                decoded.push(b' ');
                index += 1;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Reads the CPU experiment from URL query pairs (`kernel`, `n`, `t`, `modes`, `autorun`).
pub fn from_query<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> ParsedSettings
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut settings = CpuSettings::default();
    let mut notes = Vec::new();
    let mut size_text = None;
    let mut tasks_text = None;
    for (key, value) in pairs {
        let (key, value) = (key.as_ref(), value.as_ref());
        match key {
            "kernel" => match Kernel::from_id(value) {
                Some(kernel) => settings.spec = KernelSpec::with_defaults(kernel),
                None => notes.push(format!(
                    "unknown kernel “{value}”: using {}",
                    settings.spec.kernel.id()
                )),
            },
            "n" => size_text = Some(value.to_owned()),
            "t" => tasks_text = Some(value.to_owned()),
            "modes" => {
                let mut modes = Vec::new();
                for id in value.split(',').filter(|id| !id.is_empty()) {
                    match Mode::from_id(id) {
                        Some(mode) if !modes.contains(&mode) => modes.push(mode),
                        Some(_) => {}
                        None => notes.push(format!("unknown mode “{id}” ignored")),
                    }
                }
                if modes.is_empty() {
                    notes.push("no known mode in “modes”: running all three".to_owned());
                } else {
                    modes.sort();
                    settings.modes = modes;
                }
            }
            "autorun" => settings.autorun = matches!(value, "1" | "true" | "yes"),
            // Parameters of other experiments share the URL; they are not ours to judge.
            _ => {}
        }
    }
    if let Some(text) = size_text {
        let candidate = parse_count(&text).and_then(|size| {
            let spec = KernelSpec {
                size,
                ..settings.spec
            };
            spec.validate().map(|()| spec).map_err(|error| error.to_string())
        });
        match candidate {
            Ok(spec) => settings.spec = spec,
            Err(reason) => notes.push(format!("n ignored ({reason}): using {}", settings.spec.size)),
        }
    }
    if let Some(text) = tasks_text {
        let candidate = parse_count(&text).and_then(|tasks| {
            let tasks = u32::try_from(tasks).map_err(|_| format!("“{text}” is far too large"))?;
            let spec = KernelSpec {
                tasks,
                ..settings.spec
            };
            spec.validate().map(|()| spec).map_err(|error| error.to_string())
        });
        match candidate {
            Ok(spec) => settings.spec = spec,
            Err(reason) => notes.push(format!("t ignored ({reason}): using {DEFAULT_TASKS}")),
        }
    }
    ParsedSettings { settings, notes }
}

/// The query string (without `?`) that [`from_query`] reads back into the same settings.
pub fn to_query(settings: &CpuSettings) -> String {
    let modes: Vec<&str> = settings.modes.iter().map(|mode| mode.id()).collect();
    let mut query = format!(
        "kernel={}&n={}&modes={}",
        settings.spec.kernel.id(),
        settings.spec.size,
        modes.join(",")
    );
    if settings.spec.kernel == Kernel::SumLoop {
        query.push_str(&format!("&t={}", settings.spec.tasks));
    }
    if settings.autorun {
        query.push_str("&autorun=1");
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect()
    }

    #[test]
    fn the_issue_example_parses() {
        let parsed = from_query(split("kernel=primes&n=2000000&modes=main,worker,pool&autorun=1"));
        assert!(parsed.notes.is_empty());
        assert_eq!(parsed.settings.spec.kernel, Kernel::Primes);
        assert_eq!(parsed.settings.spec.size, 2_000_000);
        assert_eq!(parsed.settings.modes, Mode::ALL.to_vec());
        assert!(parsed.settings.autorun);
    }

    #[test]
    fn round_trips() {
        let settings = CpuSettings {
            spec: KernelSpec {
                kernel: Kernel::SumLoop,
                size: 1_000,
                tasks: 4,
            },
            modes: vec![Mode::Worker, Mode::Pool],
            autorun: true,
        };
        assert_eq!(from_query(split(&to_query(&settings))).settings, settings);
    }

    #[test]
    fn malformed_values_fall_back_with_a_note() {
        for query in [
            "kernel=nope",
            "kernel=primes&n=-5",
            "kernel=primes&n=abc",
            "kernel=primes&n=1e30",
            "kernel=primes&n=NaN",
            "kernel=primes&n=",
            "kernel=primes&n=99999999999999",
            "kernel=sum-loop&t=0",
            "modes=fast",
        ] {
            let parsed = from_query(split(query));
            assert!(!parsed.notes.is_empty(), "{query}");
            assert_eq!(parsed.settings.spec.validate(), Ok(()), "{query}");
            assert!(!parsed.settings.modes.is_empty());
        }
    }

    #[test]
    fn queries_decode() {
        assert_eq!(
            query_pairs("?modes=main%2Cpool&x=a+b&bad=%zz&flag"),
            vec![
                ("modes".to_owned(), "main,pool".to_owned()),
                ("x".to_owned(), "a b".to_owned()),
                ("bad".to_owned(), "%zz".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            from_query(query_pairs("?modes=main%2Cpool")).settings.modes,
            vec![Mode::Main, Mode::Pool]
        );
    }

    #[test]
    fn counts_parse_the_way_people_type_them() {
        assert_eq!(parse_count(" 2_000_000 "), Ok(2_000_000));
        assert_eq!(parse_count("1,000"), Ok(1_000));
        assert_eq!(parse_count("2e6"), Ok(2_000_000));
        for bad in ["", "-1", "1.5", "NaN", "inf", "1e30", "ten"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }
}
