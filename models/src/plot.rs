//! Training curves as an SVG chart, drawn with `plotters` (its SVG backend: no system fonts or
//! native libraries; text stays text).

use anyhow::{anyhow, Context, Result};
use plotters::prelude::*;
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

/// The axis ranges that hold every point of `p` (and its marker), padded by 5% (a flat range
/// gets ±0.5).
fn bounds(p: &Panel<'_>) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
	let pts = p.series.iter().flat_map(|s| s.points.iter().copied());
	let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
	for (x, y) in pts.filter(|(x, y)| x.is_finite() && y.is_finite()) {
		(x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
	}
	if let Some(m) = p.marker_x.filter(|m| m.is_finite()) {
		(x0, x1) = (x0.min(m), x1.max(m));
	}
	let pad = |lo: f64, hi: f64| -> std::ops::Range<f64> {
		if lo > hi {
			0.0..1.0
		} else if hi - lo < 1e-12 {
			lo - 0.5..hi + 0.5
		} else {
			let d = (hi - lo) * 0.05;
			lo - d..hi + d
		}
	};
	(pad(x0, x1), pad(y0, y1))
}

fn draw_panel<DB: DrawingBackend>(
	area: &DrawingArea<DB, plotters::coord::Shift>,
	p: &Panel<'_>,
) -> Result<()>
where
	DB::ErrorType: 'static,
{
	let err = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing `{}`: {e:?}", p.title);
	let (xr, yr) = bounds(p);
	let (y_lo, y_hi) = (yr.start, yr.end);
	let mut chart = ChartBuilder::on(area)
		.caption(p.title, ("sans-serif", 15))
		.margin(12)
		.x_label_area_size(32)
		.y_label_area_size(48)
		.build_cartesian_2d(xr, yr)
		.map_err(err)?;
	chart
		.configure_mesh()
		.x_desc(p.x_label)
		.light_line_style(WHITE)
		.draw()
		.map_err(err)?;
	if let Some(m) = p.marker_x {
		chart
			.draw_series(LineSeries::new(
				[(m, y_lo), (m, y_hi)],
				BLACK.mix(0.4).stroke_width(1),
			))
			.map_err(err)?;
	}
	for s in &p.series {
		let color = RGBColor(s.color[0], s.color[1], s.color[2]);
		chart
			.draw_series(LineSeries::new(
				s.points.iter().copied(),
				color.stroke_width(2),
			))
			.map_err(err)?
			.label(s.name)
			.legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
	}
	chart
		.configure_series_labels()
		.background_style(WHITE.mix(0.85))
		.border_style(BLACK.mix(0.3))
		.draw()
		.map_err(err)?;
	Ok(())
}

/// Renders panels side by side (each `panel_w` × `h` pixels) into an SVG file.
pub fn render_svg(path: &Path, panels: &[Panel<'_>], panel_w: u32, h: u32) -> Result<()> {
	let w = panel_w * (panels.len().max(1) as u32);
	let root = SVGBackend::new(path, (w, h)).into_drawing_area();
	root.fill(&WHITE)
		.map_err(|e| anyhow!("drawing {}: {e:?}", path.display()))?;
	for (area, p) in root
		.split_evenly((1, panels.len().max(1)))
		.iter()
		.zip(panels)
	{
		draw_panel(area, p)?;
	}
	root.present()
		.map_err(|e| anyhow!("{e:?}"))
		.with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn panel(points: Vec<(f64, f64)>) -> Panel<'static> {
		Panel {
			title: "loss",
			x_label: "epoch",
			series: vec![Series {
				name: "dev F1",
				color: [214, 39, 40],
				points,
			}],
			marker_x: Some(2.0),
		}
	}

	#[test]
	fn bounds_hold_every_point_and_the_marker_with_padding() {
		let (x, y) = bounds(&panel(vec![(1.0, 0.2), (3.0, 0.6)]));
		assert!(x.start < 1.0 && x.end > 3.0);
		assert!(y.start < 0.2 && y.end > 0.6);
		let (_, flat) = bounds(&panel(vec![(1.0, 0.5)]));
		assert_eq!(flat, 0.0..1.0);
		let (_, empty) = bounds(&panel(vec![]));
		assert_eq!(empty, 0.0..1.0);
	}

	#[test]
	fn an_svg_chart_names_its_panels_and_series() {
		let path = std::env::temp_dir().join(format!("veritas-curves-{}.svg", std::process::id()));
		render_svg(
			&path,
			&[
				panel(vec![(1.0, 0.9), (2.0, 0.95), (3.0, 0.94)]),
				panel(vec![(1.0, 0.5)]),
			],
			400,
			300,
		)
		.expect("renders");
		let svg = std::fs::read_to_string(&path).expect("written");
		assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
		let texts: Vec<&str> = svg
			.split("<text")
			.skip(1)
			.filter_map(|t| t.split_once('>'))
			.map(|(_, rest)| rest.split("</text>").next().unwrap_or_default().trim())
			.collect();
		for label in ["loss", "dev F1", "epoch"] {
			assert!(texts.contains(&label), "`{label}` not among {texts:?}");
		}
		assert!(svg.contains("width=\"800\""));
		let _ = std::fs::remove_file(&path);
	}
}
