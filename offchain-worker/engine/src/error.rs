//! Errors of the engine. Every failure is a value of [`EngineError`]; the engine never panics on
//! user input or on bad model files.

use std::path::PathBuf;

/// Everything that can go wrong while loading a model or classifying texts.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
	/// A file could not be read (other than "not found", see [`EngineError::MissingFile`]).
	#[error("cannot read {path}: {source}")]
	Io {
		/// The file.
		path: PathBuf,
		/// The OS error.
		#[source]
		source: std::io::Error,
	},
	/// A file that must exist (the manifest, or a file the manifest names) is missing.
	#[error("missing file {path}{hint}")]
	MissingFile {
		/// The resolved path.
		path: PathBuf,
		/// Extra help (e.g. "run models/fetch-base.sh").
		hint: String,
	},
	/// `manifest.json` is not valid JSON of the expected shape.
	#[error("cannot parse manifest {path}: {reason}")]
	ManifestParse {
		/// The manifest file.
		path: PathBuf,
		/// Parser message.
		reason: String,
	},
	/// `manifest.json` parses but breaks a rule (see [`crate::Manifest::validate`]).
	#[error("invalid manifest: {0}")]
	InvalidManifest(String),
	/// A file's SHA-256 differs from the one recorded in the manifest.
	#[error("sha256 mismatch for {path}: manifest says {expected}, file has {actual}")]
	ShaMismatch {
		/// The resolved path.
		path: PathBuf,
		/// The sum in the manifest.
		expected: String,
		/// The sum of the file's bytes.
		actual: String,
	},
	/// A safetensors file (encoder weights or head) is corrupt or not safetensors at all.
	#[error("corrupt safetensors file {path}: {reason}")]
	CorruptWeights {
		/// The file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
	/// A head's tensors have the wrong name, dtype or shape.
	#[error("head {path} does not fit: {reason}")]
	HeadMismatch {
		/// The head file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
	/// An encoder adapter names a tensor the base lacks, or its tensors do not fit.
	#[error("encoder adapter {path} does not fit the base encoder: {reason}")]
	AdapterMismatch {
		/// The adapter file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
	/// The encoder's `config.json` is invalid or describes an unsupported model.
	#[error("invalid encoder config {path}: {reason}")]
	EncoderConfig {
		/// The config file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
	/// `tokenizer.json` could not be loaded or a text could not be tokenized.
	#[error("tokenizer: {0}")]
	Tokenizer(String),
	/// The requested device is not available (e.g. `cuda` without the `cuda` feature).
	#[error("device unavailable: {0}")]
	Device(String),
	/// The thread pool could not be built.
	#[error("thread pool: {0}")]
	ThreadPool(String),
	/// A tensor operation failed.
	#[error("tensor operation failed: {0}")]
	Tensor(String),
	/// The engine panicked (caught); the message is the panic payload when it is a string.
	#[error("engine panicked: {0}")]
	Panic(String),
}

impl From<candle_core::Error> for EngineError {
	fn from(e: candle_core::Error) -> Self {
		EngineError::Tensor(e.to_string())
	}
}

/// Result alias of the engine.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Reads a file, mapping "not found" to [`EngineError::MissingFile`].
pub(crate) fn read_file(path: &std::path::Path, hint: &str) -> Result<Vec<u8>> {
	std::fs::read(path).map_err(|source| {
		if source.kind() == std::io::ErrorKind::NotFound {
			EngineError::MissingFile {
				path: path.to_path_buf(),
				hint: hint.to_string(),
			}
		} else {
			EngineError::Io {
				path: path.to_path_buf(),
				source,
			}
		}
	})
}
