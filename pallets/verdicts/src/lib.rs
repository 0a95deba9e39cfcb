//! # pallet-verdicts
//!
//! Turns transactions into *cases* and the validators' signed votes into final *verdicts*.
//!
//! - [`Pallet::screen_transfer`] holds a transfer's amount in escrow and opens a case for its
//!   memo; [`Pallet::submit_record`] opens a case for a text with no funds attached.
//! - One attester set decides a case: the snapshot of the attesters (in the runtime: the Aura
//!   authorities) of the block it was submitted in ([`sets`]). Its members classify the case
//!   off-chain ([`worker`]) and submit their votes with [`Pallet::attest_batch`], naming the
//!   model they used; a vote that names another model than the active one
//!   ([`Pallet::set_model`]) is refused.
//! - Once one side reaches the supermajority of the case's `N` members, `N - floor((N - 1) / 3)`,
//!   the case is final in that same call; once neither side can reach it any more, or at the
//!   deadline, it is `Undecided`. `Approve` pays the destination from the hold; `Reject` and
//!   `Undecided` release the hold to the sender. The pallet never mints, burns or moves funds
//!   otherwise.
//! - A member whose vote arrives after the verdict (with `N` honest validators voting in the same
//!   block, the last `floor((N - 1) / 3)` always do) pays nothing and is recorded as *late*; only
//!   a member that never voted is *missed*.
//! - Counting a vote reads and writes its case once; everything a batch changes many times is
//!   written once per batch ([`counting`]). A batch is charged its benchmarked worst case up
//!   front and refunded to what it did.
//! - Finalization keeps a compact [`Verdict`]; the verdicts of the last [`Config::MaxVerdicts`]
//!   case ids stay queryable. Each attester's record (agreed, disagreed, abstained, missed,
//!   late) is kept in [`AttesterRecords`] while it belongs to a live set.
//!
//! Clients read all of it through the [`runtime_api::VerdictsApi`] runtime API.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod counting;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
pub mod sets;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;
pub mod worker;

/// The set of accounts allowed to vote, supplied by the runtime.
pub trait AttesterSet<AccountId> {
	/// The current attesters, without duplicates.
	fn attesters() -> alloc::vec::Vec<AccountId>;

	/// The most attesters this source can ever name (in the runtime: Aura's `MaxAuthorities`).
	/// `integrity_test` checks that `MaxAttesters` covers it.
	fn bound() -> u32;

	/// Replaces the set (benchmarks only: they need attesters the runtime does not have).
	#[cfg(feature = "runtime-benchmarks")]
	fn set_attesters(attesters: alloc::vec::Vec<AccountId>);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::{counting::Ledger, sets::SetCache};
	use alloc::vec::Vec;
	use frame_support::{
		dispatch::{DispatchResultWithPostInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Saturating;

	/// The balance type of the pallet's currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// A case as this runtime stores it.
	pub type CaseOf<T> = Case<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxTextLen,
		<T as Config>::MaxAttesters,
	>;

	/// The key of a case in [`Cases`]: its id, big-endian, so that the map iterates in id order
	/// (the `Identity` hasher keeps the key's bytes).
	pub type CaseKey = [u8; 8];

	/// The in-code storage version (1: attester set snapshots, ballots inside cases, verdicts
	/// pruned by id).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The key the off-chain worker signs its vote batches with; the runtime maps it to the
		/// Aura key, which every validator's keystore already holds.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// The currency whose funds are held in escrow.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who may vote.
		type Attesters: AttesterSet<Self::AccountId>;

		/// Blocks a case stays open for votes.
		#[pallet::constant]
		type VotingPeriod: Get<BlockNumberFor<Self>>;

		/// The longest memo or record text, in bytes.
		#[pallet::constant]
		type MaxTextLen: Get<u32>;

		/// The most votes one `attest_batch` may carry.
		#[pallet::constant]
		type MaxVotesPerBatch: Get<u32>;

		/// The largest attester set (at most 128: a member is a bit of a `u128`).
		#[pallet::constant]
		type MaxAttesters: Get<u32>;

		/// The most attester set snapshots live at once (see [`crate::sets`]).
		#[pallet::constant]
		type MaxLiveSets: Get<u32>;

		/// The most cases that may be submitted in one block (bounds the deadline work of a
		/// later block).
		#[pallet::constant]
		type MaxCasesPerBlock: Get<u32>;

		/// The most cases that may be pending at once.
		#[pallet::constant]
		type MaxPendingCases: Get<u32>;

		/// How many case ids back verdicts stay queryable: opening case `i` prunes the verdict
		/// of case `i - MaxVerdicts`.
		#[pallet::constant]
		type MaxVerdicts: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The amount of a screened transfer, until its verdict.
		Escrow,
	}

	/// The id the next case gets.
	#[pallet::storage]
	pub type NextCaseId<T> = StorageValue<_, CaseId, ValueQuery>;

	/// Pending cases, by [`CaseKey`], with their tally and ballots. Bounded by
	/// [`Config::MaxPendingCases`]; a case leaves at its verdict.
	#[pallet::storage]
	pub type Cases<T: Config> = StorageMap<_, Identity, CaseKey, CaseOf<T>>;

	/// How many cases are pending.
	#[pallet::storage]
	pub type PendingCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Cases by deadline: at the start of block `n` the cases in `Deadlines[n]` that are still
	/// pending are closed. At most [`Config::MaxCasesPerBlock`] per block; taken at `n`.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<CaseId, T::MaxCasesPerBlock>,
		ValueQuery,
	>;

	/// Compact verdicts of finalized cases: those of the last [`Config::MaxVerdicts`] case ids.
	#[pallet::storage]
	pub type Verdicts<T: Config> = StorageMap<_, Twox64Concat, CaseId, Verdict<BlockNumberFor<T>>>;

	/// Each attester's record, while it is a member of a live attester set.
	#[pallet::storage]
	pub type AttesterRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AttesterRecord, ValueQuery>;

	/// Attester set snapshots, from [`OldestSet`] to [`CurrentSet`] (at most
	/// [`Config::MaxLiveSets`]).
	#[pallet::storage]
	pub type AttesterSets<T: Config> =
		StorageMap<_, Twox64Concat, SetId, crate::sets::AttesterSetOf<T>>;

	/// The set new cases get.
	#[pallet::storage]
	pub type CurrentSet<T> = StorageValue<_, SetId, ValueQuery>;

	/// The oldest live set.
	#[pallet::storage]
	pub type OldestSet<T> = StorageValue<_, SetId, ValueQuery>;

	/// The model attesters must vote with.
	#[pallet::storage]
	pub type ActiveModel<T: Config> = StorageValue<_, ModelInfo>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The model active from genesis, if any.
		pub model: Option<ModelInfo>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(model) = &self.model {
				assert!(
					Pallet::<T>::check_model(model).is_ok(),
					"invalid genesis model"
				);
				ActiveModel::<T>::put(model);
			}
			// The first attester set: the runtime's attesters at genesis.
			AttesterSets::<T>::insert(
				0,
				crate::sets::AttesterSetInfo {
					members: Pallet::<T>::named_attesters(),
					open_cases: 0,
					retired_at: None,
				},
			);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A case was opened.
		CaseSubmitted {
			/// The new case.
			case_id: CaseId,
			/// Who submitted it.
			submitter: T::AccountId,
			/// The escrowed amount (zero for a record).
			amount: BalanceOf<T>,
			/// The block at whose start it is closed if still pending.
			deadline: BlockNumberFor<T>,
		},
		/// An attester's batch was counted.
		VotesCounted {
			/// The attester.
			attester: T::AccountId,
			/// Votes counted on pending cases.
			counted: u32,
			/// Votes that arrived after their case's verdict (recorded, not counted).
			late: u32,
			/// Votes skipped (each with its [`Event::VoteSkipped`]).
			skipped: u32,
		},
		/// A vote in a batch was not counted; the rest of the batch was.
		VoteSkipped {
			/// The case named by the vote.
			case_id: CaseId,
			/// The attester.
			attester: T::AccountId,
			/// Why it was not counted.
			reason: SkipReason,
		},
		/// A case reached its verdict and its funds moved accordingly.
		CaseFinalized {
			/// The case.
			case_id: CaseId,
			/// How it ended.
			outcome: Outcome,
			/// What became of the funds.
			settlement: Settlement,
			/// Votes for `Approve`.
			approve: u32,
			/// Votes for `Reject`.
			reject: u32,
			/// Abstentions.
			abstain: u32,
			/// The most common reason code on the winning side; `None` when undecided.
			reason: Option<u8>,
		},
		/// Root set the active model.
		ModelSet {
			/// Its hash.
			hash: [u8; 32],
			/// Its version.
			version: u32,
		},
		/// The attesters changed: cases submitted from now on are decided by this new set.
		AttesterSetChanged {
			/// The new set.
			set: SetId,
			/// How many members it has.
			members: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The text is empty.
		EmptyText,
		/// The text is not valid UTF-8.
		InvalidUtf8,
		/// The amount is below the existential deposit: the destination could not receive it.
		AmountTooLow,
		/// A transfer to oneself needs no screening.
		SelfTransfer,
		/// The sender's free balance cannot cover the amount to hold.
		InsufficientBalance,
		/// `MaxPendingCases` cases are pending already; try again once some are final.
		TooManyPendingCases,
		/// `MaxCasesPerBlock` cases were submitted in this block already; try the next one.
		BlockFull,
		/// The sender is a member of no live attester set.
		NotAttester,
		/// The votes name another model than the active one.
		ModelMismatch,
		/// No model is active, so no vote can be checked against one.
		NoActiveModel,
		/// The batch holds no vote.
		EmptyBatch,
		/// The model's threshold or abstain margin lies outside `0..=10_000`.
		InvalidModel,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Takes a new attester set snapshot if the attesters changed, retires expired sets, and
		/// closes the cases whose deadline is this block (at most `MaxCasesPerBlock`).
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let before = CurrentSet::<T>::get();
			let (current, members) = Self::current_set();
			let pruned = Self::prune_sets(now);
			let mut sets = SetCache::new(current, members);
			let (closed, records) = Self::close_due(now, &mut sets);
			// The benchmark covers the set check; a new snapshot and the pruning (rare) are
			// charged here by their storage accesses.
			let live = current
				.saturating_sub(OldestSet::<T>::get())
				.saturating_add(1);
			let rotated = (current != before) as u64;
			T::WeightInfo::on_initialize(closed, records).saturating_add(
				T::DbWeight::get().reads_writes(
					live as u64 + rotated * 3 + pruned as u64,
					rotated * 3 + pruned as u64,
				),
			)
		}

		/// Validators classify the pending cases and vote (see [`crate::worker`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_worker(now);
		}

		/// Catches constants that would silently break the pallet.
		fn integrity_test() {
			let period: u64 = T::VotingPeriod::get().try_into().unwrap_or(u64::MAX);
			assert!(period >= 1, "VotingPeriod must be at least one block");
			assert!(T::MaxTextLen::get() >= 1, "MaxTextLen must be at least 1");
			assert!(
				T::MaxVotesPerBatch::get() >= 1,
				"MaxVotesPerBatch must be at least 1"
			);
			assert!(
				T::MaxCasesPerBlock::get() >= 1,
				"MaxCasesPerBlock must be at least 1"
			);
			assert!(
				T::MaxAttesters::get() >= 1 && T::MaxAttesters::get() <= MAX_SET_SIZE,
				"MaxAttesters must be in 1..=128 (a member is a bit of a u128)"
			);
			assert!(
				T::MaxAttesters::get() >= T::Attesters::bound(),
				"MaxAttesters ({}) is below the most attesters the runtime can name ({}): \
				 the excess would never vote",
				T::MaxAttesters::get(),
				T::Attesters::bound(),
			);
			assert!(T::MaxLiveSets::get() >= 2, "MaxLiveSets must be at least 2");
			assert!(
				T::MaxPendingCases::get() >= T::MaxCasesPerBlock::get(),
				"MaxPendingCases must hold at least one block of cases"
			);
			// A verdict is pruned `MaxVerdicts` case ids later: by then its case must be final,
			// i.e. opened more than `VotingPeriod` blocks before.
			let window =
				(T::MaxCasesPerBlock::get() as u64).saturating_mul(period.saturating_add(1));
			assert!(
				T::MaxVerdicts::get() as u64 >= window,
				"MaxVerdicts ({}) must cover MaxCasesPerBlock × (VotingPeriod + 1) = {window} \
				 case ids, or a pending case's verdict slot could be pruned",
				T::MaxVerdicts::get(),
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Screens a transfer: holds `amount` of the sender's funds in escrow and opens a case
		/// for `memo`. The funds go to `dest` if the verdict is `Approve`, back to the sender
		/// otherwise.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::screen_transfer(memo.len() as u32))]
		pub fn screen_transfer(
			origin: OriginFor<T>,
			dest: T::AccountId,
			amount: BalanceOf<T>,
			memo: BoundedVec<u8, T::MaxTextLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(who != dest, Error::<T>::SelfTransfer);
			ensure!(
				amount >= T::Currency::minimum_balance(),
				Error::<T>::AmountTooLow
			);
			Self::check_text(&memo)?;
			Self::open_case(who, CaseKind::Transfer { dest, amount }, memo)
		}

		/// Opens a case for a text with no funds attached.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::submit_record(text.len() as u32))]
		pub fn submit_record(
			origin: OriginFor<T>,
			text: BoundedVec<u8, T::MaxTextLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::check_text(&text)?;
			Self::open_case(who, CaseKind::Record, text)
		}

		/// Counts an attester's votes, all cast with the model `model_hash`.
		///
		/// The batch as a whole is refused when it is empty, the model is not the active one, or
		/// the sender is a member of no live attester set. Each vote is then counted on its
		/// pending case if the sender is a member of the case's set; a vote on a case that
		/// reached its verdict before it arrived is recorded as late. A vote on an unknown case
		/// (or one whose verdict is pruned), a repeated vote, a vote from outside the case's set
		/// or an out-of-range score is skipped ([`Event::VoteSkipped`]). The call is free when
		/// no vote was skipped, and charged otherwise; the weight is refunded to what it did.
		///
		/// Votes are the chain's own work: they are `Operational`, so user transactions, which
		/// fill at most the normal class's share of a block, never crowd them out.
		#[pallet::call_index(2)]
		#[pallet::weight((
			Pallet::<T>::attest_batch_weight(votes.len() as u32),
			DispatchClass::Operational
		))]
		pub fn attest_batch(
			origin: OriginFor<T>,
			votes: BoundedVec<Vote, T::MaxVotesPerBatch>,
			model_hash: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!votes.is_empty(), Error::<T>::EmptyBatch);
			let model = ActiveModel::<T>::get().ok_or(Error::<T>::NoActiveModel)?;
			ensure!(model.hash == model_hash, Error::<T>::ModelMismatch);
			let (current, members) = Self::current_set();
			let mut sets = SetCache::<T>::new(current, members);
			ensure!(
				Self::is_live_member(&who, &mut sets),
				Error::<T>::NotAttester
			);

			let mut ledger = Ledger::<T>::default();
			let (mut counted, mut decided, mut late, mut skipped) = (0u32, 0u32, 0u32, 0u32);
			for vote in votes.iter() {
				match Self::count_vote(&who, *vote, model.hash, &mut sets, &mut ledger) {
					Ok(counting::Counted::Pending) => counted += 1,
					Ok(counting::Counted::Decided) => decided += 1,
					Ok(counting::Counted::Late) => late += 1,
					Err(reason) => {
						skipped += 1;
						Self::deposit_event(Event::VoteSkipped {
							case_id: vote.case_id,
							attester: who.clone(),
							reason,
						});
					},
				}
			}
			let records = ledger.flush(&mut sets);
			Self::deposit_event(Event::VotesCounted {
				attester: who,
				counted: counted.saturating_add(decided),
				late,
				skipped,
			});
			let actual = T::WeightInfo::attest_batch(decided, records)
				.saturating_add(T::WeightInfo::count_votes(counted.saturating_add(skipped)))
				.saturating_add(T::WeightInfo::late_votes(late))
				.saturating_sub(T::WeightInfo::count_votes(0))
				.saturating_sub(T::WeightInfo::late_votes(0));
			Ok(PostDispatchInfo {
				actual_weight: Some(actual.min(Self::attest_batch_weight(votes.len() as u32))),
				pays_fee: if skipped == 0 { Pays::No } else { Pays::Yes },
			})
		}

		/// Sets the model attesters must vote with (root only). Votes cast with an earlier model
		/// stay counted on the cases they were cast for.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_model())]
		pub fn set_model(origin: OriginFor<T>, model: ModelInfo) -> DispatchResult {
			ensure_root(origin)?;
			Self::check_model(&model)?;
			let (hash, version) = (model.hash, model.version);
			ActiveModel::<T>::put(model);
			Self::deposit_event(Event::ModelSet { hash, version });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The storage key of case `id`.
		pub fn key(id: CaseId) -> CaseKey {
			id.to_be_bytes()
		}

		/// Pending case `id`.
		pub fn case(id: CaseId) -> Option<CaseOf<T>> {
			Cases::<T>::get(Self::key(id))
		}

		/// The worst case of a batch of `v` votes: each decides a transfer case of the largest
		/// set, and the batch writes the records of every member of every live set.
		pub fn attest_batch_weight(v: u32) -> Weight {
			let v = v.min(T::MaxVotesPerBatch::get());
			T::WeightInfo::attest_batch(
				v,
				T::MaxAttesters::get().saturating_mul(T::MaxLiveSets::get()),
			)
		}

		/// The members of the current attester set.
		pub fn attesters() -> Vec<T::AccountId> {
			let id = CurrentSet::<T>::get();
			match AttesterSets::<T>::get(id) {
				Some(set) => set.members.into_inner(),
				None => Self::current_set().1.into_inner(),
			}
		}

		/// Where case `id` stands; `None` if it was never submitted or its verdict was pruned.
		pub fn case_status(id: CaseId) -> Option<CaseStatus> {
			if Cases::<T>::contains_key(Self::key(id)) {
				Some(CaseStatus::Pending)
			} else {
				Verdicts::<T>::get(id).map(|v| CaseStatus::Final(v.outcome))
			}
		}

		/// Up to `max` pending cases with ids from `from` on, in id order, that `attester` may
		/// vote on and has not (all pending cases from `from` on when `attester` is `None`).
		/// Walks pending cases only, at most `max_scan` of them; also returns the id to go on
		/// from next time: every pending id below it was returned or needs no vote.
		pub fn pending_cases_page(
			from: CaseId,
			max: u32,
			max_scan: u32,
			attester: Option<&T::AccountId>,
		) -> (Vec<CaseOf<T>>, CaseId) {
			let mut found = Vec::new();
			let mut next = from;
			let mut cache: Option<SetCache<T>> = None;
			let start = match from.checked_sub(1) {
				Some(before) => {
					Cases::<T>::iter_from(Cases::<T>::hashed_key_for(Self::key(before)))
				},
				None => Cases::<T>::iter(),
			};
			for (_, case) in start.take(max_scan as usize) {
				if found.len() as u32 >= max {
					break;
				}
				let wanted = match attester {
					None => true,
					Some(who) => {
						let sets = cache.get_or_insert_with(|| {
							let id = CurrentSet::<T>::get();
							let members = AttesterSets::<T>::get(id)
								.map(|s| s.members)
								.unwrap_or_default();
							SetCache::new(id, members)
						});
						match sets.position(case.set, who) {
							Some(member) => !case.ballots.iter().any(|b| b.member == member),
							None => false,
						}
					},
				};
				if found.is_empty() && !wanted {
					next = case.id.saturating_add(1);
				}
				if wanted {
					if found.is_empty() {
						next = case.id;
					}
					found.push(case);
				}
			}
			(found, next)
		}

		/// Up to `max` pending cases with ids from `from` on that `attester` may vote on and has
		/// not (all pending cases when `attester` is `None`), in id order.
		pub fn pending_cases(
			from: CaseId,
			max: u32,
			attester: Option<&T::AccountId>,
		) -> Vec<CaseOf<T>> {
			Self::pending_cases_page(from, max, T::MaxPendingCases::get(), attester).0
		}

		fn check_text(text: &[u8]) -> DispatchResult {
			ensure!(!text.is_empty(), Error::<T>::EmptyText);
			ensure!(core::str::from_utf8(text).is_ok(), Error::<T>::InvalidUtf8);
			Ok(())
		}

		pub(crate) fn check_model(model: &ModelInfo) -> DispatchResult {
			ensure!(model.threshold <= MAX_SCORE, Error::<T>::InvalidModel);
			ensure!(model.abstain_margin <= MAX_SCORE, Error::<T>::InvalidModel);
			Ok(())
		}

		/// Opens a case: every check first, then the hold (for a transfer), then the writes,
		/// so that a refusal leaves no trace even outside a storage transaction.
		fn open_case(
			submitter: T::AccountId,
			kind: CaseKind<T::AccountId, BalanceOf<T>>,
			text: BoundedVec<u8, T::MaxTextLen>,
		) -> DispatchResult {
			let pending = PendingCount::<T>::get();
			ensure!(
				pending < T::MaxPendingCases::get(),
				Error::<T>::TooManyPendingCases
			);
			let now = frame_system::Pallet::<T>::block_number();
			let deadline = now.saturating_add(T::VotingPeriod::get());
			let mut due = Deadlines::<T>::get(deadline);
			let id = NextCaseId::<T>::get();
			due.try_push(id).map_err(|_| Error::<T>::BlockFull)?;
			let amount = match &kind {
				CaseKind::Transfer { amount, .. } => {
					T::Currency::hold(&HoldReason::Escrow.into(), &submitter, *amount)
						.map_err(|_| Error::<T>::InsufficientBalance)?;
					*amount
				},
				CaseKind::Record => Default::default(),
			};
			let (set, _) = Self::current_set();
			AttesterSets::<T>::mutate(set, |info| {
				if let Some(info) = info {
					info.open_cases.saturating_inc();
				}
			});
			Deadlines::<T>::insert(deadline, due);
			NextCaseId::<T>::put(id.saturating_add(1));
			PendingCount::<T>::put(pending.saturating_add(1));
			// The verdict `MaxVerdicts` ids back leaves the window (its case is long final:
			// `integrity_test`).
			if let Some(old) = id.checked_sub(T::MaxVerdicts::get() as CaseId) {
				Verdicts::<T>::remove(old);
			}
			Cases::<T>::insert(
				Self::key(id),
				Case {
					id,
					submitter: submitter.clone(),
					kind,
					text,
					submitted_at: now,
					deadline,
					set,
					tally: Tally::default(),
					ballots: BoundedVec::default(),
					model_hash: None,
				},
			);
			Self::deposit_event(Event::CaseSubmitted {
				case_id: id,
				submitter,
				amount,
				deadline,
			});
			Ok(())
		}

		/// The pallet's invariants: every held escrow belongs to pending transfer cases (no
		/// orphaned hold, none missing), the sum of all balances is the total issuance, pending
		/// cases are counted, within bounds, in their deadline lists and not final, tallies match
		/// their ballots, and every case names a live set.
		#[cfg(any(feature = "try-runtime", feature = "std"))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			let reason = HoldReason::Escrow.into();
			let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let mut pending = 0u32;
			for (key, case) in Cases::<T>::iter() {
				pending += 1;
				ensure!(key == Self::key(case.id), "case stored under another key");
				ensure!(
					case.id < NextCaseId::<T>::get(),
					"case id beyond NextCaseId"
				);
				ensure!(
					!Verdicts::<T>::contains_key(case.id),
					"case both pending and final"
				);
				let mut tally = Tally::default();
				case.ballots.iter().for_each(|b| tally.add(b.choice));
				ensure!(tally == case.tally, "tally differs from the ballots");
				let set = AttesterSets::<T>::get(case.set).ok_or("case names a pruned set")?;
				ensure!(
					case.ballots
						.iter()
						.all(|b| (b.member as usize) < set.members.len()),
					"ballot of a non-member"
				);
				ensure!(
					Deadlines::<T>::get(case.deadline).contains(&case.id),
					"pending case missing from its deadline list"
				);
				if let CaseKind::Transfer { amount, .. } = case.kind {
					let entry = held.entry(case.submitter.clone()).or_default();
					*entry = entry.saturating_add(amount);
				}
			}
			ensure!(
				pending == PendingCount::<T>::get(),
				"pending count out of step"
			);
			ensure!(
				pending <= T::MaxPendingCases::get(),
				"too many pending cases"
			);
			let open: u32 = AttesterSets::<T>::iter_values().map(|s| s.open_cases).sum();
			ensure!(
				open == pending,
				"sets' open cases differ from the pending cases"
			);
			ensure!(
				CurrentSet::<T>::get().saturating_sub(OldestSet::<T>::get())
					< T::MaxLiveSets::get(),
				"more live sets than MaxLiveSets"
			);
			// Every account's escrow hold, orphaned ones included, against the pending cases;
			// and the balances add up to the total issuance.
			let mut total = BalanceOf::<T>::default();
			for who in frame_system::Account::<T>::iter_keys() {
				let on_hold = T::Currency::balance_on_hold(&reason, &who);
				let expected = held.remove(&who).unwrap_or_default();
				ensure!(
					on_hold == expected,
					"escrow hold differs from the account's pending transfers"
				);
				total = total.saturating_add(T::Currency::total_balance(&who));
			}
			ensure!(
				held.is_empty(),
				"a pending transfer's sender has no account"
			);
			ensure!(
				total == T::Currency::total_issuance(),
				"balances do not add up to the total issuance"
			);
			Ok(())
		}
	}
}
