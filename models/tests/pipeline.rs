//! End-to-end checks of the model tooling: training converges, export → engine load gives the
//! training-side scores exactly, the model hash covers every named file, corrupt heads are
//! refused, the embedding cache is keyed correctly.
//!
//! Needs the base encoder (`models/fetch-base.sh`); fails (never skips) without it.

use std::path::{Path, PathBuf};
use veritas_classifier::authoring::{
	ModelSpec, ADAPTER_FILE, HEAD_FILE, REASON_HEAD_FILE, SCOPE_HEAD_FILE,
};
use veritas_classifier::{Encoder, Engine, EngineError, EngineOptions, InputScope, Manifest};
use veritas_models::data::{reason_codes, LABELS};
use veritas_models::embed::{base_fingerprint, cache_key, cache_path, embed_cached};
use veritas_models::export::{
	export_model, load_checkpoint, reexport_model, save_checkpoint, Checkpoint,
};
use veritas_models::train::{score_of, train_heads, Heads, Split, TrainConfig};

fn base() -> PathBuf {
	veritas_classifier::locate::require_base_model_dir().unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh, empty scratch folder.
fn scratch(name: &str) -> PathBuf {
	let d = std::env::temp_dir().join(format!("veritas-models-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&d);
	std::fs::create_dir_all(&d).expect("scratch dir");
	d
}

fn quiet(epochs: usize) -> TrainConfig {
	TrainConfig {
		epochs,
		patience: epochs,
		progress: false,
		..TrainConfig::default()
	}
}

/// Two well separated Gaussian-ish clusters (deterministic), reasons 1 / 2.
fn separable(n: usize, dim: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<usize>, Vec<usize>) {
	let noise = veritas_classifier::authoring::pseudo_random(seed, n * dim, 1.0);
	let mut x = Vec::new();
	let mut y = Vec::new();
	for i in 0..n {
		let label = i % 2;
		let centre = if label == 1 { 3.0 } else { -3.0 };
		x.push(
			(0..dim)
				.map(|j| noise[i * dim + j] + if j < 4 { centre } else { 0.0 })
				.collect(),
		);
		y.push(label);
	}
	let r = y.iter().map(|&l| l + 1).collect();
	(x, y, r)
}

#[test]
fn training_converges_and_separable_fixture_reaches_f1_one() {
	let (x, y, r) = separable(200, 16, 1);
	let (dx, dy, dr) = separable(60, 16, 2);
	let out = train_heads(
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		Split {
			x: &dx,
			y: &dy,
			r: &dr,
		},
		2,
		3,
		&quiet(25),
	)
	.expect("training");
	let first = out.log.first().expect("epochs").train_loss;
	let last = out.log.last().expect("epochs").train_loss;
	assert!(last < first * 0.5, "loss did not fall: {first} -> {last}");
	let best = &out.log[out.best_epoch - 1];
	assert_eq!(best.dev_f1, 1.0, "dev macro-F1 {}", best.dev_f1);
	for (xi, &yi) in dx.iter().zip(&dy) {
		assert_eq!(usize::from(out.heads.positive_prob(xi) >= 0.5), yi);
	}
	assert_eq!(best.dev_reason_acc, 1.0);
}

#[test]
fn training_rejects_bad_input() {
	let (x, y, r) = separable(10, 4, 3);
	// Train on the first `n` examples with `train_y`, choose on all of them with `dev_y`.
	let fit = |n: usize, train_y: &[usize], dev_y: &[usize]| {
		train_heads(
			Split {
				x: &x[..n],
				y: train_y,
				r: &r[..n],
			},
			Split {
				x: &x,
				y: dev_y,
				r: &r,
			},
			2,
			3,
			&quiet(2),
		)
	};
	let bad_y: Vec<usize> = y.iter().map(|_| 5).collect();
	assert!(fit(x.len(), &bad_y, &y).is_err());
	// A no-signal memo trains (an even target) but is not a dev label.
	let with_quiet: Vec<usize> = y
		.iter()
		.enumerate()
		.map(|(i, &v)| {
			if i % 5 == 0 {
				veritas_models::data::NO_SIGNAL
			} else {
				v
			}
		})
		.collect();
	fit(x.len(), &with_quiet, &y).expect("no-signal memos train");
	let err = fit(x.len(), &y, &with_quiet).expect_err("a no-signal dev label");
	assert!(err.to_string().contains("only trains"), "{err}");
	assert!(fit(0, &[], &y).is_err());
}

const FIXTURE: &[(&str, usize, &str)] = &[
    ("transfer 1200 VRT to 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY: rent for March", 0, "rent"),
    ("transfer 90 USDC to Alice: electricity bill February", 0, "utilities"),
    ("transfer 2500 EUR to Acme Supplies: payment of invoice INV-2025-0042", 0, "invoice"),
    ("transfer 3100 VRT to 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty: salary October", 0, "salary"),
    ("transfer 40 DOT to Bob: groceries split", 0, "retail"),
    ("transfer 15 USD to 5Grw…utQY: Spotify subscription", 0, "subscription"),
    ("transfer 75 VRT to 5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy: donation to the animal shelter", 0, "donation"),
    ("transfer 300 ETH to Dr. Patel: dental check-up", 0, "medical"),
    ("transfer 500 VRT to 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY: verify your wallet at wallet-verify.io to avoid suspension", 1, "phishing"),
    ("transfer 50 USDC to Alice: claim the airdrop, gas fee to unlock free tokens", 1, "fake_airdrop"),
    ("transfer 9000 EUR to Acme Supplies: decryption key payment for the encrypted servers", 1, "ransomware"),
    ("transfer 4000 VRT to 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty: guaranteed 300% return in 5 days, double your coins", 1, "investment_scam"),
    ("transfer 20 DOT to Bob: pay or the video goes to all your contacts", 1, "extortion"),
    ("transfer 900 USD to 5Grw…utQY: kickback 10% for the official, so the permit goes through", 1, "bribery"),
    ("transfer 700 VRT to 5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy: my love, for the plane ticket so we can finally meet", 1, "romance_scam"),
    ("transfer 60 ETH to Dr. Patel: stolen cards batch and fake passport, ship discreet", 1, "darknet_goods"),
];

fn fixture_targets() -> (Vec<&'static str>, Vec<usize>, Vec<usize>) {
	let codes = reason_codes();
	let texts = FIXTURE.iter().map(|f| f.0).collect();
	let y = FIXTURE.iter().map(|f| f.1).collect();
	let r = FIXTURE
		.iter()
		.map(|f| codes.iter().position(|c| c == f.2).expect("known category"))
		.collect();
	(texts, y, r)
}

fn spec(threshold: u16) -> ModelSpec {
	ModelSpec {
		name: "veritas-test".into(),
		version: 3,
		labels: LABELS.iter().map(|s| s.to_string()).collect(),
		positive_label: "illicit".into(),
		reason_codes: reason_codes(),
		threshold,
		abstain_margin: 500,
		max_len: 128,
		input: InputScope::Text,
		..ModelSpec::default()
	}
}

/// Trains on the real-text fixture (encoder embeddings) and returns texts, embeddings, heads.
fn trained_fixture() -> (Vec<&'static str>, Vec<Vec<f32>>, Heads) {
	let base = base();
	let enc = Encoder::load_dir(&base, 128, &EngineOptions::default()).expect("encoder");
	let (texts, y, r) = fixture_targets();
	let x = enc.embed(&texts).expect("embed");
	let out = train_heads(
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		2,
		reason_codes().len(),
		&quiet(40),
	)
	.expect("training");
	let first = out.log[0].train_loss;
	let best = &out.log[out.best_epoch - 1];
	assert!(best.train_label_loss < first, "loss did not fall");
	assert_eq!(best.train_f1, 1.0, "the real-text fixture is separable");
	(texts, x, out.heads)
}

fn load(dir: &Path, base: &Path) -> Result<Engine, EngineError> {
	Engine::load(
		dir,
		EngineOptions {
			base_dir: Some(base.to_path_buf()),
			..Default::default()
		},
	)
}

#[test]
fn export_then_engine_load_gives_identical_scores_and_reasons() {
	let base = base();
	let (texts, x, heads) = trained_fixture();
	let dir = scratch("export");
	let hash = export_model(
		&dir,
		&heads,
		&spec(5000),
		"../base/all-MiniLM-L6-v2",
		&base,
		None,
	)
	.expect("export");
	let engine = load(&dir, &base).expect("engine loads the export");
	assert_eq!(engine.model_hash(), hash);
	assert_eq!(engine.manifest().reason_codes, reason_codes());
	let got = engine.classify(&texts).expect("classify");
	let (_, y, _) = fixture_targets();
	for (i, c) in got.iter().enumerate() {
		let p = heads.positive_prob(&x[i]);
		assert_eq!(c.score, score_of(p), "score of `{}`", texts[i]);
		assert_eq!(
			c.reason as usize,
			heads.reason(&x[i]),
			"reason of `{}`",
			texts[i]
		);
		assert_eq!(c.label as usize, usize::from(c.score >= 5000));
		assert_eq!(c.label as usize, y[i], "label of `{}`", texts[i]);
	}
	// Embeddings through the engine equal the training-side ones bit for bit.
	assert_eq!(engine.embed(&texts).expect("embed"), x);
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn checkpoint_round_trip() {
	let (x, y, r) = separable(40, 8, 4);
	let out = train_heads(
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		2,
		3,
		&quiet(3),
	)
	.expect("training");
	let dir = scratch("ckpt");
	let p = dir.join("c.safetensors");
	let ck = Checkpoint {
		heads: out.heads.clone(),
		threshold: 4650,
		meta: "{\"a\":1}".into(),
	};
	save_checkpoint(&p, &ck).expect("save");
	let back = load_checkpoint(&p).expect("load");
	assert_eq!(back.heads, ck.heads);
	assert_eq!(back.threshold, 4650);
	assert_eq!(back.meta, ck.meta);
	std::fs::write(&p, b"garbage").expect("write");
	assert!(load_checkpoint(&p).is_err());
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn model_hash_changes_when_any_named_file_changes() {
	let src = base();
	let dir = scratch("hash");
	// A private copy of the encoder files, so they can be modified.
	let b = dir.join("enc");
	std::fs::create_dir_all(&b).expect("mkdir");
	for f in ["config.json", "model.safetensors", "tokenizer.json"] {
		std::fs::copy(src.join(f), b.join(f)).expect("copy base file");
	}
	let model = dir.join("model");
	let (x, y, r) = separable(20, 384, 5);
	let heads = train_heads(
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		2,
		reason_codes().len().max(3),
		&quiet(2),
	)
	.map(|o| o.heads)
	.expect("heads");
	let h0 = export_model(&model, &heads, &spec(5000), "../enc", &b, None).expect("export");
	let hash = || veritas_classifier::model_hash(&model, None).expect("hash");
	assert_eq!(hash(), h0);
	let manifest: Manifest =
		serde_json::from_slice(&std::fs::read(model.join("manifest.json")).expect("manifest"))
			.expect("parse");
	assert_eq!(manifest.files.len(), 5);
	let mut named: Vec<PathBuf> = manifest.files.iter().map(|f| model.join(&f.path)).collect();
	named.push(model.join("manifest.json"));
	for path in &named {
		let orig = std::fs::read(path).expect("read");
		let mut changed = orig.clone();
		// Flip one byte in the middle (for the manifest: its name field's first letter).
		let at = if path.ends_with("manifest.json") {
			let s = String::from_utf8_lossy(&orig);
			s.find("veritas-test").expect("name") + 1
		} else {
			orig.len() / 2
		};
		changed[at] ^= 0x01;
		std::fs::write(path, &changed).expect("write");
		assert_ne!(
			hash(),
			h0,
			"hash unchanged after modifying {}",
			path.display()
		);
		std::fs::write(path, &orig).expect("restore");
		assert_eq!(hash(), h0);
	}
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_or_mismatched_head_is_refused_with_a_clear_error() {
	let base = base();
	let dir = scratch("corrupt");
	let (x, y, r) = separable(20, 384, 6);
	let heads = train_heads(
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		Split {
			x: &x,
			y: &y,
			r: &r,
		},
		2,
		reason_codes().len(),
		&quiet(2),
	)
	.map(|o| o.heads)
	.expect("heads");
	export_model(
		&dir,
		&heads,
		&spec(5000),
		"../base/all-MiniLM-L6-v2",
		&base,
		None,
	)
	.expect("export");
	load(&dir, &base).expect("intact model loads");

	// 1. Bytes changed after export: the manifest digest no longer matches.
	let head = dir.join(HEAD_FILE);
	let good = std::fs::read(&head).expect("read head");
	std::fs::write(&head, b"this is not a safetensors file").expect("write");
	match load(&dir, &base) {
		Err(EngineError::ShaMismatch { path, .. }) => assert!(path.ends_with(HEAD_FILE)),
		Err(e) => panic!("unexpected error {e}"),
		Ok(_) => panic!("a modified head was accepted"),
	}

	// 2. Garbage with a matching digest (re-signed manifest): refused as corrupt safetensors.
	let resign = |dir: &Path| {
		let mp = dir.join("manifest.json");
		let mut m: Manifest =
			serde_json::from_slice(&std::fs::read(&mp).expect("read")).expect("parse");
		for f in &mut m.files {
			if !f.role.is_encoder() {
				f.sha256 =
					veritas_classifier::manifest::sha256_file(&dir.join(&f.path)).expect("sha");
			}
		}
		std::fs::write(&mp, m.to_json()).expect("write manifest");
	};
	resign(&dir);
	match load(&dir, &base) {
		Err(e @ EngineError::CorruptWeights { .. }) => {
			let msg = e.to_string();
			assert!(
				msg.contains("corrupt safetensors") && msg.contains(HEAD_FILE),
				"{msg}"
			);
		},
		Err(e) => panic!("unexpected error {e}"),
		Ok(_) => panic!("a corrupt head was accepted"),
	}

	// 3. Valid safetensors of the wrong shape (reason head swapped in as the task head).
	std::fs::copy(dir.join(REASON_HEAD_FILE), &head).expect("copy");
	resign(&dir);
	match load(&dir, &base) {
		Err(e @ EngineError::HeadMismatch { .. }) => assert!(e.to_string().contains("shape")),
		Err(e) => panic!("unexpected error {e}"),
		Ok(_) => panic!("a head of the wrong shape was accepted"),
	}

	// 4. Truncated file.
	std::fs::write(&head, &good[..good.len() / 2]).expect("write");
	resign(&dir);
	assert!(matches!(
		load(&dir, &base),
		Err(EngineError::CorruptWeights { .. })
	));
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn embedding_cache_is_keyed_by_texts_and_encoder() {
	let base = base();
	let enc = Encoder::load_dir(&base, 128, &EngineOptions::default()).expect("encoder");
	let fp = base_fingerprint(&base, 128).expect("fingerprint");
	assert_ne!(fp, base_fingerprint(&base, 64).expect("fingerprint"));
	let dir = scratch("cache");
	let texts: Vec<String> = FIXTURE.iter().take(4).map(|f| f.0.to_string()).collect();
	let a = embed_cached(&enc, &fp, &texts, Some(&dir), "t").expect("embed");
	let key = cache_key(&fp, &texts);
	assert!(cache_path(&dir, &key).is_file());
	let b = embed_cached(&enc, &fp, &texts, Some(&dir), "t").expect("cached");
	assert_eq!(a, b);
	let mut other = texts.clone();
	other[0].push('!');
	assert_ne!(cache_key(&fp, &other), key);
	assert_ne!(cache_key("another encoder", &texts), key);
	// A damaged cache file is ignored and recomputed.
	std::fs::write(cache_path(&dir, &key), b"junk").expect("write");
	assert_eq!(
		embed_cached(&enc, &fp, &texts, Some(&dir), "t").expect("recompute"),
		a
	);
	let _ = std::fs::remove_dir_all(&dir);
}

fn finetune_fixture(lora_rank: Option<usize>) -> veritas_models::finetune::FinetuneOutcome {
	use veritas_models::finetune::{finetune, FinetuneConfig};
	let base = base();
	let enc = Encoder::load_dir(&base, 128, &EngineOptions::default()).expect("encoder");
	let (texts, y, r) = fixture_targets();
	finetune(
		&enc,
		&base,
		(&texts, &y, &r),
		(&texts, &y, &r),
		2,
		reason_codes().len(),
		&FinetuneConfig {
			base: TrainConfig {
				batch_size: 8,
				lr: 3e-3,
				..quiet(6)
			},
			layers: 1,
			encoder_lr: if lora_rank.is_some() { 3e-4 } else { 1e-4 },
			lora_rank,
			lr_decay: lora_rank.is_some(),
			balance_short: 0,
		},
	)
	.expect("fine-tuning")
}

/// Exports a fine-tuned run and checks that the engine (base + adapter) reproduces the
/// training-side scores.
fn export_and_check(out: &veritas_models::finetune::FinetuneOutcome, tag: &str) -> u64 {
	use veritas_classifier::authoring::ADAPTER_FILE;
	use veritas_models::finetune::write_adapter;
	let base = base();
	let (texts, _, _) = fixture_targets();
	let first = out.log[0].train_loss;
	let last = out.log.last().expect("epochs").train_loss;
	assert!(last < first, "{tag}: loss did not fall: {first} -> {last}");
	let dir = scratch(tag);
	let adapter = dir.join("run").join(ADAPTER_FILE);
	write_adapter(&out.tensors, &adapter).expect("write adapter");
	let model = dir.join("model");
	export_model(
		&model,
		&out.heads,
		&spec(5000),
		"../base/all-MiniLM-L6-v2",
		&base,
		Some(&adapter),
	)
	.expect("export");
	let engine = load(&model, &base).expect("engine loads base + adapter");
	let tuned = Encoder::load_dir_adapted(&base, Some(&adapter), 128, &EngineOptions::default())
		.expect("encoder");
	let x = tuned.embed(&texts).expect("embed");
	let plain = Encoder::load_dir(&base, 128, &EngineOptions::default()).expect("encoder");
	assert_ne!(
		x,
		plain.embed(&texts).expect("embed"),
		"{tag}: the encoder did not change"
	);
	for (i, c) in engine
		.classify(&texts)
		.expect("classify")
		.iter()
		.enumerate()
	{
		assert_eq!(c.score, score_of(out.heads.positive_prob(&x[i])), "{tag}");
	}
	let size = std::fs::metadata(model.join(ADAPTER_FILE))
		.expect("adapter")
		.len();
	let _ = std::fs::remove_dir_all(&dir);
	size
}

#[test]
fn unfreezing_the_top_layer_trains_and_exports_an_adapter_the_engine_applies() {
	let out = finetune_fixture(None);
	// Only the top layer changed: its 16 tensors, replaced whole.
	assert!(out
		.tensors
		.keys()
		.all(|k| k.starts_with("encoder.layer.5.") && !k.contains(".lora_")));
	assert_eq!(out.tensors.len(), 16);
	let size = export_and_check(&out, "finetune-full");
	assert!(size > 6_000_000, "a full layer is ~7 MB, got {size}");
}

#[test]
fn lora_fine_tuning_ships_a_small_adapter() {
	let out = finetune_fixture(Some(4));
	// Six matrices as (lora_a, lora_b) pairs + 6 biases + 4 LayerNorm tensors.
	let lora = out.tensors.keys().filter(|k| k.contains(".lora_")).count();
	assert_eq!(lora, 12);
	assert_eq!(out.tensors.len(), 22);
	let size = export_and_check(&out, "finetune-lora");
	assert!(
		size < 200_000,
		"a rank-4 adapter of one layer is small, got {size}"
	);
}

/// The published model's folder, as `models/PUBLISHED` names it.
fn published_dir() -> PathBuf {
	let root = Path::new(env!("CARGO_MANIFEST_DIR"));
	let name = std::fs::read_to_string(root.join("PUBLISHED")).expect("models/PUBLISHED exists");
	root.join(name.trim())
}

/// The hash the chain pins (`MODEL_HASH`, activated by the runtime's genesis presets) is the
/// hash of the published folder as it is on disk.
#[test]
fn published_model_hash_matches_its_files() {
	let dir = published_dir();
	let recorded = std::fs::read_to_string(dir.join("MODEL_HASH")).expect("MODEL_HASH exists");
	let computed = veritas_classifier::manifest::model_hash(&dir, Some(&base()))
		.expect("the published model's files are all present and match the manifest");
	assert_eq!(
		recorded.trim(),
		format!("0x{}", veritas_classifier::manifest::hex(&computed)),
		"MODEL_HASH is stale: re-export the model"
	);
}

/// The published model loads through the engine (base encoder + its adapter, memo input) and
/// decides plain cases the way a validator should.
#[test]
fn published_model_screens_plain_cases() {
	let dir = published_dir();
	let engine = load(&dir, &base()).expect("the published model loads");
	let reasons = engine.manifest().reason_codes.clone();
	let cases = [
		("transfer 5 VRT to 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY: rent for May, flat 4B", "legit", "rent"),
		("transfer 120 VRT to 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty: salary for october", "legit", "salary"),
		("transfer 5 VRT to 5Grw…utQY: verify your wallet at claim-vrt.xyz to avoid suspension", "illicit", "phishing"),
		("pay the decryption fee or the files stay locked", "illicit", "ransomware"),
	];
	let texts: Vec<&str> = cases.iter().map(|c| c.0).collect();
	let out = engine.classify(&texts).expect("classify");
	for (c, (text, label, reason)) in out.iter().zip(cases) {
		assert_eq!(LABELS[c.label as usize], label, "{text}");
		assert!(!c.abstain, "{text}");
		assert_eq!(reasons[c.reason as usize], reason, "{text}");
	}
}

const MANIFEST: &str = "manifest.json";

/// The non-file fields of `m`, as a spec to write a new manifest from.
fn spec_of(m: &Manifest) -> ModelSpec {
	ModelSpec {
		name: m.name.clone(),
		version: m.version,
		labels: m.labels.clone(),
		positive_label: m.positive_label.clone(),
		reason_codes: m.reason_codes.clone(),
		threshold: m.threshold,
		abstain_margin: m.abstain_margin,
		max_len: m.max_len,
		input: m.input,
		reasons_by_label: m.reasons_by_label.clone(),
		input_guard: m.input_guard,
		precision: m.precision,
	}
}

/// `export --from … --scope-head`: the given scope head replaces the source's and decides which
/// memos abstain as out of scope; the label scores stay the source's; a file that is not a scope
/// head of the model is refused.
#[test]
fn a_scope_head_given_to_a_copy_decides_its_out_of_scope_memos() {
	use veritas_models::scope::ScopeHead;
	let base = base();
	let from = published_dir();
	let source = load(&from, &base).expect("the published model loads");
	let dim = source.encoder().hidden_size();
	let rel = "../base/all-MiniLM-L6-v2";
	let dir = scratch("scope-copy");
	let texts = [
		"as discussed",
		"rent for May, flat 4B",
		"pay the ransom in 24h or we publish your files",
	];
	let before = source.classify(&texts).expect("classify");
	assert!(
		before[0].flags.out_of_scope,
		"the published scope head takes \"as discussed\" out"
	);
	assert!(!before[1].flags.out_of_scope && !before[2].flags.out_of_scope);
	// `export --from <published> --scope-head <file> --out <out>`.
	let give = |out: &Path, file: &Path| {
		let mut spec = spec_of(source.manifest());
		spec.name = "with-scope-head".into();
		reexport_model(&from, out, &spec, rel, &base, None, Some(file))
	};
	for (bias, name) in [(1.0f32, "all"), (-1.0, "none")] {
		let head = ScopeHead {
			weight: vec![0.0; dim],
			bias,
		};
		let file = dir.join(format!("{name}.safetensors"));
		head.write(&file).expect("write the scope head");
		let out = dir.join(name);
		give(&out, &file).expect("re-export");
		assert_eq!(
			std::fs::read(out.join(SCOPE_HEAD_FILE)).expect("copied"),
			std::fs::read(&file).expect("file")
		);
		let copy = load(&out, &base).expect("the copy loads");
		let after = copy.classify(&texts).expect("classify");
		for (b, a) in before.iter().zip(&after) {
			assert_eq!((a.label, a.score, a.reason), (b.label, b.score, b.reason));
			assert_eq!(a.flags.out_of_scope, bias > 0.0);
		}
		if bias > 0.0 {
			assert!(after.iter().all(|c| c.abstain));
		} else {
			// Without the published head's verdict, "as discussed" is judged: v10 rejected it.
			assert!(!after[0].abstain && after[0].score > 5000, "{:?}", after[0]);
		}
	}
	// A head fitted on another encoder's embeddings (its `scope.json` says so) is refused.
	let file = dir.join("all.safetensors");
	let summary = dir.join("scope.json");
	std::fs::write(
		&summary,
		r#"{"model":"other","model_hash":"0x00","encoder_fingerprint":"another encoder","no_signal_train":1,"in_scope_train":1,"l2":0.001,"steps":1,"loss":0.1,"max_flagged":0.02,"cut":0.0,"train":[],"budget":[],"reported":[]}"#,
	)
	.expect("scope.json");
	let err = give(&dir.join("other"), &file).expect_err("another encoder's head");
	assert!(format!("{err:#}").contains("not this model's"), "{err:#}");
	assert!(
		!dir.join("other").exists(),
		"nothing is written for a refused head"
	);
	// The published model's own scope.json vouches for heads on its (int8) embeddings: such a
	// head is accepted for a copy at the same precision and refused for an f32 copy, whose
	// embeddings differ.
	std::fs::copy(from.join("scope.json"), &summary).expect("copy scope.json");
	give(&dir.join("vouched"), &file).expect("the same encoder");
	let mut spec = spec_of(source.manifest());
	spec.name = "scope-f32".into();
	spec.precision = Some(veritas_classifier::Precision::F32);
	let err = reexport_model(
		&from,
		&dir.join("f32"),
		&spec,
		rel,
		&base,
		None,
		Some(&file),
	)
	.expect_err("another precision");
	assert!(format!("{err:#}").contains("not this model's"), "{err:#}");
	std::fs::remove_file(&summary).expect("remove scope.json");
	// Three rows, or the wrong width, is not a scope head of this model.
	for (rows, width) in [(3usize, dim), (2, dim - 1)] {
		let file = dir.join("bad.safetensors");
		veritas_classifier::authoring::write_head(
			&file,
			&vec![0.1; rows * width],
			&vec![0.0; rows],
		)
		.expect("write");
		let err = give(&dir.join("bad"), &file).expect_err("not a scope head");
		assert!(
			format!("{err:#}").contains("not a scope head of 2 rows"),
			"{err:#}"
		);
	}
	let _ = std::fs::remove_dir_all(&dir);
}

/// `export --from`: the published model's weights under a new operating point give the same
/// scores, decided by the new threshold and margin, under a new hash; its files are copied byte
/// for byte, and the source folder is never written.
#[test]
fn reexport_keeps_the_weights_and_changes_only_the_manifest() {
	let base = base();
	let from = published_dir();
	let source = load(&from, &base).expect("the published model loads");
	let mut spec = spec_of(source.manifest());
	spec.name = "reexported".into();
	spec.threshold = 5000;
	spec.abstain_margin = 5000;
	let out = scratch("reexport");
	let rel = "../base/all-MiniLM-L6-v2";
	let hash = reexport_model(&from, &out, &spec, rel, &base, None, None).expect("re-export");
	assert_ne!(hash, source.model_hash());
	for f in [HEAD_FILE, REASON_HEAD_FILE, ADAPTER_FILE, SCOPE_HEAD_FILE] {
		assert_eq!(
			std::fs::read(out.join(f)).expect("copied"),
			std::fs::read(from.join(f)).expect("source"),
			"{f}"
		);
	}
	let again = load(&out, &base).expect("the re-exported model loads");
	assert_eq!(again.model_hash(), hash);
	let m = again.manifest();
	assert_eq!(
		(m.name.as_str(), m.threshold, m.abstain_margin),
		("reexported", 5000, 5000)
	);
	assert_eq!(m.precision, source.manifest().precision);
	let texts = [
		"rent for May, flat 4B",
		"verify your wallet at claim-vrt.xyz now",
	];
	let (a, b) = (
		source.classify(&texts).expect("classify"),
		again.classify(&texts).expect("classify"),
	);
	for (x, y) in a.iter().zip(&b) {
		assert_eq!(x.score, y.score);
		// The band is now 1..=9999: only a saturated score is decided.
		assert_eq!(
			y.abstain,
			(1..=9999).contains(&y.score),
			"score {}",
			y.score
		);
	}

	// A spec with other reason codes or another positive label is refused, and so is writing
	// over the source (here the re-exported copy, never the published folder).
	let onto_scratch = |spec: &ModelSpec| {
		reexport_model(&out, &scratch("reexport-bad"), spec, rel, &base, None, None)
	};
	let mut other = spec.clone();
	other.reason_codes.pop();
	let err = onto_scratch(&other).expect_err("other reason codes");
	assert!(err.to_string().contains("reason codes"), "{err}");
	let mut other = spec.clone();
	other.positive_label = other.labels[0].clone();
	assert!(onto_scratch(&other).is_err());
	let before: Vec<Vec<u8>> = [MANIFEST, HEAD_FILE]
		.iter()
		.map(|f| std::fs::read(out.join(f)).expect("source file"))
		.collect();
	let err = reexport_model(&out, &out, &spec, rel, &base, None, None).expect_err("onto itself");
	assert!(err.to_string().contains("another folder"), "{err}");
	for (f, bytes) in [MANIFEST, HEAD_FILE].iter().zip(&before) {
		assert_eq!(
			&std::fs::read(out.join(f)).expect("source file"),
			bytes,
			"{f}"
		);
	}
	let _ = std::fs::remove_dir_all(&out);
}

/// `export --from --temperature`: the label head is divided by the temperature, so every score
/// moves towards 5000 without crossing it (the verdicts at threshold 5000 stay), the order of
/// the memos stays, and the reason head and the encoder adapter are copied byte for byte.
/// The source is the published model made over-sure first (T = 0.25: its logits × 4), so that
/// it has saturated scores whatever the published model's own calibration.
#[test]
fn a_temperature_spreads_the_scores_and_keeps_their_order() {
	let base = base();
	let published = published_dir();
	let mut spec = spec_of(load(&published, &base).expect("published").manifest());
	spec.name = "over-sure".into();
	spec.threshold = 5000;
	let rel = "../base/all-MiniLM-L6-v2";
	let from = scratch("over-sure");
	reexport_model(&published, &from, &spec, rel, &base, Some(0.25), None).expect("sharpen");
	let source = load(&from, &base).expect("the over-sure copy loads");
	spec.name = "tempered".into();
	let out = scratch("tempered");
	reexport_model(&from, &out, &spec, rel, &base, Some(3.0), None).expect("re-export");
	for f in [REASON_HEAD_FILE, ADAPTER_FILE] {
		assert_eq!(
			std::fs::read(out.join(f)).expect("copied"),
			std::fs::read(from.join(f)).expect("source"),
			"{f}"
		);
	}
	let tempered = load(&out, &base).expect("the tempered model loads");
	let texts = [
		"rent for May, flat 4B",
		"verify your wallet at claim-vrt.xyz now",
		"salary for March, thanks for all the overtime",
		"send the seed phrase or your account is frozen today",
		"grandma it's me, I'm in jail, pay the bail",
	];
	let (a, b) = (
		source.classify(&texts).expect("classify"),
		tempered.classify(&texts).expect("classify"),
	);
	let dist = |s: u16| s.abs_diff(5000);
	for (x, y) in a.iter().zip(&b) {
		assert!(dist(y.score) <= dist(x.score), "{} -> {}", x.score, y.score);
		assert_eq!(
			x.score >= 5000,
			y.score >= 5000,
			"{} -> {}",
			x.score,
			y.score
		);
		assert_eq!(x.reason, y.reason);
	}
	// At least one saturated score of the source comes off the end of the scale.
	assert!(a
		.iter()
		.zip(&b)
		.any(|(x, y)| matches!(x.score, 0 | 10_000) && !matches!(y.score, 0 | 10_000)));
	for i in 0..texts.len() {
		for j in 0..texts.len() {
			if a[i].score < a[j].score {
				assert!(b[i].score <= b[j].score, "order of {i} and {j}");
			}
		}
	}
	assert!(reexport_model(
		&from,
		&scratch("tempered-bad"),
		&spec,
		rel,
		&base,
		Some(0.0),
		None
	)
	.is_err());
	let _ = std::fs::remove_dir_all(&out);
	let _ = std::fs::remove_dir_all(&from);
}

/// `compare`: the published model against a copy of itself that never abstains by margin, on a
/// hand-written dev set. Each is voted at its own point (the copy's band is gone, so only the
/// memos out of scope, by the guard or the scope head, abstain), the baseline's outcomes are the ones `eval` reports, and
/// the difference is the copy's cost minus the baseline's, inside its bootstrap interval. On
/// no-signal memos (`ood-dev-v1`) the copy abstains only where the guard or the scope head holds
/// a memo out of scope, so never on more memos than the published model.
#[test]
fn compare_votes_each_model_at_its_own_point() {
	use veritas_models::evaluate::{compare_models, eval_dev, EvalPaths, EvalSet};
	use veritas_models::operating::Costs;
	let base = base();
	let published = published_dir();
	let mut spec = spec_of(load(&published, &base).expect("published").manifest());
	spec.name = "no-band".into();
	spec.abstain_margin = 0;
	let copy = scratch("no-band");
	reexport_model(
		&published,
		&copy,
		&spec,
		"../base/all-MiniLM-L6-v2",
		&base,
		None,
		None,
	)
	.expect("re-export");
	let models = Path::new(env!("CARGO_MANIFEST_DIR"));
	let paths = EvalPaths {
		model: published.clone(),
		data: models.join("data/veritas-tx-v8"),
		models: models.to_path_buf(),
		base: Some(base.clone()),
		cache: None,
	};
	let set = EvalSet::VoicesDevV3;
	let costs = Costs::default();
	let named = [
		("published".to_string(), published.clone()),
		("no-band".to_string(), copy.clone()),
	];
	let quiet = [models.join("data/ood-dev-v1/ood.jsonl")];
	let all = compare_models(&paths, &named, &[set], &quiet, &costs, 200, 3).expect("compare");
	let out = &all.sets;
	assert_eq!(out.len(), 1);
	let [a, b] = &out[0].models[..] else {
		panic!("two models, got {}", out[0].models.len())
	};
	assert_eq!(
		(a.model.as_str(), b.model.as_str()),
		("published", "no-band")
	);
	assert!(a.against_first.is_none());
	assert_eq!(b.outcomes.abstentions, b.outcomes.out_of_scope);
	assert!(a.outcomes.abstentions > b.outcomes.abstentions);
	let report = eval_dev(&paths, &[set], &[], false).expect("eval");
	assert_eq!(report.sets[0].chain, a.outcomes);
	let d = b.against_first.expect("a difference from the baseline");
	assert!((d.point - (b.cost - a.cost)).abs() < 1e-12, "{d:?}");
	assert!(d.low <= d.point && d.point <= d.high, "{d:?}");
	let [q] = &all.no_signal[..] else {
		panic!("one no-signal file, got {}", all.no_signal.len())
	};
	let [qa, qb] = &q.models[..] else {
		panic!("two models, got {}", q.models.len())
	};
	assert_eq!(q.n, 150);
	for m in [qa, qb] {
		assert_eq!(m.approve + m.reject + m.abstain, q.n, "{m:?}");
	}
	assert!(qa.abstain > qb.abstain, "{qa:?} {qb:?}");
	let qd = qb.against_first.expect("an abstention difference");
	let want = (qb.abstain as f64 - qa.abstain as f64) / q.n as f64;
	assert!((qd.point - want).abs() < 1e-12, "{qd:?}");
	assert!(qd.high <= 0.0 && qd.more == 0.0, "{qd:?}");
	// A no-signal dev set by name: its two parts, joined.
	let by_name = [PathBuf::from("nosignal_dev_v3")];
	let v3 = compare_models(&paths, &named, &[], &by_name, &costs, 20, 3).expect("by name");
	let parts: usize = ["part-g", "part-h"]
		.iter()
		.map(|p| {
			let f = models
				.join("data/nosignal-dev-v3")
				.join(p)
				.join("dev.jsonl");
			std::fs::read_to_string(f).expect("part").lines().count()
		})
		.sum();
	assert_eq!(v3.no_signal[0].n, parts);
	let none: &[std::path::PathBuf] = &[];
	let err =
		compare_models(&paths, &named[..1], &[set], none, &costs, 10, 3).expect_err("one model");
	assert!(err.to_string().contains("at least two models"), "{err}");
	let twice = [named[0].clone(), named[0].clone()];
	let err =
		compare_models(&paths, &twice, &[set], none, &costs, 10, 3).expect_err("one name twice");
	assert!(err.to_string().contains("two models are named"), "{err}");
	let err = compare_models(
		&paths,
		&named,
		&[EvalSet::SealedTestV4],
		none,
		&costs,
		10,
		3,
	)
	.expect_err("a sealed set");
	assert!(err.to_string().contains("only `eval --test`"), "{err}");
	let sealed_file = [models.join("data/sealed-test-v1/ood.jsonl")];
	let err = compare_models(&paths, &named, &[], &sealed_file, &costs, 10, 3)
		.expect_err("a sealed no-signal file");
	assert!(err.to_string().contains("only `eval --test`"), "{err}");
	// `--data` pointed at a sealed set: its memos are not read as a dev split.
	let sealed_data = EvalPaths {
		data: models.join("data/sealed-test-v4"),
		model: paths.model.clone(),
		models: paths.models.clone(),
		base: paths.base.clone(),
		cache: paths.cache.clone(),
	};
	let err = eval_dev(&sealed_data, &[EvalSet::RetiredTest], &[], false)
		.expect_err("a sealed set as --data");
	assert!(err.to_string().contains("only `eval --test`"), "{err}");
	let err = compare_models(&paths, &named, &[], none, &costs, 10, 3).expect_err("nothing");
	assert!(err.to_string().contains("nothing to compare on"), "{err}");
	let _ = std::fs::remove_dir_all(&copy);
}

/// Paths that score the published model with `root` standing in for `models/` (copies of the
/// sealed sets' READMEs and score tables, so no scoring can touch the real ones).
fn published_over(root: &Path) -> veritas_models::evaluate::EvalPaths {
	veritas_models::evaluate::EvalPaths {
		model: published_dir(),
		data: Path::new(env!("CARGO_MANIFEST_DIR")).join("data/veritas-tx-v8"),
		models: root.to_path_buf(),
		base: Some(base()),
		cache: None,
	}
}

/// `eval --test` on the published model scores nothing: the first three sealed sets are retired
/// to training, and each later one was scored for it or is kept from it. Run against copies of the sets' READMEs and score tables
/// (no memo is copied), so a fault here could never spend a real scoring.
#[test]
fn the_published_model_is_scored_on_no_sealed_set_again() {
	use veritas_models::evaluate::score_sealed;
	use veritas_models::sealed::SEALED_DIRS;
	let models = Path::new(env!("CARGO_MANIFEST_DIR"));
	let root = scratch("sealed-copies");
	for d in SEALED_DIRS {
		std::fs::create_dir_all(root.join(d)).expect("dir");
		for f in ["README.md", "SCORES.md"] {
			if let Ok(bytes) = std::fs::read(models.join(d).join(f)) {
				std::fs::write(root.join(d).join(f), bytes).expect("copy");
			}
		}
	}
	let paths = published_over(&root);
	let err = score_sealed(&paths, "2026-12-04").expect_err("nothing left to score");
	assert!(err.to_string().contains("no sealed set left"), "{err}");
	for d in SEALED_DIRS {
		for f in ["README.md", "SCORES.md"] {
			assert_eq!(
				std::fs::read(root.join(d).join(f)).ok(),
				std::fs::read(models.join(d).join(f)).ok(),
				"{d}/{f} changed"
			);
		}
	}
	let _ = std::fs::remove_dir_all(&root);
}

/// A set retired to training is never scored again, whoever the model: with the newest sealed
/// set open to the published model (its `Kept from:` line left out of the copies; the older
/// sets' score tables copied as they are), `eval --test` goes straight to it and fails on its
/// memos, which the copies do not hold, before it reads or counts anything of the retired ones.
#[test]
fn eval_test_skips_the_sets_retired_to_training() {
	use veritas_models::evaluate::score_sealed;
	use veritas_models::sealed::SEALED_DIRS;
	let models = Path::new(env!("CARGO_MANIFEST_DIR"));
	let root = scratch("retired-copies");
	let last = SEALED_DIRS[SEALED_DIRS.len() - 1];
	for d in SEALED_DIRS {
		std::fs::create_dir_all(root.join(d)).expect("dir");
		let readme = std::fs::read_to_string(models.join(d).join("README.md")).expect("readme");
		if d == last {
			let open: String = readme
				.split_inclusive('\n')
				.filter(|l| !l.starts_with("Kept from: "))
				.collect();
			std::fs::write(root.join(d).join("README.md"), open).expect("copy");
		} else {
			std::fs::write(root.join(d).join("README.md"), readme).expect("copy");
			if let Ok(bytes) = std::fs::read(models.join(d).join("SCORES.md")) {
				std::fs::write(root.join(d).join("SCORES.md"), bytes).expect("copy");
			}
		}
	}
	// Every older set is retired to training or was scored on the published model.
	let hash = std::fs::read_to_string(published_dir().join("MODEL_HASH")).expect("hash");
	for d in &SEALED_DIRS[..SEALED_DIRS.len() - 1] {
		let dir = models.join(d);
		assert!(
			veritas_models::sealed::retired(&dir).expect("readme")
				|| veritas_models::sealed::scored_before(&dir, hash.trim()).expect("scores"),
			"{d} is retired to training or scored on the published model"
		);
	}
	let paths = published_over(&root);
	let err = score_sealed(&paths, "2026-12-05").expect_err("its memos are not in the copy");
	let msg = format!("{err:#}");
	assert!(msg.contains(last) && msg.contains("test.jsonl"), "{msg}");
	// Nothing was counted: the newest set's copy has no score table still, the others' are as
	// copied.
	for d in SEALED_DIRS {
		let copy = std::fs::read(root.join(d).join("SCORES.md")).ok();
		if d == last {
			assert_eq!(copy, None, "{d} got a score line");
		} else {
			assert_eq!(
				copy,
				std::fs::read(models.join(d).join("SCORES.md")).ok(),
				"{d} got a score line"
			);
		}
	}
	let _ = std::fs::remove_dir_all(&root);
}
