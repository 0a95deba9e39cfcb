//! Embeds the git commit and the build's rustc version into `--version`, and fixes where the
//! published model lives (`models/<name in models/PUBLISHED>` of this checkout), so that a
//! validator votes with it without naming it (`--model-dir` overrides).
use std::{env, fs, path::PathBuf};
use substrate_build_script_utils::{generate_cargo_keys, rerun_if_git_head_changed};

fn main() {
	generate_cargo_keys();
	rerun_if_git_head_changed();

	let models = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
		.join("..")
		.join("models");
	let published = models.join("PUBLISHED");
	println!("cargo:rerun-if-changed={}", published.display());
	let name = fs::read_to_string(&published)
		.unwrap_or_else(|e| panic!("reading {}: {e}", published.display()));
	let models = models.canonicalize().unwrap_or(models);
	println!(
		"cargo:rustc-env=VERITAS_PUBLISHED_MODEL_DIR={}",
		models.join(name.trim()).display()
	);
}
