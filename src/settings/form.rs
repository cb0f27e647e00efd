//! Numbers typed into the forms' text fields: parsed the way people type them, checked against a range, and
//! explained in a sentence when they are wrong.

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

/// Parses a number typed into a form field and checks it against `min..=max`.
///
/// # Errors
/// A sentence naming what is wrong and the accepted range.
pub fn parse_bounded(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let value = parse_count(text)?;
    if value < min || value > max {
        return Err(format!("{value} is outside {min}..={max}"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parse_the_way_people_type_them() {
        assert_eq!(parse_count(" 2_000_000 "), Ok(2_000_000));
        assert_eq!(parse_count("1,000"), Ok(1_000));
        assert_eq!(parse_count("2e6"), Ok(2_000_000));
        for bad in ["", "-1", "1.5", "NaN", "inf", "1e30", "ten"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounded_numbers_name_the_range() {
        assert_eq!(parse_bounded("20", 1, 20), Ok(20));
        assert_eq!(parse_bounded("21", 1, 20), Err("21 is outside 1..=20".to_owned()));
        assert!(parse_bounded("x", 1, 20).is_err());
    }
}
