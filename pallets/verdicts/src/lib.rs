//! # pallet-verdicts
//!
//! Turns transactions into *cases* and the validators' signed votes into final *verdicts*.
//!
//! - [`Pallet::screen_transfer`] holds a transfer's amount in escrow and opens a case for its
//!   memo; [`Pallet::submit_record`] opens a case for a text with no funds attached.
//! - Attesters (in the runtime: the Aura authorities) classify pending cases off-chain and submit
//!   their votes with [`Pallet::attest_batch`], naming the model they used; a vote that names
//!   another model than the active one ([`Pallet::set_model`]) is refused.
//! - Once one side reaches the supermajority of `N` attesters, `N - floor((N - 1) / 3)`, the case
//!   is final in that same call; once neither side can reach it any more, or at the deadline, it
//!   is `Undecided`. `Approve` pays the destination from the hold; `Reject` and `Undecided`
//!   release the hold to the sender. The pallet never mints, burns or moves funds otherwise.
//! - Finalization prunes the votes and the text and keeps a compact [`Verdict`]; the last
//!   [`Config::MaxVerdicts`] verdicts stay queryable. Each attester's record (agreed, disagreed,
//!   abstained, missed) is kept in [`AttesterRecords`].
//!
//! Clients read all of it through the [`runtime_api::VerdictsApi`] runtime API.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;
pub mod worker;

/// The set of accounts allowed to vote, supplied by the runtime.
pub trait AttesterSet<AccountId> {
	/// The current attesters, without duplicates.
	fn attesters() -> alloc::vec::Vec<AccountId>;

	/// Whether `who` is a current attester.
	fn is_attester(who: &AccountId) -> bool
	where
		AccountId: PartialEq,
	{
		Self::attesters().iter().any(|a| a == who)
	}

	/// Replaces the set (benchmarks only: they need attesters the runtime does not have).
	#[cfg(feature = "runtime-benchmarks")]
	fn set_attesters(attesters: alloc::vec::Vec<AccountId>);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		dispatch::{DispatchResultWithPostInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Restriction},
		},
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
	>;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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

		/// The most attesters the pallet counts (and so the most votes one case can get).
		#[pallet::constant]
		type MaxAttesters: Get<u32>;

		/// The most cases that may be submitted in one block (bounds the deadline work of a
		/// later block).
		#[pallet::constant]
		type MaxCasesPerBlock: Get<u32>;

		/// The most cases that may be pending at once.
		#[pallet::constant]
		type MaxPendingCases: Get<u32>;

		/// How many compact verdicts stay queryable; older ones are pruned first.
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

	/// Pending cases. Bounded by [`Config::MaxPendingCases`]; a case leaves at finalization.
	#[pallet::storage]
	pub type Cases<T: Config> = CountedStorageMap<_, Twox64Concat, CaseId, CaseOf<T>>;

	/// The votes cast on pending cases, by case and attester. At most [`Config::MaxAttesters`]
	/// per case; pruned at finalization.
	#[pallet::storage]
	pub type Votes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, CaseId, Blake2_128Concat, T::AccountId, Vote>;

	/// Cases by deadline: at the start of block `n` the cases in `Deadlines[n]` that are still
	/// pending become `Undecided`. At most [`Config::MaxCasesPerBlock`] per block; taken at `n`.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<CaseId, T::MaxCasesPerBlock>,
		ValueQuery,
	>;

	/// Compact verdicts of finalized cases; the last [`Config::MaxVerdicts`] are kept.
	#[pallet::storage]
	pub type Verdicts<T: Config> = StorageMap<_, Twox64Concat, CaseId, Verdict<BlockNumberFor<T>>>;

	/// A ring of the finalized case ids, slot `i % MaxVerdicts`: the slot's previous occupant is
	/// the verdict pruned when a new one is written.
	#[pallet::storage]
	pub type VerdictRing<T: Config> = StorageMap<_, Twox64Concat, u32, CaseId>;

	/// How many verdicts have ever been written (the ring's write position).
	#[pallet::storage]
	pub type VerdictCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Each attester's record. Bounded by the accounts that have ever been attesters.
	#[pallet::storage]
	pub type AttesterRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AttesterRecord, ValueQuery>;

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
			/// The block at whose start it becomes `Undecided` if still pending.
			deadline: BlockNumberFor<T>,
		},
		/// A vote was counted.
		VoteRecorded {
			/// The case voted on.
			case_id: CaseId,
			/// The attester.
			attester: T::AccountId,
			/// Its choice.
			choice: Choice,
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
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The text is longer than `MaxTextLen` bytes.
		TextTooLong,
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
		/// The sender is not an attester.
		NotAttester,
		/// No case with this id was ever submitted.
		UnknownCase,
		/// The case is already final.
		CaseClosed,
		/// This attester already voted on this case.
		DuplicateVote,
		/// The votes name another model than the active one.
		ModelMismatch,
		/// No model is active, so no vote can be checked against one.
		NoActiveModel,
		/// The batch holds more than `MaxVotesPerBatch` votes.
		BatchTooLarge,
		/// The batch holds no vote.
		EmptyBatch,
		/// A score is above 10 000.
		InvalidScore,
		/// The model's threshold or abstain margin lies outside `0..=10_000`.
		InvalidModel,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Cases whose deadline is this block become `Undecided` (at most `MaxCasesPerBlock`).
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = Deadlines::<T>::take(now);
			let mut closed = 0u32;
			for case_id in due.iter() {
				if let Some(case) = Cases::<T>::get(case_id) {
					Self::finalize(case, Outcome::Undecided);
					closed += 1;
				}
			}
			T::WeightInfo::on_initialize_deadlines(closed)
		}

		/// Validators classify the pending cases and vote (see [`crate::worker`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_worker(now);
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
			memo: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(who != dest, Error::<T>::SelfTransfer);
			ensure!(
				amount >= T::Currency::minimum_balance(),
				Error::<T>::AmountTooLow
			);
			let text = Self::check_text(memo)?;
			Self::open_case(who, CaseKind::Transfer { dest, amount }, text)
		}

		/// Opens a case for a text with no funds attached.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::submit_record(text.len() as u32))]
		pub fn submit_record(origin: OriginFor<T>, text: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let text = Self::check_text(text)?;
			Self::open_case(who, CaseKind::Record, text)
		}

		/// Counts an attester's votes, all cast with the model `model_hash`.
		///
		/// The batch as a whole is refused when the sender is not an attester, the model is
		/// not the active one, or the batch is empty or too large. A single vote on an unknown
		/// or closed case, a repeated vote or an out-of-range score is skipped
		/// ([`Event::VoteSkipped`]) and the rest counted. The call is free when every vote
		/// counted, and charged otherwise.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::attest_batch(
			(votes.len() as u32).min(T::MaxVotesPerBatch::get())
		))]
		pub fn attest_batch(
			origin: OriginFor<T>,
			votes: Vec<Vote>,
			model_hash: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!votes.is_empty(), Error::<T>::EmptyBatch);
			ensure!(
				votes.len() as u32 <= T::MaxVotesPerBatch::get(),
				Error::<T>::BatchTooLarge
			);
			let model = ActiveModel::<T>::get().ok_or(Error::<T>::NoActiveModel)?;
			ensure!(model.hash == model_hash, Error::<T>::ModelMismatch);
			let attesters = Self::attesters();
			ensure!(attesters.contains(&who), Error::<T>::NotAttester);

			let mut all_counted = true;
			for vote in votes {
				if let Err(reason) = Self::count_vote(&who, vote, &attesters, &model) {
					all_counted = false;
					Self::deposit_event(Event::VoteSkipped {
						case_id: vote.case_id,
						attester: who.clone(),
						reason,
					});
				}
			}
			let pays_fee = if all_counted { Pays::No } else { Pays::Yes };
			Ok(PostDispatchInfo {
				actual_weight: None,
				pays_fee,
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
		/// The current attesters, at most `MaxAttesters` of them.
		pub fn attesters() -> Vec<T::AccountId> {
			let mut set = T::Attesters::attesters();
			set.truncate(T::MaxAttesters::get() as usize);
			set
		}

		/// Where case `id` stands; `None` if it was never submitted or its verdict was pruned.
		pub fn case_status(id: CaseId) -> Option<CaseStatus> {
			if Cases::<T>::contains_key(id) {
				Some(CaseStatus::Pending)
			} else {
				Verdicts::<T>::get(id).map(|v| CaseStatus::Final(v.outcome))
			}
		}

		/// Up to `max` pending cases with ids from `from` on, in id order, that `attester` has
		/// not voted on yet (all pending cases from `from` on when `attester` is `None`).
		pub fn pending_cases(
			from: CaseId,
			max: u32,
			attester: Option<&T::AccountId>,
		) -> Vec<CaseOf<T>> {
			let end = NextCaseId::<T>::get();
			let mut found = Vec::new();
			let mut id = from;
			// Ids are dense, and at most `MaxPendingCases` of them are pending: walking from
			// `from` touches at most `end - from` keys, so callers page with `from`.
			while id < end && (found.len() as u32) < max {
				if let Some(case) = Cases::<T>::get(id) {
					if attester.is_none_or(|a| !Votes::<T>::contains_key(id, a)) {
						found.push(case);
					}
				}
				id += 1;
			}
			found
		}

		fn check_text(text: Vec<u8>) -> Result<BoundedVec<u8, T::MaxTextLen>, DispatchError> {
			ensure!(!text.is_empty(), Error::<T>::EmptyText);
			ensure!(core::str::from_utf8(&text).is_ok(), Error::<T>::InvalidUtf8);
			Ok(BoundedVec::try_from(text).map_err(|_| Error::<T>::TextTooLong)?)
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
			ensure!(
				Cases::<T>::count() < T::MaxPendingCases::get(),
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
			Deadlines::<T>::insert(deadline, due);
			NextCaseId::<T>::put(id.saturating_add(1));
			Cases::<T>::insert(
				id,
				Case {
					id,
					submitter: submitter.clone(),
					kind,
					text,
					submitted_at: now,
					deadline,
					tally: Tally::default(),
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

		/// Counts one vote and finalizes the case if the vote decides it.
		fn count_vote(
			who: &T::AccountId,
			vote: Vote,
			attesters: &[T::AccountId],
			model: &ModelInfo,
		) -> Result<(), SkipReason> {
			if vote.score > MAX_SCORE {
				return Err(SkipReason::InvalidScore);
			}
			let Some(mut case) = Cases::<T>::get(vote.case_id) else {
				return Err(if vote.case_id < NextCaseId::<T>::get() {
					SkipReason::CaseClosed
				} else {
					SkipReason::UnknownCase
				});
			};
			if Votes::<T>::contains_key(vote.case_id, who) {
				return Err(SkipReason::DuplicateVote);
			}
			// One vote per attester, and at most `MaxAttesters` attesters are counted, so a
			// case never holds more than `MaxAttesters` votes unless the set rotated; then
			// the case is decided on what it has.
			Votes::<T>::insert(vote.case_id, who, vote);
			case.tally.add(vote.choice);
			Self::deposit_event(Event::VoteRecorded {
				case_id: vote.case_id,
				attester: who.clone(),
				choice: vote.choice,
			});

			let full = case.tally.cast() >= T::MaxAttesters::get();
			match Self::decide(&case, attesters) {
				Some(outcome) => Self::finalize_with(case, outcome, attesters, model.hash),
				None if full => {
					Self::finalize_with(case, Outcome::Undecided, attesters, model.hash)
				},
				None => Cases::<T>::insert(vote.case_id, case),
			}
			Ok(())
		}

		/// The outcome the votes so far force, if any: a side with a supermajority of the
		/// current set, or `Undecided` when neither side can reach it with the attesters who
		/// have not voted yet.
		fn decide(case: &CaseOf<T>, attesters: &[T::AccountId]) -> Option<Outcome> {
			let n = attesters.len() as u32;
			if n == 0 {
				return None;
			}
			let needed = supermajority(n);
			let tally = case.tally;
			if tally.approve >= needed {
				return Some(Outcome::Approve);
			}
			if tally.reject >= needed {
				return Some(Outcome::Reject);
			}
			let still_to_vote = attesters
				.iter()
				.filter(|a| !Votes::<T>::contains_key(case.id, a))
				.count() as u32;
			let can_approve = tally.approve.saturating_add(still_to_vote) >= needed;
			let can_reject = tally.reject.saturating_add(still_to_vote) >= needed;
			(!can_approve && !can_reject).then_some(Outcome::Undecided)
		}

		/// Finalizes `case` outside a vote (deadline): records against the current set and the
		/// active model.
		fn finalize(case: CaseOf<T>, outcome: Outcome) {
			let attesters = Self::attesters();
			let model_hash = ActiveModel::<T>::get().map(|m| m.hash).unwrap_or_default();
			Self::finalize_with(case, outcome, &attesters, model_hash)
		}

		/// Moves the funds, updates the attesters' records, prunes the votes and the text and
		/// writes the compact verdict.
		fn finalize_with(
			case: CaseOf<T>,
			outcome: Outcome,
			attesters: &[T::AccountId],
			model_hash: [u8; 32],
		) {
			Self::settle(&case, outcome);

			// Records of those who voted, and the winning side's most common reason.
			let winning = match outcome {
				Outcome::Approve => Some(Choice::Approve),
				Outcome::Reject => Some(Choice::Reject),
				Outcome::Undecided => None,
			};
			let mut reasons: Vec<(u8, u32)> = Vec::new();
			let voters = Votes::<T>::drain_prefix(case.id).collect::<Vec<_>>();
			for (voter, vote) in voters.iter() {
				AttesterRecords::<T>::mutate(voter, |record| match (vote.choice, winning) {
					(Choice::Abstain, _) => record.abstained.saturating_inc(),
					(choice, Some(win)) if choice == win => record.agreed.saturating_inc(),
					(_, Some(_)) => record.disagreed.saturating_inc(),
					// Neither side won: a side vote is neither agreement nor disagreement.
					(_, None) => {},
				});
				if Some(vote.choice) == winning {
					match reasons.iter_mut().find(|(r, _)| *r == vote.reason) {
						Some((_, count)) => *count += 1,
						None => reasons.push((vote.reason, 1)),
					}
				}
			}
			for attester in attesters {
				if !voters.iter().any(|(voter, _)| voter == attester) {
					AttesterRecords::<T>::mutate(attester, |record| record.missed.saturating_inc());
				}
			}
			// Most common; ties go to the lowest code.
			let reason = reasons
				.iter()
				.max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
				.map(|(reason, _)| *reason);

			Cases::<T>::remove(case.id);
			Self::store_verdict(
				case.id,
				Verdict {
					outcome,
					tally: case.tally,
					finalized_at: frame_system::Pallet::<T>::block_number(),
					model_hash,
					reason,
				},
			);
			Self::deposit_event(Event::CaseFinalized {
				case_id: case.id,
				outcome,
				approve: case.tally.approve,
				reject: case.tally.reject,
				abstain: case.tally.abstain,
				reason,
			});
		}

		/// Pays a transfer out of escrow on `Approve`, releases it to the sender otherwise.
		fn settle(case: &CaseOf<T>, outcome: Outcome) {
			let CaseKind::Transfer { dest, amount } = &case.kind else {
				return;
			};
			let reason = HoldReason::Escrow.into();
			if outcome == Outcome::Approve {
				let paid = T::Currency::transfer_on_hold(
					&reason,
					&case.submitter,
					dest,
					*amount,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Polite,
				);
				if paid.is_ok() {
					return;
				}
				// Cannot happen while the hold is intact and `amount >= ED`; if it does, the
				// funds must not stay locked: they go back to the sender.
				log::error!(
					target: "runtime::verdicts",
					"case {}: paying the approved transfer failed ({:?}); releasing to sender",
					case.id,
					paid.err(),
				);
			}
			if let Err(e) =
				T::Currency::release(&reason, &case.submitter, *amount, Precision::BestEffort)
			{
				log::error!(target: "runtime::verdicts", "case {}: release failed: {:?}", case.id, e);
			}
		}

		/// Writes a verdict and prunes the oldest one once `MaxVerdicts` are kept.
		fn store_verdict(case_id: CaseId, verdict: Verdict<BlockNumberFor<T>>) {
			let capacity = T::MaxVerdicts::get().max(1);
			let count = VerdictCount::<T>::get();
			let slot = (count % capacity as u64) as u32;
			if let Some(evicted) = VerdictRing::<T>::get(slot) {
				Verdicts::<T>::remove(evicted);
			}
			VerdictRing::<T>::insert(slot, case_id);
			Verdicts::<T>::insert(case_id, verdict);
			VerdictCount::<T>::put(count.saturating_add(1));
		}

		/// The pallet's invariants: every held amount belongs to exactly one pending transfer
		/// case, pending cases are within bounds and not final, votes belong to pending cases.
		#[cfg(any(feature = "try-runtime", feature = "std"))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			let reason = HoldReason::Escrow.into();
			let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			let mut pending = 0u32;
			for (id, case) in Cases::<T>::iter() {
				pending += 1;
				ensure!(case.id == id, "case stored under another id");
				ensure!(id < NextCaseId::<T>::get(), "case id beyond NextCaseId");
				ensure!(
					!Verdicts::<T>::contains_key(id),
					"case both pending and final"
				);
				ensure!(
					case.tally.cast() as usize == Votes::<T>::iter_prefix(id).count(),
					"tally differs from the stored votes"
				);
				ensure!(
					Deadlines::<T>::get(case.deadline).contains(&id),
					"pending case missing from its deadline list"
				);
				if let CaseKind::Transfer { amount, .. } = case.kind {
					let entry = held.entry(case.submitter.clone()).or_default();
					*entry = entry.saturating_add(amount);
				}
			}
			ensure!(pending == Cases::<T>::count(), "case counter out of step");
			ensure!(
				pending <= T::MaxPendingCases::get(),
				"too many pending cases"
			);
			for (id, _, _) in Votes::<T>::iter() {
				ensure!(
					Cases::<T>::contains_key(id),
					"votes left for a case that is not pending"
				);
			}
			ensure!(
				Verdicts::<T>::iter_keys().count() as u32 <= T::MaxVerdicts::get().max(1),
				"more verdicts than MaxVerdicts"
			);
			for (who, amount) in held.iter() {
				ensure!(
					T::Currency::balance_on_hold(&reason, who) == *amount,
					"held amount differs from the pending transfers"
				);
			}
			Ok(())
		}
	}
}
