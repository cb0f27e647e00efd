//! A Mandelbrot image, `width` × `width·3/4`, drawn in bands of rows: one band is one task.

use super::{Context, Image, KernelOutput, Strategy, run_tasks};

/// Rows per band.
pub const BAND_ROWS: u32 = 8;
/// Iterations before a point counts as inside the set.
pub const MAX_ITERATIONS: u32 = 256;
/// Width by default.
pub const DEFAULT_WIDTH: u64 = 800;
/// The narrowest image accepted.
pub const MIN_WIDTH: u64 = 8;
/// The widest image accepted (4096 × 3072, 48 MiB of RGBA).
pub const MAX_WIDTH: u64 = 4096;

/// The image height for a width: a 4:3 view of the set.
pub fn height_for(width: u32) -> u32 {
    (width * 3 / 4).max(1)
}

/// Iterations until `z² + c` leaves the radius-2 disc, up to [`MAX_ITERATIONS`].
pub fn escape_time(re: f64, im: f64) -> u32 {
    let (mut x, mut y) = (0.0_f64, 0.0_f64);
    let mut iteration = 0;
    while iteration < MAX_ITERATIONS && x * x + y * y <= 4.0 {
        let next_x = x * x - y * y + re;
        y = 2.0 * x * y + im;
        x = next_x;
        iteration += 1;
    }
    iteration
}

fn colour(iterations: u32) -> [u8; 4] {
    if iterations >= MAX_ITERATIONS {
        return [12, 14, 28, 255];
    }
    let t = f64::from(iterations) / f64::from(MAX_ITERATIONS);
    let channel = |scale: f64| (255.0 * scale).clamp(0.0, 255.0) as u8;
    [
        channel(9.0 * (1.0 - t) * t * t * t),
        channel(15.0 * (1.0 - t) * (1.0 - t) * t * t),
        channel(8.5 * (1.0 - t) * (1.0 - t) * (1.0 - t) * t + 0.15),
        255,
    ]
}

/// Draws the image; the value is the total iteration count over all pixels.
pub fn run(width: u64, strategy: Strategy, context: Context) -> KernelOutput {
    let width = u32::try_from(width).unwrap_or(u32::MAX);
    let height = height_for(width);
    let bands: Vec<(u32, u32)> = (0..height.div_ceil(BAND_ROWS))
        .map(|band| (band * BAND_ROWS, ((band + 1) * BAND_ROWS).min(height)))
        .collect();
    let (x_min, x_max, y_min, y_max) = (-2.2_f64, 1.0_f64, -1.2_f64, 1.2_f64);
    // A band is at most 8 rows of 4096 points: the check between rows is often enough.
    let tasks = run_tasks(&bands, strategy, context, |&(first_row, end_row), cancelled| {
        let mut rgba = Vec::with_capacity(((end_row - first_row) * width * 4) as usize);
        let mut total = 0_u64;
        for row in first_row..end_row {
            if cancelled() {
                return None;
            }
            let im = y_min + (y_max - y_min) * f64::from(row) / f64::from(height);
            for column in 0..width {
                let re = x_min + (x_max - x_min) * f64::from(column) / f64::from(width);
                let iterations = escape_time(re, im);
                total += u64::from(iterations);
                rgba.extend_from_slice(&colour(iterations));
            }
        }
        Some((total, rgba))
    });
    let mut value = 0;
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for (band, output) in bands.iter().zip(&tasks.outputs) {
        match output {
            Some((total, pixels)) => {
                value += total;
                rgba.extend_from_slice(pixels);
            }
            // A band a stop left undrawn stays transparent.
            None => rgba.resize(rgba.len() + ((band.1 - band.0) * width * 4) as usize, 0),
        }
    }
    tasks.into_output(value, Some(Image { width, height, rgba }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_and_outside_points() {
        assert_eq!(escape_time(0.0, 0.0), MAX_ITERATIONS);
        assert_eq!(escape_time(2.0, 2.0), 1);
    }

    #[test]
    fn image_has_every_pixel() {
        let output = run(40, Strategy::Sequential, Context::new(&|| 0.0));
        let image = output.image.unwrap();
        assert_eq!((image.width, image.height), (40, 30));
        assert_eq!(image.rgba.len(), 40 * 30 * 4);
        assert_eq!(output.spans.len(), 4, "30 rows in bands of 8");
    }
}
