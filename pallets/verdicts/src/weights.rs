//! The weight functions of pallet-verdicts.
//!
//! A runtime supplies measured weights: `veritas-runtime` uses
//! `runtime/src/weights/pallet_verdicts.rs`, generated from `benchmarking.rs` on the reference
//! machine by `scripts/bench-weights.sh`. The `()` implementation (unit weights) is for tests.
//!
//! `attest_batch` is charged its worst case up front — every vote decides a transfer case, and
//! the batch writes the records of every member of every live set — and refunded afterwards to
//! what it did: `attest_batch(decided, records written)` plus the votes that only counted
//! (`count_votes`) and the late ones (`late_votes`), each without its base.

use frame_support::weights::Weight;

/// Weight functions needed by pallet-verdicts.
pub trait WeightInfo {
	/// `screen_transfer` with a memo of `t` bytes.
	fn screen_transfer(t: u32) -> Weight;
	/// `submit_record` with a text of `t` bytes.
	fn submit_record(t: u32) -> Weight;
	/// `attest_batch` with `v` votes that each decide a transfer case, writing `r` attester
	/// records at the end of the batch.
	fn attest_batch(v: u32, r: u32) -> Weight;
	/// `attest_batch` with `v` votes that only count (their cases stay pending).
	fn count_votes(v: u32) -> Weight;
	/// `attest_batch` with `v` votes on cases that were already final (late votes).
	fn late_votes(v: u32) -> Weight;
	/// `set_model`.
	fn set_model() -> Weight;
	/// `on_initialize` closing `c` cases at their deadline and writing `r` attester records.
	fn on_initialize(c: u32, r: u32) -> Weight;
}

/// Unit weights, for tests.
impl WeightInfo for () {
	fn screen_transfer(_t: u32) -> Weight {
		Weight::from_parts(1, 0)
	}
	fn submit_record(_t: u32) -> Weight {
		Weight::from_parts(1, 0)
	}
	fn attest_batch(v: u32, r: u32) -> Weight {
		Weight::from_parts(1 + 3 * v as u64 + r as u64, 0)
	}
	fn count_votes(v: u32) -> Weight {
		Weight::from_parts(1 + v as u64, 0)
	}
	fn late_votes(v: u32) -> Weight {
		Weight::from_parts(1 + v as u64, 0)
	}
	fn set_model() -> Weight {
		Weight::from_parts(1, 0)
	}
	fn on_initialize(c: u32, r: u32) -> Weight {
		Weight::from_parts(1 + c as u64 + r as u64, 0)
	}
}
