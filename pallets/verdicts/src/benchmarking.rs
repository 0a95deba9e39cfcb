//! Benchmarks of pallet-verdicts, each call at its worst case.

use super::*;
use crate::Pallet as Verdicts;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get, Hooks,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};

const MODEL_HASH: [u8; 32] = [42; 32];

fn model() -> ModelInfo {
	ModelInfo {
		hash: MODEL_HASH,
		version: 1,
		labels: BoundedVec::default(),
		reasons: BoundedVec::default(),
		threshold: 5_000,
		abstain_margin: 300,
	}
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, T::Currency::minimum_balance() * 1_000_000u32.into());
	who
}

/// Installs `MaxAttesters` attesters and the model; returns the attesters.
fn setup_attesters<T: Config>() -> Vec<T::AccountId> {
	let attesters: Vec<T::AccountId> = (0..T::MaxAttesters::get())
		.map(|i| funded::<T>("attester", i))
		.collect();
	T::Attesters::set_attesters(attesters.clone());
	ActiveModel::<T>::put(model());
	attesters
}

/// Opens `count` transfer cases, spread over blocks so no block's deadline list overflows.
fn open_cases<T: Config>(count: u32) -> Vec<CaseId> {
	let sender = funded::<T>("sender", 0);
	let dest = funded::<T>("dest", 0);
	let amount = T::Currency::minimum_balance() * 10u32.into();
	let memo = vec![b'x'; T::MaxTextLen::get() as usize];
	let mut ids = Vec::new();
	for _ in 0..count {
		if Deadlines::<T>::decode_len(
			frame_system::Pallet::<T>::block_number() + T::VotingPeriod::get(),
		)
		.unwrap_or(0) as u32
			>= T::MaxCasesPerBlock::get()
		{
			let next = frame_system::Pallet::<T>::block_number() + 1u32.into();
			frame_system::Pallet::<T>::set_block_number(next);
		}
		ids.push(NextCaseId::<T>::get());
		Verdicts::<T>::screen_transfer(
			RawOrigin::Signed(sender.clone()).into(),
			dest.clone(),
			amount,
			memo.clone(),
		)
		.expect("benchmark case opens");
	}
	ids
}

/// Every attester but the last votes on case `id`: `needed - 1` approvals, then abstentions. The
/// case stays pending (the last attester could still make approval win).
fn cast_all_but_last<T: Config>(id: CaseId, attesters: &[T::AccountId]) {
	let needed = supermajority(attesters.len() as u32) as usize;
	for (i, voter) in attesters.iter().enumerate().take(attesters.len() - 1) {
		let choice = if i < needed - 1 {
			Choice::Approve
		} else {
			Choice::Abstain
		};
		let vote = Vote {
			case_id: id,
			choice,
			score: 100,
			reason: 0,
		};
		Verdicts::<T>::attest_batch(
			RawOrigin::Signed(voter.clone()).into(),
			vec![vote],
			MODEL_HASH,
		)
		.expect("setup vote counts");
	}
	assert_eq!(Verdicts::<T>::case_status(id), Some(CaseStatus::Pending));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn screen_transfer(t: Linear<1, { T::MaxTextLen::get() }>) {
		let sender = funded::<T>("sender", 0);
		let dest = funded::<T>("dest", 0);
		let amount = T::Currency::minimum_balance() * 10u32.into();
		let memo = vec![b'x'; t as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(sender.clone()), dest, amount, memo);

		assert_eq!(Cases::<T>::count(), 1);
	}

	#[benchmark]
	fn submit_record(t: Linear<1, { T::MaxTextLen::get() }>) {
		let sender = funded::<T>("sender", 0);
		let text = vec![b'x'; t as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(sender), text);

		assert_eq!(Cases::<T>::count(), 1);
	}

	/// Every vote closes a case on which every other attester already voted — `needed - 1`
	/// approvals and abstentions, so that approval is still reachable — by voting `Reject`: the
	/// case becomes `Undecided` after the full early-undecided scan, and its finalization drains
	/// `MaxAttesters` votes and updates as many records. The heaviest a vote can be.
	#[benchmark]
	fn attest_batch(v: Linear<1, { T::MaxVotesPerBatch::get() }>) {
		let attesters = setup_attesters::<T>();
		let ids = open_cases::<T>(v);
		for id in ids.iter() {
			cast_all_but_last::<T>(*id, &attesters);
		}
		let decider = attesters.last().expect("MaxAttesters > 0").clone();
		let votes: Vec<Vote> = ids
			.iter()
			.map(|id| Vote {
				case_id: *id,
				choice: Choice::Reject,
				score: 9_000,
				reason: 1,
			})
			.collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(decider), votes, MODEL_HASH);

		assert_eq!(Cases::<T>::count(), 0);
		for id in ids {
			assert_eq!(
				Verdicts::<T>::case_status(id),
				Some(CaseStatus::Final(Outcome::Undecided))
			);
		}
	}

	#[benchmark]
	fn set_model() {
		#[extrinsic_call]
		_(RawOrigin::Root, model());

		assert_eq!(ActiveModel::<T>::get(), Some(model()));
	}

	/// `c` cases reach their deadline in the same block, each with every attester but one voted.
	#[benchmark]
	fn on_initialize_deadlines(c: Linear<0, { T::MaxCasesPerBlock::get() }>) {
		let attesters = setup_attesters::<T>();
		let start = frame_system::Pallet::<T>::block_number();
		let ids = open_cases::<T>(c);
		for id in ids.iter() {
			cast_all_but_last::<T>(*id, &attesters);
		}
		assert_eq!(frame_system::Pallet::<T>::block_number(), start);
		let deadline: BlockNumberFor<T> = start + T::VotingPeriod::get();
		frame_system::Pallet::<T>::set_block_number(deadline);

		#[block]
		{
			Verdicts::<T>::on_initialize(deadline);
		}

		assert_eq!(Cases::<T>::count(), 0);
		assert_eq!(ids.len() as u32, c);
	}

	impl_benchmark_test_suite!(Verdicts, crate::mock::new_test_ext(0), crate::mock::Test);
}
