//! [`ClassifierService`]: the engine's life in the node (load, state, guarded calls).

use crate::{
	metrics::{Metrics, Source},
	unwind,
};
use std::{
	path::PathBuf,
	sync::{Arc, RwLock},
	time::Instant,
};
use substrate_prometheus_endpoint::Registry;
use veritas_classifier::{Classification, DeviceKind, Engine, EngineOptions, Manifest};
use veritas_classifier_interface::{BatchError, ClassifyBatch};

/// What the node loads, from its command line.
#[derive(Clone, Debug)]
pub struct ClassifierConfig {
	/// The model directory (`manifest.json` and the files it names).
	pub model_dir: PathBuf,
	/// CPU or a CUDA device.
	pub device: DeviceKind,
	/// Threads of the engine's own pool.
	pub threads: usize,
}

/// Where the engine stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineState {
	/// The model is being loaded and verified.
	Loading,
	/// The model is loaded; the node classifies and votes.
	Ready,
	/// The model did not load; the reason. The node runs on without voting.
	Failed(String),
	/// The node was started with `--no-vote`: no model is loaded.
	Disabled,
}

impl EngineState {
	/// The state as the `veritas_engine_state` gauge shows it.
	pub fn code(&self) -> u64 {
		match self {
			EngineState::Loading => 0,
			EngineState::Ready => 1,
			EngineState::Failed(_) => 2,
			EngineState::Disabled => 3,
		}
	}

	/// A short name: `loading`, `ready`, `failed` or `disabled`.
	pub fn name(&self) -> &'static str {
		match self {
			EngineState::Loading => "loading",
			EngineState::Ready => "ready",
			EngineState::Failed(_) => "failed",
			EngineState::Disabled => "disabled",
		}
	}
}

/// Why the service did not classify.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ServiceError {
	/// No engine to classify with (loading, failed, or disabled).
	#[error("the classifier is not ready ({0})")]
	NotReady(String),
	/// The engine returned an error for this batch.
	#[error("the classifier failed: {0}")]
	Failed(String),
	/// The engine panicked on this batch (on the calling thread or one of its pool's).
	#[error("the classifier panicked: {0}")]
	Panicked(String),
}

/// A classified batch.
#[derive(Clone, Debug)]
pub struct Classified {
	/// One result per text, in order.
	pub results: Vec<Classification>,
	/// The model hash of the engine that classified them.
	pub model_hash: [u8; 32],
	/// Wall time of the batch, in seconds.
	pub seconds: f64,
}

enum Slot {
	Loading,
	Ready(Arc<Engine>),
	Failed(String),
	Disabled,
}

/// The node's classifier: loads once, in the background, then classifies for the off-chain
/// worker (as its `ClassifierExt`) and for RPC.
pub struct ClassifierService {
	config: Option<ClassifierConfig>,
	slot: RwLock<Slot>,
	metrics: Option<Metrics>,
}

impl ClassifierService {
	/// Starts loading `config`'s model on a background thread and returns at once (state
	/// [`EngineState::Loading`]). Metrics go to `registry` when given.
	pub fn start(config: ClassifierConfig, registry: Option<&Registry>) -> Arc<Self> {
		let service = Arc::new(Self::new(Some(config), Slot::Loading, registry));
		let loader = service.clone();
		let spawned = std::thread::Builder::new()
			.name("veritas-classifier-load".into())
			.spawn(move || loader.load());
		if let Err(e) = spawned {
			service.set(Slot::Failed(format!(
				"could not start the loading thread: {e}"
			)));
		}
		service
	}

	/// Loads `config`'s model on the calling thread and returns when it is ready or failed.
	pub fn load_now(config: ClassifierConfig, registry: Option<&Registry>) -> Arc<Self> {
		let service = Arc::new(Self::new(Some(config), Slot::Loading, registry));
		service.load();
		service
	}

	/// A service that never loads a model (`--no-vote`).
	pub fn disabled(registry: Option<&Registry>) -> Arc<Self> {
		Arc::new(Self::new(None, Slot::Disabled, registry))
	}

	fn new(config: Option<ClassifierConfig>, slot: Slot, registry: Option<&Registry>) -> Self {
		let metrics = registry.and_then(|r| match Metrics::register(r) {
			Ok(m) => Some(m),
			Err(e) => {
				log::warn!(target: "verdicts", "classifier metrics not registered: {e}");
				None
			},
		});
		let service = Self {
			config,
			slot: RwLock::new(Slot::Loading),
			metrics,
		};
		service.set(slot);
		service
	}

	fn set(&self, slot: Slot) {
		let mut guard = match self.slot.write() {
			Ok(g) => g,
			Err(poisoned) => poisoned.into_inner(),
		};
		*guard = slot;
		drop(guard);
		if let Some(m) = &self.metrics {
			m.set_state(self.state().code());
		}
	}

	fn load(&self) {
		let Some(config) = self.config.clone() else {
			return;
		};
		let started = Instant::now();
		let opts = EngineOptions {
			device: config.device,
			threads: Some(config.threads.max(1)),
			thread_wrapper: Some(unwind::unwinding_threads()),
			..Default::default()
		};
		let loaded = unwind::catch_panic(|| Engine::load(&config.model_dir, opts))
			.map_err(|panic| format!("panicked while loading: {panic}"))
			.and_then(|r| r.map_err(|e| e.to_string()));
		match loaded {
			Ok(engine) => {
				log::info!(
					target: "verdicts",
					"classifier ready: {} v{} (model hash 0x{}) from {}, {} on {} thread(s), loaded in {:.1} s",
					engine.manifest().name,
					engine.manifest().version,
					hex(&engine.model_hash()),
					config.model_dir.display(),
					engine.encoder().backend_name(),
					engine.encoder().threads(),
					started.elapsed().as_secs_f64(),
				);
				self.set(Slot::Ready(Arc::new(engine)));
			},
			Err(reason) => {
				log::warn!(
					target: "verdicts",
					"the classifier did not load from {}: {reason}. This node keeps authoring, \
					 importing and finalizing blocks but casts no votes; fix the model (or pass \
					 --model-dir) and restart it.",
					config.model_dir.display(),
				);
				self.set(Slot::Failed(reason));
			},
		}
	}

	/// Where the engine stands.
	pub fn state(&self) -> EngineState {
		match &*self.read() {
			Slot::Loading => EngineState::Loading,
			Slot::Ready(_) => EngineState::Ready,
			Slot::Failed(reason) => EngineState::Failed(reason.clone()),
			Slot::Disabled => EngineState::Disabled,
		}
	}

	fn read(&self) -> std::sync::RwLockReadGuard<'_, Slot> {
		match self.slot.read() {
			Ok(g) => g,
			Err(poisoned) => poisoned.into_inner(),
		}
	}

	/// The loaded engine, if ready.
	pub fn engine(&self) -> Option<Arc<Engine>> {
		match &*self.read() {
			Slot::Ready(engine) => Some(engine.clone()),
			_ => None,
		}
	}

	/// What the node was configured to load (`None` with `--no-vote`).
	pub fn config(&self) -> Option<&ClassifierConfig> {
		self.config.as_ref()
	}

	/// The manifest of the loaded model.
	pub fn manifest(&self) -> Option<Manifest> {
		self.engine().map(|e| e.manifest().clone())
	}

	/// Runs `f` with the engine, on the engine's pool, with every thread involved unwinding on
	/// a panic: a panic becomes [`ServiceError::Panicked`] and the node runs on.
	pub fn with_engine<R: Send>(
		&self,
		f: impl FnOnce(&Engine) -> R + Send,
	) -> Result<R, ServiceError> {
		let engine = self.engine().ok_or_else(|| {
			ServiceError::NotReady(match self.state() {
				EngineState::Failed(reason) => format!("failed to load: {reason}"),
				state => state.name().to_string(),
			})
		})?;
		unwind::catch_panic(|| engine.install(|| f(&engine))).map_err(ServiceError::Panicked)
	}

	/// Classifies texts that are exactly the model's input (a memo, a record's text).
	pub fn classify(&self, texts: &[&[u8]], source: Source) -> Result<Classified, ServiceError> {
		let started = Instant::now();
		let (results, model_hash) = self
			.with_engine(|engine| {
				engine
					.classify_model_inputs(texts)
					.map(|r| (r, engine.model_hash()))
			})?
			.map_err(|e| ServiceError::Failed(e.to_string()))?;
		let seconds = started.elapsed().as_secs_f64();
		if let Some(m) = &self.metrics {
			m.observe_batch(source, texts.len(), seconds);
		}
		Ok(Classified {
			results,
			model_hash,
			seconds,
		})
	}
}

/// The service as the off-chain workers' `ClassifierExt` sees it.
impl ClassifyBatch for ClassifierService {
	fn classify_batch(
		&self,
		texts: &[Vec<u8>],
	) -> Result<Vec<veritas_classifier_interface::Classification>, BatchError> {
		let refs: Vec<&[u8]> = texts.iter().map(|t| t.as_slice()).collect();
		match self.classify(&refs, Source::Worker) {
			Ok(c) => Ok(c.results.into_iter().map(Into::into).collect()),
			Err(ServiceError::NotReady(reason)) => Err(BatchError::NotReady(reason)),
			Err(e) => Err(BatchError::Failed(e.to_string())),
		}
	}

	fn model_hash(&self) -> Option<[u8; 32]> {
		self.engine().map(|e| e.model_hash())
	}

	fn note_submission(&self, votes: u32, accepted: bool) {
		if let Some(m) = &self.metrics {
			m.note_submission(votes, accepted);
		}
	}
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
