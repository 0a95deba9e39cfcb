//! `veritas-models`: generate the dataset, train, export, evaluate and try a Veritas model.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;
use veritas_classifier::authoring::{ModelSpec, ADAPTER_FILE};
use veritas_classifier::{Engine, EngineOptions, InputGuard, InputScope, Precision};
use veritas_models::calibrate::check_temperature;
use veritas_models::data::{self, Example, GenOptions, LABELS};
use veritas_models::evaluate::{self, eval_sets, EvalPaths, EvalSet};
use veritas_models::export::{export_model, load_checkpoint, reexport_model};
use veritas_models::operating::{wilson, Costs};
use veritas_models::scope;
use veritas_models::train::TrainConfig;
use veritas_models::training::{self, TrainRequest, PERTURB_OPS};

/// Seed of the perturbed test copy.
const PERTURB_TEST_SEED: u64 = 1001;
/// Dataset that `generate` writes and the other commands read by default, in `models/data/`.
const DEFAULT_DATA: &str = "veritas-tx-v8";

/// The published model (the folder in `models/` that the chain pins), as named by
/// `models/PUBLISHED`; the default model of every command.
fn published_name() -> &'static str {
	include_str!("../PUBLISHED").trim()
}

/// Help line of the `--data` options.
fn data_help() -> String {
	format!("Dataset folder (default: models/data/{DEFAULT_DATA})")
}

#[derive(Parser)]
#[command(
	name = "veritas-models",
	version,
	about = "Veritas dataset, training, evaluation and export"
)]
struct Cli {
	#[command(subcommand)]
	cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
	/// Generate the labelled dataset (train/dev/test + perturbed test) as JSON lines.
	Generate(GenerateArgs),
	/// Train the task head + reason head on cached frozen-encoder embeddings.
	Train(TrainArgs),
	/// Export a training run as a model directory (heads, manifest.json) and print its hash.
	Export(ExportArgs),
	/// Evaluate a model directory through the engine on dev; writes report.md / report.json.
	/// `--test` scores the sealed test set instead (once per published model).
	Eval(EvalArgs),
	/// Fit the temperature of the label head on dev (least log-loss, each costed dev set
	/// weighing the same); `export --temperature` applies it.
	Calibrate(CalibrateArgs),
	/// Choose the input guard, threshold and abstain margin on dev by the cost of each chain
	/// outcome, with the margin at least 3× the score drift between backends.
	OperatingPoint(OperatingPointArgs),
	/// Compare models on the same dev memos, each at its own operating point: chain outcomes,
	/// cost, macro-F1, and a paired bootstrap of each cost's difference from the first model's.
	Compare(CompareArgs),
	/// Fit a scope head for a model: which memos say nothing it can judge (logistic regression
	/// of no-signal memos against the labelled training memos on the model's embeddings), its
	/// bias set so it flags at most `--max-flagged` of every labelled dev set; `export --from
	/// MODEL --scope-head OUT/scope.safetensors` gives a model the head.
	ScopeHead(ScopeHeadArgs),
	/// Classify texts with a model directory.
	Classify(ClassifyArgs),
}

#[derive(Args)]
struct Common {
	/// Base encoder folder (default: models/base/all-MiniLM-L6-v2 found from here).
	#[arg(long)]
	base: Option<PathBuf>,
	/// Embedding cache folder (default: models/.cache, gitignored).
	#[arg(long)]
	cache: Option<PathBuf>,
	/// Disable the embedding cache.
	#[arg(long)]
	no_cache: bool,
}

#[derive(Args)]
struct GenerateArgs {
	/// Output folder.
	#[arg(long, help = format!("Output folder (default: models/data/{DEFAULT_DATA})"))]
	out: Option<PathBuf>,
	/// Generator seed.
	#[arg(long, default_value_t = data::DEFAULT_SEED)]
	seed: u64,
	/// Examples per dev and test template family (see models/families/).
	#[arg(long, default_value_t = GenOptions::default().per_family)]
	per_family: usize,
	/// Examples per train template family.
	#[arg(long, default_value_t = GenOptions::default().train_per_family)]
	train_per_family: usize,
	/// Examples per first-style train template family: each category's first 24 (the pool the
	/// test families are drawn from) and, when it goes to train, the first-style pool.
	#[arg(long, default_value_t = GenOptions::default().first_pool_train_per_family)]
	first_pool_train_per_family: usize,
	/// Where the families written in the first pool's style for dev (`FIRST_STYLE_POOL` in
	/// data/split.rs) go: `dev` (veritas-tx-v7) or `train` (veritas-tx-v8; dev keeps its other 100
	/// families).
	#[arg(long, value_enum, default_value_t = PoolSplit::of(GenOptions::default()))]
	first_style_pool: PoolSplit,
}

/// The split the first-style pool goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PoolSplit {
	/// Into train, at the first pool's count per family.
	Train,
	/// Into dev, whole.
	Dev,
}

impl PoolSplit {
	fn of(o: GenOptions) -> Self {
		if o.first_style_pool_to_train {
			PoolSplit::Train
		} else {
			PoolSplit::Dev
		}
	}
}

#[derive(Args)]
struct TrainArgs {
	#[command(flatten)]
	common: Common,
	/// Dataset folder.
	#[arg(long, help = data_help())]
	data: Option<PathBuf>,
	/// Model name.
	#[arg(long, default_value = published_name())]
	name: String,
	/// Model folder that receives curves.csv, curves.svg and training.json (default models/<name>).
	#[arg(long)]
	out: Option<PathBuf>,
	/// Run folder for the checkpoint (default models/.cache/runs/<name>).
	#[arg(long)]
	run_dir: Option<PathBuf>,
	/// Perturbed copies of the training split added as augmentation (0 = none).
	#[arg(long, default_value_t = 1)]
	augment: usize,
	/// Hand-written labelled memos (JSON lines) added to the training split, repeatable (e.g.
	/// `models/data/voices-train-v1/part-a/train.jsonl`; a sealed set's only once it is retired
	/// to training).
	#[arg(long)]
	extra_train: Vec<PathBuf>,
	/// How many times each `--extra-train` memo is added (a few hundred hand-written memos
	/// against tens of thousands of generated ones).
	#[arg(long, default_value_t = 1)]
	extra_repeat: usize,
	/// Labelled memos (JSON lines) added to the dev split that early stopping and the threshold
	/// read, repeatable (e.g. `models/data/voices-dev-v1/dev.jsonl`).
	#[arg(long)]
	extra_dev: Vec<PathBuf>,
	/// No-signal memos (`{"id","text","kind"}` JSON lines: ids, vague phrases, emoji…) added to
	/// the training split `--no-signal-repeat` times each with an even label target and the
	/// reason `none`, so the model learns to abstain on them; repeatable.
	#[arg(long)]
	no_signal: Vec<PathBuf>,
	/// How many times each `--no-signal` memo is added (default: `--extra-repeat`).
	#[arg(long)]
	no_signal_repeat: Option<usize>,
	/// Unfreeze the top k encoder layers (0 = frozen encoder, cached embeddings).
	#[arg(long, default_value_t = 0)]
	unfreeze_layers: usize,
	/// Learning rate of the unfrozen encoder layers (with --unfreeze-layers).
	#[arg(long, default_value_t = 5e-5)]
	encoder_lr: f64,
	/// Train rank-R LoRA updates of the unfrozen layers instead of all their weights (with
	/// --unfreeze-layers; 0 = all weights).
	#[arg(long, default_value_t = 0)]
	lora_rank: usize,
	/// Decay the learning rates linearly to zero over --epochs (with --unfreeze-layers).
	#[arg(long)]
	lr_decay: bool,
	/// Balance the labels among training memos of at most N words in the label loss: each label
	/// weighs half of what the short memos weigh together (with --unfreeze-layers; 0 = off).
	#[arg(long, default_value_t = 0, requires = "unfreeze_layers")]
	balance_short: usize,
	/// Truncation length in tokens.
	#[arg(long, default_value_t = 128)]
	max_len: usize,
	/// What the model reads: `memo` (the memo of a rendered transfer; a record whole) or `text`
	/// (the whole rendered text). Recorded in the checkpoint; `export` writes it to the manifest.
	#[arg(long, default_value = "memo", value_parser = parse_input)]
	input: InputScope,
	#[arg(long, default_value_t = TrainConfig::default().epochs)]
	epochs: usize,
	#[arg(long, default_value_t = TrainConfig::default().batch_size)]
	batch_size: usize,
	#[arg(long, default_value_t = TrainConfig::default().lr)]
	lr: f64,
	#[arg(long, default_value_t = TrainConfig::default().weight_decay)]
	weight_decay: f64,
	#[arg(long, default_value_t = TrainConfig::default().dropout)]
	dropout: f32,
	#[arg(long, default_value_t = TrainConfig::default().patience)]
	patience: usize,
	#[arg(long, default_value_t = TrainConfig::default().seed)]
	seed: u64,
	#[arg(long, default_value_t = TrainConfig::default().reason_weight)]
	reason_weight: f64,
	/// Weight of an illicit memo in the label loss against 1 for a legit one (a wrong approval
	/// costs the chain more than a wrong rejection).
	#[arg(long, default_value_t = TrainConfig::default().illicit_weight)]
	illicit_weight: f64,
}

#[derive(Args)]
struct ExportArgs {
	#[command(flatten)]
	common: Common,
	/// Model name (manifest `name`; default: the published model's name). With `--from`, give
	/// `--name` or `--out`, so that the published folder is never overwritten by default.
	#[arg(long)]
	name: Option<String>,
	/// Model version.
	#[arg(long, default_value_t = 1)]
	version: u32,
	/// Run folder holding checkpoint.safetensors (default models/.cache/runs/<name>).
	#[arg(long)]
	run_dir: Option<PathBuf>,
	/// Take the heads and encoder adapter of this model folder instead of a training run (a
	/// published model's weights under a new operating point or precision). Threshold, margin,
	/// max_len, input guard and precision default to that model's; name, version and
	/// `reasons_by_label` (see `--free-reasons`) do not.
	#[arg(long, conflicts_with = "run_dir")]
	from: Option<PathBuf>,
	/// Model folder (default models/<name>).
	#[arg(long)]
	out: Option<PathBuf>,
	/// Override the threshold chosen on dev (score units 0..=10000).
	#[arg(long)]
	threshold: Option<u16>,
	/// Abstain margin in score units (default 500, or the `--from` model's).
	#[arg(long)]
	abstain_margin: Option<u16>,
	/// Truncation length in tokens (default 128, or the `--from` model's).
	#[arg(long)]
	max_len: Option<usize>,
	/// Let a verdict carry any reason (no `reasons_by_label`): a legit verdict may then name an
	/// illicit category.
	#[arg(long)]
	free_reasons: bool,
	/// Pin the precision the model is defined in (manifest `precision`): `int8` makes every
	/// node run the int8 layers, the same bits on every CPU. Choose the operating point on the
	/// exported model's own scores. Omitted: the `--from` model's, else none (the node decides:
	/// f32).
	#[arg(long)]
	precision: Option<Precision>,
	/// Input guard: fewest English words a memo needs to be judged (see `operating-point`).
	/// Any guard flag sets the whole guard (the others default to 0 / off), replacing a `--from`
	/// model's.
	#[arg(long)]
	guard_min_words: Option<u16>,
	/// Input guard: least share of English words among a memo's words, per mille.
	#[arg(long)]
	guard_min_english_permille: Option<u16>,
	/// Input guard: abstain on a memo longer than `max_len` tokens.
	#[arg(long)]
	guard_truncated: bool,
	/// Divide the label head's weight and bias by this temperature (see `calibrate`): the
	/// scores spread out (T > 1) or sharpen (T < 1) and keep their order. Choose the operating
	/// point on the exported model's own scores.
	#[arg(long)]
	temperature: Option<f64>,
	/// With `--from`: give the new model this scope head (`scope.safetensors` written by
	/// `scope-head`) in place of any the source has.
	#[arg(long, requires = "from")]
	scope_head: Option<PathBuf>,
}

/// The model a command reads, and where it finds the base encoder, the cache and the dataset.
#[derive(Args)]
struct ModelArgs {
	#[command(flatten)]
	common: Common,
	/// Model folder.
	#[arg(long, help = format!("Model folder (default: models/{})", published_name()))]
	model: Option<PathBuf>,
	/// Dataset folder.
	#[arg(long, help = data_help())]
	data: Option<PathBuf>,
}

impl ModelArgs {
	/// Where the command reads (the published model when no `--model` is given).
	fn paths(&self) -> EvalPaths {
		eval_paths(&self.common, &self.model, &self.data)
	}
}

#[derive(Args)]
struct ScopeHeadArgs {
	#[command(flatten)]
	target: ModelArgs,
	/// No-signal training memos (`{"id","text","kind"}` JSON lines, e.g.
	/// `models/data/nosignal-train-v1/part-a/train.jsonl`); repeatable.
	#[arg(long, required = true)]
	no_signal: Vec<PathBuf>,
	/// Labelled training memos besides the dataset's train split (e.g. the voices-train parts
	/// the model trained on; a sealed set's only once it is retired to training); repeatable.
	#[arg(long)]
	in_scope: Vec<PathBuf>,
	/// The largest share of each labelled dev set the head may flag (they abstain).
	#[arg(long, default_value_t = 0.02)]
	max_flagged: f64,
	/// Ridge weight on the standardised weights.
	#[arg(long, default_value_t = 1e-3)]
	l2: f64,
	/// Newton steps of the fit.
	#[arg(long, default_value_t = 20)]
	steps: usize,
	/// Folder that receives `scope.safetensors` and `scope.json`.
	#[arg(long)]
	out: PathBuf,
}

#[derive(Args)]
struct CalibrateArgs {
	#[command(flatten)]
	target: ModelArgs,
	/// Also write the result as JSON to this file.
	#[arg(long)]
	out: Option<PathBuf>,
}

#[derive(Args)]
struct EvalArgs {
	#[command(flatten)]
	target: ModelArgs,
	/// Other model folders to compare on the same sets, as NAME=DIR (repeatable).
	#[arg(long)]
	ablation: Vec<String>,
	/// Print only; do not write report.md / report.json.
	#[arg(long)]
	no_write: bool,
	/// Dev sets to score, comma-separated (default: all, and a written report covers all).
	#[arg(long, value_enum, value_delimiter = ',')]
	sets: Vec<EvalSet>,
	/// Score the sealed test sets (models/data/sealed-test-v1 … -v4) instead of dev: once per
	/// published model, after every choice was made on dev; a set retired to training
	/// (`Retired to training: …`), one the model was scored on before, or one whose README says it
	/// is kept from the model (`Kept from: 0x…`), is skipped. Raises
	/// each set's "Times scored" count, appends to its SCORES.md and writes <set folder>.json
	/// (e.g. sealed-test-v2.json) into the model folder.
	#[arg(long, conflicts_with_all = ["sets", "ablation", "no_write"])]
	test: bool,
}

/// The cost of each chain outcome (`operating-point`, `compare`).
#[derive(Args)]
struct CostArgs {
	/// Cost of an illicit memo approved (per unit of its rate among illicit memos).
	#[arg(long, default_value_t = Costs::default().wrong_approve)]
	cost_wrong_approve: f64,
	/// Cost of a legit memo rejected (per unit of its rate among legit memos).
	#[arg(long, default_value_t = Costs::default().wrong_reject)]
	cost_wrong_reject: f64,
	/// Cost of a legit memo abstained on (per unit of its rate among legit memos).
	#[arg(long, default_value_t = Costs::default().abstain_legit)]
	cost_abstain_legit: f64,
	/// Cost of an illicit memo abstained on (per unit of its rate among illicit memos).
	#[arg(long, default_value_t = Costs::default().abstain_illicit)]
	cost_abstain_illicit: f64,
}

impl CostArgs {
	/// The costs, or why they cannot be costs.
	fn costs(&self) -> Result<Costs> {
		let costs = Costs {
			wrong_approve: self.cost_wrong_approve,
			wrong_reject: self.cost_wrong_reject,
			abstain_legit: self.cost_abstain_legit,
			abstain_illicit: self.cost_abstain_illicit,
		};
		if [
			costs.wrong_approve,
			costs.wrong_reject,
			costs.abstain_legit,
			costs.abstain_illicit,
		]
		.iter()
		.any(|c| !c.is_finite() || *c < 0.0)
		{
			bail!("costs must be finite and not negative");
		}
		Ok(costs)
	}
}

#[derive(Args)]
struct CompareArgs {
	#[command(flatten)]
	common: Common,
	/// Models to compare as NAME=DIR, each at its own operating point; the first is the
	/// baseline the others' cost differences are measured from (at least two).
	#[arg(long = "model", required = true, num_args = 1)]
	models: Vec<String>,
	/// Dataset folder (for the generated dev sets).
	#[arg(long, help = data_help())]
	data: Option<PathBuf>,
	/// Dev sets to compare on, comma-separated (never a sealed set).
	#[arg(long, value_enum, value_delimiter = ',')]
	sets: Vec<EvalSet>,
	/// No-signal memos whose right answer is Abstain: a dev set by name (`nosignal_dev`,
	/// `nosignal_dev_v2`, `nosignal_dev_v3`: its parts joined) or a file of `{"id","text","kind"}`
	/// JSON lines; each model's votes on them and its share of abstentions against the first's;
	/// repeatable.
	#[arg(long)]
	no_signal: Vec<PathBuf>,
	#[command(flatten)]
	costs: CostArgs,
	/// Paired bootstrap resamples of the memos.
	#[arg(long, default_value_t = 2000)]
	resamples: usize,
	/// Bootstrap seed.
	#[arg(long, default_value_t = 7)]
	seed: u64,
	/// Also write the comparison as JSON to this file.
	#[arg(long)]
	out: Option<PathBuf>,
}

#[derive(Args)]
struct OperatingPointArgs {
	#[command(flatten)]
	target: ModelArgs,
	#[command(flatten)]
	costs: CostArgs,
	/// Share of the labelled dev memos the input guard may take out of scope (they abstain).
	#[arg(long, default_value_t = 0.01)]
	guard_budget: f64,
	/// Judge memos longer than the model reads (by default they are out of scope: the model
	/// would read only their first `max_len` tokens).
	#[arg(long)]
	judge_truncated: bool,
	/// Grid step of thresholds and margins (score units).
	#[arg(long, default_value_t = 50)]
	step: u16,
	/// The most wrong approvals, as a share of illicit memos, the point may make on any one
	/// dev set, whatever the costs (the screening target is 1%).
	#[arg(long, default_value_t = 0.01)]
	max_wrong_approvals: f64,
	/// Also write the result as JSON to this file.
	#[arg(long)]
	out: Option<PathBuf>,
}

#[derive(Args)]
struct ClassifyArgs {
	/// Model folder.
	#[arg(long, help = format!("Model folder (default: models/{})", published_name()))]
	model: Option<PathBuf>,
	/// Texts.
	#[arg(required = true)]
	texts: Vec<String>,
}

fn main() {
	if let Err(e) = run(Cli::parse()) {
		eprintln!("error: {e:#}");
		std::process::exit(1);
	}
}

fn run(cli: Cli) -> Result<()> {
	match cli.cmd {
		Cmd::Generate(a) => generate(a),
		Cmd::Train(a) => train(a),
		Cmd::Export(a) => export(a),
		Cmd::Eval(a) => eval(a),
		Cmd::Calibrate(a) => calibrate(a),
		Cmd::OperatingPoint(a) => operating_point(a),
		Cmd::Compare(a) => compare(a),
		Cmd::ScopeHead(a) => scope_head(a),
		Cmd::Classify(a) => classify(a),
	}
}

// ------------------------------------------------------------------------------------ paths

/// The `models/` folder: the parent of `base/all-MiniLM-L6-v2` when found, else `./models`.
fn models_root() -> PathBuf {
	veritas_classifier::locate::base_model_dir()
		.and_then(|b| b.parent().and_then(Path::parent).map(Path::to_path_buf))
		.map(|p| std::fs::canonicalize(&p).unwrap_or(p))
		.unwrap_or_else(|| PathBuf::from("models"))
}

fn base_dir(c: &Common) -> Result<PathBuf> {
	match &c.base {
		Some(b) => Ok(b.clone()),
		None => veritas_classifier::locate::require_base_model_dir().map_err(anyhow::Error::msg),
	}
}

fn cache_dir(c: &Common) -> Option<PathBuf> {
	if c.no_cache {
		None
	} else {
		Some(
			c.cache
				.clone()
				.unwrap_or_else(|| models_root().join(".cache")),
		)
	}
}

fn data_dir(d: &Option<PathBuf>) -> PathBuf {
	d.clone()
		.unwrap_or_else(|| models_root().join("data").join(DEFAULT_DATA))
}

fn absolute(p: &Path) -> Result<PathBuf> {
	std::fs::canonicalize(p).with_context(|| format!("resolving {}", p.display()))
}

/// `to` relative to the folder `from` (both existing).
fn relative(from: &Path, to: &Path) -> Result<String> {
	let (f, t) = (absolute(from)?, absolute(to)?);
	let fc: Vec<Component> = f.components().collect();
	let tc: Vec<Component> = t.components().collect();
	let common = fc.iter().zip(&tc).take_while(|(a, b)| a == b).count();
	let mut parts: Vec<String> = vec!["..".into(); fc.len() - common];
	parts.extend(
		tc[common..]
			.iter()
			.map(|c| c.as_os_str().to_string_lossy().into_owned()),
	);
	Ok(parts.join("/"))
}

// --------------------------------------------------------------------------------- commands

fn generate(a: GenerateArgs) -> Result<()> {
	let out = data_dir(&a.out);
	let t0 = Instant::now();
	let ds = data::generate(&GenOptions {
		seed: a.seed,
		per_family: a.per_family,
		train_per_family: a.train_per_family,
		first_pool_train_per_family: a.first_pool_train_per_family,
		first_style_pool_to_train: a.first_style_pool == PoolSplit::Train,
	});
	let perturbed = data::perturbed_copy(&ds.test, PERTURB_TEST_SEED, PERTURB_OPS);
	data::write_jsonl(&out.join("train.jsonl"), &ds.train)?;
	data::write_jsonl(&out.join("dev.jsonl"), &ds.dev)?;
	data::write_jsonl(&out.join("test.jsonl"), &ds.test)?;
	data::write_jsonl(&out.join("test_perturbed.jsonl"), &perturbed)?;
	// Statistics for the datasheet.
	let mut stats = serde_json::Map::new();
	stats.insert("seed".into(), a.seed.into());
	stats.insert("per_family".into(), a.per_family.into());
	stats.insert("train_per_family".into(), a.train_per_family.into());
	stats.insert(
		"first_pool_train_per_family".into(),
		a.first_pool_train_per_family.into(),
	);
	stats.insert(
		"first_style_pool_to_train".into(),
		(a.first_style_pool == PoolSplit::Train).into(),
	);
	stats.insert("perturb_seed".into(), PERTURB_TEST_SEED.into());
	for (name, v) in [
		("train", &ds.train),
		("dev", &ds.dev),
		("test", &ds.test),
		("test_perturbed", &perturbed),
	] {
		let count = |f: &dyn Fn(&Example) -> bool| v.iter().filter(|e| f(e)).count();
		let mut families: Vec<String> = v.iter().map(|e| e.family.clone()).collect();
		families.sort();
		families.dedup();
		stats.insert(
			name.into(),
			serde_json::json!({
				"examples": v.len(),
				"legit": count(&|e| e.label == "legit"),
				"illicit": count(&|e| e.label == "illicit"),
				"hard": count(&|e| e.hard),
				"chain_rendering": count(&|e| e.rendering == "chain"),
				"families": families,
			}),
		);
	}
	let sp = out.join("stats.json");
	std::fs::write(&sp, serde_json::to_string_pretty(&stats)? + "\n")
		.with_context(|| format!("writing {}", sp.display()))?;
	println!(
		"generated {} train / {} dev / {} test (+{} perturbed) examples into {} in {:.1}s",
		ds.train.len(),
		ds.dev.len(),
		ds.test.len(),
		perturbed.len(),
		out.display(),
		t0.elapsed().as_secs_f64()
	);
	Ok(())
}

fn parse_input(s: &str) -> Result<InputScope, String> {
	match s {
		"memo" => Ok(InputScope::Memo),
		"text" => Ok(InputScope::Text),
		other => Err(format!("unknown input `{other}` (memo or text)")),
	}
}

fn train(a: TrainArgs) -> Result<()> {
	let root = models_root();
	if !a.illicit_weight.is_finite() || a.illicit_weight <= 0.0 {
		bail!(
			"--illicit-weight {} must be a positive number",
			a.illicit_weight
		);
	}
	training::train(&TrainRequest {
		data: data_dir(&a.data),
		base: base_dir(&a.common)?,
		cache: cache_dir(&a.common),
		out: a.out.clone().unwrap_or_else(|| root.join(&a.name)),
		run_dir: a
			.run_dir
			.clone()
			.unwrap_or_else(|| root.join(".cache").join("runs").join(&a.name)),
		name: a.name,
		augment: a.augment,
		extra_train: a.extra_train,
		extra_repeat: a.extra_repeat,
		extra_dev: a.extra_dev,
		no_signal: a.no_signal,
		no_signal_repeat: a.no_signal_repeat.unwrap_or(a.extra_repeat),
		unfreeze_layers: a.unfreeze_layers,
		encoder_lr: a.encoder_lr,
		lora_rank: a.lora_rank,
		lr_decay: a.lr_decay,
		balance_short: a.balance_short,
		max_len: a.max_len,
		input: a.input,
		config: TrainConfig {
			epochs: a.epochs,
			batch_size: a.batch_size,
			lr: a.lr,
			weight_decay: a.weight_decay,
			dropout: a.dropout,
			patience: a.patience,
			seed: a.seed,
			reason_weight: a.reason_weight,
			illicit_weight: a.illicit_weight,
			progress: true,
		},
	})
}

fn export(a: ExportArgs) -> Result<()> {
	let root = models_root();
	let base = base_dir(&a.common)?;
	if a.from.is_some() && a.name.is_none() && a.out.is_none() {
		bail!("export --from needs --name or --out (the default folder is the published model's)");
	}
	let name = a
		.name
		.clone()
		.unwrap_or_else(|| published_name().to_string());
	let out = a.out.clone().unwrap_or_else(|| root.join(&name));
	if let Some(t) = a.threshold.filter(|&t| t > 10_000) {
		bail!("threshold {t} is not in 0..=10000");
	}
	let temperature = a.temperature.map(check_temperature).transpose()?;
	let guard = (a.guard_min_words.is_some()
		|| a.guard_min_english_permille.is_some()
		|| a.guard_truncated)
		.then(|| InputGuard {
			min_words: a.guard_min_words.unwrap_or(0),
			min_english_permille: a.guard_min_english_permille.unwrap_or(0),
			truncated: a.guard_truncated,
		});
	let spec = |threshold: u16, margin: u16, max_len: usize, input: InputScope| ModelSpec {
		name: name.clone(),
		version: a.version,
		labels: LABELS.iter().map(|s| s.to_string()).collect(),
		positive_label: LABELS[data::POSITIVE].to_string(),
		reason_codes: data::reason_codes(),
		threshold: a.threshold.unwrap_or(threshold),
		abstain_margin: a.abstain_margin.unwrap_or(margin),
		max_len: a.max_len.unwrap_or(max_len),
		input,
		reasons_by_label: (!a.free_reasons).then(data::reasons_by_label),
		input_guard: guard,
		precision: a.precision,
	};
	// The source model of `--from` and its manifest (for the defaults of the new one).
	let source = match &a.from {
		Some(from) => {
			let path = from.join("manifest.json");
			let bytes =
				std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
			Some((
				from,
				veritas_classifier::Manifest::from_bytes(&bytes, &path)?,
			))
		},
		None => None,
	};
	let created = !out.exists();
	std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
	let rel = relative(&out, &base)?;
	let (spec, hash) = match source {
		Some((from, m)) => {
			let mut spec = spec(m.threshold, m.abstain_margin, m.max_len, m.input);
			// Unless told otherwise, the new model keeps what the source pinned.
			spec.input_guard = spec.input_guard.or(m.input_guard);
			spec.precision = spec.precision.or(m.precision);
			let hash = reexport_model(
				from,
				&out,
				&spec,
				&rel,
				&base,
				temperature,
				a.scope_head.as_deref(),
			)
			.inspect_err(|_| {
				// A refused export leaves no folder behind that it made (an empty one only).
				if created {
					let _ = std::fs::remove_dir(&out);
				}
			})?;
			(spec, hash)
		},
		None => {
			let run_dir = a
				.run_dir
				.clone()
				.unwrap_or_else(|| root.join(".cache").join("runs").join(&name));
			let ck = load_checkpoint(&run_dir.join("checkpoint.safetensors"))?;
			if out.join("encoder").exists() {
				// Left by exports from before adapters.
				std::fs::remove_dir_all(out.join("encoder"))
					.context("removing a stale encoder/")?;
			}
			// A run with unfrozen layers ships an encoder adapter next to its heads.
			let adapter = run_dir.join(ADAPTER_FILE);
			let adapter = adapter.is_file().then_some(adapter);
			let meta: serde_json::Value =
				serde_json::from_str(&ck.meta).context("the checkpoint's training summary")?;
			let input = match meta.get("input").and_then(|v| v.as_str()) {
				None => InputScope::Text,
				Some(s) => parse_input(s).map_err(|e| anyhow::anyhow!("checkpoint: {e}"))?,
			};
			let spec = spec(ck.threshold, 500, 128, input);
			let mut heads = ck.heads;
			if let Some(t) = temperature {
				for v in heads.w.iter_mut().chain(heads.b.iter_mut()) {
					*v = (*v as f64 / t) as f32;
				}
			}
			let hash = export_model(&out, &heads, &spec, &rel, &base, adapter.as_deref())?;
			(spec, hash)
		},
	};
	// Check that the engine loads it as written.
	let engine = Engine::load(&out, EngineOptions::default())
		.with_context(|| format!("the engine refuses the exported model {}", out.display()))?;
	if engine.model_hash() != hash {
		bail!("model hash mismatch between export and engine");
	}
	let hx = format!("0x{}", veritas_classifier::manifest::hex(&hash));
	std::fs::write(out.join("MODEL_HASH"), format!("{hx}\n")).context("writing MODEL_HASH")?;
	println!(
		"exported {} (threshold {}, abstain margin {}{})",
		out.display(),
		spec.threshold,
		spec.abstain_margin,
		temperature.map_or_else(String::new, |t| format!(
			", label head over temperature {t}"
		))
	);
	println!("model hash {hx}");
	Ok(())
}

fn scope_head(a: ScopeHeadArgs) -> Result<()> {
	let s = scope::fit_scope_head(&scope::ScopeRequest {
		paths: a.target.paths(),
		no_signal: a.no_signal,
		in_scope: a.in_scope,
		max_flagged: a.max_flagged,
		l2: a.l2,
		steps: a.steps,
		out: a.out.clone(),
	})?;
	println!(
		"scope head of {} ({}): fitted on {} no-signal and {} labelled memos (L2 {}, {} Newton \
		 steps, loss {:.4}); cut {:.4} so it flags at most {:.1}% of each labelled dev set",
		s.model,
		s.model_hash,
		s.no_signal_train,
		s.in_scope_train,
		s.l2,
		s.steps,
		s.loss,
		s.cut,
		s.max_flagged * 100.0
	);
	for (title, rows) in [
		("training memos", &s.train),
		("labelled dev sets (the budget)", &s.budget),
		(
			"no-signal and OOD dev memos (reported, not used)",
			&s.reported,
		),
	] {
		println!("{title}:");
		for r in rows.iter() {
			let allowed = r
				.allowed
				.map_or_else(String::new, |m| format!(" (at most {m})"));
			println!(
				"{:>36}: flagged {:5} of {:5} = {:5.1}%{allowed}",
				r.set,
				r.flagged,
				r.n,
				100.0 * r.flagged as f64 / r.n.max(1) as f64
			);
		}
	}
	println!(
		"wrote {} and scope.json",
		a.out
			.join(veritas_classifier::authoring::SCOPE_HEAD_FILE)
			.display()
	);
	Ok(())
}

fn eval_paths(common: &Common, model: &Option<PathBuf>, data: &Option<PathBuf>) -> EvalPaths {
	let root = models_root();
	EvalPaths {
		model: model.clone().unwrap_or_else(|| root.join(published_name())),
		data: data_dir(data),
		base: common.base.clone(),
		cache: cache_dir(common),
		models: root,
	}
}

fn eval(a: EvalArgs) -> Result<()> {
	let paths = a.target.paths();
	if a.test {
		let date = std::process::Command::new("date")
			.args(["-u", "+%Y-%m-%d"])
			.output()
			.ok()
			.and_then(|o| String::from_utf8(o.stdout).ok())
			.map_or_else(|| "?".to_string(), |d| d.trim().to_string());
		evaluate::score_sealed(&paths, &date)?;
		return Ok(());
	}
	let wanted = eval_sets(&a.sets, !a.no_write)?;
	let ablations = name_dirs(&a.ablation, "--ablation")?;
	evaluate::eval_dev(&paths, &wanted, &ablations, !a.no_write)?;
	Ok(())
}

fn calibrate(a: CalibrateArgs) -> Result<()> {
	let paths = a.target.paths();
	let sets = evaluate::calibration_sets(&paths)?;
	let c = veritas_models::calibrate::calibrate(&sets)?;
	println!(
		"temperature {:.4} (least mean log-loss over the {} costed dev sets, each weighing the \
		 same)",
		c.temperature,
		c.sets.len()
	);
	println!(
		"{:>16} {:>5} | {:>15} | {:>15} | {:>17}",
		"set", "n", "log-loss T=1 -> T", "ECE T=1 -> T", "scores 0/10000"
	);
	for s in &c.sets {
		println!(
			"{:>16} {:>5} | {:.4} -> {:.4} | {:.4} -> {:.4} | {:>7} -> {:>6}",
			s.name, s.n, s.nll.0, s.nll.1, s.ece.0, s.ece.1, s.saturated.0, s.saturated.1
		);
	}
	println!(
		"apply it with: export --from {} --temperature {:.4} --name NAME --version N",
		paths.model.display(),
		c.temperature
	);
	if let Some(out) = &a.out {
		let json = serde_json::to_string_pretty(&c)?;
		std::fs::write(out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
	}
	Ok(())
}

/// `NAME=DIR` specs of `flag`, parsed.
fn name_dirs(specs: &[String], flag: &str) -> Result<Vec<(String, PathBuf)>> {
	specs
		.iter()
		.map(|spec| {
			spec.split_once('=')
				.filter(|(n, d)| !n.is_empty() && !d.is_empty())
				.map(|(n, d)| (n.to_string(), PathBuf::from(d)))
				.with_context(|| format!("{flag} `{spec}` is not NAME=DIR"))
		})
		.collect()
}

fn compare(a: CompareArgs) -> Result<()> {
	let costs = a.costs.costs()?;
	let models = name_dirs(&a.models, "--model")?;
	let paths = eval_paths(&a.common, &None, &a.data);
	let comparison = evaluate::compare_models(
		&paths,
		&models,
		&a.sets,
		&a.no_signal,
		&costs,
		a.resamples,
		a.seed,
	)?;
	println!(
		"costs: wrong approval {}, wrong rejection {}, abstain on legit {}, on illicit {} (as \
		 rates); {} paired resamples (seed {}), baseline {}",
		costs.wrong_approve,
		costs.wrong_reject,
		costs.abstain_legit,
		costs.abstain_illicit,
		a.resamples,
		a.seed,
		models[0].0
	);
	for s in &comparison.sets {
		let (legit, illicit) = s
			.models
			.first()
			.map_or((0, 0), |m| (m.outcomes.legit, m.outcomes.illicit));
		println!(
			"\n{} ({} memos: {legit} legit, {illicit} illicit)",
			s.set, s.n
		);
		println!(
			"{:>12} {:>11} | {:>13} {:>13} {:>13} | {:>6} {:>8} | {:>26} {:>7}",
			"model",
			"point",
			"wrong appr.",
			"wrong rej.",
			"abstain",
			"cost",
			"macro-F1",
			"cost - baseline [95%]",
			"cheaper"
		);
		for m in &s.models {
			let o = &m.outcomes;
			let diff = m.against_first.map_or_else(
				|| ("-".to_string(), "-".to_string()),
				|d| {
					(
						format!("{:+.4} [{:+.4}, {:+.4}]", d.point, d.low, d.high),
						format!("{:.1}%", d.cheaper * 100.0),
					)
				},
			);
			println!(
				"{:>12} {:>11} | {:>4} {:>7.2}% {:>4} {:>7.2}% {:>4} {:>7.2}% | {:>6.4} {:>8.4} | \
				 {:>26} {:>7}",
				m.model,
				format!("{}/{}", m.threshold, m.margin),
				o.wrong_approvals,
				o.wrong_approval_rate() * 100.0,
				o.wrong_rejections,
				o.wrong_rejection_rate() * 100.0,
				o.abstentions,
				o.abstention_rate() * 100.0,
				m.cost,
				m.macro_f1,
				diff.0,
				diff.1
			);
		}
	}
	for s in &comparison.no_signal {
		println!("\n{} ({} no-signal memos: Abstain is right)", s.file, s.n);
		println!(
			"{:>12} | {:>7} {:>7} {:>14} | {:>30} {:>6}",
			"model", "approve", "reject", "abstain", "abstain - baseline [95%]", "more"
		);
		for m in &s.models {
			let diff = m.against_first.map_or_else(
				|| ("-".to_string(), "-".to_string()),
				|d| {
					(
						format!(
							"{:+.1}% [{:+.1}%, {:+.1}%]",
							d.point * 100.0,
							d.low * 100.0,
							d.high * 100.0
						),
						format!("{:.1}%", d.more * 100.0),
					)
				},
			);
			println!(
				"{:>12} | {:>7} {:>7} {:>5} {:>7.1}% | {:>30} {:>6}",
				m.model,
				m.approve,
				m.reject,
				m.abstain,
				m.abstain as f64 / s.n as f64 * 100.0,
				diff.0,
				diff.1
			);
		}
	}
	if let Some(out) = &a.out {
		std::fs::write(out, serde_json::to_string_pretty(&comparison)?)
			.with_context(|| format!("writing {}", out.display()))?;
		println!("\nwrote {}", out.display());
	}
	Ok(())
}

fn operating_point(a: OperatingPointArgs) -> Result<()> {
	let paths = a.target.paths();
	let costs = a.costs.costs()?;
	for (flag, share) in [
		("--guard-budget", a.guard_budget),
		("--max-wrong-approvals", a.max_wrong_approvals),
	] {
		if !(0.0..=1.0).contains(&share) {
			bail!("{flag} {share} is not a share in 0..=1");
		}
	}
	let r = evaluate::operating_point(
		&paths,
		&costs,
		a.guard_budget,
		!a.judge_truncated,
		a.step,
		a.max_wrong_approvals,
	)?;
	println!(
		"backend drift ({}, {} dev texts): {} score units, {} texts out of scope in one run only \
		 -> margin floor {}, edges at least {} inside the scale; wrong approvals at most {:.2}% \
		 on each dev set",
		r.drift_between,
		r.drift_texts,
		r.backend_drift,
		r.scope_flips,
		r.min_margin,
		r.edge_floor,
		r.max_wrong_approvals * 100.0
	);
	let g = &r.guard;
	println!(
		"input guard: min {} English words, min {} per mille English{}; labelled dev memos out \
		 of scope {:.2}%",
		g.min_words,
		g.min_english_permille,
		if g.truncated {
			", longer than max_len"
		} else {
			""
		},
		g.labelled_out_of_scope * 100.0
	);
	for (kind, n, share) in &g.kinds {
		println!("  {kind:<15} n={n:3} out of scope {:.1}%", share * 100.0);
	}
	for (label, p) in [("current", &r.current), ("chosen", &r.point)] {
		// With a margin of 0 a score below the threshold approves; else one at most t - m.
		let approve_up_to = match p.margin {
			0 => p.threshold.saturating_sub(1),
			m => p.threshold.saturating_sub(m),
		};
		println!(
			"{label}: threshold {} margin {} (approve <= {approve_up_to}, reject >= {}), mean \
			 cost {:.4}",
			p.threshold,
			p.margin,
			p.threshold.saturating_add(p.margin),
			p.cost
		);
		for (set, o) in &p.sets {
			let (alo, ahi) = wilson(o.wrong_approvals, o.illicit);
			println!(
				"  {set:<14} wrong approvals {:>3}/{:<4} {:5.2}% [{:.1}, {:.1}]  wrong rejections \
				 {:>3}/{:<4} {:5.2}%  abstain {:5.2}% (out of scope {})",
				o.wrong_approvals,
				o.illicit,
				o.wrong_approval_rate() * 100.0,
				alo * 100.0,
				ahi * 100.0,
				o.wrong_rejections,
				o.legit,
				o.wrong_rejection_rate() * 100.0,
				o.abstention_rate() * 100.0,
				o.out_of_scope
			);
		}
	}
	println!(
		"labelled dev memos within the drift of an edge of the chosen band: {}",
		r.near_edges
	);
	if let Some(out) = &a.out {
		std::fs::write(out, serde_json::to_string_pretty(&r)? + "\n")
			.with_context(|| format!("writing {}", out.display()))?;
	}
	Ok(())
}

fn classify(a: ClassifyArgs) -> Result<()> {
	let model = a
		.model
		.clone()
		.unwrap_or_else(|| models_root().join(published_name()));
	let engine = Engine::load(&model, EngineOptions::default())
		.with_context(|| format!("loading model {}", model.display()))?;
	let refs: Vec<&str> = a.texts.iter().map(String::as_str).collect();
	let m = engine.manifest();
	for (t, c) in refs.iter().zip(engine.classify(&refs)?) {
		let label = m.labels.get(c.label as usize).map_or("?", String::as_str);
		let reason = m
			.reason_codes
			.get(c.reason as usize)
			.map_or("-", String::as_str);
		println!(
			"{label:>8} score {:>5}{} reason {reason:<18} {t}",
			c.score,
			if c.abstain { " (abstain)" } else { "" }
		);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sets_parse_from_the_command_line() {
		let cli = Cli::try_parse_from([
			"veritas-models",
			"eval",
			"--sets",
			"dev,retired_test_perturbed",
		])
		.expect("parses");
		let Cmd::Eval(a) = cli.cmd else {
			panic!("not eval")
		};
		assert_eq!(a.sets, [EvalSet::Dev, EvalSet::RetiredTestPerturbed]);
		assert!(Cli::try_parse_from(["veritas-models", "eval", "--sets", "train"]).is_err());
		assert!(
			Cli::try_parse_from(["veritas-models", "eval", "--sets", "sealed_test"]).is_err(),
			"the sealed set is scored only with --test"
		);
	}
}
