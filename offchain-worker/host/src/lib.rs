//! # veritas-classifier-host
//!
//! The node side of the Veritas classifier. A validator's node owns one [`ClassifierService`]:
//!
//! * it loads the published model (`veritas-classifier`'s [`Engine`]) on a background thread, so
//!   the node imports and authors blocks from its first second and votes once the model is
//!   ready; a missing or corrupt model is one warning in the log, never a stopped node;
//! * it is the `ClassifierExt` externalities extension of the off-chain workers: the runtime's
//!   `classifier::classify_batch` host function reaches the engine through it;
//! * it serves the `verdicts_classify` / `verdicts_modelInfo` JSON-RPC methods ([`rpc`]) and the
//!   `veritas_*` Prometheus metrics ([`metrics`]);
//! * every call into the engine runs on the engine's own thread pool, whose threads (and the
//!   calling thread, for the duration of the call) unwind on a panic instead of letting the
//!   node's panic handler exit the process ([`unwind`]): a panic is an error for that one batch.
//!
//! [`Engine`]: veritas_classifier::Engine

#![warn(missing_docs)]

#[cfg(feature = "fault-injection")]
pub mod fault;
pub mod metrics;
pub mod rpc;
pub mod service;
pub mod unwind;

pub use service::{Classified, ClassifierConfig, ClassifierService, EngineState, ServiceError};
