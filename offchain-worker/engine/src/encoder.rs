//! The sentence encoder: tokenizer + BERT + mean pooling.

use crate::error::{read_file, EngineError, Result};
use crate::fast::{self, Dims, FastBert};
use crate::kernels::Isa;
use crate::quant::Precision;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, HiddenAct};
use std::path::{Path, PathBuf};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// Where the engine computes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceKind {
	/// CPU (default).
	#[default]
	Cpu,
	/// CUDA device with this ordinal; needs the `cuda` cargo feature.
	Cuda(usize),
}

impl std::str::FromStr for DeviceKind {
	type Err = String;
	/// `cpu`, `cuda` (= `cuda:0`) or `cuda:N`.
	fn from_str(s: &str) -> std::result::Result<Self, String> {
		match s {
			"cpu" => Ok(DeviceKind::Cpu),
			"cuda" => Ok(DeviceKind::Cuda(0)),
			_ => s
				.strip_prefix("cuda:")
				.and_then(|n| n.parse().ok())
				.map(DeviceKind::Cuda)
				.ok_or_else(|| format!("unknown device `{s}` (cpu, cuda, cuda:N)")),
		}
	}
}

/// Which encoder implementation runs the numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
	/// `Fast` on CPU, `Candle` on CUDA.
	#[default]
	Auto,
	/// candle-transformers' stock `BertModel` (any device).
	Candle,
	/// The engine's own packed CPU encoder ([`crate::fast`]); CPU only.
	Fast,
}

impl std::str::FromStr for Backend {
	type Err = String;
	fn from_str(s: &str) -> std::result::Result<Self, String> {
		match s {
			"auto" => Ok(Backend::Auto),
			"candle" => Ok(Backend::Candle),
			"fast" => Ok(Backend::Fast),
			_ => Err(format!("unknown backend `{s}` (auto, candle, fast)")),
		}
	}
}

/// Options of [`crate::Engine::load`] and [`Encoder::load_dir`].
#[derive(Clone, Debug)]
pub struct EngineOptions {
	/// Device (default CPU).
	pub device: DeviceKind,
	/// Worker threads for the CPU computation. `None`: rayon's global pool (size from
	/// `RAYON_NUM_THREADS`, else the number of CPUs). `Some(n)`: the engine builds its own rayon
	/// pool of `n` threads and runs tokenization, the matmuls (gemm) and attention inside it.
	pub threads: Option<usize>,
	/// Texts per forward pass (default 32).
	pub batch_size: usize,
	/// Sort texts by token count before batching (default true); results keep input order.
	pub sort_by_length: bool,
	/// Folder holding the base encoder files (`config.json`, `model.safetensors`,
	/// `tokenizer.json`); overrides the paths of the manifest's encoder entries (looked up by
	/// file name). `None`: the manifest's paths, relative to the model directory.
	pub base_dir: Option<PathBuf>,
	/// Encoder implementation (default [`Backend::Auto`]).
	pub backend: Backend,
	/// Precision of the fast backend's linear layers (default f32; the candle backend refuses
	/// anything else).
	pub precision: Precision,
	/// Instruction set of the fast backend's element-wise kernels. `None` (default): the best
	/// this CPU has ([`Isa::detect`]); a set the CPU lacks is refused.
	pub isa: Option<Isa>,
	/// Runs each thread of the engine's own pool (`threads = Some(n)`): the node wraps them so
	/// that a panic on one of them unwinds (and is reported as an error) instead of taking the
	/// process down. `None`: plain threads.
	pub thread_wrapper: Option<ThreadWrapper>,
}

/// A function every thread of the engine's pool runs its work through: it receives the thread's
/// main loop and must call it (e.g. after setting up a panic guard).
#[derive(Clone)]
pub struct ThreadWrapper(pub std::sync::Arc<dyn Fn(ThreadMain) + Send + Sync>);

/// The main loop of one pool thread, as a [`ThreadWrapper`] receives it.
pub type ThreadMain = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for ThreadWrapper {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("ThreadWrapper(..)")
	}
}

impl Default for EngineOptions {
	fn default() -> Self {
		Self {
			device: DeviceKind::Cpu,
			threads: None,
			batch_size: 32,
			sort_by_length: true,
			base_dir: None,
			backend: Backend::Auto,
			precision: Precision::F32,
			isa: None,
			thread_wrapper: None,
		}
	}
}

/// A text after tokenization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokenized {
	/// Token ids including `[CLS]` and `[SEP]`, truncated to `max_len`.
	pub ids: Vec<u32>,
	/// The text did not fit in `max_len` tokens.
	pub truncated: bool,
	/// Only special tokens (the text is empty or whitespace/control characters only).
	pub empty: bool,
}

enum Model {
	Candle(Box<BertModel>),
	Fast(Box<FastBert>),
}

/// Tokenizer + BERT encoder + mean pooling.
pub struct Encoder {
	model: Model,
	tokenizer: Tokenizer,
	device: Device,
	pool: Option<rayon::ThreadPool>,
	max_len: usize,
	hidden: usize,
	pad_id: u32,
	batch_size: usize,
	sort_by_length: bool,
}

/// Raw bytes of the three encoder files (already read, and verified by the caller if needed).
pub struct EncoderFiles<'a> {
	/// `config.json` and where it came from (for error messages).
	pub config: (&'a [u8], &'a Path),
	/// `model.safetensors`.
	pub weights: (&'a [u8], &'a Path),
	/// `tokenizer.json`.
	pub tokenizer: (&'a [u8], &'a Path),
	/// Optional adapter applied to the weights (see [`crate::adapter`]).
	pub adapter: Option<(&'a [u8], &'a Path)>,
}

fn make_device(kind: DeviceKind) -> Result<Device> {
	match kind {
		DeviceKind::Cpu => Ok(Device::Cpu),
		#[cfg(feature = "cuda")]
		DeviceKind::Cuda(i) => {
			Device::new_cuda(i).map_err(|e| EngineError::Device(format!("cuda:{i}: {e}")))
		},
		#[cfg(not(feature = "cuda"))]
		DeviceKind::Cuda(i) => Err(EngineError::Device(format!(
			"cuda:{i} requested but the engine was built without the `cuda` feature"
		))),
	}
}

impl Encoder {
	/// Loads from a folder holding `config.json`, `model.safetensors` and `tokenizer.json`
	/// (no hash check: use [`crate::Engine::load`] for a verified model).
	pub fn load_dir(dir: impl AsRef<Path>, max_len: usize, opts: &EngineOptions) -> Result<Self> {
		Self::load_dir_adapted(dir, None, max_len, opts)
	}

	/// [`Encoder::load_dir`] with an optional encoder adapter file applied (see
	/// [`crate::adapter`]).
	pub fn load_dir_adapted(
		dir: impl AsRef<Path>,
		adapter: Option<&Path>,
		max_len: usize,
		opts: &EngineOptions,
	) -> Result<Self> {
		let dir = dir.as_ref();
		let hint = " (the base encoder files are not in the repository: run models/fetch-base.sh)";
		let cp = dir.join("config.json");
		let wp = dir.join("model.safetensors");
		let tp = dir.join("tokenizer.json");
		let (c, w, t) = (
			read_file(&cp, hint)?,
			read_file(&wp, hint)?,
			read_file(&tp, hint)?,
		);
		let a = match adapter {
			Some(p) => Some((read_file(p, "")?, p)),
			None => None,
		};
		Self::load(
			EncoderFiles {
				config: (&c, &cp),
				weights: (&w, &wp),
				tokenizer: (&t, &tp),
				adapter: a.as_ref().map(|(b, p)| (b.as_slice(), *p)),
			},
			max_len,
			opts,
		)
	}

	/// Builds the encoder from file bytes.
	pub fn load(files: EncoderFiles<'_>, max_len: usize, opts: &EngineOptions) -> Result<Self> {
		if !(3..=crate::manifest::MAX_SEQ_LEN).contains(&max_len) {
			return Err(EngineError::InvalidManifest(format!(
				"max_len {max_len} not in 3..=512"
			)));
		}
		let (cfg_bytes, cfg_path) = files.config;
		let cfg_err = |reason: String| EngineError::EncoderConfig {
			path: cfg_path.to_path_buf(),
			reason,
		};
		let config: Config =
			serde_json::from_slice(cfg_bytes).map_err(|e| cfg_err(e.to_string()))?;
		if config.num_attention_heads == 0
			|| !config
				.hidden_size
				.is_multiple_of(config.num_attention_heads)
		{
			return Err(cfg_err(
				"hidden_size is not a multiple of num_attention_heads".into(),
			));
		}
		if config.max_position_embeddings < max_len {
			return Err(cfg_err(format!(
				"max_position_embeddings {} < max_len {max_len}",
				config.max_position_embeddings
			)));
		}
		let device = make_device(opts.device)?;
		let backend = match (opts.backend, device.is_cpu()) {
			(Backend::Auto, true) if config.hidden_act == HiddenAct::Gelu => Backend::Fast,
			(Backend::Auto, _) => Backend::Candle,
			(Backend::Fast, false) => {
				return Err(EngineError::Device(
					"the fast backend runs on CPU only".into(),
				))
			},
			(Backend::Fast, true) if config.hidden_act != HiddenAct::Gelu => {
				return Err(cfg_err(
					"the fast backend supports hidden_act = gelu only".into(),
				))
			},
			(b, _) => b,
		};

		if backend != Backend::Fast && opts.precision != Precision::F32 {
			return Err(EngineError::Device(format!(
				"precision {} needs the fast backend (CPU)",
				opts.precision.name()
			)));
		}
		let isa = match opts.isa {
			None => Isa::detect(),
			Some(isa) if isa.available() => isa,
			Some(isa) => {
				return Err(EngineError::Device(format!(
					"this CPU cannot run the {} kernels",
					isa.name()
				)))
			},
		};
		let (w_bytes, w_path) = files.weights;
		let corrupt = |e: candle_core::Error| EngineError::CorruptWeights {
			path: w_path.to_path_buf(),
			reason: e.to_string(),
		};
		let vb = match files.adapter {
			None => fast::var_builder(w_bytes, &device).map_err(corrupt)?,
			Some((a_bytes, a_path)) => {
				let mut tensors =
					candle_core::safetensors::load_buffer(w_bytes, &device).map_err(corrupt)?;
				crate::adapter::apply(&mut tensors, a_bytes, a_path, &device)?;
				VarBuilder::from_tensors(tensors, DType::F32, &device)
			},
		};
		let model = match backend {
			Backend::Fast => {
				let dims = Dims {
					hidden: config.hidden_size,
					heads: config.num_attention_heads,
					intermediate: config.intermediate_size,
					layers: config.num_hidden_layers,
					max_positions: config.max_position_embeddings,
					vocab: config.vocab_size,
					eps: config.layer_norm_eps as f32,
				};
				Model::Fast(Box::new(
					FastBert::load(vb, dims, opts.precision, isa).map_err(|e| {
						EngineError::CorruptWeights {
							path: w_path.to_path_buf(),
							reason: e.to_string(),
						}
					})?,
				))
			},
			_ => Model::Candle(Box::new(BertModel::load(vb, &config).map_err(corrupt)?)),
		};

		let (t_bytes, _t_path) = files.tokenizer;
		let mut tokenizer =
			Tokenizer::from_bytes(t_bytes).map_err(|e| EngineError::Tokenizer(e.to_string()))?;
		// The shipped tokenizer pads to a fixed 128 tokens. We tokenize every text unpadded and
		// pad each batch to its longest text ourselves (PaddingStrategy::BatchLongest semantics).
		tokenizer.with_padding(None);
		tokenizer
			.with_truncation(Some(TruncationParams {
				direction: TruncationDirection::Right,
				max_length: max_len,
				strategy: TruncationStrategy::LongestFirst,
				stride: 0,
			}))
			.map_err(|e| EngineError::Tokenizer(e.to_string()))?;
		let pad_id = tokenizer
			.token_to_id("[PAD]")
			.unwrap_or(config.pad_token_id as u32);

		let pool = match opts.threads {
			Some(n) => Some(build_pool(n, opts.thread_wrapper.clone())?),
			None => None,
		};

		Ok(Self {
			model,
			tokenizer,
			device,
			pool,
			max_len,
			hidden: config.hidden_size,
			pad_id,
			batch_size: opts.batch_size.max(1),
			sort_by_length: opts.sort_by_length,
		})
	}

	/// Width of the embeddings.
	pub fn hidden_size(&self) -> usize {
		self.hidden
	}

	/// Truncation length in tokens.
	pub fn max_len(&self) -> usize {
		self.max_len
	}

	/// Name of the encoder implementation in use (`candle` or `fast`) and device.
	pub fn backend_name(&self) -> &'static str {
		match (&self.model, self.device.is_cpu()) {
			(Model::Fast(_), _) => "fast-cpu",
			(Model::Candle(_), true) => "candle-cpu",
			(Model::Candle(_), false) => "candle-cuda",
		}
	}

	/// The kernels the encoder runs on (`candle` for the stock model), e.g. `f32 gemm, avx512`.
	pub fn kernels(&self) -> String {
		match &self.model {
			Model::Fast(m) => m.kernels(),
			Model::Candle(_) => "candle".into(),
		}
	}

	/// Threads used by the computation.
	pub fn threads(&self) -> usize {
		match &self.pool {
			Some(p) => p.current_num_threads(),
			None => rayon::current_num_threads(),
		}
	}

	/// The tokenizer, as configured by the engine (no padding, truncation at `max_len`).
	pub fn tokenizer(&self) -> &Tokenizer {
		&self.tokenizer
	}

	/// Runs `f` on the engine's pool (on the calling thread when the engine uses rayon's global
	/// pool). Everything the engine parallelises inside `f` (tokenization, gemm, attention) runs
	/// on that pool's threads.
	pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
		match &self.pool {
			Some(pool) => pool.install(f),
			None => f(),
		}
	}

	/// Tokenizes texts (truncating at `max_len`, unpadded).
	pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Tokenized>> {
		self.install(|| {
			let encodings = self
				.tokenizer
				.encode_batch_fast(texts.to_vec(), true)
				.map_err(|e| EngineError::Tokenizer(e.to_string()))?;
			Ok(encodings
				.into_iter()
				.map(|e| Tokenized {
					empty: e.get_special_tokens_mask().iter().all(|&m| m == 1),
					truncated: !e.get_overflowing().is_empty(),
					ids: e.get_ids().to_vec(),
				})
				.collect())
		})
	}

	/// Mean-pooled (not normalised) embeddings, one per text, in input order.
	pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
		let toks = self.tokenize(texts)?;
		self.embed_tokenized(&toks)
	}

	/// Tokenizes and embeds `texts` in batches of `batch_size`, sorted by length or in input
	/// order (results in input order).
	pub fn embed_with(
		&self,
		texts: &[&str],
		batch_size: usize,
		sort_by_length: bool,
	) -> Result<Vec<Vec<f32>>> {
		let toks = self.tokenize(texts)?;
		self.embed_tokenized_with(&toks, batch_size, sort_by_length)
	}

	/// Embeds tokenized texts with the encoder's batch size and ordering.
	pub fn embed_tokenized(&self, toks: &[Tokenized]) -> Result<Vec<Vec<f32>>> {
		self.embed_tokenized_with(toks, self.batch_size, self.sort_by_length)
	}

	/// Embeds tokenized texts in batches of `batch_size`, sorted by length or in input order;
	/// results are in input order either way.
	pub fn embed_tokenized_with(
		&self,
		toks: &[Tokenized],
		batch_size: usize,
		sort_by_length: bool,
	) -> Result<Vec<Vec<f32>>> {
		let mut order: Vec<usize> = (0..toks.len()).collect();
		if sort_by_length {
			order.sort_by_key(|&i| toks[i].ids.len());
		}
		let mut out: Vec<Vec<f32>> = vec![Vec::new(); toks.len()];
		for chunk in order.chunks(batch_size.max(1)) {
			let seqs: Vec<&[u32]> = chunk.iter().map(|&i| toks[i].ids.as_slice()).collect();
			let pooled = self.install(|| self.forward(&seqs))?;
			for (&i, v) in chunk.iter().zip(pooled) {
				out[i] = v;
			}
		}
		Ok(out)
	}

	/// One forward pass over one batch (padded to its longest text for the candle backend).
	fn forward(&self, seqs: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
		if seqs.is_empty() {
			return Ok(Vec::new());
		}
		if let Some(s) = seqs.iter().find(|s| s.is_empty() || s.len() > self.max_len) {
			return Err(EngineError::Tensor(format!(
				"token sequence of length {} not in 1..={}",
				s.len(),
				self.max_len
			)));
		}
		match &self.model {
			Model::Fast(m) => m.embed(seqs, self.threads()),
			Model::Candle(m) => {
				let b = seqs.len();
				let l = seqs.iter().map(|s| s.len()).max().unwrap_or(1);
				let mut ids = vec![self.pad_id; b * l];
				let mut mask = vec![0u32; b * l];
				for (r, s) in seqs.iter().enumerate() {
					ids[r * l..r * l + s.len()].copy_from_slice(s);
					mask[r * l..r * l + s.len()].iter_mut().for_each(|m| *m = 1);
				}
				let ids = Tensor::from_vec(ids, (b, l), &self.device)?;
				let mask = Tensor::from_vec(mask, (b, l), &self.device)?;
				let type_ids = ids.zeros_like()?;
				let hidden = m.forward(&ids, &type_ids, Some(&mask))?;
				let maskf = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
				let summed = hidden.broadcast_mul(&maskf)?.sum(1)?;
				let counts = maskf.sum(1)?;
				let pooled = summed.broadcast_div(&counts)?;
				Ok(pooled.to_device(&Device::Cpu)?.to_vec2::<f32>()?)
			},
		}
	}
}

/// The engine's own rayon pool of `threads` threads named `veritas-classifier-<i>`, each running
/// through `wrapper` when one is given.
fn build_pool(threads: usize, wrapper: Option<ThreadWrapper>) -> Result<rayon::ThreadPool> {
	let builder = rayon::ThreadPoolBuilder::new()
		.num_threads(threads.max(1))
		.thread_name(|i| format!("veritas-classifier-{i}"));
	let built = match wrapper {
		None => builder.build(),
		Some(wrapper) => builder
			.spawn_handler(move |thread| {
				let wrapper = wrapper.clone();
				let mut b = std::thread::Builder::new();
				if let Some(name) = thread.name() {
					b = b.name(name.to_owned());
				}
				if let Some(size) = thread.stack_size() {
					b = b.stack_size(size);
				}
				b.spawn(move || (wrapper.0)(Box::new(move || thread.run())))?;
				Ok(())
			})
			.build(),
	};
	built.map_err(|e| EngineError::ThreadPool(e.to_string()))
}
