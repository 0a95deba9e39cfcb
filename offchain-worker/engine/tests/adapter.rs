//! Encoder adapters: the engine applies low-rank updates and replaced tensors exactly as a merged
//! encoder would compute them, and refuses adapters that do not fit the base.

mod common;

use candle_core::{Device, Tensor};
use common::*;
use std::collections::HashMap;
use std::path::Path;
use veritas_classifier::{
	authoring::{pseudo_random, ModelSpec, ADAPTER_FILE},
	manifest::{hex, sha256_file, MANIFEST_FILE},
	Encoder, Engine, EngineError, EngineOptions,
};

const Q: &str = "encoder.layer.5.attention.self.query.weight";
const LN_BIAS: &str = "encoder.layer.5.output.LayerNorm.bias";

fn tensor(seed: u64, shape: (usize, usize), scale: f32) -> Tensor {
	Tensor::from_vec(
		pseudo_random(seed, shape.0 * shape.1, scale),
		shape,
		&Device::Cpu,
	)
	.expect("tensor")
}

fn vector(seed: u64, n: usize, scale: f32) -> Tensor {
	Tensor::from_vec(pseudo_random(seed, n, scale), n, &Device::Cpu).expect("tensor")
}

/// Writes `tensors` as the model's adapter and lists it in the manifest.
fn add_adapter(dir: &Path, tensors: &HashMap<String, Tensor>) {
	let path = dir.join(ADAPTER_FILE);
	candle_core::safetensors::save(tensors, &path).expect("save adapter");
	let mp = dir.join(MANIFEST_FILE);
	let mut m: serde_json::Value =
		serde_json::from_slice(&std::fs::read(&mp).expect("manifest")).expect("json");
	let files = m["files"].as_array_mut().expect("files");
	files.retain(|f| f["role"] != "encoder_adapter");
	files.push(serde_json::json!({
		"role": "encoder_adapter",
		"path": ADAPTER_FILE,
		"sha256": sha256_file(&path).expect("sha"),
	}));
	std::fs::write(&mp, serde_json::to_vec_pretty(&m).expect("json")).expect("write manifest");
}

fn texts() -> Vec<&'static str> {
	vec![
		"transfer 12 VRT to 5Grw…utQY: rent for march",
		"verify your wallet at metamask-restore.app to avoid suspension",
		"invoice INV-2026-0042, net 30",
		"hi mum, new number, can you pay this for me",
	]
}

#[test]
fn low_rank_and_replaced_tensors_match_a_merged_encoder() {
	let base = base_dir();
	let dir = demo_model("adapter", &ModelSpec::default(), 3);
	let (a, b) = (tensor(1, (4, 384), 0.05), tensor(2, (384, 4), 0.05));
	let ln = vector(3, 384, 0.1);
	let mut adapter = HashMap::new();
	adapter.insert(format!("{Q}.lora_a"), a.clone());
	adapter.insert(format!("{Q}.lora_b"), b.clone());
	adapter.insert(LN_BIAS.to_string(), ln.clone());
	add_adapter(dir.path(), &adapter);
	let engine = Engine::load(dir.path(), opts()).expect("engine loads base + adapter");

	// The same weights merged by hand into a full encoder folder.
	let merged_dir = TempDir::new("merged");
	let mut all = candle_core::safetensors::load(base.join("model.safetensors"), &Device::Cpu)
		.expect("base weights");
	let q = (&all[Q] + b.matmul(&a).expect("b·a")).expect("add");
	all.insert(Q.to_string(), q);
	all.insert(LN_BIAS.to_string(), ln);
	candle_core::safetensors::save(&all, merged_dir.path().join("model.safetensors"))
		.expect("save merged");
	for f in ["config.json", "tokenizer.json"] {
		std::fs::copy(base.join(f), merged_dir.path().join(f)).expect("copy");
	}
	let merged = Encoder::load_dir(merged_dir.path(), 128, &EngineOptions::default())
		.expect("merged encoder");
	let plain = Encoder::load_dir(&base, 128, &EngineOptions::default()).expect("base encoder");

	let t = texts();
	let got = engine.embed(&t).expect("embed");
	let want = merged.embed(&t).expect("embed");
	let before = plain.embed(&t).expect("embed");
	for i in 0..t.len() {
		assert!(
			max_abs_diff(&got[i], &want[i]) < 1e-5,
			"text {i}: adapter ≠ merged"
		);
		assert!(
			max_abs_diff(&got[i], &before[i]) > 1e-3,
			"text {i}: the adapter changed nothing"
		);
	}
}

#[test]
fn a_zero_update_changes_no_score_but_the_model_hash() {
	let dir = demo_model("zero", &ModelSpec::default(), 5);
	let without = Engine::load(dir.path(), opts()).expect("load");
	let mut adapter = HashMap::new();
	adapter.insert(format!("{Q}.lora_a"), tensor(1, (2, 384), 0.05));
	adapter.insert(
		format!("{Q}.lora_b"),
		Tensor::zeros((384, 2), candle_core::DType::F32, &Device::Cpu).expect("zeros"),
	);
	add_adapter(dir.path(), &adapter);
	let with = Engine::load(dir.path(), opts()).expect("load");
	let t = texts();
	assert_eq!(
		with.classify(&t).expect("classify"),
		without.classify(&t).expect("classify")
	);
	assert_ne!(hex(&with.model_hash()), hex(&without.model_hash()));
}

#[test]
fn adapters_that_do_not_fit_are_refused_with_the_reason() {
	type Case = (&'static str, Vec<(String, Tensor)>, &'static str);
	let cases: Vec<Case> = vec![
		(
			"unknown tensor",
			vec![(
				"encoder.layer.9.output.LayerNorm.bias".into(),
				vector(1, 384, 0.1),
			)],
			"no tensor `encoder.layer.9",
		),
		(
			"wrong shape",
			vec![(LN_BIAS.into(), vector(1, 100, 0.1))],
			"has shape [100]",
		),
		(
			"lone lora_a",
			vec![(format!("{Q}.lora_a"), tensor(1, (2, 384), 0.1))],
			"without",
		),
		(
			"rank mismatch",
			vec![
				(format!("{Q}.lora_a"), tensor(1, (2, 384), 0.1)),
				(format!("{Q}.lora_b"), tensor(2, (384, 3), 0.1)),
			],
			"low-rank update",
		),
		(
			"f16",
			vec![(
				LN_BIAS.into(),
				vector(1, 384, 0.1)
					.to_dtype(candle_core::DType::F16)
					.expect("f16"),
			)],
			"expected F32",
		),
	];
	for (name, tensors, want) in cases {
		let dir = demo_model("bad-adapter", &ModelSpec::default(), 1);
		add_adapter(dir.path(), &tensors.into_iter().collect());
		match Engine::load(dir.path(), opts()) {
			Ok(_) => panic!("{name}: loaded"),
			Err(e @ EngineError::AdapterMismatch { .. }) => {
				assert!(e.to_string().contains(want), "{name}: {e}")
			},
			Err(e) => panic!("{name}: unexpected error {e}"),
		}
	}
	// A corrupt file is a corrupt file.
	let dir = demo_model("corrupt-adapter", &ModelSpec::default(), 1);
	add_adapter(
		dir.path(),
		&[(LN_BIAS.to_string(), vector(1, 384, 0.1))]
			.into_iter()
			.collect(),
	);
	let p = dir.path().join(ADAPTER_FILE);
	std::fs::write(&p, b"not safetensors").expect("write");
	let sha = sha256_file(&p).expect("sha");
	let mp = dir.path().join(MANIFEST_FILE);
	let mut m: serde_json::Value =
		serde_json::from_slice(&std::fs::read(&mp).expect("manifest")).expect("json");
	for f in m["files"].as_array_mut().expect("files") {
		if f["role"] == "encoder_adapter" {
			f["sha256"] = sha.clone().into();
		}
	}
	std::fs::write(&mp, serde_json::to_vec_pretty(&m).expect("json")).expect("write");
	let e = Engine::load(dir.path(), opts()).err().expect("refused");
	assert!(matches!(e, EngineError::CorruptWeights { .. }), "{e}");
}
