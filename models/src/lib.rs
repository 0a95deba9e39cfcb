//! # veritas-models
//!
//! Model tooling of Veritas: the labelled transaction dataset ([`data`], [`templates`],
//! [`perturb`]), cached frozen-encoder embeddings ([`embed`]), training of the linear task head
//! and reason head with candle-nn ([`train`]), evaluation reports ([`metrics`], [`report`]),
//! training curves as PNG ([`plot`]) and export of a model directory that
//! `veritas_classifier::Engine` loads ([`export`]). The `veritas-models` binary drives it all
//! (`generate`, `train`, `export`, `eval`, `classify`); see `models/README.md`.

pub mod data;
pub mod embed;
pub mod export;
pub mod finetune;
pub mod metrics;
pub mod perturb;
pub mod plot;
pub mod report;
pub mod templates;
pub mod train;
