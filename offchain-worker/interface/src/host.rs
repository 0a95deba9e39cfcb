//! Host side of the bridge: the extension type, the engine trait and the marshalling of
//! `classify_batch`. Compiled whenever the crate is not built for the runtime.

use crate::{output_len, Classification, Status, MAX_BATCH};
use alloc::{string::String, sync::Arc, vec::Vec};
use codec::{Decode, Encode};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What the node-side engine offers the host functions. Implemented by the candle engine
/// (`veritas-classifier`), and by stubs in tests.
pub trait ClassifyBatch: Send + Sync {
	/// Classifies `texts` (raw bytes; invalid UTF-8 is decoded lossily and flagged). Must return
	/// exactly one result per text, in order. An `Err` carries a human readable reason for the
	/// node's log; the runtime only sees [`Status::EngineError`].
	fn classify_batch(&self, texts: &[Vec<u8>]) -> Result<Vec<Classification>, String>;

	/// The SHA-256 model hash of the loaded model (manifest + every file it names).
	fn model_hash(&self) -> [u8; 32];
}

sp_externalities::decl_extension! {
	/// Externalities extension that gives the `classifier` host functions access to the engine.
	/// Register it only for off-chain workers (`OffchainWorkerOptions::custom_extensions`).
	pub struct ClassifierExt(Arc<dyn ClassifyBatch + Send + Sync>);
}

impl ClassifierExt {
	/// Wraps an engine.
	pub fn new(engine: Arc<dyn ClassifyBatch + Send + Sync>) -> Self {
		Self(engine)
	}
}

/// Decodes `input`, runs the engine (catching panics) and writes the encoded answer into
/// `output`. Never panics.
pub(crate) fn classify_into(
	engine: &(dyn ClassifyBatch + Send + Sync),
	input: &[u8],
	output: &mut [u8],
) -> Status {
	let mut cursor = input;
	let texts = match Vec::<Vec<u8>>::decode(&mut cursor) {
		Ok(texts) if cursor.is_empty() && texts.len() <= MAX_BATCH as usize => texts,
		_ => return Status::InvalidInput,
	};
	let needed = output_len(texts.len());
	if output.len() < needed {
		return Status::BufferTooSmall;
	}
	let results = match catch_unwind(AssertUnwindSafe(|| engine.classify_batch(&texts))) {
		Ok(Ok(results)) if results.len() == texts.len() => results,
		Ok(Ok(_)) | Ok(Err(_)) | Err(_) => return Status::EngineError,
	};
	let encoded = results.encode();
	if encoded.len() != needed {
		return Status::EngineError;
	}
	output[..needed].copy_from_slice(&encoded);
	Status::Ok
}
