//! Scoring a model directory through the engine: the dev sets by default, the sealed test set
//! on request, and the choice of the chain's operating point.
//!
//! Every number comes from the exported model loaded with [`Engine::load`], so it is what a
//! validator computes. `veritas-tx-v8`'s test split has been scored many times since v2 and is
//! dev data now (`retired_test`); the test sets are the sealed folders of
//! [`sealed::SEALED_DIRS`], scored only by [`score_sealed`], once per published model (a set
//! retired to training, [`sealed::retired`], no more).

use crate::calibrate::SetLogits;
use crate::compare::{self, AbstainDifference, Ballot, Difference};
use crate::data::{self, Example};
use crate::embed::{embed_cached, encoder_fingerprint};
use crate::operating::{self, Costs, GuardChoice, Outcomes, Scored};
use crate::report::{self, ErrorRow, Prediction, Report, SetReport, SetSummary};
use crate::sealed;
use anyhow::{anyhow, bail, Context, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use veritas_classifier::guard::{Guard, InputGuard, WordCount};
use veritas_classifier::{
	Backend, Engine, EngineOptions, FileRole, InputScope, Isa, LinearHead, Manifest, Precision,
};

/// The hand-written dev set in new voices, relative to `models/`.
pub const VOICES_DEV: &str = "data/voices-dev-v1/dev.jsonl";
/// The second hand-written dev set, written apart from every training memo (and from
/// `voices-train-v2`'s writers), in nine voices; relative to `models/`.
pub const VOICES_DEV_V2: &str = "data/voices-dev-v2/dev.jsonl";
/// The third hand-written dev set, written by sessions that read no dataset, to choose between
/// models that meet the cap (see `models/CHANGELOG.md`); relative to `models/`.
pub const VOICES_DEV_V3: &str = "data/voices-dev-v3/dev.jsonl";
/// The fourth hand-written dev set, the same layout by four new writers, written to judge v16
/// against v14 once `voices-dev-v3` was worn (see `models/CHANGELOG.md`); relative to `models/`.
pub const VOICES_DEV_V4: &str = "data/voices-dev-v4/dev.jsonl";
/// The fifth hand-written dev set, the same layout by four more writers, written to judge v17
/// against v16 once `voices-dev-v4` had judged v16 (see `models/CHANGELOG.md`); relative to
/// `models/`.
pub const VOICES_DEV_V5: &str = "data/voices-dev-v5/dev.jsonl";
/// The sixth hand-written dev set, the same layout by four more writers, written to judge v18
/// against v16 once `voices-dev-v5` had judged v17 (see `models/CHANGELOG.md`); relative to
/// `models/`.
pub const VOICES_DEV_V6: &str = "data/voices-dev-v6/dev.jsonl";
/// The seventh hand-written dev set, the same layout by four more writers, written to judge v19
/// against v18 once `voices-dev-v6` had judged v18 (see `models/CHANGELOG.md`); relative to
/// `models/`.
pub const VOICES_DEV_V7: &str = "data/voices-dev-v7/dev.jsonl";
/// The eighth hand-written dev set, the same layout by four more writers, written to judge v20
/// against v19 once `voices-dev-v7` had judged v19 (see `models/CHANGELOG.md`); relative to
/// `models/`.
pub const VOICES_DEV_V8: &str = "data/voices-dev-v8/dev.jsonl";
/// The hand-written dev sets in report order, each with its file (relative to `models/`). A new
/// set is a variant of [`EvalSet`] (named in its `#[value]` and in [`EvalSet::name`], joined to
/// the others' arm of [`EvalSet::path`]), a row here and an entry in [`EvalSet::DEV`]; lists of
/// errors, targets and file paths follow from this table.
pub const HAND_WRITTEN_DEV: [(EvalSet, &str); 8] = [
	(EvalSet::VoicesDev, VOICES_DEV),
	(EvalSet::VoicesDevV2, VOICES_DEV_V2),
	(EvalSet::VoicesDevV3, VOICES_DEV_V3),
	(EvalSet::VoicesDevV4, VOICES_DEV_V4),
	(EvalSet::VoicesDevV5, VOICES_DEV_V5),
	(EvalSet::VoicesDevV6, VOICES_DEV_V6),
	(EvalSet::VoicesDevV7, VOICES_DEV_V7),
	(EvalSet::VoicesDevV8, VOICES_DEV_V8),
];
/// The hand-written out-of-distribution dev inputs, relative to `models/`.
pub const OOD_DEV: &str = "data/ood-dev-v1/ood.jsonl";
/// The no-signal dev sets (every answer Abstain): name and parts; `eval` reports them beside
/// [`OOD_DEV`].
pub const NOSIGNAL_DEV: [(&str, [&str; 2]); 3] = [
	(
		"nosignal_dev",
		[
			"data/nosignal-dev-v1/part-c/dev.jsonl",
			"data/nosignal-dev-v1/part-d/dev.jsonl",
		],
	),
	(
		"nosignal_dev_v2",
		[
			"data/nosignal-dev-v2/part-e/dev.jsonl",
			"data/nosignal-dev-v2/part-f/dev.jsonl",
		],
	),
	(
		"nosignal_dev_v3",
		[
			"data/nosignal-dev-v3/part-g/dev.jsonl",
			"data/nosignal-dev-v3/part-h/dev.jsonl",
		],
	),
];
/// The out-of-distribution kinds that carry nothing to judge: the guard should take them out of
/// scope. (`long` memos must run and never be rejected; a guard with `truncated` takes them out
/// of scope too.)
pub const NO_SIGNAL_KINDS: [&str; 4] = [
	"reference-only",
	"one-two-words",
	"emoji-only",
	"non-english",
];

/// A set that `eval` can score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalSet {
	/// The dataset's dev split (model selection).
	Dev,
	/// The dev families drawn from the first [`data::FROZEN_FAMILIES`] of each category: the pool
	/// the retired test families come from.
	#[value(name = "dev_first_pool")]
	DevFirstPool,
	/// The dev families written in the first pool's style ([`EvalSet::DevFirstPool`] plus the
	/// families written for dev in that style afterwards, [`data::FIRST_STYLE_POOL`]) in a
	/// dataset that keeps that pool in dev (veritas-tx-v7; since v8 it is `dev_first_pool`).
	#[value(name = "dev_first_style")]
	DevFirstStyle,
	/// The dataset's test split, scored about eleven times since v2: dev data now.
	#[value(name = "retired_test")]
	RetiredTest,
	/// Its perturbed copy.
	#[value(name = "retired_test_perturbed")]
	RetiredTestPerturbed,
	/// Hand-written memos in voices no template has ([`VOICES_DEV`]).
	#[value(name = "voices_dev")]
	VoicesDev,
	/// Hand-written memos in nine voices, by writers who saw no training memo of
	/// `voices-train-v2` ([`VOICES_DEV_V2`]).
	#[value(name = "voices_dev_v2")]
	VoicesDevV2,
	/// Hand-written memos in the same nine voices, by writers who read no dataset
	/// ([`VOICES_DEV_V3`]).
	#[value(name = "voices_dev_v3")]
	VoicesDevV3,
	/// Hand-written memos in the same nine voices, by four more writers who read no dataset
	/// ([`VOICES_DEV_V4`]).
	#[value(name = "voices_dev_v4")]
	VoicesDevV4,
	/// Hand-written memos in the same nine voices, by four more writers who read no dataset
	/// ([`VOICES_DEV_V5`]).
	#[value(name = "voices_dev_v5")]
	VoicesDevV5,
	/// Hand-written memos in the same nine voices, by four more writers who read no dataset
	/// ([`VOICES_DEV_V6`]).
	#[value(name = "voices_dev_v6")]
	VoicesDevV6,
	/// Hand-written memos in the same nine voices, by four more writers who read no dataset
	/// ([`VOICES_DEV_V7`]).
	#[value(name = "voices_dev_v7")]
	VoicesDevV7,
	/// Hand-written memos in the same nine voices, by four more writers who read no dataset
	/// ([`VOICES_DEV_V8`]).
	#[value(name = "voices_dev_v8")]
	VoicesDevV8,
	/// The first sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTest,
	/// The second sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTestV2,
	/// The third sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTestV3,
	/// The fourth sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTestV4,
	/// The fifth sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTestV5,
	/// The sixth sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTestV6,
	/// The seventh sealed test set: only through `eval --test`.
	#[value(skip)]
	SealedTestV7,
}

impl EvalSet {
	/// Every dev set, in report order.
	pub const DEV: [EvalSet; 13] = [
		EvalSet::Dev,
		EvalSet::DevFirstPool,
		EvalSet::DevFirstStyle,
		EvalSet::RetiredTest,
		EvalSet::RetiredTestPerturbed,
		EvalSet::VoicesDev,
		EvalSet::VoicesDevV2,
		EvalSet::VoicesDevV3,
		EvalSet::VoicesDevV4,
		EvalSet::VoicesDevV5,
		EvalSet::VoicesDevV6,
		EvalSet::VoicesDevV7,
		EvalSet::VoicesDevV8,
	];

	/// The dev sets whose chain outcomes `operating-point` costs and caps, each weighing the
	/// same: the generated dev split, the retired test and the two hand-written sets.
	pub const COSTED: [EvalSet; 4] = [
		EvalSet::Dev,
		EvalSet::RetiredTest,
		EvalSet::VoicesDev,
		EvalSet::VoicesDevV2,
	];

	/// Name of the set in the report.
	pub fn name(self) -> &'static str {
		match self {
			EvalSet::Dev => "dev",
			EvalSet::DevFirstPool => "dev_first_pool",
			EvalSet::DevFirstStyle => "dev_first_style",
			EvalSet::RetiredTest => "retired_test",
			EvalSet::RetiredTestPerturbed => "retired_test_perturbed",
			EvalSet::VoicesDev => "voices_dev",
			EvalSet::VoicesDevV2 => "voices_dev_v2",
			EvalSet::VoicesDevV3 => "voices_dev_v3",
			EvalSet::VoicesDevV4 => "voices_dev_v4",
			EvalSet::VoicesDevV5 => "voices_dev_v5",
			EvalSet::VoicesDevV6 => "voices_dev_v6",
			EvalSet::VoicesDevV7 => "voices_dev_v7",
			EvalSet::VoicesDevV8 => "voices_dev_v8",
			EvalSet::SealedTest => "sealed_test",
			EvalSet::SealedTestV2 => "sealed_test_v2",
			EvalSet::SealedTestV3 => "sealed_test_v3",
			EvalSet::SealedTestV4 => "sealed_test_v4",
			EvalSet::SealedTestV5 => "sealed_test_v5",
			EvalSet::SealedTestV6 => "sealed_test_v6",
			EvalSet::SealedTestV7 => "sealed_test_v7",
		}
	}

	/// The file it reads: a split of the dataset in `data`, or a hand-written set under `models`.
	pub fn path(self, data: &Path, models: &Path) -> PathBuf {
		match self {
			EvalSet::Dev | EvalSet::DevFirstPool | EvalSet::DevFirstStyle => data.join("dev.jsonl"),
			EvalSet::RetiredTest => data.join("test.jsonl"),
			EvalSet::RetiredTestPerturbed => data.join("test_perturbed.jsonl"),
			EvalSet::VoicesDev
			| EvalSet::VoicesDevV2
			| EvalSet::VoicesDevV3
			| EvalSet::VoicesDevV4
			| EvalSet::VoicesDevV5
			| EvalSet::VoicesDevV6
			| EvalSet::VoicesDevV7
			| EvalSet::VoicesDevV8 => models.join(self.hand_written_file().unwrap_or_default()),
			EvalSet::SealedTest
			| EvalSet::SealedTestV2
			| EvalSet::SealedTestV3
			| EvalSet::SealedTestV4
			| EvalSet::SealedTestV5
			| EvalSet::SealedTestV6
			| EvalSet::SealedTestV7 => models
				.join(self.sealed_dir().unwrap_or_default())
				.join("test.jsonl"),
		}
	}

	/// The sealed sets, in [`sealed::SEALED_DIRS`] order.
	pub const SEALED: [EvalSet; sealed::SEALED_DIRS.len()] = [
		EvalSet::SealedTest,
		EvalSet::SealedTestV2,
		EvalSet::SealedTestV3,
		EvalSet::SealedTestV4,
		EvalSet::SealedTestV5,
		EvalSet::SealedTestV6,
		EvalSet::SealedTestV7,
	];

	/// The folder of a sealed set, relative to `models/` (`None` for a dev set): the entry of
	/// [`sealed::SEALED_DIRS`] at the set's place in [`EvalSet::SEALED`].
	pub fn sealed_dir(self) -> Option<&'static str> {
		Self::SEALED
			.iter()
			.position(|set| *set == self)
			.map(|i| sealed::SEALED_DIRS[i])
	}

	/// Whether an example of the file belongs to the set.
	pub fn keeps(self, e: &Example) -> bool {
		match self {
			EvalSet::DevFirstPool => {
				data::family_index(&e.family).is_some_and(|i| i < data::FROZEN_FAMILIES)
			},
			EvalSet::DevFirstStyle => {
				data::family_index(&e.family).is_some_and(|i| data::is_first_style(&e.category, i))
			},
			_ => true,
		}
	}

	/// Whether the report lists the set's errors (dev sets people read to learn from; never the
	/// sealed set, whose texts nobody reads).
	pub fn lists_errors(self) -> bool {
		matches!(self, EvalSet::RetiredTest | EvalSet::RetiredTestPerturbed)
			|| self.hand_written_file().is_some()
	}

	/// The file of a hand-written dev set ([`HAND_WRITTEN_DEV`]), relative to `models/`.
	pub fn hand_written_file(self) -> Option<&'static str> {
		HAND_WRITTEN_DEV
			.iter()
			.find(|(set, _)| *set == self)
			.map(|(_, file)| *file)
	}
}

/// The dev sets `eval` scores, in report order (all of them when none is requested), or why the
/// request cannot be met: a written report covers every dev set, so fewer need `--no-write`.
pub fn eval_sets(requested: &[EvalSet], write: bool) -> Result<Vec<EvalSet>> {
	let sets: Vec<EvalSet> = EvalSet::DEV
		.into_iter()
		.filter(|s| requested.is_empty() || requested.contains(s))
		.collect();
	if write && sets.len() < EvalSet::DEV.len() {
		bail!("a report covers every dev set; add --no-write to score fewer");
	}
	Ok(sets)
}

/// Whether two sets hold the same rows (by id, in order).
pub fn same_rows(a: &[Example], b: &[Example]) -> bool {
	a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.id == y.id)
}

/// One unlabelled out-of-distribution input.
#[derive(Clone, Debug, Deserialize)]
pub struct OodInput {
	/// Id.
	pub id: String,
	/// The memo.
	pub text: String,
	/// Its kind (`reference-only`, `one-two-words`, `emoji-only`, `long`, `non-english` in the
	/// OOD sets; `vague`, `filler`, `noise`, `reference`, `emoji` in the no-signal sets).
	pub kind: String,
}

/// The no-signal dev sets ([`NOSIGNAL_DEV`]) under `models`, each with its parts joined.
pub fn read_nosignal_dev(models: &Path) -> Result<Vec<(&'static str, Vec<OodInput>)>> {
	NOSIGNAL_DEV
		.iter()
		.map(|(name, parts)| Ok((*name, read_parts(models, parts)?)))
		.collect()
}

/// The memos of a set's parts (paths relative to `models`), joined.
fn read_parts(models: &Path, parts: &[&str]) -> Result<Vec<OodInput>> {
	let mut memos = Vec::new();
	for part in parts {
		memos.extend(read_ood(&models.join(part))?);
	}
	Ok(memos)
}

/// The memos a `--no-signal` argument names: the file at `arg` when there is one, else the
/// no-signal dev set of that name ([`NOSIGNAL_DEV`], its parts joined).
pub fn read_no_signal_arg(arg: &Path, models: &Path) -> Result<Vec<OodInput>> {
	if arg.exists() {
		return read_ood(arg).with_context(|| format!("--no-signal {}", arg.display()));
	}
	let Some((_, parts)) = NOSIGNAL_DEV.iter().find(|(name, _)| Path::new(name) == arg) else {
		let names: Vec<&str> = NOSIGNAL_DEV.iter().map(|(name, _)| *name).collect();
		bail!(
			"--no-signal {}: no such file, nor a no-signal dev set ({})",
			arg.display(),
			names.join(", ")
		);
	};
	read_parts(models, parts)
}

/// Reads out-of-distribution inputs (JSON lines).
pub fn read_ood(path: &Path) -> Result<Vec<OodInput>> {
	let text =
		std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	text.lines()
		.enumerate()
		.filter(|(_, l)| !l.trim().is_empty())
		.map(|(i, l)| {
			serde_json::from_str(l).with_context(|| format!("{}:{}", path.display(), i + 1))
		})
		.collect()
}

/// What the model does with one kind of out-of-distribution input.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OodRow {
	/// Set (`ood_dev`, a name of [`NOSIGNAL_DEV`] or `<sealed set>_ood`).
	pub set: String,
	/// Kind.
	pub kind: String,
	/// Inputs.
	pub n: usize,
	/// Approved.
	pub approve: usize,
	/// Rejected.
	pub reject: usize,
	/// Abstained on.
	pub abstain: usize,
	/// Of those, out of scope by the input guard or the scope head.
	pub out_of_scope: usize,
	/// Cut at `max_len`.
	pub truncated: usize,
}

/// Classifies the inputs through the engine and counts the votes per kind.
pub fn ood_rows(engine: &Engine, set: &str, inputs: &[OodInput]) -> Result<Vec<OodRow>> {
	let bytes: Vec<&[u8]> = inputs.iter().map(|i| i.text.as_bytes()).collect();
	let out = engine.classify_model_inputs(&bytes)?;
	let positive = engine.manifest().positive_index() as u8;
	let mut rows: BTreeMap<&str, OodRow> = BTreeMap::new();
	for (i, c) in inputs.iter().zip(&out) {
		let r = rows.entry(&i.kind).or_insert_with(|| OodRow {
			set: set.into(),
			kind: i.kind.clone(),
			..Default::default()
		});
		r.n += 1;
		r.truncated += usize::from(c.flags.truncated);
		r.out_of_scope += usize::from(c.flags.out_of_scope);
		match (c.abstain, c.label == positive) {
			(true, _) => r.abstain += 1,
			(false, true) => r.reject += 1,
			(false, false) => r.approve += 1,
		}
	}
	Ok(rows.into_values().collect())
}

/// The engine's prediction for every embedding; `inputs` (the model inputs of the same
/// examples) decide the input guard's abstentions, the embeddings the scope head's.
pub fn predict(engine: &Engine, embs: &[Vec<f32>], inputs: &[String]) -> Result<Vec<Prediction>> {
	let m = engine.manifest();
	// (empty, truncated) per input, as the engine tokenizes it; only a guard reads them.
	let cuts: Vec<(bool, bool)> = match engine.guard() {
		Some(_) => {
			let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
			engine
				.encoder()
				.tokenize(&refs)?
				.iter()
				.map(|t| (t.empty, t.truncated))
				.collect()
		},
		None => vec![(false, false); inputs.len()],
	};
	Ok(embs
		.iter()
		.zip(inputs)
		.zip(cuts)
		.map(|((e, input), (empty, cut))| {
			let (label, score, reason) = engine.decide(e);
			// As the engine: an empty text is flagged empty, not out of scope; the input guard
			// reads the text, the scope head the embedding.
			let out_of_scope = !empty && (engine.out_of_scope(input, cut) || engine.no_signal(e));
			Prediction {
				label: label as usize,
				score,
				reason: reason as usize,
				abstain: out_of_scope || score.abs_diff(m.threshold) < m.abstain_margin,
				out_of_scope,
			}
		})
		.collect())
}

/// The embedding cache key of the engine's encoder (base files, adapter, `max_len`).
pub fn engine_fingerprint(engine: &Engine) -> Result<String> {
	manifest_fingerprint(engine.manifest())
}

/// The encoder fingerprint of a manifest (see [`engine_fingerprint`]): what its embeddings
/// depend on.
pub fn manifest_fingerprint(m: &Manifest) -> Result<String> {
	let mut digests = Vec::new();
	for role in [
		FileRole::EncoderConfig,
		FileRole::EncoderWeights,
		FileRole::Tokenizer,
	] {
		digests.push(
			m.file(role)
				.context("manifest lacks an encoder file")?
				.sha256
				.clone(),
		);
	}
	// An adapter changes the encoder: its digest joins the fingerprint.
	if let Some(f) = m.file(FileRole::EncoderAdapter) {
		digests.push(f.sha256.clone());
	}
	// So does a pinned int8 precision (f32 keeps the keys of the caches made before the field).
	if let Some(p) = m.precision.filter(|&p| p != Precision::F32) {
		digests.push(format!("precision:{}", p.name()));
	}
	Ok(encoder_fingerprint(&digests, m.max_len))
}

/// What the model reads of every example.
pub fn model_inputs(ex: &[Example], scope: InputScope) -> Vec<String> {
	ex.iter()
		.map(|e| scope.select(&e.text).to_string())
		.collect()
}

/// Where `eval` reads and writes.
#[derive(Clone, Debug)]
pub struct EvalPaths {
	/// The model directory.
	pub model: PathBuf,
	/// The dataset folder (`veritas-tx-v8`).
	pub data: PathBuf,
	/// The `models/` folder (hand-written sets, the sealed set).
	pub models: PathBuf,
	/// Base encoder folder override.
	pub base: Option<PathBuf>,
	/// Embedding cache folder (`None`: no cache).
	pub cache: Option<PathBuf>,
}

impl EvalPaths {
	/// Engine options that find the base encoder where these paths say.
	pub fn engine_options(&self) -> EngineOptions {
		EngineOptions {
			base_dir: self.base.clone(),
			..Default::default()
		}
	}

	/// Loads the model directory with `opts`.
	pub fn load_model(&self, opts: EngineOptions) -> Result<Engine> {
		Engine::load(&self.model, opts)
			.with_context(|| format!("loading model {}", self.model.display()))
	}
}

/// A loaded set with the engine's predictions.
struct Scoring {
	set: EvalSet,
	examples: Vec<Example>,
	embeddings: Vec<Vec<f32>>,
	report: SetReport,
}

fn print_set(s: &SetReport) {
	let c = &s.chain;
	println!(
		"{:>22}: n={:5} macro-F1 {:.4} acc {:.4} | wrong approvals {:.2}% of illicit, wrong \
		 rejections {:.2}% of legit, abstain {:.2}% | reason acc {:.4}, on its label's side {:.2}%",
		s.name,
		s.n,
		s.macro_f1,
		s.accuracy,
		c.wrong_approval_rate() * 100.0,
		c.wrong_rejection_rate() * 100.0,
		c.abstention_rate() * 100.0,
		s.reason_accuracy,
		s.reason_agreement * 100.0
	);
}

fn print_ood(rows: &[OodRow]) {
	for r in rows {
		println!(
			"{:>22}: {:<15} n={:3} approve {:3} reject {:3} abstain {:3} (out of scope {}, \
			 truncated {})",
			r.set, r.kind, r.n, r.approve, r.reject, r.abstain, r.out_of_scope, r.truncated
		);
	}
}

fn score_sets(
	engine: &Engine,
	paths: &EvalPaths,
	wanted: &[EvalSet],
) -> Result<(Vec<Scoring>, Vec<ErrorRow>)> {
	let fp = engine_fingerprint(engine)?;
	let m = engine.manifest().clone();
	let mut done: Vec<Scoring> = Vec::new();
	let mut errors = Vec::new();
	for &set in wanted {
		let name = set.name();
		let ex = read_set(paths, set)?;
		// A subset of dev can hold exactly another's rows (`dev_first_style` in a dataset whose
		// first-style pool went to train is `dev_first_pool`): say so rather than report it twice.
		if let Some(same) = done.iter().find(|s| same_rows(&s.examples, &ex)) {
			println!(
				"{name:>22}: the same rows as {}; not repeated",
				same.set.name()
			);
			continue;
		}
		let (inputs, embs) = embed_set(engine, &fp, paths, set, &ex)?;
		let pred = predict(engine, &embs, &inputs)?;
		let s = report::set_report(name, &ex, &pred, &m.reason_codes, m.threshold);
		if set.lists_errors() {
			let mut wrong: Vec<usize> = (0..ex.len())
				.filter(|&i| pred[i].label != ex[i].label_index())
				.collect();
			wrong.sort_by_key(|&i| std::cmp::Reverse(pred[i].score.abs_diff(m.threshold)));
			errors.extend(wrong.iter().take(12).map(|&i| ErrorRow {
				set: name.into(),
				text: ex[i].text.clone(),
				label: ex[i].label.clone(),
				category: ex[i].category.clone(),
				score: pred[i].score,
			}));
		}
		if set.sealed_dir().is_none() {
			print_set(&s);
		}
		done.push(Scoring {
			set,
			examples: ex,
			embeddings: embs,
			report: s,
		});
	}
	Ok((done, errors))
}

/// Scores the dev sets (`wanted`), the out-of-distribution dev inputs and the `ablations`
/// (NAME, DIR) on the same sets; writes `report.md` / `report.json` into the model directory
/// when `write`.
pub fn eval_dev(
	paths: &EvalPaths,
	wanted: &[EvalSet],
	ablations: &[(String, PathBuf)],
	write: bool,
) -> Result<Report> {
	let opts = paths.engine_options();
	let engine = paths.load_model(opts.clone())?;
	let m = engine.manifest().clone();
	let (scored, errors) = score_sets(&engine, paths, wanted)?;
	let ood_path = paths.models.join(OOD_DEV);
	let mut ood = ood_rows(&engine, "ood_dev", &read_ood(&ood_path)?)?;
	for (name, quiet) in read_nosignal_dev(&paths.models)? {
		ood.extend(ood_rows(&engine, name, &quiet)?);
	}
	print_ood(&ood);
	let fp = engine_fingerprint(&engine)?;
	let mut compared = BTreeMap::new();
	for (name, dir) in ablations {
		let other = Engine::load(dir, opts.clone())
			.with_context(|| format!("loading ablation model {}", dir.display()))?;
		let om = other.manifest().clone();
		let ofp = engine_fingerprint(&other)?;
		// Same encoder and input: the embeddings are shared; otherwise the model's own.
		let same = ofp == fp && om.input == m.input;
		let mut rows = Vec::new();
		for s in &scored {
			let inputs = model_inputs(&s.examples, om.input);
			let own;
			let embs = if same {
				&s.embeddings
			} else {
				own = embed_cached(
					other.encoder(),
					&ofp,
					&inputs,
					paths.cache.as_deref(),
					s.set.name(),
				)?;
				&own
			};
			let pred = predict(&other, embs, &inputs)?;
			let r = report::set_report(
				s.set.name(),
				&s.examples,
				&pred,
				&om.reason_codes,
				om.threshold,
			);
			println!(
				"  ablation {name} {}: macro-F1 {:.4}",
				s.set.name(),
				r.macro_f1
			);
			rows.push(SetSummary::from(&r));
		}
		compared.insert(name.clone(), rows);
	}
	let sets: Vec<SetReport> = scored.into_iter().map(|s| s.report).collect();
	let training: Option<serde_json::Value> =
		std::fs::read_to_string(paths.model.join("training.json"))
			.ok()
			.and_then(|s| serde_json::from_str(&s).ok());
	let trained_on = trained_on(training.as_ref(), paths);
	let mut targets = BTreeMap::new();
	for (set, _) in HAND_WRITTEN_DEV {
		if trained_on.contains(&set) {
			continue;
		}
		if let Some(v) = sets.iter().find(|s| s.name == set.name()) {
			targets.insert(
				format!("{} macro-F1 >= 0.95 (dev)", set.name()),
				v.macro_f1 >= 0.95,
			);
			targets.insert(
				format!("{} wrong approvals <= 1% of illicit (dev)", set.name()),
				v.chain.wrong_approval_rate() <= 0.01,
			);
		}
	}
	let rep = Report {
		model: m.name.clone(),
		model_hash: format!(
			"0x{}",
			veritas_classifier::manifest::hex(&engine.model_hash())
		),
		threshold: m.threshold,
		abstain_margin: m.abstain_margin,
		input_guard: m.input_guard,
		labels: m.labels.clone(),
		reason_codes: m.reason_codes.clone(),
		targets_met: targets,
		trained_on: trained_on.iter().map(|s| s.name().to_string()).collect(),
		sets,
		ood,
		training,
		ablations: compared,
		errors,
	};
	println!("model hash {}", rep.model_hash);
	if write {
		std::fs::write(
			paths.model.join("report.json"),
			serde_json::to_string_pretty(&rep)? + "\n",
		)
		.context("writing report.json")?;
		std::fs::write(paths.model.join("report.md"), report::markdown(&rep))
			.context("writing report.md")?;
		println!("wrote {}/report.md and report.json", paths.model.display());
	}
	Ok(rep)
}

/// The dev sets whose memos trained the model: those whose file is one of the `extra_train`
/// files its `training.json` names (paths as given to `train`, from the repository root). Their
/// figures are training figures: the report says so and sets no target on them.
pub fn trained_on(training: Option<&serde_json::Value>, paths: &EvalPaths) -> Vec<EvalSet> {
	let Some(files) = training
		.and_then(|t| t.get("extra_train"))
		.and_then(|v| v.as_array())
	else {
		return Vec::new();
	};
	let root = paths.models.join("..");
	let trained: Vec<PathBuf> = files
		.iter()
		.filter_map(|f| f.as_str())
		.filter_map(|f| root.join(f).canonicalize().ok())
		.collect();
	EvalSet::DEV
		.into_iter()
		.filter(|set| {
			set.path(&paths.data, &paths.models)
				.canonicalize()
				.is_ok_and(|p| trained.contains(&p))
		})
		.collect()
}

/// What one scoring of a sealed set found (written to the model directory as
/// `<set folder>.json`, e.g. `sealed-test-v2.json`; the set's `SCORES.md` gets one line).
#[derive(Clone, Debug, Serialize)]
pub struct SealedScore {
	/// The set's folder, relative to `models/`.
	pub set: String,
	/// Which scoring of the set this was (1 = the first).
	pub scoring: u32,
	/// Model hash.
	pub model_hash: String,
	/// The set's report (no texts).
	pub test: SetReport,
	/// The set's out-of-distribution inputs, per kind (empty for a set without `ood.jsonl`).
	pub ood: Vec<OodRow>,
}

/// Scores each sealed set once: skips a set retired to training, one the model was scored on
/// before and one kept from it (and fails when that leaves none), raises each scored set's
/// count and appends to its `SCORES.md`, writes `<set folder>.json` into the model directory.
pub fn score_sealed(paths: &EvalPaths, date: &str) -> Result<Vec<SealedScore>> {
	let engine = paths.load_model(paths.engine_options())?;
	let hash = format!(
		"0x{}",
		veritas_classifier::manifest::hex(&engine.model_hash())
	);
	let mut todo = Vec::new();
	for set in EvalSet::SEALED {
		let rel = set.sealed_dir().context("a sealed set has a folder")?;
		if sealed::retired(&paths.models.join(rel))? {
			println!("{rel}: retired to training (its README says when); scored no more");
		} else if sealed::scored_before(&paths.models.join(rel), &hash)? {
			println!("{rel}: model {hash} was scored on it before; not scored again");
		} else if sealed::kept_from(&paths.models.join(rel), &hash)? {
			println!("{rel}: kept from model {hash} (its README says why); not scored");
		} else {
			todo.push((set, rel));
		}
	}
	if todo.is_empty() {
		bail!(
			"no sealed set left to score for model {hash}: each is retired to training, was \
			 scored on it or is kept from it (the lines above say which)"
		);
	}
	let mut out = Vec::new();
	for (set, rel) in todo {
		let dir = paths.models.join(rel);
		let (mut scored, _) = score_sets(&engine, paths, &[set])?;
		let test = scored.remove(0).report;
		let ood_path = dir.join("ood.jsonl");
		let ood = if ood_path.exists() {
			ood_rows(
				&engine,
				&format!("{}_ood", set.name()),
				&read_ood(&ood_path)?,
			)?
		} else {
			Vec::new()
		};
		let c = &test.chain;
		let row = format!(
			"{} | `{hash}` | {:.4} | {}/{} = {:.2}% | {}/{} = {:.2}% | {:.2}%",
			engine.manifest().name,
			test.macro_f1,
			c.wrong_approvals,
			c.illicit,
			c.wrong_approval_rate() * 100.0,
			c.wrong_rejections,
			c.legit,
			c.wrong_rejection_rate() * 100.0,
			c.abstention_rate() * 100.0
		);
		let scoring = sealed::record_scoring(&dir, date, &row)?;
		print_set(&test);
		print_ood(&ood);
		println!("{rel} scored; this was scoring {scoring} of the set");
		let score = SealedScore {
			set: rel.to_string(),
			scoring,
			model_hash: hash.clone(),
			test,
			ood,
		};
		let name = Path::new(rel)
			.file_name()
			.context("a sealed folder has a name")?
			.to_string_lossy()
			.into_owned();
		let file = paths.model.join(format!("{name}.json"));
		std::fs::write(&file, serde_json::to_string_pretty(&score)? + "\n")
			.with_context(|| format!("writing {}", file.display()))?;
		out.push(score);
	}
	Ok(out)
}

/// One labelled dev memo as `operating-point` weighs it.
struct DevMemo {
	/// Label and score (guard not applied).
	scored: Scored,
	/// Its words, for the guard candidates.
	words: WordCount,
	/// Cut at `max_len`.
	truncated: bool,
	/// Out of scope by the model's own manifest guard or scope head (or empty).
	own_out_of_scope: bool,
	/// Out of scope by the model's scope head: the point is chosen with it applied, as
	/// validators run the model.
	no_signal: bool,
}

/// What `operating-point` found.
#[derive(Clone, Debug, Serialize)]
pub struct OperatingReport {
	/// The costs it weighed.
	pub costs: Costs,
	/// Largest score difference on the dev texts between the fast and the candle backend (f32),
	/// or between the int8 kernels (a model pinned to int8).
	pub backend_drift: u16,
	/// What the drift compared: `fast vs candle` or `int8 kernels`.
	pub drift_between: String,
	/// Drift texts out of scope in one of the two runs and not in the other (the scope head
	/// or the guard deciding differently): validators that would split on them.
	pub scope_flips: usize,
	/// Texts the drift was measured on.
	pub drift_texts: usize,
	/// The margin floor (three times the drift, at least 1).
	pub min_margin: u16,
	/// How far inside 0..=10000 both edges of the band stay (three times the drift: 0 when
	/// every validator computes the same scores).
	pub edge_floor: u16,
	/// The most wrong approvals (share of illicit memos) the chosen point may make on any one
	/// dev set.
	pub max_wrong_approvals: f64,
	/// The chosen guard.
	pub guard: GuardChoice,
	/// The chosen threshold and margin, with the guard applied.
	pub point: operating::OperatingPoint,
	/// Labelled dev memos whose score lies within the backend drift of an edge of the chosen
	/// band (one backend may approve or reject them where another abstains).
	pub near_edges: usize,
	/// The model's own point on the same sets, for comparison.
	pub current: operating::OperatingPoint,
}

/// A costed dev set as one model reads it.
pub(crate) struct CostedSet {
	/// The labelled memos.
	pub(crate) examples: Vec<Example>,
	/// Their model inputs (the manifest's `input` scope).
	pub(crate) inputs: Vec<String>,
	/// Their embeddings.
	pub(crate) embeddings: Vec<Vec<f32>>,
}

/// The examples of a set (those it keeps; none is an error).
fn read_set(paths: &EvalPaths, set: EvalSet) -> Result<Vec<Example>> {
	let path = set.path(&paths.data, &paths.models);
	if set.sealed_dir().is_none() {
		// A dev set read from `--data`: never a sealed set's file.
		sealed::refuse(&path, &paths.models, "only `eval --test` scores it")?;
	}
	let ex: Vec<Example> = data::read_jsonl(&path)
		.with_context(|| format!("{}: reading {}", set.name(), path.display()))?
		.into_iter()
		.filter(|e| set.keeps(e))
		.collect();
	if ex.is_empty() {
		bail!("{}: no examples in {}", set.name(), path.display());
	}
	Ok(ex)
}

/// What `engine` reads of `ex` (a set's examples) and their embeddings: from the cache when
/// they are there, except for a sealed set, whose embeddings are computed for its one scoring
/// and never cached.
fn embed_set(
	engine: &Engine,
	fingerprint: &str,
	paths: &EvalPaths,
	set: EvalSet,
	ex: &[Example],
) -> Result<(Vec<String>, Vec<Vec<f32>>)> {
	let inputs = model_inputs(ex, engine.manifest().input);
	let cache = set
		.sealed_dir()
		.is_none()
		.then_some(paths.cache.as_deref())
		.flatten();
	let embs = embed_cached(engine.encoder(), fingerprint, &inputs, cache, set.name())?;
	Ok((inputs, embs))
}

/// Reads a costed dev set and embeds it for `engine`.
pub(crate) fn costed_set(
	engine: &Engine,
	fingerprint: &str,
	paths: &EvalPaths,
	set: EvalSet,
) -> Result<CostedSet> {
	let examples = read_set(paths, set)?;
	let (inputs, embeddings) = embed_set(engine, fingerprint, paths, set, &examples)?;
	Ok(CostedSet {
		examples,
		inputs,
		embeddings,
	})
}

/// Chooses the input guard, then the threshold and margin, on the dev sets (never the sealed
/// set): `v8 dev`, `retired_test`, `voices_dev` and `voices_dev_v2` for the costs, `ood_dev` for the guard
/// (`guard_truncated`: memos longer than `max_len` are out of scope too), the point of least
/// cost among those that approve at most `max_wrong_approvals` of the illicit memos of each set.
/// The model's scope head, when it has one, takes its memos out of scope at every candidate
/// point, as validators run it. The model's own point (`current`) is costed with the model's
/// own guard.
pub fn operating_point(
	paths: &EvalPaths,
	costs: &Costs,
	guard_budget: f64,
	guard_truncated: bool,
	step: u16,
	max_wrong_approvals: f64,
) -> Result<OperatingReport> {
	let opts = paths.engine_options();
	let engine = paths.load_model(opts.clone())?;
	let m = engine.manifest().clone();
	let fp = engine_fingerprint(&engine)?;
	let counter = Guard::new(
		InputGuard {
			min_words: 0,
			min_english_permille: 0,
			truncated: false,
		},
		engine.encoder().tokenizer(),
	);
	let mut labelled: Vec<(String, Vec<DevMemo>)> = Vec::new();
	let mut drift_texts: Vec<String> = Vec::new();
	for set in EvalSet::COSTED {
		let CostedSet {
			examples: ex,
			inputs,
			embeddings: embs,
		} = costed_set(&engine, &fp, paths, set)?;
		let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
		let toks = engine.encoder().tokenize(&refs)?;
		let rows = ex
			.iter()
			.zip(&embs)
			.zip(&inputs)
			.zip(&toks)
			.map(|(((e, emb), input), t)| {
				let (_, score, _) = engine.decide(emb);
				let scored = Scored {
					illicit: e.label_index() == data::POSITIVE,
					score,
					out_of_scope: false,
				};
				let no_signal = !t.empty && engine.no_signal(emb);
				DevMemo {
					scored,
					words: counter.count(input),
					truncated: t.truncated,
					own_out_of_scope: t.empty
						|| engine.out_of_scope(input, t.truncated)
						|| no_signal,
					no_signal,
				}
			})
			.collect();
		// Drift on every hand-written memo and the first 500 of each generated set.
		let take = if matches!(set, EvalSet::VoicesDev | EvalSet::VoicesDevV2) {
			inputs.len()
		} else {
			500
		};
		drift_texts.extend(inputs.into_iter().take(take));
		labelled.push((set.name().to_string(), rows));
	}
	let ood = read_ood(&paths.models.join(OOD_DEV))?;
	drift_texts.extend(ood.iter().map(|o| o.text.clone()));
	let ood_counts: Vec<(String, WordCount)> = ood
		.iter()
		.map(|o| (o.kind.clone(), counter.count(&o.text)))
		.collect();
	let all_counts: Vec<WordCount> = labelled
		.iter()
		.flat_map(|(_, rows)| rows.iter().map(|r| r.words))
		.collect();
	let mut guard =
		operating::choose_guard(&ood_counts, &NO_SIGNAL_KINDS, &all_counts, guard_budget);
	guard.truncated = guard_truncated;
	// The drift between the ways validators run the model bounds the margin from below: the
	// fast and the candle (CUDA) backend in f32; for a model pinned to int8, which runs on the
	// fast backend only, its kernels (here the portable one against this CPU's). The texts are
	// model inputs, as the worker passes them.
	let bytes: Vec<&[u8]> = drift_texts.iter().map(String::as_bytes).collect();
	let fast = engine.classify_model_inputs(&bytes)?;
	let (other, drift_between) = match engine.manifest().precision {
		Some(Precision::Int8) => (
			EngineOptions {
				isa: Some(Isa::Portable),
				..opts
			},
			"int8 kernels",
		),
		_ => (
			EngineOptions {
				backend: Backend::Candle,
				..opts
			},
			"fast vs candle",
		),
	};
	let candle = paths.load_model(other)?.classify_model_inputs(&bytes)?;
	let backend_drift = fast
		.iter()
		.zip(&candle)
		.map(|(a, b)| a.score.abs_diff(b.score))
		.max()
		.unwrap_or(0);
	// The scope head decides on the same embeddings: count the texts it flags in one run and
	// not in the other (0 when the runs compute the same bits).
	let scope_flips = fast
		.iter()
		.zip(&candle)
		.filter(|(a, b)| a.flags.out_of_scope != b.flags.out_of_scope)
		.count();
	let edge_floor = 3 * backend_drift;
	let min_margin = edge_floor.max(1);
	let sets: Vec<(String, Vec<Scored>)> = labelled
		.iter()
		.map(|(name, rows)| {
			let memos = rows
				.iter()
				.map(|r| Scored {
					out_of_scope: operating::out_of_scope(
						&r.words,
						guard.min_words,
						guard.min_english_permille,
					) || (guard.truncated && r.truncated)
						|| r.no_signal,
					..r.scored
				})
				.collect();
			(name.clone(), memos)
		})
		.collect();
	let point = operating::choose(&sets, costs, edge_floor, step, max_wrong_approvals).ok_or_else(
		|| {
			let Some(strictest) = operating::strictest(&sets, costs, edge_floor) else {
				return anyhow!(
					"no band fits: its edges must stay {edge_floor} units inside the scale (3x \
					 the drift between {drift_between})"
				);
			};
			let per_set: Vec<String> = strictest
				.sets
				.iter()
				.map(|(name, o)| {
					format!(
						"{name} {}/{} = {:.2}%",
						o.wrong_approvals,
						o.illicit,
						100.0 * o.wrong_approval_rate()
					)
				})
				.collect();
			anyhow!(
				"no threshold and margin keeps wrong approvals at or under {:.2}% of illicit \
				 memos on every dev set: even approving only scores <= {edge_floor} (the edges \
				 stay {edge_floor} units inside the scale, 3x the drift between {drift_between}) \
				 approves {}",
				max_wrong_approvals * 100.0,
				per_set.join(", ")
			)
		},
	)?;
	let near_edges = operating::near_edges(&sets, point.threshold, point.margin, backend_drift);
	let current_sets: Vec<(String, Vec<Scored>)> = labelled
		.iter()
		.map(|(name, rows)| {
			let memos = rows
				.iter()
				.map(|r| Scored {
					out_of_scope: r.own_out_of_scope,
					..r.scored
				})
				.collect();
			(name.clone(), memos)
		})
		.collect();
	let current = operating::evaluate(&current_sets, costs, m.threshold, m.abstain_margin);
	Ok(OperatingReport {
		costs: *costs,
		backend_drift,
		drift_between: drift_between.to_string(),
		scope_flips,
		drift_texts: bytes.len(),
		min_margin,
		edge_floor,
		max_wrong_approvals,
		guard,
		point,
		near_edges,
		current,
	})
}

/// One model on one set of a comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
	/// The model's name in the comparison.
	pub model: String,
	/// Its model hash (what the chain pins).
	pub model_hash: String,
	/// Its threshold.
	pub threshold: u16,
	/// Its abstain margin.
	pub margin: u16,
	/// What validators voting its scores do on chain.
	pub outcomes: Outcomes,
	/// The cost of those outcomes.
	pub cost: f64,
	/// Macro-F1 at its threshold (abstentions counted by their side of it).
	pub macro_f1: f64,
	/// Its cost minus the first model's, with a paired bootstrap interval (none for the first).
	pub against_first: Option<Difference>,
}

/// Every model of a comparison on one set.
#[derive(Clone, Debug, Serialize)]
pub struct SetComparison {
	/// The set.
	pub set: String,
	/// Its memos.
	pub n: usize,
	/// The models, the first being the baseline.
	pub models: Vec<Compared>,
}

/// One model on a file of no-signal memos (whose right answer is Abstain).
#[derive(Clone, Debug, Serialize)]
pub struct NoSignalCompared {
	/// The model's name in the comparison.
	pub model: String,
	/// Approved (paid out on a memo that says nothing).
	pub approve: usize,
	/// Rejected (refunded and flagged).
	pub reject: usize,
	/// Abstained on (the right answer), the input guard's included.
	pub abstain: usize,
	/// Its share of abstentions minus the first model's, bootstrapped (none for the first).
	pub against_first: Option<AbstainDifference>,
}

/// Every model of a comparison on one file of no-signal memos.
#[derive(Clone, Debug, Serialize)]
pub struct NoSignalComparison {
	/// The file, or the name of the no-signal dev set ([`NOSIGNAL_DEV`]).
	pub file: String,
	/// Its memos.
	pub n: usize,
	/// The models, the first being the baseline.
	pub models: Vec<NoSignalCompared>,
}

/// A whole comparison: labelled dev sets and no-signal files.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
	/// Per labelled set: outcomes, cost, cost differences.
	pub sets: Vec<SetComparison>,
	/// Per no-signal file: votes, abstention differences.
	pub no_signal: Vec<NoSignalComparison>,
}

/// Scores `models` (NAME, DIR; the first is the baseline) on the dev `sets`, each at its own
/// operating point and guard, and bootstraps each model's cost difference from the first's
/// (`resamples` paired draws of the memos from `seed`); on each `no_signal` file (unlabelled
/// `{"id","text","kind"}` lines) counts its votes and bootstraps its share of abstentions
/// against the first's. `paths.model` is not read.
pub fn compare_models(
	paths: &EvalPaths,
	models: &[(String, PathBuf)],
	sets: &[EvalSet],
	no_signal: &[PathBuf],
	costs: &Costs,
	resamples: usize,
	seed: u64,
) -> Result<Comparison> {
	if models.len() < 2 {
		bail!("a comparison needs at least two models (NAME=DIR), the first being the baseline");
	}
	if resamples == 0 {
		bail!("the bootstrap needs at least one resample");
	}
	for (i, (name, _)) in models.iter().enumerate() {
		if models[..i].iter().any(|(n, _)| n == name) {
			bail!("two models are named {name}: give each its own NAME");
		}
	}
	if sets.is_empty() && no_signal.is_empty() {
		bail!("nothing to compare on: name dev sets (--sets) or no-signal files (--no-signal)");
	}
	for path in no_signal {
		sealed::refuse(path, &paths.models, "only `eval --test` scores it")?;
	}
	// Read before any set is scored, so that a wrong name fails at once.
	let no_signal_memos = no_signal
		.iter()
		.map(|path| {
			let memos = read_no_signal_arg(path, &paths.models)?;
			if memos.is_empty() {
				bail!("--no-signal {}: no memos", path.display());
			}
			Ok(memos)
		})
		.collect::<Result<Vec<_>>>()?;
	for (i, set) in sets.iter().enumerate() {
		if set.sealed_dir().is_some() {
			bail!(
				"{} is a sealed set: only `eval --test` scores it",
				set.name()
			);
		}
		if sets[..i].contains(set) {
			bail!("{} is listed twice", set.name());
		}
	}
	let engines = models
		.iter()
		.map(|(name, dir)| {
			let engine = Engine::load(dir, paths.engine_options())
				.with_context(|| format!("loading model {name} from {}", dir.display()))?;
			let fp = engine_fingerprint(&engine)?;
			Ok((name.clone(), engine, fp))
		})
		.collect::<Result<Vec<_>>>()?;
	let mut out = Vec::new();
	for &set in sets {
		let ex = read_set(paths, set)?;
		let mut ballots: Vec<Ballot> = Vec::new();
		let mut rows = Vec::new();
		for (name, engine, fp) in &engines {
			let m = engine.manifest();
			let (inputs, embs) = embed_set(engine, fp, paths, set, &ex)?;
			let pred = predict(engine, &embs, &inputs)?;
			let r = report::set_report(set.name(), &ex, &pred, &m.reason_codes, m.threshold);
			let ballot = Ballot {
				name: name.clone(),
				memos: ex
					.iter()
					.zip(&pred)
					.map(|(e, p)| Scored {
						illicit: e.label_index() == data::POSITIVE,
						score: p.score,
						out_of_scope: p.out_of_scope,
					})
					.collect(),
				threshold: m.threshold,
				margin: m.abstain_margin,
			};
			let outcomes = ballot.outcomes();
			debug_assert_eq!(outcomes, r.chain, "the ballot votes as the report counts");
			let against_first = match ballots.first() {
				Some(first) => Some(compare::cost_difference(
					first, &ballot, costs, resamples, seed,
				)?),
				None => None,
			};
			rows.push(Compared {
				model: name.clone(),
				model_hash: format!(
					"0x{}",
					veritas_classifier::manifest::hex(&engine.model_hash())
				),
				threshold: m.threshold,
				margin: m.abstain_margin,
				outcomes,
				cost: outcomes.cost(costs),
				macro_f1: r.macro_f1,
				against_first,
			});
			ballots.push(ballot);
		}
		out.push(SetComparison {
			set: set.name().to_string(),
			n: ex.len(),
			models: rows,
		});
	}
	let mut quiet = Vec::new();
	for (path, memos) in no_signal.iter().zip(no_signal_memos) {
		let bytes: Vec<&[u8]> = memos.iter().map(|m| m.text.as_bytes()).collect();
		let mut first: Option<Vec<bool>> = None;
		let mut rows = Vec::new();
		for (name, engine, _) in &engines {
			let votes = engine.classify_model_inputs(&bytes)?;
			let positive = engine.manifest().positive_index() as u8;
			let abstained: Vec<bool> = votes.iter().map(|c| c.abstain).collect();
			let reject = votes
				.iter()
				.filter(|c| !c.abstain && c.label == positive)
				.count();
			let abstain = abstained.iter().filter(|&&a| a).count();
			let against_first = match &first {
				Some(base) => Some(compare::abstain_difference(
					base, &abstained, resamples, seed,
				)?),
				None => None,
			};
			rows.push(NoSignalCompared {
				model: name.clone(),
				approve: memos.len() - abstain - reject,
				reject,
				abstain,
				against_first,
			});
			first.get_or_insert(abstained);
		}
		quiet.push(NoSignalComparison {
			file: path.display().to_string(),
			n: memos.len(),
			models: rows,
		});
	}
	Ok(Comparison {
		sets: out,
		no_signal: quiet,
	})
}

/// The label head's logits on each costed dev set ([`EvalSet::COSTED`]), for fitting a
/// temperature ([`crate::calibrate`]); embeddings come from the cache when they are there.
pub fn calibration_sets(paths: &EvalPaths) -> Result<Vec<SetLogits>> {
	let engine = paths.load_model(paths.engine_options())?;
	let m = engine.manifest().clone();
	let positive = m
		.labels
		.iter()
		.position(|l| *l == m.positive_label)
		.context("the manifest's positive label is not among its labels")?;
	let entry = m
		.file(FileRole::Head)
		.context("the manifest lists no label head")?;
	let head_path = m.resolve(entry, engine.model_dir(), paths.base.as_deref());
	let bytes =
		std::fs::read(&head_path).with_context(|| format!("reading {}", head_path.display()))?;
	let dim = engine.encoder().hidden_size();
	let head = LinearHead::from_safetensors(&bytes, &head_path, m.labels.len(), dim)?;
	let fp = engine_fingerprint(&engine)?;
	let mut sets = Vec::new();
	for set in EvalSet::COSTED {
		let CostedSet {
			examples: ex,
			embeddings: embs,
			..
		} = costed_set(&engine, &fp, paths, set)?;
		sets.push(SetLogits {
			name: set.name().to_string(),
			logits: embs.iter().map(|e| head.logits(e)).collect(),
			truth: ex.iter().map(Example::label_index).collect(),
			positive,
		});
	}
	Ok(sets)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_dev_set_the_model_trained_on_is_named_as_such() {
		let root = std::env::temp_dir().join(format!("veritas-trained-on-{}", std::process::id()));
		let models = root.join("models");
		let data = models.join("data/veritas-tx-v8");
		for f in [VOICES_DEV_V4, VOICES_DEV_V5] {
			let path = models.join(f);
			std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
			std::fs::write(&path, "").expect("write");
		}
		std::fs::create_dir_all(&data).expect("mkdir");
		std::fs::write(data.join("dev.jsonl"), "").expect("write");
		let paths = EvalPaths {
			model: models.join("veritas-screen-test"),
			data,
			models: models.clone(),
			base: None,
			cache: None,
		};
		let training = serde_json::json!({ "extra_train": [
			"models/data/voices-dev-v4/dev.jsonl",
			"models/data/voices-train-v1/part-a/train.jsonl",
		] });
		assert_eq!(
			trained_on(Some(&training), &paths),
			[EvalSet::VoicesDevV4],
			"v4's file is named, v5's is not, a missing file matches nothing"
		);
		assert!(trained_on(None, &paths).is_empty());
		let _ = std::fs::remove_dir_all(&root);
	}

	#[test]
	fn eval_scores_the_requested_sets_in_report_order() {
		let sets = eval_sets(&[EvalSet::VoicesDev, EvalSet::Dev], false).expect("print-only");
		assert_eq!(sets, [EvalSet::Dev, EvalSet::VoicesDev]);
		assert_eq!(
			eval_sets(&EvalSet::DEV, true).expect("a full report"),
			EvalSet::DEV
		);
		assert!(EvalSet::SEALED.iter().all(|s| !EvalSet::DEV.contains(s)));
		for (set, file) in HAND_WRITTEN_DEV {
			assert!(EvalSet::DEV.contains(&set), "{} is scored", set.name());
			assert!(set.lists_errors(), "{}'s errors are listed", set.name());
			let models = Path::new("models");
			assert_eq!(set.path(Path::new("data"), models), models.join(file));
		}
	}

	#[test]
	fn a_written_report_needs_every_dev_set() {
		let err = eval_sets(&[EvalSet::Dev], true).expect_err("a dev-only report");
		assert!(err.to_string().contains("--no-write"), "{err}");
	}

	#[test]
	fn the_retired_test_split_is_read_as_dev_and_the_sealed_set_lists_no_errors() {
		let (data, models) = (Path::new("d"), Path::new("m"));
		assert_eq!(
			EvalSet::RetiredTest.path(data, models),
			data.join("test.jsonl")
		);
		// Every sealed set reads its own folder's test.jsonl, in SEALED order.
		for (n, set) in EvalSet::SEALED.into_iter().enumerate() {
			let want = format!("data/sealed-test-v{}/test.jsonl", n + 1);
			assert_eq!(set.path(data, models), models.join(want), "{}", set.name());
		}
		assert!(EvalSet::RetiredTest.lists_errors() && EvalSet::VoicesDevV2.lists_errors());
		assert!(EvalSet::SEALED.iter().all(|s| !s.lists_errors()));
	}

	/// A legit rent dev example `dev-<id>` of `family`.
	fn rent_example(id: usize, family: &str) -> Example {
		Example {
			id: format!("dev-{id}"),
			text: format!("transfer {id} VRT to Bob: rent"),
			label: "legit".into(),
			category: "rent".into(),
			family: family.into(),
			hard: false,
			rendering: "free".into(),
			styles: vec![],
			voice: None,
		}
	}

	#[test]
	fn the_first_pool_dev_set_keeps_the_families_test_is_drawn_from() {
		let ex = |family: &str| rent_example(0, family);
		let first = EvalSet::DevFirstPool;
		assert!(first.keeps(&ex("rent/0")) && first.keeps(&ex("rent/23")));
		assert!(!first.keeps(&ex("rent/24")) && !first.keeps(&ex("rent/80")));
		assert!(!first.keeps(&ex("no-index")));
		assert!(EvalSet::Dev.keeps(&ex("rent/80")));
		let style = EvalSet::DevFirstStyle;
		let pool = data::first_style_pool("rent").expect("rent has a first-style pool");
		assert!(style.keeps(&ex("rent/0")) && style.keeps(&ex("rent/23")));
		assert!(style.keeps(&ex(&format!("rent/{}", pool.start))));
		assert!(style.keeps(&ex(&format!("rent/{}", pool.end - 1))));
		assert!(!style.keeps(&ex("rent/24")) && !style.keeps(&ex(&format!("rent/{}", pool.end))));
	}

	#[test]
	fn dev_first_style_is_dev_first_pool_once_the_pool_is_in_train() {
		let ex = rent_example;
		let pool = data::first_style_pool("rent").expect("rent has a first-style pool");
		let v8_dev = vec![ex(0, "rent/3"), ex(1, "rent/30"), ex(2, "rent/5")];
		let mut v7_dev = v8_dev.clone();
		v7_dev.push(ex(3, &format!("rent/{}", pool.start)));
		let keep = |set: EvalSet, dev: &[Example]| -> Vec<Example> {
			dev.iter().filter(|e| set.keeps(e)).cloned().collect()
		};
		let (first, style) = (EvalSet::DevFirstPool, EvalSet::DevFirstStyle);
		assert!(same_rows(&keep(first, &v8_dev), &keep(style, &v8_dev)));
		assert!(!same_rows(&keep(first, &v7_dev), &keep(style, &v7_dev)));
		assert!(!same_rows(
			&keep(EvalSet::Dev, &v8_dev),
			&keep(first, &v8_dev)
		));
	}

	#[test]
	fn ood_inputs_read_with_the_line_of_a_bad_one() {
		let dir = std::env::temp_dir().join(format!("veritas-ood-{}", std::process::id()));
		std::fs::create_dir_all(&dir).expect("temp dir");
		let p = dir.join("ood.jsonl");
		std::fs::write(
			&p,
			"{\"id\":\"a\",\"text\":\"ok\",\"kind\":\"one-two-words\"}\n\n{\"id\":\"b\"}\n",
		)
		.expect("write");
		let err = read_ood(&p).expect_err("line 3 lacks text and kind");
		assert!(format!("{err:#}").contains("ood.jsonl:3"), "{err:#}");
		std::fs::write(
			&p,
			"{\"id\":\"a\",\"text\":\"ok\",\"kind\":\"one-two-words\"}\n",
		)
		.expect("write");
		assert_eq!(read_ood(&p).expect("valid")[0].kind, "one-two-words");
		let _ = std::fs::remove_dir_all(&dir);
	}
}
