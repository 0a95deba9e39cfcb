//! The scope head: which memos say nothing the model can judge.
//!
//! A memo such as "as discussed", "ok" or a bare reference number names no purpose, yet the
//! label head still scores it, often confidently. The scope head is a second linear head on the
//! same pooled embedding, with two rows (`in_scope`, `no_signal`); the engine flags a memo out
//! of scope and abstains when its `no_signal` logit exceeds its `in_scope` one
//! ([`veritas_classifier::Engine::no_signal`]). It leaves the label scores alone, so a published
//! model gains one without retraining (`veritas-models scope-head`, then `export --from …
//! --scope-head …`).
//!
//! * [`fit`]: logistic regression of "no signal" on the embedding (no-signal memos against
//!   labelled memos, each class weighing half whatever its size, L2 on the standardised
//!   weights, damped Newton steps);
//! * [`budget_cut`]: the bias that flags at most a share of every labelled dev set, and so as
//!   many no-signal memos as that allows;
//! * [`ScopeHead`]: the head as the engine computes it (f32 weights, f64 sums), written as
//!   `scope.safetensors`;
//! * [`fit_scope_head`]: the whole command on a model directory.

use crate::data::{self, Example};
use crate::embed::embed_cached;
use crate::evaluate::{
	costed_set, engine_fingerprint, model_inputs, read_nosignal_dev, read_ood, EvalPaths, EvalSet,
	OOD_DEV,
};
use crate::sealed;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use veritas_classifier::authoring::write_head;

/// The labelled dev sets whose memos the scope head may flag only up to the budget: every dev
/// set of real labels (the generated dev split, the retired test, the three hand-written sets).
pub const BUDGET_SETS: [EvalSet; 5] = [
	EvalSet::Dev,
	EvalSet::RetiredTest,
	EvalSet::VoicesDev,
	EvalSet::VoicesDevV2,
	EvalSet::VoicesDevV3,
];

/// A fitted logistic regression on raw embeddings: `logit = weight · x + bias`.
#[derive(Clone, Debug, PartialEq)]
pub struct Logistic {
	/// One weight per embedding dimension.
	pub weight: Vec<f64>,
	/// The bias.
	pub bias: f64,
	/// The regularised loss it reached.
	pub loss: f64,
}

fn softplus(z: f64) -> f64 {
	if z > 0.0 {
		z + (-z).exp().ln_1p()
	} else {
		z.exp().ln_1p()
	}
}

fn sigmoid(z: f64) -> f64 {
	1.0 / (1.0 + (-z).exp())
}

/// Solves `a x = b` for a symmetric positive definite `a` (`n × n`, row-major; only its upper
/// triangle is read) by Cholesky.
fn solve_spd(a: &[f64], b: &[f64]) -> Result<Vec<f64>> {
	let n = b.len();
	let mut l = vec![0.0; n * n];
	for i in 0..n {
		for j in 0..=i {
			let dot: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
			let aij = a[j * n + i];
			if i == j {
				let d = aij - dot;
				if d <= 0.0 || !d.is_finite() {
					bail!("the Hessian is not positive definite (non-finite values in the fit)");
				}
				l[i * n + i] = d.sqrt();
			} else {
				l[i * n + j] = (aij - dot) / l[j * n + j];
			}
		}
	}
	let mut y = vec![0.0; n];
	for i in 0..n {
		let dot: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
		y[i] = (b[i] - dot) / l[i * n + i];
	}
	let mut x = vec![0.0; n];
	for i in (0..n).rev() {
		let dot: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
		x[i] = (y[i] - dot) / l[i * n + i];
	}
	Ok(x)
}

/// Fits `P(no signal | x) = σ(w·x + b)`: `no_signal` memos are the positives, `in_scope` the
/// negatives, each class weighing half of the loss whatever its size; `l2` is the ridge on the
/// weights of the standardised features (not on the bias); `steps` damped Newton steps
/// (halving the step until the loss does not rise), fewer when the gradient vanishes or no
/// step keeps the loss from rising.
pub fn fit(
	no_signal: &[Vec<f32>],
	in_scope: &[Vec<f32>],
	l2: f64,
	steps: usize,
) -> Result<Logistic> {
	if no_signal.is_empty() || in_scope.is_empty() {
		bail!("the scope head needs memos of both kinds (no signal and in scope)");
	}
	check_fit_settings(l2, steps)?;
	let dim = no_signal[0].len();
	let all = || no_signal.iter().chain(in_scope);
	if dim == 0 || all().any(|x| x.len() != dim || x.iter().any(|v| !v.is_finite())) {
		bail!("every embedding must have the same, non-zero length and finite values");
	}
	let n = (no_signal.len() + in_scope.len()) as f64;
	let mut mu = vec![0.0; dim];
	for x in all() {
		for (m, &v) in mu.iter_mut().zip(x) {
			*m += v as f64 / n;
		}
	}
	let mut sd = vec![0.0; dim];
	for x in all() {
		for ((s, &v), m) in sd.iter_mut().zip(x).zip(&mu) {
			*s += (v as f64 - m).powi(2) / n;
		}
	}
	for s in &mut sd {
		*s = s.sqrt().max(1e-6);
	}
	// Standardised rows with a trailing 1 for the bias, each with its target and weight.
	let p = dim + 1;
	let row = |x: &Vec<f32>| -> Vec<f64> {
		let mut r: Vec<f64> = x
			.iter()
			.zip(&mu)
			.zip(&sd)
			.map(|((&v, m), s)| (v as f64 - m) / s)
			.collect();
		r.push(1.0);
		r
	};
	let (cp, cn) = (0.5 / no_signal.len() as f64, 0.5 / in_scope.len() as f64);
	let rows: Vec<(Vec<f64>, f64, f64)> = no_signal
		.iter()
		.map(|x| (row(x), 1.0, cp))
		.chain(in_scope.iter().map(|x| (row(x), 0.0, cn)))
		.collect();
	let dot = |t: &[f64], r: &[f64]| -> f64 { t.iter().zip(r).map(|(a, b)| a * b).sum() };
	let loss = |t: &[f64]| -> f64 {
		let data: f64 = rows
			.iter()
			.map(|(r, y, c)| {
				let z = dot(t, r);
				c * (softplus(z) - y * z)
			})
			.sum();
		data + 0.5 * l2 * t[..dim].iter().map(|v| v * v).sum::<f64>()
	};
	let mut theta = vec![0.0; p];
	let mut current = loss(&theta);
	for _ in 0..steps {
		let mut grad = vec![0.0; p];
		let mut hess = vec![0.0; p * p];
		for (r, y, c) in &rows {
			let q = sigmoid(dot(&theta, r));
			let g = c * (q - y);
			let h = c * q * (1.0 - q);
			for a in 0..p {
				grad[a] += g * r[a];
				let ha = h * r[a];
				let line = &mut hess[a * p..(a + 1) * p];
				for (cell, &rb) in line[a..].iter_mut().zip(&r[a..]) {
					*cell += ha * rb;
				}
			}
		}
		for j in 0..dim {
			grad[j] += l2 * theta[j];
			hess[j * p + j] += l2;
		}
		if grad.iter().map(|g| g.abs()).fold(0.0, f64::max) < 1e-12 {
			break;
		}
		let delta = solve_spd(&hess, &grad)?;
		let mut step = 1.0;
		let moved = loop {
			let next: Vec<f64> = theta
				.iter()
				.zip(&delta)
				.map(|(t, d)| t - step * d)
				.collect();
			let l = loss(&next);
			if l <= current {
				theta = next;
				current = l;
				break true;
			}
			step /= 2.0;
			if step < 1e-10 {
				break false;
			}
		};
		if !moved {
			break;
		}
	}
	let weight: Vec<f64> = (0..dim).map(|j| theta[j] / sd[j]).collect();
	let bias = theta[dim] - (0..dim).map(|j| theta[j] * mu[j] / sd[j]).sum::<f64>();
	Ok(Logistic {
		weight,
		bias,
		loss: current,
	})
}

/// Checks the fit's settings: a positive, finite ridge weight and at least one Newton step.
pub fn check_fit_settings(l2: f64, steps: usize) -> Result<()> {
	if !(l2 > 0.0 && l2.is_finite()) {
		bail!("the L2 weight must be a positive number, not {l2}");
	}
	if steps == 0 {
		bail!("the fit needs at least one Newton step");
	}
	Ok(())
}

/// Checks a budget share: in [0, 1).
pub fn check_share(max_flagged: f64) -> Result<()> {
	if !(0.0..1.0).contains(&max_flagged) {
		bail!("the share of flagged memos must lie in [0, 1), not {max_flagged}");
	}
	Ok(())
}

/// The most memos of a set of `n` the head may flag: `⌊max_flagged · n⌋`.
pub fn allowed(max_flagged: f64, n: usize) -> usize {
	(max_flagged * n as f64).floor() as usize
}

/// The cut `t` for which `logit > t` flags at most [`allowed`] memos of every set (`logits`
/// per set), as low as that allows (so it flags as many memos elsewhere as it can). It lies
/// halfway between the last memo it may flag and the first it may not, of the set that binds,
/// so that rounding the bias to f32 moves no memo across it.
pub fn budget_cut(logits: &[Vec<f64>], max_flagged: f64) -> Result<f64> {
	check_share(max_flagged)?;
	if logits.is_empty() || logits.iter().any(|s| s.is_empty()) {
		bail!("the budget needs at least one set, none empty");
	}
	let mut cut = f64::NEG_INFINITY;
	for set in logits {
		let mut z = set.clone();
		if z.iter().any(|v| !v.is_finite()) {
			bail!("a logit is not finite");
		}
		z.sort_by(|a, b| b.total_cmp(a));
		// `k < z.len()` since `max_flagged < 1`. Flagging the `k` highest would also flag
		// every memo tied with the next one, so the cut then sits just above that one.
		let k = allowed(max_flagged, z.len());
		let bound = z[k];
		let set_cut = match z[..k].iter().rev().find(|&&v| v > bound) {
			Some(&v) => (v + bound) / 2.0,
			None => bound + bound.abs().max(1.0) * 1e-6,
		};
		cut = cut.max(set_cut);
	}
	Ok(cut)
}

/// A scope head as the engine holds it: the `no_signal` row's f32 weights and bias (the
/// `in_scope` row is zero), so that [`ScopeHead::logit`] is exactly what
/// [`veritas_classifier::Engine::scope_logit`] computes.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeHead {
	/// The `no_signal` row.
	pub weight: Vec<f32>,
	/// The `no_signal` bias.
	pub bias: f32,
}

impl ScopeHead {
	/// The head of `fit`, its bias moved down by `cut` (it then flags `logit > cut`).
	pub fn from_fit(fit: &Logistic, cut: f64) -> Self {
		Self {
			weight: fit.weight.iter().map(|&w| w as f32).collect(),
			bias: (fit.bias - cut) as f32,
		}
	}

	/// `no_signal` logit minus `in_scope` logit, summed as the engine sums it.
	pub fn logit(&self, x: &[f32]) -> f64 {
		self.weight
			.iter()
			.zip(x)
			.map(|(&w, &v)| w as f64 * v as f64)
			.sum::<f64>()
			+ self.bias as f64
	}

	/// Whether the engine flags the memo of embedding `x`.
	pub fn flags(&self, x: &[f32]) -> bool {
		self.logit(x) > 0.0
	}

	/// Writes the head (`weight` `[2, dim]`: a zero `in_scope` row, then `no_signal`; `bias`
	/// `[0, bias]`).
	pub fn write(&self, path: &Path) -> Result<()> {
		let mut weight = vec![0.0f32; self.weight.len()];
		weight.extend_from_slice(&self.weight);
		write_head(path, &weight, &[0.0, self.bias])
			.with_context(|| format!("writing the scope head {}", path.display()))
	}
}

/// What `scope-head` reads.
#[derive(Clone, Debug)]
pub struct ScopeRequest {
	/// The model (its encoder embeds every memo), the dataset and the `models/` folder.
	pub paths: EvalPaths,
	/// No-signal training memos (`{"id","text","kind"}` JSON lines).
	pub no_signal: Vec<PathBuf>,
	/// Labelled training memos besides the dataset's train split (JSON lines of examples).
	pub in_scope: Vec<PathBuf>,
	/// The most memos of each [`BUDGET_SETS`] set it may flag, as a share.
	pub max_flagged: f64,
	/// Ridge weight.
	pub l2: f64,
	/// Newton steps.
	pub steps: usize,
	/// Folder that receives `scope.safetensors` and `scope.json`.
	pub out: PathBuf,
}

/// One set's flagged memos.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flagged {
	/// Set (and kind, for the no-signal and OOD sets).
	pub set: String,
	/// Memos.
	pub n: usize,
	/// Flagged by the head.
	pub flagged: usize,
	/// The most it may flag (budget sets only).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub allowed: Option<usize>,
}

/// What `scope-head` wrote (`scope.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScopeSummary {
	/// The model whose embeddings it was fitted on.
	pub model: String,
	/// Its hash.
	pub model_hash: String,
	/// Its encoder's fingerprint ([`engine_fingerprint`]): a model with another encoder
	/// computes other embeddings, and `export --scope-head` refuses the head for it (empty in
	/// a summary written before the field).
	#[serde(default)]
	pub encoder_fingerprint: String,
	/// No-signal training memos.
	pub no_signal_train: usize,
	/// Labelled training memos.
	pub in_scope_train: usize,
	/// Ridge weight.
	pub l2: f64,
	/// Newton steps.
	pub steps: usize,
	/// The regularised training loss.
	pub loss: f64,
	/// The share of each budget set it may flag.
	pub max_flagged: f64,
	/// The cut subtracted from the fitted bias.
	pub cut: f64,
	/// Training memos it flags: no-signal (recall), labelled (false alarms).
	pub train: Vec<Flagged>,
	/// The budget sets.
	pub budget: Vec<Flagged>,
	/// No-signal and OOD dev memos per kind: reported, not used to choose anything.
	pub reported: Vec<Flagged>,
}

/// Fits the scope head of the model in `req.paths.model` and writes `scope.safetensors` and
/// `scope.json` into `req.out`.
pub fn fit_scope_head(req: &ScopeRequest) -> Result<ScopeSummary> {
	let paths = &req.paths;
	for p in &req.no_signal {
		sealed::refuse(p, &paths.models, "nothing is fitted on it")?;
	}
	for p in &req.in_scope {
		sealed::refuse_unless_retired(p, &paths.models, "nothing is fitted on it")?;
	}
	if req.no_signal.is_empty() {
		bail!("name the no-signal training memos (--no-signal)");
	}
	check_fit_settings(req.l2, req.steps)?;
	check_share(req.max_flagged)?;
	let engine = paths.load_model(paths.engine_options())?;
	let fp = engine_fingerprint(&engine)?;
	let cache = paths.cache.as_deref();
	let embed =
		|texts: &[String], what: &str| embed_cached(engine.encoder(), &fp, texts, cache, what);

	let mut quiet = Vec::new();
	for p in &req.no_signal {
		let memos = read_ood(p).with_context(|| format!("--no-signal {}", p.display()))?;
		quiet.extend(memos.into_iter().map(|m| m.text));
	}
	let train_path = paths.data.join("train.jsonl");
	sealed::refuse(&train_path, &paths.models, "nothing is fitted on it")?;
	let mut labelled: Vec<Example> = data::read_jsonl(&train_path)
		.with_context(|| format!("reading {}", train_path.display()))?;
	for p in &req.in_scope {
		labelled
			.extend(data::read_jsonl(p).with_context(|| format!("--in-scope {}", p.display()))?);
	}
	let labelled = model_inputs(&labelled, engine.manifest().input);
	let pos = embed(&quiet, "no-signal train")?;
	let neg = embed(&labelled, "labelled train")?;
	eprintln!(
		"scope head: fitting on {} no-signal and {} labelled memos",
		pos.len(),
		neg.len()
	);
	let fitted = fit(&pos, &neg, req.l2, req.steps)?;
	let raw = ScopeHead::from_fit(&fitted, 0.0);

	let mut budget_embs = Vec::new();
	for set in BUDGET_SETS {
		let memos = costed_set(&engine, &fp, paths, set)?;
		budget_embs.push((set, memos.inputs.len(), memos.embeddings));
	}
	let logits: Vec<Vec<f64>> = budget_embs
		.iter()
		.map(|(_, _, e)| e.iter().map(|x| raw.logit(x)).collect())
		.collect();
	let cut = budget_cut(&logits, req.max_flagged)?;
	let head = ScopeHead::from_fit(&fitted, cut);
	let count = |embs: &[Vec<f32>]| embs.iter().filter(|x| head.flags(x)).count();

	let mut budget = Vec::new();
	for (set, n, embs) in &budget_embs {
		let allowed = allowed(req.max_flagged, *n);
		let flagged = count(embs);
		if flagged > allowed {
			bail!(
				"the scope head flags {flagged} memos of {} (at most {allowed}): the cut did \
				 not survive rounding",
				set.name()
			);
		}
		budget.push(Flagged {
			set: set.name().into(),
			n: *n,
			flagged,
			allowed: Some(allowed),
		});
	}
	let mut reported = Vec::new();
	let mut ood_sets = read_nosignal_dev(&paths.models)?;
	ood_sets.push(("ood_dev", read_ood(&paths.models.join(OOD_DEV))?));
	for (name, memos) in ood_sets {
		let mut kinds: Vec<String> = memos.iter().map(|m| m.kind.clone()).collect();
		kinds.sort();
		kinds.dedup();
		let texts: Vec<String> = memos.iter().map(|m| m.text.clone()).collect();
		let embs = embed(&texts, name)?;
		for kind in kinds {
			let of_kind: Vec<Vec<f32>> = memos
				.iter()
				.zip(&embs)
				.filter(|(m, _)| m.kind == kind)
				.map(|(_, e)| e.clone())
				.collect();
			reported.push(Flagged {
				set: format!("{name}/{kind}"),
				n: of_kind.len(),
				flagged: count(&of_kind),
				allowed: None,
			});
		}
	}
	let summary = ScopeSummary {
		model: engine.manifest().name.clone(),
		model_hash: format!(
			"0x{}",
			veritas_classifier::manifest::hex(&engine.model_hash())
		),
		encoder_fingerprint: fp.clone(),
		no_signal_train: pos.len(),
		in_scope_train: neg.len(),
		l2: req.l2,
		steps: req.steps,
		loss: fitted.loss,
		max_flagged: req.max_flagged,
		cut,
		train: vec![
			Flagged {
				set: "no-signal train".into(),
				n: pos.len(),
				flagged: count(&pos),
				allowed: None,
			},
			Flagged {
				set: "labelled train".into(),
				n: neg.len(),
				flagged: count(&neg),
				allowed: None,
			},
		],
		budget,
		reported,
	};
	std::fs::create_dir_all(&req.out).with_context(|| format!("creating {}", req.out.display()))?;
	head.write(&req.out.join(veritas_classifier::authoring::SCOPE_HEAD_FILE))?;
	let json = req.out.join("scope.json");
	std::fs::write(&json, serde_json::to_string_pretty(&summary)? + "\n")
		.with_context(|| format!("writing {}", json.display()))?;
	Ok(summary)
}

#[cfg(test)]
mod tests {
	use super::*;
	use veritas_classifier::LinearHead;

	/// Points around `center` along the first axis, spread on the others.
	fn cloud(center: f32, n: usize, seed: u64) -> Vec<Vec<f32>> {
		let v = veritas_classifier::authoring::pseudo_random(seed, n * 4, 1.0);
		v.chunks(4)
			.map(|c| vec![center + 0.5 * c[0], c[1], c[2], c[3]])
			.collect()
	}

	#[test]
	fn the_fit_finds_the_axis_that_separates_the_classes_whatever_their_sizes() {
		let pos = cloud(2.0, 40, 1);
		let neg = cloud(-2.0, 2000, 2);
		let f = fit(&pos, &neg, 1e-3, 30).unwrap();
		assert!(f.weight[0] > 0.0);
		for j in 1..4 {
			assert!(f.weight[0] > 5.0 * f.weight[j].abs(), "{:?}", f.weight);
		}
		let head = ScopeHead::from_fit(&f, 0.0);
		assert!(pos.iter().all(|x| head.flags(x)));
		assert!(neg.iter().all(|x| !head.flags(x)));
		// Equal class weights: the boundary sits near the middle, not near the small class.
		let mid = head.logit(&[0.0, 0.0, 0.0, 0.0]);
		assert!(mid.abs() < 2.0, "logit at the midpoint {mid}");
	}

	#[test]
	fn the_fit_refuses_what_it_cannot_fit() {
		let ok = cloud(1.0, 5, 3);
		assert!(fit(&[], &ok, 1e-3, 5).is_err());
		assert!(fit(&ok, &[], 1e-3, 5).is_err());
		assert!(fit(&ok, &ok, 0.0, 5).is_err());
		assert!(fit(&ok, &ok, 1e-3, 0).is_err(), "no Newton step");
		assert!(fit(&ok, &[vec![1.0, 2.0]], 1e-3, 5).is_err());
		assert!(fit(&ok, &[vec![f32::NAN, 0.0, 0.0, 0.0]], 1e-3, 5).is_err());
	}

	#[test]
	fn the_cut_keeps_every_set_within_its_budget_and_goes_no_higher() {
		let a: Vec<f64> = (0..100).map(|i| i as f64 / 10.0).collect(); // 0.0 … 9.9
		let b: Vec<f64> = (0..50).map(|i| i as f64 / 100.0 + 5.0).collect(); // 5.0 … 5.49
		let cut = budget_cut(&[a.clone(), b.clone()], 0.02).unwrap();
		let over = |s: &[f64]| s.iter().filter(|&&z| z > cut).count();
		assert_eq!(over(&a), 2, "a may lose 2 of 100 and binds");
		assert_eq!(over(&b), 0, "b may lose 1 of 50");
		assert!(
			(cut - 9.75).abs() < 1e-12,
			"halfway between 9.7 and 9.8: {cut}"
		);
		// Ties: three memos share the top logit and only two may go, so none goes.
		let tied = vec![3.0, 3.0, 3.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
		let cut = budget_cut(std::slice::from_ref(&tied), 0.2).unwrap();
		assert_eq!(tied.iter().filter(|&&z| z > cut).count(), 0);
		assert!(budget_cut(&[], 0.02).is_err());
		assert!(budget_cut(&[vec![]], 0.02).is_err());
		assert!(budget_cut(&[a], 1.5).is_err());
	}

	#[test]
	fn the_written_head_gives_the_engine_the_same_logit_bit_for_bit() {
		let f = fit(&cloud(1.0, 30, 5), &cloud(-1.0, 300, 6), 1e-3, 20).unwrap();
		let head = ScopeHead::from_fit(&f, 0.37);
		let dir = std::env::temp_dir().join(format!("veritas-scope-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("scope.safetensors");
		head.write(&path).unwrap();
		let bytes = std::fs::read(&path).unwrap();
		let loaded = LinearHead::from_safetensors(&bytes, &path, 2, 4).unwrap();
		for x in cloud(0.3, 50, 7) {
			let l = loaded.logits(&x);
			assert_eq!((l[1] - l[0]).to_bits(), head.logit(&x).to_bits());
		}
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
