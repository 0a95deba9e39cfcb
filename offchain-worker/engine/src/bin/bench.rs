//! Throughput benchmark of the encoder on the shared corpus (raw text in, pooled embedding out,
//! tokenization included). The first line names the CPU, its SIMD features and the kernels the
//! fast backend dispatches to (`{"event": "cpu", ...}`). Then one JSON line per (backend, order,
//! batch size):
//! `{"backend": "candle-cpu", "batch": 32, "max_len": 128, "texts_per_s": .., "ms_per_text": ..}`
//! plus one `{"event": "loaded", ...}` line per backend with the process RSS after loading.

use anyhow::{bail, Context, Result};
use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;
use veritas_classifier::{locate, Backend, Encoder, EngineOptions, Isa, Precision};

#[derive(Parser)]
#[command(about = "Encoder throughput on the benchmark corpus (bench-data/corpus.jsonl)")]
struct Args {
	/// corpus.jsonl (default: $VERITAS_BENCH_DIR/corpus.jsonl, else the engine's bench-data/).
	#[arg(long)]
	corpus: Option<PathBuf>,
	/// Base encoder folder (default: models/base/all-MiniLM-L6-v2 found by walking up).
	#[arg(long)]
	base_dir: Option<PathBuf>,
	/// Backends to measure: candle, fast (comma separated).
	#[arg(long, default_value = "candle,fast", value_delimiter = ',')]
	backends: Vec<Backend>,
	/// Precisions of the fast backend's linear layers to measure: f32, int8 (comma separated;
	/// the candle backend runs f32 only).
	#[arg(long, default_value = "f32", value_delimiter = ',')]
	precisions: Vec<Precision>,
	/// Instruction set of the fast backend's element-wise kernels: portable, avx2, avx512
	/// (default: the best this CPU has).
	#[arg(long)]
	isa: Option<Isa>,
	/// Batch sizes.
	#[arg(long, default_value = "1,8,32,64", value_delimiter = ',')]
	batches: Vec<usize>,
	/// Timed passes over the corpus per measurement (the median is reported).
	#[arg(long, default_value_t = 3)]
	passes: usize,
	/// Worker threads (default: RAYON_NUM_THREADS or all CPUs).
	#[arg(long)]
	threads: Option<usize>,
	/// Truncation length.
	#[arg(long, default_value_t = 128)]
	max_len: usize,
	/// Measure only the first N texts of the corpus.
	#[arg(long)]
	limit: Option<usize>,
}

fn rss_mb() -> Option<f64> {
	let s = std::fs::read_to_string("/proc/self/status").ok()?;
	let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
	let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
	Some(kb / 1024.0)
}

fn main() -> Result<()> {
	let args = Args::parse();
	let cpu = veritas_classifier::fast::cpu_report();
	println!(
		"{}",
		serde_json::json!({
			"event": "cpu", "model": cpu.model, "features": cpu.features,
			"kernels": cpu.kernels, "int8_kernel": cpu.int8_kernel,
		})
	);
	let corpus_path = match args.corpus {
		Some(p) => p,
		None => locate::bench_dir()
			.context("bench-data/corpus.jsonl not found; pass --corpus or set VERITAS_BENCH_DIR")?
			.join("corpus.jsonl"),
	};
	let raw = std::fs::read_to_string(&corpus_path)
		.with_context(|| format!("reading {}", corpus_path.display()))?;
	let mut texts: Vec<String> = Vec::new();
	for line in raw.lines().filter(|l| !l.trim().is_empty()) {
		let v: serde_json::Value = serde_json::from_str(line)?;
		match v.get("text").and_then(|t| t.as_str()) {
			Some(t) => texts.push(t.to_string()),
			None => bail!("corpus line without \"text\": {line}"),
		}
	}
	if let Some(n) = args.limit {
		texts.truncate(n);
	}
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	let base = match args.base_dir {
		Some(d) => d,
		None => locate::require_base_model_dir().map_err(anyhow::Error::msg)?,
	};

	let runs = args.backends.iter().flat_map(|&backend| {
		let precisions = match backend {
			Backend::Candle => vec![Precision::F32],
			_ => args.precisions.clone(),
		};
		precisions.into_iter().map(move |p| (backend, p))
	});
	for (backend, precision) in runs {
		let opts = EngineOptions {
			threads: args.threads,
			backend,
			precision,
			isa: args.isa,
			..Default::default()
		};
		let rss_before = rss_mb();
		let t0 = Instant::now();
		let enc = Encoder::load_dir(&base, args.max_len, &opts)?;
		let name = match precision {
			Precision::F32 => enc.backend_name().to_string(),
			p => format!("{}-{}", enc.backend_name(), p.name()),
		};
		println!(
			"{}",
			serde_json::json!({
				"event": "loaded", "backend": name, "kernels": enc.kernels(),
				"load_s": t0.elapsed().as_secs_f64(),
				"rss_mb_before_load": rss_before, "rss_mb_after_load": rss_mb(),
				"threads": enc.threads(), "texts": texts.len(),
			})
		);
		for sorted in [false, true] {
			for &b in &args.batches {
				let run = || -> Result<()> {
					if sorted {
						enc.embed_with(&refs, b, true)?;
					} else {
						for chunk in refs.chunks(b) {
							enc.embed_with(chunk, b, false)?;
						}
					}
					Ok(())
				};
				run()?; // warm-up
				let mut times: Vec<f64> = Vec::new();
				for _ in 0..args.passes.max(1) {
					let t = Instant::now();
					run()?;
					times.push(t.elapsed().as_secs_f64());
				}
				times.sort_by(f64::total_cmp);
				let median = times[times.len() / 2];
				let tps = texts.len() as f64 / median;
				let label = if sorted {
					format!("{name}-sorted")
				} else {
					name.clone()
				};
				println!(
					"{}",
					serde_json::json!({
						"backend": label, "batch": b, "max_len": args.max_len,
						"texts_per_s": (tps * 10.0).round() / 10.0,
						"ms_per_text": (1000.0 / tps * 100.0).round() / 100.0,
					})
				);
			}
		}
		println!(
			"{}",
			serde_json::json!({"event": "done", "backend": name, "rss_mb": rss_mb()})
		);
		drop(enc);
	}
	Ok(())
}
