//! Storage migrations.
//!
//! **v0 → v1** (attester set snapshots, ballots inside cases, verdicts pruned by id): a v0 case
//! holds no record of which set decides it, so pending v0 cases cannot be carried over. They end
//! `Undecided`: the escrow of every pending transfer returns to its sender. Their votes, the v0
//! verdicts (another layout) and the verdict ring are removed; the deadline lists are emptied.
//! Attester records stay.

use crate::{pallet::*, CaseId, CaseKind, Tally};
use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*,
	storage_alias,
	traits::{fungible::MutateHold, tokens::Precision, Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// The v0 layout.
pub mod v0 {
	use super::*;

	/// A v0 case.
	#[derive(Clone, Encode, Decode, TypeInfo, MaxEncodedLen, PartialEq, Debug)]
	#[scale_info(skip_type_params(MaxTextLen))]
	pub struct Case<AccountId, Balance, BlockNumber, MaxTextLen: Get<u32>> {
		/// Its id.
		pub id: CaseId,
		/// Its submitter.
		pub submitter: AccountId,
		/// A transfer or a record.
		pub kind: CaseKind<AccountId, Balance>,
		/// Its text.
		pub text: BoundedVec<u8, MaxTextLen>,
		/// When it was submitted.
		pub submitted_at: BlockNumber,
		/// Its deadline.
		pub deadline: BlockNumber,
		/// Its tally.
		pub tally: Tally,
	}

	/// A v0 case as the runtime stored it.
	pub type CaseOf<T> = Case<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxTextLen,
	>;

	/// v0 pending cases.
	#[storage_alias]
	pub type Cases<T: Config> = CountedStorageMap<Pallet<T>, Twox64Concat, CaseId, CaseOf<T>>;

	/// v0 votes, by case and attester (values not decoded: they are only removed).
	#[storage_alias]
	pub type Votes<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Twox64Concat,
		CaseId,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		(),
	>;

	/// v0 verdict ring.
	#[storage_alias]
	pub type VerdictRing<T: Config> = StorageMap<Pallet<T>, Twox64Concat, u32, CaseId>;

	/// v0 verdict count.
	#[storage_alias]
	pub type VerdictCount<T: Config> = StorageValue<Pallet<T>, u64, ValueQuery>;
}

/// v0 → v1 (see the module docs). Wrapped in [`MigrateToV1`], which checks and sets the
/// storage version.
pub struct InnerMigrateToV1<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateToV1<T> {
	fn on_runtime_upgrade() -> Weight {
		let reason = HoldReason::Escrow.into();
		let mut reads = 1u64;
		let mut writes = 0u64;
		let cases: Vec<v0::CaseOf<T>> = v0::Cases::<T>::iter_values().collect();
		for case in cases.iter() {
			reads += 1;
			if let CaseKind::Transfer { amount, .. } = &case.kind {
				if let Err(e) =
					T::Currency::release(&reason, &case.submitter, *amount, Precision::BestEffort)
				{
					log::error!(target: "runtime::verdicts", "v1 migration: case {}: release failed: {e:?}", case.id);
				}
				reads += 2;
				writes += 2;
			}
		}
		writes += v0::Cases::<T>::clear(u32::MAX, None).unique as u64;
		writes += v0::Votes::<T>::clear(u32::MAX, None).unique as u64;
		writes += v0::VerdictRing::<T>::clear(u32::MAX, None).unique as u64;
		writes += Verdicts::<T>::clear(u32::MAX, None).unique as u64;
		writes += Deadlines::<T>::clear(u32::MAX, None).unique as u64;
		v0::VerdictCount::<T>::kill();
		PendingCount::<T>::kill();
		writes += 2;
		log::info!(
			target: "runtime::verdicts",
			"v1 migration: {} pending case(s) ended Undecided, escrow returned",
			cases.len()
		);
		T::DbWeight::get().reads_writes(reads, writes)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		Ok((v0::Cases::<T>::count() as u32).encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		ensure!(v0::Cases::<T>::count() == 0, "v0 cases left");
		Pallet::<T>::do_try_state()
	}
}

/// v0 → v1, run once: only when the on-chain storage version is 0.
pub type MigrateToV1<T> = frame_support::migrations::VersionedMigration<
	0,
	1,
	InnerMigrateToV1<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;
