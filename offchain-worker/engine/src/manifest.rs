//! `manifest.json`: what a model directory holds, and the model hash.
//!
//! Example (the base encoder lives in the sibling folder `models/base/all-MiniLM-L6-v2`):
//!
//! ```json
//! {
//!   "name": "veritas-aml",
//!   "version": 1,
//!   "labels": ["legit", "illicit"],
//!   "positive_label": "illicit",
//!   "reason_codes": ["none", "sanctions", "fraud"],
//!   "threshold": 5000,
//!   "abstain_margin": 250,
//!   "max_len": 128,
//!   "files": [
//!     {"role": "encoder_config",  "path": "../base/all-MiniLM-L6-v2/config.json",       "sha256": "953f…"},
//!     {"role": "encoder_weights", "path": "../base/all-MiniLM-L6-v2/model.safetensors", "sha256": "53aa…"},
//!     {"role": "tokenizer",       "path": "../base/all-MiniLM-L6-v2/tokenizer.json",    "sha256": "be50…"},
//!     {"role": "head",            "path": "head.safetensors",                           "sha256": "…"},
//!     {"role": "reason_head",     "path": "reasons.safetensors",                        "sha256": "…"}
//!   ]
//! }
//! ```
//!
//! Paths are relative to the model directory (never absolute). The three encoder files can be
//! redirected to another folder with [`crate::EngineOptions::base_dir`]; they are then looked up
//! by file name in that folder. The redirection does not change the model hash.
//!
//! Optional fields: `input` (`memo` or `text`), `reasons_by_label` (which reason codes each label
//! may carry), `input_guard` (which texts the model does not judge, [`crate::guard`]) and
//! `precision` (`f32` or `int8`: the arithmetic the model is defined in); each is omitted when
//! absent, so a manifest without it keeps its bytes and its hash. Optional files: a
//! `reason_head`, an `encoder_adapter` ([`crate::adapter`]) and a `scope_head` (which memos say
//! nothing the model can judge, [`FileRole::ScopeHead`]).
//!
//! ## Model hash
//!
//! `model_hash = SHA-256(`
//! * `b"veritas-model-hash-v1\0"`
//! * `u64_le(len(manifest bytes)) ‖ manifest bytes` (the file exactly as stored)
//! * for every entry of `files`, **in the order the manifest lists them**:
//!   `u64_le(len(path)) ‖ path (UTF-8, as written in the manifest) ‖ SHA-256(file bytes)` (32 raw bytes)
//!
//! `)`. The digests are those of the bytes actually on disk, so the hash changes whenever the
//! manifest or any file it names changes (loading also refuses a file whose digest differs from
//! the manifest's `sha256`).

use crate::error::{read_file, EngineError, Result};
use crate::guard::InputGuard;
use crate::quant::Precision;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Name of the manifest file inside a model directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Domain separator of the model hash.
pub const MODEL_HASH_DOMAIN: &[u8] = b"veritas-model-hash-v1\0";

/// The highest `max_len` a manifest may ask for (BERT's position table).
pub const MAX_SEQ_LEN: usize = 512;

/// Role of a file named by the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileRole {
	/// The encoder's `config.json` (BERT config).
	EncoderConfig,
	/// The encoder's `model.safetensors`.
	EncoderWeights,
	/// The encoder's `tokenizer.json`.
	Tokenizer,
	/// The task head: safetensors with `weight` `[num_labels, hidden]` and `bias` `[num_labels]`.
	Head,
	/// Optional reason head: `weight` `[num_reason_codes, hidden]`, `bias` `[num_reason_codes]`.
	ReasonHead,
	/// Optional patch of the base encoder's weights (low-rank updates and replaced tensors; see
	/// [`crate::adapter`]). Lives in the model directory, never redirected with `base_dir`.
	EncoderAdapter,
	/// Optional scope head: `weight` `[2, hidden]`, `bias` `[2]`, rows `in_scope` and
	/// `no_signal`, on the same pooled embedding as the task head. A text whose `no_signal`
	/// logit exceeds its `in_scope` logit says nothing the model can judge: it is flagged out of
	/// scope and abstains, like a text the `input_guard` refuses (see
	/// [`crate::Engine::no_signal`]).
	ScopeHead,
}

impl FileRole {
	/// `true` for the three files of the base encoder.
	pub fn is_encoder(self) -> bool {
		matches!(
			self,
			FileRole::EncoderConfig | FileRole::EncoderWeights | FileRole::Tokenizer
		)
	}
}

/// Which part of a case's text the model reads (manifest field `input`, default `text`).
///
/// The dataset and the CLI carry a transfer rendered as `transfer <amount> <symbol> to <dest>:
/// <memo>` and a record as its own text. A model trained on memos alone declares `memo`: for such
/// rendered texts ([`crate::Engine::classify`], [`crate::Engine::classify_bytes`]) the engine
/// strips the prefix before tokenizing, so the amount and the ~30 word pieces of an SS58 address
/// neither dilute the mean-pooled embedding nor cost encoder time.
///
/// On chain nothing is rendered: a case stores its memo (or a record's text) as its `text`, and
/// the off-chain worker passes exactly that to [`crate::Engine::classify_model_inputs`], which
/// never parses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputScope {
	/// The whole text.
	#[default]
	Text,
	/// The memo of a rendered transfer (the text after the first `": "` when the text starts
	/// with `"transfer "`); any other text (a record) whole.
	Memo,
}

impl InputScope {
	/// The part of `text` the model reads.
	pub fn select(self, text: &str) -> &str {
		match self {
			InputScope::Text => text,
			InputScope::Memo => match text.strip_prefix("transfer ") {
				Some(rest) => rest.find(": ").map_or(text, |i| &rest[i + 2..]),
				None => text,
			},
		}
	}

	/// [`InputScope::select`] on raw bytes (the host function's input; not necessarily UTF-8).
	pub fn select_bytes(self, text: &[u8]) -> &[u8] {
		match self {
			InputScope::Text => text,
			InputScope::Memo => match text.strip_prefix(b"transfer ".as_slice()) {
				Some(rest) => rest
					.windows(2)
					.position(|w| w == b": ")
					.map_or(text, |i| &rest[i + 2..]),
				None => text,
			},
		}
	}

	fn is_text(&self) -> bool {
		*self == InputScope::Text
	}
}

/// One file named by the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
	/// What the file is.
	pub role: FileRole,
	/// Path relative to the model directory.
	pub path: String,
	/// Lowercase hex SHA-256 of the file.
	pub sha256: String,
}

/// The typed `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
	/// Model name.
	pub name: String,
	/// Model version (mirrors the on-chain `ActiveModel::version`).
	pub version: u32,
	/// Output labels of the head, in the head's row order (2..=255 labels).
	pub labels: Vec<String>,
	/// The label whose probability is the score (e.g. "illicit").
	pub positive_label: String,
	/// Names of reason codes (index = `Classification::reason`). May be empty without a reason
	/// head.
	#[serde(default)]
	pub reason_codes: Vec<String>,
	/// Decision threshold on the score (0..=10000): `score >= threshold` gives the positive
	/// label.
	pub threshold: u16,
	/// Abstain when `|score - threshold| < abstain_margin` (0 = never abstain).
	pub abstain_margin: u16,
	/// Truncation length in tokens, special tokens included (3..=512).
	pub max_len: usize,
	/// Which part of the text the model reads; omitted (and not written) when `text`, so
	/// manifests from before this field keep their bytes and their hash.
	#[serde(default, skip_serializing_if = "InputScope::is_text")]
	pub input: InputScope,
	/// Which reason codes may go with each label: a label's reason is the most probable of its
	/// own list (e.g. a `legit` verdict never carries `phishing`). Without it the reason is the
	/// reason head's argmax, whatever the label. Omitted when absent, so older manifests keep
	/// their bytes and their hash.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub reasons_by_label: Option<BTreeMap<String, Vec<String>>>,
	/// Texts the model is not fit to judge (see [`crate::guard`]); the engine abstains on them.
	/// Omitted when absent.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub input_guard: Option<InputGuard>,
	/// The precision of the encoder's linear layers that the model is defined in, pinned for
	/// every node: with `int8` every validator runs the int8 layers ([`crate::quant`]), whose
	/// kernels give the same bits on every x86-64 CPU, whatever
	/// [`crate::EngineOptions::precision`] says; the threshold and margin were chosen on those
	/// scores. Such a model needs the fast backend, so it does not load on CUDA. Without it the
	/// node's options decide (f32 by default). Omitted when absent.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub precision: Option<Precision>,
	/// Every file of the model, including the base encoder's three files.
	pub files: Vec<FileEntry>,
}

fn is_hex_sha256(s: &str) -> bool {
	s.len() == 64
		&& s.bytes()
			.all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Manifest {
	/// Parses and validates manifest bytes.
	pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<Self> {
		let manifest: Manifest =
			serde_json::from_slice(bytes).map_err(|e| EngineError::ManifestParse {
				path: origin.to_path_buf(),
				reason: e.to_string(),
			})?;
		manifest.validate()?;
		Ok(manifest)
	}

	/// Checks every rule; the engine calls it on load.
	///
	/// Rules: non-empty name; 2..=255 unique non-empty labels; `positive_label` among them; at
	/// most 256 unique reason codes; `threshold` and `abstain_margin` <= 10000; `max_len` in
	/// 3..=512; exactly one file of each required role (encoder_config, encoder_weights,
	/// tokenizer, head), at most one each of reason_head, encoder_adapter and scope_head; a
	/// reason head needs at least one reason code; every path relative, non-empty, unique, without `.`-only components; every sha256
	/// 64 lowercase hex digits.
	pub fn validate(&self) -> Result<()> {
		let bad = |m: String| Err(EngineError::InvalidManifest(m));
		if self.name.trim().is_empty() {
			return bad("`name` is empty".into());
		}
		if self.labels.len() < 2 || self.labels.len() > 255 {
			return bad(format!(
				"`labels` must hold 2..=255 labels, has {}",
				self.labels.len()
			));
		}
		for (i, l) in self.labels.iter().enumerate() {
			if l.trim().is_empty() {
				return bad(format!("label {i} is empty"));
			}
			if self.labels[..i].contains(l) {
				return bad(format!("label `{l}` appears twice"));
			}
		}
		if !self.labels.contains(&self.positive_label) {
			return bad(format!(
				"`positive_label` `{}` is not among `labels`",
				self.positive_label
			));
		}
		if self.reason_codes.len() > 256 {
			return bad(format!(
				"at most 256 reason codes, has {}",
				self.reason_codes.len()
			));
		}
		for (i, r) in self.reason_codes.iter().enumerate() {
			if self.reason_codes[..i].contains(r) {
				return bad(format!("reason code `{r}` appears twice"));
			}
		}
		if self.threshold > 10_000 {
			return bad(format!("`threshold` {} > 10000", self.threshold));
		}
		if self.abstain_margin > 10_000 {
			return bad(format!("`abstain_margin` {} > 10000", self.abstain_margin));
		}
		if !(3..=MAX_SEQ_LEN).contains(&self.max_len) {
			return bad(format!(
				"`max_len` {} not in 3..={MAX_SEQ_LEN}",
				self.max_len
			));
		}
		for role in [
			FileRole::EncoderConfig,
			FileRole::EncoderWeights,
			FileRole::Tokenizer,
			FileRole::Head,
		] {
			let n = self.files.iter().filter(|f| f.role == role).count();
			if n != 1 {
				return bad(format!(
					"`files` must hold exactly one {role:?} entry, has {n}"
				));
			}
		}
		for (role, name) in [
			(FileRole::ReasonHead, "reason_head"),
			(FileRole::EncoderAdapter, "encoder_adapter"),
			(FileRole::ScopeHead, "scope_head"),
		] {
			let n = self.files.iter().filter(|f| f.role == role).count();
			if n > 1 {
				return bad(format!("`files` holds {n} {name} entries, at most 1"));
			}
		}
		if self.file(FileRole::ReasonHead).is_some() && self.reason_codes.is_empty() {
			return bad("a reason_head needs `reason_codes`".into());
		}
		if let Some(by_label) = &self.reasons_by_label {
			for label in &self.labels {
				match by_label.get(label) {
					Some(codes) if !codes.is_empty() => {},
					_ => {
						return bad(format!(
							"`reasons_by_label` gives label `{label}` no reason"
						))
					},
				}
			}
			for (label, codes) in by_label {
				if !self.labels.contains(label) {
					return bad(format!("`reasons_by_label` names `{label}`, not a label"));
				}
				if let Some(c) = codes.iter().find(|c| !self.reason_codes.contains(c)) {
					return bad(format!(
						"`reasons_by_label` gives `{label}` the reason `{c}`, not a reason code"
					));
				}
			}
		}
		if let Some(g) = &self.input_guard {
			if g.min_english_permille > 1000 {
				return bad(format!(
					"`input_guard.min_english_permille` {} > 1000",
					g.min_english_permille
				));
			}
		}
		for (i, f) in self.files.iter().enumerate() {
			let p = Path::new(&f.path);
			if f.path.is_empty() || p.is_absolute() {
				return bad(format!(
					"file path `{}` must be relative and non-empty",
					f.path
				));
			}
			if p.components()
				.any(|c| matches!(c, Component::RootDir | Component::Prefix(_)))
			{
				return bad(format!("file path `{}` must be relative", f.path));
			}
			if p.file_name().is_none() {
				return bad(format!("file path `{}` does not name a file", f.path));
			}
			if self.files[..i].iter().any(|g| g.path == f.path) {
				return bad(format!("file `{}` listed twice", f.path));
			}
			if !is_hex_sha256(&f.sha256) {
				return bad(format!(
					"sha256 of `{}` is not 64 lowercase hex digits",
					f.path
				));
			}
		}
		Ok(())
	}

	/// Index of the positive label.
	pub fn positive_index(&self) -> usize {
		self.labels
			.iter()
			.position(|l| *l == self.positive_label)
			.unwrap_or(0)
	}

	/// For each label (by index), which reason codes (by index) it may carry: every code when the
	/// manifest has no `reasons_by_label`.
	pub fn allowed_reasons(&self) -> Vec<Vec<bool>> {
		self.labels
			.iter()
			.map(|label| {
				let list = self.reasons_by_label.as_ref().and_then(|m| m.get(label));
				self.reason_codes
					.iter()
					.map(|code| list.is_none_or(|l| l.contains(code)))
					.collect()
			})
			.collect()
	}

	/// The entry of `role` (the first, when several).
	pub fn file(&self, role: FileRole) -> Option<&FileEntry> {
		self.files.iter().find(|f| f.role == role)
	}

	/// Where the file of `entry` lives: `model_dir/path`, or `base_dir/<file name>` for the
	/// encoder files when a `base_dir` is given.
	pub fn resolve(&self, entry: &FileEntry, model_dir: &Path, base_dir: Option<&Path>) -> PathBuf {
		match (
			base_dir,
			entry.role.is_encoder(),
			Path::new(&entry.path).file_name(),
		) {
			(Some(base), true, Some(name)) => base.join(name),
			_ => model_dir.join(&entry.path),
		}
	}

	/// Serialises to pretty JSON (with a trailing newline).
	pub fn to_json(&self) -> String {
		// A struct of strings and integers always serialises.
		let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
		s.push('\n');
		s
	}
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut s = String::with_capacity(bytes.len() * 2);
	for b in bytes {
		s.push(DIGITS[(b >> 4) as usize] as char);
		s.push(DIGITS[(b & 15) as usize] as char);
	}
	s
}

/// SHA-256 of bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
	Sha256::digest(bytes).into()
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> Result<String> {
	Ok(hex(&sha256(&read_file(path, "")?)))
}

/// Incremental model hash (see the module docs for the exact definition).
pub struct ModelHasher(Sha256);

impl ModelHasher {
	/// Starts with the manifest bytes.
	pub fn new(manifest_bytes: &[u8]) -> Self {
		let mut h = Sha256::new();
		h.update(MODEL_HASH_DOMAIN);
		h.update((manifest_bytes.len() as u64).to_le_bytes());
		h.update(manifest_bytes);
		Self(h)
	}

	/// Adds the next file (in manifest order) by its manifest path and the digest of its bytes.
	pub fn add_file(&mut self, manifest_path: &str, file_sha256: &[u8; 32]) {
		self.0.update((manifest_path.len() as u64).to_le_bytes());
		self.0.update(manifest_path.as_bytes());
		self.0.update(file_sha256);
	}

	/// The hash.
	pub fn finish(self) -> [u8; 32] {
		self.0.finalize().into()
	}
}

/// Computes the model hash of `model_dir` from the bytes on disk, without checking the digests
/// recorded in the manifest (loading does that). Fails when the manifest is invalid or names a
/// missing file.
pub fn model_hash(model_dir: &Path, base_dir: Option<&Path>) -> Result<[u8; 32]> {
	let manifest_path = model_dir.join(MANIFEST_FILE);
	let bytes = read_file(&manifest_path, "")?;
	let manifest = Manifest::from_bytes(&bytes, &manifest_path)?;
	let mut hasher = ModelHasher::new(&bytes);
	for entry in &manifest.files {
		let path = manifest.resolve(entry, model_dir, base_dir);
		let data = read_file(&path, &missing_hint(entry.role))?;
		hasher.add_file(&entry.path, &sha256(&data));
	}
	Ok(hasher.finish())
}

/// Help appended to a "missing file" error.
pub(crate) fn missing_hint(role: FileRole) -> String {
	if role.is_encoder() {
		" (the base encoder files are not in the repository: run models/fetch-base.sh)".to_string()
	} else {
		String::new()
	}
}

#[cfg(test)]
mod tests {
	use super::InputScope;

	#[test]
	fn memo_scope_strips_only_a_rendered_transfer_prefix() {
		let m = InputScope::Memo;
		let cases = [
			(
				"transfer 1.5 VRT to 5Grw…utQY: rent for may",
				"rent for may",
			),
			("transfer 2 DOT to Bob: fee: 3%", "fee: 3%"),
			("transfer 2 DOT to Bob: ", ""),
			("Clause 4: the buyer pays", "Clause 4: the buyer pays"),
			("transfer without a memo", "transfer without a memo"),
			("", ""),
		];
		for (text, want) in cases {
			assert_eq!(m.select(text), want, "{text}");
			assert_eq!(m.select_bytes(text.as_bytes()), want.as_bytes(), "{text}");
			assert_eq!(InputScope::Text.select(text), text);
		}
		// Invalid UTF-8 after the prefix is passed on untouched (the engine decodes lossily).
		assert_eq!(
			m.select_bytes(b"transfer 1 VRT to X: \xff\xfe"),
			b"\xff\xfe".as_slice()
		);
	}
}
