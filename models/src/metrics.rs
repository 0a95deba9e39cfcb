//! Classification metrics: confusion matrices, precision / recall / F1, macro-F1, calibration.

use serde::Serialize;

/// Precision, recall, F1 and support of one class.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClassMetrics {
	/// Class name.
	pub name: String,
	/// Precision (0 when nothing was predicted as this class).
	pub precision: f64,
	/// Recall.
	pub recall: f64,
	/// F1.
	pub f1: f64,
	/// True examples of the class.
	pub support: usize,
	/// Examples predicted as the class.
	pub predicted: usize,
}

/// Confusion matrix `m[true][pred]` over `k` classes.
pub fn confusion(y: &[usize], pred: &[usize], k: usize) -> Vec<Vec<usize>> {
	let mut m = vec![vec![0usize; k]; k];
	for (&t, &p) in y.iter().zip(pred) {
		if t < k && p < k {
			m[t][p] += 1;
		}
	}
	m
}

/// Per-class metrics from a confusion matrix.
pub fn per_class(m: &[Vec<usize>], names: &[String]) -> Vec<ClassMetrics> {
	let k = m.len();
	(0..k)
		.map(|c| {
			let tp = m[c][c] as f64;
			let support: usize = m[c].iter().sum();
			let predicted: usize = (0..k).map(|r| m[r][c]).sum();
			let precision = if predicted > 0 {
				tp / predicted as f64
			} else {
				0.0
			};
			let recall = if support > 0 {
				tp / support as f64
			} else {
				0.0
			};
			let f1 = if precision + recall > 0.0 {
				2.0 * precision * recall / (precision + recall)
			} else {
				0.0
			};
			ClassMetrics {
				name: names.get(c).cloned().unwrap_or_else(|| c.to_string()),
				precision,
				recall,
				f1,
				support,
				predicted,
			}
		})
		.collect()
}

/// Macro-F1 over the classes that occur (support > 0 or predicted > 0).
pub fn macro_f1(per: &[ClassMetrics]) -> f64 {
	let used: Vec<&ClassMetrics> = per
		.iter()
		.filter(|c| c.support > 0 || c.predicted > 0)
		.collect();
	if used.is_empty() {
		return 0.0;
	}
	used.iter().map(|c| c.f1).sum::<f64>() / used.len() as f64
}

/// Macro-F1 of labels vs predictions over `k` classes.
pub fn macro_f1_of(y: &[usize], pred: &[usize], k: usize) -> f64 {
	let names: Vec<String> = (0..k).map(|i| i.to_string()).collect();
	macro_f1(&per_class(&confusion(y, pred, k), &names))
}

/// Accuracy.
pub fn accuracy(y: &[usize], pred: &[usize]) -> f64 {
	if y.is_empty() {
		return 0.0;
	}
	y.iter().zip(pred).filter(|(a, b)| a == b).count() as f64 / y.len() as f64
}

/// One calibration bin.
#[derive(Clone, Debug, Serialize)]
pub struct CalBin {
	/// Lower edge of the score (probability) interval.
	pub lo: f64,
	/// Upper edge.
	pub hi: f64,
	/// Examples in the bin.
	pub count: usize,
	/// Mean predicted probability of the positive class.
	pub mean_score: f64,
	/// Observed fraction of positives.
	pub positive_rate: f64,
}

/// Calibration bins over `[lo, hi)` (the last one closed) of width `(hi-lo)/n`.
pub fn calibration(y: &[usize], p: &[f64], lo: f64, hi: f64, n: usize) -> Vec<CalBin> {
	let w = (hi - lo) / n as f64;
	(0..n)
		.map(|b| {
			let (a, z) = (lo + b as f64 * w, lo + (b + 1) as f64 * w);
			let idx: Vec<usize> = (0..p.len())
				.filter(|&i| p[i] >= a && (p[i] < z || (b + 1 == n && p[i] <= z)))
				.collect();
			let count = idx.len();
			let mean_score = if count > 0 {
				idx.iter().map(|&i| p[i]).sum::<f64>() / count as f64
			} else {
				0.0
			};
			let positive_rate = if count > 0 {
				idx.iter().filter(|&&i| y[i] == 1).count() as f64 / count as f64
			} else {
				0.0
			};
			CalBin {
				lo: a,
				hi: z,
				count,
				mean_score,
				positive_rate,
			}
		})
		.collect()
}

/// Expected calibration error over 10 equal-width bins.
pub fn ece(y: &[usize], p: &[f64]) -> f64 {
	let n = p.len().max(1) as f64;
	calibration(y, p, 0.0, 1.0, 10)
		.iter()
		.map(|b| b.count as f64 / n * (b.mean_score - b.positive_rate).abs())
		.sum()
}

/// Brier score of the positive-class probability.
pub fn brier(y: &[usize], p: &[f64]) -> f64 {
	if p.is_empty() {
		return 0.0;
	}
	y.iter()
		.zip(p)
		.map(|(&t, &q)| (q - t as f64).powi(2))
		.sum::<f64>()
		/ p.len() as f64
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn f1_of_known_confusion() {
		let y = [1, 1, 1, 0, 0, 0, 0, 0];
		let p = [1, 1, 0, 0, 0, 0, 1, 0];
		let m = confusion(&y, &p, 2);
		assert_eq!(m, vec![vec![4, 1], vec![1, 2]]);
		let per = per_class(&m, &["a".into(), "b".into()]);
		assert!((per[1].precision - 2.0 / 3.0).abs() < 1e-12);
		assert!((per[0].f1 - 0.8).abs() < 1e-12);
		assert!((macro_f1(&per) - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
		assert_eq!(macro_f1_of(&y, &y, 2), 1.0);
	}
}
