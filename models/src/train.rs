//! Training of the linear task head and reason head on frozen-encoder embeddings (candle-nn
//! AdamW with decoupled weight decay, seeded input dropout, early stopping on dev macro-F1).
//!
//! Features are standardised with the training split's mean and standard deviation during
//! training; the standardisation is folded into the exported weights
//! (`W' = W / σ`, `b' = b − W'·μ`), so the engine applies the head to raw mean-pooled embeddings.

use crate::metrics::{accuracy, macro_f1_of};
use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{loss::cross_entropy, AdamW, Optimizer, ParamsAdamW};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Hyper-parameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainConfig {
	/// Maximum epochs.
	pub epochs: usize,
	/// Mini-batch size.
	pub batch_size: usize,
	/// AdamW learning rate.
	pub lr: f64,
	/// AdamW decoupled weight decay.
	pub weight_decay: f64,
	/// Input dropout probability.
	pub dropout: f32,
	/// Early stopping: epochs without a better dev macro-F1.
	pub patience: usize,
	/// Seed of shuffling and dropout.
	pub seed: u64,
	/// Weight of the reason-head loss.
	pub reason_weight: f64,
	/// Weight of an illicit (positive) example in the label loss, against 1 for a legit one
	/// (see [`label_loss`]).
	#[serde(default = "unit_weight")]
	pub illicit_weight: f64,
	/// Show a progress bar.
	pub progress: bool,
}

impl Default for TrainConfig {
	fn default() -> Self {
		Self {
			epochs: 80,
			batch_size: 64,
			lr: 3e-3,
			weight_decay: 1e-2,
			dropout: 0.1,
			patience: 12,
			seed: 17,
			reason_weight: 0.5,
			illicit_weight: 1.0,
			progress: true,
		}
	}
}

fn unit_weight() -> f64 {
	1.0
}

/// Cross-entropy of `logits` (`[batch, labels]`) against `targets` (`[batch]`, u32) in which an
/// example of label `positive` weighs `weight` and any other 1, normalised by the batch's total
/// weight (as PyTorch's `weight=`). A weight above 1 tells the model that missing an illicit
/// memo costs more than flagging a legit one, as it does on the chain. A target of
/// [`crate::data::NO_SIGNAL`] is a no-signal memo: its target is uniform over the labels, so the
/// model learns to lean neither way on it (and abstain). Plain [`cross_entropy`] when `weight` is
/// 1 and no target is a no-signal memo.
pub fn label_loss(
	logits: &Tensor,
	targets: &Tensor,
	positive: usize,
	weight: f64,
) -> candle_core::Result<Tensor> {
	weighted_label_loss(logits, targets, positive, weight, None)
}

/// [`label_loss`] with each example's weight multiplied by `example_weights[i]` (one per row;
/// `None`: all 1), e.g. the weights of [`short_balance_weights`].
pub fn weighted_label_loss(
	logits: &Tensor,
	targets: &Tensor,
	positive: usize,
	weight: f64,
	example_weights: Option<&[f32]>,
) -> candle_core::Result<Tensor> {
	let t = targets.to_vec1::<u32>()?;
	let soft = t.iter().any(|&v| v as usize == crate::data::NO_SIGNAL);
	if weight == 1.0 && !soft && example_weights.is_none() {
		return cross_entropy(logits, targets);
	}
	if example_weights.is_some_and(|e| e.len() != t.len()) {
		candle_core::bail!(
			"{} example weights for {} examples",
			example_weights.map_or(0, <[f32]>::len),
			t.len()
		);
	}
	// The target distribution per example: one-hot for a labelled memo, uniform for a
	// no-signal one (it should lean neither way); an illicit memo weighs `weight`.
	let (n, k) = logits.dims2()?;
	let mut dist = vec![0f32; n * k];
	let mut w = vec![1f32; n];
	for (i, &v) in t.iter().enumerate() {
		let v = v as usize;
		let row = &mut dist[i * k..(i + 1) * k];
		match v {
			_ if v < k => row[v] = 1.0,
			crate::data::NO_SIGNAL => row.fill(1.0 / k as f32),
			_ => candle_core::bail!("label index {v} out of range"),
		}
		if v == positive {
			w[i] = weight as f32;
		}
		if let Some(e) = example_weights {
			w[i] *= e[i];
		}
	}
	let dist = Tensor::from_vec(dist, (n, k), logits.device())?;
	let w = Tensor::from_vec(w, n, logits.device())?;
	let nll = (candle_nn::ops::log_softmax(logits, candle_core::D::Minus1)? * dist)?
		.sum(1)?
		.neg()?;
	(nll * &w)?.sum_all()?.broadcast_div(&w.sum_all()?)
}

/// Label-loss weights that balance the labels among short memos: an example of at most
/// `max_words` words (whitespace-separated) weighs `n_short / (2 n_c)`, where `n_c` counts the
/// short examples of its label `c`, so legit and illicit short memos weigh the same in total and
/// the short memos as much as before; longer examples, no-signal ones (label index ≥ 2) and a
/// label with no short example weigh 1. `max_words = 0` gives all 1.
///
/// Why: the generator writes few short illicit memos (on `veritas-tx-v8`'s training split 6% of
/// the memos of at most four words are illicit, against 55% of those over eight), which teaches
/// the label head that a short memo is legit.
pub fn short_balance_weights(texts: &[&str], labels: &[usize], max_words: usize) -> Vec<f32> {
	let short: Vec<bool> = texts
		.iter()
		.zip(labels)
		.map(|(t, &y)| max_words > 0 && y < 2 && t.split_whitespace().count() <= max_words)
		.collect();
	let mut n = [0usize; 2];
	for (&is, &y) in short.iter().zip(labels) {
		if is {
			n[y] += 1;
		}
	}
	let total = (n[0] + n[1]) as f32;
	short
		.iter()
		.zip(labels)
		.map(|(&is, &y)| {
			if is && n[0] > 0 && n[1] > 0 {
				total / (2.0 * n[y] as f32)
			} else {
				1.0
			}
		})
		.collect()
}

/// Embeddings with label and reason targets.
#[derive(Clone, Copy)]
pub struct Split<'a> {
	/// Embeddings.
	pub x: &'a [Vec<f32>],
	/// Label index per example.
	pub y: &'a [usize],
	/// Reason index per example.
	pub r: &'a [usize],
}

/// Trained heads in the raw embedding space (standardisation folded in).
#[derive(Clone, Debug, PartialEq)]
pub struct Heads {
	/// Embedding width.
	pub dim: usize,
	/// Label head weight `[labels, dim]` row-major.
	pub w: Vec<f32>,
	/// Label head bias.
	pub b: Vec<f32>,
	/// Reason head weight `[reasons, dim]`.
	pub rw: Vec<f32>,
	/// Reason head bias.
	pub rb: Vec<f32>,
}

fn affine(w: &[f32], b: &[f32], dim: usize, x: &[f32]) -> Vec<f64> {
	b.iter()
		.enumerate()
		.map(|(o, &bo)| {
			w[o * dim..(o + 1) * dim]
				.iter()
				.zip(x)
				.map(|(&a, &v)| a as f64 * v as f64)
				.sum::<f64>()
				+ bo as f64
		})
		.collect()
}

impl Heads {
	/// Label logits (f64 accumulation, like the engine).
	pub fn logits(&self, x: &[f32]) -> Vec<f64> {
		affine(&self.w, &self.b, self.dim, x)
	}
	/// Probability of the positive label (index 1).
	pub fn positive_prob(&self, x: &[f32]) -> f64 {
		let p = veritas_classifier::softmax(&self.logits(x));
		p.get(crate::data::POSITIVE).copied().unwrap_or(0.0)
	}
	/// Argmax of the reason head.
	pub fn reason(&self, x: &[f32]) -> usize {
		let l = affine(&self.rw, &self.rb, self.dim, x);
		let mut best = 0;
		for (i, v) in l.iter().enumerate() {
			if *v > l[best] {
				best = i;
			}
		}
		best
	}
}

/// One row of the training curves.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EpochLog {
	/// Epoch (1-based).
	pub epoch: usize,
	/// Mean mini-batch loss (label + weighted reason loss, with dropout).
	pub train_loss: f64,
	/// Label cross-entropy on the training split (no dropout).
	pub train_label_loss: f64,
	/// Label cross-entropy on dev.
	pub dev_loss: f64,
	/// Macro-F1 on the training split (argmax).
	pub train_f1: f64,
	/// Macro-F1 on dev (argmax).
	pub dev_f1: f64,
	/// Reason accuracy on dev.
	pub dev_reason_acc: f64,
}

/// Result of a training run.
#[derive(Clone, Debug)]
pub struct TrainOutcome {
	/// Heads of the best epoch.
	pub heads: Heads,
	/// Curves.
	pub log: Vec<EpochLog>,
	/// Best epoch (by dev macro-F1, ties by dev loss).
	pub best_epoch: usize,
}

/// Inverted dropout on a `[rows, cols]` batch: each element is kept with probability `keep` and
/// scaled by `1 / keep`, or zeroed. Draws one number from `rng` per element, row by row.
pub(crate) fn dropout(x: Tensor, keep: f32, rng: &mut ChaCha8Rng) -> Result<Tensor> {
	let (rows, cols) = x.dims2()?;
	let mask: Vec<f32> = (0..rows * cols)
		.map(|_| {
			if rng.random::<f32>() < keep {
				1.0 / keep
			} else {
				0.0
			}
		})
		.collect();
	let mask = Tensor::from_vec(mask, (rows, cols), x.device())?;
	Ok((x * mask)?)
}

fn to_tensor(x: &[Vec<f32>], mu: &[f32], sd: &[f32], dev: &Device) -> Result<Tensor> {
	let d = mu.len();
	let mut flat = Vec::with_capacity(x.len() * d);
	for row in x {
		if row.len() != d {
			bail!("embedding of width {} (expected {d})", row.len());
		}
		flat.extend(
			row.iter()
				.zip(mu.iter().zip(sd))
				.map(|(v, (m, s))| (v - m) / s),
		);
	}
	Ok(Tensor::from_vec(flat, (x.len(), d), dev)?)
}

fn targets(y: &[usize], dev: &Device) -> Result<Tensor> {
	Ok(Tensor::from_vec(
		y.iter().map(|&v| v as u32).collect::<Vec<u32>>(),
		y.len(),
		dev,
	)?)
}

struct Evaluated {
	loss: f64,
	f1: f64,
	reason_acc: f64,
}

fn evaluate(
	x: &Tensor,
	y: &[usize],
	r: &[usize],
	p: &[&Var; 4],
	labels: usize,
) -> Result<Evaluated> {
	let logits = x
		.matmul(&p[0].as_tensor().t()?)?
		.broadcast_add(p[1].as_tensor())?;
	let loss = label_loss(
		&logits,
		&targets(y, x.device())?,
		crate::data::POSITIVE,
		1.0,
	)?
	.to_scalar::<f32>()? as f64;
	let pred: Vec<usize> = logits
		.argmax(1)?
		.to_vec1::<u32>()?
		.into_iter()
		.map(|v| v as usize)
		.collect();
	let rl = x
		.matmul(&p[2].as_tensor().t()?)?
		.broadcast_add(p[3].as_tensor())?;
	let rpred: Vec<usize> = rl
		.argmax(1)?
		.to_vec1::<u32>()?
		.into_iter()
		.map(|v| v as usize)
		.collect();
	Ok(Evaluated {
		loss,
		f1: macro_f1_of(y, &pred, labels),
		reason_acc: accuracy(r, &rpred),
	})
}

/// Trains the label head (2 outputs) and the reason head (`n_reasons` outputs).
pub fn train_heads(
	train: Split<'_>,
	dev: Split<'_>,
	labels: usize,
	n_reasons: usize,
	cfg: &TrainConfig,
) -> Result<TrainOutcome> {
	let n = train.x.len();
	if n == 0 || dev.x.is_empty() {
		bail!("empty training or dev split");
	}
	if train.y.len() != n || train.r.len() != n || dev.y.len() != dev.x.len() {
		bail!("embeddings and targets differ in length");
	}
	// A no-signal memo (`data::NO_SIGNAL`) may only train.
	let no_signal = crate::data::NO_SIGNAL;
	if let Some(&bad) = train.y.iter().find(|&&v| v >= labels && v != no_signal) {
		bail!("label index {bad} out of range");
	}
	if let Some(&bad) = dev.y.iter().find(|&&v| v >= labels) {
		bail!("dev label index {bad} out of range (a no-signal memo only trains)");
	}
	if let Some(&bad) = train.r.iter().chain(dev.r).find(|&&v| v >= n_reasons) {
		bail!("reason index {bad} out of range");
	}
	let d = train.x[0].len();
	let device = Device::Cpu;
	// Standardisation statistics from the training split.
	let mut mu = vec![0f64; d];
	for row in train.x {
		for (m, v) in mu.iter_mut().zip(row) {
			*m += *v as f64;
		}
	}
	mu.iter_mut().for_each(|m| *m /= n as f64);
	let mut var = vec![0f64; d];
	for row in train.x {
		for ((s, v), m) in var.iter_mut().zip(row).zip(&mu) {
			*s += (*v as f64 - m).powi(2);
		}
	}
	let mu: Vec<f32> = mu.iter().map(|&m| m as f32).collect();
	let sd: Vec<f32> = var
		.iter()
		.map(|&s| ((s / n as f64).sqrt() as f32).max(1e-6))
		.collect();

	let xtr = to_tensor(train.x, &mu, &sd, &device)?;
	let xdv = to_tensor(dev.x, &mu, &sd, &device)?;
	let ytr = targets(train.y, &device)?;
	let rtr = targets(train.r, &device)?;

	let w = Var::zeros((labels, d), DType::F32, &device)?;
	let b = Var::zeros(labels, DType::F32, &device)?;
	let rw = Var::zeros((n_reasons, d), DType::F32, &device)?;
	let rb = Var::zeros(n_reasons, DType::F32, &device)?;
	let params = [&w, &b, &rw, &rb];
	let mut opt = AdamW::new(
		params.iter().map(|v| (*v).clone()).collect(),
		ParamsAdamW {
			lr: cfg.lr,
			weight_decay: cfg.weight_decay,
			..Default::default()
		},
	)?;

	let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
	let mut order: Vec<usize> = (0..n).collect();
	let mut log = Vec::new();
	let mut best: Option<(f64, f64, usize, [Vec<f32>; 4])> = None;
	let pb = if cfg.progress {
		let pb = ProgressBar::new(cfg.epochs as u64);
		pb.set_style(
			ProgressStyle::with_template("train [{bar:40}] epoch {pos}/{len} {msg}")
				.unwrap_or_else(|_| ProgressStyle::default_bar())
				.progress_chars("=> "),
		);
		pb
	} else {
		ProgressBar::hidden()
	};
	let keep = 1.0 - cfg.dropout.clamp(0.0, 0.95);
	for epoch in 1..=cfg.epochs {
		order.shuffle(&mut rng);
		let mut loss_sum = 0.0;
		let mut batches = 0usize;
		for chunk in order.chunks(cfg.batch_size.max(1)) {
			let idx = Tensor::from_vec(
				chunk.iter().map(|&i| i as u32).collect::<Vec<u32>>(),
				chunk.len(),
				&device,
			)?;
			let mut xb = xtr.index_select(&idx, 0)?;
			if cfg.dropout > 0.0 {
				xb = dropout(xb, keep, &mut rng)?;
			}
			let yb = ytr.index_select(&idx, 0)?;
			let rbt = rtr.index_select(&idx, 0)?;
			let logits = xb
				.matmul(&w.as_tensor().t()?)?
				.broadcast_add(b.as_tensor())?;
			let rlogits = xb
				.matmul(&rw.as_tensor().t()?)?
				.broadcast_add(rb.as_tensor())?;
			let loss = (label_loss(&logits, &yb, crate::data::POSITIVE, cfg.illicit_weight)?
				+ (cross_entropy(&rlogits, &rbt)? * cfg.reason_weight)?)?;
			opt.backward_step(&loss)?;
			loss_sum += loss.to_scalar::<f32>()? as f64;
			batches += 1;
		}
		let tr = evaluate(&xtr, train.y, train.r, &params, labels)?;
		let dv = evaluate(&xdv, dev.y, dev.r, &params, labels)?;
		let row = EpochLog {
			epoch,
			train_loss: loss_sum / batches.max(1) as f64,
			train_label_loss: tr.loss,
			dev_loss: dv.loss,
			train_f1: tr.f1,
			dev_f1: dv.f1,
			dev_reason_acc: dv.reason_acc,
		};
		pb.set_message(format!(
			"loss {:.4} dev_loss {:.4} dev_F1 {:.4} dev_reason {:.3}",
			row.train_loss, row.dev_loss, row.dev_f1, row.dev_reason_acc
		));
		pb.inc(1);
		let better = match &best {
			None => true,
			Some((f, l, _, _)) => dv.f1 > f + 1e-9 || ((dv.f1 - f).abs() <= 1e-9 && dv.loss < *l),
		};
		if better {
			let snap = |v: &Var| -> Result<Vec<f32>> {
				Ok(v.as_tensor().flatten_all()?.to_vec1::<f32>()?)
			};
			best = Some((
				dv.f1,
				dv.loss,
				epoch,
				[snap(&w)?, snap(&b)?, snap(&rw)?, snap(&rb)?],
			));
		}
		log.push(row);
		let best_epoch = best.as_ref().map_or(epoch, |b| b.2);
		if epoch - best_epoch >= cfg.patience {
			pb.println(format!(
				"early stop at epoch {epoch} (best {best_epoch}, patience {})",
				cfg.patience
			));
			break;
		}
	}
	pb.finish();
	let (_, _, best_epoch, [w, b, rw, rb]) = best.context("no epoch ran")?;
	// Fold the standardisation into the weights.
	let fold = |w: &[f32], b: &[f32]| -> (Vec<f32>, Vec<f32>) {
		let outs = b.len();
		let mut wf = vec![0f32; w.len()];
		let mut bf = vec![0f32; outs];
		for o in 0..outs {
			let mut shift = 0f64;
			for j in 0..d {
				let v = w[o * d + j] / sd[j];
				wf[o * d + j] = v;
				shift += v as f64 * mu[j] as f64;
			}
			bf[o] = (b[o] as f64 - shift) as f32;
		}
		(wf, bf)
	};
	let (w, b) = fold(&w, &b);
	let (rw, rb) = fold(&rw, &rb);
	Ok(TrainOutcome {
		heads: Heads {
			dim: d,
			w,
			b,
			rw,
			rb,
		},
		log,
		best_epoch,
	})
}

/// Picks the decision threshold (score units, 0..=10000) maximising macro-F1 of `score >=
/// threshold` on the given labels; among equal maxima the one closest to 5000.
pub fn choose_threshold(y: &[usize], scores: &[u16]) -> u16 {
	let mut best = (f64::MIN, 5000u16);
	for t in (500..=9500).step_by(50) {
		let t = t as u16;
		let pred: Vec<usize> = scores.iter().map(|&s| usize::from(s >= t)).collect();
		let f = macro_f1_of(y, &pred, 2);
		let closer = t.abs_diff(5000) < best.1.abs_diff(5000);
		if f > best.0 + 1e-12 || ((f - best.0).abs() <= 1e-12 && closer) {
			best = (f, t);
		}
	}
	best.1
}

/// Engine score of a probability: `round(10000 · p)`.
pub fn score_of(p: f64) -> u16 {
	(p * 10_000.0).round().clamp(0.0, 10_000.0) as u16
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn short_memos_weigh_so_that_each_label_counts_the_same() {
		// Three short legit memos, one short illicit, one long illicit, one no-signal.
		let texts = [
			"rent may",
			"gym fee",
			"bus card",
			"ddos payoff",
			"a long memo of many words here",
			"ok",
		];
		let labels = [0, 0, 0, 1, 1, crate::data::NO_SIGNAL];
		let w = short_balance_weights(&texts, &labels, 3);
		let want = [4.0 / 6.0, 4.0 / 6.0, 4.0 / 6.0, 2.0, 1.0, 1.0];
		for (g, e) in w.iter().zip(want) {
			assert!((g - e).abs() < 1e-6, "{w:?}");
		}
		// Short memos keep their total weight; 0 words turns it off; one label alone: all 1.
		assert!((w[..4].iter().sum::<f32>() - 4.0).abs() < 1e-5);
		assert!(short_balance_weights(&texts, &labels, 0)
			.iter()
			.all(|&x| x == 1.0));
		assert!(short_balance_weights(&texts[..3], &labels[..3], 3)
			.iter()
			.all(|&x| x == 1.0));
		// The weighted loss: doubling one example's weight is the loss with it counted twice.
		let dev = Device::Cpu;
		let logits = Tensor::new(&[[1f32, -1.0], [0.2, 0.3]], &dev).unwrap();
		let y = Tensor::new(&[0u32, 1], &dev).unwrap();
		let twice = Tensor::new(&[[1f32, -1.0], [0.2, 0.3], [0.2, 0.3]], &dev).unwrap();
		let y2 = Tensor::new(&[0u32, 1, 1], &dev).unwrap();
		let a = weighted_label_loss(&logits, &y, 1, 1.0, Some(&[1.0, 2.0]))
			.and_then(|l| l.to_scalar::<f32>())
			.unwrap();
		let b = cross_entropy(&twice, &y2)
			.and_then(|l| l.to_scalar::<f32>())
			.unwrap();
		assert!((a - b).abs() < 1e-6, "{a} vs {b}");
		assert!(weighted_label_loss(&logits, &y, 1, 1.0, Some(&[1.0])).is_err());
	}

	#[test]
	fn illicit_examples_weigh_more_in_the_label_loss() {
		let dev = Device::Cpu;
		// Two examples: a legit one (label 0) and an illicit one (label 1).
		let logits = Tensor::new(&[[2.0f32, 0.0], [1.0, 0.5]], &dev).unwrap();
		let y = Tensor::new(&[0u32, 1], &dev).unwrap();
		let nll = |l: [f64; 2], t: usize| {
			let m = l[0].max(l[1]);
			-(l[t] - m - ((l[0] - m).exp() + (l[1] - m).exp()).ln())
		};
		let (a, b) = (nll([2.0, 0.0], 0), nll([1.0, 0.5], 1));
		let at = |w: f64| {
			label_loss(&logits, &y, 1, w)
				.unwrap()
				.to_scalar::<f32>()
				.unwrap() as f64
		};
		let plain = cross_entropy(&logits, &y)
			.unwrap()
			.to_scalar::<f32>()
			.unwrap() as f64;
		assert!((at(1.0) - plain).abs() < 1e-6);
		assert!((at(1.0) - (a + b) / 2.0).abs() < 1e-5);
		assert!((at(3.0) - (a + 3.0 * b) / 4.0).abs() < 1e-5, "{}", at(3.0));
		// The weighted path agrees with the plain one at a weight of 1 + ε.
		assert!((at(1.0 + 1e-9) - plain).abs() < 1e-5);
	}

	#[test]
	fn a_no_signal_memo_is_pulled_to_even_odds() {
		let dev = Device::Cpu;
		let ns = crate::data::NO_SIGNAL as u32;
		let loss = |l: [f32; 2]| {
			let logits = Tensor::new(&[l], &dev).unwrap();
			label_loss(&logits, &Tensor::new(&[ns], &dev).unwrap(), 1, 2.0)
				.unwrap()
				.to_scalar::<f32>()
				.unwrap() as f64
		};
		// Even odds cost ln 2, the least a two-label loss can be; leaning either way costs more,
		// the same for either side.
		assert!((loss([0.0, 0.0]) - std::f64::consts::LN_2).abs() < 1e-6);
		assert!(loss([2.0, 0.0]) > loss([0.5, 0.0]) && loss([0.5, 0.0]) > loss([0.0, 0.0]));
		assert!((loss([2.0, 0.0]) - loss([0.0, 2.0])).abs() < 1e-6);
		// In a batch it weighs 1 beside labelled memos (the illicit one weighs 2).
		let logits = Tensor::new(&[[2.0f32, 0.0], [1.0, 0.5], [3.0, -1.0]], &dev).unwrap();
		let y = Tensor::new(&[0u32, 1, ns], &dev).unwrap();
		let nll = |l: [f64; 2], t: usize| {
			let m = l[0].max(l[1]);
			-(l[t] - m - ((l[0] - m).exp() + (l[1] - m).exp()).ln())
		};
		let even = (nll([3.0, -1.0], 0) + nll([3.0, -1.0], 1)) / 2.0;
		let want = (nll([2.0, 0.0], 0) + 2.0 * nll([1.0, 0.5], 1) + even) / 4.0;
		let got = label_loss(&logits, &y, 1, 2.0)
			.unwrap()
			.to_scalar::<f32>()
			.unwrap() as f64;
		assert!((got - want).abs() < 1e-5, "{got} vs {want}");
		// An index past the no-signal one is an error, not a silent target.
		let bad = Tensor::new(&[ns + 1], &dev).unwrap();
		assert!(label_loss(&Tensor::new(&[[0f32, 0.0]], &dev).unwrap(), &bad, 1, 1.0).is_err());
	}
}
