//! Cached sentence embeddings of the frozen encoder.
//!
//! The cache file is keyed by SHA-256 over the encoder fingerprint (the digests of the three
//! base files and `max_len`) and every text (length-prefixed), so a changed text, text order,
//! encoder or truncation length never reuses stale vectors. Files live in a gitignored folder
//! (`models/.cache/` by default) as `emb-<key>.bin`: magic `VEMB1\0\0\0`, `u64le n`, `u64le dim`,
//! `n·dim` f32le.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use veritas_classifier::{manifest::hex, Encoder};

const MAGIC: &[u8; 8] = b"VEMB1\0\0\0";

/// Fingerprint of an encoder: SHA-256 of the files' digests and `max_len`.
pub fn encoder_fingerprint(file_digests: &[String], max_len: usize) -> String {
	let mut h = Sha256::new();
	h.update(b"veritas-encoder-fingerprint-v1\0");
	for d in file_digests {
		h.update(d.as_bytes());
		h.update(b"\0");
	}
	h.update((max_len as u64).to_le_bytes());
	hex(&h.finalize())
}

/// Fingerprint of the base encoder folder (`config.json`, `model.safetensors`, `tokenizer.json`).
pub fn base_fingerprint(base_dir: &Path, max_len: usize) -> Result<String> {
	let mut digests = Vec::new();
	for f in ["config.json", "model.safetensors", "tokenizer.json"] {
		let p = base_dir.join(f);
		digests.push(
			veritas_classifier::manifest::sha256_file(&p)
				.with_context(|| format!("hashing {} (run models/fetch-base.sh)", p.display()))?,
		);
	}
	Ok(encoder_fingerprint(&digests, max_len))
}

/// Cache key of `texts` under an encoder fingerprint.
pub fn cache_key(fingerprint: &str, texts: &[String]) -> String {
	let mut h = Sha256::new();
	h.update(fingerprint.as_bytes());
	for t in texts {
		h.update((t.len() as u64).to_le_bytes());
		h.update(t.as_bytes());
	}
	hex(&h.finalize())
}

/// Path of the cache file for a key.
pub fn cache_path(cache_dir: &Path, key: &str) -> PathBuf {
	cache_dir.join(format!("emb-{}.bin", &key[..32]))
}

fn read_cache(path: &Path, n: usize) -> Option<Vec<Vec<f32>>> {
	let bytes = std::fs::read(path).ok()?;
	if bytes.len() < 24 || &bytes[..8] != MAGIC {
		return None;
	}
	let rn = u64::from_le_bytes(bytes[8..16].try_into().ok()?) as usize;
	let dim = u64::from_le_bytes(bytes[16..24].try_into().ok()?) as usize;
	if rn != n || bytes.len() != 24 + rn * dim * 4 {
		return None;
	}
	let flat: Vec<f32> = bytes[24..]
		.chunks_exact(4)
		.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
		.collect();
	Some(flat.chunks(dim.max(1)).map(<[f32]>::to_vec).collect())
}

fn write_cache(path: &Path, embs: &[Vec<f32>]) -> Result<()> {
	let dim = embs.first().map_or(0, Vec::len);
	let mut bytes = Vec::with_capacity(24 + embs.len() * dim * 4);
	bytes.extend_from_slice(MAGIC);
	bytes.extend_from_slice(&(embs.len() as u64).to_le_bytes());
	bytes.extend_from_slice(&(dim as u64).to_le_bytes());
	for e in embs {
		if e.len() != dim {
			bail!("embeddings of different widths");
		}
		for v in e {
			bytes.extend_from_slice(&v.to_le_bytes());
		}
	}
	if let Some(d) = path.parent() {
		std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
	}
	let tmp = path.with_extension("tmp");
	std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
	std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
	Ok(())
}

/// Embeds `texts` with `encoder`, reusing / filling the cache in `cache_dir` (None: no cache).
/// Shows a progress bar labelled `what` when computing.
pub fn embed_cached(
	encoder: &Encoder,
	fingerprint: &str,
	texts: &[String],
	cache_dir: Option<&Path>,
	what: &str,
) -> Result<Vec<Vec<f32>>> {
	let key = cache_key(fingerprint, texts);
	if let Some(dir) = cache_dir {
		if let Some(v) = read_cache(&cache_path(dir, &key), texts.len()) {
			eprintln!("embeddings: {what}: {} texts from cache", texts.len());
			return Ok(v);
		}
	}
	let pb = ProgressBar::new(texts.len() as u64);
	pb.set_style(
		ProgressStyle::with_template(
			"{msg:>14} [{bar:40}] {pos}/{len} texts  {per_sec}  eta {eta}",
		)
		.unwrap_or_else(|_| ProgressStyle::default_bar())
		.progress_chars("=> "),
	);
	pb.set_message(format!("embed {what}"));
	let mut out = Vec::with_capacity(texts.len());
	for chunk in texts.chunks(256) {
		let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
		let e = encoder
			.embed_with(&refs, 32, true)
			.with_context(|| format!("embedding {what}"))?;
		out.extend(e);
		pb.inc(chunk.len() as u64);
	}
	pb.finish();
	if let Some(dir) = cache_dir {
		write_cache(&cache_path(dir, &key), &out)?;
	}
	Ok(out)
}
