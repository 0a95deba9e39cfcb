//! f32 linear layers with weights packed once, at load, for an FMA micro-kernel.
//!
//! A general matmul library packs the weight matrix on every call; the encoder multiplies
//! the same 24 matrices by every batch, so here they are packed once, in panels of 64
//! columns (`[panel][k][64]`), and a 6-row × 64-column micro-kernel (24 AVX-512 accumulators)
//! streams them.
//!
//! Every output is one chain of fused multiply-adds over `k` in order, starting from zero, then
//! added to the destination, whatever the thread count. It runs on AVX-512 only; on AVX2 `gemm`'s
//! own AVX2 kernel was faster than anything auto-vectorised here (see [`crate::fast`]).

use crate::kernels::{self, Isa};

/// Columns of one panel (4 AVX-512 registers).
const PANEL: usize = 64;
/// Rows of one micro-kernel tile.
const MR: usize = 6;

/// A linear layer `[k] -> [n]` with f32 weights packed in 64-column panels.
pub(crate) struct PackedLinear {
	k: usize,
	n: usize,
	panels: usize,
	/// `[panels][k][PANEL]`, zero beyond `n`.
	packed: Vec<f32>,
}

impl PackedLinear {
	/// Packs `w` (`[k, n]`, row-major).
	pub fn pack(w: &[f32], k: usize, n: usize) -> PackedLinear {
		assert_eq!(w.len(), k * n);
		let panels = n.div_ceil(PANEL);
		let mut packed = vec![0f32; panels * k * PANEL];
		for (r, row) in w.chunks_exact(n).enumerate() {
			for (c, &v) in row.iter().enumerate() {
				packed[((c / PANEL) * k + r) * PANEL + c % PANEL] = v;
			}
		}
		PackedLinear {
			k,
			n,
			panels,
			packed,
		}
	}

	/// `dst[m, n] += a[m, k] · W` (row-major), `threads` tasks on the current rayon pool.
	/// `isa` must be [`Isa::Avx2`] or [`Isa::Avx512`] (FMA); anything else panics.
	pub fn forward_acc(&self, dst: &mut [f32], a: &[f32], m: usize, threads: usize) {
		let (k, n) = (self.k, self.n);
		assert!(dst.len() == m * n && a.len() == m * k);
		assert!(Isa::Avx512.available(), "packed f32 layers need AVX-512");
		if m == 0 {
			return;
		}
		kernels::for_each_row_band(dst, m, n, MR, threads, |row0, out| {
			#[cfg(target_arch = "x86_64")]
			// SAFETY: the CPU has AVX-512 (asserted above).
			unsafe {
				self.band_avx512(out, &a[row0 * k..])
			}
		});
	}

	/// # Safety
	/// The CPU has AVX-512 F and FMA.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
	unsafe fn band_avx512(&self, out: &mut [f32], a: &[f32]) {
		self.band(out, a, |rows, w, tile| {
			// SAFETY: as this function's; `band` passes MR valid row slices of length k and a
			// whole panel.
			unsafe { avx512::tile(rows, w, self.k, tile) }
		})
	}

	/// For each panel and tile of the band: the tile by `kernel`, then `out += tile`. A tile
	/// past the band's last row repeats that row (its results are dropped).
	#[inline(always)]
	fn band(
		&self,
		out: &mut [f32],
		a: &[f32],
		mut kernel: impl FnMut([&[f32]; MR], &[f32], &mut [[f32; PANEL]; MR]),
	) {
		let (k, n) = (self.k, self.n);
		let rows = out.len() / n;
		let mut tile = [[0f32; PANEL]; MR];
		for p in 0..self.panels {
			let w = &self.packed[p * k * PANEL..(p + 1) * k * PANEL];
			let (c0, c1) = (p * PANEL, ((p + 1) * PANEL).min(n));
			for r0 in (0..rows).step_by(MR) {
				let tile_rows: [&[f32]; MR] = std::array::from_fn(|r| {
					let row = (r0 + r).min(rows - 1);
					&a[row * k..(row + 1) * k]
				});
				kernel(tile_rows, w, &mut tile);
				for (r, acc) in tile.iter().enumerate().take((rows - r0).min(MR)) {
					let y = &mut out[(r0 + r) * n + c0..(r0 + r) * n + c1];
					for (y, &v) in y.iter_mut().zip(acc.iter()) {
						*y += v;
					}
				}
			}
		}
	}
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
	use super::{MR, PANEL};
	use std::arch::x86_64::*;

	/// 6 rows × 64 columns in 24 zmm accumulators; per `k`: 4 weight loads, 6 broadcasts,
	/// 24 FMAs.
	///
	/// # Safety
	/// The CPU has AVX-512 F; every row holds `k` values and `w` holds `k · 64`.
	#[target_feature(enable = "avx512f,fma")]
	pub(super) unsafe fn tile(
		rows: [&[f32]; MR],
		w: &[f32],
		k: usize,
		tile: &mut [[f32; PANEL]; MR],
	) {
		debug_assert!(rows.iter().all(|r| r.len() >= k) && w.len() >= k * PANEL);
		let a: [*const f32; MR] = std::array::from_fn(|r| rows[r].as_ptr());
		let w = w.as_ptr();
		let mut acc = [[_mm512_setzero_ps(); 4]; MR];
		for i in 0..k {
			let wk = w.add(i * PANEL);
			let wv: [__m512; 4] = std::array::from_fn(|b| _mm512_loadu_ps(wk.add(b * 16)));
			for r in 0..MR {
				let x = _mm512_set1_ps(*a[r].add(i));
				for b in 0..4 {
					acc[r][b] = _mm512_fmadd_ps(x, wv[b], acc[r][b]);
				}
			}
		}
		for (out, acc) in tile.iter_mut().zip(&acc) {
			for b in 0..4 {
				_mm512_storeu_ps(out[b * 16..].as_mut_ptr(), acc[b]);
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

	#[test]
	fn matches_f64_and_is_the_same_on_every_thread_count() {
		if !Isa::Avx512.available() {
			return;
		}
		for (m, k, n) in [(1, 3, 5), (7, 13, 70), (58, 384, 384), (13, 1536, 130)] {
			let (a, w) = (values(m * k, 1), values(k * n, 2));
			let p = PackedLinear::pack(&w, k, n);
			let run = |threads| {
				let mut y = vec![0.25f32; m * n];
				p.forward_acc(&mut y, &a, m, threads);
				y
			};
			let want = run(1);
			for r in 0..m {
				for c in 0..n {
					let exact: f64 = 0.25
						+ (0..k)
							.map(|i| a[r * k + i] as f64 * w[i * n + c] as f64)
							.sum::<f64>();
					assert!((want[r * n + c] as f64 - exact).abs() < 1e-5 * k as f64);
				}
			}
			for threads in [2, 3] {
				assert_eq!(run(threads), want, "{threads} threads, ({m},{k},{n})");
			}
		}
	}
}
