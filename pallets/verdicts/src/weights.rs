//! The weight functions of pallet-verdicts.
//!
//! A runtime supplies measured weights: `veritas-runtime` uses
//! `runtime/src/weights/pallet_verdicts.rs`, generated from `benchmarking.rs` on the reference
//! machine by `scripts/bench-weights.sh`. Each benchmark measures its call's worst case: an
//! `attest_batch` vote that closes a case every attester voted on, after the full
//! early-undecided scan; deadline closes of cases with every attester but one voted.
//! The `()` implementation (unit weights) is for tests.

use frame_support::weights::Weight;

/// Weight functions needed by pallet-verdicts.
pub trait WeightInfo {
	/// `screen_transfer` with a memo of `t` bytes.
	fn screen_transfer(t: u32) -> Weight;
	/// `submit_record` with a text of `t` bytes.
	fn submit_record(t: u32) -> Weight;
	/// `attest_batch` with `v` votes, every one of which may finalize its case.
	fn attest_batch(v: u32) -> Weight;
	/// `set_model`.
	fn set_model() -> Weight;
	/// `on_initialize` closing `c` cases at their deadline.
	fn on_initialize_deadlines(c: u32) -> Weight;
}

/// Unit weights, for tests.
impl WeightInfo for () {
	fn screen_transfer(_t: u32) -> Weight {
		Weight::from_parts(1, 0)
	}
	fn submit_record(_t: u32) -> Weight {
		Weight::from_parts(1, 0)
	}
	fn attest_batch(v: u32) -> Weight {
		Weight::from_parts(1 + v as u64, 0)
	}
	fn set_model() -> Weight {
		Weight::from_parts(1, 0)
	}
	fn on_initialize_deadlines(c: u32) -> Weight {
		Weight::from_parts(c as u64, 0)
	}
}
