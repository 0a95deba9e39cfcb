//! `veritas-classifier`: model hash, classification and embeddings from the command line.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use veritas_classifier::{
	authoring::{write_demo_model, ModelSpec},
	locate, manifest, Backend, DeviceKind, Encoder, Engine, EngineOptions,
};

#[derive(Parser)]
#[command(
	name = "veritas-classifier",
	version,
	about = "Veritas transaction classifier engine"
)]
struct Cli {
	#[command(subcommand)]
	cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct Opts {
	/// Folder of the base encoder files; overrides the manifest's encoder paths.
	#[arg(long)]
	base_dir: Option<PathBuf>,
	/// cpu, cuda or cuda:N.
	#[arg(long, default_value = "cpu")]
	device: DeviceKind,
	/// Worker threads (default: RAYON_NUM_THREADS or all CPUs).
	#[arg(long)]
	threads: Option<usize>,
	/// auto, candle or fast.
	#[arg(long, default_value = "auto")]
	backend: Backend,
	/// Texts per forward pass.
	#[arg(long, default_value_t = 32)]
	batch_size: usize,
}

impl Opts {
	fn engine_options(&self) -> EngineOptions {
		EngineOptions {
			device: self.device,
			threads: self.threads,
			batch_size: self.batch_size,
			sort_by_length: true,
			base_dir: self.base_dir.clone(),
			backend: self.backend,
			thread_wrapper: None,
		}
	}
}

#[derive(Subcommand)]
enum Cmd {
	/// Print the model hash (SHA-256 over the manifest and every file it names).
	Hash {
		/// Model directory (holding manifest.json).
		dir: PathBuf,
		/// Folder of the base encoder files.
		#[arg(long)]
		base_dir: Option<PathBuf>,
	},
	/// Classify texts; prints one JSON object per text.
	Classify {
		/// Model directory.
		dir: PathBuf,
		/// Texts.
		#[arg(required = true)]
		texts: Vec<String>,
		#[command(flatten)]
		opts: Opts,
	},
	/// Print mean-pooled (not normalised) embeddings, one JSON array per text.
	Embed {
		/// Texts.
		#[arg(required = true)]
		texts: Vec<String>,
		/// Use this model directory's (verified) encoder instead of the bare base encoder.
		#[arg(long)]
		model: Option<PathBuf>,
		/// Truncation length for the bare base encoder.
		#[arg(long, default_value_t = 128)]
		max_len: usize,
		#[command(flatten)]
		opts: Opts,
	},
	/// Write an untrained demo model (pseudo-random head) for smoke tests of a node.
	DemoModel {
		/// Output model directory.
		dir: PathBuf,
		/// Path from the model directory to the base encoder folder, as written in the manifest.
		#[arg(long, default_value = "../base/all-MiniLM-L6-v2")]
		encoder_rel: String,
		/// Where the base encoder files are now (for their digests).
		#[arg(long)]
		base_dir: Option<PathBuf>,
		/// Seed of the pseudo-random head.
		#[arg(long, default_value_t = 1)]
		seed: u64,
	},
}

fn main() -> Result<()> {
	match Cli::parse().cmd {
		Cmd::Hash { dir, base_dir } => {
			let h = manifest::model_hash(&dir, base_dir.as_deref())?;
			println!("0x{}", manifest::hex(&h));
		},
		Cmd::Classify { dir, texts, opts } => {
			let engine = Engine::load(&dir, opts.engine_options())
				.with_context(|| format!("loading {}", dir.display()))?;
			let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
			let m = engine.manifest();
			for (t, c) in texts.iter().zip(engine.classify(&refs)?) {
				let line = serde_json::json!({
					"text": t,
					"label": c.label,
					"label_name": m.labels.get(c.label as usize),
					"score": c.score,
					"reason": c.reason,
					"reason_name": m.reason_codes.get(c.reason as usize),
					"abstain": c.abstain,
					"truncated": c.flags.truncated,
					"lossy_utf8": c.flags.lossy_utf8,
					"empty": c.flags.empty,
				});
				println!("{line}");
			}
			eprintln!("model_hash 0x{}", manifest::hex(&engine.model_hash()));
		},
		Cmd::Embed {
			texts,
			model,
			max_len,
			opts,
		} => {
			let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
			let embs = match model {
				Some(dir) => Engine::load(&dir, opts.engine_options())?.embed(&refs)?,
				None => {
					let base = match &opts.base_dir {
						Some(d) => d.clone(),
						None => locate::require_base_model_dir().map_err(anyhow::Error::msg)?,
					};
					Encoder::load_dir(&base, max_len, &opts.engine_options())?.embed(&refs)?
				},
			};
			for e in embs {
				println!("{}", serde_json::to_string(&e)?);
			}
		},
		Cmd::DemoModel {
			dir,
			encoder_rel,
			base_dir,
			seed,
		} => {
			let base = match base_dir {
				Some(d) => d,
				None => dir.join(&encoder_rel),
			};
			let m = write_demo_model(&dir, &ModelSpec::default(), &encoder_rel, &base, seed)?;
			println!("wrote {} (model {} v{})", dir.display(), m.name, m.version);
			println!(
				"0x{}",
				manifest::hex(&manifest::model_hash(&dir, Some(&base))?)
			);
		},
	}
	Ok(())
}
