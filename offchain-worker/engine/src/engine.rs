//! The classifier: encoder + task head (+ optional reason head) + decision rule.

use crate::encoder::{Backend, DeviceKind, Encoder, EncoderFiles, EngineOptions, Tokenized};
use crate::error::{read_file, EngineError, Result};
use crate::guard::Guard;
use crate::manifest::{missing_hint, sha256, FileRole, Manifest, ModelHasher, MANIFEST_FILE};
use crate::quant::Precision;
use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Flags of one result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
	/// The text was longer than `max_len` tokens and was cut.
	pub truncated: bool,
	/// The input bytes were not valid UTF-8 and were decoded lossily.
	pub lossy_utf8: bool,
	/// The text holds no token besides the special ones.
	pub empty: bool,
	/// The manifest's input guard finds the text unfit to judge (too few English words, mostly
	/// another language, or longer than `max_len` when the guard says so; see
	/// [`crate::guard`]), or its scope head finds that it says nothing the model can judge
	/// ([`Engine::no_signal`]); the result abstains.
	pub out_of_scope: bool,
}

impl Flags {
	/// As the bit set of `veritas_classifier_interface::flags`.
	pub fn bits(self) -> u8 {
		use veritas_classifier_interface::flags::*;
		(if self.truncated { TRUNCATED } else { 0 })
			| (if self.lossy_utf8 { LOSSY_UTF8 } else { 0 })
			| (if self.empty { EMPTY } else { 0 })
			| (if self.out_of_scope { OUT_OF_SCOPE } else { 0 })
	}
}

/// Result of classifying one text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Classification {
	/// Index into the manifest's `labels`.
	pub label: u8,
	/// Probability of the positive label × 10000, rounded to nearest (0..=10000).
	pub score: u16,
	/// Index into the manifest's `reason_codes`: the reason head's most probable code among
	/// those the manifest allows the label (0 without a reason head).
	pub reason: u8,
	/// The score is strictly within `abstain_margin` of `threshold`, or the text is empty or
	/// out of scope.
	pub abstain: bool,
	/// Flags.
	pub flags: Flags,
}

impl From<Classification> for veritas_classifier_interface::Classification {
	fn from(c: Classification) -> Self {
		Self {
			label: c.label,
			score: c.score,
			reason: c.reason,
			abstain: c.abstain,
			flags: c.flags.bits(),
		}
	}
}

/// Rows of a scope head (manifest `scope_head`): `in_scope`, `no_signal`.
pub const SCOPE_OUTPUTS: usize = 2;

/// A linear layer `logits = W x + b` read from safetensors (`weight` `[out, in]`, `bias` `[out]`,
/// both F32).
#[derive(Clone, Debug)]
pub struct LinearHead {
	weight: Vec<f32>,
	bias: Vec<f32>,
	inputs: usize,
}

impl LinearHead {
	/// Parses a head file; `outputs` and `inputs` are the expected shape.
	pub fn from_safetensors(
		bytes: &[u8],
		path: &Path,
		outputs: usize,
		inputs: usize,
	) -> Result<Self> {
		let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| {
			EngineError::CorruptWeights {
				path: path.to_path_buf(),
				reason: e.to_string(),
			}
		})?;
		let mismatch = |reason: String| EngineError::HeadMismatch {
			path: path.to_path_buf(),
			reason,
		};
		let read = |name: &str, shape: &[usize]| -> Result<Vec<f32>> {
			let t = st
				.tensor(name)
				.map_err(|_| mismatch(format!("no tensor `{name}`")))?;
			if t.dtype() != safetensors::Dtype::F32 {
				return Err(mismatch(format!(
					"`{name}` has dtype {:?}, expected F32",
					t.dtype()
				)));
			}
			if t.shape() != shape {
				return Err(mismatch(format!(
					"`{name}` has shape {:?}, expected {shape:?}",
					t.shape()
				)));
			}
			let v: Vec<f32> = t
				.data()
				.chunks_exact(4)
				.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
				.collect();
			if v.iter().any(|x| !x.is_finite()) {
				return Err(mismatch(format!("`{name}` holds non-finite values")));
			}
			Ok(v)
		};
		Ok(Self {
			weight: read("weight", &[outputs, inputs])?,
			bias: read("bias", &[outputs])?,
			inputs,
		})
	}

	/// Number of outputs.
	pub fn outputs(&self) -> usize {
		self.bias.len()
	}

	/// Logits (accumulated in f64).
	pub fn logits(&self, x: &[f32]) -> Vec<f64> {
		self.bias
			.iter()
			.enumerate()
			.map(|(o, &b)| {
				let row = &self.weight[o * self.inputs..(o + 1) * self.inputs];
				row.iter()
					.zip(x)
					.map(|(&w, &v)| w as f64 * v as f64)
					.sum::<f64>() + b as f64
			})
			.collect()
	}
}

/// Numerically stable softmax.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
	let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
	let exps: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
	let sum: f64 = exps.iter().sum();
	exps.into_iter().map(|e| e / sum).collect()
}

fn argmax(xs: &[f64], skip: Option<usize>) -> usize {
	let mut best: Option<usize> = None;
	for (i, &x) in xs.iter().enumerate() {
		if Some(i) == skip {
			continue;
		}
		if best.is_none_or(|b| x > xs[b]) {
			best = Some(i);
		}
	}
	best.unwrap_or(0)
}

/// A loaded, verified model.
pub struct Engine {
	encoder: Encoder,
	manifest: Manifest,
	head: LinearHead,
	reason_head: Option<LinearHead>,
	/// Rows `in_scope`, `no_signal` (manifest `scope_head`).
	scope_head: Option<LinearHead>,
	/// Per label, the reason codes it may carry.
	allowed_reasons: Vec<Vec<bool>>,
	guard: Option<Guard>,
	model_hash: [u8; 32],
	positive: usize,
	model_dir: PathBuf,
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
	if let Some(s) = p.downcast_ref::<&str>() {
		(*s).to_string()
	} else if let Some(s) = p.downcast_ref::<String>() {
		s.clone()
	} else {
		"non-string panic payload".to_string()
	}
}

/// Runs `f`, turning a panic into [`EngineError::Panic`].
pub(crate) fn no_panic<R>(f: impl FnOnce() -> Result<R>) -> Result<R> {
	catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(EngineError::Panic(panic_message(p))))
}

impl Engine {
	/// Loads the model in `dir` (`manifest.json` + the files it names).
	///
	/// Reads every file once, checks its SHA-256 against the manifest, computes the model hash
	/// from the same bytes, then builds the encoder and heads from them.
	pub fn load(dir: impl AsRef<Path>, opts: EngineOptions) -> Result<Self> {
		no_panic(|| Self::load_inner(dir.as_ref(), &opts))
	}

	fn load_inner(dir: &Path, opts: &EngineOptions) -> Result<Self> {
		let manifest_path = dir.join(MANIFEST_FILE);
		let manifest_bytes = read_file(&manifest_path, "")?;
		let manifest = Manifest::from_bytes(&manifest_bytes, &manifest_path)?;
		let mut hasher = ModelHasher::new(&manifest_bytes);
		let mut files: HashMap<FileRole, (Vec<u8>, PathBuf)> = HashMap::new();
		for entry in &manifest.files {
			let path = manifest.resolve(entry, dir, opts.base_dir.as_deref());
			let bytes = read_file(&path, &missing_hint(entry.role))?;
			let digest = sha256(&bytes);
			let actual = crate::manifest::hex(&digest);
			if actual != entry.sha256 {
				return Err(EngineError::ShaMismatch {
					path,
					expected: entry.sha256.clone(),
					actual,
				});
			}
			hasher.add_file(&entry.path, &digest);
			files.insert(entry.role, (bytes, path));
		}
		let model_hash = hasher.finish();
		let get = |role: FileRole| -> Result<&(Vec<u8>, PathBuf)> {
			files.get(&role).ok_or_else(|| {
				EngineError::InvalidManifest(format!("no {role:?} file in the manifest"))
			})
		};
		let (c, w, t) = (
			get(FileRole::EncoderConfig)?,
			get(FileRole::EncoderWeights)?,
			get(FileRole::Tokenizer)?,
		);
		// A model that pins its precision runs at it whatever the node asked for.
		let pinned;
		let opts = match manifest.precision {
			Some(Precision::Int8)
				if opts.backend == Backend::Candle || opts.device != DeviceKind::Cpu =>
			{
				return Err(EngineError::Device(format!(
					"model `{}` is defined in int8 (manifest `precision`), which only the fast \
					 CPU backend runs: load it on the CPU",
					manifest.name
				)));
			},
			Some(precision) if precision != opts.precision => {
				pinned = EngineOptions {
					precision,
					..opts.clone()
				};
				&pinned
			},
			_ => opts,
		};
		let encoder = Encoder::load(
			EncoderFiles {
				config: (&c.0, &c.1),
				weights: (&w.0, &w.1),
				tokenizer: (&t.0, &t.1),
				adapter: files
					.get(&FileRole::EncoderAdapter)
					.map(|(b, p)| (b.as_slice(), p.as_path())),
			},
			manifest.max_len,
			opts,
		)?;
		let hidden = encoder.hidden_size();
		let (hb, hp) = get(FileRole::Head)?;
		let head = LinearHead::from_safetensors(hb, hp, manifest.labels.len(), hidden)?;
		let reason_head = match files.get(&FileRole::ReasonHead) {
			Some((rb, rp)) => Some(LinearHead::from_safetensors(
				rb,
				rp,
				manifest.reason_codes.len(),
				hidden,
			)?),
			None => None,
		};
		let scope_head = match files.get(&FileRole::ScopeHead) {
			Some((sb, sp)) => Some(LinearHead::from_safetensors(sb, sp, SCOPE_OUTPUTS, hidden)?),
			None => None,
		};
		let positive = manifest.positive_index();
		let guard = manifest
			.input_guard
			.map(|rule| Guard::new(rule, encoder.tokenizer()));
		Ok(Self {
			encoder,
			allowed_reasons: manifest.allowed_reasons(),
			guard,
			manifest,
			head,
			reason_head,
			scope_head,
			model_hash,
			positive,
			model_dir: dir.into(),
		})
	}

	/// The manifest.
	pub fn manifest(&self) -> &Manifest {
		&self.manifest
	}

	/// SHA-256 model hash (see [`crate::manifest`]).
	pub fn model_hash(&self) -> [u8; 32] {
		self.model_hash
	}

	/// The model directory it was loaded from.
	pub fn model_dir(&self) -> &Path {
		&self.model_dir
	}

	/// The encoder.
	pub fn encoder(&self) -> &Encoder {
		&self.encoder
	}

	/// The manifest's input guard, bound to the tokenizer (`None` when the manifest has none).
	pub fn guard(&self) -> Option<&Guard> {
		self.guard.as_ref()
	}

	/// Whether the input guard finds `input` (a model input, see [`Engine::classify_model_inputs`];
	/// `truncated`: longer than `max_len` tokens) unfit to judge; `false` without a guard.
	pub fn out_of_scope(&self, input: &str, truncated: bool) -> bool {
		self.guard
			.as_ref()
			.is_some_and(|g| g.out_of_scope(input, truncated))
	}

	/// Whether the scope head (manifest `scope_head`) finds that the text of this pooled
	/// embedding says nothing the model can judge: its `no_signal` logit exceeds its `in_scope`
	/// one. `false` without a scope head. Such a text is flagged out of scope and abstains, as
	/// one the input guard refuses.
	pub fn no_signal(&self, embedding: &[f32]) -> bool {
		self.scope_logit(embedding).is_some_and(|z| z > 0.0)
	}

	/// The scope head's `no_signal` logit minus its `in_scope` logit (`None` without a scope
	/// head): [`Engine::no_signal`] is `z > 0`.
	pub fn scope_logit(&self, embedding: &[f32]) -> Option<f64> {
		self.scope_head.as_ref().map(|h| {
			let l = h.logits(embedding);
			l[1] - l[0]
		})
	}

	/// Classifies UTF-8 texts; one result per text, in order.
	pub fn classify(&self, texts: &[&str]) -> Result<Vec<Classification>> {
		no_panic(|| {
			let scope = self.manifest.input;
			let inputs: Vec<&str> = texts.iter().map(|t| scope.select(t)).collect();
			let toks = self.encoder.tokenize(&inputs)?;
			self.classify_tokenized(&inputs, &toks, &vec![false; texts.len()])
		})
	}

	/// Classifies raw bytes: invalid UTF-8 is decoded lossily (U+FFFD) and flagged `lossy_utf8`.
	pub fn classify_bytes(&self, texts: &[&[u8]]) -> Result<Vec<Classification>> {
		no_panic(|| {
			let scope = self.manifest.input;
			let decoded: Vec<Cow<'_, str>> = texts
				.iter()
				.map(|t| String::from_utf8_lossy(scope.select_bytes(t)))
				.collect();
			let lossy: Vec<bool> = decoded.iter().map(|c| matches!(c, Cow::Owned(_))).collect();
			let refs: Vec<&str> = decoded.iter().map(|c| c.as_ref()).collect();
			let toks = self.encoder.tokenize(&refs)?;
			self.classify_tokenized(&refs, &toks, &lossy)
		})
	}

	/// Classifies texts that already are the model's input (raw bytes, no input-scope selection):
	/// what the off-chain worker sends, a transfer's memo or a record's text taken from the case.
	/// Invalid UTF-8 is decoded lossily and flagged `lossy_utf8`.
	pub fn classify_model_inputs(&self, inputs: &[&[u8]]) -> Result<Vec<Classification>> {
		no_panic(|| {
			let decoded: Vec<Cow<'_, str>> =
				inputs.iter().map(|t| String::from_utf8_lossy(t)).collect();
			let lossy: Vec<bool> = decoded.iter().map(|c| matches!(c, Cow::Owned(_))).collect();
			let refs: Vec<&str> = decoded.iter().map(|c| c.as_ref()).collect();
			let toks = self.encoder.tokenize(&refs)?;
			self.classify_tokenized(&refs, &toks, &lossy)
		})
	}

	/// Runs `f` on the engine's thread pool (see [`Encoder::install`]).
	pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
		self.encoder.install(f)
	}

	/// Mean-pooled, not normalised embeddings (one per text, in order) of the part of each text
	/// the model reads (the manifest's `input`), i.e. what the heads see.
	pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
		let scope = self.manifest.input;
		let inputs: Vec<&str> = texts.iter().map(|t| scope.select(t)).collect();
		no_panic(|| self.encoder.embed(&inputs))
	}

	fn classify_tokenized(
		&self,
		inputs: &[&str],
		toks: &[Tokenized],
		lossy: &[bool],
	) -> Result<Vec<Classification>> {
		let non_empty: Vec<usize> = (0..toks.len()).filter(|&i| !toks[i].empty).collect();
		let to_embed: Vec<Tokenized> = non_empty.iter().map(|&i| toks[i].clone()).collect();
		let embeddings = self.encoder.embed_tokenized(&to_embed)?;
		let mut out: Vec<Classification> = toks
			.iter()
			.zip(lossy)
			.zip(inputs)
			.map(|((t, &l), input)| Classification {
				// Defined result of an empty text: first non-positive label, score 0, abstain.
				label: if self.positive == 0 { 1 } else { 0 },
				score: 0,
				reason: 0,
				abstain: true,
				flags: Flags {
					truncated: t.truncated,
					lossy_utf8: l,
					empty: t.empty,
					out_of_scope: !t.empty && self.out_of_scope(input, t.truncated),
				},
			})
			.collect();
		for (&i, emb) in non_empty.iter().zip(&embeddings) {
			let (label, score, reason) = self.decide(emb);
			let c = &mut out[i];
			c.label = label;
			c.score = score;
			c.reason = reason;
			c.flags.out_of_scope |= self.no_signal(emb);
			c.abstain = c.flags.out_of_scope
				|| score.abs_diff(self.manifest.threshold) < self.manifest.abstain_margin;
		}
		Ok(out)
	}

	/// Head + decision rule on one embedding: (label, score, reason).
	///
	/// * score = round(10000 · softmax(logits)[positive]);
	/// * label = positive when `score >= threshold`, else the most probable other label;
	/// * reason = argmax of the reason head over the codes the manifest allows the label (0
	///   without a reason head).
	pub fn decide(&self, embedding: &[f32]) -> (u8, u16, u8) {
		let logits = self.head.logits(embedding);
		let probs = softmax(&logits);
		let p = probs.get(self.positive).copied().unwrap_or(0.0);
		let score = (p * 10_000.0).round().clamp(0.0, 10_000.0) as u16;
		let label = if score >= self.manifest.threshold {
			self.positive
		} else {
			argmax(&probs, Some(self.positive))
		};
		let reason = match &self.reason_head {
			Some(rh) => {
				let allowed = &self.allowed_reasons[label];
				let logits: Vec<f64> = rh
					.logits(embedding)
					.into_iter()
					.zip(allowed)
					.map(|(l, &ok)| if ok { l } else { f64::NEG_INFINITY })
					.collect();
				argmax(&logits, None)
			},
			None => 0,
		};
		(label as u8, score, reason as u8)
	}
}

/// What a node component (worker extension, RPC) needs from a classifier; implemented by
/// [`Engine`], easy to stub in tests.
pub trait Classifier: Send + Sync {
	/// Classifies UTF-8 texts (see [`Engine::classify`]).
	fn classify(&self, texts: &[&str]) -> Result<Vec<Classification>>;
	/// Classifies raw bytes (see [`Engine::classify_bytes`]).
	fn classify_bytes(&self, texts: &[&[u8]]) -> Result<Vec<Classification>>;
	/// Mean-pooled embeddings (see [`Engine::embed`]).
	fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
	/// The model hash.
	fn model_hash(&self) -> [u8; 32];
	/// The manifest of the loaded model.
	fn manifest(&self) -> &Manifest;
}

impl Classifier for Engine {
	fn classify(&self, texts: &[&str]) -> Result<Vec<Classification>> {
		Engine::classify(self, texts)
	}
	fn classify_bytes(&self, texts: &[&[u8]]) -> Result<Vec<Classification>> {
		Engine::classify_bytes(self, texts)
	}
	fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
		Engine::embed(self, texts)
	}
	fn model_hash(&self) -> [u8; 32] {
		self.model_hash
	}
	fn manifest(&self) -> &Manifest {
		&self.manifest
	}
}

/// The engine as the host functions see it: the texts are model inputs
/// ([`Engine::classify_model_inputs`]).
impl veritas_classifier_interface::ClassifyBatch for Engine {
	fn classify_batch(
		&self,
		texts: &[Vec<u8>],
	) -> std::result::Result<
		Vec<veritas_classifier_interface::Classification>,
		veritas_classifier_interface::BatchError,
	> {
		let refs: Vec<&[u8]> = texts.iter().map(|t| t.as_slice()).collect();
		self.classify_model_inputs(&refs)
			.map(|v| v.into_iter().map(Into::into).collect())
			.map_err(|e| veritas_classifier_interface::BatchError::Failed(e.to_string()))
	}

	fn model_hash(&self) -> Option<[u8; 32]> {
		Some(self.model_hash)
	}
}
