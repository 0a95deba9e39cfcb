//! How far two ways of running the same model apart land: score drift between backends,
//! precisions and instruction sets, and whether it ever changes a vote.
//!
//! Validators run the same pinned model on different hardware. Their scores differ in the last
//! bits (matmul blocking, FMA, int8 rounding); the abstain margin has to cover that difference,
//! so that two honest validators never cast opposite votes on one text. [`compare`] measures it
//! on a set of texts: the largest and typical score difference, the votes that change (Approve
//! ↔ Reject, and to or from Abstain) and, when the texts carry labels, each side's macro-F1.

use crate::encoder::{Backend, EngineOptions};
use crate::engine::Classification;
use crate::kernels::Isa;
use crate::quant::Precision;

/// One way of running the engine, written `backend[-precision][@isa]`: `fast`, `fast-int8`,
/// `candle`, `fast@avx2`, `fast-int8@portable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSpec {
	/// Encoder implementation.
	pub backend: Backend,
	/// Precision of the linear layers.
	pub precision: Precision,
	/// Element-wise kernels (`None`: the best this CPU has).
	pub isa: Option<Isa>,
}

impl RunSpec {
	/// `opts` with this spec's backend, precision and instruction set.
	pub fn apply(&self, opts: &EngineOptions) -> EngineOptions {
		EngineOptions {
			backend: self.backend,
			precision: self.precision,
			isa: self.isa,
			..opts.clone()
		}
	}
}

impl std::fmt::Display for RunSpec {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let backend = match self.backend {
			Backend::Auto => "auto",
			Backend::Candle => "candle",
			Backend::Fast => "fast",
		};
		write!(f, "{backend}")?;
		if self.precision != Precision::F32 {
			write!(f, "-{}", self.precision.name())?;
		}
		if let Some(isa) = self.isa {
			write!(f, "@{}", isa.name())?;
		}
		Ok(())
	}
}

impl std::str::FromStr for RunSpec {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, String> {
		let (rest, isa) = match s.split_once('@') {
			Some((rest, isa)) => (rest, Some(isa.parse()?)),
			None => (s, None),
		};
		let (backend, precision) = match rest.split_once('-') {
			Some((b, p)) => (b.parse()?, p.parse()?),
			None => (rest.parse()?, Precision::F32),
		};
		Ok(RunSpec {
			backend,
			precision,
			isa,
		})
	}
}

/// How one run's classifications differ from a reference run's on the same texts.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Drift {
	/// Texts compared.
	pub texts: usize,
	/// Largest `|score − reference score|` (score units, 0..=10000).
	pub max_abs: u16,
	/// 99th percentile of the same.
	pub p99_abs: u16,
	/// Mean of the same.
	pub mean_abs: f64,
	/// Texts where neither side abstains and the labels differ: opposite votes.
	pub opposite_votes: usize,
	/// Texts where exactly one side abstains.
	pub abstain_changes: usize,
	/// Abstentions of this run.
	pub abstained: usize,
	/// `abstain_margin / max_abs` (∞ as `None` when nothing drifted): the margin covers the
	/// drift `ratio` times over.
	pub margin_over_drift: Option<f64>,
	/// Macro-F1 of this run's labels against the given gold labels (abstentions keep their
	/// label), when labels were given.
	pub macro_f1: Option<f64>,
}

/// Compares `run` with `reference` (same texts, same order). `gold`: the true label index of
/// each text and the model's number of labels, when known.
pub fn compare(
	reference: &[Classification],
	run: &[Classification],
	abstain_margin: u16,
	gold: Option<(&[u8], usize)>,
) -> Drift {
	assert_eq!(reference.len(), run.len(), "runs over different texts");
	let mut diffs: Vec<u16> = reference
		.iter()
		.zip(run)
		.map(|(a, b)| a.score.abs_diff(b.score))
		.collect();
	let opposite_votes = reference
		.iter()
		.zip(run)
		.filter(|(a, b)| !a.abstain && !b.abstain && a.label != b.label)
		.count();
	let abstain_changes = reference
		.iter()
		.zip(run)
		.filter(|(a, b)| a.abstain != b.abstain)
		.count();
	let mean_abs = if diffs.is_empty() {
		0.0
	} else {
		diffs.iter().map(|&d| d as f64).sum::<f64>() / diffs.len() as f64
	};
	diffs.sort_unstable();
	let max_abs = diffs.last().copied().unwrap_or(0);
	let p99_abs = diffs
		.get((diffs.len() * 99).div_ceil(100).saturating_sub(1))
		.copied()
		.unwrap_or(0);
	Drift {
		texts: run.len(),
		max_abs,
		p99_abs,
		mean_abs,
		opposite_votes,
		abstain_changes,
		abstained: run.iter().filter(|c| c.abstain).count(),
		margin_over_drift: (max_abs > 0).then(|| abstain_margin as f64 / max_abs as f64),
		macro_f1: gold
			.map(|(g, n)| macro_f1(g, &run.iter().map(|c| c.label).collect::<Vec<_>>(), n)),
	}
}

/// Mean over the `n` labels of each label's F1 (a label never predicted nor present counts 0).
pub fn macro_f1(gold: &[u8], predicted: &[u8], n: usize) -> f64 {
	assert_eq!(gold.len(), predicted.len());
	let f1 = |l: u8| {
		let tp = gold
			.iter()
			.zip(predicted)
			.filter(|&(&g, &p)| g == l && p == l)
			.count() as f64;
		let fp = gold
			.iter()
			.zip(predicted)
			.filter(|&(&g, &p)| g != l && p == l)
			.count() as f64;
		let fn_ = gold
			.iter()
			.zip(predicted)
			.filter(|&(&g, &p)| g == l && p != l)
			.count() as f64;
		if tp == 0.0 {
			0.0
		} else {
			2.0 * tp / (2.0 * tp + fp + fn_)
		}
	};
	(0..n).map(|l| f1(l as u8)).sum::<f64>() / n.max(1) as f64
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::engine::Flags;

	fn c(label: u8, score: u16, abstain: bool) -> Classification {
		Classification {
			label,
			score,
			reason: 0,
			abstain,
			flags: Flags::default(),
		}
	}

	#[test]
	fn counts_drift_and_changed_votes() {
		let reference = [
			c(0, 100, false),
			c(1, 9000, false),
			c(1, 1700, true),
			c(0, 1000, false),
		];
		let run = [
			c(0, 103, false),
			c(0, 1100, false),
			c(1, 1750, false),
			c(0, 1000, false),
		];
		let d = compare(&reference, &run, 500, Some((&[0, 1, 1, 0], 2)));
		assert_eq!((d.texts, d.max_abs, d.p99_abs), (4, 7900, 7900));
		assert_eq!(
			(d.opposite_votes, d.abstain_changes, d.abstained),
			(1, 1, 0)
		);
		assert!((d.mean_abs - (3.0 + 7900.0 + 50.0) / 4.0).abs() < 1e-9);
		// Labels 0,0,1,0 against gold 0,1,1,0: F1(0) = 4/5, F1(1) = 2/3.
		assert!((d.macro_f1.unwrap() - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
		let same = compare(&reference, &reference, 500, None);
		assert_eq!(
			(same.max_abs, same.opposite_votes, same.margin_over_drift),
			(0, 0, None)
		);
	}

	#[test]
	fn run_specs_round_trip() {
		for s in [
			"fast",
			"fast-int8",
			"candle",
			"fast@avx2",
			"fast-int8@portable",
		] {
			let spec: RunSpec = s.parse().unwrap();
			assert_eq!(spec.to_string(), s);
		}
		assert_eq!(
			"fast-int8@avx512".parse::<RunSpec>(),
			Ok(RunSpec {
				backend: Backend::Fast,
				precision: Precision::Int8,
				isa: Some(Isa::Avx512)
			})
		);
		assert!("fast-fp16".parse::<RunSpec>().is_err());
		assert!("gpu".parse::<RunSpec>().is_err());
		assert!("fast@sse9".parse::<RunSpec>().is_err());
	}
}
