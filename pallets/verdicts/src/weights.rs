//! Weights of pallet-verdicts.
//!
//! `SubstrateWeight` is derived from each call's storage accesses (the `DbWeight` of the
//! runtime) plus a computation term per item. It is written by hand until the benchmarks in
//! `benchmarking.rs` are run through `veritas-node benchmark pallet` (node built with
//! `--features runtime-benchmarks`), which regenerates this file; the benchmark tests in the
//! test command check that every benchmark runs.
//!
//! Worst cases counted:
//! - `screen_transfer(t)`: `NextCaseId`, case counter, `Deadlines`, `Cases`, the balance and
//!   hold of the sender (reads and writes); `t` bytes of text checked as UTF-8 and stored.
//! - `attest_batch(v)`: per vote, the case, the vote, and the `MaxAttesters` vote lookups of the
//!   early-undecided check; and, as if every vote finalized its case, the drain of up to
//!   `MaxAttesters` votes, as many record updates, the payout (two accounts, the hold) and the
//!   verdict ring.

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// The attester bound the worst case of `attest_batch` assumes (the runtime's `MaxAttesters`).
const ATTESTERS: u64 = 32;

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

/// Weights for a runtime whose database costs are `T::DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

/// Finalizing one case: drain the votes, update records, settle the funds, write the verdict.
fn finalize<T: frame_system::Config>() -> Weight {
	Weight::from_parts(60_000_000, 8_000)
		.saturating_add(T::DbWeight::get().reads(4 + 2 * ATTESTERS))
		.saturating_add(T::DbWeight::get().writes(8 + 2 * ATTESTERS))
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn screen_transfer(t: u32) -> Weight {
		Weight::from_parts(45_000_000, 6_000)
			.saturating_add(Weight::from_parts(2_000, 1).saturating_mul(t as u64))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	fn submit_record(t: u32) -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(Weight::from_parts(2_000, 1).saturating_mul(t as u64))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn attest_batch(v: u32) -> Weight {
		let per_vote = Weight::from_parts(20_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(3 + ATTESTERS))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(finalize::<T>());
		Weight::from_parts(15_000_000, 2_000)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(per_vote.saturating_mul(v as u64))
	}
	fn set_model() -> Weight {
		Weight::from_parts(10_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
	fn on_initialize_deadlines(c: u32) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(
				finalize::<T>()
					.saturating_add(T::DbWeight::get().reads(3))
					.saturating_mul(c as u64),
			)
	}
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
