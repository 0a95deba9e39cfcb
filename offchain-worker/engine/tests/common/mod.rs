//! Shared helpers of the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use veritas_classifier::{
	authoring::{write_demo_model, ModelSpec},
	locate, EngineOptions,
};

/// The base encoder folder; FAILS (never skips) when the files were not fetched.
pub fn base_dir() -> PathBuf {
	match locate::require_base_model_dir() {
		Ok(d) => d,
		Err(msg) => panic!("{msg}"),
	}
}

/// The shared benchmark folder; fails when absent.
pub fn bench_dir() -> PathBuf {
	locate::bench_dir().unwrap_or_else(|| {
		panic!("bench-data/ not found (offchain-worker/engine/bench-data); set VERITAS_BENCH_DIR")
	})
}

/// The first `n` texts of the benchmark corpus.
pub fn corpus(n: usize) -> Vec<String> {
	let raw = std::fs::read_to_string(bench_dir().join("corpus.jsonl")).expect("corpus");
	raw.lines()
		.take(n)
		.map(|l| {
			serde_json::from_str::<serde_json::Value>(l).expect("json")["text"]
				.as_str()
				.expect("text")
				.to_string()
		})
		.collect()
}

/// One reference item.
pub struct RefItem {
	pub text: String,
	pub ids: Vec<u32>,
	pub embedding: Vec<f32>,
}

pub fn reference() -> Vec<RefItem> {
	let path = bench_dir().join("reference_embeddings.json");
	let raw = std::fs::read_to_string(&path).expect("read reference_embeddings.json");
	let v: serde_json::Value = serde_json::from_str(&raw).expect("parse reference json");
	let items = v["items"].as_array().expect("items array");
	items
		.iter()
		.map(|it| RefItem {
			text: it["text"].as_str().expect("text").to_string(),
			ids: it["input_ids"]
				.as_array()
				.expect("input_ids")
				.iter()
				.map(|x| x.as_u64().expect("id") as u32)
				.collect(),
			embedding: it["embedding"]
				.as_array()
				.expect("embedding")
				.iter()
				.map(|x| x.as_f64().expect("f") as f32)
				.collect(),
		})
		.collect()
}

pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
	assert_eq!(a.len(), b.len(), "embedding widths differ");
	let (mut ab, mut aa, mut bb) = (0f64, 0f64, 0f64);
	for (&x, &y) in a.iter().zip(b) {
		ab += x as f64 * y as f64;
		aa += x as f64 * x as f64;
		bb += y as f64 * y as f64;
	}
	ab / (aa.sqrt() * bb.sqrt())
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
	a.iter()
		.zip(b)
		.map(|(x, y)| (x - y).abs())
		.fold(0.0, f32::max)
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
	pub fn new(tag: &str) -> Self {
		static N: AtomicUsize = AtomicUsize::new(0);
		let p = std::env::temp_dir().join(format!(
			"veritas-classifier-test-{}-{tag}-{}",
			std::process::id(),
			N.fetch_add(1, Ordering::SeqCst)
		));
		let _ = std::fs::remove_dir_all(&p);
		std::fs::create_dir_all(&p).expect("create temp dir");
		TempDir(p)
	}
	pub fn path(&self) -> &Path {
		&self.0
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

/// Writes a demo model into a fresh temp dir; the manifest lists the encoder files as
/// `../base/all-MiniLM-L6-v2/*` (so loading needs `base_dir` = the real base folder).
pub fn demo_model(tag: &str, spec: &ModelSpec, seed: u64) -> TempDir {
	let dir = TempDir::new(tag);
	write_demo_model(
		dir.path(),
		spec,
		"../base/all-MiniLM-L6-v2",
		&base_dir(),
		seed,
	)
	.expect("write demo model");
	dir
}

pub fn opts() -> EngineOptions {
	EngineOptions {
		base_dir: Some(base_dir()),
		..Default::default()
	}
}
