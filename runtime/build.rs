//! Builds the wasm runtime (`WASM_BINARY`) with substrate-wasm-builder, and turns the published
//! model (the folder that `models/PUBLISHED` names: its `manifest.json` and `MODEL_HASH`) into
//! constants that the genesis presets activate, so the dev and local chains pin that model's hash
//! from block 0.

use std::{env, fs, path::PathBuf};

/// The file naming the model the presets activate (a folder of `models/`), relative to this crate.
const PUBLISHED: &str = "../models/PUBLISHED";

fn main() {
	write_published_model();
	build_wasm();
}

fn write_published_model() {
	let published =
		PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join(PUBLISHED);
	println!("cargo:rerun-if-changed={}", published.display());
	let name = fs::read_to_string(&published)
		.unwrap_or_else(|e| panic!("reading {}: {e}", published.display()));
	let dir = published.with_file_name(name.trim());
	let manifest_path = dir.join("manifest.json");
	let hash_path = dir.join("MODEL_HASH");
	println!("cargo:rerun-if-changed={}", manifest_path.display());
	println!("cargo:rerun-if-changed={}", hash_path.display());

	let manifest: serde_json::Value = serde_json::from_slice(
		&fs::read(&manifest_path)
			.unwrap_or_else(|e| panic!("reading {}: {e}", manifest_path.display())),
	)
	.unwrap_or_else(|e| panic!("parsing {}: {e}", manifest_path.display()));
	let hash_hex = fs::read_to_string(&hash_path)
		.unwrap_or_else(|e| panic!("reading {}: {e}", hash_path.display()));
	let hash_hex = hash_hex.trim().trim_start_matches("0x");
	assert_eq!(
		hash_hex.len(),
		64,
		"{} must hold a 32-byte hex hash",
		hash_path.display()
	);
	let hash: Vec<u8> = (0..32)
		.map(|i| u8::from_str_radix(&hash_hex[2 * i..2 * i + 2], 16).expect("hex digit"))
		.collect();

	let names = |key: &str| -> Vec<String> {
		manifest[key]
			.as_array()
			.unwrap_or_else(|| panic!("manifest.json: `{key}` must be a list"))
			.iter()
			.map(|v| v.as_str().expect("names are strings").to_string())
			.collect()
	};
	let number = |key: &str| -> u64 {
		manifest[key]
			.as_u64()
			.unwrap_or_else(|| panic!("manifest.json: `{key}` must be a number"))
	};

	let code = format!(
		"/// Name of the model the genesis presets activate.\n\
		 pub const NAME: &str = {name:?};\n\
		 /// Its model hash (SHA-256 over the manifest and every file it names).\n\
		 pub const HASH: [u8; 32] = {hash:?};\n\
		 /// Its version.\n\
		 pub const VERSION: u32 = {version};\n\
		 /// Its label names.\n\
		 pub const LABELS: &[&str] = &{labels:?};\n\
		 /// Its reason-code names.\n\
		 pub const REASONS: &[&str] = &{reasons:?};\n\
		 /// Its decision threshold on the positive score.\n\
		 pub const THRESHOLD: u16 = {threshold};\n\
		 /// Its abstain margin.\n\
		 pub const ABSTAIN_MARGIN: u16 = {margin};\n",
		name = manifest["name"].as_str().expect("manifest.json: `name`"),
		version = number("version"),
		labels = names("labels"),
		reasons = names("reason_codes"),
		threshold = number("threshold"),
		margin = number("abstain_margin"),
	);
	let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("published_model.rs");
	fs::write(&out, code).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn build_wasm() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("VRT", 12)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn build_wasm() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The wasm builder is deactivated when compiling this crate for wasm itself.
#[cfg(not(feature = "std"))]
fn build_wasm() {}
