//! Attester set snapshots: one set decides each case.
//!
//! The runtime names the attesters of the moment ([`crate::AttesterSet`]; in `veritas-runtime`
//! the Aura authorities). When they change, the pallet takes a new snapshot with the next
//! [`SetId`]; a case records the set of the block it was submitted in, and only that set's
//! members vote on it, with that set's supermajority — from its first vote to its deadline. A
//! validator that joins later does not vote on older cases; one that leaves can still finish the
//! cases of its set.
//!
//! At most [`crate::Config::MaxLiveSets`] snapshots are live at once. A set stays live while it
//! is the current one, while a pending case names it, and for `VotingPeriod` blocks after its
//! last verdict (or its retirement, if later), so that late votes on its cases can still be told
//! apart from strangers' votes. When the
//! attesters change while `MaxLiveSets` sets are live, new cases keep the current set until the
//! oldest one retires (at most `2 × VotingPeriod` blocks): a rare event (authority changes are
//! rare) traded for a bound on every batch's work. Retiring a set prunes the records of its
//! members who are in no other live set.

use crate::{
	pallet::{AttesterRecords, AttesterSets, Config, CurrentSet, Event, OldestSet, Pallet},
	AttesterSet, SetId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::traits::Saturating;

/// A snapshot of the attesters.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxMembers))]
pub struct AttesterSetInfo<AccountId, BlockNumber, MaxMembers: Get<u32>> {
	/// The members, in the order the runtime named them; a member's position is its bit in a
	/// case's votes.
	pub members: BoundedVec<AccountId, MaxMembers>,
	/// Pending cases this set decides.
	pub open_cases: u32,
	/// `None` while it is the current set; then the block it stopped being current, or the
	/// block of its latest verdict after that. It is pruned `VotingPeriod` later (once no case
	/// is open), so late votes on its last verdicts still count.
	pub retired_at: Option<BlockNumber>,
}

/// An attester set as this runtime stores it.
pub type AttesterSetOf<T> = AttesterSetInfo<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::MaxAttesters,
>;

/// The members of an attester set.
pub type MembersOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxAttesters>;

/// The members of the sets a batch touched, read once each (`None`: pruned).
pub(crate) struct SetCache<T: Config> {
	sets: Vec<(SetId, Option<MembersOf<T>>)>,
}

impl<T: Config> SetCache<T> {
	/// Starts with the current set.
	pub(crate) fn new(current: SetId, members: BoundedVec<T::AccountId, T::MaxAttesters>) -> Self {
		Self {
			sets: alloc::vec![(current, Some(members))],
		}
	}

	/// The members of `set`, or `None` once it is retired and pruned.
	pub(crate) fn members(
		&mut self,
		set: SetId,
	) -> Option<&BoundedVec<T::AccountId, T::MaxAttesters>> {
		let index = match self.sets.iter().position(|(id, _)| *id == set) {
			Some(i) => i,
			None => {
				let members = AttesterSets::<T>::get(set).map(|info| info.members);
				self.sets.push((set, members));
				self.sets.len() - 1
			},
		};
		self.sets[index].1.as_ref()
	}

	/// `who`'s position in `set`.
	pub(crate) fn position(&mut self, set: SetId, who: &T::AccountId) -> Option<u8> {
		self.members(set)?
			.iter()
			.position(|m| m == who)
			.map(|p| p as u8)
	}

	/// The size of `set` (0 once pruned).
	pub(crate) fn size(&mut self, set: SetId) -> u32 {
		self.members(set).map_or(0, |m| m.len() as u32)
	}
}

impl<T: Config> Pallet<T> {
	/// The attesters the runtime names now, without duplicates, at most `MaxAttesters`.
	pub(crate) fn named_attesters() -> BoundedVec<T::AccountId, T::MaxAttesters> {
		let mut members: Vec<T::AccountId> = Vec::new();
		for who in T::Attesters::attesters() {
			if !members.contains(&who) {
				members.push(who);
			}
		}
		members.truncate(T::MaxAttesters::get() as usize);
		BoundedVec::truncate_from(members)
	}

	/// The set new cases get: the current snapshot, after taking a new one if the runtime's
	/// attesters changed (and `MaxLiveSets` allows). Returns its id and members.
	pub fn current_set() -> (SetId, BoundedVec<T::AccountId, T::MaxAttesters>) {
		let id = CurrentSet::<T>::get();
		let named = Self::named_attesters();
		let Some(mut current) = AttesterSets::<T>::get(id) else {
			// The first snapshot (genesis, or the first block that needs one).
			AttesterSets::<T>::insert(
				id,
				AttesterSetInfo {
					members: named.clone(),
					open_cases: 0,
					retired_at: None,
				},
			);
			Self::deposit_event(Event::AttesterSetChanged {
				set: id,
				members: named.len() as u32,
			});
			return (id, named);
		};
		if current.members == named {
			return (id, current.members);
		}
		let now = frame_system::Pallet::<T>::block_number();
		Self::prune_sets(now);
		let live = id.saturating_sub(OldestSet::<T>::get()).saturating_add(1);
		if live >= T::MaxLiveSets::get() {
			// No room for another snapshot yet: new cases keep the current set.
			return (id, current.members);
		}
		current.retired_at = Some(now);
		AttesterSets::<T>::insert(id, current);
		let next = id.saturating_add(1);
		AttesterSets::<T>::insert(
			next,
			AttesterSetInfo {
				members: named.clone(),
				open_cases: 0,
				retired_at: None,
			},
		);
		CurrentSet::<T>::put(next);
		Self::deposit_event(Event::AttesterSetChanged {
			set: next,
			members: named.len() as u32,
		});
		(next, named)
	}

	/// Retires the oldest sets that no pending case names, `VotingPeriod` after their last use;
	/// prunes the records of their members who are in no other live set. Bounded by
	/// `MaxLiveSets` sets of `MaxAttesters` members. Returns the entries it removed.
	pub(crate) fn prune_sets(now: BlockNumberFor<T>) -> u32 {
		let current = CurrentSet::<T>::get();
		let mut oldest = OldestSet::<T>::get();
		let mut removed = 0u32;
		while oldest < current {
			let Some(info) = AttesterSets::<T>::get(oldest) else {
				oldest = oldest.saturating_add(1);
				continue;
			};
			let expired = info
				.retired_at
				.is_some_and(|at| at.saturating_add(T::VotingPeriod::get()) <= now);
			if info.open_cases > 0 || !expired {
				break;
			}
			AttesterSets::<T>::remove(oldest);
			removed = removed.saturating_add(1);
			let others: Vec<BoundedVec<T::AccountId, T::MaxAttesters>> = (oldest + 1..=current)
				.filter_map(|id| AttesterSets::<T>::get(id).map(|s| s.members))
				.collect();
			for member in info.members.iter() {
				if !others.iter().any(|m| m.contains(member)) {
					AttesterRecords::<T>::remove(member);
					removed = removed.saturating_add(1);
				}
			}
			oldest = oldest.saturating_add(1);
		}
		OldestSet::<T>::put(oldest);
		removed
	}

	/// Whether `who` is a member of any live set.
	pub(crate) fn is_live_member(who: &T::AccountId, cache: &mut SetCache<T>) -> bool {
		(OldestSet::<T>::get()..=CurrentSet::<T>::get()).any(|id| cache.position(id, who).is_some())
	}
}
