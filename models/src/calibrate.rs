//! Temperature scaling of the label head, fitted on dev.
//!
//! A fine-tuned classifier is often surer than it is right. When thousands of memos score 0 on
//! the `0..=10000` scale, the operating point cannot tell them apart: one wrong memo among them
//! and no approve edge is left. Dividing the label head's logits by a temperature `T > 1`
//! keeps the order of the memos (the scores are a monotone function of the same margin), so
//! it cannot make the model rank better; it spreads the scores over the scale, so that ties
//! break and the scores read as probabilities again (Guo et al., 2017, *On calibration of
//! modern neural networks*).
//!
//! [`fit_temperature`] takes the `T` that minimises the negative log-likelihood on the dev
//! sets, each set weighing the same whatever its size (the operating point caps each set on
//! its own). [`scale_head`] writes the head with its weight and bias divided by `T`, so the
//! engine needs nothing new: every validator loads the same f32 bytes.

use crate::metrics;
use anyhow::{bail, Context, Result};
use safetensors::{Dtype, SafeTensors};
use serde::Serialize;
use std::path::Path;
use veritas_classifier::authoring::write_head;

/// The smallest and largest temperature [`fit_temperature`] considers.
pub const TEMPERATURE_RANGE: (f64, f64) = (0.25, 50.0);

/// The label head's logits on one labelled dev set.
#[derive(Clone, Debug)]
pub struct SetLogits {
	/// Set name (e.g. `voices_dev_v2`).
	pub name: String,
	/// The label head's logits, one row per memo.
	pub logits: Vec<Vec<f64>>,
	/// The true label index of each memo.
	pub truth: Vec<usize>,
	/// Index of the positive (scored) label.
	pub positive: usize,
}

impl SetLogits {
	/// Mean negative log-likelihood of the true labels at temperature `t`.
	pub fn nll(&self, t: f64) -> f64 {
		let total: f64 = self
			.logits
			.iter()
			.zip(&self.truth)
			.map(|(l, &y)| -log_softmax_at(l, y, t))
			.sum();
		total / self.logits.len().max(1) as f64
	}

	/// Expected calibration error (10 bins) of the positive label's probability at `t`.
	pub fn ece(&self, t: f64) -> f64 {
		let y: Vec<usize> = self
			.truth
			.iter()
			.map(|&y| usize::from(y == self.positive))
			.collect();
		let p: Vec<f64> = self
			.logits
			.iter()
			.map(|l| log_softmax_at(l, self.positive, t).exp())
			.collect();
		metrics::ece(&y, &p)
	}

	/// Memos whose positive score would round to 0 or to 10000 at `t` (where the scale cannot
	/// tell them apart).
	pub fn saturated(&self, t: f64) -> usize {
		self.logits
			.iter()
			.map(|l| (log_softmax_at(l, self.positive, t).exp() * 10_000.0).round())
			.filter(|&s| s <= 0.0 || s >= 10_000.0)
			.count()
	}
}

/// `log softmax(logits / t)[i]`, computed stably.
fn log_softmax_at(logits: &[f64], i: usize, t: f64) -> f64 {
	let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
	let sum: f64 = logits.iter().map(|&l| ((l - max) / t).exp()).sum();
	(logits[i] - max) / t - sum.ln()
}

/// The mean over sets of each set's mean negative log-likelihood at `t`.
pub fn pooled_nll(sets: &[SetLogits], t: f64) -> f64 {
	sets.iter().map(|s| s.nll(t)).sum::<f64>() / sets.len().max(1) as f64
}

/// The temperature in [`TEMPERATURE_RANGE`] of least [`pooled_nll`]: a golden-section search
/// over `ln T` (the likelihood is convex in `1 / T`, so it has one minimum there).
pub fn fit_temperature(sets: &[SetLogits]) -> Result<f64> {
	if sets.iter().all(|s| s.logits.is_empty()) {
		bail!("no labelled memos to fit a temperature on");
	}
	let f = |x: f64| pooled_nll(sets, x.exp());
	let (mut a, mut b) = (TEMPERATURE_RANGE.0.ln(), TEMPERATURE_RANGE.1.ln());
	let g = (5f64.sqrt() - 1.0) / 2.0;
	let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
	let (mut fc, mut fd) = (f(c), f(d));
	while b - a > 1e-6 {
		if fc < fd {
			(b, d, fd) = (d, c, fc);
			c = b - g * (b - a);
			fc = f(c);
		} else {
			(a, c, fc) = (c, d, fd);
			d = a + g * (b - a);
			fd = f(d);
		}
	}
	Ok(((a + b) / 2.0).exp())
}

/// One dev set before and after scaling.
#[derive(Clone, Debug, Serialize)]
pub struct SetCalibration {
	/// Set name.
	pub name: String,
	/// Memos.
	pub n: usize,
	/// Mean negative log-likelihood at `T = 1` and at the fitted `T`.
	pub nll: (f64, f64),
	/// Expected calibration error (10 bins) at `T = 1` and at the fitted `T`.
	pub ece: (f64, f64),
	/// Memos whose score rounds to 0 or 10000, at `T = 1` and at the fitted `T`.
	pub saturated: (usize, usize),
}

/// What `calibrate` found.
#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
	/// The fitted temperature.
	pub temperature: f64,
	/// Each dev set before and after.
	pub sets: Vec<SetCalibration>,
}

/// Fits the temperature on `sets` and reports each set before and after.
pub fn calibrate(sets: &[SetLogits]) -> Result<Calibration> {
	let t = fit_temperature(sets)?;
	Ok(Calibration {
		temperature: t,
		sets: sets
			.iter()
			.map(|s| SetCalibration {
				name: s.name.clone(),
				n: s.logits.len(),
				nll: (s.nll(1.0), s.nll(t)),
				ece: (s.ece(1.0), s.ece(t)),
				saturated: (s.saturated(1.0), s.saturated(t)),
			})
			.collect(),
	})
}

/// Checks a temperature given on the command line.
pub fn check_temperature(t: f64) -> Result<f64> {
	let (lo, hi) = TEMPERATURE_RANGE;
	if !t.is_finite() || !(lo..=hi).contains(&t) {
		bail!("temperature {t} is not in {lo}..={hi}");
	}
	Ok(t)
}

/// Writes the label head `src` (safetensors `weight` `[out, in]`, `bias` `[out]`, F32) to `dst`
/// with weight and bias divided by `t`: the logits of the new head are the old ones over `t`.
pub fn scale_head(src: &Path, dst: &Path, t: f64) -> Result<()> {
	let t = check_temperature(t)?;
	let bytes = std::fs::read(src).with_context(|| format!("reading {}", src.display()))?;
	let st = SafeTensors::deserialize(&bytes)
		.with_context(|| format!("{} is not a safetensors file", src.display()))?;
	let read = |name: &str| -> Result<Vec<f32>> {
		let v = st
			.tensor(name)
			.with_context(|| format!("{} lacks `{name}`", src.display()))?;
		if v.dtype() != Dtype::F32 {
			bail!("{}: `{name}` is not F32", src.display());
		}
		Ok(v.data()
			.chunks_exact(4)
			.map(|c| (f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64 / t) as f32)
			.collect())
	};
	let (weight, bias) = (read("weight")?, read("bias")?);
	write_head(dst, &weight, &bias).with_context(|| format!("writing {}", dst.display()))
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Memos whose margin is `k · z` with `z` standard-logistic-like spread and labels drawn so
	/// that the true margin is `z`: the fitted temperature must come back near `k`.
	fn overconfident(k: f64) -> SetLogits {
		let mut logits = Vec::new();
		let mut truth = Vec::new();
		// A deterministic grid of true margins z and, for each, labels in proportion sigmoid(z).
		for i in 0..200 {
			let z = -6.0 + 12.0 * i as f64 / 199.0;
			let p = 1.0 / (1.0 + (-z).exp());
			let positives = (p * 50.0).round() as usize;
			for j in 0..50 {
				logits.push(vec![0.0, k * z]);
				truth.push(usize::from(j < positives));
			}
		}
		SetLogits {
			name: "synthetic".into(),
			logits,
			truth,
			positive: 1,
		}
	}

	#[test]
	fn fits_the_overconfidence_back() {
		for k in [0.5, 1.0, 3.0, 8.0] {
			let s = overconfident(k);
			let t = fit_temperature(std::slice::from_ref(&s)).unwrap();
			assert!((t / k - 1.0).abs() < 0.05, "k {k}: fitted {t}");
			// Scaling lowers the error it was fitted on, and the calibration error.
			assert!(s.nll(t) <= s.nll(1.0) + 1e-12);
			if k > 2.0 {
				assert!(s.ece(t) < s.ece(1.0));
				assert!(s.saturated(t) < s.saturated(1.0));
			}
		}
	}

	#[test]
	fn each_set_weighs_the_same() {
		let (big, small) = (overconfident(1.0), overconfident(9.0));
		let mut bigger = big.clone();
		for _ in 0..9 {
			bigger.logits.extend(big.logits.clone());
			bigger.truth.extend(big.truth.clone());
		}
		let t1 = fit_temperature(&[big, small.clone()]).unwrap();
		let t2 = fit_temperature(&[bigger, small]).unwrap();
		assert!((t1 - t2).abs() < 1e-3, "{t1} vs {t2}");
		assert!(t1 > 1.5 && t1 < 9.0, "between the two: {t1}");
	}

	#[test]
	fn scaled_head_divides_the_logits() {
		let dir = std::env::temp_dir().join(format!("veritas-scale-head-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let (src, dst) = (dir.join("head.safetensors"), dir.join("scaled.safetensors"));
		let (w, b) = (
			vec![1.0f32, -2.0, 0.5, 4.0, 3.0, -1.0],
			vec![0.25f32, -0.75],
		);
		write_head(&src, &w, &b).unwrap();
		scale_head(&src, &dst, 4.0).unwrap();
		let read = |p: &Path| {
			let bytes = std::fs::read(p).unwrap();
			veritas_classifier::LinearHead::from_safetensors(&bytes, p, 2, 3).unwrap()
		};
		let x = [0.3f32, -1.2, 2.0];
		let (before, after) = (read(&src).logits(&x), read(&dst).logits(&x));
		for (a, b) in before.iter().zip(&after) {
			assert!((a / 4.0 - b).abs() < 1e-6, "{a} / 4 vs {b}");
		}
		assert!(scale_head(&src, &dst, 0.0).is_err());
		assert!(scale_head(&src, &dst, f64::NAN).is_err());
		assert!(scale_head(&dir.join("missing"), &dst, 2.0).is_err());
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
