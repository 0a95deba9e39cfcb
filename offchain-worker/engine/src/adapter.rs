//! Encoder adapters: a small safetensors file (manifest role `encoder_adapter`) that patches the
//! base encoder's weights, so a fine-tuned model ships kilobytes instead of a 90 MB encoder while
//! the base stays fetched and pinned by its SHA-256.
//!
//! Every tensor of the adapter is named after a base tensor `W` and is one of
//!
//! * `W.lora_a` `[r, in]` together with `W.lora_b` `[out, r]` (`W` is `[out, in]`): a low-rank
//!   update, `W ← W + lora_b · lora_a` (LoRA; any scale is folded into `lora_b`);
//! * `W` itself, same shape as the base tensor: a replacement (biases, LayerNorm parameters, or
//!   whole matrices of a fully fine-tuned layer).
//!
//! All tensors are F32 and finite; a name the base lacks, a shape that does not fit, or a lone
//! `lora_a`/`lora_b` is refused with [`EngineError::AdapterMismatch`].

use crate::error::{EngineError, Result};
use candle_core::{DType, Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// Suffix of the low-rank down-projection.
pub const LORA_A: &str = ".lora_a";
/// Suffix of the low-rank up-projection.
pub const LORA_B: &str = ".lora_b";

/// Applies the adapter in `bytes` (from `path`, for messages) to the base tensors.
/// Returns the number of base tensors changed.
pub fn apply(
	base: &mut HashMap<String, Tensor>,
	bytes: &[u8],
	path: &Path,
	device: &Device,
) -> Result<usize> {
	let mismatch = |reason: String| EngineError::AdapterMismatch {
		path: path.to_path_buf(),
		reason,
	};
	let corrupt = |e: candle_core::Error| EngineError::CorruptWeights {
		path: path.to_path_buf(),
		reason: e.to_string(),
	};
	let adapter = candle_core::safetensors::load_buffer(bytes, device).map_err(corrupt)?;
	if adapter.is_empty() {
		return Err(mismatch("holds no tensors".into()));
	}
	for (name, t) in &adapter {
		if t.dtype() != DType::F32 {
			return Err(mismatch(format!(
				"`{name}` has dtype {:?}, expected F32",
				t.dtype()
			)));
		}
		let finite = t
			.flatten_all()
			.and_then(|f| f.to_vec1::<f32>())
			.map_err(corrupt)?
			.iter()
			.all(|x| x.is_finite());
		if !finite {
			return Err(mismatch(format!("`{name}` holds non-finite values")));
		}
	}
	let mut names: Vec<&String> = adapter.keys().collect();
	names.sort();
	let mut changed = 0;
	for name in names {
		let t = &adapter[name];
		if let Some(target) = name.strip_suffix(LORA_B) {
			if !adapter.contains_key(&format!("{target}{LORA_A}")) {
				return Err(mismatch(format!("`{name}` without `{target}{LORA_A}`")));
			}
			continue;
		}
		let (target, update) = match name.strip_suffix(LORA_A) {
			Some(target) => {
				let b = adapter
					.get(&format!("{target}{LORA_B}"))
					.ok_or_else(|| mismatch(format!("`{name}` without `{target}{LORA_B}`")))?;
				let w = base
					.get(target)
					.ok_or_else(|| mismatch(format!("the base has no tensor `{target}`")))?;
				let (out, inp) = w
					.dims2()
					.map_err(|_| mismatch(format!("`{target}` is not a matrix")))?;
				let (r, a_in) = t
					.dims2()
					.map_err(|_| mismatch(format!("`{name}` is not a matrix")))?;
				let (b_out, b_r) = b
					.dims2()
					.map_err(|_| mismatch(format!("`{target}{LORA_B}` is not a matrix")))?;
				if a_in != inp || b_out != out || b_r != r || r == 0 {
					return Err(mismatch(format!(
						"low-rank update of `{target}` [{out}, {inp}] has lora_b [{b_out}, {b_r}] and lora_a [{r}, {a_in}]"
					)));
				}
				let delta = b.matmul(t).map_err(corrupt)?;
				let w = w
					.to_dtype(DType::F32)
					.and_then(|w| w + delta)
					.map_err(corrupt)?;
				(target.to_string(), w)
			},
			None => {
				let w = base
					.get(name.as_str())
					.ok_or_else(|| mismatch(format!("the base has no tensor `{name}`")))?;
				if w.dims() != t.dims() {
					return Err(mismatch(format!(
						"`{name}` has shape {:?}, the base tensor {:?}",
						t.dims(),
						w.dims()
					)));
				}
				(name.clone(), t.clone())
			},
		};
		base.insert(target, update);
		changed += 1;
	}
	Ok(changed)
}
