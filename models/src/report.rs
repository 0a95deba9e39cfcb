//! Evaluation reports (JSON + Markdown) of a model over labelled example sets.

use crate::data::{Example, LABELS, POSITIVE};
use crate::metrics::{self, CalBin, ClassMetrics};
use crate::operating::{wilson, Outcomes};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The engine's output for one example.
#[derive(Clone, Copy, Debug)]
pub struct Prediction {
	/// Label index.
	pub label: usize,
	/// Score 0..=10000.
	pub score: u16,
	/// Reason index.
	pub reason: usize,
	/// Abstains.
	pub abstain: bool,
	/// Abstains because the input guard finds the memo out of scope.
	pub out_of_scope: bool,
}

/// Detection rate of one reason category (all its examples share one label).
#[derive(Clone, Debug, Serialize)]
pub struct CategoryRow {
	/// Category.
	pub category: String,
	/// Its label.
	pub label: String,
	/// Examples.
	pub n: usize,
	/// Share classified with the right label (= recall of the label within the category).
	pub label_accuracy: f64,
	/// Share of abstentions.
	pub abstain_rate: f64,
	/// Mean score.
	pub mean_score: f64,
}

/// Metrics of one example set.
#[derive(Clone, Debug, Serialize)]
pub struct SetReport {
	/// Set name.
	pub name: String,
	/// Examples.
	pub n: usize,
	/// Confusion matrix `[true][pred]` (legit, illicit), all examples, threshold rule.
	pub confusion: Vec<Vec<usize>>,
	/// Per-class metrics.
	pub per_class: Vec<ClassMetrics>,
	/// Macro-F1.
	pub macro_f1: f64,
	/// Accuracy.
	pub accuracy: f64,
	/// Share of examples the validator would abstain on.
	pub abstain_rate: f64,
	/// Macro-F1 over the non-abstained examples.
	pub macro_f1_decided: f64,
	/// Accuracy over the non-abstained examples.
	pub accuracy_decided: f64,
	/// Macro-F1 on the hard-negative / hard-positive families.
	pub hard_macro_f1: Option<f64>,
	/// Examples in hard families.
	pub hard_n: usize,
	/// Macro-F1 on the chain rendering (`… VRT to <SS58>: …`).
	pub chain_macro_f1: Option<f64>,
	/// Per-category detection.
	pub per_category: Vec<CategoryRow>,
	/// Per template family: (family, hard, n, label accuracy).
	pub per_family: Vec<(String, bool, usize, f64)>,
	/// Reason head: per-category precision / recall / F1.
	pub reason_per_class: Vec<ClassMetrics>,
	/// Reason head macro-F1 (over categories present).
	pub reason_macro_f1: f64,
	/// Reason head accuracy.
	pub reason_accuracy: f64,
	/// Reason accuracy among examples whose label is right.
	pub reason_accuracy_label_correct: f64,
	/// Calibration, 10 bins over [0, 1].
	pub calibration: Vec<CalBin>,
	/// Calibration near the threshold: bins of 0.05 over threshold ± 0.25.
	pub calibration_near_threshold: Vec<CalBin>,
	/// Expected calibration error.
	pub ece: f64,
	/// Brier score.
	pub brier: f64,
	/// Accuracy per perturbation kind (perturbed sets only).
	pub per_perturbation: BTreeMap<String, (usize, f64)>,
	/// Abstain rate for other margins (score units).
	pub abstain_by_margin: BTreeMap<u16, f64>,
	/// What validators voting these predictions do on chain: wrong approvals, wrong
	/// rejections, abstentions.
	pub chain: Outcomes,
	/// Share of predictions whose reason is on the side of their label (an illicit category
	/// for `illicit`, a legit one or `none` for `legit`).
	pub reason_agreement: f64,
}

/// Per reason code of `reason_codes` (the model's, by name): whether it names an illicit
/// category (`none` and unknown codes do not).
fn reason_sides(reason_codes: &[String]) -> Vec<bool> {
	let cats = crate::templates::categories();
	reason_codes
		.iter()
		.map(|code| cats.iter().any(|c| c.illicit && c.name == code))
		.collect()
}

fn f1_of(y: &[usize], p: &[usize]) -> f64 {
	metrics::macro_f1_of(y, p, 2)
}

/// Computes the report of one set.
pub fn set_report(
	name: &str,
	ex: &[Example],
	pred: &[Prediction],
	reason_codes: &[String],
	threshold: u16,
) -> SetReport {
	let y: Vec<usize> = ex.iter().map(Example::label_index).collect();
	let p: Vec<usize> = pred.iter().map(|q| q.label).collect();
	let names: Vec<String> = LABELS.iter().map(|s| s.to_string()).collect();
	let confusion = metrics::confusion(&y, &p, 2);
	let per_class = metrics::per_class(&confusion, &names);
	let decided: Vec<usize> = (0..ex.len()).filter(|&i| !pred[i].abstain).collect();
	let dy: Vec<usize> = decided.iter().map(|&i| y[i]).collect();
	let dp: Vec<usize> = decided.iter().map(|&i| p[i]).collect();
	let subset = |f: &dyn Fn(&Example) -> bool| -> (usize, Option<f64>) {
		let idx: Vec<usize> = (0..ex.len()).filter(|&i| f(&ex[i])).collect();
		if idx.is_empty() {
			return (0, None);
		}
		let sy: Vec<usize> = idx.iter().map(|&i| y[i]).collect();
		let sp: Vec<usize> = idx.iter().map(|&i| p[i]).collect();
		(idx.len(), Some(f1_of(&sy, &sp)))
	};
	let (hard_n, hard_macro_f1) = subset(&|e| e.hard);
	let (_, chain_macro_f1) = subset(&|e| e.rendering == "chain");
	let mut cats: BTreeMap<String, Vec<usize>> = BTreeMap::new();
	for (i, e) in ex.iter().enumerate() {
		cats.entry(e.category.clone()).or_default().push(i);
	}
	let mut per_category: Vec<CategoryRow> = cats
		.iter()
		.map(|(c, idx)| {
			let n = idx.len();
			CategoryRow {
				category: c.clone(),
				label: ex[idx[0]].label.clone(),
				n,
				label_accuracy: idx.iter().filter(|&&i| p[i] == y[i]).count() as f64 / n as f64,
				abstain_rate: idx.iter().filter(|&&i| pred[i].abstain).count() as f64 / n as f64,
				mean_score: idx.iter().map(|&i| pred[i].score as f64).sum::<f64>() / n as f64,
			}
		})
		.collect();
	per_category.sort_by(|a, b| a.label.cmp(&b.label).then(a.category.cmp(&b.category)));
	let mut fams: BTreeMap<String, Vec<usize>> = BTreeMap::new();
	for (i, e) in ex.iter().enumerate() {
		fams.entry(e.family.clone()).or_default().push(i);
	}
	let per_family = fams
		.iter()
		.map(|(f, idx)| {
			let ok = idx.iter().filter(|&&i| p[i] == y[i]).count();
			(
				f.clone(),
				ex[idx[0]].hard,
				idx.len(),
				ok as f64 / idx.len() as f64,
			)
		})
		.collect();
	let ry: Vec<usize> = ex.iter().map(Example::reason_index).collect();
	let rp: Vec<usize> = pred.iter().map(|q| q.reason).collect();
	let rc = metrics::confusion(&ry, &rp, reason_codes.len());
	let reason_per_class: Vec<ClassMetrics> = metrics::per_class(&rc, reason_codes)
		.into_iter()
		.filter(|c| c.support > 0 || c.predicted > 0)
		.collect();
	let correct: Vec<usize> = (0..ex.len()).filter(|&i| p[i] == y[i]).collect();
	let reason_accuracy_label_correct = if correct.is_empty() {
		0.0
	} else {
		correct.iter().filter(|&&i| rp[i] == ry[i]).count() as f64 / correct.len() as f64
	};
	let probs: Vec<f64> = pred.iter().map(|q| q.score as f64 / 10_000.0).collect();
	let t = threshold as f64 / 10_000.0;
	let mut per_perturbation: BTreeMap<String, (usize, f64)> = BTreeMap::new();
	for (i, e) in ex.iter().enumerate() {
		for s in &e.styles {
			if let Some(k) = s.strip_prefix("perturb:") {
				let ent = per_perturbation.entry(k.to_string()).or_insert((0, 0.0));
				ent.0 += 1;
				ent.1 += f64::from(u8::from(p[i] == y[i]));
			}
		}
	}
	for v in per_perturbation.values_mut() {
		v.1 /= v.0.max(1) as f64;
	}
	let abstain_by_margin = [0u16, 100, 250, 500, 1000, 1500, 2000]
		.iter()
		.map(|&m| {
			let a = pred
				.iter()
				.filter(|q| q.score.abs_diff(threshold) < m)
				.count();
			(m, a as f64 / ex.len().max(1) as f64)
		})
		.collect();
	let mut chain = Outcomes::default();
	for (q, &truth) in pred.iter().zip(&y) {
		let illicit = truth == POSITIVE;
		if illicit {
			chain.illicit += 1;
		} else {
			chain.legit += 1;
		}
		match (q.abstain, q.label == POSITIVE) {
			(true, _) => {
				chain.abstentions += 1;
				chain.abstentions_illicit += usize::from(illicit);
				chain.out_of_scope += usize::from(q.out_of_scope);
			},
			(false, false) if illicit => chain.wrong_approvals += 1,
			(false, true) if !illicit => chain.wrong_rejections += 1,
			_ => {},
		}
	}
	let illicit_reason = reason_sides(reason_codes);
	let agree = pred
		.iter()
		.filter(|q| illicit_reason.get(q.reason).copied().unwrap_or(false) == (q.label == POSITIVE))
		.count();
	SetReport {
		chain,
		reason_agreement: agree as f64 / ex.len().max(1) as f64,
		name: name.to_string(),
		n: ex.len(),
		macro_f1: metrics::macro_f1(&per_class),
		accuracy: metrics::accuracy(&y, &p),
		confusion,
		per_class,
		abstain_rate: (ex.len() - decided.len()) as f64 / ex.len().max(1) as f64,
		macro_f1_decided: f1_of(&dy, &dp),
		accuracy_decided: metrics::accuracy(&dy, &dp),
		hard_macro_f1,
		hard_n,
		chain_macro_f1,
		per_category,
		per_family,
		reason_macro_f1: metrics::macro_f1(&reason_per_class),
		reason_per_class,
		reason_accuracy: metrics::accuracy(&ry, &rp),
		reason_accuracy_label_correct,
		calibration: metrics::calibration(&y, &probs, 0.0, 1.0, 10),
		calibration_near_threshold: metrics::calibration(
			&y,
			&probs,
			(t - 0.25).max(0.0),
			(t + 0.25).min(1.0),
			10,
		),
		ece: metrics::ece(&y, &probs),
		brier: metrics::brier(&y, &probs),
		per_perturbation,
		abstain_by_margin,
	}
}

/// A misclassified example for the report.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorRow {
	/// Set.
	pub set: String,
	/// Text.
	pub text: String,
	/// True label.
	pub label: String,
	/// Category.
	pub category: String,
	/// Score.
	pub score: u16,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
	/// Model name.
	pub model: String,
	/// Model hash (0x hex).
	pub model_hash: String,
	/// Threshold.
	pub threshold: u16,
	/// Abstain margin.
	pub abstain_margin: u16,
	/// The manifest's input guard, if any.
	pub input_guard: Option<veritas_classifier::InputGuard>,
	/// Labels.
	pub labels: Vec<String>,
	/// Reason codes.
	pub reason_codes: Vec<String>,
	/// Targets (on dev: the sealed sets' figures are in the model folder's `sealed-test-v*.json`).
	pub targets_met: BTreeMap<String, bool>,
	/// The dev sets among `sets` whose memos trained the model (`training.json`'s
	/// `extra_train`): their figures are training figures, and no target is set on them.
	pub trained_on: Vec<String>,
	/// Sets.
	pub sets: Vec<SetReport>,
	/// What the model does with inputs no template makes, per kind.
	pub ood: Vec<crate::evaluate::OodRow>,
	/// Training summary (from `training.json`), if present.
	pub training: Option<serde_json::Value>,
	/// Other models' reports on the same sets (name → sets), e.g. the frozen-encoder baseline.
	pub ablations: BTreeMap<String, Vec<SetSummary>>,
	/// Some misclassified dev examples (retired test, its perturbed copy, voices dev).
	pub errors: Vec<ErrorRow>,
}

/// A short summary of a set (ablations).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct SetSummary {
	/// Set name.
	pub name: String,
	/// Macro-F1.
	pub macro_f1: f64,
	/// Accuracy.
	pub accuracy: f64,
	/// Abstain rate.
	pub abstain_rate: f64,
}

impl From<&SetReport> for SetSummary {
	fn from(s: &SetReport) -> Self {
		Self {
			name: s.name.clone(),
			macro_f1: s.macro_f1,
			accuracy: s.accuracy,
			abstain_rate: s.abstain_rate,
		}
	}
}

fn pct(v: f64) -> String {
	format!("{:.2}%", v * 100.0)
}

fn class_table(out: &mut String, rows: &[ClassMetrics]) {
	let _ = writeln!(
		out,
		"| class | precision | recall | F1 | support | predicted |"
	);
	let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |");
	for c in rows {
		let _ = writeln!(
			out,
			"| {} | {:.4} | {:.4} | {:.4} | {} | {} |",
			c.name, c.precision, c.recall, c.f1, c.support, c.predicted
		);
	}
}

fn cal_table(out: &mut String, bins: &[CalBin]) {
	let _ = writeln!(
		out,
		"| score bin | n | mean score | observed illicit rate |"
	);
	let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
	for b in bins {
		if b.count == 0 {
			let _ = writeln!(out, "| [{:.2}, {:.2}) | 0 | – | – |", b.lo, b.hi);
		} else {
			let _ = writeln!(
				out,
				"| [{:.2}, {:.2}) | {} | {:.3} | {:.3} |",
				b.lo, b.hi, b.count, b.mean_score, b.positive_rate
			);
		}
	}
}

/// Renders the Markdown report.
pub fn markdown(r: &Report) -> String {
	let mut o = String::new();
	let _ = writeln!(o, "# Evaluation report: `{}`\n", r.model);
	let _ = writeln!(o, "* model hash: `{}`", r.model_hash);
	let _ = writeln!(
        o,
        "* decision: `illicit` when score ≥ {} (score = round(10000·P(illicit))); abstain when |score − {}| < {} ",
        r.threshold, r.threshold, r.abstain_margin
    );
	let _ = writeln!(
		o,
		"* labels: {:?}; {} reason codes (see manifest.json)",
		r.labels,
		r.reason_codes.len()
	);
	let _ = writeln!(o, "* every number below comes from the exported model loaded through `veritas_classifier::Engine` (its `decide`, i.e. exactly what a validator computes).\n");
	let _ = writeln!(o, "## Summary\n");
	let _ = writeln!(o, "| set | n | macro-F1 | accuracy | abstain rate | macro-F1 (decided only) | hard families macro-F1 | chain rendering macro-F1 | reason accuracy |");
	let _ = writeln!(
		o,
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	);
	for s in &r.sets {
		let _ = writeln!(
			o,
			"| {} | {} | **{:.4}** | {:.4} | {} | {:.4} | {} | {} | {:.4} |",
			s.name,
			s.n,
			s.macro_f1,
			s.accuracy,
			pct(s.abstain_rate),
			s.macro_f1_decided,
			s.hard_macro_f1
				.map_or("–".into(), |v| format!("{v:.4} (n={})", s.hard_n)),
			s.chain_macro_f1.map_or("–".into(), |v| format!("{v:.4}")),
			s.reason_accuracy
		);
	}
	if !r.trained_on.is_empty() {
		let _ = writeln!(
			o,
			"\nTrained on (their memos are in `training.json`'s `extra_train`: training figures, not dev ones): {}.",
			r.trained_on
				.iter()
				.map(|s| format!("`{s}`"))
				.collect::<Vec<_>>()
				.join(", ")
		);
	}
	let _ = writeln!(o, "\n## On chain: what validators voting these scores do\n");
	let _ = writeln!(o, "Approve when score ≤ threshold − margin, Reject when ≥ threshold + margin, Abstain in between or when the input guard finds the memo out of scope. Intervals: 95% Wilson.\n");
	let _ = writeln!(o, "| set | wrong approvals (% of illicit) | wrong rejections (% of legit) | abstentions | reason on its label's side |");
	let _ = writeln!(o, "| --- | ---: | ---: | ---: | ---: |");
	for s in &r.sets {
		let c = &s.chain;
		let rate = |k: usize, n: usize| {
			let (lo, hi) = wilson(k, n);
			format!(
				"{k}/{n} = {} [{:.1}, {:.1}]",
				pct(k as f64 / n.max(1) as f64),
				lo * 100.0,
				hi * 100.0
			)
		};
		let _ = writeln!(
			o,
			"| {} | {} | {} | {} ({} out of scope) | {} |",
			s.name,
			rate(c.wrong_approvals, c.illicit),
			rate(c.wrong_rejections, c.legit),
			rate(c.abstentions, c.legit + c.illicit),
			c.out_of_scope,
			pct(s.reason_agreement)
		);
	}
	if let Some(g) = &r.input_guard {
		let mut rules = Vec::new();
		if g.min_words > 0 {
			rules.push(format!("fewer than {} English words", g.min_words));
		}
		if g.min_english_permille > 0 {
			rules.push(format!("under {}‰ English words", g.min_english_permille));
		}
		if g.truncated {
			rules.push("longer than the model reads".to_string());
		}
		let _ = writeln!(
			o,
			"\nInput guard: a memo with {} is out of scope (abstain).",
			if rules.is_empty() {
				"nothing".to_string()
			} else {
				rules.join(", or ")
			}
		);
	}
	if !r.ood.is_empty() {
		let _ = writeln!(o, "\n## Inputs no template makes\n");
		let _ = writeln!(
			o,
			"| set | kind | n | approve | reject | abstain | of which out of scope | truncated |"
		);
		let _ = writeln!(o, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		for k in &r.ood {
			let _ = writeln!(
				o,
				"| {} | {} | {} | {} | {} | {} | {} | {} |",
				k.set, k.kind, k.n, k.approve, k.reject, k.abstain, k.out_of_scope, k.truncated
			);
		}
	}
	let _ = writeln!(o, "\nTargets:");
	for (k, v) in &r.targets_met {
		let _ = writeln!(o, "* {k}: {}", if *v { "met" } else { "**not met**" });
	}
	if !r.ablations.is_empty() {
		let _ = writeln!(o, "\n## Comparison (ablations)\n");
		let _ = writeln!(o, "Same dataset and splits, every model evaluated through the engine; the models differ as their names say (full settings in each model's `training.json`).\n");
		let _ = writeln!(o, "| model | set | macro-F1 | accuracy | abstain rate |");
		let _ = writeln!(o, "| --- | --- | ---: | ---: | ---: |");
		for s in &r.sets {
			let _ = writeln!(
				o,
				"| **this model** | {} | {:.4} | {:.4} | {} |",
				s.name,
				s.macro_f1,
				s.accuracy,
				pct(s.abstain_rate)
			);
		}
		for (name, sets) in &r.ablations {
			for s in sets {
				let _ = writeln!(
					o,
					"| {name} | {} | {:.4} | {:.4} | {} |",
					s.name,
					s.macro_f1,
					s.accuracy,
					pct(s.abstain_rate)
				);
			}
		}
	}
	for s in &r.sets {
		let _ = writeln!(o, "\n## Set `{}` (n = {})\n", s.name, s.n);
		let _ = writeln!(o, "### Per class\n");
		class_table(&mut o, &s.per_class);
		let _ = writeln!(
			o,
			"\nmacro-F1 **{:.4}**, accuracy {:.4}\n",
			s.macro_f1, s.accuracy
		);
		let _ = writeln!(o, "### Confusion matrix (rows: true, columns: predicted)\n");
		let _ = writeln!(o, "| | pred legit | pred illicit |\n| --- | ---: | ---: |");
		for (i, row) in s.confusion.iter().enumerate() {
			let _ = writeln!(o, "| **{}** | {} | {} |", LABELS[i], row[0], row[1]);
		}
		let _ = writeln!(o, "\n### Per category (label detection)\n");
		let _ = writeln!(
			o,
			"| category | label | n | label accuracy | abstain rate | mean score |"
		);
		let _ = writeln!(o, "| --- | --- | ---: | ---: | ---: | ---: |");
		for c in &s.per_category {
			let _ = writeln!(
				o,
				"| {} | {} | {} | {:.4} | {} | {:.0} |",
				c.category,
				c.label,
				c.n,
				c.label_accuracy,
				pct(c.abstain_rate),
				c.mean_score
			);
		}
		let _ = writeln!(
			o,
			"\n### Per template family (label accuracy; families are disjoint across splits)\n"
		);
		let _ = writeln!(
			o,
			"| family | hard | n | accuracy |\n| --- | --- | ---: | ---: |"
		);
		for (f, hard, n, acc) in &s.per_family {
			let _ = writeln!(
				o,
				"| {f} | {} | {n} | {acc:.4} |",
				if *hard { "yes" } else { "" }
			);
		}
		let _ = writeln!(
			o,
			"\n### Reason head (per category precision / recall / F1)\n"
		);
		let _ = writeln!(
			o,
			"reason accuracy {:.4} (among correctly labelled: {:.4}), reason macro-F1 {:.4}\n",
			s.reason_accuracy, s.reason_accuracy_label_correct, s.reason_macro_f1
		);
		class_table(&mut o, &s.reason_per_class);
		let _ = writeln!(o, "\n### Calibration and abstention\n");
		let _ = writeln!(
			o,
			"ECE (10 bins) {:.4}, Brier {:.4}. Near the threshold (bins of 0.05):\n",
			s.ece, s.brier
		);
		cal_table(&mut o, &s.calibration_near_threshold);
		let _ = writeln!(o, "\nAll scores (10 bins):\n");
		cal_table(&mut o, &s.calibration);
		let _ = write!(
			o,
			"\nAbstain rate by margin (score units): {}",
			s.abstain_by_margin
				.iter()
				.map(|(m, a)| format!("{m}: {}", pct(*a)))
				.collect::<Vec<_>>()
				.join(", ")
		);
		let _ = writeln!(
			o,
			"; at the chosen margin {}: {} abstain, macro-F1 on the rest {:.4}.",
			r.abstain_margin,
			pct(s.abstain_rate),
			s.macro_f1_decided
		);
		if !s.per_perturbation.is_empty() {
			let _ = writeln!(
				o,
				"\n### Accuracy by perturbation kind (each example has 2)\n"
			);
			let _ = writeln!(o, "| perturbation | n | accuracy |\n| --- | ---: | ---: |");
			for (k, (n, a)) in &s.per_perturbation {
				let _ = writeln!(o, "| {k} | {n} | {a:.4} |");
			}
		}
	}
	if let Some(t) = &r.training {
		let _ = writeln!(o, "\n## Training\n");
		let _ = writeln!(
			o,
			"Curves: `curves.csv`, `curves.svg` (`curves.png` for models trained before v7's tooling). Summary (`training.json`):\n"
		);
		let _ = writeln!(
			o,
			"```json\n{}\n```",
			serde_json::to_string_pretty(t).unwrap_or_default()
		);
	}
	if !r.errors.is_empty() {
		let _ = writeln!(o, "\n## Some errors\n");
		let _ = writeln!(
			o,
			"| set | true label | category | score | text |\n| --- | --- | --- | ---: | --- |"
		);
		for e in &r.errors {
			let _ = writeln!(
				o,
				"| {} | {} | {} | {} | `{}` |",
				e.set,
				e.label,
				e.category,
				e.score,
				e.text.replace('|', "\\|").replace('`', "'")
			);
		}
	}
	o
}
