//! Shared by the host crate's tests: the published model of this checkout.

use std::path::PathBuf;
use veritas_classifier_host::ClassifierConfig;

/// `models/<name in models/PUBLISHED>`.
pub fn published_model_dir() -> PathBuf {
	let models = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models");
	let name = std::fs::read_to_string(models.join("PUBLISHED")).expect("models/PUBLISHED");
	models.join(name.trim())
}

/// The published model on the CPU with a pool of `threads`.
pub fn config(threads: usize) -> ClassifierConfig {
	ClassifierConfig {
		model_dir: published_model_dir(),
		device: Default::default(),
		threads,
	}
}
