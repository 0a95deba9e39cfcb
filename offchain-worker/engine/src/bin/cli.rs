//! `veritas-classifier`: model hash, classification and embeddings from the command line.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use veritas_classifier::{
	authoring::{write_demo_model, ModelSpec},
	drift::{self, RunSpec},
	locate, manifest, Backend, DeviceKind, Encoder, Engine, EngineOptions, Isa, Precision,
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
	/// Precision of the fast backend's linear layers: f32 or int8.
	#[arg(long, default_value = "f32")]
	precision: Precision,
	/// Instruction set of the fast backend's element-wise kernels: portable, avx2, avx512
	/// (default: the best this CPU has).
	#[arg(long)]
	isa: Option<Isa>,
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
			precision: self.precision,
			isa: self.isa,
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
	/// Classify texts; prints one JSON object per text (with its `id` when read from --input).
	Classify {
		/// Model directory.
		dir: PathBuf,
		/// Texts.
		#[arg(required_unless_present = "input")]
		texts: Vec<String>,
		/// Read the texts from this file (`-`: stdin): JSON lines with `text` (and optional
		/// `id`), or plain lines, one text each.
		#[arg(long, conflicts_with = "texts")]
		input: Option<PathBuf>,
		#[command(flatten)]
		opts: Opts,
	},
	/// Run one model several ways (backends, precisions, instruction sets) over the same texts
	/// and report, per way, how far its scores drift from the first one's, the votes that
	/// change, and macro-F1 when the texts carry a `label`; one JSON line per way.
	Drift {
		/// Model directory.
		dir: PathBuf,
		/// Texts, as for `classify --input` (`label`: a label name of the model).
		#[arg(long)]
		input: PathBuf,
		/// Ways to run, `backend[-precision][@isa]`; the first is the reference.
		#[arg(long, value_delimiter = ',', default_value = "fast,fast-int8,candle")]
		runs: Vec<RunSpec>,
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
		Cmd::Classify {
			dir,
			texts,
			input,
			opts,
		} => {
			let engine = Engine::load(&dir, opts.engine_options())
				.with_context(|| format!("loading {}", dir.display()))?;
			let inputs = match &input {
				Some(path) => read_inputs(path)?,
				None => texts
					.into_iter()
					.map(|text| Input {
						id: None,
						text,
						label: None,
					})
					.collect(),
			};
			let refs: Vec<&str> = inputs.iter().map(|i| i.text.as_str()).collect();
			let m = engine.manifest();
			for (i, c) in inputs.iter().zip(engine.classify(&refs)?) {
				let mut line = serde_json::json!({
					"text": i.text,
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
				if let Some(id) = &i.id {
					line["id"] = id.clone();
				}
				println!("{line}");
			}
			eprintln!("model_hash 0x{}", manifest::hex(&engine.model_hash()));
		},
		Cmd::Drift {
			dir,
			input,
			runs,
			opts,
		} => drift_cmd(&dir, &input, &runs, &opts)?,
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

/// One text to classify, as read by `--input`.
struct Input {
	/// The `id` of a JSON line (any JSON value), or the line number of a plain line.
	id: Option<serde_json::Value>,
	text: String,
	/// The `label` of a JSON line.
	label: Option<String>,
}

/// Reads `path` (`-`: stdin): each non-empty line a JSON object with a string `text` (and
/// optional `id`, `label`), or else a plain text.
fn read_inputs(path: &std::path::Path) -> Result<Vec<Input>> {
	let stdin = path.as_os_str() == "-";
	let name = if stdin {
		"<stdin>".to_string()
	} else {
		path.display().to_string()
	};
	let raw = if stdin {
		std::io::read_to_string(std::io::stdin()).context("reading stdin")?
	} else {
		std::fs::read_to_string(path).with_context(|| format!("reading {name}"))?
	};
	let mut out = Vec::new();
	for (n, line) in raw.lines().enumerate() {
		if line.trim().is_empty() {
			continue;
		}
		let input = match serde_json::from_str::<serde_json::Value>(line) {
			Ok(serde_json::Value::Object(o)) => {
				let text = o.get("text").and_then(|t| t.as_str()).with_context(|| {
					format!("{name}:{}: a JSON line without a string \"text\"", n + 1)
				})?;
				Input {
					id: Some(o.get("id").cloned().unwrap_or((n + 1).into())),
					text: text.to_string(),
					label: o.get("label").and_then(|l| l.as_str()).map(str::to_string),
				}
			},
			_ => Input {
				id: Some((n + 1).into()),
				text: line.to_string(),
				label: None,
			},
		};
		out.push(input);
	}
	Ok(out)
}

fn drift_cmd(
	dir: &std::path::Path,
	input: &std::path::Path,
	runs: &[RunSpec],
	opts: &Opts,
) -> Result<()> {
	let inputs = read_inputs(input)?;
	let refs: Vec<&str> = inputs.iter().map(|i| i.text.as_str()).collect();
	let base = opts.engine_options();
	let mut reference = None;
	for spec in runs {
		let engine = Engine::load(dir, spec.apply(&base))
			.with_context(|| format!("loading {} as {spec}", dir.display()))?;
		let m = engine.manifest();
		// Gold labels when every text has one.
		let gold: Option<Vec<u8>> = match inputs.iter().all(|i| i.label.is_some()) {
			false => None,
			true => Some(
				inputs
					.iter()
					.map(|i| {
						let l = i.label.as_deref().unwrap_or_default();
						match m.labels.iter().position(|x| x == l) {
							Some(p) => Ok(p as u8),
							None => Err(anyhow::anyhow!(
								"text {}: label `{l}` is not one of the model's labels {:?}",
								i.id.clone().unwrap_or_default(),
								m.labels
							)),
						}
					})
					.collect::<Result<_>>()?,
			),
		};
		let t = std::time::Instant::now();
		let out = engine.classify(&refs)?;
		let secs = t.elapsed().as_secs_f64();
		let reference = reference.get_or_insert_with(|| out.clone());
		let d = drift::compare(
			reference,
			&out,
			m.abstain_margin,
			gold.as_deref().map(|g| (g, m.labels.len())),
		);
		let mut line = serde_json::to_value(&d)?;
		line["run"] = spec.to_string().into();
		line["kernels"] = engine.encoder().kernels().into();
		line["abstain_margin"] = m.abstain_margin.into();
		line["texts_per_s"] = ((inputs.len() as f64 / secs * 10.0).round() / 10.0).into();
		println!("{line}");
	}
	Ok(())
}
