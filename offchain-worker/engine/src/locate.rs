//! Finding the repository's data folders from tests, benchmarks and the CLI.

use std::path::{Path, PathBuf};

/// Default location of the base encoder, relative to the repository root.
pub const BASE_MODEL_REL: &str = "models/base/all-MiniLM-L6-v2";

/// The benchmark and numerics fixtures (corpus, reference embeddings), in this crate.
pub const BENCH_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bench-data");

fn starts() -> Vec<PathBuf> {
	let mut v = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
	if let Ok(cwd) = std::env::current_dir() {
		v.push(cwd);
	}
	if let Ok(exe) = std::env::current_exe() {
		if let Some(dir) = exe.parent() {
			v.push(dir.to_path_buf());
		}
	}
	v
}

/// Walks up from `start` and returns the first `ancestor/rel` (or sibling `ancestor/../rel`)
/// for which `ok` holds.
pub fn find_up(start: &Path, rel: &str, ok: impl Fn(&Path) -> bool) -> Option<PathBuf> {
	for a in start.ancestors() {
		for cand in [a.join(rel), a.join("..").join(rel)] {
			if ok(&cand) {
				return Some(cand);
			}
		}
	}
	None
}

/// The benchmark folder (`corpus.jsonl`, `reference_embeddings.json`): `$VERITAS_BENCH_DIR`,
/// else this crate's `bench-data/` (where the checkout it was built from keeps them), else
/// `offchain-worker/engine/bench-data` found walking up from the working directory or the binary.
pub fn bench_dir() -> Option<PathBuf> {
	if let Some(d) = std::env::var_os("VERITAS_BENCH_DIR") {
		return Some(PathBuf::from(d));
	}
	let ok = |p: &Path| p.join("reference_embeddings.json").is_file();
	let built_in = PathBuf::from(BENCH_DATA);
	if ok(&built_in) {
		return Some(built_in);
	}
	starts()
		.iter()
		.find_map(|s| find_up(s, "offchain-worker/engine/bench-data", ok))
}

/// The base encoder folder: `$VERITAS_BASE_DIR`, else `models/base/all-MiniLM-L6-v2` (holding
/// `config.json`) found walking up from the crate, the working directory or the binary.
pub fn base_model_dir() -> Option<PathBuf> {
	if let Some(d) = std::env::var_os("VERITAS_BASE_DIR") {
		return Some(PathBuf::from(d));
	}
	starts()
		.iter()
		.find_map(|s| find_up(s, BASE_MODEL_REL, |p| p.join("config.json").is_file()))
}

/// Like [`base_model_dir`] but an error message telling how to fetch the files when they are
/// missing.
pub fn require_base_model_dir() -> Result<PathBuf, String> {
	let dir = base_model_dir().ok_or_else(|| {
		format!(
			"base encoder not found ({BASE_MODEL_REL}/ with config.json, model.safetensors, \
             tokenizer.json): run models/fetch-base.sh from the repository root, or set \
             VERITAS_BASE_DIR"
		)
	})?;
	for f in ["config.json", "model.safetensors", "tokenizer.json"] {
		if !dir.join(f).is_file() {
			return Err(format!(
				"{} is missing: run models/fetch-base.sh from the repository root",
				dir.join(f).display()
			));
		}
	}
	Ok(dir)
}
