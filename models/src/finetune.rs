//! Optional fine-tuning of the top `k` encoder layers together with the heads.
//!
//! * The bottom `L − k` layers stay frozen: candle-transformers' `BertModel` (built with
//!   `num_hidden_layers = L − k` from the base weights) computes their hidden states once per
//!   text; they are kept in memory, unpadded.
//! * The top `k` layers are re-implemented here with differentiable candle ops (candle-nn's
//!   `LayerNorm` uses a fused kernel without a backward pass, so candle-transformers' layers
//!   cannot be trained as-is) and initialised from the base weights as `Var`s — or, with
//!   `lora_rank`, the six weight matrices per layer stay frozen and a rank-r update
//!   `2·b·a` (LoRA; `b` starts at zero) is trained instead, with the biases and LayerNorms.
//! * Batches are drawn shuffled, but texts of similar length are batched together (sorted
//!   inside windows of 32 batches, batch order shuffled), so little time goes into padding.
//! * Mean pooling, feature standardisation with statistics fixed from the *initial* pooled
//!   features (folded into the head at the end), seeded input dropout, the linear label and reason
//!   heads; one AdamW for the encoder layers (small learning rate), one for the heads.
//! * Early stopping on dev macro-F1, like [`crate::train`]; optionally both learning rates decay
//!   linearly to zero over the epoch budget (`lr_decay`).
//!
//! The result is an encoder *adapter* (`veritas_classifier::adapter`): the replaced tensors and
//! the LoRA factors, a small file that the exported model ships next to its heads while the base
//! encoder stays fetched and pinned.

use crate::metrics::macro_f1_of;
use crate::train::{dropout, EpochLog, Heads, TrainConfig};
use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{loss::cross_entropy, AdamW, Optimizer, ParamsAdamW, VarBuilder};
use candle_transformers::models::bert::{BertModel, Config};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;
use veritas_classifier::adapter::{LORA_A, LORA_B};
use veritas_classifier::Encoder;

/// Options of the fine-tuning run.
#[derive(Clone, Debug)]
pub struct FinetuneConfig {
	/// Head / optimisation settings (lr is the heads' learning rate).
	pub base: TrainConfig,
	/// Encoder layers to unfreeze (1..=L).
	pub layers: usize,
	/// Learning rate of the unfrozen encoder layers.
	pub encoder_lr: f64,
	/// `Some(r)`: train rank-`r` LoRA updates of the unfrozen layers' six weight matrices (plus
	/// their biases and LayerNorms) instead of every weight; the adapter stays small.
	pub lora_rank: Option<usize>,
	/// Decay both learning rates linearly to zero over `base.epochs` epochs (per batch) instead
	/// of keeping them constant.
	pub lr_decay: bool,
	/// Balance the labels among training memos of at most this many words in the label loss
	/// ([`crate::train::short_balance_weights`]); 0: off.
	pub balance_short: usize,
}

/// Training texts whose initial pooled features fix the standardisation (a seeded sample when the
/// split is larger: the mean and spread of 384 features are well estimated from a few thousand).
pub const STANDARDISE_SAMPLE: usize = 4096;

/// Scale of a LoRA update (`alpha / r` with `alpha = 2 r`), folded into `lora_b` on export.
pub const LORA_SCALE: f64 = 2.0;

/// Result of a fine-tuning run.
pub struct FinetuneOutcome {
	/// Heads (standardisation folded in) of the best epoch.
	pub heads: Heads,
	/// Curves.
	pub log: Vec<EpochLog>,
	/// Best epoch.
	pub best_epoch: usize,
	/// The encoder adapter (see `veritas_classifier::adapter`): replaced tensors by their base
	/// names, LoRA factors as `<name>.lora_a` / `<name>.lora_b` (scale folded in).
	pub tensors: HashMap<String, Tensor>,
}

/// A linear layer of an unfrozen encoder layer: either every weight trained, or the base weight
/// frozen plus a trained low-rank update `LORA_SCALE · b · a`.
struct Lin {
	w: Tensor,
	bias: Tensor,
	lora: Option<(Tensor, Tensor)>,
}

impl Lin {
	/// `x` `[.., in]` → `[.., out]`.
	fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
		let dims = x.dims().to_vec();
		let inp = dims[dims.len() - 1];
		let flat = x.reshape(((), inp))?;
		let mut y = flat.matmul(&self.w.t()?)?.broadcast_add(&self.bias)?;
		if let Some((a, b)) = &self.lora {
			y = (y + (flat.matmul(&a.t()?)?.matmul(&b.t()?)? * LORA_SCALE)?)?;
		}
		let mut out = dims;
		let last = out.len() - 1;
		out[last] = self.w.dim(0)?;
		y.reshape(out)
	}
}

struct Layer {
	q: Lin,
	k: Lin,
	v: Lin,
	o: Lin,
	ln1: (Tensor, Tensor),
	inter: Lin,
	out: Lin,
	ln2: (Tensor, Tensor),
}

fn layer_norm(x: &Tensor, (w, b): &(Tensor, Tensor), eps: f64) -> candle_core::Result<Tensor> {
	let mean = x.mean_keepdim(D::Minus1)?;
	let xc = x.broadcast_sub(&mean)?;
	let var = xc.sqr()?.mean_keepdim(D::Minus1)?;
	xc.broadcast_div(&(var + eps)?.sqrt()?)?
		.broadcast_mul(w)?
		.broadcast_add(b)
}

/// How a trained tensor goes into the adapter.
enum Exported {
	/// Replaces the base tensor of that name.
	Replace,
	/// `lora_a` of the base matrix of that name.
	LoraA,
	/// `lora_b` (scaled on export) of the base matrix of that name.
	LoraB,
}

struct Top {
	layers: Vec<Layer>,
	/// Trained tensors: (base name, kind, var).
	vars: Vec<(String, Exported, Var)>,
	heads: usize,
	eps: f64,
}

impl Top {
	fn load(
		base: &HashMap<String, Tensor>,
		cfg: &Config,
		first: usize,
		lora_rank: Option<usize>,
		seed: u64,
	) -> Result<Self> {
		let mut vars = Vec::new();
		let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x10_4A);
		let base_tensor = |name: &str| -> Result<Tensor> {
			Ok(base
				.get(name)
				.with_context(|| format!("base weights lack `{name}`"))?
				.to_dtype(DType::F32)?)
		};
		let mut var = |name: String, t: Tensor, kind: Exported| -> Result<Tensor> {
			let v = Var::from_tensor(&t)?;
			let out = v.as_tensor().clone();
			vars.push((name, kind, v));
			Ok(out)
		};
		let mut layers = Vec::new();
		for i in first..cfg.num_hidden_layers {
			let p = format!("encoder.layer.{i}");
			let mut lin = |n: &str| -> Result<Lin> {
				let wn = format!("{p}.{n}.weight");
				let bn = format!("{p}.{n}.bias");
				let w = base_tensor(&wn)?;
				let bias = var(bn.clone(), base_tensor(&bn)?, Exported::Replace)?;
				match lora_rank {
					None => Ok(Lin {
						w: var(wn, w, Exported::Replace)?,
						bias,
						lora: None,
					}),
					Some(r) => {
						let (out, inp) = w.dims2()?;
						// a: uniform in ±1/sqrt(in) (seeded), b: zeros, so training starts at
						// the base weights.
						let bound = 1.0 / (inp as f32).sqrt();
						let a: Vec<f32> = (0..r * inp)
							.map(|_| rng.random_range(-bound..bound))
							.collect();
						let a = Tensor::from_vec(a, (r, inp), &Device::Cpu)?;
						let b = Tensor::zeros((out, r), DType::F32, &Device::Cpu)?;
						Ok(Lin {
							w,
							bias,
							lora: Some((
								var(wn.clone(), a, Exported::LoraA)?,
								var(wn, b, Exported::LoraB)?,
							)),
						})
					},
				}
			};
			let q = lin("attention.self.query")?;
			let k = lin("attention.self.key")?;
			let v = lin("attention.self.value")?;
			let o = lin("attention.output.dense")?;
			let inter = lin("intermediate.dense")?;
			let out = lin("output.dense")?;
			let mut ln = |n: &str| -> Result<(Tensor, Tensor)> {
				let wn = format!("{p}.{n}.LayerNorm.weight");
				let bn = format!("{p}.{n}.LayerNorm.bias");
				Ok((
					var(wn.clone(), base_tensor(&wn)?, Exported::Replace)?,
					var(bn.clone(), base_tensor(&bn)?, Exported::Replace)?,
				))
			};
			let ln1 = ln("attention.output")?;
			let ln2 = ln("output")?;
			layers.push(Layer {
				q,
				k,
				v,
				o,
				ln1,
				inter,
				out,
				ln2,
			});
		}
		Ok(Self {
			layers,
			vars,
			heads: cfg.num_attention_heads,
			eps: cfg.layer_norm_eps,
		})
	}

	/// The adapter tensors from `values` (one per var, in order).
	fn adapter(&self, values: Vec<Tensor>) -> candle_core::Result<HashMap<String, Tensor>> {
		let mut out = HashMap::new();
		for ((name, kind, _), t) in self.vars.iter().zip(values) {
			let (key, t) = match kind {
				Exported::Replace => (name.clone(), t),
				Exported::LoraA => (format!("{name}{LORA_A}"), t),
				Exported::LoraB => (format!("{name}{LORA_B}"), (t * LORA_SCALE)?),
			};
			out.insert(key, t);
		}
		Ok(out)
	}

	/// `x` `[b, l, h]`, `mask_add` `[b, 1, 1, l]` (0 or a large negative) → `[b, l, h]`.
	fn forward(&self, x: &Tensor, mask_add: &Tensor) -> candle_core::Result<Tensor> {
		let (b, l, h) = x.dims3()?;
		let dh = h / self.heads;
		let mut x = x.clone();
		for ly in &self.layers {
			let split = |t: Tensor| -> candle_core::Result<Tensor> {
				t.reshape((b, l, self.heads, dh))?
					.transpose(1, 2)?
					.contiguous()
			};
			let q = split(ly.q.forward(&x)?)?;
			let k = split(ly.k.forward(&x)?)?;
			let v = split(ly.v.forward(&x)?)?;
			let scores =
				(q.matmul(&k.t()?.contiguous()?)? / (dh as f64).sqrt())?.broadcast_add(mask_add)?;
			let p = candle_nn::ops::softmax(&scores, D::Minus1)?;
			let ctx = p
				.matmul(&v)?
				.transpose(1, 2)?
				.contiguous()?
				.reshape((b, l, h))?;
			let a = layer_norm(&(ly.o.forward(&ctx)? + &x)?, &ly.ln1, self.eps)?;
			let i = ly.inter.forward(&a)?.gelu_erf()?;
			x = layer_norm(&(ly.out.forward(&i)? + &a)?, &ly.ln2, self.eps)?;
		}
		Ok(x)
	}
}

/// Hidden states after the frozen bottom layers, one `[len, h]` row block per text.
fn bottom_states(
	encoder: &Encoder,
	base_weights: &[u8],
	cfg: &Config,
	frozen: usize,
	texts: &[&str],
	what: &str,
) -> Result<Vec<(usize, Vec<f32>)>> {
	let device = Device::Cpu;
	let mut bcfg = cfg.clone();
	bcfg.num_hidden_layers = frozen;
	let vb = VarBuilder::from_slice_safetensors(base_weights, DType::F32, &device)?;
	let model = BertModel::load(vb, &bcfg).context("loading the frozen bottom layers")?;
	let toks = encoder.tokenize(texts)?;
	let mut order: Vec<usize> = (0..toks.len()).collect();
	order.sort_by_key(|&i| toks[i].ids.len());
	let mut out = vec![(0usize, Vec::new()); toks.len()];
	let pb = ProgressBar::new(toks.len() as u64);
	pb.set_style(
		ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} texts  eta {eta}")
			.unwrap_or_else(|_| ProgressStyle::default_bar())
			.progress_chars("=> "),
	);
	pb.set_message(format!("bottom {what}"));
	let h = cfg.hidden_size;
	for chunk in order.chunks(32) {
		let l = chunk.iter().map(|&i| toks[i].ids.len()).max().unwrap_or(1);
		let mut ids = vec![0u32; chunk.len() * l];
		let mut mask = vec![0u32; chunk.len() * l];
		for (r, &i) in chunk.iter().enumerate() {
			let s = &toks[i].ids;
			ids[r * l..r * l + s.len()].copy_from_slice(s);
			mask[r * l..r * l + s.len()].iter_mut().for_each(|m| *m = 1);
		}
		let ids = Tensor::from_vec(ids, (chunk.len(), l), &device)?;
		let mask = Tensor::from_vec(mask, (chunk.len(), l), &device)?;
		let hs = model.forward(&ids, &ids.zeros_like()?, Some(&mask))?;
		let flat = hs.flatten_all()?.to_vec1::<f32>()?;
		for (r, &i) in chunk.iter().enumerate() {
			let n = toks[i].ids.len();
			out[i] = (n, flat[r * l * h..(r * l + n) * h].to_vec());
		}
		pb.inc(chunk.len() as u64);
	}
	pb.finish();
	Ok(out)
}

/// Pads a batch of hidden-state blocks: (x `[b, l, h]`, mask `[b, l]` f32, additive mask).
fn pad(states: &[&(usize, Vec<f32>)], h: usize) -> Result<(Tensor, Tensor, Tensor)> {
	let device = Device::Cpu;
	let b = states.len();
	let l = states.iter().map(|s| s.0).max().unwrap_or(1).max(1);
	let mut x = vec![0f32; b * l * h];
	let mut m = vec![0f32; b * l];
	for (r, (n, v)) in states.iter().map(|s| (s.0, &s.1)).enumerate() {
		x[r * l * h..(r * l + n) * h].copy_from_slice(v);
		m[r * l..r * l + n].iter_mut().for_each(|z| *z = 1.0);
	}
	let x = Tensor::from_vec(x, (b, l, h), &device)?;
	let mask = Tensor::from_vec(m, (b, l), &device)?;
	let add = ((mask.ones_like()? - &mask)? * -1e9f64)?.reshape((b, 1, 1, l))?;
	Ok((x, mask, add))
}

fn pool(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
	let m = mask.unsqueeze(2)?;
	hidden.broadcast_mul(&m)?.sum(1)?.broadcast_div(&m.sum(1)?)
}

/// Fine-tunes the top `cfg.layers` layers and the heads.
#[allow(clippy::too_many_arguments)]
pub fn finetune(
	encoder: &Encoder,
	base_dir: &Path,
	train: (&[&str], &[usize], &[usize]),
	dev: (&[&str], &[usize], &[usize]),
	labels: usize,
	n_reasons: usize,
	cfg: &FinetuneConfig,
) -> Result<FinetuneOutcome> {
	let device = Device::Cpu;
	let cfg_path = base_dir.join("config.json");
	let bcfg: Config = serde_json::from_slice(
		&std::fs::read(&cfg_path).with_context(|| format!("reading {}", cfg_path.display()))?,
	)
	.with_context(|| format!("parsing {}", cfg_path.display()))?;
	let total = bcfg.num_hidden_layers;
	if cfg.layers == 0 || cfg.layers > total {
		bail!("--unfreeze-layers must be in 1..={total}");
	}
	if train.0.is_empty() || dev.0.is_empty() {
		bail!("empty training or dev split");
	}
	let frozen = total - cfg.layers;
	let wpath = base_dir.join("model.safetensors");
	let wbytes = std::fs::read(&wpath).with_context(|| format!("reading {}", wpath.display()))?;
	let base_tensors = candle_core::safetensors::load_buffer(&wbytes, &device)?;
	let top = Top::load(&base_tensors, &bcfg, frozen, cfg.lora_rank, cfg.base.seed)?;
	let h = bcfg.hidden_size;
	let t0 = std::time::Instant::now();
	let st_train = bottom_states(encoder, &wbytes, &bcfg, frozen, train.0, "train")?;
	let example_weights = (cfg.balance_short > 0)
		.then(|| crate::train::short_balance_weights(train.0, train.1, cfg.balance_short));
	let st_dev = bottom_states(encoder, &wbytes, &bcfg, frozen, dev.0, "dev")?;
	if cfg.base.progress {
		eprintln!(
			"finetune: hidden states of the {frozen} frozen layers for {} + {} texts in {:.1}s",
			train.0.len(),
			dev.0.len(),
			t0.elapsed().as_secs_f64()
		);
	}

	// Fixed standardisation from the initial pooled features of (a seeded sample of at most
	// STANDARDISE_SAMPLE texts of) the training split; texts of similar length batched together:
	// the order does not matter for sums.
	let mut sum = vec![0f64; h];
	let mut sq = vec![0f64; h];
	let mut by_len: Vec<usize> = (0..st_train.len()).collect();
	by_len.shuffle(&mut ChaCha8Rng::seed_from_u64(cfg.base.seed ^ 0x57A7));
	by_len.truncate(STANDARDISE_SAMPLE);
	by_len.sort_by_key(|&i| st_train[i].0);
	for chunk in by_len.chunks(64) {
		let refs: Vec<&(usize, Vec<f32>)> = chunk.iter().map(|&i| &st_train[i]).collect();
		let (x, mask, add) = pad(&refs, h)?;
		let pooled = pool(&top.forward(&x, &add)?, &mask)?.to_vec2::<f32>()?;
		for row in pooled {
			for (j, v) in row.iter().enumerate() {
				sum[j] += *v as f64;
				sq[j] += (*v as f64).powi(2);
			}
		}
	}
	let n = by_len.len() as f64;
	let mu: Vec<f32> = sum.iter().map(|s| (s / n) as f32).collect();
	let sd: Vec<f32> = sq
		.iter()
		.zip(&sum)
		.map(|(q, s)| ((q / n - (s / n).powi(2)).max(0.0).sqrt() as f32).max(1e-6))
		.collect();
	let mu_t = Tensor::from_vec(mu.clone(), h, &device)?;
	let sd_t = Tensor::from_vec(sd.clone(), h, &device)?;

	let w = Var::zeros((labels, h), DType::F32, &device)?;
	let b = Var::zeros(labels, DType::F32, &device)?;
	let rw = Var::zeros((n_reasons, h), DType::F32, &device)?;
	let rb = Var::zeros(n_reasons, DType::F32, &device)?;
	let mut opt_head = AdamW::new(
		vec![w.clone(), b.clone(), rw.clone(), rb.clone()],
		ParamsAdamW {
			lr: cfg.base.lr,
			weight_decay: cfg.base.weight_decay,
			..Default::default()
		},
	)?;
	let mut opt_enc = AdamW::new(
		top.vars.iter().map(|(_, _, v)| v.clone()).collect(),
		ParamsAdamW {
			lr: cfg.encoder_lr,
			weight_decay: cfg.base.weight_decay,
			..Default::default()
		},
	)?;
	let heads_fwd = |feat: &Tensor| -> candle_core::Result<(Tensor, Tensor)> {
		let l = feat
			.matmul(&w.as_tensor().t()?)?
			.broadcast_add(b.as_tensor())?;
		let r = feat
			.matmul(&rw.as_tensor().t()?)?
			.broadcast_add(rb.as_tensor())?;
		Ok((l, r))
	};
	let features = |x: &Tensor, mask: &Tensor, add: &Tensor| -> candle_core::Result<Tensor> {
		pool(&top.forward(x, add)?, mask)?
			.broadcast_sub(&mu_t)?
			.broadcast_div(&sd_t)
	};

	let mut rng = ChaCha8Rng::seed_from_u64(cfg.base.seed);
	let mut order: Vec<usize> = (0..st_train.len()).collect();
	let keep = 1.0 - cfg.base.dropout.clamp(0.0, 0.95);
	let mut log = Vec::new();
	type Snapshot = (Vec<Tensor>, [Tensor; 4]);
	let mut best: Option<(f64, f64, usize, Snapshot)> = None;
	let bs = cfg.base.batch_size.max(1);
	let total_steps = (cfg.base.epochs * st_train.len().div_ceil(bs)).max(1);
	let mut step = 0usize;
	// One tick per batch over the whole run, with the running loss and the ETA; epoch lines are
	// printed above the bar.
	let stderr_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
	let pb = if cfg.base.progress {
		let pb = ProgressBar::new(total_steps as u64);
		pb.set_style(
			ProgressStyle::with_template(
				"finetune [{bar:30}] batch {pos}/{len} {msg} ({elapsed_precise}, ETA {eta_precise})",
			)
			.unwrap_or_else(|_| ProgressStyle::default_bar())
			.progress_chars("=> "),
		);
		pb
	} else {
		ProgressBar::hidden()
	};
	for epoch in 1..=cfg.base.epochs {
		order.shuffle(&mut rng);
		let mut plan: Vec<Vec<usize>> = Vec::new();
		for window in order.chunks(bs * 32) {
			let mut w = window.to_vec();
			w.sort_by_key(|&i| st_train[i].0);
			plan.extend(w.chunks(bs).map(<[usize]>::to_vec));
		}
		plan.shuffle(&mut rng);
		let (mut loss_sum, mut lab_sum, mut batches) = (0.0, 0.0, 0usize);
		let (mut ty, mut tp) = (Vec::new(), Vec::new());
		let t_epoch = std::time::Instant::now();
		for chunk in &plan {
			let refs: Vec<&(usize, Vec<f32>)> = chunk.iter().map(|&i| &st_train[i]).collect();
			let (x, mask, add) = pad(&refs, h)?;
			let mut feat = features(&x, &mask, &add)?;
			if cfg.base.dropout > 0.0 {
				feat = dropout(feat, keep, &mut rng)?;
			}
			let (logits, rlogits) = heads_fwd(&feat)?;
			let yb = Tensor::from_vec(
				chunk
					.iter()
					.map(|&i| train.1[i] as u32)
					.collect::<Vec<u32>>(),
				chunk.len(),
				&device,
			)?;
			let rbt = Tensor::from_vec(
				chunk
					.iter()
					.map(|&i| train.2[i] as u32)
					.collect::<Vec<u32>>(),
				chunk.len(),
				&device,
			)?;
			let chunk_weights: Option<Vec<f32>> = example_weights
				.as_ref()
				.map(|w| chunk.iter().map(|&i| w[i]).collect());
			let label_loss = crate::train::weighted_label_loss(
				&logits,
				&yb,
				crate::data::POSITIVE,
				cfg.base.illicit_weight,
				chunk_weights.as_deref(),
			)?;
			let loss = (&label_loss + (cross_entropy(&rlogits, &rbt)? * cfg.base.reason_weight)?)?;
			let grads = loss.backward()?;
			if cfg.lr_decay {
				let left = 1.0 - step as f64 / total_steps as f64;
				opt_head.set_learning_rate(cfg.base.lr * left);
				opt_enc.set_learning_rate(cfg.encoder_lr * left);
			}
			opt_head.step(&grads)?;
			opt_enc.step(&grads)?;
			step += 1;
			loss_sum += loss.to_scalar::<f32>()? as f64;
			lab_sum += label_loss.to_scalar::<f32>()? as f64;
			batches += 1;
			pb.set_message(format!(
				"epoch {epoch}/{} loss {:.4}",
				cfg.base.epochs,
				loss_sum / batches as f64
			));
			pb.inc(1);
			// Without a terminal the bar is not drawn: a line every 200 batches for the log.
			if cfg.base.progress && !stderr_is_terminal && batches % 200 == 0 {
				eprintln!(
					"finetune epoch {epoch}: batch {batches}/{} loss {:.4} ({:.0} s)",
					plan.len(),
					loss_sum / batches as f64,
					t_epoch.elapsed().as_secs_f64()
				);
			}
			ty.extend(chunk.iter().map(|&i| train.1[i]));
			tp.extend(
				logits
					.argmax(1)?
					.to_vec1::<u32>()?
					.into_iter()
					.map(|v| v as usize),
			);
		}
		// Dev pass.
		let (mut dl, mut dpred, mut rpred) = (0.0, Vec::new(), Vec::new());
		for (ci, chunk) in st_dev.chunks(64).enumerate() {
			let refs: Vec<&(usize, Vec<f32>)> = chunk.iter().collect();
			let (x, mask, add) = pad(&refs, h)?;
			let feat = features(&x.detach(), &mask, &add)?.detach();
			let (logits, rlogits) = heads_fwd(&feat)?;
			let y0 = ci * 64;
			let yb = Tensor::from_vec(
				(y0..y0 + chunk.len())
					.map(|i| dev.1[i] as u32)
					.collect::<Vec<u32>>(),
				chunk.len(),
				&device,
			)?;
			dl += cross_entropy(&logits, &yb)?.to_scalar::<f32>()? as f64 * chunk.len() as f64;
			dpred.extend(
				logits
					.argmax(1)?
					.to_vec1::<u32>()?
					.into_iter()
					.map(|v| v as usize),
			);
			rpred.extend(
				rlogits
					.argmax(1)?
					.to_vec1::<u32>()?
					.into_iter()
					.map(|v| v as usize),
			);
		}
		let dev_f1 = macro_f1_of(dev.1, &dpred, labels);
		let dev_loss = dl / st_dev.len() as f64;
		let row = EpochLog {
			epoch,
			train_loss: loss_sum / batches.max(1) as f64,
			train_label_loss: lab_sum / batches.max(1) as f64,
			dev_loss,
			train_f1: macro_f1_of(&ty, &tp, labels),
			dev_f1,
			dev_reason_acc: crate::metrics::accuracy(dev.2, &rpred),
		};
		let line = format!(
			"finetune epoch {epoch}: loss {:.4} train_F1 {:.4} dev_loss {:.4} dev_F1 {:.4} \
			 dev_reason {:.4} ({:.0} s)",
			row.train_loss,
			row.train_f1,
			row.dev_loss,
			row.dev_f1,
			row.dev_reason_acc,
			t_epoch.elapsed().as_secs_f64()
		);
		if stderr_is_terminal {
			pb.println(line);
		} else if cfg.base.progress {
			eprintln!("{line}");
		}
		let better = match &best {
			None => true,
			Some((f, l, _, _)) => {
				dev_f1 > f + 1e-9 || ((dev_f1 - f).abs() <= 1e-9 && dev_loss < *l)
			},
		};
		if better {
			let enc: Vec<Tensor> = top
				.vars
				.iter()
				.map(|(_, _, v)| v.as_tensor().copy())
				.collect::<candle_core::Result<_>>()?;
			let hd = [
				w.as_tensor().copy()?,
				b.as_tensor().copy()?,
				rw.as_tensor().copy()?,
				rb.as_tensor().copy()?,
			];
			best = Some((dev_f1, dev_loss, epoch, (enc, hd)));
		}
		log.push(row);
		let be = best.as_ref().map_or(epoch, |b| b.2);
		if epoch - be >= cfg.base.patience {
			break;
		}
	}
	pb.finish();
	let (_, _, best_epoch, (enc, hd)) = best.context("no epoch ran")?;
	let tensors = top.adapter(enc)?;
	let v = |t: &Tensor| -> Result<Vec<f32>> { Ok(t.flatten_all()?.to_vec1::<f32>()?) };
	let fold = |w: &[f32], b: &[f32]| -> (Vec<f32>, Vec<f32>) {
		let outs = b.len();
		let mut wf = vec![0f32; w.len()];
		let mut bf = vec![0f32; outs];
		for o in 0..outs {
			let mut shift = 0f64;
			for j in 0..h {
				let x = w[o * h + j] / sd[j];
				wf[o * h + j] = x;
				shift += x as f64 * mu[j] as f64;
			}
			bf[o] = (b[o] as f64 - shift) as f32;
		}
		(wf, bf)
	};
	let (w, b) = fold(&v(&hd[0])?, &v(&hd[1])?);
	let (rw, rb) = fold(&v(&hd[2])?, &v(&hd[3])?);
	Ok(FinetuneOutcome {
		heads: Heads {
			dim: h,
			w,
			b,
			rw,
			rb,
		},
		log,
		best_epoch,
		tensors,
	})
}

/// Writes the adapter tensors of a run as safetensors (`veritas_classifier::adapter` format).
pub fn write_adapter(tensors: &HashMap<String, Tensor>, path: &Path) -> Result<()> {
	if let Some(d) = path.parent() {
		std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
	}
	candle_core::safetensors::save(tensors, path)
		.with_context(|| format!("writing {}", path.display()))
}
