//! A CPU BERT encoder tuned for small models on few cores ("fast" backend).
//!
//! It computes the same function as candle-transformers' `BertModel` followed by mean pooling,
//! and is checked against the reference embeddings like the stock path. Where it saves time
//! (see DESIGN §7):
//!
//! * **no padding at all**: the tokens of all texts of a batch are packed into one `[N, H]`
//!   matrix (N = total real tokens); only attention looks at sequence boundaries, so a padded
//!   position never costs a FLOP and masking is exact by construction;
//! * **fused QKV**: one `[N, H] x [H, 3H]` matmul per layer;
//! * **bias (and residual) folded into the matmul**: the packed and int8 kernels' tile
//!   epilogues write `bias (+ residual) + product` straight into the output (`gemm`'s layers
//!   pre-fill the output and accumulate into it);
//! * **one task per band of rows for a whole linear step** ([`linear_step`]): the int8
//!   quantization of the band's inputs, the product with its bias or residual and the layer
//!   norm or GELU after it run in the same task, so the threads meet once per linear layer;
//! * **softmax on padded rows**: the attention scores' rows are padded to whole vectors, so
//!   the softmax runs without copies or scalar tails (the padding changes no bit);
//! * **attention** parallelised over (text, head), its two products ([`matmul_fma`]: AVX-512
//!   and AVX2 micro-kernels) one chain of fused multiply-adds per output in a fixed order, so
//!   they too give the same bits on every instruction set;
//! * **vectorised GELU, softmax and layer norm** ([`crate::kernels`]): compiled for AVX-512,
//!   AVX2 and baseline x86-64, chosen at run time, bit-identical on all three;
//! * f32 linear layers by FMA micro-kernels over weights packed at load ([`PackedLinear`],
//!   AVX-512 or AVX2; `gemm` on baseline x86-64), threaded over the engine's pool, or **int8
//!   linear layers** ([`crate::quant`], [`Precision::Int8`]) with AVX-512 VNNI, AVX2 and
//!   portable integer micro-kernels.

use crate::error::{EngineError, Result};
use crate::kernels::{
	self, gelu_erf, layer_norm_rows, matmul_fma, softmax_rows, Isa, RowInit, Strided, LANES,
	MM_COLS,
};
use crate::packed::{self, PackedLinear};
use crate::quant::{self, Int8Kernel, Precision, QLinear};
use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use gemm::Parallelism;
use rayon::prelude::*;

/// Shape parameters of the encoder (from `config.json`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dims {
	pub hidden: usize,
	pub heads: usize,
	pub intermediate: usize,
	pub layers: usize,
	pub max_positions: usize,
	pub vocab: usize,
	pub eps: f32,
}

/// The weight matrix of a linear layer, `[in, out]` (input-major).
enum Linear {
	/// Row-major f32, multiplied by `gemm` (CPUs without AVX2 + FMA).
	F32(Vec<f32>),
	/// f32 packed for the FMA micro-kernel ([`PackedLinear`]).
	Packed(PackedLinear),
	/// Quantized per output column ([`QLinear`]).
	Int8(QLinear),
}

struct Layer {
	/// `[H, 3H]` (q | k | v columns).
	w_qkv: Linear,
	b_qkv: Vec<f32>,
	/// `[H, H]`.
	w_o: Linear,
	b_o: Vec<f32>,
	ln1_g: Vec<f32>,
	ln1_b: Vec<f32>,
	/// `[H, I]`.
	w_i: Linear,
	b_i: Vec<f32>,
	/// `[I, H]`.
	w_out: Linear,
	b_out: Vec<f32>,
	ln2_g: Vec<f32>,
	ln2_b: Vec<f32>,
}

/// The fast encoder's weights.
pub(crate) struct FastBert {
	dims: Dims,
	/// Vector unit of the element-wise kernels (and, in int8, the one the integer micro-kernel
	/// is chosen for: [`Int8Kernel::for_isa`]).
	isa: Isa,
	precision: Precision,
	word: Vec<f32>,
	pos: Vec<f32>,
	/// Token type 0 row (every text is a single sequence).
	type0: Vec<f32>,
	emb_ln_g: Vec<f32>,
	emb_ln_b: Vec<f32>,
	layers: Vec<Layer>,
}

fn get(vb: &VarBuilder, shape: &[usize], name: &str) -> Result<Vec<f32>> {
	let t = vb.get(shape, name)?;
	Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?)
}

/// `[out, in]` (PyTorch Linear layout) -> `[in, out]` row-major.
fn transpose(w: &[f32], out: usize, inp: usize) -> Vec<f32> {
	let mut t = vec![0f32; w.len()];
	for o in 0..out {
		for i in 0..inp {
			t[i * out + o] = w[o * inp + i];
		}
	}
	t
}

impl FastBert {
	/// Loads the weights from a BERT safetensors var builder (names with or without a `bert.`
	/// prefix); the linear layers in `precision`, the element-wise kernels on `isa`.
	pub fn load(vb: VarBuilder, dims: Dims, precision: Precision, isa: Isa) -> Result<Self> {
		let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
			vb.pp("bert")
		} else {
			vb
		};
		let (h, i) = (dims.hidden, dims.intermediate);
		// PyTorch's `[out, in]` -> our `[in, out]`, in the requested precision.
		let linear = |w: Vec<f32>, out: usize, inp: usize| {
			let t = transpose(&w, out, inp);
			match precision {
				Precision::F32 if isa >= Isa::Avx2 => {
					Linear::Packed(PackedLinear::pack(&t, inp, out, isa))
				},
				Precision::F32 => Linear::F32(t),
				Precision::Int8 => {
					Linear::Int8(QLinear::quantize(&t, inp, out, Int8Kernel::for_isa(isa)))
				},
			}
		};
		let e = vb.pp("embeddings");
		let word = get(&e, &[dims.vocab, h], "word_embeddings.weight")?;
		let pos = get(&e, &[dims.max_positions, h], "position_embeddings.weight")?;
		let types = get(&e, &[2, h], "token_type_embeddings.weight")
			.or_else(|_| get(&e, &[1, h], "token_type_embeddings.weight"))?;
		let type0 = types[..h].to_vec();
		let emb_ln_g = get(&e, &[h], "LayerNorm.weight")?;
		let emb_ln_b = get(&e, &[h], "LayerNorm.bias")?;
		let mut layers = Vec::with_capacity(dims.layers);
		for l in 0..dims.layers {
			let lv = vb.pp(format!("encoder.layer.{l}"));
			let q = get(&lv, &[h, h], "attention.self.query.weight")?;
			let k = get(&lv, &[h, h], "attention.self.key.weight")?;
			let v = get(&lv, &[h, h], "attention.self.value.weight")?;
			// [out=3H, in=H] stacked, then transposed to [H, 3H].
			let mut qkv = Vec::with_capacity(3 * h * h);
			qkv.extend_from_slice(&q);
			qkv.extend_from_slice(&k);
			qkv.extend_from_slice(&v);
			let mut b_qkv = get(&lv, &[h], "attention.self.query.bias")?;
			b_qkv.extend(get(&lv, &[h], "attention.self.key.bias")?);
			b_qkv.extend(get(&lv, &[h], "attention.self.value.bias")?);
			layers.push(Layer {
				w_qkv: linear(qkv, 3 * h, h),
				b_qkv,
				w_o: linear(get(&lv, &[h, h], "attention.output.dense.weight")?, h, h),
				b_o: get(&lv, &[h], "attention.output.dense.bias")?,
				ln1_g: get(&lv, &[h], "attention.output.LayerNorm.weight")?,
				ln1_b: get(&lv, &[h], "attention.output.LayerNorm.bias")?,
				w_i: linear(get(&lv, &[i, h], "intermediate.dense.weight")?, i, h),
				b_i: get(&lv, &[i], "intermediate.dense.bias")?,
				w_out: linear(get(&lv, &[h, i], "output.dense.weight")?, h, i),
				b_out: get(&lv, &[h], "output.dense.bias")?,
				ln2_g: get(&lv, &[h], "output.LayerNorm.weight")?,
				ln2_b: get(&lv, &[h], "output.LayerNorm.bias")?,
			});
		}
		Ok(Self {
			dims,
			isa,
			precision,
			word,
			pos,
			type0,
			emb_ln_g,
			emb_ln_b,
			layers,
		})
	}

	/// Mean-pooled embeddings of `seqs` (token ids incl. `[CLS]`/`[SEP]`, each non-empty and at
	/// most `max_positions` long). `threads` is the gemm parallelism.
	///
	/// The texts go through the encoder in groups of at most [`GROUP_TOKENS`] tokens (in their
	/// order; a longer text makes a group alone), so that a large batch's activations stay in
	/// cache between one layer and the next. Each text's embedding depends on its own tokens
	/// only, so the grouping changes no bit.
	pub fn embed(&self, seqs: &[&[u32]], threads: usize) -> Result<Vec<Vec<f32>>> {
		let d = self.dims;
		for s in seqs {
			if s.is_empty() || s.len() > d.max_positions {
				return Err(EngineError::Tensor(format!(
					"sequence length {} not in 1..={}",
					s.len(),
					d.max_positions
				)));
			}
			if let Some(bad) = s.iter().find(|&&id| id as usize >= d.vocab) {
				return Err(EngineError::Tensor(format!(
					"token id {bad} out of vocabulary"
				)));
			}
		}
		let mut out = Vec::with_capacity(seqs.len());
		let mut rest = seqs;
		while !rest.is_empty() {
			let mut tokens = rest[0].len();
			let mut end = 1;
			while end < rest.len() && tokens + rest[end].len() <= GROUP_TOKENS {
				tokens += rest[end].len();
				end += 1;
			}
			out.extend(self.embed_group(&rest[..end], threads));
			rest = &rest[end..];
		}
		Ok(out)
	}

	/// [`FastBert::embed`] of one group of checked sequences, all through the encoder at once.
	fn embed_group(&self, seqs: &[&[u32]], threads: usize) -> Vec<Vec<f32>> {
		let d = self.dims;
		let h = d.hidden;
		let offsets: Vec<usize> = seqs
			.iter()
			.scan(0usize, |acc, s| {
				let o = *acc;
				*acc += s.len();
				Some(o)
			})
			.collect();
		let n: usize = seqs.iter().map(|s| s.len()).sum();
		let isa = self.isa;
		let step = |dst: &mut [f32], a: &[f32], w: &Linear, init: &RowInit, finish: &RowFinish| {
			linear_step(dst, a, w, n, threads, isa, init, finish)
		};

		// Embeddings: word + position + type(0), then LayerNorm.
		let mut x = vec![0f32; n * h];
		for (s, &off) in seqs.iter().zip(&offsets) {
			for (p, &id) in s.iter().enumerate() {
				let row = &mut x[(off + p) * h..(off + p + 1) * h];
				let w = &self.word[id as usize * h..(id as usize + 1) * h];
				let ps = &self.pos[p * h..(p + 1) * h];
				for (((r, &a), &t), &q) in row.iter_mut().zip(w).zip(&self.type0).zip(ps) {
					*r = a + t + q;
				}
			}
		}
		by_rows(&mut x, h, threads, |_, x| {
			layer_norm_rows(isa, x, h, &self.emb_ln_g, &self.emb_ln_b, d.eps)
		});

		let mut qkv = vec![0f32; n * 3 * h];
		let mut ctx = vec![0f32; n * h];
		let mut inter = vec![0f32; n * d.intermediate];
		let mut tmp = vec![0f32; n * h];
		for layer in &self.layers {
			// qkv = x W_qkv + b_qkv
			step(
				&mut qkv,
				&x,
				&layer.w_qkv,
				&RowInit::Bias(&layer.b_qkv),
				&RowFinish::None,
			);
			// ctx = softmax(q k^T / sqrt(dh)) v, per text and head
			attention(&qkv, &mut ctx, seqs, &offsets, d, isa);
			// tmp = LN(ctx W_o + b_o + x)
			step(
				&mut tmp,
				&ctx,
				&layer.w_o,
				&RowInit::Residual(&x, &layer.b_o),
				&RowFinish::LayerNorm(&layer.ln1_g, &layer.ln1_b, d.eps),
			);
			// inter = gelu(tmp W_i + b_i)
			step(
				&mut inter,
				&tmp,
				&layer.w_i,
				&RowInit::Bias(&layer.b_i),
				&RowFinish::Gelu,
			);
			// x = LN(inter W_out + b_out + tmp)
			step(
				&mut x,
				&inter,
				&layer.w_out,
				&RowInit::Residual(&tmp, &layer.b_out),
				&RowFinish::LayerNorm(&layer.ln2_g, &layer.ln2_b, d.eps),
			);
		}

		// Mean pooling over every (real) token of each text.
		seqs.iter()
			.zip(&offsets)
			.map(|(s, &off)| {
				let mut acc = vec![0f32; h];
				for row in x[off * h..(off + s.len()) * h].chunks_exact(h) {
					for (a, &v) in acc.iter_mut().zip(row) {
						*a += v;
					}
				}
				let inv = s.len() as f32;
				acc.iter_mut().for_each(|v| *v /= inv);
				acc
			})
			.collect()
	}
}

/// Most tokens [`FastBert::embed`] puts through the encoder at once. At 256 a group's widest
/// activations (the 1,536-wide GELU input) are 1.5 MB, its fused QKV 1.2 MB: about what two
/// cores' L2 caches hold, so a layer finds its input there. Measured on a Zen 4 VM (int8,
/// batch 64): ~290 → ~345 texts/s in corpus order; 512 and 1,024 were not better than none.
const GROUP_TOKENS: usize = 256;

/// Runs `f(first_row, band)` on bands of whole rows (width `w`) of `x`: a few per thread on the
/// current rayon pool when `threads > 1`, else `f(0, x)`. For row-wise steps (layer norm, GELU,
/// bias rows), which would otherwise leave the other threads idle between the matrix products;
/// each row is computed on its own, so the bands change no bit.
fn by_rows(x: &mut [f32], w: usize, threads: usize, f: impl Fn(usize, &mut [f32]) + Sync + Send) {
	let rows = x.len() / w.max(1);
	if threads <= 1 || rows < 2 {
		return f(0, x);
	}
	let band = rows.div_ceil(threads * 4);
	x.par_chunks_mut(band * w)
		.enumerate()
		.for_each(|(i, x)| f(i * band, x));
}

/// What a linear step does to its finished output rows.
enum RowFinish<'a> {
	/// Nothing.
	None,
	/// Layer norm with these gain, bias and epsilon.
	LayerNorm(&'a [f32], &'a [f32], f32),
	/// erf-GELU.
	Gelu,
}

impl RowFinish<'_> {
	/// Applies the step to `band` (whole rows of width `w`) with the `isa` kernels.
	fn apply(&self, band: &mut [f32], w: usize, isa: Isa) {
		match *self {
			RowFinish::None => {},
			RowFinish::LayerNorm(g, b, eps) => layer_norm_rows(isa, band, w, g, b, eps),
			RowFinish::Gelu => gelu_erf(isa, band),
		}
	}
}

/// One band's product: `(out, input rows, init)`, `out = init + input · W`.
type BandProduct<'a> = dyn Fn(&mut [f32], &[f32], &RowInit) + Sync + 'a;

/// One linear layer with what comes before and after it: `dst := finish(init + a · w)` over
/// `m` rows. With packed f32 or int8 weights this is one task per band of rows on the pool
/// (the band's product written over its init, then finish; the int8 layer quantizes the
/// band's rows there too), so the other threads do not wait between short steps, and each
/// band's rows are still in cache when they are finished. Every output row depends only on its
/// own input row, so the bands change no bit. `gemm`'s f32 layers (CPUs without AVX2) take the
/// three steps apart.
#[allow(clippy::too_many_arguments)]
fn linear_step(
	dst: &mut [f32],
	a: &[f32],
	w: &Linear,
	m: usize,
	threads: usize,
	isa: Isa,
	init: &RowInit,
	finish: &RowFinish,
) {
	if m == 0 {
		return;
	}
	let (n, k) = (dst.len() / m, a.len() / m);
	assert!(dst.len() == m * n && a.len() == m * k);
	// One task per band of rows: the band's product written over its init, then finish.
	let mut banded = |tile: usize, product: &BandProduct| {
		kernels::for_each_row_band(dst, m, n, tile, threads, |first, band| {
			let rows = band.len() / n;
			product(
				band,
				&a[first * k..(first + rows) * k],
				&init.band(first, rows),
			);
			finish.apply(band, n, isa);
		})
	};
	match w {
		Linear::Packed(w) => banded(packed::MR, &|band, a, init| w.forward_band(band, a, init)),
		Linear::Int8(q) => banded(quant::MR, &|band, a, init| {
			q.forward_band(band, a, init, isa)
		}),
		Linear::F32(w) => {
			let par = if threads > 1 {
				Parallelism::Rayon(threads)
			} else {
				Parallelism::None
			};
			by_rows(dst, n, threads, |first, band| {
				init.band(first, band.len() / n).write(band)
			});
			matmul_acc(dst, a, w, m, k, n, par);
			by_rows(dst, n, threads, |_, band| finish.apply(band, n, isa));
		},
	}
}

/// `dst[m, n] += a[m, k] · b[k, n]` (all row-major, contiguous).
fn matmul_acc(
	dst: &mut [f32],
	a: &[f32],
	b: &[f32],
	m: usize,
	k: usize,
	n: usize,
	par: Parallelism,
) {
	assert!(dst.len() == m * n && a.len() == m * k && b.len() == k * n);
	// SAFETY: the three buffers are distinct, contiguous, row-major and their lengths were
	// checked above against (m, k, n); strides are in elements.
	unsafe {
		gemm::gemm(
			m,
			n,
			k,
			dst.as_mut_ptr(),
			1,
			n as isize,
			true,
			a.as_ptr(),
			1,
			k as isize,
			b.as_ptr(),
			1,
			n as isize,
			1.0f32,
			1.0f32,
			false,
			false,
			false,
			par,
		)
	}
}

fn strided(values: &[f32], stride: usize) -> Strided<'_> {
	Strided { values, stride }
}

// A row padded to whole blocks of the products' columns is whole blocks of the softmax's lanes.
const _: () = assert!(MM_COLS.is_multiple_of(LANES));

/// Self-attention of every (text, head); writes the context into `ctx` `[N, H]`.
fn attention(qkv: &[f32], ctx: &mut [f32], seqs: &[&[u32]], offsets: &[usize], d: Dims, isa: Isa) {
	let h = d.hidden;
	let dh = h / d.heads;
	let scale = 1.0 / (dh as f32).sqrt();
	let stride = 3 * h;
	// Split ctx by text so that tasks write disjoint rows; inside a text, heads write disjoint
	// columns, computed into a local buffer and copied.
	let mut chunks: Vec<&mut [f32]> = Vec::with_capacity(seqs.len());
	let mut rest = ctx;
	for s in seqs {
		let (a, b) = rest.split_at_mut(s.len() * h);
		chunks.push(a);
		rest = b;
	}
	chunks
		.into_par_iter()
		.zip(seqs.par_iter().zip(offsets.par_iter()))
		.for_each(|(out, (s, &off))| {
			let l = s.len();
			let heads: Vec<Vec<f32>> = (0..d.heads)
				.into_par_iter()
				.map(|head| {
					let q = &qkv[off * stride + head * dh..];
					let k = &qkv[off * stride + h + head * dh..];
					let v = &qkv[off * stride + 2 * h + head * dh..];
					// k^T [dh, l], its rows padded with zeros to whole blocks of columns (of the
					// products' blocks and of the softmax's lanes).
					let lt = l.next_multiple_of(MM_COLS);
					let mut kt = vec![0f32; dh * lt];
					for (j, row) in k.chunks(stride).take(l).enumerate() {
						for (p, &x) in row[..dh].iter().enumerate() {
							kt[p * lt + j] = x;
						}
					}
					// scores = scale · q k^T (rows `lt` apart), then softmax by rows; o = P v.
					let mut scores = vec![0f32; l * lt];
					matmul_fma(
						isa,
						&mut scores,
						lt,
						strided(q, stride),
						strided(&kt, lt),
						[l, dh, l],
						scale,
					);
					softmax_rows(isa, &mut scores, l, lt);
					let mut o = vec![0f32; l * dh];
					if dh.is_multiple_of(MM_COLS) {
						// v's rows read in whole blocks stay inside the qkv row.
						matmul_fma(
							isa,
							&mut o,
							dh,
							strided(&scores, lt),
							strided(v, stride),
							[l, l, dh],
							1.0,
						);
					} else {
						let dt = dh.next_multiple_of(MM_COLS);
						let mut vt = vec![0f32; l * dt];
						for (dst, row) in vt.chunks_mut(dt).zip(v.chunks(stride)) {
							dst[..dh].copy_from_slice(&row[..dh]);
						}
						matmul_fma(
							isa,
							&mut o,
							dh,
							strided(&scores, lt),
							strided(&vt, dt),
							[l, l, dh],
							1.0,
						);
					}
					o
				})
				.collect();
			for (head, o) in heads.iter().enumerate() {
				for p in 0..l {
					out[p * h + head * dh..p * h + (head + 1) * dh]
						.copy_from_slice(&o[p * dh..(p + 1) * dh]);
				}
			}
		});
}

/// The CPU the engine runs on and what its kernels dispatch to, for benchmark reports.
#[derive(Clone, Debug)]
pub struct CpuReport {
	/// `model name` of `/proc/cpuinfo` (`unknown` elsewhere).
	pub model: String,
	/// The SIMD features of interest that the CPU reports, in a fixed order.
	pub features: Vec<&'static str>,
	/// The instruction set of the fast backend's element-wise kernels ([`Isa::detect`]).
	pub kernels: &'static str,
	/// The micro-kernel of the int8 linear layers ([`Int8Kernel::detect`]).
	pub int8_kernel: &'static str,
}

/// Describes this CPU and the kernels chosen at run time (f32 matmuls go through `gemm`, which
/// picks its AVX-512 or AVX2 micro-kernel by the same features).
pub fn cpu_report() -> CpuReport {
	let model = std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|info| {
			info.lines()
				.find(|l| l.starts_with("model name"))
				.and_then(|l| l.split(':').nth(1))
				.map(|m| m.trim().to_string())
		})
		.unwrap_or_else(|| "unknown".into());
	#[allow(unused_mut)]
	let mut features = Vec::new();
	#[cfg(target_arch = "x86_64")]
	{
		macro_rules! detect {
			($($f:tt),*) => {
				$(if std::arch::is_x86_feature_detected!($f) { features.push($f); })*
			};
		}
		detect!(
			"avx2",
			"fma",
			"avx512f",
			"avx512bw",
			"avx512vl",
			"avx512vnni",
			"avx512bf16",
			"avxvnni"
		);
	}
	CpuReport {
		model,
		features,
		kernels: Isa::detect().name(),
		int8_kernel: Int8Kernel::detect().name(),
	}
}

impl FastBert {
	/// What runs the numbers, e.g. `f32 avx512` or `int8 avx512-vnni, avx512`.
	pub fn kernels(&self) -> String {
		match self.precision {
			Precision::F32 if self.isa >= Isa::Avx2 => format!("f32 packed, {}", self.isa.name()),
			Precision::F32 => format!("f32 gemm, {}", self.isa.name()),
			// A run held to a lower instruction set gets that set's integer kernel.
			Precision::Int8 => format!(
				"int8 {}, {}",
				Int8Kernel::for_isa(self.isa).name(),
				self.isa.name()
			),
		}
	}
}

/// Builds the var builder used by [`FastBert::load`] from safetensors bytes.
pub(crate) fn var_builder<'a>(
	bytes: &'a [u8],
	device: &Device,
) -> candle_core::Result<VarBuilder<'a>> {
	VarBuilder::from_slice_safetensors(bytes, DType::F32, device)
}
