//! A tiny PNG line-chart renderer (no system fonts or libraries): an RGB raster, lines, and the
//! public-domain 8×8 bitmap font of the `font8x8` crate, encoded with `png`.

use anyhow::{Context, Result};
use std::path::Path;

/// RGB colour.
pub type Rgb = [u8; 3];

/// A series of (x, y) points.
pub struct Series<'a> {
	/// Legend name.
	pub name: &'a str,
	/// Colour.
	pub color: Rgb,
	/// Points.
	pub points: Vec<(f64, f64)>,
}

/// One chart panel.
pub struct Panel<'a> {
	/// Title.
	pub title: &'a str,
	/// X axis label.
	pub x_label: &'a str,
	/// Series.
	pub series: Vec<Series<'a>>,
	/// Optional vertical marker (e.g. the best epoch).
	pub marker_x: Option<f64>,
}

struct Canvas {
	w: usize,
	h: usize,
	px: Vec<u8>,
}

impl Canvas {
	fn new(w: usize, h: usize) -> Self {
		Self {
			w,
			h,
			px: vec![255; w * h * 3],
		}
	}
	fn set(&mut self, x: i64, y: i64, c: Rgb) {
		if x >= 0 && y >= 0 && (x as usize) < self.w && (y as usize) < self.h {
			let i = (y as usize * self.w + x as usize) * 3;
			self.px[i..i + 3].copy_from_slice(&c);
		}
	}
	fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), c: Rgb, thick: i64) {
		let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
		let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
		let (mut x, mut y, mut err) = (x0, y0, dx + dy);
		loop {
			for ox in 0..thick {
				for oy in 0..thick {
					self.set(x + ox - thick / 2, y + oy - thick / 2, c);
				}
			}
			if x == x1 && y == y1 {
				break;
			}
			let e2 = 2 * err;
			if e2 >= dy {
				err += dy;
				x += sx;
			}
			if e2 <= dx {
				err += dx;
				y += sy;
			}
		}
	}
	fn text(&mut self, x: i64, y: i64, s: &str, c: Rgb) {
		for (k, ch) in s.chars().enumerate() {
			let glyph = font8x8::legacy::BASIC_LEGACY
				.get(ch as usize)
				.copied()
				.unwrap_or([0; 8]);
			for (row, bits) in glyph.iter().enumerate() {
				for col in 0..8 {
					if bits & (1 << col) != 0 {
						self.set(x + k as i64 * 8 + col, y + row as i64, c);
					}
				}
			}
		}
	}
	fn dashed_vline(&mut self, x: i64, y0: i64, y1: i64, c: Rgb) {
		for y in y0..y1 {
			if (y / 4) % 2 == 0 {
				self.set(x, y, c);
			}
		}
	}
}

fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
	let span = (hi - lo).max(1e-12);
	let raw = span / n as f64;
	let mag = 10f64.powf(raw.log10().floor());
	let step = [1.0, 2.0, 2.5, 5.0, 10.0]
		.iter()
		.map(|m| m * mag)
		.find(|s| *s >= raw)
		.unwrap_or(mag * 10.0);
	// Ticks are whole multiples of the step (no accumulated rounding); `fmt_tick` prints any
	// signed zero as `0`.
	let first = (lo / step).ceil() as i64;
	(first..)
		.map(|k| k as f64 * step)
		.take_while(|t| *t <= hi + 1e-9)
		.collect()
}

fn fmt_tick(v: f64) -> String {
	let v = if v.abs() < 1e-12 { 0.0 } else { v };
	if v.abs() >= 100.0 || v.fract().abs() < 1e-9 {
		format!("{v:.0}")
	} else if v.abs() >= 1.0 {
		format!("{v:.1}")
	} else {
		format!("{v:.2}")
	}
}

fn draw_panel(c: &mut Canvas, p: &Panel<'_>, ox: i64, oy: i64, w: i64, h: i64) {
	let (ml, mr, mt, mb) = (56i64, 14i64, 28i64, 40i64);
	let (x0, y0, x1, y1) = (ox + ml, oy + mt, ox + w - mr, oy + h - mb);
	let pts = p.series.iter().flat_map(|s| s.points.iter());
	let (mut xmin, mut xmax, mut ymin, mut ymax) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
	for &(x, y) in pts {
		if x.is_finite() && y.is_finite() {
			xmin = xmin.min(x);
			xmax = xmax.max(x);
			ymin = ymin.min(y);
			ymax = ymax.max(y);
		}
	}
	if xmin > xmax {
		(xmin, xmax, ymin, ymax) = (0.0, 1.0, 0.0, 1.0);
	}
	if xmax - xmin < 1e-9 {
		xmax = xmin + 1.0;
	}
	let pad = ((ymax - ymin) * 0.05).max(1e-3);
	ymin -= pad;
	ymax += pad;
	let sx = |x: f64| x0 + ((x - xmin) / (xmax - xmin) * (x1 - x0) as f64).round() as i64;
	let sy = |y: f64| y1 - ((y - ymin) / (ymax - ymin) * (y1 - y0) as f64).round() as i64;
	let grid = [230, 230, 230];
	let axis = [40, 40, 40];
	for t in nice_ticks(ymin, ymax, 6) {
		let y = sy(t);
		c.line((x0, y), (x1, y), grid, 1);
		let s = fmt_tick(t);
		c.text(x0 - 6 - 8 * s.len() as i64, y - 4, &s, axis);
	}
	for t in nice_ticks(xmin, xmax, 8) {
		let x = sx(t);
		c.line((x, y0), (x, y1), grid, 1);
		let s = fmt_tick(t);
		c.text(x - 4 * s.len() as i64, y1 + 6, &s, axis);
	}
	c.line((x0, y0), (x0, y1), axis, 1);
	c.line((x0, y1), (x1, y1), axis, 1);
	c.text(ox + ml, oy + 8, p.title, axis);
	c.text(
		(x0 + x1) / 2 - 4 * p.x_label.len() as i64,
		y1 + 22,
		p.x_label,
		axis,
	);
	if let Some(m) = p.marker_x {
		c.dashed_vline(sx(m), y0, y1, [120, 120, 120]);
	}
	for (k, s) in p.series.iter().enumerate() {
		for win in s.points.windows(2) {
			c.line(
				(sx(win[0].0), sy(win[0].1)),
				(sx(win[1].0), sy(win[1].1)),
				s.color,
				2,
			);
		}
		if s.points.len() == 1 {
			let (x, y) = (sx(s.points[0].0), sy(s.points[0].1));
			c.line((x - 2, y), (x + 2, y), s.color, 3);
		}
		let ly = y0 + 6 + 14 * k as i64;
		let lx = x1 - 8 * 19;
		c.line((lx, ly + 4), (lx + 18, ly + 4), s.color, 3);
		c.text(lx + 24, ly, s.name, axis);
	}
}

/// Renders panels side by side into a PNG file.
pub fn render_png(path: &Path, panels: &[Panel<'_>], panel_w: usize, h: usize) -> Result<()> {
	let w = panel_w * panels.len().max(1);
	let mut c = Canvas::new(w, h);
	for (i, p) in panels.iter().enumerate() {
		draw_panel(&mut c, p, (i * panel_w) as i64, 0, panel_w as i64, h as i64);
	}
	let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
	let mut enc = png::Encoder::new(std::io::BufWriter::new(f), w as u32, h as u32);
	enc.set_color(png::ColorType::Rgb);
	enc.set_depth(png::BitDepth::Eight);
	let mut wr = enc.write_header().context("png header")?;
	wr.write_image_data(&c.px).context("png data")?;
	wr.finish().context("png finish")?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ticks_are_round_and_zero_has_no_sign() {
		let t = nice_ticks(-0.004, 0.31, 6);
		let labels: Vec<String> = t.iter().map(|&v| fmt_tick(v)).collect();
		assert_eq!(labels, ["0", "0.10", "0.20", "0.30"]);
		assert_eq!(fmt_tick(-0.0), "0");
	}
}
