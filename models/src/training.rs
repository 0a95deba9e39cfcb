//! Training a screening model: data (with hand-written extras and augmentation), the frozen-
//! encoder heads or the fine-tuned encoder, the threshold on dev, and what a run leaves behind
//! (checkpoint, curves, `training.json`). The `veritas-models train` command only fills a
//! [`TrainRequest`].

use crate::data::{self, Example, LABELS};
use crate::embed::{base_fingerprint, embed_cached};
use crate::evaluate::model_inputs;
use crate::export::{save_checkpoint, Checkpoint};
use crate::finetune::{finetune, write_adapter, FinetuneConfig};
use crate::plot::{render_svg, Panel, Series};
use crate::train::{
	choose_threshold, score_of, train_heads, EpochLog, Split, TrainConfig, TrainOutcome,
};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Instant;
use veritas_classifier::authoring::ADAPTER_FILE;
use veritas_classifier::{Encoder, EngineOptions, InputScope};

/// Seed of the first training augmentation copy (copy k uses + k).
pub const AUGMENT_SEED: u64 = 2001;
/// Perturbations per perturbed example (augmentation and the perturbed test copy).
pub const PERTURB_OPS: usize = 2;

/// The name of an input scope in `training.json` and on the command line.
pub fn input_name(scope: InputScope) -> &'static str {
	match scope {
		InputScope::Memo => "memo",
		InputScope::Text => "text",
	}
}

/// Everything one training run needs, paths resolved.
#[derive(Clone, Debug)]
pub struct TrainRequest {
	/// Model name (recorded in `training.json`).
	pub name: String,
	/// Dataset folder (its `train.jsonl` and `dev.jsonl`).
	pub data: PathBuf,
	/// Base encoder folder.
	pub base: PathBuf,
	/// Embedding cache folder (`None`: no cache).
	pub cache: Option<PathBuf>,
	/// Folder for `curves.csv`, `curves.svg`, `training.json`.
	pub out: PathBuf,
	/// Folder for the checkpoint and the adapter.
	pub run_dir: PathBuf,
	/// Perturbed copies of the training split.
	pub augment: usize,
	/// Hand-written labelled memos added to train.
	pub extra_train: Vec<PathBuf>,
	/// Times each extra training memo is added.
	pub extra_repeat: usize,
	/// Labelled memos added to dev.
	pub extra_dev: Vec<PathBuf>,
	/// No-signal memos (`{"id","text","kind"}` lines) added to train `no_signal_repeat` times
	/// each, with an even label target and the reason `none` (see [`data::NO_SIGNAL`]).
	pub no_signal: Vec<PathBuf>,
	/// Times each no-signal memo is added.
	pub no_signal_repeat: usize,
	/// Encoder layers fine-tuned from the top (0: frozen encoder).
	pub unfreeze_layers: usize,
	/// Learning rate of the fine-tuned layers.
	pub encoder_lr: f64,
	/// LoRA rank of the fine-tuned layers (0: all weights).
	pub lora_rank: usize,
	/// Balance the labels among memos of at most this many words in the label loss (fine-tuning
	/// only; 0: off).
	pub balance_short: usize,
	/// Linear decay of both learning rates to zero.
	pub lr_decay: bool,
	/// Truncation length.
	pub max_len: usize,
	/// What the model reads.
	pub input: InputScope,
	/// Heads, optimiser and schedule.
	pub config: TrainConfig,
}

/// Trains a model as `req` says: reads the splits (and the extra files), augments, embeds or
/// fine-tunes, trains the heads with early stopping on dev, chooses the threshold on dev, and
/// writes the checkpoint (`run_dir`) and `curves.csv`, `curves.svg`, `training.json` (`out`).
pub fn train(req: &TrainRequest) -> Result<()> {
	let a = req;
	let t0 = Instant::now();
	let (data, base, cache, out, run_dir) =
		(&a.data, &a.base, a.cache.as_deref(), &a.out, &a.run_dir);
	// Nothing of a sealed test set may reach training or model selection.
	// A set retired to training may give training memos, never dev ones.
	let models = base.join("../..");
	let (train_file, dev_file) = (data.join("train.jsonl"), data.join("dev.jsonl"));
	for path in [data, &train_file, &dev_file]
		.into_iter()
		.chain(&a.extra_dev)
		.chain(&a.no_signal)
	{
		crate::sealed::refuse(path, &models, "it is never trained or chosen on")?;
	}
	for path in &a.extra_train {
		crate::sealed::refuse_unless_retired(path, &models, "it is never trained on")?;
	}
	let mut train_set = data::read_split(data, "train")?;
	for path in &a.extra_train {
		let extra =
			data::read_jsonl(path).with_context(|| format!("--extra-train {}", path.display()))?;
		for _ in 0..a.extra_repeat {
			train_set.extend(extra.iter().cloned());
		}
	}
	let mut no_signal: Vec<String> = Vec::new();
	for path in &a.no_signal {
		let memos = crate::evaluate::read_ood(path)
			.with_context(|| format!("--no-signal {}", path.display()))?;
		anyhow::ensure!(
			!memos.is_empty(),
			"--no-signal {}: no memos",
			path.display()
		);
		for _ in 0..a.no_signal_repeat {
			no_signal.extend(memos.iter().map(|m| a.input.select(&m.text).to_string()));
		}
	}
	let mut dev_set = data::read_split(data, "dev")?;
	for path in &a.extra_dev {
		dev_set.extend(
			data::read_jsonl(path).with_context(|| format!("--extra-dev {}", path.display()))?,
		);
	}
	let mut train_all = train_set.clone();
	for k in 0..a.augment {
		train_all.extend(data::perturbed_copy(
			&train_set,
			AUGMENT_SEED + k as u64,
			PERTURB_OPS,
		));
	}
	eprintln!(
		"train: {} examples ({} + {} augmented + {} no-signal), dev: {}",
		train_all.len() + no_signal.len(),
		train_set.len(),
		train_all.len() - train_set.len(),
		no_signal.len(),
		dev_set.len()
	);
	let encoder = Encoder::load_dir(base, a.max_len, &EngineOptions::default())?;
	let fp = base_fingerprint(base, a.max_len)?;
	// No-signal memos follow the labelled ones: an even label target, the reason `none`.
	let ytr: Vec<usize> = train_all
		.iter()
		.map(Example::label_index)
		.chain(no_signal.iter().map(|_| data::NO_SIGNAL))
		.collect();
	let rtr: Vec<usize> = train_all
		.iter()
		.map(Example::reason_index)
		.chain(no_signal.iter().map(|_| 0))
		.collect();
	let ydv: Vec<usize> = dev_set.iter().map(Example::label_index).collect();
	let rdv: Vec<usize> = dev_set.iter().map(Example::reason_index).collect();
	let reasons = data::reason_codes();
	let cfg = a.config.clone();
	let adapter_path = run_dir.join(ADAPTER_FILE);
	anyhow::ensure!(
		a.balance_short == 0 || a.unfreeze_layers > 0,
		"--balance-short weighs the fine-tuning loss: give --unfreeze-layers too"
	);
	let (outcome, xdv, t_embed, t_train) = if a.unfreeze_layers == 0 {
		let mut tr_inputs = model_inputs(&train_all, a.input);
		tr_inputs.extend(no_signal.iter().cloned());
		let xtr = embed_cached(&encoder, &fp, &tr_inputs, cache, "train")?;
		let xdv = embed_cached(
			&encoder,
			&fp,
			&model_inputs(&dev_set, a.input),
			cache,
			"dev",
		)?;
		let t_embed = t0.elapsed().as_secs_f64();
		let t1 = Instant::now();
		let outcome = train_heads(
			Split {
				x: &xtr,
				y: &ytr,
				r: &rtr,
			},
			Split {
				x: &xdv,
				y: &ydv,
				r: &rdv,
			},
			LABELS.len(),
			reasons.len(),
			&cfg,
		)?;
		// A frozen-encoder run must not leave a stale adapter behind.
		if adapter_path.exists() {
			std::fs::remove_file(&adapter_path)
				.with_context(|| format!("removing {}", adapter_path.display()))?;
		}
		(outcome, xdv, t_embed, t1.elapsed().as_secs_f64())
	} else {
		let t1 = Instant::now();
		let tr_texts: Vec<&str> = train_all
			.iter()
			.map(|e| a.input.select(&e.text))
			.chain(no_signal.iter().map(String::as_str))
			.collect();
		let dv_texts: Vec<&str> = dev_set.iter().map(|e| a.input.select(&e.text)).collect();
		let ft = finetune(
			&encoder,
			base,
			(&tr_texts, &ytr, &rtr),
			(&dv_texts, &ydv, &rdv),
			LABELS.len(),
			reasons.len(),
			&FinetuneConfig {
				base: cfg.clone(),
				layers: a.unfreeze_layers,
				encoder_lr: a.encoder_lr,
				lora_rank: (a.lora_rank > 0).then_some(a.lora_rank),
				lr_decay: a.lr_decay,
				balance_short: a.balance_short,
			},
		)?;
		write_adapter(&ft.tensors, &adapter_path)?;
		// Dev embeddings through the adapted encoder (as the engine will compute them).
		let tuned = Encoder::load_dir_adapted(
			base,
			Some(&adapter_path),
			a.max_len,
			&EngineOptions::default(),
		)?;
		let xdv = tuned.embed(&dv_texts)?;
		let outcome = TrainOutcome {
			heads: ft.heads,
			log: ft.log,
			best_epoch: ft.best_epoch,
		};
		(outcome, xdv, 0.0, t1.elapsed().as_secs_f64())
	};
	let dev_scores: Vec<u16> = xdv
		.iter()
		.map(|x| score_of(outcome.heads.positive_prob(x)))
		.collect();
	let threshold = choose_threshold(&ydv, &dev_scores);
	let best = &outcome.log[outcome.best_epoch - 1];
	let summary = serde_json::json!({
		"name": a.name,
		"method": if a.unfreeze_layers == 0 {
			"frozen all-MiniLM-L6-v2 encoder, mean-pooled embeddings (cached), linear task head + linear reason head, candle-nn AdamW".to_string()
		} else {
			format!(
				"all-MiniLM-L6-v2 with the top {} layer(s) fine-tuned ({}, encoder lr {}) and shipped as an encoder adapter, mean pooling, linear task head + linear reason head, candle-nn AdamW",
				a.unfreeze_layers,
				if a.lora_rank > 0 { format!("rank-{} LoRA + biases + LayerNorms", a.lora_rank) } else { "all weights".to_string() },
				a.encoder_lr
			)
		},
		"config": cfg,
		"augment_copies": a.augment,
		"extra_train": a.extra_train.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
		"extra_repeat": a.extra_repeat,
		"extra_dev": a.extra_dev.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
		"no_signal": a.no_signal.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
		"no_signal_repeat": a.no_signal_repeat,
		"no_signal_examples": no_signal.len(),
		"perturbations_per_augmented_example": PERTURB_OPS,
		"unfreeze_layers": a.unfreeze_layers,
		"lora_rank": a.lora_rank,
		"balance_short": a.balance_short,
		"lr_decay": a.lr_decay,
		"max_len": a.max_len,
		"input": input_name(a.input),
		"train_examples": train_all.len() + no_signal.len(),
		"train_examples_original": train_set.len(),
		"dev_examples": dev_set.len(),
		"epochs_run": outcome.log.len(),
		"best_epoch": outcome.best_epoch,
		"best_dev_macro_f1_argmax": best.dev_f1,
		"best_dev_loss": best.dev_loss,
		"best_dev_reason_accuracy": best.dev_reason_acc,
		"threshold_chosen_on_dev": threshold,
		"encoder_fingerprint": fp,
		"seconds_embedding": t_embed,
		"seconds_training": t_train,
	});
	save_checkpoint(
		&run_dir.join("checkpoint.safetensors"),
		&Checkpoint {
			heads: outcome.heads.clone(),
			threshold,
			meta: summary.to_string(),
		},
	)?;
	std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
	let mut csv = String::from(
        "epoch,train_loss,train_label_loss,dev_loss,train_macro_f1,dev_macro_f1,dev_reason_accuracy\n",
    );
	for r in &outcome.log {
		csv.push_str(&format!(
			"{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6}\n",
			r.epoch,
			r.train_loss,
			r.train_label_loss,
			r.dev_loss,
			r.train_f1,
			r.dev_f1,
			r.dev_reason_acc
		));
	}
	std::fs::write(out.join("curves.csv"), csv).context("writing curves.csv")?;
	let pts = |f: &dyn Fn(&EpochLog) -> f64| -> Vec<(f64, f64)> {
		outcome.log.iter().map(|r| (r.epoch as f64, f(r))).collect()
	};
	let marker = Some(outcome.best_epoch as f64);
	render_svg(
		&out.join("curves.svg"),
		&[
			Panel {
				title: "cross-entropy (grey line: best epoch)",
				x_label: "epoch",
				series: vec![
					Series {
						name: "train (batch)",
						color: [31, 119, 180],
						points: pts(&|r| r.train_loss),
					},
					Series {
						name: "train label",
						color: [44, 160, 44],
						points: pts(&|r| r.train_label_loss),
					},
					Series {
						name: "dev label",
						color: [214, 39, 40],
						points: pts(&|r| r.dev_loss),
					},
				],
				marker_x: marker,
			},
			Panel {
				title: "macro-F1 / dev reason accuracy",
				x_label: "epoch",
				series: vec![
					Series {
						name: "train F1",
						color: [31, 119, 180],
						points: pts(&|r| r.train_f1),
					},
					Series {
						name: "dev F1",
						color: [214, 39, 40],
						points: pts(&|r| r.dev_f1),
					},
					Series {
						name: "dev reason acc",
						color: [148, 103, 189],
						points: pts(&|r| r.dev_reason_acc),
					},
				],
				marker_x: marker,
			},
		],
		560,
		380,
	)?;
	std::fs::write(
		out.join("training.json"),
		serde_json::to_string_pretty(&summary)? + "\n",
	)
	.context("writing training.json")?;
	println!(
        "trained in {:.1}s (+{:.1}s embeddings): best epoch {} dev macro-F1 {:.4}, threshold {}; checkpoint {}",
        t_train,
        t_embed,
        outcome.best_epoch,
        best.dev_f1,
        threshold,
        run_dir.join("checkpoint.safetensors").display()
    );
	Ok(())
}
