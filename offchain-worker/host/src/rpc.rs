//! JSON-RPC: `verdicts_classify` (a wallet's pre-flight check: what would the validators vote
//! on this memo?) and `verdicts_modelInfo` (which model this node runs, and whether it is ready).

use crate::{
	metrics::Source,
	service::{hex, ClassifierService, EngineState, ServiceError},
};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::INVALID_PARAMS_CODE, ErrorObjectOwned},
};
use serde::Serialize;
use std::sync::Arc;
use veritas_classifier::Classification;

/// JSON-RPC error code: the classifier is loading, failed to load, or the node runs `--no-vote`.
pub const NOT_READY_CODE: i32 = 1001;
/// JSON-RPC error code: the classifier failed (or panicked) on this request.
pub const ENGINE_ERROR_CODE: i32 = 1002;

/// What one `verdicts_classify` call may ask for.
#[derive(Clone, Copy, Debug)]
pub struct RpcLimits {
	/// The most texts per call.
	pub max_texts: usize,
	/// The longest text, in bytes (the chain's `MaxTextLen`: a longer memo could not be
	/// submitted anyway).
	pub max_text_bytes: usize,
}

/// One text's result.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TextVerdict {
	/// The label's name, e.g. `legit` or `illicit`.
	pub label: String,
	/// The label's index in the model's labels.
	pub label_index: u8,
	/// The positive label's probability × 10 000.
	pub score: u16,
	/// The reason code's name.
	pub reason: String,
	/// The reason code's index (what a vote carries).
	pub reason_index: u8,
	/// The score lies within the abstain margin of the threshold (or the text is empty).
	pub abstain: bool,
	/// What this node's worker would vote with the model's threshold and margin: `approve`,
	/// `reject` or `abstain`.
	pub vote: String,
	/// The text was cut at the model's `max_len` tokens.
	pub truncated: bool,
	/// The text holds no token besides the special ones.
	pub empty: bool,
}

/// The answer of `verdicts_classify`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifyResponse {
	/// The model hash (0x-prefixed hex) of the engine that answered.
	pub model_hash: String,
	/// One result per text, in order.
	pub results: Vec<TextVerdict>,
	/// Time the classification took, in milliseconds.
	pub elapsed_ms: f64,
}

/// The answer of `verdicts_modelInfo`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfoResponse {
	/// `loading`, `ready`, `failed` or `disabled`.
	pub state: String,
	/// Why loading failed (state `failed`).
	pub error: Option<String>,
	/// The model hash (0x-prefixed hex), once ready.
	pub hash: Option<String>,
	/// The model's name, once ready.
	pub name: Option<String>,
	/// The model's version, once ready.
	pub version: Option<u32>,
	/// The model directory the node loads.
	pub model_dir: Option<String>,
	/// `cpu` or `cuda:N`.
	pub device: Option<String>,
	/// Threads of the engine's pool.
	pub threads: Option<usize>,
	/// The encoder implementation (`fast-cpu`, `candle-cpu`, `candle-cuda`), once ready.
	pub backend: Option<String>,
	/// Decision threshold on the score, once ready.
	pub threshold: Option<u16>,
	/// Abstain margin around the threshold, once ready.
	pub abstain_margin: Option<u16>,
}

/// The classifier's RPC methods.
#[rpc(server, namespace = "verdicts")]
pub trait ClassifierApi {
	/// Classifies `texts` (memos or record texts, each as the chain would store it) with this
	/// node's model: per text the label, score, reason, abstain flag and the vote it implies,
	/// with the model hash and the time taken.
	#[method(name = "classify", blocking)]
	fn classify(&self, texts: Vec<String>) -> RpcResult<ClassifyResponse>;

	/// The model this node classifies with: hash, name, device, threads, load state (and why it
	/// failed).
	#[method(name = "modelInfo")]
	fn model_info(&self) -> RpcResult<ModelInfoResponse>;
}

/// The implementation over a [`ClassifierService`].
pub struct ClassifierRpc {
	service: Arc<ClassifierService>,
	limits: RpcLimits,
}

impl ClassifierRpc {
	/// Serves `service` within `limits`.
	pub fn new(service: Arc<ClassifierService>, limits: RpcLimits) -> Self {
		Self { service, limits }
	}

	fn check(&self, texts: &[String]) -> Result<(), ErrorObjectOwned> {
		let invalid = |msg: String| ErrorObjectOwned::owned(INVALID_PARAMS_CODE, msg, None::<()>);
		if texts.len() > self.limits.max_texts {
			return Err(invalid(format!(
				"too many texts: {} (at most {} per call)",
				texts.len(),
				self.limits.max_texts
			)));
		}
		if let Some((i, t)) = texts
			.iter()
			.enumerate()
			.find(|(_, t)| t.len() > self.limits.max_text_bytes)
		{
			return Err(invalid(format!(
				"text {i} is {} bytes long (at most {} bytes, the chain's MaxTextLen)",
				t.len(),
				self.limits.max_text_bytes
			)));
		}
		Ok(())
	}
}

fn verdict(
	c: &Classification,
	labels: &[String],
	reasons: &[String],
	positive: usize,
) -> TextVerdict {
	let name = |names: &[String], i: u8| {
		names
			.get(i as usize)
			.cloned()
			.unwrap_or_else(|| i.to_string())
	};
	let vote = if c.abstain {
		"abstain"
	} else if c.label as usize == positive {
		"reject"
	} else {
		"approve"
	};
	TextVerdict {
		label: name(labels, c.label),
		label_index: c.label,
		score: c.score,
		reason: name(reasons, c.reason),
		reason_index: c.reason,
		abstain: c.abstain,
		vote: vote.into(),
		truncated: c.flags.truncated,
		empty: c.flags.empty,
	}
}

impl ClassifierApiServer for ClassifierRpc {
	fn classify(&self, texts: Vec<String>) -> RpcResult<ClassifyResponse> {
		self.check(&texts)?;
		let refs: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
		let classified = self
			.service
			.classify(&refs, Source::Rpc)
			.map_err(|e| match e {
				ServiceError::NotReady(_) => {
					ErrorObjectOwned::owned(NOT_READY_CODE, e.to_string(), None::<()>)
				},
				ServiceError::Failed(_) | ServiceError::Panicked(_) => {
					log::warn!(target: "verdicts", "verdicts_classify: {e}");
					ErrorObjectOwned::owned(ENGINE_ERROR_CODE, e.to_string(), None::<()>)
				},
			})?;
		let manifest = self.service.manifest().ok_or_else(|| {
			ErrorObjectOwned::owned(NOT_READY_CODE, "the classifier is not ready", None::<()>)
		})?;
		let positive = manifest.positive_index();
		Ok(ClassifyResponse {
			model_hash: format!("0x{}", hex(&classified.model_hash)),
			results: classified
				.results
				.iter()
				.map(|c| verdict(c, &manifest.labels, &manifest.reason_codes, positive))
				.collect(),
			elapsed_ms: classified.seconds * 1e3,
		})
	}

	fn model_info(&self) -> RpcResult<ModelInfoResponse> {
		let state = self.service.state();
		let engine = self.service.engine();
		let config = self.service.config();
		Ok(ModelInfoResponse {
			state: state.name().into(),
			error: match state {
				EngineState::Failed(reason) => Some(reason),
				_ => None,
			},
			hash: engine
				.as_ref()
				.map(|e| format!("0x{}", hex(&e.model_hash()))),
			name: engine.as_ref().map(|e| e.manifest().name.clone()),
			version: engine.as_ref().map(|e| e.manifest().version),
			model_dir: config.map(|c| c.model_dir.display().to_string()),
			device: config.map(|c| match c.device {
				veritas_classifier::DeviceKind::Cpu => "cpu".to_string(),
				veritas_classifier::DeviceKind::Cuda(i) => format!("cuda:{i}"),
			}),
			threads: engine
				.as_ref()
				.map(|e| e.encoder().threads())
				.or(config.map(|c| c.threads)),
			backend: engine
				.as_ref()
				.map(|e| e.encoder().backend_name().to_string()),
			threshold: engine.as_ref().map(|e| e.manifest().threshold),
			abstain_margin: engine.as_ref().map(|e| e.manifest().abstain_margin),
		})
	}
}
