//! Host side of the bridge: the extension type, the engine trait and the marshalling of
//! `classify_batch`. Compiled whenever the crate is not built for the runtime.

use crate::{output_len, Classification, Status, MAX_BATCH};
use alloc::{string::String, sync::Arc, vec::Vec};
use codec::{Decode, Encode};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Why an engine did not classify a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
	/// The engine is not ready (still loading, or its model failed to load); the reason is for
	/// the node's log. The runtime sees [`Status::NotReady`].
	NotReady(String),
	/// The engine failed on this batch; the reason is for the node's log. The runtime sees
	/// [`Status::EngineError`].
	Failed(String),
}

/// What the node-side engine offers the host functions. Implemented by the node's classifier
/// service (`veritas-classifier-host`), by the candle engine itself (`veritas-classifier`), and
/// by test doubles.
pub trait ClassifyBatch: Send + Sync {
	/// Classifies `texts`, each exactly the model's input (raw bytes; invalid UTF-8 is decoded
	/// lossily and flagged). Must return exactly one result per text, in order.
	fn classify_batch(&self, texts: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError>;

	/// The SHA-256 model hash of the loaded model (manifest + every file it names); `None`
	/// while no model is ready.
	fn model_hash(&self) -> Option<[u8; 32]>;

	/// A vote batch of `votes` votes was handed to the transaction pool (`accepted`) or refused
	/// by it. For metrics; the default ignores it.
	fn note_submission(&self, _votes: u32, _accepted: bool) {}
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
/// `output`. Never panics. Why a batch failed goes to the node's log (target `verdicts`).
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
		Ok(Ok(results)) => {
			log::warn!(
				target: "verdicts",
				"classifier answered {} results for {} texts; batch dropped",
				results.len(),
				texts.len()
			);
			return Status::EngineError;
		},
		Ok(Err(BatchError::NotReady(_))) => return Status::NotReady,
		Ok(Err(BatchError::Failed(reason))) => {
			log::warn!(
				target: "verdicts",
				"classifier failed a batch of {} texts: {reason}",
				texts.len()
			);
			return Status::EngineError;
		},
		Err(_) => {
			log::warn!(
				target: "verdicts",
				"classifier panicked on a batch of {} texts; batch dropped",
				texts.len()
			);
			return Status::EngineError;
		},
	};
	let encoded = results.encode();
	if encoded.len() != needed {
		return Status::EngineError;
	}
	output[..needed].copy_from_slice(&encoded);
	Status::Ok
}
