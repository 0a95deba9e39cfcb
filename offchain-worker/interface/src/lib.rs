//! # veritas-classifier-interface
//!
//! The `no_std` bridge between the Veritas runtime (its off-chain worker) and the node-side
//! classifier engine.
//!
//! * [`classifier`] — a `#[runtime_interface]` with the host functions
//!   [`classifier::classify_batch`], [`classifier::model_hash`] and
//!   [`classifier::note_submission`]. They only take byte slices and primitives and return a
//!   primitive status code ([`Status`]); results are written into a buffer the caller owns
//!   (`PassFatPointerAndReadWrite` / `PassPointerAndWrite`), no deprecated `AllocateAndReturn*`
//!   strategy is used.
//! * [`Classification`] — the per-text result, SCALE encodable, shared with the runtime/pallet.
//! * [`ClassifierExt`] (host side only) — the externalities extension that carries an
//!   `Arc<dyn ClassifyBatch + Send + Sync>`; the node registers it for off-chain workers only.
//!   When it is not registered the host functions return [`Status::NoExtension`], never panic.
//! * [`classify`] / [`engine_model_hash`] — safe wrappers for the runtime that encode the input,
//!   size the output buffer exactly, call the host function and decode the answer.
//!
//! The texts are the model's input exactly as the caller chose it (the pallet passes a
//! transfer's memo or a record's text, straight from the case): the host classifies them as
//! they are, with no parsing of a rendered form.
//!
//! Wire format of `classify_batch`:
//! * input: SCALE `Vec<Vec<u8>>` (the texts as raw bytes; invalid UTF-8 is decoded lossily by the
//!   engine and flagged).
//! * output: SCALE `Vec<Classification>` written from the start of the caller's buffer. Its size
//!   is known in advance: [`output_len`]`(n)` bytes for `n` texts (every `Classification` encodes
//!   to [`Classification::ENCODED_LEN`] bytes).
//! * return value: a [`Status`] as `u32`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;
// The host side (extension, panic catching) needs `std`; it is compiled whenever the crate is
// not built for the runtime, also without the `std` feature (e.g. a native `--no-default-features`
// check of a dependent crate).
#[cfg(all(not(feature = "std"), not(substrate_runtime)))]
extern crate std;

use alloc::vec::Vec;
use codec::{Compact, CompactLen, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime_interface::{
	pass_by::{PassFatPointerAndRead, PassFatPointerAndReadWrite, PassPointerAndWrite},
	runtime_interface,
};

#[cfg(not(substrate_runtime))]
mod host;
/// The classifier's host functions, for the node's executor (next to
/// `sp_io::SubstrateHostFunctions`).
#[cfg(not(substrate_runtime))]
pub use classifier::HostFunctions;
#[cfg(not(substrate_runtime))]
pub use host::{BatchError, ClassifierExt, ClassifyBatch};

/// Bit flags of [`Classification::flags`].
pub mod flags {
	/// The text was longer than the model's `max_len` tokens and was truncated.
	pub const TRUNCATED: u8 = 0b0000_0001;
	/// The input bytes were not valid UTF-8 and were decoded lossily (U+FFFD).
	pub const LOSSY_UTF8: u8 = 0b0000_0010;
	/// The text holds no token besides the special ones (empty or whitespace/control only).
	/// Such a text gets a defined result: label 0, score 0, reason 0, `abstain = true`.
	pub const EMPTY: u8 = 0b0000_0100;
	/// The model's input guard finds the text unfit to judge (too few English words, mostly
	/// another language, or longer than the model reads when the guard says so), or its scope
	/// head finds that the text says nothing the model can judge: the result abstains, and a
	/// validator votes `Abstain` whatever the score.
	pub const OUT_OF_SCOPE: u8 = 0b0000_1000;
}

/// The most texts one `classify_batch` call may carry.
pub const MAX_BATCH: u32 = 4096;

/// Result of classifying one text.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Classification {
	/// Index into the model's `labels` (e.g. 0 = "legit", 1 = "illicit").
	pub label: u8,
	/// Probability of the model's positive label, quantized to `0..=10000`.
	pub score: u16,
	/// Index into the model's `reason_codes` (0 when the model has no reason head).
	pub reason: u8,
	/// `true` when the score lies strictly within `abstain_margin` of the decision threshold (or
	/// the text is empty): the validator should vote `Abstain`.
	pub abstain: bool,
	/// Bit set of [`flags`].
	pub flags: u8,
}

impl Classification {
	/// Size of one SCALE-encoded `Classification` (1 + 2 + 1 + 1 + 1 bytes).
	pub const ENCODED_LEN: usize = 6;

	/// `true` when `flag` (one of [`flags`]) is set.
	pub fn has_flag(&self, flag: u8) -> bool {
		self.flags & flag != 0
	}
}

/// Exact size of the SCALE encoding of a `Vec<Classification>` of `n` items.
pub fn output_len(n: usize) -> usize {
	Compact::<u32>::compact_len(&(n as u32)) + n * Classification::ENCODED_LEN
}

/// Status code returned by the host functions (as `u32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[repr(u32)]
pub enum Status {
	/// Success; the output buffer holds the answer.
	Ok = 0,
	/// No [`ClassifierExt`] is registered in this context (e.g. block import, or a node run
	/// without a model). Not an error of the caller: just do not vote.
	NoExtension = 1,
	/// The engine failed (or panicked) on this batch.
	EngineError = 2,
	/// The output buffer is smaller than [`output_len`]`(n)`.
	BufferTooSmall = 3,
	/// The input is not a SCALE `Vec<Vec<u8>>`, has trailing bytes, or holds more than
	/// [`MAX_BATCH`] texts.
	InvalidInput = 4,
	/// An engine is registered but not ready: its model is still loading, or failed to load.
	/// Not an error of the caller: just do not vote (the node's log says why).
	NotReady = 5,
}

impl Status {
	/// Decodes a raw status code; unknown codes map to `None`.
	pub fn from_u32(code: u32) -> Option<Self> {
		Some(match code {
			0 => Status::Ok,
			1 => Status::NoExtension,
			2 => Status::EngineError,
			3 => Status::BufferTooSmall,
			4 => Status::InvalidInput,
			5 => Status::NotReady,
			_ => return None,
		})
	}
}

/// Error of the runtime-side wrappers [`classify`] and [`engine_model_hash`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum ClassifyError {
	/// The host returned a status other than [`Status::Ok`].
	Host(Status),
	/// The host returned an unknown status code.
	UnknownStatus(u32),
	/// The host's answer could not be decoded or had the wrong number of items.
	BadOutput,
	/// More than [`MAX_BATCH`] texts.
	TooManyTexts,
}

/// Host functions of the classifier. The module is `classifier`; its functions are callable from
/// the runtime (wasm) and natively (tests).
#[runtime_interface]
pub trait Classifier {
	/// Classifies a batch of texts.
	///
	/// `input`: SCALE `Vec<Vec<u8>>`. `output`: caller buffer of at least
	/// [`output_len`]`(n)` bytes, receives the SCALE `Vec<Classification>` from its start.
	/// Returns a [`Status`] code. Never panics: a missing extension, a malformed input, a too
	/// small buffer and an engine error or panic are all reported as codes.
	fn classify_batch(
		&mut self,
		input: PassFatPointerAndRead<&[u8]>,
		output: PassFatPointerAndReadWrite<&mut [u8]>,
	) -> u32 {
		use sp_externalities::ExternalitiesExt;
		match self.extension::<ClassifierExt>() {
			Some(ext) => host::classify_into(&*ext.0, input, output) as u32,
			None => Status::NoExtension as u32,
		}
	}

	/// Writes the 32-byte model hash of the registered engine into `out`.
	/// Returns a [`Status`] code ([`Status::NoExtension`] when no engine is registered).
	fn model_hash(&mut self, out: PassPointerAndWrite<&mut [u8; 32], 32>) -> u32 {
		use sp_externalities::ExternalitiesExt;
		match self.extension::<ClassifierExt>() {
			Some(ext) => match ext.0.model_hash() {
				Some(hash) => {
					*out = hash;
					Status::Ok as u32
				},
				None => Status::NotReady as u32,
			},
			None => Status::NoExtension as u32,
		}
	}

	/// Tells the node what became of a vote batch built from a `classify_batch` answer: `votes`
	/// votes, `accepted` = 1 when the transaction pool took the signed extrinsic, 0 when it
	/// refused it. Feeds the node's metrics; returns a [`Status`] code
	/// ([`Status::NoExtension`] when no engine is registered).
	fn note_submission(&mut self, votes: u32, accepted: u32) -> u32 {
		use sp_externalities::ExternalitiesExt;
		match self.extension::<ClassifierExt>() {
			Some(ext) => {
				ext.0.note_submission(votes, accepted != 0);
				Status::Ok as u32
			},
			None => Status::NoExtension as u32,
		}
	}
}

/// Runtime-side wrapper: classifies `texts` through the host function.
///
/// Encodes the texts, allocates an output buffer of exactly [`output_len`]`(texts.len())` bytes,
/// calls [`classifier::classify_batch`] and decodes the answer. One result per text, in order.
pub fn classify<T: AsRef<[u8]>>(texts: &[T]) -> Result<Vec<Classification>, ClassifyError> {
	if texts.len() > MAX_BATCH as usize {
		return Err(ClassifyError::TooManyTexts);
	}
	let owned: Vec<&[u8]> = texts.iter().map(|t| t.as_ref()).collect();
	let input = owned.encode(); // same encoding as Vec<Vec<u8>>
	let mut output = alloc::vec![0u8; output_len(texts.len())];
	let code = classifier::classify_batch(&input, &mut output);
	match Status::from_u32(code) {
		Some(Status::Ok) => {},
		Some(status) => return Err(ClassifyError::Host(status)),
		None => return Err(ClassifyError::UnknownStatus(code)),
	}
	let results =
		Vec::<Classification>::decode(&mut &output[..]).map_err(|_| ClassifyError::BadOutput)?;
	if results.len() != texts.len() {
		return Err(ClassifyError::BadOutput);
	}
	Ok(results)
}

/// Runtime-side wrapper: the model hash of the engine registered on this node.
pub fn engine_model_hash() -> Result<[u8; 32], ClassifyError> {
	let mut out = [0u8; 32];
	let code = classifier::model_hash(&mut out);
	match Status::from_u32(code) {
		Some(Status::Ok) => Ok(out),
		Some(status) => Err(ClassifyError::Host(status)),
		None => Err(ClassifyError::UnknownStatus(code)),
	}
}

/// Runtime-side wrapper: reports a submitted (`accepted`) or refused vote batch of `votes` votes
/// to the node's metrics. Best effort: without an engine registered there is nothing to report to.
pub fn note_submission(votes: u32, accepted: bool) {
	let _ = classifier::note_submission(votes, accepted as u32);
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn encoded_len_is_fixed() {
		let c = Classification {
			label: 1,
			score: 10000,
			reason: 7,
			abstain: true,
			flags: 0xff,
		};
		assert_eq!(c.encode().len(), Classification::ENCODED_LEN);
		assert_eq!(
			Classification::max_encoded_len(),
			Classification::ENCODED_LEN
		);
		for n in [0usize, 1, 63, 64, 100, 16383, 16384, 4096] {
			let v = alloc::vec![c; n];
			assert_eq!(v.encode().len(), output_len(n), "n = {n}");
		}
	}

	#[test]
	fn status_roundtrip() {
		for s in [
			Status::Ok,
			Status::NoExtension,
			Status::EngineError,
			Status::BufferTooSmall,
			Status::InvalidInput,
			Status::NotReady,
		] {
			assert_eq!(Status::from_u32(s as u32), Some(s));
		}
		assert_eq!(Status::from_u32(99), None);
	}

	#[test]
	fn slice_of_slices_encodes_like_vec_of_vecs() {
		let a: Vec<&[u8]> = alloc::vec![b"ab".as_slice(), b"".as_slice()];
		let b: Vec<Vec<u8>> = alloc::vec![b"ab".to_vec(), Vec::new()];
		assert_eq!(a.encode(), b.encode());
	}
}
