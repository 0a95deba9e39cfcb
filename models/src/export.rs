//! Checkpoints of trained heads and export of a model directory the engine loads.

use crate::calibrate;
use crate::evaluate::manifest_fingerprint;
use crate::scope::ScopeSummary;
use crate::train::Heads;
use anyhow::{bail, Context, Result};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use std::collections::HashMap;
use std::path::Path;
use veritas_classifier::authoring::{
	write_head, write_manifest, ModelSpec, ADAPTER_FILE, HEAD_FILE, OPTIONAL_FILES,
	REASON_HEAD_FILE, SCOPE_HEAD_FILE,
};
use veritas_classifier::{Engine, EngineOptions, FileRole, LinearHead, Manifest, SCOPE_OUTPUTS};

/// A training checkpoint: heads + the threshold chosen on dev + free-form metadata (JSON).
#[derive(Clone, Debug)]
pub struct Checkpoint {
	/// Heads (raw embedding space).
	pub heads: Heads,
	/// Decision threshold chosen on dev (score units).
	pub threshold: u16,
	/// Training metadata (JSON text).
	pub meta: String,
}

fn bytes_of(v: &[f32]) -> Vec<u8> {
	v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Writes a checkpoint as safetensors (`label.weight`, `label.bias`, `reason.weight`,
/// `reason.bias`; metadata `threshold`, `meta`).
pub fn save_checkpoint(path: &Path, ck: &Checkpoint) -> Result<()> {
	let h = &ck.heads;
	let (l, r) = (h.b.len(), h.rb.len());
	let bufs = [
		bytes_of(&h.w),
		bytes_of(&h.b),
		bytes_of(&h.rw),
		bytes_of(&h.rb),
	];
	let shapes = [vec![l, h.dim], vec![l], vec![r, h.dim], vec![r]];
	let names = ["label.weight", "label.bias", "reason.weight", "reason.bias"];
	let mut views = Vec::new();
	for ((n, s), b) in names.iter().zip(shapes).zip(&bufs) {
		views.push((
			*n,
			TensorView::new(Dtype::F32, s, b).context("checkpoint tensor")?,
		));
	}
	let mut meta = HashMap::new();
	meta.insert("threshold".to_string(), ck.threshold.to_string());
	meta.insert("meta".to_string(), ck.meta.clone());
	let bytes = safetensors::serialize(views, Some(meta)).context("serialising checkpoint")?;
	if let Some(d) = path.parent() {
		std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
	}
	std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Reads a checkpoint written by [`save_checkpoint`].
pub fn load_checkpoint(path: &Path) -> Result<Checkpoint> {
	let bytes = std::fs::read(path).with_context(|| {
		format!(
			"cannot read checkpoint {} (run `veritas-models train` first)",
			path.display()
		)
	})?;
	let st = SafeTensors::deserialize(&bytes)
		.with_context(|| format!("{} is not a valid checkpoint", path.display()))?;
	let get = |name: &str| -> Result<(Vec<f32>, Vec<usize>)> {
		let t = st
			.tensor(name)
			.with_context(|| format!("checkpoint {} lacks `{name}`", path.display()))?;
		if t.dtype() != Dtype::F32 {
			bail!("checkpoint tensor `{name}` is not F32");
		}
		let v: Vec<f32> = t
			.data()
			.chunks_exact(4)
			.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
			.collect();
		Ok((v, t.shape().to_vec()))
	};
	let (w, ws) = get("label.weight")?;
	let (b, _) = get("label.bias")?;
	let (rw, _) = get("reason.weight")?;
	let (rb, _) = get("reason.bias")?;
	let dim = *ws.get(1).context("label.weight must be 2-D")?;
	if w.len() != b.len() * dim || rw.len() != rb.len() * dim {
		bail!("checkpoint {}: inconsistent tensor shapes", path.display());
	}
	let (_, meta) = SafeTensors::read_metadata(&bytes).context("checkpoint metadata")?;
	let md = meta.metadata().clone().unwrap_or_default();
	let threshold = md
		.get("threshold")
		.and_then(|t| t.parse().ok())
		.context("checkpoint lacks a valid `threshold`")?;
	Ok(Checkpoint {
		heads: Heads { dim, w, b, rw, rb },
		threshold,
		meta: md.get("meta").cloned().unwrap_or_default(),
	})
}

/// Writes `head.safetensors`, `reasons.safetensors`, the encoder adapter (a copy of `adapter`,
/// when given; a stale one is removed otherwise) and `manifest.json` into `out_dir` and returns
/// the model hash. `encoder_rel` is the encoder folder as written in the manifest (relative to
/// `out_dir`), `base_dir` where the files actually are.
pub fn export_model(
	out_dir: &Path,
	heads: &Heads,
	spec: &ModelSpec,
	encoder_rel: &str,
	base_dir: &Path,
	adapter: Option<&Path>,
) -> Result<[u8; 32]> {
	if heads.b.len() != spec.labels.len() {
		bail!(
			"head has {} outputs but the spec lists {} labels",
			heads.b.len(),
			spec.labels.len()
		);
	}
	if heads.rb.len() != spec.reason_codes.len() {
		bail!(
			"reason head has {} outputs but the spec lists {} reason codes",
			heads.rb.len(),
			spec.reason_codes.len()
		);
	}
	std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
	write_head(&out_dir.join(HEAD_FILE), &heads.w, &heads.b)?;
	write_head(&out_dir.join(REASON_HEAD_FILE), &heads.rw, &heads.rb)?;
	let adapter_dst = out_dir.join(ADAPTER_FILE);
	match adapter {
		Some(src) => {
			std::fs::copy(src, &adapter_dst).with_context(|| {
				format!(
					"copying the encoder adapter {} into {}",
					src.display(),
					out_dir.display()
				)
			})?;
		},
		None if adapter_dst.exists() => std::fs::remove_file(&adapter_dst)
			.with_context(|| format!("removing the stale {}", adapter_dst.display()))?,
		None => {},
	}
	// A trained run has no scope head: one left from an earlier export is stale.
	let stale_scope = out_dir.join(SCOPE_HEAD_FILE);
	if stale_scope.exists() {
		std::fs::remove_file(&stale_scope)
			.with_context(|| format!("removing the stale {}", stale_scope.display()))?;
	}
	let mut optional = vec![FileRole::ReasonHead];
	if adapter.is_some() {
		optional.push(FileRole::EncoderAdapter);
	}
	write_manifest(out_dir, spec, encoder_rel, base_dir, &optional)?;
	Ok(veritas_classifier::model_hash(out_dir, Some(base_dir))?)
}

/// The bytes of the scope head file `src` after checking that it fits the model exported from
/// `source` under `spec`: two rows of its encoder's width, and, when `scope.json` from
/// `scope-head` lies beside it, fitted on the embeddings of the same encoder (the source's
/// files at the new model's precision and `max_len`). Without `scope.json` only the shape can be
/// checked, and a warning says so.
fn check_scope_head(source: &Engine, spec: &ModelSpec, src: &Path) -> Result<Vec<u8>> {
	let bytes = std::fs::read(src).with_context(|| format!("reading {}", src.display()))?;
	let width = source.encoder().hidden_size();
	LinearHead::from_safetensors(&bytes, src, SCOPE_OUTPUTS, width).with_context(|| {
		format!(
			"{} is not a scope head of {SCOPE_OUTPUTS} rows of width {width}",
			src.display()
		)
	})?;
	let summary = src.with_file_name("scope.json");
	let fit: Option<ScopeSummary> = if summary.is_file() {
		let text = std::fs::read_to_string(&summary)
			.with_context(|| format!("reading {}", summary.display()))?;
		Some(
			serde_json::from_str(&text)
				.with_context(|| format!("parsing {}", summary.display()))?,
		)
	} else {
		None
	};
	match fit.filter(|f| !f.encoder_fingerprint.is_empty()) {
		None => eprintln!(
			"warning: no scope.json with an encoder fingerprint beside {}: only its shape was \
			 checked, not that it was fitted on this model's embeddings",
			src.display()
		),
		Some(fit) => {
			let mut ours = source.manifest().clone();
			ours.precision = spec.precision;
			ours.max_len = spec.max_len;
			if fit.encoder_fingerprint != manifest_fingerprint(&ours)? {
				bail!(
					"{} was fitted on the embeddings of {} ({}), whose encoder (files, \
					 precision, max_len) is not this model's: fit a scope head for this model \
					 with `scope-head`",
					src.display(),
					fit.model,
					fit.model_hash
				);
			}
		},
	}
	Ok(bytes)
}

/// Exports the trained files of the model in `from` under a new manifest: its heads and encoder
/// adapter are copied into `out_dir` byte for byte (the label head divided by `temperature`
/// when one is given, see [`crate::calibrate`]) and `manifest.json` is written for `spec`
/// (which must keep `from`'s labels and reason codes). A `scope_head` file (see
/// [`crate::scope`]) is checked and copied in as the new model's scope head, in place of any the
/// source has. Returns the model hash. This is how a published model's weights get a new
/// operating point, a pinned precision, a temperature or a scope head without the training run
/// that made them.
pub fn reexport_model(
	from: &Path,
	out_dir: &Path,
	spec: &ModelSpec,
	encoder_rel: &str,
	base_dir: &Path,
	temperature: Option<f64>,
	scope_head: Option<&Path>,
) -> Result<[u8; 32]> {
	// Loading checks every file of the source against its manifest's digests.
	let source = Engine::load(
		from,
		EngineOptions {
			base_dir: Some(base_dir.to_path_buf()),
			..EngineOptions::default()
		},
	)
	.with_context(|| format!("loading the source model {}", from.display()))?;
	let m: &Manifest = source.manifest();
	if m.labels != spec.labels
		|| m.positive_label != spec.positive_label
		|| m.reason_codes != spec.reason_codes
	{
		bail!(
			"the new manifest must keep {}'s labels, positive label and reason codes",
			from.display()
		);
	}
	let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
		(Ok(a), Ok(b)) => a == b,
		_ => false,
	};
	if same(from, out_dir) {
		bail!(
			"the new model must go to another folder than its source {}",
			from.display()
		);
	}
	// A given scope head is checked before anything is written.
	let scope_bytes = match scope_head {
		Some(src) => Some(check_scope_head(&source, spec, src)?),
		None => None,
	};
	std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
	let copied = |role: FileRole, name: &str| -> Result<bool> {
		let dst = out_dir.join(name);
		match m.file(role) {
			Some(entry) => {
				let src = m.resolve(entry, from, Some(base_dir));
				std::fs::copy(&src, &dst).with_context(|| {
					format!("copying {} into {}", src.display(), out_dir.display())
				})?;
				Ok(true)
			},
			None if dst.exists() => {
				std::fs::remove_file(&dst)
					.with_context(|| format!("removing the stale {}", dst.display()))?;
				Ok(false)
			},
			None => Ok(false),
		}
	};
	match (temperature, m.file(FileRole::Head)) {
		(Some(t), Some(entry)) => calibrate::scale_head(
			&m.resolve(entry, from, Some(base_dir)),
			&out_dir.join(HEAD_FILE),
			t,
		)?,
		_ => {
			copied(FileRole::Head, HEAD_FILE)?;
		},
	}
	let mut optional = Vec::new();
	for (role, name) in OPTIONAL_FILES {
		let present = match (role, &scope_bytes) {
			(FileRole::ScopeHead, Some(bytes)) => {
				let dst = out_dir.join(name);
				std::fs::write(&dst, bytes)
					.with_context(|| format!("writing {}", dst.display()))?;
				true
			},
			_ => copied(role, name)?,
		};
		if present {
			optional.push(role);
		}
	}
	write_manifest(out_dir, spec, encoder_rel, base_dir, &optional)?;
	Ok(veritas_classifier::model_hash(out_dir, Some(base_dir))?)
}
