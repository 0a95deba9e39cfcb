//! Writing heads and manifests: used by the tests, the CLI's `demo-model`, and a future training
//! CLI.

use crate::error::{EngineError, Result};
use crate::guard::InputGuard;
use crate::manifest::{sha256_file, FileEntry, FileRole, InputScope, Manifest, MANIFEST_FILE};
use crate::quant::Precision;
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the task head inside a model directory.
pub const HEAD_FILE: &str = "head.safetensors";
/// File name of the optional reason head inside a model directory.
pub const REASON_HEAD_FILE: &str = "reasons.safetensors";
/// File name of the optional encoder adapter inside a model directory (see [`crate::adapter`]).
pub const ADAPTER_FILE: &str = "adapter.safetensors";
/// File name of the optional scope head inside a model directory (see [`FileRole::ScopeHead`]).
pub const SCOPE_HEAD_FILE: &str = "scope.safetensors";

/// The optional files of a model directory, with their file names, in the order a manifest
/// lists them (after the required four).
pub const OPTIONAL_FILES: [(FileRole, &str); 3] = [
	(FileRole::ReasonHead, REASON_HEAD_FILE),
	(FileRole::EncoderAdapter, ADAPTER_FILE),
	(FileRole::ScopeHead, SCOPE_HEAD_FILE),
];

/// The non-file fields of a manifest.
#[derive(Clone, Debug)]
pub struct ModelSpec {
	/// Model name.
	pub name: String,
	/// Version.
	pub version: u32,
	/// Labels.
	pub labels: Vec<String>,
	/// Positive label.
	pub positive_label: String,
	/// Reason code names.
	pub reason_codes: Vec<String>,
	/// Decision threshold (0..=10000).
	pub threshold: u16,
	/// Abstain margin.
	pub abstain_margin: u16,
	/// Truncation length.
	pub max_len: usize,
	/// Which part of the text the model reads.
	pub input: InputScope,
	/// Which reason codes each label may carry (manifest `reasons_by_label`).
	pub reasons_by_label: Option<BTreeMap<String, Vec<String>>>,
	/// Texts the model does not judge (manifest `input_guard`).
	pub input_guard: Option<InputGuard>,
	/// The precision the model is defined in (manifest `precision`).
	pub precision: Option<Precision>,
}

impl Default for ModelSpec {
	fn default() -> Self {
		Self {
			name: "veritas-demo".into(),
			version: 1,
			labels: vec!["legit".into(), "illicit".into()],
			positive_label: "illicit".into(),
			reason_codes: vec![],
			threshold: 5000,
			abstain_margin: 250,
			max_len: 128,
			input: InputScope::Text,
			reasons_by_label: None,
			input_guard: None,
			precision: None,
		}
	}
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
	move |source| EngineError::Io {
		path: path.to_path_buf(),
		source,
	}
}

/// Writes a linear head (`weight` `[outputs, inputs]` row-major, `bias` `[outputs]`, F32).
pub fn write_head(path: &Path, weight: &[f32], bias: &[f32]) -> Result<()> {
	let outputs = bias.len();
	if outputs == 0 || !weight.len().is_multiple_of(outputs) {
		return Err(EngineError::HeadMismatch {
			path: path.to_path_buf(),
			reason: format!(
				"weight of {} values does not fit {outputs} outputs",
				weight.len()
			),
		});
	}
	let inputs = weight.len() / outputs;
	let wb: Vec<u8> = weight.iter().flat_map(|v| v.to_le_bytes()).collect();
	let bb: Vec<u8> = bias.iter().flat_map(|v| v.to_le_bytes()).collect();
	let err = |e: safetensors::SafeTensorError| EngineError::CorruptWeights {
		path: path.to_path_buf(),
		reason: e.to_string(),
	};
	let w =
		safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![outputs, inputs], &wb)
			.map_err(err)?;
	let b = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![outputs], &bb)
		.map_err(err)?;
	let bytes = safetensors::serialize([("bias", b), ("weight", w)], None).map_err(err)?;
	std::fs::write(path, bytes).map_err(io(path))
}

/// Writes `dir/manifest.json` for the files already in `dir` (`head.safetensors`, and the file
/// of each role in `optional`, named as [`OPTIONAL_FILES`] says), listing the base encoder files
/// by the path `encoder_rel/<file>` (relative to `dir`, e.g. `../base/all-MiniLM-L6-v2`) with
/// the digests of the files in `base_dir` (where they actually are).
pub fn write_manifest(
	dir: &Path,
	spec: &ModelSpec,
	encoder_rel: &str,
	base_dir: &Path,
	optional: &[FileRole],
) -> Result<Manifest> {
	let enc = |role, name: &str| -> Result<FileEntry> {
		Ok(FileEntry {
			role,
			path: format!("{}/{name}", encoder_rel.trim_end_matches('/')),
			sha256: sha256_file(&base_dir.join(name))?,
		})
	};
	let mut files = vec![
		enc(FileRole::EncoderConfig, "config.json")?,
		enc(FileRole::EncoderWeights, "model.safetensors")?,
		enc(FileRole::Tokenizer, "tokenizer.json")?,
		FileEntry {
			role: FileRole::Head,
			path: HEAD_FILE.into(),
			sha256: sha256_file(&dir.join(HEAD_FILE))?,
		},
	];
	for (role, name) in OPTIONAL_FILES {
		if optional.contains(&role) {
			files.push(FileEntry {
				role,
				path: name.into(),
				sha256: sha256_file(&dir.join(name))?,
			});
		}
	}
	let manifest = Manifest {
		name: spec.name.clone(),
		version: spec.version,
		labels: spec.labels.clone(),
		positive_label: spec.positive_label.clone(),
		reason_codes: spec.reason_codes.clone(),
		threshold: spec.threshold,
		abstain_margin: spec.abstain_margin,
		max_len: spec.max_len,
		input: spec.input,
		reasons_by_label: spec.reasons_by_label.clone(),
		input_guard: spec.input_guard,
		precision: spec.precision,
		files,
	};
	manifest.validate()?;
	let path = dir.join(MANIFEST_FILE);
	std::fs::write(&path, manifest.to_json()).map_err(io(&path))?;
	Ok(manifest)
}

/// Deterministic pseudo-random values in [-scale, scale] (xorshift; no extra dependency).
pub fn pseudo_random(seed: u64, n: usize, scale: f32) -> Vec<f32> {
	let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
	(0..n)
		.map(|_| {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
		})
		.collect()
}

/// Writes an untrained demo model (pseudo-random head from `seed`, hidden size 384, the spec's
/// labels; plus a reason head when the spec has reason codes) into `dir`. For tests and for
/// trying a node before a trained head exists; its verdicts mean nothing.
pub fn write_demo_model(
	dir: &Path,
	spec: &ModelSpec,
	encoder_rel: &str,
	base_dir: &Path,
	seed: u64,
) -> Result<Manifest> {
	const HIDDEN: usize = 384;
	std::fs::create_dir_all(dir).map_err(io(dir))?;
	let n = spec.labels.len();
	write_head(
		&dir.join(HEAD_FILE),
		&pseudo_random(seed, n * HIDDEN, 0.5),
		&pseudo_random(seed ^ 1, n, 0.1),
	)?;
	let mut optional = Vec::new();
	if !spec.reason_codes.is_empty() {
		optional.push(FileRole::ReasonHead);
		let r = spec.reason_codes.len();
		write_head(
			&dir.join(REASON_HEAD_FILE),
			&pseudo_random(seed ^ 2, r * HIDDEN, 0.5),
			&pseudo_random(seed ^ 3, r, 0.1),
		)?;
	}
	write_manifest(dir, spec, encoder_rel, base_dir, &optional)
}
