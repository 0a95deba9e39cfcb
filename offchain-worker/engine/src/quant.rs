//! Int8 linear layers of the fast encoder ([`Precision::Int8`]).
//!
//! * **Weights** are quantized once, symmetrically per output column:
//!   `s_n = max_k |W[k, n]| / 127`, `q[k, n] = round(W[k, n] / s_n)` in `-127..=127`, and packed
//!   for VNNI: 64-byte blocks of 16 columns × 4 consecutive `k`, the operand of one `vpdpbusd`;
//!   for the AVX2 kernel also widened to `i16`, 16 columns × 2 consecutive `k` per block, the
//!   operands of two `vpmaddwd`.
//! * **Activations** are quantized per row (token) at run time, asymmetrically (VNNI multiplies
//!   unsigned by signed bytes): the row's range `[lo, hi]` (widened to hold 0) on 256 steps,
//!   `s_m = (hi − lo) / 255`, zero point `z_m = round(−lo / s_m)`,
//!   `u[m, k] = round(a[m, k] / s_m) + z_m` as `u8`.
//!   The row's [`OUTLIERS`] largest magnitudes are taken out first (quantized as 0) and do not
//!   widen the range.
//! * **Output**: `y[m, n] = init[m, n] + s_m · s_n · (Σ_k u[m, k] q[k, n] − z_m Σ_k q[k, n])`,
//!   `init` the bias or a residual input plus the bias (`RowInit`); the column sums are
//!   precomputed, so the zero point cancels exactly in integers. Then each outlier `(j, v)` of
//!   the row adds `v · q[j, n] · s_n` in f32.
//!
//! The integer sums are exact, and the float steps around them are plain Rust compiled once, so
//! the AVX-512 VNNI micro-kernel and the portable one give **bit-identical** outputs: a validator
//! without VNNI computes the same votes, only slower.

use crate::kernels::{self, Isa, QuantizedRows, RowInit};

/// Numeric precision of the fast encoder's linear layers (the attention products, GELU,
/// softmax and layer norms stay in f32). Written `f32` / `int8` (also in a manifest's
/// `precision`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
	/// f32 weights and activations (default).
	#[default]
	F32,
	/// int8 weights (per column) and activations (per token), i32 accumulation; AVX-512 VNNI
	/// when the CPU has it, a portable kernel with identical results otherwise.
	Int8,
}

impl Precision {
	/// `f32` or `int8`.
	pub fn name(self) -> &'static str {
		match self {
			Precision::F32 => "f32",
			Precision::Int8 => "int8",
		}
	}
}

impl std::str::FromStr for Precision {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, String> {
		match s {
			"f32" => Ok(Precision::F32),
			"int8" => Ok(Precision::Int8),
			_ => Err(format!("unknown precision `{s}` (f32, int8)")),
		}
	}
}

/// Activations per row kept out of the integer product: the largest magnitudes, which would
/// otherwise set the row's grid. BERT's layer-norm and GELU outputs have a few channels up to
/// ~10× the row's RMS. Chosen on the 6,450 dev texts of veritas-screen-v7 (p99 / mean score
/// drift against f32): 0 set aside 782 / 37, 1: 566 / 27, **2: 506 / 24**, 4: 484 / 25, and
/// 427 / 22 with int8 weights and f32 activations, the floor; 2 cost ~12% of the int8
/// throughput.
pub(crate) const OUTLIERS: usize = 2;

/// Columns of one VNNI register (16 × i32).
const BLOCK: usize = 16;
/// Registers per tile row: a panel is 64 columns wide.
const PANEL_BLOCKS: usize = 4;
const PANEL: usize = BLOCK * PANEL_BLOCKS;
/// Rows of one micro-kernel tile (6 × 4 accumulators + 4 weights + 1 broadcast < 32 registers).
pub(crate) const MR: usize = 6;
/// Bytes of packed weights per (panel, group of 4 `k`).
const GROUP_BYTES: usize = PANEL * 4;

/// The integer micro-kernel in use. Integer sums are exact, so every kernel gives the same
/// integers and hence the same outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Int8Kernel {
	/// AVX-512 VNNI (`vpdpbusd`, 64 multiply-adds per instruction).
	Vnni512,
	/// AVX2 (`vpmaddwd` on bytes widened to 16 bits, 16 multiply-adds per instruction; no
	/// saturation, unlike `vpmaddubsw`).
	Avx2,
	/// Plain Rust (any CPU).
	Portable,
}

impl Int8Kernel {
	/// The fastest kernel this CPU runs.
	pub fn detect() -> Int8Kernel {
		Int8Kernel::for_isa(Isa::Avx512)
	}

	/// The fastest kernel this CPU runs within `isa` (VNNI is an AVX-512 extension).
	pub fn for_isa(isa: Isa) -> Int8Kernel {
		let allowed: &[Int8Kernel] = match isa {
			Isa::Avx512 => &[Int8Kernel::Vnni512, Int8Kernel::Avx2],
			Isa::Avx2 => &[Int8Kernel::Avx2],
			Isa::Portable => &[],
		};
		allowed
			.iter()
			.copied()
			.find(|k| k.available())
			.unwrap_or(Int8Kernel::Portable)
	}

	/// Whether this CPU can run `self`.
	pub fn available(self) -> bool {
		match self {
			Int8Kernel::Portable => true,
			#[cfg(target_arch = "x86_64")]
			Int8Kernel::Vnni512 => {
				use std::arch::is_x86_feature_detected as has;
				has!("avx512f") && has!("avx512bw") && has!("avx512vnni")
			},
			#[cfg(target_arch = "x86_64")]
			Int8Kernel::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
			#[cfg(not(target_arch = "x86_64"))]
			Int8Kernel::Vnni512 | Int8Kernel::Avx2 => false,
		}
	}

	/// `avx512-vnni`, `avx2` or `portable`.
	pub fn name(self) -> &'static str {
		match self {
			Int8Kernel::Vnni512 => "avx512-vnni",
			Int8Kernel::Avx2 => "avx2",
			Int8Kernel::Portable => "portable",
		}
	}
}

/// A linear layer `[k] -> [n]` with int8 weights.
pub(crate) struct QLinear {
	k: usize,
	n: usize,
	/// `ceil(k / 4)`.
	groups: usize,
	/// `ceil(n / 64)`.
	panels: usize,
	/// `[panels][groups][PANEL_BLOCKS][BLOCK][4]`, zero beyond `k` and `n`.
	packed: Vec<i8>,
	/// Per column `s_n` (`panels · 64` entries, zero beyond `n`).
	scale: Vec<f32>,
	/// Per column `Σ_k q[k, n]`.
	colsum: Vec<i32>,
	/// The micro-kernel the weights are packed for (and that [`QLinear::forward_band`] runs,
	/// where the CPU has it; the portable one otherwise).
	kernel: Int8Kernel,
	/// The same weights widened to `i16` for the AVX2 kernel (empty unless quantized for it):
	/// `[panels][PANEL_BLOCKS][groups · 2][BLOCK][2]`, a pair of consecutive `k` per column,
	/// the operand of `vpmaddwd`.
	wide: Vec<i16>,
}

impl QLinear {
	/// Quantizes `w` (`[k, n]`, row-major: input-major like the f32 path's matrices), packed
	/// for `kernel` (the AVX2 kernel reads its own, 16-bit copy of the weights).
	pub fn quantize(w: &[f32], k: usize, n: usize, kernel: Int8Kernel) -> QLinear {
		assert_eq!(w.len(), k * n);
		let groups = k.div_ceil(4);
		let panels = n.div_ceil(PANEL);
		let mut packed = vec![0i8; panels * groups * GROUP_BYTES];
		let mut scale = vec![0f32; panels * PANEL];
		let mut colsum = vec![0i32; panels * PANEL];
		for col in 0..n {
			let amax = (0..k).fold(0f32, |m, r| m.max(w[r * n + col].abs()));
			let s = if amax > 0.0 { amax / 127.0 } else { 1.0 };
			scale[col] = s;
			let (panel, lane) = (col / PANEL, col % PANEL);
			let mut sum = 0i32;
			for r in 0..k {
				let q = (w[r * n + col] / s).round_ties_even().clamp(-127.0, 127.0) as i8;
				sum += q as i32;
				packed[(panel * groups + r / 4) * GROUP_BYTES + lane * 4 + r % 4] = q;
			}
			colsum[col] = sum;
		}
		let wide = if kernel == Int8Kernel::Avx2 {
			widen(&packed, groups, panels)
		} else {
			Vec::new()
		};
		QLinear {
			k,
			n,
			groups,
			panels,
			packed,
			scale,
			colsum,
			kernel,
			wide,
		}
	}

	/// `dst[m, n] = init + a[m, k] · W` (row-major), `threads` tasks on the current rayon pool;
	/// activations quantized with the `isa` kernels, products by the kernel the weights were
	/// packed for.
	#[cfg(test)]
	pub fn forward(&self, dst: &mut [f32], a: &[f32], init: &RowInit, threads: usize, isa: Isa) {
		let (k, n) = (self.k, self.n);
		let m = a.len() / k;
		assert!(dst.len() == m * n && a.len() == m * k);
		kernels::for_each_row_band(dst, m, n, MR, threads, |row0, out| {
			let rows = out.len() / n;
			let a = &a[row0 * k..(row0 + rows) * k];
			self.forward_band(out, a, &init.band(row0, rows), isa)
		});
	}

	/// `out[rows, n] = init + a[rows, k] · W` on the calling thread: one band of a larger
	/// product (each row is quantized and multiplied on its own, so how the rows are split into
	/// bands changes no bit). `init` is the band's ([`RowInit::band`]); what `out` held before
	/// is never read.
	pub fn forward_band(&self, out: &mut [f32], a: &[f32], init: &RowInit, isa: Isa) {
		let kernel = self.kernel;
		let (k, n) = (self.k, self.n);
		let m = out.len() / n.max(1);
		assert!(out.len() == m * n && a.len() == m * k);
		if m == 0 {
			return;
		}
		let stride = self.groups * 4;
		// Rows padded with zeros to a multiple of MR, so that every tile is whole.
		let mut rows = QuantizedRows::new(m, m.div_ceil(MR) * MR, stride, OUTLIERS);
		rows.quantize(isa, a, k);
		// The AVX2 kernel multiplies 16-bit operands: the rows widened once per band.
		let wide_rows: Vec<i16> = if kernel == Int8Kernel::Avx2 && kernel.available() {
			rows.q.iter().map(|&u| i16::from(u)).collect()
		} else {
			Vec::new()
		};
		let task = Task {
			q: self,
			rows: &rows,
			wide_rows: &wide_rows,
			init,
		};
		match kernel {
			// SAFETY: the CPU has the features `vnni` is compiled for (`available`).
			#[cfg(target_arch = "x86_64")]
			Int8Kernel::Vnni512 if kernel.available() => unsafe { task.vnni(out) },
			// SAFETY: the CPU has AVX2 (`available`).
			#[cfg(target_arch = "x86_64")]
			Int8Kernel::Avx2 if kernel.available() => unsafe { task.avx2(out) },
			_ => task.portable(out),
		}
	}
}

/// One band of [`QLinear::forward_band`]: its output rows, every panel.
struct Task<'a> {
	q: &'a QLinear,
	/// The band's input rows, quantized ([`OUTLIERS`] outliers per row).
	rows: &'a QuantizedRows,
	/// `rows.q` widened to `i16` (the AVX2 kernel's operand; empty for the others).
	wide_rows: &'a [i16],
	/// What the band's output rows start from.
	init: &'a RowInit<'a>,
}

impl Task<'_> {
	/// The band `out` (whole rows of width `n`) with the VNNI micro-kernel; the epilogue
	/// vectorised with AVX-512.
	///
	/// # Safety
	/// The CPU has AVX-512 F/BW/VL/VNNI.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma")]
	unsafe fn vnni(&self, out: &mut [f32]) {
		let (groups, stride) = (self.q.groups, self.q.groups * 4);
		self.run(out, |panel, first, tile| {
			let a = &self.rows.q[first * stride..][..MR * stride];
			let w = &self.q.packed[panel * groups * GROUP_BYTES..][..groups * GROUP_BYTES];
			// SAFETY: as this function's; the slices hold a whole tile and panel.
			unsafe { vnni512::tile(a.as_ptr(), stride, w.as_ptr(), groups, tile) }
		})
	}

	/// The band `out` with the AVX2 micro-kernel; the epilogue vectorised with AVX2.
	///
	/// # Safety
	/// The CPU has AVX2.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2")]
	unsafe fn avx2(&self, out: &mut [f32]) {
		let (groups, stride) = (self.q.groups, self.q.groups * 4);
		let panel_len = PANEL * stride;
		self.run(out, |panel, first, tile| {
			let a = &self.wide_rows[first * stride..][..MR * stride];
			let w = &self.q.wide[panel * panel_len..][..panel_len];
			// SAFETY: as this function's; the slices hold a whole tile and panel.
			unsafe { avx2::tile(a.as_ptr(), stride, w.as_ptr(), groups * 2, tile) }
		})
	}

	/// The band `out` with the portable micro-kernel.
	fn portable(&self, out: &mut [f32]) {
		let (groups, stride) = (self.q.groups, self.q.groups * 4);
		self.run(out, |panel, first, tile| {
			let a = &self.rows.q[first * stride..][..MR * stride];
			let w = &self.q.packed[panel * groups * GROUP_BYTES..][..groups * GROUP_BYTES];
			portable_tile(a, stride, w, groups, tile)
		})
	}

	/// For each panel and tile: the integer tile by `kernel` (given the panel and the tile's
	/// first row of the input), then the f32 epilogue `out = init + (acc − z_m · colsum) · s_n ·
	/// s_m` and the row's outliers, the same code (and so the same bits) for every kernel.
	#[inline(always)]
	fn run(&self, out: &mut [f32], mut kernel: impl FnMut(usize, usize, &mut [[i32; PANEL]; MR])) {
		let q = self.q;
		let n = q.n;
		let rows = out.len() / n;
		let qr = self.rows;
		let mut tile = [[0i32; PANEL]; MR];
		let mut init_row = [0f32; PANEL];
		for p in 0..q.panels {
			let w = &q.packed[p * q.groups * GROUP_BYTES..][..q.groups * GROUP_BYTES];
			let (c0, c1) = (p * PANEL, ((p + 1) * PANEL).min(n));
			let (colsum, scale) = (&q.colsum[c0..c1], &q.scale[c0..c1]);
			for r0 in (0..rows).step_by(MR) {
				kernels::prefetch_rows(out, r0..(r0 + MR).min(rows), n, c0..c1);
				kernel(p, r0, &mut tile);
				for (r, acc) in tile.iter().enumerate().take((rows - r0).min(MR)) {
					let (s_m, z_m) = (qr.scales[r0 + r], qr.zeros[r0 + r]);
					let y = &mut out[(r0 + r) * n + c0..(r0 + r) * n + c1];
					let init = self.init.row(r0 + r, c0..c1, &mut init_row);
					for (((y, &init), &acc), (&colsum, &scale)) in y
						.iter_mut()
						.zip(init)
						.zip(acc.iter())
						.zip(colsum.iter().zip(scale))
					{
						*y = init + (acc - z_m * colsum) as f32 * scale * s_m;
					}
					for &(j, v) in &qr.outliers[(r0 + r) * OUTLIERS..][..OUTLIERS] {
						if v == 0.0 {
							continue;
						}
						let j = j as usize;
						// Row `j` of the panel: byte `j % 4` of each lane's 4-byte word.
						let shift = 24 - 8 * (j % 4) as u32;
						let words = w[(j / 4) * GROUP_BYTES..][..GROUP_BYTES].chunks_exact(4);
						for ((y, &scale), word) in y.iter_mut().zip(scale).zip(words) {
							let word = i32::from_le_bytes([
								word[0] as u8,
								word[1] as u8,
								word[2] as u8,
								word[3] as u8,
							]);
							*y += v * (((word << shift) >> 24) as f32 * scale);
						}
					}
				}
			}
		}
	}
}

fn portable_tile(a: &[u8], stride: usize, w: &[i8], groups: usize, tile: &mut [[i32; PANEL]; MR]) {
	for (r, acc) in tile.iter_mut().enumerate() {
		acc.fill(0);
		let row = &a[r * stride..];
		for g in 0..groups {
			let wg = &w[g * GROUP_BYTES..][..GROUP_BYTES];
			let av = &row[g * 4..g * 4 + 4];
			for (c, out) in acc.iter_mut().enumerate() {
				let wc = &wg[c * 4..c * 4 + 4];
				for j in 0..4 {
					*out += av[j] as i32 * wc[j] as i32;
				}
			}
		}
	}
}

/// The AVX2 kernel's copy of the packed weights ([`QLinear::wide`]): per panel, per block of
/// [`BLOCK`] columns, per pair of consecutive `k`, the block's columns each with its 2 weights
/// as `i16`. Zero padding stays zero.
fn widen(packed: &[i8], groups: usize, panels: usize) -> Vec<i16> {
	let pairs = groups * 2;
	let mut wide = vec![0i16; panels * PANEL * groups * 4];
	for p in 0..panels {
		for g in 0..groups {
			let src = &packed[(p * groups + g) * GROUP_BYTES..][..GROUP_BYTES];
			for lane in 0..PANEL {
				let (b, c) = (lane / BLOCK, lane % BLOCK);
				for r in 0..4 {
					let pair = g * 2 + r / 2;
					let at = (((p * PANEL_BLOCKS + b) * pairs + pair) * BLOCK + c) * 2 + r % 2;
					wide[at] = i16::from(src[lane * 4 + r]);
				}
			}
		}
	}
	wide
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
	use super::{BLOCK, MR, PANEL, PANEL_BLOCKS};
	use std::arch::x86_64::*;

	/// The AVX2 micro-kernel: 6 rows × 16 columns in 12 ymm accumulators, one block of the
	/// panel at a time. Per pair of `k`: 2 loads of the block's 16-bit weights, and per row one
	/// broadcast of its 2 activations and 2 `vpmaddwd` (8 columns × 2 products each) added
	/// into the accumulators. Every product and sum fits `i32` (|255 · 127 · 2| < 2¹⁷), so the
	/// integers equal the VNNI kernel's.
	///
	/// # Safety
	/// The CPU has AVX2; `a` holds `MR` rows of `stride ≥ 2·pairs` `i16`, and `w` holds
	/// `PANEL · 2 · pairs` `i16` (one panel of [`super::QLinear::wide`]).
	#[target_feature(enable = "avx2")]
	pub(super) unsafe fn tile(
		a: *const i16,
		stride: usize,
		w: *const i16,
		pairs: usize,
		tile: &mut [[i32; PANEL]; MR],
	) {
		for b in 0..PANEL_BLOCKS {
			let wb = w.add(b * pairs * BLOCK * 2);
			let mut acc = [[_mm256_setzero_si256(); 2]; MR];
			for k in 0..pairs {
				let w0 = _mm256_loadu_si256(wb.add(k * BLOCK * 2) as *const __m256i);
				let w1 = _mm256_loadu_si256(wb.add(k * BLOCK * 2 + BLOCK) as *const __m256i);
				for (r, acc) in acc.iter_mut().enumerate() {
					let x = (a.add(r * stride + 2 * k) as *const i32).read_unaligned();
					let x = _mm256_set1_epi32(x);
					acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(x, w0));
					acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(x, w1));
				}
			}
			for (out, acc) in tile.iter_mut().zip(&acc) {
				let out = &mut out[b * BLOCK..][..BLOCK];
				_mm256_storeu_si256(out.as_mut_ptr() as *mut __m256i, acc[0]);
				_mm256_storeu_si256(out[BLOCK / 2..].as_mut_ptr() as *mut __m256i, acc[1]);
			}
		}
	}
}

#[cfg(target_arch = "x86_64")]
mod vnni512 {
	use super::{BLOCK, GROUP_BYTES, MR, PANEL, PANEL_BLOCKS};
	use std::arch::x86_64::*;

	/// The VNNI micro-kernel: 6 rows × 64 columns in 24 zmm accumulators; per group of 4 `k`,
	/// 4 weight loads, 6 broadcasts of 4 activation bytes and 24 `vpdpbusd`.
	///
	/// # Safety
	/// The CPU has AVX-512 F/BW/VNNI; `a` holds `MR` rows of `stride ≥ 4·groups` bytes and `w`
	/// holds `groups · GROUP_BYTES` bytes.
	#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
	pub(super) unsafe fn tile(
		a: *const u8,
		stride: usize,
		w: *const i8,
		groups: usize,
		tile: &mut [[i32; PANEL]; MR],
	) {
		let mut acc = [[_mm512_setzero_si512(); PANEL_BLOCKS]; MR];
		for g in 0..groups {
			let wg = w.add(g * GROUP_BYTES);
			let wv: [__m512i; PANEL_BLOCKS] =
				std::array::from_fn(
					|b| _mm512_loadu_si512(wg.add(b * BLOCK * 4) as *const __m512i),
				);
			for (r, acc) in acc.iter_mut().enumerate() {
				let av =
					_mm512_set1_epi32((a.add(r * stride + g * 4) as *const i32).read_unaligned());
				for b in 0..PANEL_BLOCKS {
					acc[b] = _mm512_dpbusd_epi32(acc[b], av, wv[b]);
				}
			}
		}
		for (out, acc) in tile.iter_mut().zip(&acc) {
			for b in 0..PANEL_BLOCKS {
				_mm512_storeu_si512(out[b * BLOCK..].as_mut_ptr() as *mut __m512i, acc[b]);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	use crate::kernels::test_values as values;

	/// Odd shapes (k not a multiple of 4, n not of 64, m not of 6) exercise every padding.
	const SHAPES: [(usize, usize, usize); 4] =
		[(1, 4, 16), (7, 13, 70), (58, 384, 384), (13, 1536, 130)];

	#[test]
	fn int8_matches_f32_within_quantization_error() {
		for (m, k, n) in SHAPES {
			let a = values(m * k, 1, 3.0);
			let w = values(k * n, 2, 0.1);
			let q = QLinear::quantize(&w, k, n, Int8Kernel::Portable);
			let bias = values(n, 3, 1.0);
			let mut got = vec![f32::NAN; m * n];
			q.forward(&mut got, &a, &RowInit::Bias(&bias), 2, Isa::Portable);
			// Each product errs by at most half a step of either operand's grid: a worst-case
			// bound per output, and a random-walk (√k) bound for the root mean square.
			let bound = k as f64 * (3.0 / 127.0 * 0.1 + 0.1 / 127.0 * 3.0) / 2.0;
			let mut sq = 0f64;
			for r in 0..m {
				for c in 0..n {
					let exact: f64 = (0..k)
						.map(|i| a[r * k + i] as f64 * w[i * n + c] as f64)
						.sum::<f64>() + bias[c] as f64;
					let err = (got[r * n + c] as f64 - exact).abs();
					assert!(
						err <= bound,
						"({m},{k},{n}) [{r},{c}]: err {err}, bound {bound}"
					);
					sq += err * err;
				}
			}
			let rms = (sq / (m * n) as f64).sqrt();
			assert!(rms < bound / (k as f64).sqrt(), "({m},{k},{n}): rms {rms}");
		}
	}

	/// Every kernel, instruction set and thread count gives the same bits, from a bias and
	/// from a residual input plus a bias, and those are `init + a · W` within the
	/// quantization error.
	#[test]
	fn every_kernel_and_thread_count_gives_the_same_bits() {
		for (m, k, n) in SHAPES {
			let a = values(m * k, 4, 2.0);
			let w = values(k * n, 5, 0.2);
			let (bias, residual) = (values(n, 12, 0.5), values(m * n, 13, 4.0));
			let run = |kernel, threads, isa| {
				let q = QLinear::quantize(&w, k, n, kernel);
				let mut y = vec![f32::NAN; m * n];
				q.forward(&mut y, &a, &RowInit::Bias(&bias), threads, isa);
				let mut z = vec![f32::NAN; m * n];
				q.forward(
					&mut z,
					&a,
					&RowInit::Residual(&residual, &bias),
					threads,
					isa,
				);
				[y, z]
			};
			let want = run(Int8Kernel::Portable, 1, Isa::Portable);
			let bound = k as f64 * (2.0 / 127.0 * 0.2 + 0.2 / 127.0 * 2.0) / 2.0;
			for r in 0..m {
				for c in 0..n {
					let exact = (0..k)
						.map(|i| a[r * k + i] as f64 * w[i * n + c] as f64)
						.sum::<f64>() + bias[c] as f64;
					let with_residual = exact + residual[r * n + c] as f64;
					assert!((want[0][r * n + c] as f64 - exact).abs() <= bound);
					assert!((want[1][r * n + c] as f64 - with_residual).abs() <= bound + 1e-5);
				}
			}
			for kernel in [Int8Kernel::Portable, Int8Kernel::Avx2, Int8Kernel::Vnni512] {
				for isa in [Isa::Portable, Isa::Avx2, Isa::Avx512] {
					if !kernel.available() || !isa.available() {
						continue;
					}
					for threads in [1, 2, 3] {
						assert_eq!(
							run(kernel, threads, isa),
							want,
							"{kernel:?}, {isa:?}, {threads} threads"
						);
					}
				}
			}
		}
	}

	/// Max |error| of `a · W` by the int8 layer against f64, over every output.
	fn max_error(a: &[f32], w: &[f32], m: usize, k: usize, n: usize) -> f64 {
		let q = QLinear::quantize(w, k, n, Int8Kernel::detect());
		let mut got = vec![f32::NAN; m * n];
		q.forward(&mut got, a, &RowInit::Bias(&vec![0.0; n]), 1, Isa::detect());
		let mut worst = 0f64;
		for r in 0..m {
			for c in 0..n {
				let exact: f64 = (0..k)
					.map(|i| a[r * k + i] as f64 * w[i * n + c] as f64)
					.sum();
				worst = worst.max((got[r * n + c] as f64 - exact).abs());
			}
		}
		worst
	}

	#[test]
	fn a_few_large_activations_do_not_coarsen_the_rest_of_the_row() {
		// Like a layer-norm output: one or two channels far above the others.
		let (m, k, n) = (6, 384, 64);
		let w = values(k * n, 8, 0.1);
		let plain = values(m * k, 9, 1.0);
		let mut spiked = plain.clone();
		for r in 0..m {
			spiked[r * k + 7] = 40.0;
			spiked[r * k + 300] = -25.0;
		}
		// With the spikes inside the grid, its step would be 65/255 instead of 2/255 and the
		// error ~30× larger; set aside, they add no more than the weights' rounding of 2 rows.
		let (e_plain, e_spiked) = (
			max_error(&plain, &w, m, k, n),
			max_error(&spiked, &w, m, k, n),
		);
		let weight_step = 0.1 / 127.0;
		assert!(
			e_spiked <= e_plain + (40.0 + 25.0) * weight_step / 2.0 + 1e-4,
			"plain {e_plain}, spiked {e_spiked}"
		);
	}

	#[test]
	fn a_one_signed_row_gets_the_whole_byte() {
		// Like a GELU output: ≥ −0.17, mostly positive. Its grid spans [lo, hi] on 255 steps
		// (a symmetric grid would need 3.17 / 127), and every value is within half a step.
		let k = 256;
		let mut a: Vec<f32> = values(k, 11, 1.0).iter().map(|v| v.abs() * 3.0).collect();
		a[5] = -0.17;
		for isa in [Isa::Portable, Isa::Avx2, Isa::Avx512] {
			if !isa.available() {
				continue;
			}
			let mut rows = QuantizedRows::new(1, 1, k, 0);
			rows.quantize(isa, &a, k);
			let (s, z) = (rows.scales[0], rows.zeros[0]);
			let (hi, lo) = (a.iter().fold(0f32, |m, &v| m.max(v)), -0.17f32);
			assert!((s - (hi - lo) / 255.0).abs() < 1e-6, "{isa:?}: step {s}");
			for (&u, &v) in rows.q.iter().zip(&a) {
				let back = (u as i32 - z) as f32 * s;
				assert!((back - v).abs() <= s / 2.0 + 1e-6, "{isa:?}: {v} -> {back}");
			}
		}
	}

	#[test]
	fn zero_rows_and_columns_stay_exact() {
		let (m, k, n) = (3, 8, 16);
		let mut w = values(k * n, 6, 1.0);
		for r in 0..k {
			w[r * n + 5] = 0.0; // an all-zero column
		}
		let q = QLinear::quantize(&w, k, n, Int8Kernel::detect());
		let mut a = values(m * k, 7, 1.0);
		a[k..2 * k].fill(0.0); // an all-zero row
		let mut y = vec![f32::NAN; m * n];
		q.forward(&mut y, &a, &RowInit::Bias(&vec![1.0; n]), 1, Isa::detect());
		assert!(y[n..2 * n].iter().all(|&v| v == 1.0));
		assert!((0..m).all(|r| y[r * n + 5] == 1.0));
	}

	#[test]
	fn names_parse_back() {
		assert_eq!("int8".parse::<Precision>(), Ok(Precision::Int8));
		assert_eq!(
			Precision::F32.name().parse::<Precision>(),
			Ok(Precision::F32)
		);
		assert!("fp16".parse::<Precision>().is_err());
		assert!(Int8Kernel::detect().available());
	}
}
