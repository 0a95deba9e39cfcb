//! # veritas-classifier
//!
//! The node-side transaction classifier of Veritas: a BERT-family sentence encoder
//! (all-MiniLM-L6-v2) run with candle, mean pooling, and a linear task head, turning texts into
//! quantized verdicts ([`Classification`]) that validators vote with.
//!
//! * [`Engine`] — load a verified model directory ([`Manifest`] + files) and classify/embed.
//! * [`Encoder`] — tokenizer + encoder + pooling alone (benchmarks, training, numerics tests).
//! * [`manifest`] — the typed `manifest.json` and the model hash.
//! * The engine implements [`veritas_classifier_interface::ClassifyBatch`], so the node can
//!   register it as the `ClassifierExt` externalities extension for off-chain workers.
//!
//! ## Threads
//! By default the CPU work runs on rayon's global pool (`RAYON_NUM_THREADS`, else one thread per
//! CPU). With [`EngineOptions::threads`] = `Some(n)` the engine owns a rayon pool of `n` threads
//! and runs tokenization, the matmuls and attention inside it. (candle's own matmul asks gemm for
//! `RAYON_NUM_THREADS`/physical-core many tasks; they still execute on the engine's pool.)
//!
//! ## Backends
//! * `fast` (default on CPU): [`fast`]'s packed encoder (no padding, fused QKV, bias folded into
//!   the matmul, vectorised GELU/softmax/layer norm dispatched at run time on AVX-512, AVX2 or
//!   baseline x86-64) — same numerics, checked against the reference embeddings. Its linear
//!   layers run in f32 (`gemm`) or, with [`EngineOptions::precision`] = [`Precision::Int8`], in
//!   int8 ([`quant`]: AVX-512 VNNI, AVX2 or portable, the same bits).
//! * `candle`: candle-transformers' stock `BertModel`, batches padded to their longest text. The
//!   only backend on CUDA (`cuda` cargo feature).

#![warn(missing_docs)]

pub mod adapter;
pub mod authoring;
pub mod drift;
pub mod encoder;
pub mod engine;
pub mod error;
pub mod fast;
pub mod guard;
pub mod kernels;
pub mod locate;
pub mod manifest;
mod packed;
pub mod quant;

pub use encoder::{
	Backend, DeviceKind, Encoder, EncoderFiles, EngineOptions, ThreadMain, ThreadWrapper, Tokenized,
};
pub use engine::{softmax, Classification, Classifier, Engine, Flags, LinearHead, SCOPE_OUTPUTS};
pub use error::{EngineError, Result};
pub use guard::{Guard, InputGuard};
pub use kernels::Isa;
pub use manifest::{model_hash, FileEntry, FileRole, InputScope, Manifest};
pub use quant::{Int8Kernel, Precision};
pub use veritas_classifier_interface as interface;
