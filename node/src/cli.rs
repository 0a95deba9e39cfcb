//! Command-line arguments: the standard Substrate node CLI, plus the classifier's options.

use std::path::PathBuf;
use veritas_classifier::DeviceKind;

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (prefer `export-chain-spec`, which needs no database).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Sub-commands concerned with benchmarking (build with `--features runtime-benchmarks`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; without one the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of the running node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Options of the classifier the validator votes with.
	#[clap(flatten)]
	pub classifier: ClassifierParams,
}

/// The published model this binary was built with (`models/PUBLISHED` of its checkout).
pub const PUBLISHED_MODEL_DIR: &str = env!("VERITAS_PUBLISHED_MODEL_DIR");

/// How the validator classifies pending cases (its off-chain worker votes with this model).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Classifier")]
pub struct ClassifierParams {
	/// The model directory to classify with (`manifest.json` and the files it names). Default:
	/// the published model of the checkout this node was built from (`models/PUBLISHED`). Votes
	/// are cast only while its hash equals the chain's active model.
	#[arg(long, value_name = "DIR")]
	pub model_dir: Option<PathBuf>,

	/// The device the classifier runs on: `cpu`, `cuda` or `cuda:N` (CUDA needs a node built
	/// with `--features cuda`).
	#[arg(long, value_name = "DEVICE", default_value = "cpu")]
	pub ml_device: DeviceKind,

	/// Threads of the classifier's pool. Default: the number of CPUs.
	#[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
	pub ml_threads: Option<u16>,

	/// Author, import and finalize blocks, but load no model and cast no votes.
	#[arg(long)]
	pub no_vote: bool,

	/// Fault injection (test builds only): vote the opposite of what the model says, as a
	/// Byzantine validator would.
	#[cfg(feature = "fault-injection")]
	#[arg(long)]
	pub fault_invert_votes: bool,
}

impl ClassifierParams {
	/// The model directory to load.
	pub fn model_dir(&self) -> PathBuf {
		self.model_dir
			.clone()
			.unwrap_or_else(|| PathBuf::from(PUBLISHED_MODEL_DIR))
	}

	/// The pool size.
	pub fn threads(&self) -> usize {
		self.ml_threads.map(usize::from).unwrap_or_else(|| {
			std::thread::available_parallelism()
				.map(|n| n.get())
				.unwrap_or(1)
		})
	}
}
