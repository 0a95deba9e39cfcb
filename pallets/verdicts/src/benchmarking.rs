//! Benchmarks of pallet-verdicts, each call at its worst case: distinct senders and
//! destinations (each payout creates the destination's account), full texts, the largest
//! attester set, the verdict window full (every opening prunes a verdict).

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

/// Installs `n` attesters as the current set, and the model; returns the attesters.
fn setup_attesters<T: Config>(n: u32) -> Vec<T::AccountId> {
	let attesters: Vec<T::AccountId> = (0..n).map(|i| funded::<T>("attester", i)).collect();
	T::Attesters::set_attesters(attesters.clone());
	let (_, members) = Verdicts::<T>::current_set();
	assert_eq!(members.len() as u32, n);
	ActiveModel::<T>::put(model());
	attesters
}

/// Fills the verdict window: the next case opened prunes a verdict.
fn fill_verdict_window<T: Config>() {
	let capacity = T::MaxVerdicts::get() as CaseId;
	if NextCaseId::<T>::get() < capacity {
		NextCaseId::<T>::put(capacity);
	}
	let old = NextCaseId::<T>::get() - capacity;
	crate::pallet::Verdicts::<T>::insert(
		old,
		Verdict {
			outcome: Outcome::Approve,
			settlement: Settlement::Paid,
			tally: Tally::default(),
			late: 0,
			finalized_at: frame_system::Pallet::<T>::block_number(),
			model_hash: Some(MODEL_HASH),
			reason: Some(0),
			set: 0,
			voted: 0,
		},
	);
}

/// Opens `count` transfer cases with full memos, each from its own sender to its own (new)
/// destination, spread over blocks so no block's deadline list overflows.
fn open_cases<T: Config>(count: u32) -> Vec<CaseId> {
	let amount = T::Currency::minimum_balance() * 10u32.into();
	let memo: BoundedVec<u8, T::MaxTextLen> =
		BoundedVec::truncate_from(vec![b'x'; T::MaxTextLen::get() as usize]);
	let mut ids = Vec::new();
	for i in 0..count {
		if Deadlines::<T>::decode_len(
			frame_system::Pallet::<T>::block_number() + T::VotingPeriod::get(),
		)
		.unwrap_or(0) as u32
			>= T::MaxCasesPerBlock::get()
		{
			let next = frame_system::Pallet::<T>::block_number() + 1u32.into();
			frame_system::Pallet::<T>::set_block_number(next);
		}
		let sender = funded::<T>("sender", i);
		let dest: T::AccountId = account("dest", i, 0);
		ids.push(NextCaseId::<T>::get());
		Verdicts::<T>::screen_transfer(
			RawOrigin::Signed(sender).into(),
			dest,
			amount,
			memo.clone(),
		)
		.expect("benchmark case opens");
	}
	ids
}

fn vote(case_id: CaseId, choice: Choice) -> Vote {
	Vote {
		case_id,
		choice,
		score: 100,
		reason: 3,
	}
}

fn attest<T: Config>(who: &T::AccountId, votes: Vec<Vote>) {
	Verdicts::<T>::attest_batch(
		RawOrigin::Signed(who.clone()).into(),
		BoundedVec::truncate_from(votes),
		MODEL_HASH,
	)
	.expect("setup votes count");
}

/// The first `voters` attesters vote on `id`: `needed - 1` approvals, then abstentions. The case
/// stays pending: approval is still reachable.
fn cast<T: Config>(id: CaseId, attesters: &[T::AccountId], voters: usize) {
	let needed = supermajority(attesters.len() as u32) as usize;
	for (i, voter) in attesters.iter().enumerate().take(voters) {
		let choice = if i + 1 < needed {
			Choice::Approve
		} else {
			Choice::Abstain
		};
		attest::<T>(voter, vec![vote(id, choice)]);
	}
	assert_eq!(Verdicts::<T>::case_status(id), Some(CaseStatus::Pending));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn screen_transfer(t: Linear<1, { T::MaxTextLen::get() }>) {
		setup_attesters::<T>(T::MaxAttesters::get());
		fill_verdict_window::<T>();
		let sender = funded::<T>("sender", 0);
		let dest = funded::<T>("dest", 0);
		let amount = T::Currency::minimum_balance() * 10u32.into();
		let memo = BoundedVec::truncate_from(vec![b'x'; t as usize]);

		#[extrinsic_call]
		_(RawOrigin::Signed(sender), dest, amount, memo);

		assert_eq!(PendingCount::<T>::get(), 1);
	}

	#[benchmark]
	fn submit_record(t: Linear<1, { T::MaxTextLen::get() }>) {
		setup_attesters::<T>(T::MaxAttesters::get());
		fill_verdict_window::<T>();
		let sender = funded::<T>("sender", 0);
		let text = BoundedVec::truncate_from(vec![b'x'; t as usize]);

		#[extrinsic_call]
		_(RawOrigin::Signed(sender), text);

		assert_eq!(PendingCount::<T>::get(), 1);
	}

	/// `v` votes, each deciding a transfer case of a set of `r` members on which every other
	/// member voted (the ballots at their longest): the last approval reaches the
	/// supermajority, the destination (a new account) is paid, the verdict is written, and the
	/// batch writes the `r` members' records.
	#[benchmark]
	fn attest_batch(
		v: Linear<1, { T::MaxVotesPerBatch::get() }>,
		r: Linear<1, { T::MaxAttesters::get() }>,
	) {
		let attesters = setup_attesters::<T>(r);
		let ids = open_cases::<T>(v);
		let decider = attesters.last().expect("r >= 1").clone();
		let others = &attesters[..attesters.len() - 1];
		// Everyone but the decider: `needed - 1` approvals and abstentions.
		let needed = supermajority(r) as usize;
		for (i, voter) in others.iter().enumerate() {
			let choice = if i + 1 < needed {
				Choice::Approve
			} else {
				Choice::Abstain
			};
			attest::<T>(voter, ids.iter().map(|id| vote(*id, choice)).collect());
		}
		let votes: BoundedVec<Vote, T::MaxVotesPerBatch> =
			BoundedVec::truncate_from(ids.iter().map(|id| vote(*id, Choice::Approve)).collect());

		#[extrinsic_call]
		_(RawOrigin::Signed(decider), votes, MODEL_HASH);

		assert_eq!(PendingCount::<T>::get(), 0);
		for id in ids {
			assert_eq!(
				Verdicts::<T>::case_status(id),
				Some(CaseStatus::Final(Outcome::Approve))
			);
		}
	}

	/// `v` votes that only count: each case of the largest set keeps two members to go, so the
	/// ballots are as long as a pending case's get.
	#[benchmark]
	fn count_votes(v: Linear<1, { T::MaxVotesPerBatch::get() }>) {
		let n = T::MaxAttesters::get().max(2);
		let attesters = setup_attesters::<T>(n);
		let ids = open_cases::<T>(v);
		for id in ids.iter() {
			cast::<T>(*id, &attesters, attesters.len() - 2);
		}
		let voter = attesters[attesters.len() - 2].clone();
		let votes: BoundedVec<Vote, T::MaxVotesPerBatch> =
			BoundedVec::truncate_from(ids.iter().map(|id| vote(*id, Choice::Abstain)).collect());

		#[extrinsic_call]
		attest_batch(RawOrigin::Signed(voter), votes, MODEL_HASH);

		for id in ids {
			assert_eq!(Verdicts::<T>::case_status(id), Some(CaseStatus::Pending));
		}
	}

	/// `v` late votes: their cases are final (decided by the others of the largest set) and the
	/// voter, a member, had not voted.
	#[benchmark]
	fn late_votes(v: Linear<1, { T::MaxVotesPerBatch::get() }>) {
		let n = T::MaxAttesters::get();
		let attesters = setup_attesters::<T>(n);
		let ids = open_cases::<T>(v);
		let needed = supermajority(n) as usize;
		for voter in attesters.iter().take(needed) {
			attest::<T>(
				voter,
				ids.iter().map(|id| vote(*id, Choice::Approve)).collect(),
			);
		}
		let late = attesters.last().expect("n >= 1").clone();
		let votes: BoundedVec<Vote, T::MaxVotesPerBatch> =
			BoundedVec::truncate_from(ids.iter().map(|id| vote(*id, Choice::Approve)).collect());

		#[extrinsic_call]
		attest_batch(RawOrigin::Signed(late.clone()), votes, MODEL_HASH);

		for id in ids {
			if n > needed as u32 {
				assert_eq!(
					crate::pallet::Verdicts::<T>::get(id).expect("final").late,
					1
				);
			}
		}
	}

	#[benchmark]
	fn set_model() {
		#[extrinsic_call]
		_(RawOrigin::Root, model());

		assert_eq!(ActiveModel::<T>::get(), Some(model()));
	}

	/// `c` transfer cases of a set of `r` members reach their deadline in the same block, each
	/// with every member but one voted (approval still reachable): all end `Undecided` and the
	/// hook writes the `r` members' records.
	#[benchmark]
	fn on_initialize(
		c: Linear<0, { T::MaxCasesPerBlock::get() }>,
		r: Linear<1, { T::MaxAttesters::get() }>,
	) {
		let attesters = setup_attesters::<T>(r);
		let start = frame_system::Pallet::<T>::block_number();
		let ids = open_cases::<T>(c);
		for id in ids.iter() {
			cast::<T>(*id, &attesters, attesters.len() - 1);
		}
		assert_eq!(frame_system::Pallet::<T>::block_number(), start);
		let deadline: BlockNumberFor<T> = start + T::VotingPeriod::get();
		frame_system::Pallet::<T>::set_block_number(deadline);

		#[block]
		{
			Verdicts::<T>::on_initialize(deadline);
		}

		assert_eq!(PendingCount::<T>::get(), 0);
		assert_eq!(ids.len() as u32, c);
	}

	impl_benchmark_test_suite!(Verdicts, crate::mock::new_test_ext(0), crate::mock::Test);
}
