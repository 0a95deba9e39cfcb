//! # veritas-models
//!
//! Model tooling of Veritas: the labelled transaction dataset ([`data`], [`templates`],
//! [`perturb`]), cached frozen-encoder embeddings ([`embed`]), training of the linear task head
//! and reason head with candle-nn ([`train`]), evaluation reports ([`metrics`], [`report`]),
//! training curves as SVG ([`plot`]), the chain's operating point chosen on dev by the
//! cost of each outcome ([`operating`]), temperature scaling of the label head fitted on dev
//! ([`calibrate`]), comparing models on the same dev memos with a paired bootstrap ([`compare`]), the sealed test set's score count ([`sealed`]) and export of a model directory that
//! `veritas_classifier::Engine` loads ([`export`]). The `veritas-models` binary drives it all
//! (`generate`, `train`, `export`, `calibrate`, `operating-point`, `eval`, `compare`, `classify`); see `models/README.md`.

pub mod calibrate;
pub mod compare;
pub mod data;
pub mod embed;
pub mod evaluate;
pub mod export;
pub mod finetune;
pub mod metrics;
pub mod operating;
pub mod perturb;
pub mod plot;
pub mod report;
pub mod scope;
pub mod sealed;
pub mod templates;
pub mod train;
pub mod training;
