//! End-to-end behaviour of the engine with a demo (pseudo-random) head: decisions,
//! determinism, flags, errors and the model hash.

mod common;

use common::*;
use std::sync::OnceLock;
use veritas_classifier::{
	authoring::{write_head, write_manifest, ModelSpec, HEAD_FILE},
	manifest::{hex, sha256_file, MANIFEST_FILE},
	model_hash, softmax, Backend, DeviceKind, Engine, EngineError, EngineOptions, InputScope, Isa,
	Manifest, Precision,
};

fn spec() -> ModelSpec {
	// A wide abstain margin makes some texts abstain and others not.
	ModelSpec {
		threshold: 5000,
		abstain_margin: 300,
		..Default::default()
	}
}

struct Shared {
	_dir: TempDir,
	engine: Engine,
}

fn shared() -> &'static Engine {
	static S: OnceLock<Shared> = OnceLock::new();
	&S.get_or_init(|| {
		let dir = demo_model("shared", &spec(), 7);
		let engine = Engine::load(dir.path(), opts()).expect("load demo engine");
		Shared { _dir: dir, engine }
	})
	.engine
}

#[test]
fn engine_is_send_sync() {
	fn assert_send_sync<T: Send + Sync>() {}
	assert_send_sync::<Engine>();
}

#[test]
fn classify_end_to_end_matches_manual_head() {
	let engine = shared();
	let texts = corpus(24);
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	let out = engine.classify(&refs).expect("classify");
	let embs = engine.embed(&refs).expect("embed");
	assert_eq!(out.len(), texts.len());
	// Recompute the decision by hand from the head file.
	let m = engine.manifest();
	let head_bytes = std::fs::read(engine.model_dir().join(HEAD_FILE)).expect("head");
	let head = veritas_classifier::LinearHead::from_safetensors(
		&head_bytes,
		std::path::Path::new(HEAD_FILE),
		2,
		384,
	)
	.expect("head");
	let mut labels = [0usize; 2];
	for (c, e) in out.iter().zip(&embs) {
		let p = softmax(&head.logits(e))[1];
		let score = (p * 10000.0).round() as u16;
		assert_eq!(c.score, score);
		assert_eq!(c.label as usize, if score >= m.threshold { 1 } else { 0 });
		assert_eq!(c.abstain, score.abs_diff(m.threshold) < m.abstain_margin);
		assert_eq!(c.reason, 0, "no reason head: reason 0");
		assert!(!c.flags.empty && !c.flags.lossy_utf8 && !c.flags.truncated);
		labels[c.label as usize] += 1;
	}
	eprintln!(
		"label counts {labels:?}, scores {:?}",
		out.iter().map(|c| c.score).collect::<Vec<_>>()
	);
}

#[test]
fn same_text_same_vote_in_any_batch() {
	let engine = shared();
	let texts = corpus(40);
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	let all = engine.classify(&refs).expect("classify all");
	// Each text alone, in reversed order, in small mixed batches, and with other batch sizes.
	let rev: Vec<&str> = refs.iter().rev().copied().collect();
	let rev_out = engine.classify(&rev).expect("reversed");
	for (i, t) in refs.iter().enumerate().step_by(5) {
		let alone = engine.classify(&[t]).expect("alone")[0];
		assert_eq!(alone, all[i], "text {i} alone vs in batch of 40");
	}
	for (i, c) in rev_out.iter().rev().enumerate() {
		assert_eq!(*c, all[i], "text {i} reversed batch");
	}
	for bs in [1usize, 3, 64] {
		for sorted in [false, true] {
			let dir = demo_model("det", &spec(), 7);
			let e = Engine::load(
				dir.path(),
				EngineOptions {
					batch_size: bs,
					sort_by_length: sorted,
					..opts()
				},
			)
			.expect("load");
			let out = e.classify(&refs).expect("classify");
			assert_eq!(out, all, "batch size {bs}, sorted {sorted}");
		}
	}
	// The stock candle backend votes the same (scores within 1 point).
	let dir = demo_model("det-candle", &spec(), 7);
	let e = Engine::load(
		dir.path(),
		EngineOptions {
			backend: Backend::Candle,
			..opts()
		},
	)
	.expect("load candle");
	let out = e.classify(&refs).expect("classify candle");
	for (i, (a, b)) in out.iter().zip(&all).enumerate() {
		assert!(
			a.score.abs_diff(b.score) <= 1,
			"text {i}: candle {} vs fast {}",
			a.score,
			b.score
		);
	}
}

#[test]
fn empty_texts_are_flagged_and_abstain() {
	let engine = shared();
	let out = engine
		.classify(&["", "   \n\t ", "hello"])
		.expect("classify");
	for c in &out[..2] {
		assert!(c.flags.empty && c.abstain);
		assert_eq!((c.label, c.score, c.reason), (0, 0, 0));
	}
	assert!(!out[2].flags.empty);
	// A batch of only empty texts, and an empty batch.
	assert!(engine
		.classify(&["", ""])
		.expect("empties")
		.iter()
		.all(|c| c.flags.empty));
	assert!(engine.classify(&[]).expect("no texts").is_empty());
}

#[test]
fn invalid_utf8_is_decoded_lossily_and_flagged() {
	let engine = shared();
	let bad: &[u8] = b"pay 100 EUR to \xff\xfe account \xc3";
	let good: &[u8] = "pay 100 EUR to caf\u{e9}".as_bytes();
	let out = engine.classify_bytes(&[bad, good]).expect("classify bytes");
	assert!(out[0].flags.lossy_utf8);
	assert!(!out[1].flags.lossy_utf8);
	let lossy = String::from_utf8_lossy(bad).into_owned();
	let direct = engine.classify(&[lossy.as_str()]).expect("classify str")[0];
	assert_eq!((direct.label, direct.score), (out[0].label, out[0].score));
}

#[test]
fn overlong_texts_are_truncated_and_flagged() {
	let engine = shared();
	let long = "wire transfer of funds to offshore account ".repeat(100);
	let out = engine
		.classify(&[long.as_str(), "short memo"])
		.expect("classify");
	assert!(out[0].flags.truncated);
	assert!(!out[1].flags.truncated);
	let toks = engine
		.encoder()
		.tokenize(&[long.as_str()])
		.expect("tokenize");
	assert_eq!(toks[0].ids.len(), 128);
	assert_eq!(
		*toks[0].ids.last().unwrap(),
		102,
		"[SEP] kept after truncation"
	);
}

#[test]
fn reason_head_gives_reason_codes() {
	let spec = ModelSpec {
		reason_codes: vec![
			"none".into(),
			"sanctions".into(),
			"fraud".into(),
			"structuring".into(),
		],
		..spec()
	};
	let dir = demo_model("reasons", &spec, 11);
	let e = Engine::load(dir.path(), opts()).expect("load");
	let texts = corpus(16);
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	let out = e.classify(&refs).expect("classify");
	assert!(out.iter().all(|c| (c.reason as usize) < 4));
}

#[test]
fn a_memo_model_reads_only_the_memo_of_a_rendered_transfer() {
	let spec = ModelSpec {
		input: InputScope::Memo,
		..spec()
	};
	let dir = demo_model("memo", &spec, 7);
	let memo_model = Engine::load(dir.path(), opts()).expect("load");
	let whole = shared();
	let memo = "refund for the cancelled order";
	let rendered =
		format!("transfer 12.5 VRT to 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY: {memo}");
	let other =
		format!("transfer 9000 VRT to 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty: {memo}");
	let record = "Clause 4: the buyer pays on delivery";
	let texts = [memo, rendered.as_str(), other.as_str(), record];
	let out = memo_model.classify(&texts).expect("classify");
	// Same memo, any amount and recipient: the same vote as the memo alone.
	assert_eq!(out[1], out[0]);
	assert_eq!(out[2], out[0]);
	// The whole-text model (same head seed) does see the prefix.
	let full = whole.classify(&texts).expect("classify");
	assert_eq!(full[0].score, out[0].score);
	assert_ne!(full[1].score, out[1].score);
	// A record is read whole, by both.
	assert_eq!(full[3].score, out[3].score);
	// Bytes take the same path.
	let bytes: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
	assert_eq!(memo_model.classify_bytes(&bytes).expect("bytes"), out);
	// An empty memo is an empty input: flagged, abstains.
	let empty = memo_model
		.classify(&["transfer 1 VRT to 5Grw…utQY: "])
		.expect("classify");
	assert!(empty[0].flags.empty && empty[0].abstain);
	// The field is written only when it is not the default, so older manifests keep their hash.
	let m = std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).expect("manifest");
	assert!(m.contains("\"input\": \"memo\""), "{m}");
	let m = std::fs::read_to_string(whole.model_dir().join(MANIFEST_FILE)).expect("manifest");
	assert!(!m.contains("\"input\""), "{m}");
}

fn load_err(dir: &std::path::Path) -> EngineError {
	match Engine::load(dir, opts()) {
		Ok(_) => panic!("load of {} should fail", dir.display()),
		Err(e) => e,
	}
}

fn edit_manifest(dir: &std::path::Path, f: impl FnOnce(&mut serde_json::Value)) {
	let p = dir.join(MANIFEST_FILE);
	let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
	f(&mut v);
	std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

#[test]
fn error_missing_manifest() {
	let dir = TempDir::new("nomanifest");
	assert!(matches!(
		load_err(dir.path()),
		EngineError::MissingFile { .. }
	));
}

#[test]
fn error_manifest_names_missing_file() {
	let dir = demo_model("missing", &spec(), 1);
	std::fs::remove_file(dir.path().join(HEAD_FILE)).unwrap();
	let e = load_err(dir.path());
	assert!(matches!(e, EngineError::MissingFile { .. }), "{e}");
	// A missing encoder file says how to fetch it.
	let dir = demo_model("missing-enc", &spec(), 1);
	let e = Engine::load(
		dir.path(),
		EngineOptions {
			base_dir: None,
			..opts()
		},
	)
	.err()
	.expect("base files are not next to the temp model dir");
	assert!(e.to_string().contains("models/fetch-base.sh"), "{e}");
}

#[test]
fn error_sha_mismatch() {
	let dir = demo_model("sha", &spec(), 1);
	// Replace the head by another valid head after the manifest was written.
	write_head(
		&dir.path().join(HEAD_FILE),
		&vec![0.25f32; 2 * 384],
		&[0.0, 0.0],
	)
	.unwrap();
	assert!(matches!(
		load_err(dir.path()),
		EngineError::ShaMismatch { .. }
	));
}

/// Rewrites the head's sha256 in the manifest to the file's current digest.
fn reseal_head(dir: &std::path::Path) {
	let sum = sha256_file(&dir.join(HEAD_FILE)).unwrap();
	edit_manifest(dir, |v| {
		for f in v["files"].as_array_mut().unwrap() {
			if f["role"] == "head" {
				f["sha256"] = serde_json::Value::String(sum.clone());
			}
		}
	});
}

#[test]
fn error_corrupt_head() {
	let dir = demo_model("corrupt", &spec(), 1);
	std::fs::write(dir.path().join(HEAD_FILE), b"this is not safetensors").unwrap();
	reseal_head(dir.path());
	assert!(matches!(
		load_err(dir.path()),
		EngineError::CorruptWeights { .. }
	));
}

#[test]
fn error_head_shape_and_dtype() {
	// Three outputs for two labels.
	let dir = demo_model("shape", &spec(), 1);
	write_head(
		&dir.path().join(HEAD_FILE),
		&vec![0.1f32; 3 * 384],
		&[0.0; 3],
	)
	.unwrap();
	reseal_head(dir.path());
	assert!(matches!(
		load_err(dir.path()),
		EngineError::HeadMismatch { .. }
	));
	// Wrong input width.
	write_head(
		&dir.path().join(HEAD_FILE),
		&vec![0.1f32; 2 * 100],
		&[0.0; 2],
	)
	.unwrap();
	reseal_head(dir.path());
	assert!(matches!(
		load_err(dir.path()),
		EngineError::HeadMismatch { .. }
	));
	// F64 instead of F32.
	let w: Vec<u8> = vec![0.1f64; 2 * 384]
		.iter()
		.flat_map(|v| v.to_le_bytes())
		.collect();
	let b: Vec<u8> = [0.0f64; 2].iter().flat_map(|v| v.to_le_bytes()).collect();
	let wv =
		safetensors::tensor::TensorView::new(safetensors::Dtype::F64, vec![2, 384], &w).unwrap();
	let bv = safetensors::tensor::TensorView::new(safetensors::Dtype::F64, vec![2], &b).unwrap();
	std::fs::write(
		dir.path().join(HEAD_FILE),
		safetensors::serialize([("weight", wv), ("bias", bv)], None).unwrap(),
	)
	.unwrap();
	reseal_head(dir.path());
	let e = load_err(dir.path());
	assert!(matches!(e, EngineError::HeadMismatch { .. }), "{e}");
	assert!(e.to_string().contains("dtype"), "{e}");
	// Non-finite weights.
	let mut wf = vec![0.1f32; 2 * 384];
	wf[5] = f32::NAN;
	write_head(&dir.path().join(HEAD_FILE), &wf, &[0.0; 2]).unwrap();
	reseal_head(dir.path());
	assert!(matches!(
		load_err(dir.path()),
		EngineError::HeadMismatch { .. }
	));
}

#[test]
fn error_corrupt_encoder_weights() {
	let base = TempDir::new("corrupt-base");
	for f in ["config.json", "tokenizer.json"] {
		std::fs::copy(base_dir().join(f), base.path().join(f)).unwrap();
	}
	std::fs::write(base.path().join("model.safetensors"), [0u8; 64]).unwrap();
	let dir = TempDir::new("corrupt-enc");
	write_head(
		&dir.path().join(HEAD_FILE),
		&vec![0.1f32; 2 * 384],
		&[0.0; 2],
	)
	.unwrap();
	write_manifest(dir.path(), &spec(), "../base", base.path(), &[]).unwrap();
	let e = Engine::load(
		dir.path(),
		EngineOptions {
			base_dir: Some(base.path().into()),
			..opts()
		},
	)
	.err()
	.expect("corrupt weights must fail");
	assert!(matches!(e, EngineError::CorruptWeights { .. }), "{e}");
}

type Edit = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn error_invalid_manifests() {
	let cases: Vec<(&str, Edit)> = vec![
		("threshold", Box::new(|v| v["threshold"] = 20000.into())),
		(
			"positive",
			Box::new(|v| v["positive_label"] = "fraudulent".into()),
		),
		(
			"one label",
			Box::new(|v| v["labels"] = serde_json::json!(["only"])),
		),
		("max_len", Box::new(|v| v["max_len"] = 4096.into())),
		(
			"abs path",
			Box::new(|v| v["files"][3]["path"] = "/etc/passwd".into()),
		),
		(
			"bad sha",
			Box::new(|v| v["files"][3]["sha256"] = "XYZ".into()),
		),
		(
			"no head",
			Box::new(|v| {
				v["files"].as_array_mut().unwrap().remove(3);
			}),
		),
		(
			"two adapters",
			Box::new(|v| {
				let sha = "0".repeat(64);
				for p in ["a.safetensors", "b.safetensors"] {
					v["files"].as_array_mut().unwrap().push(serde_json::json!({
						"role": "encoder_adapter", "path": p, "sha256": sha
					}));
				}
			}),
		),
	];
	for (name, f) in cases {
		let dir = demo_model("invalid", &spec(), 1);
		edit_manifest(dir.path(), f);
		let e = load_err(dir.path());
		assert!(matches!(e, EngineError::InvalidManifest(_)), "{name}: {e}");
	}
	let parse_cases: Vec<(&str, Edit)> = vec![
		("unknown field", Box::new(|v| v["surprise"] = 1.into())),
		("unknown input", Box::new(|v| v["input"] = "subject".into())),
		(
			"bad role",
			Box::new(|v| v["files"][3]["role"] = "tail".into()),
		),
		(
			"missing field",
			Box::new(|v| {
				v.as_object_mut().unwrap().remove("labels");
			}),
		),
	];
	for (name, f) in parse_cases {
		let dir = demo_model("parse", &spec(), 1);
		edit_manifest(dir.path(), f);
		let e = load_err(dir.path());
		assert!(
			matches!(e, EngineError::ManifestParse { .. }),
			"{name}: {e}"
		);
	}
	let dir = demo_model("notjson", &spec(), 1);
	std::fs::write(dir.path().join(MANIFEST_FILE), b"{not json").unwrap();
	assert!(matches!(
		load_err(dir.path()),
		EngineError::ManifestParse { .. }
	));
}

#[test]
fn error_cuda_without_feature() {
	if cfg!(feature = "cuda") {
		return;
	}
	let dir = demo_model("cuda", &spec(), 1);
	let e = Engine::load(
		dir.path(),
		EngineOptions {
			device: DeviceKind::Cuda(0),
			..opts()
		},
	)
	.err()
	.expect("no cuda");
	assert!(matches!(e, EngineError::Device(_)), "{e}");
}

#[test]
fn model_hash_changes_with_every_file() {
	let base = TempDir::new("hash-base");
	for f in ["config.json", "model.safetensors", "tokenizer.json"] {
		std::fs::copy(base_dir().join(f), base.path().join(f)).unwrap();
	}
	let dir = TempDir::new("hash");
	let spec = ModelSpec {
		reason_codes: vec!["none".into(), "fraud".into()],
		..spec()
	};
	veritas_classifier::authoring::write_demo_model(dir.path(), &spec, "../b", base.path(), 3)
		.unwrap();
	let b = Some(base.path());
	let h0 = model_hash(dir.path(), b).unwrap();
	// The engine reports the same hash, and the hash does not depend on where the base lives.
	let e = Engine::load(
		dir.path(),
		EngineOptions {
			base_dir: Some(base.path().into()),
			..opts()
		},
	)
	.unwrap();
	assert_eq!(e.model_hash(), h0);
	assert_eq!(model_hash(dir.path(), Some(&base_dir())).unwrap(), h0);
	assert_eq!(hex(&h0).len(), 64);

	let mut seen = vec![h0];
	let mut check = |what: &str| {
		let h = model_hash(dir.path(), b).unwrap();
		assert!(!seen.contains(&h), "hash unchanged after changing {what}");
		seen.push(h);
	};
	// Each named file, one byte appended.
	for f in [
		base.path().join("config.json"),
		base.path().join("tokenizer.json"),
		base.path().join("model.safetensors"),
		dir.path().join(HEAD_FILE),
		dir.path().join("reasons.safetensors"),
	] {
		let mut bytes = std::fs::read(&f).unwrap();
		bytes.push(b' ');
		std::fs::write(&f, bytes).unwrap();
		check(&f.display().to_string());
	}
	// The manifest itself (same content, other formatting).
	let mp = dir.path().join(MANIFEST_FILE);
	let m: Manifest = serde_json::from_slice(&std::fs::read(&mp).unwrap()).unwrap();
	std::fs::write(&mp, serde_json::to_vec(&m).unwrap()).unwrap();
	check("manifest formatting");
	edit_manifest(dir.path(), |v| v["threshold"] = 5001.into());
	check("manifest threshold");
}

#[test]
fn a_verdict_carries_only_the_reasons_its_label_allows() {
	let codes = ["none", "rent", "salary", "phishing", "bribery"];
	let by_label = [
		("legit", vec!["none", "rent", "salary"]),
		("illicit", vec!["phishing", "bribery"]),
	];
	let spec = ModelSpec {
		reason_codes: codes.map(String::from).to_vec(),
		reasons_by_label: Some(
			by_label
				.iter()
				.map(|(l, rs)| (l.to_string(), rs.iter().map(|r| r.to_string()).collect()))
				.collect(),
		),
		..spec()
	};
	let free = ModelSpec {
		reasons_by_label: None,
		..spec.clone()
	};
	let (dir, free_dir) = (
		demo_model("sided", &spec, 11),
		demo_model("free", &free, 11),
	);
	let sided = Engine::load(dir.path(), opts()).expect("load");
	let unsided = Engine::load(free_dir.path(), opts()).expect("load");
	let texts = corpus(64);
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	let (out, free_out) = (
		sided.classify(&refs).expect("classify"),
		unsided.classify(&refs).expect("classify"),
	);
	let side = |c: &veritas_classifier::Classification| {
		let label = ["legit", "illicit"][c.label as usize];
		let reason = codes[c.reason as usize];
		by_label
			.iter()
			.any(|(l, rs)| *l == label && rs.contains(&reason))
	};
	// The random reason head contradicts some labels; the manifest's lists never let it.
	assert!(
		free_out.iter().any(|c| !side(c)),
		"the demo head should give some label a reason of the other side"
	);
	assert!(out.iter().all(side));
	// Same labels and scores: only the reasons move.
	for (a, b) in out.iter().zip(&free_out) {
		assert_eq!((a.label, a.score), (b.label, b.score));
	}
}

#[test]
fn the_input_guard_abstains_on_memos_with_nothing_to_read() {
	let spec = ModelSpec {
		// No abstain band: every abstention below is the guard's.
		abstain_margin: 0,
		max_len: 16,
		input_guard: Some(veritas_classifier::InputGuard {
			min_words: 2,
			min_english_permille: 500,
			truncated: true,
		}),
		..spec()
	};
	let dir = demo_model("guard", &spec, 7);
	let e = Engine::load(dir.path(), opts()).expect("load");
	let long = "please find the signed lease for the flat attached, with the deposit \
	            and the first month of rent as agreed on the phone yesterday";
	let texts = [
		"rent for the flat in march",
		"🙂🙂",
		"INV-2024-0087",
		"Alquiler de noviembre piso calle Toledo gracias",
		"房租三月",
		long,
		"",
	];
	let out = e.classify(&texts).expect("classify");
	let scope: Vec<bool> = out.iter().map(|c| c.flags.out_of_scope).collect();
	assert_eq!(scope, [false, true, true, true, true, true, false]);
	assert!(out[5].flags.truncated);
	assert!(!out[0].abstain);
	assert!(out[1..].iter().all(|c| c.abstain));
	// The flag reaches the host interface, where the worker reads it.
	let bits = veritas_classifier::interface::flags::OUT_OF_SCOPE;
	assert_eq!(out[1].flags.bits() & bits, bits);
	assert_eq!(out[0].flags.bits() & bits, 0);
}

#[test]
fn a_model_pinned_to_int8_runs_int8_whatever_the_node_asks() {
	let pinned_spec = ModelSpec {
		precision: Some(Precision::Int8),
		..spec()
	};
	let (pinned_dir, plain_dir) = (
		demo_model("pinned", &pinned_spec, 13),
		demo_model("unpinned", &spec(), 13),
	);
	let texts = corpus(48);
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	// The node asks for f32 (the default) and for the portable kernels: the model's int8 wins,
	// with the same bits as an unpinned model run at int8 on this CPU's best kernels.
	let pinned = Engine::load(pinned_dir.path(), opts()).expect("load pinned");
	let portable = Engine::load(
		pinned_dir.path(),
		EngineOptions {
			isa: Some(Isa::Portable),
			..opts()
		},
	)
	.expect("load pinned, portable");
	let int8 = Engine::load(
		plain_dir.path(),
		EngineOptions {
			precision: Precision::Int8,
			..opts()
		},
	)
	.expect("load unpinned at int8");
	let f32 = Engine::load(plain_dir.path(), opts()).expect("load unpinned");
	assert!(
		pinned.encoder().kernels().starts_with("int8"),
		"{}",
		pinned.encoder().kernels()
	);
	let e = pinned.embed(&refs).expect("embed");
	assert_eq!(e, portable.embed(&refs).expect("embed portable"));
	assert_eq!(e, int8.embed(&refs).expect("embed int8"));
	assert_ne!(e, f32.embed(&refs).expect("embed f32"));
	let scores = |engine: &Engine| -> Vec<u16> {
		engine
			.classify(&refs)
			.expect("classify")
			.iter()
			.map(|c| c.score)
			.collect()
	};
	assert_eq!(scores(&pinned), scores(&portable));
	// The pin is part of the model: its hash differs from the same files unpinned.
	assert_ne!(pinned.model_hash(), f32.model_hash());
	// The candle backend (and so CUDA) runs f32 only: a clear refusal, not f32 scores.
	let e = Engine::load(
		pinned_dir.path(),
		EngineOptions {
			backend: Backend::Candle,
			..opts()
		},
	)
	.err()
	.expect("candle refuses an int8 model");
	assert!(
		matches!(&e, EngineError::Device(m) if m.contains("int8") && m.contains("CPU")),
		"{e}"
	);
	// An unknown precision is a manifest error naming the field's values.
	edit_manifest(pinned_dir.path(), |v| v["precision"] = "fp16".into());
	let e = load_err(pinned_dir.path());
	assert!(
		matches!(&e, EngineError::ManifestParse { reason, .. } if reason.contains("int8")),
		"{e}"
	);
}

#[test]
fn a_scope_head_abstains_where_its_no_signal_row_wins_and_changes_nothing_else() {
	use veritas_classifier::authoring::SCOPE_HEAD_FILE;
	use veritas_classifier::FileRole;
	let spec = ModelSpec {
		// No abstain band: every abstention below is the scope head's.
		abstain_margin: 0,
		..spec()
	};
	let dir = demo_model("scope", &spec, 11);
	let plain = Engine::load(dir.path(), opts()).expect("load without scope head");
	let texts = corpus(24);
	let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
	let before = plain.classify(&refs).expect("classify");
	let embs = plain.embed(&refs).expect("embed");
	// A no_signal row along the first text's embedding, its bias halfway along the texts'
	// projections: about half the texts are flagged, the first among them.
	let w: Vec<f32> = embs[0].clone();
	let mut proj: Vec<f64> = embs
		.iter()
		.map(|e| w.iter().zip(e).map(|(&a, &b)| a as f64 * b as f64).sum())
		.collect();
	proj.sort_by(f64::total_cmp);
	let bias = -((proj[11] + proj[12]) / 2.0) as f32;
	let mut weight = vec![0.0f32; w.len()];
	weight.extend_from_slice(&w);
	write_head(&dir.path().join(SCOPE_HEAD_FILE), &weight, &[0.0, bias]).expect("scope head");
	// The manifest of the demo model plus its scope head, written again after each new head.
	let with_scope_head = || {
		write_manifest(
			dir.path(),
			&spec,
			"../base/all-MiniLM-L6-v2",
			&base_dir(),
			&[FileRole::ScopeHead],
		)
		.expect("manifest")
	};
	with_scope_head();
	let scoped = Engine::load(dir.path(), opts()).expect("load with scope head");
	assert_ne!(scoped.model_hash(), plain.model_hash());
	let after = scoped.classify(&refs).expect("classify");
	let bits = veritas_classifier::interface::flags::OUT_OF_SCOPE;
	let mut flagged = 0;
	for ((b, a), e) in before.iter().zip(&after).zip(&embs) {
		let z = scoped.scope_logit(e).expect("a scope head");
		assert_eq!(a.flags.out_of_scope, z > 0.0);
		assert_eq!(scoped.no_signal(e), z > 0.0);
		// The label head is untouched: same label, score and reason either way.
		assert_eq!((a.label, a.score, a.reason), (b.label, b.score, b.reason));
		if z > 0.0 {
			flagged += 1;
			assert!(a.abstain);
			assert_eq!(a.flags.bits() & bits, bits);
		} else {
			assert_eq!(a, b);
		}
	}
	assert_eq!(flagged, 12);
	assert!(after[0].flags.out_of_scope);
	assert!(plain.scope_logit(&embs[0]).is_none() && !plain.no_signal(&embs[0]));

	// A scope head must have two rows of the encoder's width.
	write_head(
		&dir.path().join(SCOPE_HEAD_FILE),
		&vec![0.1; 3 * w.len()],
		&[0.0; 3],
	)
	.expect("three rows");
	with_scope_head();
	assert!(matches!(
		load_err(dir.path()),
		EngineError::HeadMismatch { .. }
	));
	// And a manifest names at most one.
	edit_manifest(dir.path(), |m| {
		let files = m["files"].as_array_mut().expect("files");
		let mut twin = files.last().expect("scope entry").clone();
		twin["path"] = "scope2.safetensors".into();
		files.push(twin);
	});
	assert!(matches!(
		load_err(dir.path()),
		EngineError::InvalidManifest(_)
	));
}
