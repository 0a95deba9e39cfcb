//! Counting votes, deciding cases, and settling them.
//!
//! A vote that only counts costs one read and one write: its case (which carries the tally and
//! the ballots). A vote that decides its case also settles it (the case is removed, the funds
//! move, a compact verdict is written). Everything a batch changes many times — attester
//! records, the open-case count of each set, the pending count — is collected in a [`Ledger`]
//! and written once at the end of the batch (or of the deadline hook).

use crate::{
	pallet::{
		AttesterRecords, AttesterSets, CaseOf, Cases, Config, Event, HoldReason, Pallet,
		PendingCount, Verdicts,
	},
	sets::SetCache,
	AttesterRecord, Ballot, CaseId, CaseKind, Choice, Outcome, SetId, Settlement, SkipReason,
	Verdict, Vote, MAX_SCORE,
};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

/// What counting one vote did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counted {
	/// The vote counted; the case is still pending.
	Pending,
	/// The vote counted and decided its case.
	Decided,
	/// The case was already final and the voter had not voted: recorded as late.
	Late,
}

/// Changes a batch makes to shared storage, written once by [`Ledger::flush`]. Record changes
/// are kept by set and member index (no account is copied or looked up while counting).
pub(crate) struct Ledger<T: Config> {
	sets: BTreeMap<SetId, SetDelta>,
	closed: u32,
	_config: core::marker::PhantomData<T>,
}

/// What a batch changed for one attester set.
#[derive(Default)]
struct SetDelta {
	/// Record increments, by member index.
	members: Vec<RecordDelta>,
	/// Cases of the set that reached their verdict.
	closed: u32,
}

/// Increments of one attester's record.
#[derive(Default, Clone, PartialEq)]
struct RecordDelta {
	agreed: u32,
	disagreed: u32,
	abstained: u32,
	missed: u32,
	late: u32,
	/// Late votes on cases that had counted this attester as missed.
	unmissed: u32,
}

impl RecordDelta {
	fn add(&mut self, other: &RecordDelta) {
		self.agreed += other.agreed;
		self.disagreed += other.disagreed;
		self.abstained += other.abstained;
		self.missed += other.missed;
		self.late += other.late;
		self.unmissed += other.unmissed;
	}
}

impl<T: Config> Default for Ledger<T> {
	fn default() -> Self {
		Self {
			sets: BTreeMap::new(),
			closed: 0,
			_config: Default::default(),
		}
	}
}

impl<T: Config> Ledger<T> {
	/// The changes for `set`, with room for its `size` members.
	fn set(&mut self, set: SetId, size: usize) -> &mut SetDelta {
		let delta = self.sets.entry(set).or_default();
		if delta.members.len() < size {
			delta.members.resize(size, RecordDelta::default());
		}
		delta
	}

	/// Writes everything collected: each touched attester's record once (summed over the sets
	/// it is a member of), each set's open-case count once, the pending count once. Returns the
	/// records written.
	pub(crate) fn flush(self, sets: &mut SetCache<T>) -> u32 {
		let zero = RecordDelta::default();
		let mut records: BTreeMap<T::AccountId, RecordDelta> = BTreeMap::new();
		let now = frame_system::Pallet::<T>::block_number();
		for (set, delta) in self.sets {
			if let Some(members) = sets.members(set) {
				for (who, d) in members.iter().zip(delta.members.iter()) {
					if *d != zero {
						records.entry(who.clone()).or_default().add(d);
					}
				}
			}
			if delta.closed > 0 {
				AttesterSets::<T>::mutate(set, |info| {
					if let Some(info) = info {
						info.open_cases = info.open_cases.saturating_sub(delta.closed);
						// A retired set stays live `VotingPeriod` after its last verdict, for
						// the late votes on it.
						if info.retired_at.is_some() {
							info.retired_at = Some(now);
						}
					}
				});
			}
		}
		let written = records.len() as u32;
		for (who, d) in records {
			AttesterRecords::<T>::mutate(&who, |r: &mut AttesterRecord| {
				r.agreed.saturating_accrue(d.agreed);
				r.disagreed.saturating_accrue(d.disagreed);
				r.abstained.saturating_accrue(d.abstained);
				r.missed = r.missed.saturating_add(d.missed).saturating_sub(d.unmissed);
				r.late.saturating_accrue(d.late);
			});
		}
		if self.closed > 0 {
			PendingCount::<T>::mutate(|n| *n = n.saturating_sub(self.closed));
		}
		written
	}
}

impl<T: Config> Pallet<T> {
	/// Counts `who`'s vote, cast with `model_hash`; decides and settles its case when the vote
	/// gives a side the supermajority of the case's set, or leaves neither side able to reach it.
	pub(crate) fn count_vote(
		who: &T::AccountId,
		vote: Vote,
		model_hash: [u8; 32],
		sets: &mut SetCache<T>,
		ledger: &mut Ledger<T>,
	) -> Result<Counted, SkipReason> {
		if vote.score > MAX_SCORE {
			return Err(SkipReason::InvalidScore);
		}
		let Some(mut case) = Self::case(vote.case_id) else {
			return Self::count_late(who, vote.case_id, sets, ledger);
		};
		let member = sets
			.position(case.set, who)
			.ok_or(SkipReason::NotInCaseSet)?;
		if case.ballots.iter().any(|b| b.member == member) {
			return Err(SkipReason::DuplicateVote);
		}
		let ballot = Ballot {
			member,
			choice: vote.choice,
			reason: vote.reason,
		};
		// The ballots hold one entry per member at most, and the set has at most MaxAttesters.
		case.ballots
			.try_push(ballot)
			.map_err(|_| SkipReason::DuplicateVote)?;
		case.tally.add(vote.choice);
		case.model_hash = Some(model_hash);
		match Self::decide(&case, sets.size(case.set)) {
			Some(outcome) => {
				Self::finalize(case, outcome, sets, ledger);
				Ok(Counted::Decided)
			},
			None => {
				Cases::<T>::insert(Self::key(case.id), case);
				Ok(Counted::Pending)
			},
		}
	}

	/// A vote on a case that is not pending: late when its verdict is kept and `who` is a member
	/// of its set that had not voted; otherwise skipped.
	fn count_late(
		who: &T::AccountId,
		case_id: CaseId,
		sets: &mut SetCache<T>,
		ledger: &mut Ledger<T>,
	) -> Result<Counted, SkipReason> {
		let Some(mut verdict) = Verdicts::<T>::get(case_id) else {
			return Err(if case_id < crate::pallet::NextCaseId::<T>::get() {
				SkipReason::CaseClosed
			} else {
				SkipReason::UnknownCase
			});
		};
		let member = sets
			.position(verdict.set, who)
			.ok_or(SkipReason::CaseClosed)?;
		let bit = 1u128 << member;
		if verdict.voted & bit != 0 {
			return Err(SkipReason::DuplicateVote);
		}
		verdict.voted |= bit;
		verdict.late.saturating_inc();
		let set = verdict.set;
		Verdicts::<T>::insert(case_id, verdict);
		let size = sets.size(set) as usize;
		let record = &mut ledger.set(set, size).members[member as usize];
		record.late += 1;
		record.unmissed += 1;
		Ok(Counted::Late)
	}

	/// The outcome the votes so far force, if any: a side with the supermajority of the case's
	/// set of `set_size`, or `Undecided` when neither side can reach it with the members who have
	/// not voted yet.
	pub(crate) fn decide(case: &CaseOf<T>, set_size: u32) -> Option<Outcome> {
		let needed = crate::supermajority(set_size);
		if set_size == 0 {
			return None;
		}
		let tally = case.tally;
		if tally.approve >= needed {
			return Some(Outcome::Approve);
		}
		if tally.reject >= needed {
			return Some(Outcome::Reject);
		}
		let still_to_vote = set_size.saturating_sub(case.ballots.len() as u32);
		let can_approve = tally.approve.saturating_add(still_to_vote) >= needed;
		let can_reject = tally.reject.saturating_add(still_to_vote) >= needed;
		(!can_approve && !can_reject).then_some(Outcome::Undecided)
	}

	/// Settles `case` with `outcome`: moves the funds, removes the case, writes the compact
	/// verdict, and books the members' records, the set's open cases and the pending count in
	/// `ledger`.
	pub(crate) fn finalize(
		case: CaseOf<T>,
		outcome: Outcome,
		sets: &mut SetCache<T>,
		ledger: &mut Ledger<T>,
	) {
		let settlement = Self::settle(&case, outcome);
		let winning = match outcome {
			Outcome::Approve => Some(Choice::Approve),
			Outcome::Reject => Some(Choice::Reject),
			Outcome::Undecided => None,
		};
		let mut voted = 0u128;
		let mut reasons: Vec<(u8, u32)> = Vec::new();
		let size = sets.size(case.set) as usize;
		let delta = ledger.set(case.set, size);
		for ballot in case.ballots.iter() {
			voted |= 1u128 << ballot.member;
			if let Some(record) = delta.members.get_mut(ballot.member as usize) {
				match (ballot.choice, winning) {
					(Choice::Abstain, _) => record.abstained += 1,
					(choice, Some(win)) if choice == win => record.agreed += 1,
					(_, Some(_)) => record.disagreed += 1,
					// Neither side won: a side vote is neither agreement nor disagreement.
					(_, None) => {},
				}
			}
			if Some(ballot.choice) == winning {
				match reasons.iter_mut().find(|(r, _)| *r == ballot.reason) {
					Some((_, count)) => *count += 1,
					None => reasons.push((ballot.reason, 1)),
				}
			}
		}
		for (i, record) in delta.members.iter_mut().enumerate().take(size) {
			if voted & (1u128 << i) == 0 {
				record.missed += 1;
			}
		}
		delta.closed += 1;
		// Most common; ties go to the lowest code.
		let reason = reasons
			.iter()
			.max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
			.map(|(reason, _)| *reason);

		Cases::<T>::remove(Self::key(case.id));
		ledger.closed += 1;
		Verdicts::<T>::insert(
			case.id,
			Verdict {
				outcome,
				settlement,
				tally: case.tally,
				late: 0,
				finalized_at: frame_system::Pallet::<T>::block_number(),
				model_hash: case.model_hash,
				reason,
				set: case.set,
				voted,
			},
		);
		Self::deposit_event(Event::CaseFinalized {
			case_id: case.id,
			outcome,
			settlement,
			approve: case.tally.approve,
			reject: case.tally.reject,
			abstain: case.tally.abstain,
			reason,
		});
	}

	/// Pays a transfer out of escrow on `Approve`, releases it to the sender otherwise.
	fn settle(case: &CaseOf<T>, outcome: Outcome) -> Settlement {
		let CaseKind::Transfer { dest, amount } = &case.kind else {
			return Settlement::NoFunds;
		};
		let reason = HoldReason::Escrow.into();
		let mut settlement = Settlement::Refunded;
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
				return Settlement::Paid;
			}
			// Cannot happen while the hold is intact and `amount >= ED`; if it does, the funds
			// must not stay locked: they go back to the sender, and the verdict says so.
			log::error!(
				target: "runtime::verdicts",
				"case {}: paying the approved transfer failed ({:?}); releasing to sender",
				case.id,
				paid.err(),
			);
			settlement = Settlement::PayoutFailed;
		}
		if let Err(e) =
			T::Currency::release(&reason, &case.submitter, *amount, Precision::BestEffort)
		{
			log::error!(target: "runtime::verdicts", "case {}: release failed: {:?}", case.id, e);
		}
		settlement
	}

	/// Closes the cases whose deadline is `now` that are still pending: with the outcome their
	/// votes force (a side that has its set's supermajority wins), else `Undecided`. Returns how
	/// many it closed and the attester records it wrote.
	pub(crate) fn close_due(now: BlockNumberFor<T>, sets: &mut SetCache<T>) -> (u32, u32) {
		let due = crate::pallet::Deadlines::<T>::take(now);
		let mut ledger = Ledger::<T>::default();
		let mut closed = 0u32;
		for case_id in due.iter() {
			if let Some(case) = Self::case(*case_id) {
				let size = sets.size(case.set);
				let outcome = match Self::decide(&case, size) {
					Some(Outcome::Approve) => Outcome::Approve,
					Some(Outcome::Reject) => Outcome::Reject,
					_ => Outcome::Undecided,
				};
				Self::finalize(case, outcome, sets, &mut ledger);
				closed += 1;
			}
		}
		let records = ledger.flush(sets);
		(closed, records)
	}
}
