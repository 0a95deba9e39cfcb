//! f32 linear layers with weights packed once, at load, for an FMA micro-kernel.
//!
//! A general matmul library packs the weight matrix on every call; the encoder multiplies
//! the same 24 matrices by every batch, so here they are packed once, in panels of columns
//! (`[panel][k][width]`), and a micro-kernel streams them: on AVX-512, panels 64 wide and a
//! 6-row × 64-column tile (24 zmm accumulators); on AVX2, panels 16 wide and a 6 × 16 tile
//! (12 ymm accumulators). A 16-wide panel of a 384-row matrix is 24 KiB, so it stays in L1
//! while every tile of rows streams it.
//!
//! Every output is one chain of fused multiply-adds over `k` in order, starting from zero, then
//! added to the row's starting value (the bias, or a residual input plus the bias), whatever the
//! thread count and whichever of the two kernels runs: AVX2 and AVX-512 give the same bits.

use crate::kernels::{self, Isa, RowInit};

/// Rows of one micro-kernel tile.
pub(crate) const MR: usize = 6;
/// Panel width of the AVX-512 kernel (4 zmm registers).
const WIDE: usize = 64;
/// Panel width of the AVX2 kernel (2 ymm registers).
const NARROW: usize = 16;

/// A linear layer `[k] -> [n]` with f32 weights packed in panels for one instruction set's
/// kernel.
pub(crate) struct PackedLinear {
	k: usize,
	n: usize,
	/// [`Isa::Avx2`] or [`Isa::Avx512`]: whose kernel (and panel width) this packing is for.
	isa: Isa,
	/// `[panels][k][width]`, zero beyond `n`.
	packed: Vec<f32>,
}

impl PackedLinear {
	/// Packs `w` (`[k, n]`, row-major) for the kernel of `isa`, which must be [`Isa::Avx2`] or
	/// [`Isa::Avx512`]; anything else panics.
	pub fn pack(w: &[f32], k: usize, n: usize, isa: Isa) -> PackedLinear {
		assert_eq!(w.len(), k * n);
		assert!(
			isa >= Isa::Avx2,
			"packed f32 layers need AVX2 + FMA or AVX-512"
		);
		let width = Self::width(isa);
		let mut packed = vec![0f32; n.div_ceil(width) * k * width];
		for (r, row) in w.chunks_exact(n).enumerate() {
			for (c, &v) in row.iter().enumerate() {
				packed[((c / width) * k + r) * width + c % width] = v;
			}
		}
		PackedLinear { k, n, isa, packed }
	}

	fn width(isa: Isa) -> usize {
		if isa == Isa::Avx512 {
			WIDE
		} else {
			NARROW
		}
	}

	/// `dst[m, n] = init + a[m, k] · W` (row-major), `threads` tasks on the current rayon pool.
	/// Panics when this CPU lacks the instruction set the weights were packed for.
	#[cfg(test)]
	pub fn forward(&self, dst: &mut [f32], a: &[f32], init: &RowInit, threads: usize) {
		let (k, n) = (self.k, self.n);
		let m = a.len() / k;
		assert!(dst.len() == m * n && a.len() == m * k);
		kernels::for_each_row_band(dst, m, n, MR, threads, |row0, out| {
			let rows = out.len() / n;
			let a = &a[row0 * k..(row0 + rows) * k];
			self.forward_band(out, a, &init.band(row0, rows))
		});
	}

	/// `out[rows, n] = init + a[rows, k] · W` on the calling thread: one band of a larger
	/// product (every output is its own chain, so how the rows are split into bands changes no
	/// bit). `init` is the band's ([`RowInit::band`]); what `out` held before is never read.
	/// Panics when this CPU lacks the instruction set the weights were packed for.
	pub fn forward_band(&self, out: &mut [f32], a: &[f32], init: &RowInit) {
		let (k, n) = (self.k, self.n);
		let rows = out.len() / n.max(1);
		assert!(out.len() == rows * n && a.len() == rows * k && init.width() == n);
		if let RowInit::Residual(src, _) = *init {
			assert_eq!(src.len(), out.len());
		}
		assert!(
			self.isa.available(),
			"f32 layers packed for {:?}, which this CPU lacks",
			self.isa
		);
		if out.is_empty() {
			return;
		}
		#[cfg(target_arch = "x86_64")]
		// SAFETY: the CPU has `self.isa` (asserted above).
		unsafe {
			if self.isa == Isa::Avx512 {
				self.band_avx512(out, a, init)
			} else {
				self.band_avx2(out, a, init)
			}
		}
	}

	/// # Safety
	/// The CPU has AVX-512 F and FMA.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
	unsafe fn band_avx512(&self, out: &mut [f32], a: &[f32], init: &RowInit) {
		self.band::<WIDE>(out, a, init, |rows, w, dst, ld, start| {
			// SAFETY: as this function's; `band` passes MR valid row slices of length k, a
			// whole panel, a destination of MR rows × 64 columns, `ld` apart, and starting
			// values that cover the same (`TileStart`).
			unsafe { avx512::tile(rows, w, self.k, dst, ld, start) }
		})
	}

	/// # Safety
	/// The CPU has AVX2 and FMA.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2,fma")]
	unsafe fn band_avx2(&self, out: &mut [f32], a: &[f32], init: &RowInit) {
		self.band::<NARROW>(out, a, init, |rows, w, dst, ld, start| {
			// SAFETY: as this function's; `band` passes MR valid row slices of length k, a
			// whole panel, a destination of MR rows × 16 columns, `ld` apart, and starting
			// values that cover the same (`TileStart`).
			unsafe { avx2::tile(rows, w, self.k, dst, ld, start) }
		})
	}

	/// For each panel (`W` wide) and tile of the band, `out = init + tile` by `kernel`:
	/// straight into `out` for a whole tile (the kernel adds the starting values), through a
	/// buffer for the last rows or columns. A tile past the band's last row repeats that row
	/// (its results are dropped). Either way each output is `init + chain`, so the bits do not
	/// depend on which path a tile took.
	#[inline(always)]
	fn band<const W: usize>(
		&self,
		out: &mut [f32],
		a: &[f32],
		init: &RowInit,
		mut kernel: impl FnMut([&[f32]; MR], &[f32], *mut f32, usize, Option<TileStart>),
	) {
		let (k, n) = (self.k, self.n);
		let rows = out.len() / n;
		let (bias, residual) = match *init {
			RowInit::Bias(bias) => (bias, None),
			RowInit::Residual(src, bias) => (bias, Some(src)),
		};
		let mut tile = [[0f32; W]; MR];
		let mut init_row = [0f32; W];
		for (p, w) in self.packed.chunks_exact(k * W).enumerate() {
			let (c0, c1) = (p * W, ((p + 1) * W).min(n));
			for r0 in (0..rows).step_by(MR) {
				let tile_rows: [&[f32]; MR] = std::array::from_fn(|r| {
					let row = (r0 + r).min(rows - 1);
					&a[row * k..(row + 1) * k]
				});
				kernels::prefetch_rows(out, r0..(r0 + MR).min(rows), n, c0..c1);
				if r0 + MR <= rows && c1 - c0 == W {
					// Rows r0..r0 + MR and columns c0..c0 + W lie inside `out`, and inside
					// the residual rows (asserted to be `out`'s shape); the bias has `n`.
					let start = TileStart {
						bias: bias[c0..c1].as_ptr(),
						residual: residual.map(|src| src[r0 * n + c0..].as_ptr()),
					};
					kernel(
						tile_rows,
						w,
						out[r0 * n + c0..].as_mut_ptr(),
						n,
						Some(start),
					);
					continue;
				}
				kernel(tile_rows, w, tile.as_mut_ptr().cast(), W, None);
				for (r, acc) in tile.iter().enumerate().take((rows - r0).min(MR)) {
					let y = &mut out[(r0 + r) * n + c0..(r0 + r) * n + c1];
					let init = init.row(r0 + r, c0..c1, &mut init_row);
					for ((y, &init), &v) in y.iter_mut().zip(init).zip(acc.iter()) {
						*y = init + v;
					}
				}
			}
		}
	}
}

/// Where a whole tile's outputs start from, for `dst = start + chain`: the bias from the tile's
/// first column (one row, the same for every row of the tile), plus, with a residual input, its
/// rows from the tile's first row and column, `ld` apart like the destination's.
#[derive(Clone, Copy)]
struct TileStart {
	bias: *const f32,
	residual: Option<*const f32>,
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
	use super::{TileStart, MR, WIDE};
	use std::arch::x86_64::*;

	/// 6 rows × 64 columns in 24 zmm accumulators; per `k`: 4 weight loads, 6 broadcasts,
	/// 24 FMAs. Then `dst = start + acc` (or `dst = acc` without `start`), row `r` at
	/// `dst + r · ld`.
	///
	/// # Safety
	/// The CPU has AVX-512 F; every row holds `k` values, `w` holds `k · 64`, `dst` 6 rows of
	/// 64 writable values, `ld` apart, and `start` 64 bias values and 6 residual rows of 64,
	/// `ld` apart.
	#[target_feature(enable = "avx512f,fma")]
	pub(super) unsafe fn tile(
		rows: [&[f32]; MR],
		w: &[f32],
		k: usize,
		dst: *mut f32,
		ld: usize,
		start: Option<TileStart>,
	) {
		debug_assert!(rows.iter().all(|r| r.len() >= k) && w.len() >= k * WIDE);
		let a: [*const f32; MR] = std::array::from_fn(|r| rows[r].as_ptr());
		let w = w.as_ptr();
		let mut acc = [[_mm512_setzero_ps(); 4]; MR];
		for i in 0..k {
			let wk = w.add(i * WIDE);
			let wv: [__m512; 4] = std::array::from_fn(|b| _mm512_loadu_ps(wk.add(b * 16)));
			for r in 0..MR {
				let x = _mm512_set1_ps(*a[r].add(i));
				for b in 0..4 {
					acc[r][b] = _mm512_fmadd_ps(x, wv[b], acc[r][b]);
				}
			}
		}
		for (r, acc) in acc.iter().enumerate() {
			for (b, &acc) in acc.iter().enumerate() {
				let v = match start {
					Some(start) => {
						let mut init = _mm512_loadu_ps(start.bias.add(b * 16));
						if let Some(src) = start.residual {
							init = _mm512_add_ps(_mm512_loadu_ps(src.add(r * ld + b * 16)), init);
						}
						_mm512_add_ps(init, acc)
					},
					None => acc,
				};
				_mm512_storeu_ps(dst.add(r * ld + b * 16), v);
			}
		}
	}
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
	use super::{TileStart, MR, NARROW};
	use std::arch::x86_64::*;

	/// 6 rows × 16 columns in 12 ymm accumulators; per `k`: 2 weight loads, 6 broadcasts,
	/// 12 FMAs. Then `dst = start + acc` (or `dst = acc` without `start`), row `r` at
	/// `dst + r · ld`.
	///
	/// # Safety
	/// The CPU has AVX2 and FMA; every row holds `k` values, `w` holds `k · 16`, `dst` 6 rows
	/// of 16 writable values, `ld` apart, and `start` 16 bias values and 6 residual rows of 16,
	/// `ld` apart.
	#[target_feature(enable = "avx2,fma")]
	pub(super) unsafe fn tile(
		rows: [&[f32]; MR],
		w: &[f32],
		k: usize,
		dst: *mut f32,
		ld: usize,
		start: Option<TileStart>,
	) {
		debug_assert!(rows.iter().all(|r| r.len() >= k) && w.len() >= k * NARROW);
		let a: [*const f32; MR] = std::array::from_fn(|r| rows[r].as_ptr());
		let w = w.as_ptr();
		let mut acc = [[_mm256_setzero_ps(); 2]; MR];
		for i in 0..k {
			let wk = w.add(i * NARROW);
			let (w0, w1) = (_mm256_loadu_ps(wk), _mm256_loadu_ps(wk.add(8)));
			for r in 0..MR {
				let x = _mm256_broadcast_ss(&*a[r].add(i));
				acc[r][0] = _mm256_fmadd_ps(x, w0, acc[r][0]);
				acc[r][1] = _mm256_fmadd_ps(x, w1, acc[r][1]);
			}
		}
		for (r, acc) in acc.iter().enumerate() {
			for (b, &acc) in acc.iter().enumerate() {
				let v = match start {
					Some(start) => {
						let mut init = _mm256_loadu_ps(start.bias.add(b * 8));
						if let Some(src) = start.residual {
							init = _mm256_add_ps(_mm256_loadu_ps(src.add(r * ld + b * 8)), init);
						}
						_mm256_add_ps(init, acc)
					},
					None => acc,
				};
				_mm256_storeu_ps(dst.add(r * ld + b * 8), v);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn values(n: usize, seed: u64) -> Vec<f32> {
		crate::kernels::test_values(n, seed, 1.0)
	}

	/// The kernels this CPU can run.
	fn isas() -> Vec<Isa> {
		[Isa::Avx2, Isa::Avx512]
			.into_iter()
			.filter(|i| i.available())
			.collect()
	}

	#[test]
	fn matches_f64_and_is_the_same_on_every_kernel_and_thread_count() {
		for (m, k, n) in [(1, 3, 5), (7, 13, 70), (58, 384, 384), (13, 1536, 130)] {
			let (a, w) = (values(m * k, 1), values(k * n, 2));
			let (bias, residual) = (values(n, 3), values(m * n, 4));
			// From the bias, and from a residual input plus the bias.
			let run = |threads, isa| {
				let packed = PackedLinear::pack(&w, k, n, isa);
				let mut y = vec![f32::NAN; m * n];
				packed.forward(&mut y, &a, &RowInit::Bias(&bias), threads);
				let mut z = vec![f32::NAN; m * n];
				packed.forward(&mut z, &a, &RowInit::Residual(&residual, &bias), threads);
				[y, z]
			};
			let Some(&first) = isas().first() else {
				return;
			};
			let want = run(1, first);
			for r in 0..m {
				for c in 0..n {
					let exact: f64 = bias[c] as f64
						+ (0..k)
							.map(|i| a[r * k + i] as f64 * w[i * n + c] as f64)
							.sum::<f64>();
					assert!((want[0][r * n + c] as f64 - exact).abs() < 1e-5 * k as f64);
					let exact = exact + residual[r * n + c] as f64;
					assert!((want[1][r * n + c] as f64 - exact).abs() < 1e-5 * k as f64);
				}
			}
			for isa in isas() {
				for threads in [1, 2, 3] {
					assert_eq!(
						run(threads, isa),
						want,
						"{isa:?}, {threads} threads, ({m},{k},{n})"
					);
				}
			}
		}
	}
}
