//! Element-wise kernels of the fast encoder — GELU, softmax, layer norm — and the choice of
//! vector unit they run on.
//!
//! Each kernel is written once, in plain Rust that the compiler vectorises, and compiled three
//! times: for AVX-512, for AVX2 + FMA and for the baseline x86-64 / any other target. The
//! instruction set is chosen at run time from the CPU's features ([`Isa::detect`]), so one binary
//! serves every x86-64 machine.
//!
//! Every reduction (sums, maxima) runs over 16 fixed lanes combined in a fixed order and no
//! multiply-add is contracted, so the three builds of a kernel return **bit-identical** results:
//! a validator's vote never depends on which of them its CPU gets. The attention products
//! ([`matmul_fma`]) make each output one chain of fused multiply-adds in a fixed order, which
//! rounds the same at any vector width; their micro-kernels are written with intrinsics per
//! instruction set, because the compiler leaves a plain-Rust `mul_add` block scalar (it was
//! 42% of the int8 encoder's time until 2026-12-05). (The f32 linear layers of a CPU without AVX2 go through
//! `gemm`, whose micro-kernel choice does change the rounding; `veritas-classifier drift`
//! measures what that does to the scores.)

/// Lanes of every reduction: one AVX-512 register, two AVX2 ones.
pub(crate) const LANES: usize = 16;

/// A vector instruction set the kernels can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
	/// Baseline x86-64 (SSE2) or a non-x86 target.
	Portable,
	/// AVX2 and FMA (Haswell / Zen and later).
	Avx2,
	/// AVX-512 F, BW, VL (Skylake-SP / Zen 4 and later).
	Avx512,
}

impl Isa {
	/// The widest instruction set this CPU supports.
	pub fn detect() -> Isa {
		[Isa::Avx512, Isa::Avx2]
			.into_iter()
			.find(|isa| isa.available())
			.unwrap_or(Isa::Portable)
	}

	/// Whether this CPU can run the kernels built for `self`.
	pub fn available(self) -> bool {
		#[cfg(target_arch = "x86_64")]
		{
			use std::arch::is_x86_feature_detected as has;
			match self {
				Isa::Portable => true,
				Isa::Avx2 => has!("avx2") && has!("fma"),
				Isa::Avx512 => {
					has!("avx512f") && has!("avx512bw") && has!("avx512vl") && Isa::Avx2.available()
				},
			}
		}
		#[cfg(not(target_arch = "x86_64"))]
		{
			self == Isa::Portable
		}
	}

	/// `portable`, `avx2` or `avx512`.
	pub fn name(self) -> &'static str {
		match self {
			Isa::Portable => "portable",
			Isa::Avx2 => "avx2",
			Isa::Avx512 => "avx512",
		}
	}
}

impl std::str::FromStr for Isa {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, String> {
		match s {
			"portable" => Ok(Isa::Portable),
			"avx2" => Ok(Isa::Avx2),
			"avx512" => Ok(Isa::Avx512),
			_ => Err(format!(
				"unknown instruction set `{s}` (portable, avx2, avx512)"
			)),
		}
	}
}

/// Defines `pub(crate) fn $name(isa: Isa, args..)` that runs `$body` compiled for `isa` when the
/// CPU has it (checked on every call: a cached atomic load), else the portable build.
macro_rules! multiversion {
	($(#[$meta:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
		$(#[$meta])*
		pub(crate) fn $name(isa: Isa, $($arg: $ty),*) {
			#[inline(always)]
			fn body($($arg: $ty),*) $body

			#[cfg(target_arch = "x86_64")]
			#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,fma")]
			unsafe fn avx512($($arg: $ty),*) {
				body($($arg),*)
			}

			#[cfg(target_arch = "x86_64")]
			#[target_feature(enable = "avx2,fma")]
			unsafe fn avx2($($arg: $ty),*) {
				body($($arg),*)
			}

			match isa {
				// SAFETY: the CPU has the features each function is compiled for (checked in
				// the guard).
				#[cfg(target_arch = "x86_64")]
				Isa::Avx512 if isa.available() => unsafe { avx512($($arg),*) },
				#[cfg(target_arch = "x86_64")]
				Isa::Avx2 | Isa::Avx512 if Isa::Avx2.available() => unsafe { avx2($($arg),*) },
				_ => body($($arg),*),
			}
		}
	};
}

/// Runs `band(first_row, rows)` over bands of whole rows of `dst` (`m` rows of width `n`),
/// each a multiple of `tile` rows: a few bands per thread on the current rayon pool when
/// `threads > 1` (so that uneven tails balance out; at least `4 · threads` bands where there
/// are that many tiles, so one text's 10 tiles make 10 bands on 2 threads, not 5 uneven
/// ones), else one band.
pub(crate) fn for_each_row_band(
	dst: &mut [f32],
	m: usize,
	n: usize,
	tile: usize,
	threads: usize,
	band: impl Fn(usize, &mut [f32]) + Sync + Send,
) {
	let tiles = m.div_ceil(tile);
	let tiles_per_band = if threads > 1 {
		(tiles / (threads * 4)).max(1)
	} else {
		tiles
	};
	let rows = (tiles_per_band * tile).max(1);
	let run = |(b, out): (usize, &mut [f32])| band(b * rows, out);
	if threads > 1 {
		use rayon::prelude::*;
		dst.par_chunks_mut(rows * n).enumerate().for_each(run);
	} else {
		dst.chunks_mut(rows * n).enumerate().for_each(run);
	}
}

/// Asks the CPU to bring `rows` rows of `out` (width `n`), columns `cols`, into L1, ahead of
/// a tile whose epilogue reads and writes them: a panel's tiles walk down the rows, `n` floats
/// apart, which the hardware prefetcher does not follow, so without it the epilogue waits on
/// each row's lines. A hint only: no effect on any value.
#[inline(always)]
pub(crate) fn prefetch_rows(
	out: &[f32],
	rows: std::ops::Range<usize>,
	n: usize,
	cols: std::ops::Range<usize>,
) {
	#[cfg(target_arch = "x86_64")]
	for r in rows {
		let row = &out[r * n + cols.start..r * n + cols.end];
		for line in row.chunks(16) {
			// SAFETY: a prefetch hint never faults; `line` is in bounds anyway.
			unsafe {
				std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
					line.as_ptr() as *const i8
				)
			};
		}
	}
	#[cfg(not(target_arch = "x86_64"))]
	let _ = (out, rows, n, cols);
}

/// What a linear layer's output rows start from, before the layer adds `input · W` to them.
#[derive(Clone, Copy)]
pub(crate) enum RowInit<'a> {
	/// The layer's bias (`[n]`), the same for every row.
	Bias(&'a [f32]),
	/// The rows of a residual input (`[rows, n]`, the output's shape) plus the bias.
	Residual(&'a [f32], &'a [f32]),
}

impl<'a> RowInit<'a> {
	/// The same for the `rows` output rows from row `first` on (one band's, whose rows then
	/// count from 0).
	pub fn band(&self, first: usize, rows: usize) -> RowInit<'a> {
		match *self {
			RowInit::Bias(bias) => RowInit::Bias(bias),
			RowInit::Residual(src, bias) => {
				let n = bias.len();
				RowInit::Residual(&src[first * n..(first + rows) * n], bias)
			},
		}
	}

	/// Row `r`'s starting values over the columns `cols`: the bias's, or the residual's plus
	/// the bias's, computed into `buf` (at least `cols.len()` long).
	#[inline(always)]
	pub fn row<'b>(
		&'b self,
		r: usize,
		cols: std::ops::Range<usize>,
		buf: &'b mut [f32],
	) -> &'b [f32] {
		match *self {
			RowInit::Bias(bias) => &bias[cols],
			RowInit::Residual(src, bias) => {
				let n = bias.len();
				let buf = &mut buf[..cols.len()];
				let src = &src[r * n + cols.start..r * n + cols.end];
				for ((d, &s), &b) in buf.iter_mut().zip(src).zip(&bias[cols]) {
					*d = s + b;
				}
				buf
			},
		}
	}

	/// Writes the starting values of every row of `out` (whole rows, this band's).
	pub fn write(&self, out: &mut [f32]) {
		let n = self.width();
		let mut buf = vec![0f32; n];
		for (r, row) in out.chunks_exact_mut(n).enumerate() {
			row.copy_from_slice(self.row(r, 0..n, &mut buf));
		}
	}

	/// The rows' width `n`.
	pub fn width(&self) -> usize {
		match *self {
			RowInit::Bias(bias) | RowInit::Residual(_, bias) => bias.len(),
		}
	}
}

/// Deterministic pseudo-random values in `[-scale, scale]` for the kernels' tests.
#[cfg(test)]
pub(crate) fn test_values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
	let mut s = seed;
	(0..n)
		.map(|_| {
			s = s
				.wrapping_mul(6364136223846793005)
				.wrapping_add(1442695040888963407);
			((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
		})
		.collect()
}

/// Sum of `xs` over [`LANES`] lanes, combined pairwise in a fixed order.
#[inline(always)]
fn lane_sum(xs: &[f32]) -> f32 {
	lane_fold(xs, 0.0, |a, b| a + b)
}

/// `f` folded over `xs` and `init` in [`LANES`] lanes, the lanes combined pairwise: for an
/// order-free `f` (max, min) the plain fold's result.
#[inline(always)]
fn lane_fold(xs: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
	let mut acc = [init; LANES];
	let chunks = xs.chunks_exact(LANES);
	let rest = chunks.remainder();
	for c in chunks {
		for i in 0..LANES {
			acc[i] = f(c[i], acc[i]);
		}
	}
	for (a, &v) in acc.iter_mut().zip(rest) {
		*a = f(v, *a);
	}
	reduce(acc, f)
}

/// Folds 16 lanes pairwise (8 + 8, 4 + 4, 2 + 2, 1 + 1).
#[inline(always)]
fn reduce(mut acc: [f32; LANES], f: impl Fn(f32, f32) -> f32) -> f32 {
	let mut w = LANES / 2;
	while w > 0 {
		for i in 0..w {
			acc[i] = f(acc[i], acc[i + w]);
		}
		w /= 2;
	}
	acc[0]
}

#[inline(always)]
fn max(a: f32, b: f32) -> f32 {
	if a > b {
		a
	} else {
		b
	}
}

/// The index of the largest `|x|` (the first one on ties; 0 for an empty slice): the largest
/// magnitude over [`LANES`] lanes, then the first block of [`LANES`] that holds it. Both loops
/// vectorise; the second stops at the hit.
#[inline(always)]
fn argmax_abs(xs: &[f32]) -> usize {
	let mut best = [0f32; LANES];
	let chunks = xs.chunks_exact(LANES);
	let rest = chunks.remainder();
	for c in chunks {
		for i in 0..LANES {
			// `max(new, best)`: a NaN (never the first operand's winner) is passed over.
			best[i] = max(c[i].abs(), best[i]);
		}
	}
	for (b, &v) in best.iter_mut().zip(rest) {
		*b = max(v.abs(), *b);
	}
	let top = reduce(best, max);
	for (c, chunk) in xs.chunks(LANES).enumerate() {
		let mut hit = false;
		for &v in chunk {
			hit |= v.abs() == top;
		}
		if hit {
			let i = chunk.iter().position(|v| v.abs() == top).unwrap_or(0);
			return c * LANES + i;
		}
	}
	0
}

#[inline(always)]
fn min(a: f32, b: f32) -> f32 {
	if a < b {
		a
	} else {
		b
	}
}

/// erf(x) for f32: rational approximation `x·P(x²)/Q(x²)` on [-4, 4] (|erf| = 1 in f32 beyond),
/// the coefficients used by Eigen/XLA; max error a few ulp. Branch-free, so it vectorises.
#[inline(always)]
pub(crate) fn erf_f32(x: f32) -> f32 {
	let x = x.clamp(-4.0, 4.0);
	let x2 = x * x;
	let mut p = -2.726_142_3e-10f32;
	p = p * x2 + 2.770_681_4e-8;
	p = p * x2 - 2.101_024e-6;
	p = p * x2 - 5.692_506_4e-5;
	p = p * x2 - 7.349_906e-4;
	p = p * x2 - 2.954_6e-3;
	p = p * x2 - 1.609_603_3e-2;
	p *= x;
	let mut q = -1.456_607_2e-5f32;
	q = q * x2 - 2.133_740_6e-4;
	q = q * x2 - 1.682_827e-3;
	q = q * x2 - 7.373_329e-3;
	q = q * x2 - 1.426_474e-2;
	p / q
}

/// e^x for f32 (Cephes `expf`): x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for e^r,
/// 2^n put in the exponent bits. Relative error ~1e-7; inputs are clamped to [-87.3, 88.3]
/// (so e^x stays a normal number). Branch-free, so it vectorises.
#[inline(always)]
pub(crate) fn exp_f32(x: f32) -> f32 {
	const LOG2E: f32 = std::f32::consts::LOG2_E;
	const LN2_HI: f32 = 0.693_359_4;
	const LN2_LO: f32 = -2.121_944_4e-4;
	let x = x.clamp(-87.3, 88.3);
	let n = (x * LOG2E).round_ties_even();
	let r = x - n * LN2_HI - n * LN2_LO;
	let mut p = 1.987_569_1e-4f32;
	p = p * r + 1.398_199_9e-3;
	p = p * r + 8.333_452e-3;
	p = p * r + 4.166_579_6e-2;
	p = p * r + 1.666_666_5e-1;
	p = p * r + 0.5;
	let y = p * r * r + r + 1.0;
	// 2ⁿ from its exponent bits `(n + 127) << 23`. `n` is whole and in `-126..=128`, so
	// `n + 127 + 2²³` is exact and its low 9 bits are `n + 127`: the same bits as
	// `(n as i32 + 127) << 23`, without the saturating cast that keeps callers' loops scalar.
	y * f32::from_bits((n + (127.0 + 8_388_608.0)).to_bits() << 23)
}

/// Rows of the output block [`matmul_fma`] keeps in registers (6 zmm, or 12 ymm for its 16
/// columns).
const MM_ROWS: usize = 6;
/// Columns of a block; `b`'s rows are read in whole blocks.
pub(crate) const MM_COLS: usize = 16;

/// A row-major matrix operand: its rows start `stride` values apart.
#[derive(Clone, Copy)]
pub(crate) struct Strided<'a> {
	/// The values, from the first row's first.
	pub values: &'a [f32],
	/// Distance between the starts of two rows.
	pub stride: usize,
}

/// One output block of [`matmul_fma`]: `acc[r][j] = Σ_p a_r[p] · b[p · ldb + j]` for the
/// block's `MM_ROWS` rows of `a` (each `k` long) and `MM_COLS` columns of `b`, every sum one
/// chain of fused multiply-adds over `p` in order, from 0.
///
/// # Safety
/// `b` points at `(k − 1) · ldb + MM_COLS` readable values (when `k > 0`); the CPU has the
/// block function's features.
type FmaBlock =
	unsafe fn(&[&[f32]; MM_ROWS], *const f32, usize, usize) -> [[f32; MM_COLS]; MM_ROWS];

/// `c[i, j] = scale · Σ_p a[i, p] · b[p, j]` for `a` `[m, k]`, `b` `[k, n]` and `c` `[m, n]`,
/// all three strided (`c`'s rows `ldc ≥ n` apart; the values between them are left alone),
/// `mkn = [m, k, n]` (the attention products). `b`'s rows are read in whole
/// blocks of [`MM_COLS`]: its stride and its last row reach `n.next_multiple_of(MM_COLS)`
/// columns, whose values past `n` are never used.
///
/// Every output is one chain of fused multiply-adds over `p` in order, from 0, then one
/// multiply by `scale`. A fused multiply-add rounds once whatever the vector width (and
/// `mul_add` is exact in the portable build too), so the AVX-512 (6 zmm), AVX2 (12 ymm) and
/// portable micro-kernels return the same bits.
pub(crate) fn matmul_fma(
	isa: Isa,
	c: &mut [f32],
	ldc: usize,
	a: Strided<'_>,
	b: Strided<'_>,
	mkn: [usize; 3],
	scale: f32,
) {
	let [m, k, n] = mkn;
	let (lda, ldb) = (a.stride, b.stride);
	let (a, b) = (a.values, b.values);
	let n_blocks = n.next_multiple_of(MM_COLS);
	assert!(ldb >= n_blocks && ldc >= n);
	if m == 0 || n == 0 {
		return;
	}
	assert!(c.len() >= (m - 1) * ldc + n);
	assert!(a.len() >= (m - 1) * lda + k && (k == 0 || b.len() >= (k - 1) * ldb + n_blocks));
	let block: FmaBlock = match isa {
		#[cfg(target_arch = "x86_64")]
		Isa::Avx512 if isa.available() => fma_blocks::avx512,
		#[cfg(target_arch = "x86_64")]
		Isa::Avx2 | Isa::Avx512 if Isa::Avx2.available() => fma_blocks::avx2,
		_ => fma_blocks::portable,
	};
	for i0 in (0..m).step_by(MM_ROWS) {
		// A block past the last row repeats it (computed, never written).
		let rows: [&[f32]; MM_ROWS] = std::array::from_fn(|r| &a[(i0 + r).min(m - 1) * lda..][..k]);
		for j0 in (0..n).step_by(MM_COLS) {
			// SAFETY: when `k > 0`, `b` holds `(k − 1) · ldb + n_blocks` values (asserted) and
			// `j0 + MM_COLS ≤ n_blocks` (with `k = 0` the kernel reads nothing; `wrapping_add`
			// keeps even the pointer's computation defined); the CPU has the kernel's features
			// (`available`).
			let acc = unsafe { block(&rows, b.as_ptr().wrapping_add(j0), ldb, k) };
			let cols = (n - j0).min(MM_COLS);
			for (r, acc) in acc.iter().enumerate().take(m - i0) {
				let out = &mut c[(i0 + r) * ldc + j0..][..cols];
				for (out, &v) in out.iter_mut().zip(acc) {
					*out = v * scale;
				}
			}
		}
	}
}

/// The micro-kernels of [`matmul_fma`] (see [`FmaBlock`]).
mod fma_blocks {
	use super::{MM_COLS, MM_ROWS};

	/// Plain Rust: `mul_add` is a fused multiply-add on every target.
	///
	/// # Safety
	/// As [`super::FmaBlock`]'s.
	pub(super) unsafe fn portable(
		rows: &[&[f32]; MM_ROWS],
		b: *const f32,
		ldb: usize,
		k: usize,
	) -> [[f32; MM_COLS]; MM_ROWS] {
		let mut acc = [[0f32; MM_COLS]; MM_ROWS];
		for p in 0..k {
			// SAFETY: the caller's (`b` reaches `MM_COLS` values past row `k − 1`'s start).
			let bp = unsafe { std::slice::from_raw_parts(b.add(p * ldb), MM_COLS) };
			for (acc, row) in acc.iter_mut().zip(rows) {
				let x = row[p];
				for (acc, &y) in acc.iter_mut().zip(bp) {
					*acc = x.mul_add(y, *acc);
				}
			}
		}
		acc
	}

	/// AVX-512: one zmm of 16 columns per row; per `p` one load of `b`, six broadcasts, six
	/// `vfmadd231ps`.
	///
	/// # Safety
	/// As [`super::FmaBlock`]'s; the CPU has AVX-512 F.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,fma")]
	pub(super) unsafe fn avx512(
		rows: &[&[f32]; MM_ROWS],
		b: *const f32,
		ldb: usize,
		k: usize,
	) -> [[f32; MM_COLS]; MM_ROWS] {
		use std::arch::x86_64::*;
		let mut acc = [_mm512_setzero_ps(); MM_ROWS];
		let rows: [*const f32; MM_ROWS] = std::array::from_fn(|r| rows[r].as_ptr());
		for p in 0..k {
			// SAFETY: row `p < k` of `b` has `MM_COLS` values; each row of `a` has `k`.
			unsafe {
				let y = _mm512_loadu_ps(b.add(p * ldb));
				for (acc, row) in acc.iter_mut().zip(&rows) {
					*acc = _mm512_fmadd_ps(_mm512_set1_ps(*row.add(p)), y, *acc);
				}
			}
		}
		let mut out = [[0f32; MM_COLS]; MM_ROWS];
		for (out, acc) in out.iter_mut().zip(acc) {
			// SAFETY: `out` holds 16 values.
			unsafe { _mm512_storeu_ps(out.as_mut_ptr(), acc) };
		}
		out
	}

	/// AVX2 + FMA: two ymm of 8 columns per row; per `p` two loads of `b`, six broadcasts,
	/// twelve `vfmadd231ps`.
	///
	/// # Safety
	/// As [`super::FmaBlock`]'s; the CPU has AVX2 and FMA.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2,fma")]
	pub(super) unsafe fn avx2(
		rows: &[&[f32]; MM_ROWS],
		b: *const f32,
		ldb: usize,
		k: usize,
	) -> [[f32; MM_COLS]; MM_ROWS] {
		use std::arch::x86_64::*;
		let mut acc = [[_mm256_setzero_ps(); 2]; MM_ROWS];
		let rows: [*const f32; MM_ROWS] = std::array::from_fn(|r| rows[r].as_ptr());
		for p in 0..k {
			// SAFETY: row `p < k` of `b` has `MM_COLS` values; each row of `a` has `k`.
			unsafe {
				let y0 = _mm256_loadu_ps(b.add(p * ldb));
				let y1 = _mm256_loadu_ps(b.add(p * ldb + 8));
				for (acc, row) in acc.iter_mut().zip(&rows) {
					let x = _mm256_set1_ps(*row.add(p));
					acc[0] = _mm256_fmadd_ps(x, y0, acc[0]);
					acc[1] = _mm256_fmadd_ps(x, y1, acc[1]);
				}
			}
		}
		let mut out = [[0f32; MM_COLS]; MM_ROWS];
		for (out, acc) in out.iter_mut().zip(acc) {
			// SAFETY: `out` holds 16 values.
			unsafe {
				_mm256_storeu_ps(out.as_mut_ptr(), acc[0]);
				_mm256_storeu_ps(out.as_mut_ptr().add(8), acc[1]);
			}
		}
		out
	}
}

multiversion! {
	/// Exact (erf) GELU in place: `x · (1 + erf(x / √2)) / 2`.
	fn gelu_erf(xs: &mut [f32]) {
		for v in xs.iter_mut() {
			let x = *v;
			*v = 0.5 * x * (1.0 + erf_f32(x * std::f32::consts::FRAC_1_SQRT_2));
		}
	}
}

multiversion! {
	/// Softmax over the first `w` values of every row of `x`, whose rows are `stride` values
	/// apart (`stride` a multiple of [`LANES`], at least `w`), in place. The `stride − w` values
	/// past each row's `w` are scratch: they are overwritten (−∞ for the maximum, then 0 for the
	/// sum), so that every loop runs over whole blocks of [`LANES`] and none falls to a scalar
	/// tail (attention rows are a text's length wide, rarely a multiple of 16). A padding lane
	/// leaves its fold unchanged (`max(−∞, m) = m`, `0 + s = s` for the non-negative sums of
	/// exponentials), so each value gets the bits of a row folded on its own.
	fn softmax_rows(x: &mut [f32], w: usize, stride: usize) {
		assert!(stride.is_multiple_of(LANES) && w <= stride && x.len().is_multiple_of(stride));
		for row in x.chunks_exact_mut(stride) {
			row[w..].fill(f32::NEG_INFINITY);
			let top = lane_fold(row, f32::NEG_INFINITY, max);
			for c in row.chunks_exact_mut(LANES) {
				for v in c {
					*v = exp_f32(*v - top);
				}
			}
			row[w..].fill(0.0);
			let inv = 1.0 / lane_sum(row);
			for v in row.iter_mut() {
				*v *= inv;
			}
		}
	}
}

multiversion! {
	/// LayerNorm of every row of width `w` (two-pass mean / variance, biased variance like
	/// PyTorch), then `· g + b`.
	fn layer_norm_rows(x: &mut [f32], w: usize, g: &[f32], b: &[f32], eps: f32) {
		for row in x.chunks_exact_mut(w) {
			let mean = lane_sum(row) / w as f32;
			let mut acc = [0f32; LANES];
			let chunks = row.chunks_exact(LANES);
			let rest = chunks.remainder();
			for c in chunks {
				for i in 0..LANES {
					let d = c[i] - mean;
					acc[i] += d * d;
				}
			}
			for (a, &v) in acc.iter_mut().zip(rest) {
				*a += (v - mean) * (v - mean);
			}
			let var = reduce(acc, |a, b| a + b) / w as f32;
			let inv = 1.0 / (var + eps).sqrt();
			for ((v, &g), &b) in row.iter_mut().zip(g).zip(b) {
				*v = (*v - mean) * inv * g + b;
			}
		}
	}
}

/// The int8 form of a matrix's rows, written by [`quantize_rows`].
pub(crate) struct QuantizedRows {
	/// Bytes per row in `q` (`k` rounded up for the micro-kernel).
	pub stride: usize,
	/// Outliers per row.
	pub per_row: usize,
	/// `rows · stride` bytes (rows may be padded past the matrix's with zeros).
	pub q: Vec<u8>,
	/// Per row: the step `s`.
	pub scales: Vec<f32>,
	/// Per row: the zero point `z`.
	pub zeros: Vec<i32>,
	/// Per row: `per_row` pairs `(k, a[m, k])`, largest `|a|` first.
	pub outliers: Vec<(u32, f32)>,
}

impl QuantizedRows {
	/// Room for `m` rows (the byte rows padded with zeros to `padded_m ≥ m`).
	pub fn new(m: usize, padded_m: usize, stride: usize, per_row: usize) -> QuantizedRows {
		QuantizedRows {
			stride,
			per_row,
			q: vec![0; padded_m * stride],
			scales: vec![0.0; m],
			zeros: vec![0; m],
			outliers: vec![(0, 0.0); m * per_row.max(1)],
		}
	}

	/// Quantizes `a` (`[m, k]`, `m` the rows this was made for) with the `isa` build of
	/// [`quantize_rows`], on the calling thread (the int8 layers quantize each band of rows
	/// in the task that multiplies it).
	pub fn quantize(&mut self, isa: Isa, a: &[f32], k: usize) {
		assert_eq!(a.len(), self.scales.len() * k);
		if a.is_empty() || k == 0 {
			return;
		}
		let band = RowsMut {
			stride: self.stride,
			per_row: self.per_row,
			q: &mut self.q,
			scales: &mut self.scales,
			zeros: &mut self.zeros,
			outliers: &mut self.outliers,
		};
		quantize_rows(isa, a, k, band)
	}
}

/// A band of rows of a [`QuantizedRows`], written by [`quantize_rows`].
pub(crate) struct RowsMut<'a> {
	/// As [`QuantizedRows::stride`].
	pub stride: usize,
	/// As [`QuantizedRows::per_row`].
	pub per_row: usize,
	/// The band's byte rows.
	pub q: &'a mut [u8],
	/// The band's steps.
	pub scales: &'a mut [f32],
	/// The band's zero points.
	pub zeros: &'a mut [i32],
	/// The band's outliers (`per_row.max(1)` slots per row).
	pub outliers: &'a mut [(u32, f32)],
}

multiversion! {
	/// Per-row asymmetric quantization for the int8 layers ([`crate::quant`]). First the row's
	/// `per_row` largest magnitudes go to `outliers` as `(index, value)` (the first index on
	/// ties) and are set to 0. The rest of the row (width `k`) becomes `stride` bytes of `q`
	/// (bytes past `k` and rows past `a`'s are left as they are),
	/// `round(a / s) + z` clamped to `0..=255`, where `[lo, hi]` is its range widened to hold 0,
	/// `s = (hi − lo) / 255` (1 for an all-zero row) and the zero point `z = round(−lo / s)`;
	/// `s` goes to `scales`, `z` to `zeros`. A one-signed row (GELU outputs are ≥ −0.17) gets
	/// the whole byte, twice the resolution of a symmetric grid.
	fn quantize_rows(a: &[f32], k: usize, out: RowsMut<'_>) {
		let RowsMut { stride, per_row, q, scales, zeros, outliers } = out;
		let mut rest_of_row = vec![0f32; k];
		let rows = a.chunks_exact(k).zip(q.chunks_exact_mut(stride));
		let rows = rows.zip(outliers.chunks_exact_mut(per_row.max(1)));
		for (((row, out), top), (scale, zero)) in rows.zip(scales.iter_mut().zip(zeros.iter_mut())) {
			let top = &mut top[..per_row];
			// The row's `per_row` largest magnitudes leave the row one by one (the first index
			// on ties), to be multiplied in f32.
			rest_of_row.copy_from_slice(row);
			for slot in top.iter_mut() {
				let j = argmax_abs(&rest_of_row);
				*slot = (j as u32, rest_of_row[j]);
				rest_of_row[j] = 0.0;
			}
			let row = &rest_of_row[..];
			// Two folds, not one loop for both: the compiler interleaves a joint one into 32
			// lanes and shuffles them on every step.
			let (hi, lo) = (lane_fold(row, 0.0, max), lane_fold(row, 0.0, min));
			let s = if hi > lo { (hi - lo) / 255.0 } else { 1.0 };
			let inv = 1.0 / s;
			let z = (-lo * inv).round_ties_even().clamp(0.0, 255.0);
			for (o, &v) in out.iter_mut().zip(row) {
				let u = ((v * inv).round_ties_even() + z).clamp(0.0, 255.0);
				// `u` is whole and in `0..=255`, so `u + 2²³` is exact and its low byte is `u`:
				// the same byte as `u as u8`, without the saturating cast that keeps this loop
				// from vectorising.
				*o = (u + 8_388_608.0).to_bits() as u8;
			}
			*scale = s;
			*zero = z as i32;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn isas() -> Vec<Isa> {
		[Isa::Portable, Isa::Avx2, Isa::Avx512]
			.into_iter()
			.filter(|i| i.available())
			.collect()
	}

	fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
		test_values(n, seed, scale)
	}

	#[test]
	fn exp_matches_std_to_a_few_ulp() {
		let mut worst = 0f32;
		for i in -87_000..88_000 {
			let x = i as f32 / 1000.0;
			let (got, want) = (exp_f32(x), x.exp());
			worst = worst.max(((got - want) / want).abs());
		}
		assert!(worst < 3e-7, "max relative error {worst}");
	}

	#[test]
	fn erf_matches_reference_values() {
		// erf from tables (Abramowitz & Stegun), 7 digits.
		for (x, want) in [
			(0.0f32, 0.0f32),
			(0.5, 0.520_499_9),
			(1.0, 0.842_700_8),
			(2.0, 0.995_322_3),
		] {
			assert!((erf_f32(x) - want).abs() < 2e-7, "erf({x})");
			assert!((erf_f32(-x) + want).abs() < 2e-7, "erf(-{x})");
		}
	}

	/// The attention products give the same bits on every instruction set (each output one
	/// chain of fused multiply-adds), on strided operands and shapes off the 6 × 16 blocks (and an
	/// empty inner dimension), and are right against f64.
	#[test]
	fn the_attention_products_give_the_same_bits_everywhere() {
		for (m, k, n) in [
			(1usize, 1usize, 1usize),
			(2, 0, 5),
			(3, 32, 3),
			(5, 32, 17),
			(58, 32, 58),
			(58, 58, 32),
			(9, 128, 40),
		] {
			let (lda, ldb, ldc) = (k + 3, n.next_multiple_of(MM_COLS) + 5, n + 2);
			let a = values(m * lda, 21, 2.0);
			let b = values(k * ldb, 22, 1.0);
			let run = |isa: Isa| {
				let mut c = vec![f32::NAN; m * ldc];
				let a = Strided {
					values: &a,
					stride: lda,
				};
				let b = Strided {
					values: &b,
					stride: ldb,
				};
				matmul_fma(isa, &mut c, ldc, a, b, [m, k, n], 0.25);
				// The values between `c`'s rows are left alone.
				assert!(c.chunks(ldc).all(|row| row[n..].iter().all(|v| v.is_nan())));
				c
			};
			let portable = run(Isa::Portable);
			for isa in isas() {
				let got = run(isa);
				assert!(
					got.iter()
						.zip(&portable)
						.all(|(x, y)| x.to_bits() == y.to_bits()),
					"{isa:?}, ({m},{k},{n})"
				);
			}
			for i in 0..m {
				for j in 0..n {
					let exact: f64 = (0..k)
						.map(|p| a[i * lda + p] as f64 * b[p * ldb + j] as f64)
						.sum::<f64>() * 0.25;
					let got = portable[i * ldc + j] as f64;
					assert!(
						(got - exact).abs() <= 1e-5 * k as f64,
						"({m},{k},{n}) [{i},{j}]"
					);
				}
			}
		}
	}

	/// Every instruction set gives the same bits as the portable build, and the portable build
	/// is right (against plain f64 formulas).
	#[test]
	fn every_isa_gives_the_portable_bits() {
		for w in [7usize, 16, 58, 384] {
			let x = values(w * 5, w as u64, 6.0);
			let g = values(w, 1, 1.0);
			let b = values(w, 2, 0.5);
			let run = |isa: Isa| {
				let (mut l, mut e) = (x.clone(), x.clone());
				let s = softmax_padded(isa, &x, w);
				layer_norm_rows(isa, &mut l, w, &g, &b, 1e-12);
				gelu_erf(isa, &mut e);
				(s, l, e)
			};
			let portable = run(Isa::Portable);
			for isa in isas() {
				assert_eq!(run(isa), portable, "{isa:?}, width {w}");
			}
			let (s, l, e) = portable;
			for (r, row) in x.chunks_exact(w).enumerate() {
				let m = row
					.iter()
					.copied()
					.fold(f64::NEG_INFINITY, |a, v| a.max(v as f64));
				let z: f64 = row.iter().map(|&v| (v as f64 - m).exp()).sum();
				let mean = row.iter().map(|&v| v as f64).sum::<f64>() / w as f64;
				let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / w as f64;
				for (c, &v) in row.iter().enumerate() {
					let want = (v as f64 - m).exp() / z;
					assert!((s[r * w + c] as f64 - want).abs() < 1e-6, "softmax");
					let want = (v as f64 - mean) / (var + 1e-12).sqrt() * g[c] as f64 + b[c] as f64;
					assert!((l[r * w + c] as f64 - want).abs() < 1e-4, "layer norm");
					let gelu = 0.5 * v as f64 * (1.0 + libm_erf(v as f64 / 2f64.sqrt()));
					assert!((e[r * w + c] as f64 - gelu).abs() < 1e-5, "gelu({v})");
				}
			}
		}
	}

	/// Softmax of the rows (width `w`) of `x` through [`softmax_rows`], its rows laid out
	/// `w.next_multiple_of(LANES)` apart with NaN in the padding; the rows back, unpadded.
	fn softmax_padded(isa: Isa, x: &[f32], w: usize) -> Vec<f32> {
		let stride = w.next_multiple_of(LANES);
		let mut padded = vec![f32::NAN; x.len() / w * stride];
		for (dst, row) in padded.chunks_exact_mut(stride).zip(x.chunks_exact(w)) {
			dst[..w].copy_from_slice(row);
		}
		softmax_rows(isa, &mut padded, w, stride);
		padded
			.chunks_exact(stride)
			.flat_map(|row| &row[..w])
			.copied()
			.collect()
	}

	/// The padded softmax gives every value the bits of its row folded on its own: the
	/// maximum and the sum in [`LANES`] lanes with the tail past the last whole block in the
	/// first lanes, as [`lane_fold`] folds a row of exactly `w` values. Rows with ties, zeros,
	/// large spreads (exponentials that underflow) and ±∞, every width from 1 to 40.
	#[test]
	fn padding_a_softmax_row_changes_no_bit() {
		let reference = |row: &[f32]| -> Vec<f32> {
			let top = lane_fold(row, f32::NEG_INFINITY, max);
			let e: Vec<f32> = row.iter().map(|&v| exp_f32(v - top)).collect();
			let inv = 1.0 / lane_sum(&e);
			e.iter().map(|&e| e * inv).collect()
		};
		for w in 1..=40usize {
			let mut x = values(w * 6, w as u64 + 100, 8.0);
			x[w..2 * w].iter_mut().for_each(|v| *v = 1.5);
			x[2 * w..3 * w].iter_mut().step_by(3).for_each(|v| *v = 0.0);
			x[3 * w..4 * w]
				.iter_mut()
				.step_by(2)
				.for_each(|v| *v *= 40.0);
			x[4 * w] = f32::INFINITY;
			x[5 * w] = f32::NEG_INFINITY;
			let want: Vec<u32> = x
				.chunks_exact(w)
				.flat_map(reference)
				.map(f32::to_bits)
				.collect();
			for isa in isas() {
				let got: Vec<u32> = softmax_padded(isa, &x, w)
					.iter()
					.map(|v| v.to_bits())
					.collect();
				assert_eq!(got, want, "{isa:?}, width {w}");
			}
		}
	}

	/// The outliers a row sets aside are its largest magnitudes, either sign, largest first,
	/// the first index on ties; on every instruction set, at any position in the row.
	#[test]
	fn outliers_are_the_largest_magnitudes_first_index_on_ties() {
		let k = 40;
		let mut rows = Vec::new();
		let mut want = Vec::new();
		let mut row = values(k, 5, 1.0);
		(row[3], row[33]) = (-7.0, 5.0);
		rows.push(row);
		want.push([(3u32, -7.0f32), (33, 5.0)]);
		// Equal magnitudes: the first index, then the next one holding it.
		let mut row = values(k, 6, 1.0);
		(row[9], row[17], row[38]) = (4.0, -4.0, 4.0);
		rows.push(row);
		want.push([(9, 4.0), (17, -4.0)]);
		// In the tail past the last whole block of lanes, and a zero row.
		let mut row = values(k, 7, 1.0);
		(row[39], row[0]) = (9.0, -2.5);
		rows.push(row);
		want.push([(39, 9.0), (0, -2.5)]);
		rows.push(vec![0.0; k]);
		want.push([(0, 0.0), (0, 0.0)]);
		let a: Vec<f32> = rows.concat();
		for isa in isas() {
			let mut q = QuantizedRows::new(rows.len(), rows.len(), k.next_multiple_of(4), 2);
			q.quantize(isa, &a, k);
			for (r, want) in want.iter().enumerate() {
				assert_eq!(&q.outliers[r * 2..r * 2 + 2], want, "{isa:?}, row {r}");
			}
		}
	}

	/// erf by its Taylor series (|x| small) or continued fraction tail; f64, for the test only.
	fn libm_erf(x: f64) -> f64 {
		// Abramowitz–Stegun 7.1.26 is too coarse; integrate exp(-t²) by Simpson instead.
		let n = 2000;
		let h = x / n as f64;
		let f = |t: f64| (-t * t).exp();
		let mut s = f(0.0) + f(x);
		for i in 1..n {
			s += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
		}
		s * h / 3.0 * 2.0 / std::f64::consts::PI.sqrt()
	}

	#[test]
	fn detect_names_an_available_isa() {
		let isa = Isa::detect();
		assert!(isa.available());
		assert_eq!(isa.name().parse::<Isa>(), Ok(isa));
		assert!("sse9".parse::<Isa>().is_err());
	}
}
