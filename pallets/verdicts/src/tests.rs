//! Unit tests of pallet-verdicts against the mock runtime.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::Pays,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{traits::BadOrigin, BoundedVec};

mod proptests;
mod worker;

const MODEL_HASH: [u8; 32] = [7; 32];

fn model() -> ModelInfo {
	let names = |list: &[&str]| -> Names {
		BoundedVec::try_from(
			list.iter()
				.map(|n| BoundedVec::try_from(n.as_bytes().to_vec()).unwrap())
				.collect::<Vec<_>>(),
		)
		.unwrap()
	};
	ModelInfo {
		hash: MODEL_HASH,
		version: 1,
		labels: names(&["legit", "illicit"]),
		reasons: names(&["none", "scam", "phishing"]),
		threshold: 5_000,
		abstain_margin: 300,
	}
}

fn activate_model() {
	assert_ok!(VerdictsPallet::set_model(RuntimeOrigin::root(), model()));
}

fn vote(case_id: CaseId, choice: Choice) -> Vote {
	let score = match choice {
		Choice::Approve => 1_000,
		Choice::Reject => 9_000,
		Choice::Abstain => 5_100,
	};
	Vote {
		case_id,
		choice,
		score,
		reason: if choice == Choice::Reject { 1 } else { 0 },
	}
}

fn attest(who: AccountId, votes: Vec<Vote>) -> frame_support::dispatch::DispatchResultWithPostInfo {
	VerdictsPallet::attest_batch(RuntimeOrigin::signed(who), batch(votes), MODEL_HASH)
}

/// A batch as the call takes it.
fn batch(votes: Vec<Vote>) -> BoundedVec<Vote, frame_support::traits::ConstU32<MAX_BATCH>> {
	votes
		.try_into()
		.expect("tests send at most MAX_BATCH votes")
}

/// A memo or record text as the calls take it.
fn text(bytes: &[u8]) -> BoundedVec<u8, frame_support::traits::ConstU32<MAX_TEXT>> {
	bytes
		.to_vec()
		.try_into()
		.expect("tests send at most MAX_TEXT bytes")
}

fn escrow(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::VerdictsPallet(HoldReason::Escrow), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

/// Runs `test` in fresh externalities with `n` attesters and checks the invariants afterwards.
fn with_attesters(n: u32, test: impl FnOnce()) {
	new_test_ext(n).execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		VerdictsPallet::do_try_state().expect("invariants hold");
		assert_eq!(
			Balances::total_issuance(),
			issuance,
			"the pallet changed total issuance"
		);
	});
}

fn last_finalized() -> Option<(CaseId, Outcome, Option<u8>)> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::VerdictsPallet(Event::CaseFinalized {
				case_id,
				outcome,
				reason,
				..
			}) => Some((case_id, outcome, reason)),
			_ => None,
		})
}

/// Opens a transfer case of 100 from user 1 to user 2 and returns its id.
fn open_transfer() -> CaseId {
	let id = NextCaseId::<Test>::get();
	assert_ok!(VerdictsPallet::screen_transfer(
		RuntimeOrigin::signed(1),
		2,
		100,
		text(b"rent for May")
	));
	id
}

// ---- screen_transfer / submit_record -------------------------------------------------------

#[test]
fn screen_transfer_holds_the_amount_and_opens_a_case() {
	with_attesters(3, || {
		let id = open_transfer();
		assert_eq!(id, 0);
		assert_eq!(escrow(1), 100);
		assert_eq!(free(1), START_BALANCE - 100);
		let case = VerdictsPallet::case(id).unwrap();
		assert_eq!(
			case.kind,
			CaseKind::Transfer {
				dest: 2,
				amount: 100
			}
		);
		assert_eq!(case.text.to_vec(), b"rent for May".to_vec());
		assert_eq!(case.deadline, 1 + VOTING_PERIOD);
		assert_eq!(VerdictsPallet::case_status(id), Some(CaseStatus::Pending));
		System::assert_last_event(
			Event::CaseSubmitted {
				case_id: 0,
				submitter: 1,
				amount: 100,
				deadline: 11,
			}
			.into(),
		);
	});
}

#[test]
fn submit_record_opens_a_case_without_funds() {
	with_attesters(3, || {
		assert_ok!(VerdictsPallet::submit_record(
			RuntimeOrigin::signed(3),
			text(b"lot 7 received")
		));
		let case = VerdictsPallet::case(0).unwrap();
		assert_eq!(case.kind, CaseKind::Record);
		assert_eq!(escrow(3), 0);
		assert_eq!(free(3), START_BALANCE);
	});
}

#[test]
fn bad_text_is_refused_and_changes_nothing() {
	with_attesters(3, || {
		for (bytes, error) in [
			(vec![], Error::<Test>::EmptyText),
			(vec![0xff, 0xfe], Error::<Test>::InvalidUtf8),
		] {
			let error = sp_runtime::DispatchError::from(error);
			assert_noop!(
				VerdictsPallet::screen_transfer(RuntimeOrigin::signed(1), 2, 100, text(&bytes)),
				error
			);
			assert_noop!(
				VerdictsPallet::submit_record(RuntimeOrigin::signed(1), text(&bytes)),
				error
			);
		}
		// Exactly MaxTextLen bytes is fine (a longer text does not decode: see
		// `oversized_input_is_refused_at_decoding`).
		assert_ok!(VerdictsPallet::submit_record(
			RuntimeOrigin::signed(1),
			text(&[b'a'; MAX_TEXT as usize])
		));
	});
}

#[test]
fn bad_transfers_are_refused() {
	with_attesters(3, || {
		let memo = || text(b"memo");
		assert_noop!(
			VerdictsPallet::screen_transfer(RuntimeOrigin::signed(1), 2, ED - 1, memo()),
			Error::<Test>::AmountTooLow
		);
		assert_noop!(
			VerdictsPallet::screen_transfer(RuntimeOrigin::signed(1), 1, 100, memo()),
			Error::<Test>::SelfTransfer
		);
		assert_noop!(
			VerdictsPallet::screen_transfer(RuntimeOrigin::signed(1), 2, START_BALANCE + 1, memo()),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			VerdictsPallet::screen_transfer(RuntimeOrigin::none(), 2, 100, memo()),
			BadOrigin
		);
	});
}

#[test]
fn case_bounds_are_enforced() {
	with_attesters(3, || {
		for _ in 0..MAX_PER_BLOCK {
			assert_ok!(VerdictsPallet::submit_record(
				RuntimeOrigin::signed(1),
				text(b"x")
			));
		}
		assert_noop!(
			VerdictsPallet::submit_record(RuntimeOrigin::signed(1), text(b"x")),
			Error::<Test>::BlockFull
		);
		let mut opened = MAX_PER_BLOCK;
		while opened < MAX_PENDING {
			run_to_block(System::block_number() + 1);
			for _ in 0..MAX_PER_BLOCK.min(MAX_PENDING - opened) {
				assert_ok!(VerdictsPallet::submit_record(
					RuntimeOrigin::signed(1),
					text(b"x")
				));
				opened += 1;
			}
		}
		run_to_block(System::block_number() + 1);
		assert_noop!(
			VerdictsPallet::submit_record(RuntimeOrigin::signed(1), text(b"x")),
			Error::<Test>::TooManyPendingCases
		);
	});
}

// ---- set_model ----------------------------------------------------------------------------

#[test]
fn set_model_is_root_only_and_checked() {
	with_attesters(1, || {
		assert_noop!(
			VerdictsPallet::set_model(RuntimeOrigin::signed(1), model()),
			BadOrigin
		);
		let mut bad = model();
		bad.threshold = MAX_SCORE + 1;
		assert_noop!(
			VerdictsPallet::set_model(RuntimeOrigin::root(), bad),
			Error::<Test>::InvalidModel
		);
		activate_model();
		assert_eq!(ActiveModel::<Test>::get(), Some(model()));
		System::assert_last_event(
			Event::ModelSet {
				hash: MODEL_HASH,
				version: 1,
			}
			.into(),
		);
	});
}

// ---- attest_batch refusals --------------------------------------------------------------------

#[test]
fn batch_level_refusals_change_nothing() {
	with_attesters(3, || {
		let id = open_transfer();
		assert_noop!(
			attest(attester(0), vec![vote(id, Choice::Approve)]),
			Error::<Test>::NoActiveModel
		);
		activate_model();
		assert_noop!(
			attest(1, vec![vote(id, Choice::Approve)]),
			Error::<Test>::NotAttester
		);
		assert_noop!(
			VerdictsPallet::attest_batch(
				RuntimeOrigin::signed(attester(0)),
				batch(vec![vote(id, Choice::Approve)]),
				[9; 32]
			),
			Error::<Test>::ModelMismatch
		);
		assert_noop!(attest(attester(0), vec![]), Error::<Test>::EmptyBatch);
	});
}

#[test]
fn a_fully_counted_batch_is_free_and_a_partly_counted_one_pays() {
	with_attesters(4, || {
		activate_model();
		let a = open_transfer();
		let b = open_transfer();
		let ok = attest(
			attester(0),
			vec![vote(a, Choice::Approve), vote(b, Choice::Reject)],
		)
		.unwrap();
		assert_eq!(ok.pays_fee, Pays::No);

		let mut bad_score = vote(b, Choice::Reject);
		bad_score.score = MAX_SCORE + 1;
		let partly = attest(
			attester(0),
			vec![
				vote(a, Choice::Approve),
				vote(99, Choice::Approve),
				bad_score,
			],
		)
		.unwrap();
		assert_eq!(partly.pays_fee, Pays::Yes);
		let skipped: Vec<SkipReason> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::VerdictsPallet(Event::VoteSkipped { reason, .. }) => Some(reason),
				_ => None,
			})
			.collect();
		assert_eq!(
			skipped,
			vec![
				SkipReason::DuplicateVote,
				SkipReason::UnknownCase,
				SkipReason::InvalidScore
			]
		);
		// The skipped votes changed nothing: one vote on each case.
		assert_eq!(VerdictsPallet::case(a).unwrap().tally.cast(), 1);
		assert_eq!(VerdictsPallet::case(b).unwrap().tally.cast(), 1);
	});
}

#[test]
fn a_vote_on_a_closed_case_is_skipped() {
	with_attesters(1, || {
		activate_model();
		let id = open_transfer();
		assert_ok!(attest(attester(0), vec![vote(id, Choice::Approve)]));
		assert_eq!(
			VerdictsPallet::case_status(id),
			Some(CaseStatus::Final(Outcome::Approve))
		);
		// The same attester again: a repeated vote, charged.
		let post = attest(attester(0), vec![vote(id, Choice::Approve)]).unwrap();
		assert_eq!(post.pays_fee, Pays::Yes);
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::VerdictsPallet(Event::VoteSkipped {
				case_id: id,
				attester: attester(0),
				reason: SkipReason::DuplicateVote,
			})));
	});
}

// ---- finalization paths -------------------------------------------------------------------

const SIZES: [u32; 4] = [1, 3, 4, 7];

/// Votes `choices` in order, attester `i` casting `choices[i]`.
fn cast(id: CaseId, choices: &[Choice]) {
	for (i, choice) in choices.iter().enumerate() {
		if VerdictsPallet::case_status(id) != Some(CaseStatus::Pending) {
			return;
		}
		assert_ok!(attest(attester(i as u32), vec![vote(id, *choice)]));
	}
}

#[test]
fn approve_pays_the_destination() {
	for n in SIZES {
		with_attesters(n, || {
			activate_model();
			let id = open_transfer();
			let needed = supermajority(n) as usize;
			cast(id, &vec![Choice::Approve; needed - 1]);
			assert_eq!(
				VerdictsPallet::case_status(id),
				Some(CaseStatus::Pending),
				"n = {n}"
			);
			cast(id, &vec![Choice::Approve; needed]);
			assert_eq!(
				last_finalized(),
				Some((id, Outcome::Approve, Some(0))),
				"n = {n}"
			);
			assert_eq!(escrow(1), 0);
			assert_eq!(free(1), START_BALANCE - 100);
			assert_eq!(free(2), START_BALANCE + 100);
			assert!(
				VerdictsPallet::case(id).is_none(),
				"the case and its ballots are gone"
			);
			let verdict = Verdicts::<Test>::get(id).unwrap();
			assert_eq!(verdict.outcome, Outcome::Approve);
			assert_eq!(verdict.settlement, Settlement::Paid);
			assert_eq!(verdict.tally.approve as usize, needed);
			assert_eq!(verdict.model_hash, Some(MODEL_HASH));
			for i in 0..n {
				let record = AttesterRecords::<Test>::get(attester(i));
				if (i as usize) < needed {
					assert_eq!(record.agreed, 1);
				} else {
					assert_eq!(record.missed, 1);
				}
			}
		});
	}
}

#[test]
fn reject_returns_the_funds() {
	for n in SIZES {
		with_attesters(n, || {
			activate_model();
			let id = open_transfer();
			cast(id, &vec![Choice::Reject; supermajority(n) as usize]);
			assert_eq!(
				last_finalized(),
				Some((id, Outcome::Reject, Some(1))),
				"n = {n}"
			);
			assert_eq!(escrow(1), 0);
			assert_eq!(free(1), START_BALANCE);
			assert_eq!(free(2), START_BALANCE);
		});
	}
}

#[test]
fn undecided_as_soon_as_no_side_can_win() {
	for n in [3u32, 4, 7] {
		with_attesters(n, || {
			activate_model();
			let id = open_transfer();
			// Alternate sides until neither can reach the supermajority.
			let choices: Vec<Choice> = (0..n)
				.map(|i| {
					if i % 2 == 0 {
						Choice::Approve
					} else {
						Choice::Reject
					}
				})
				.collect();
			cast(id, &choices);
			let (case_id, outcome, reason) = last_finalized().expect("finalized early");
			assert_eq!(
				(case_id, outcome, reason),
				(id, Outcome::Undecided, None),
				"n = {n}"
			);
			if n != 4 {
				// With 3 or 7 attesters it closes before the last one has voted.
				assert!(
					Verdicts::<Test>::get(id).unwrap().tally.cast() < n,
					"n = {n}"
				);
			}
			assert_eq!(free(1), START_BALANCE);
			assert_eq!(free(2), START_BALANCE);
		});
	}
}

#[test]
fn abstentions_count_as_participation_only() {
	with_attesters(4, || {
		activate_model();
		let id = open_transfer();
		// Two abstain: the other two cannot reach 3 of 4.
		cast(id, &[Choice::Abstain, Choice::Abstain]);
		assert_eq!(last_finalized(), Some((id, Outcome::Undecided, None)));
		assert_eq!(AttesterRecords::<Test>::get(attester(0)).abstained, 1);
		assert_eq!(AttesterRecords::<Test>::get(attester(2)).missed, 1);
	});
}

#[test]
fn deadline_makes_a_case_undecided() {
	for n in SIZES {
		with_attesters(n, || {
			activate_model();
			let id = open_transfer();
			let record = VerdictsPallet::submit_record(RuntimeOrigin::signed(3), text(b"ballot"));
			assert_ok!(record);
			if n > 1 {
				cast(id, &[Choice::Approve]);
			}
			run_to_block(VOTING_PERIOD);
			assert_eq!(VerdictsPallet::case_status(id), Some(CaseStatus::Pending));
			run_to_block(1 + VOTING_PERIOD);
			assert_eq!(
				VerdictsPallet::case_status(id),
				Some(CaseStatus::Final(Outcome::Undecided))
			);
			assert_eq!(
				VerdictsPallet::case_status(id + 1),
				Some(CaseStatus::Final(Outcome::Undecided))
			);
			assert!(Deadlines::<Test>::get(1 + VOTING_PERIOD).is_empty());
			assert_eq!(free(1), START_BALANCE);
			assert_eq!(escrow(1), 0);
			assert_eq!(
				AttesterRecords::<Test>::get(attester(n - 1)).missed,
				2,
				"n = {n}"
			);
		});
	}
}

#[test]
fn a_byzantine_minority_never_changes_the_outcome() {
	for n in SIZES {
		let faulty = (n - 1) / 3;
		for honest in [Choice::Approve, Choice::Reject] {
			let other = if honest == Choice::Approve {
				Choice::Reject
			} else {
				Choice::Approve
			};
			// Faulty attesters vote first, last, or not at all.
			for faulty_first in [true, false] {
				with_attesters(n, || {
					activate_model();
					let id = open_transfer();
					let mut choices = vec![honest; (n - faulty) as usize];
					let wrong = vec![other; faulty as usize];
					if faulty_first {
						choices.splice(0..0, wrong);
					} else {
						choices.extend(wrong);
					}
					cast(id, &choices);
					let expected = if honest == Choice::Approve {
						Outcome::Approve
					} else {
						Outcome::Reject
					};
					assert_eq!(
						VerdictsPallet::case_status(id),
						Some(CaseStatus::Final(expected)),
						"n = {n}, faulty = {faulty}, first = {faulty_first}"
					);
				});
			}
		}
	}
}

#[test]
fn one_set_decides_a_case_from_its_first_vote_to_its_deadline() {
	with_attesters(4, || {
		activate_model();
		// {A, B, C, D} (3 needed): A and B approve.
		let id = open_transfer();
		cast(id, &[Choice::Approve, Choice::Approve]);
		// The set shrinks to {C}: C rejects. Under the case's own set, approval is still
		// reachable (D has not voted): no verdict, and certainly no Approve.
		AttesterList::set(vec![attester(2)]);
		assert_ok!(attest(attester(2), vec![vote(id, Choice::Reject)]));
		assert_eq!(VerdictsPallet::case_status(id), Some(CaseStatus::Pending));
		// A newcomer is not a member of the case's set: its vote is skipped (and charged).
		AttesterList::set(vec![attester(2), attester(9)]);
		let post = attest(attester(9), vec![vote(id, Choice::Reject)]).unwrap();
		assert_eq!(post.pays_fee, Pays::Yes);
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::VerdictsPallet(Event::VoteSkipped {
				case_id: id,
				attester: attester(9),
				reason: SkipReason::NotInCaseSet,
			})));
		// At the deadline the case's set has no supermajority: Undecided, funds back.
		run_to_block(1 + VOTING_PERIOD);
		assert_eq!(
			VerdictsPallet::case_status(id),
			Some(CaseStatus::Final(Outcome::Undecided))
		);
		assert_eq!(free(1), START_BALANCE);
		// A case opened under {C, 9} is decided by that set: 2 of 2.
		let next = open_transfer();
		assert_ok!(attest(attester(2), vec![vote(next, Choice::Reject)]));
		assert_eq!(VerdictsPallet::case_status(next), Some(CaseStatus::Pending));
		assert_ok!(attest(attester(9), vec![vote(next, Choice::Reject)]));
		assert_eq!(
			VerdictsPallet::case_status(next),
			Some(CaseStatus::Final(Outcome::Reject))
		);
	});
}

#[test]
fn a_member_who_left_can_still_finish_its_sets_cases() {
	with_attesters(4, || {
		activate_model();
		let id = open_transfer();
		cast(id, &[Choice::Approve, Choice::Approve]);
		// D leaves the validator set; its vote still counts on the case of its set.
		AttesterList::set(vec![attester(0), attester(1), attester(2)]);
		assert_ok!(attest(attester(3), vec![vote(id, Choice::Approve)]));
		assert_eq!(
			VerdictsPallet::case_status(id),
			Some(CaseStatus::Final(Outcome::Approve))
		);
		assert_eq!(AttesterRecords::<Test>::get(attester(3)).agreed, 1);
		assert_eq!(AttesterRecords::<Test>::get(attester(2)).missed, 1);
	});
}

#[test]
fn honest_late_votes_are_free_and_recorded_as_late() {
	with_attesters(4, || {
		activate_model();
		let id = open_transfer();
		cast(id, &[Choice::Approve; 3]);
		assert_eq!(
			VerdictsPallet::case_status(id),
			Some(CaseStatus::Final(Outcome::Approve))
		);
		assert_eq!(AttesterRecords::<Test>::get(attester(3)).missed, 1);
		// The fourth honest vote, classified while the case was open, arrives after the verdict.
		let post = attest(attester(3), vec![vote(id, Choice::Approve)]).unwrap();
		assert_eq!(post.pays_fee, Pays::No, "an honest late vote is free");
		let record = AttesterRecords::<Test>::get(attester(3));
		assert_eq!((record.late, record.missed, record.agreed), (1, 0, 0));
		assert_eq!(Verdicts::<Test>::get(id).unwrap().late, 1);
		System::assert_has_event(
			Event::VotesCounted {
				attester: attester(3),
				counted: 0,
				late: 1,
				skipped: 0,
			}
			.into(),
		);
		// Twice is a repeat: charged, and recorded once.
		let again = attest(attester(3), vec![vote(id, Choice::Approve)]).unwrap();
		assert_eq!(again.pays_fee, Pays::Yes);
		assert_eq!(AttesterRecords::<Test>::get(attester(3)).late, 1);
		// The outcome and the tally did not change.
		let verdict = Verdicts::<Test>::get(id).unwrap();
		assert_eq!(
			(verdict.outcome, verdict.tally.approve),
			(Outcome::Approve, 3)
		);
	});
}

#[test]
fn a_failed_payout_is_recorded_as_such() {
	new_test_ext(1).execute_with(|| {
		activate_model();
		let id = open_transfer();
		// Something outside the pallet takes part of the hold: paying exactly 100 fails.
		let reason = RuntimeHoldReason::VerdictsPallet(HoldReason::Escrow);
		assert_ok!(<Balances as frame_support::traits::fungible::MutateHold<
			_,
		>>::burn_held(
			&reason,
			&1,
			40,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Fortitude::Force,
		));
		assert_ok!(attest(attester(0), vec![vote(id, Choice::Approve)]));
		let verdict = Verdicts::<Test>::get(id).unwrap();
		assert_eq!(verdict.outcome, Outcome::Approve);
		assert_eq!(verdict.settlement, Settlement::PayoutFailed);
		System::assert_has_event(
			Event::CaseFinalized {
				case_id: id,
				outcome: Outcome::Approve,
				settlement: Settlement::PayoutFailed,
				approve: 1,
				reject: 0,
				abstain: 0,
				reason: Some(0),
			}
			.into(),
		);
		// What was left of the hold went back to the sender; the destination got nothing.
		assert_eq!(escrow(1), 0);
		assert_eq!(free(1), START_BALANCE - 40);
		assert_eq!(free(2), START_BALANCE);
		VerdictsPallet::do_try_state().expect("invariants hold");
	});
}

#[test]
fn oversized_input_is_refused_at_decoding() {
	use codec::{Decode, Encode};
	let pallet = <VerdictsPallet as frame_support::traits::PalletInfoAccess>::index() as u8;
	// submit_record (call 1) with MaxTextLen + 1 bytes, and with MaxTextLen.
	let record = |len: usize| (pallet, 1u8, vec![b'a'; len]).encode();
	assert!(RuntimeCall::decode(&mut &record(MAX_TEXT as usize + 1)[..]).is_err());
	assert!(RuntimeCall::decode(&mut &record(MAX_TEXT as usize)[..]).is_ok());
	// attest_batch (call 2) with MaxVotesPerBatch + 1 votes, and with MaxVotesPerBatch.
	let votes = |n: usize| (pallet, 2u8, vec![vote(0, Choice::Approve); n], MODEL_HASH).encode();
	assert!(RuntimeCall::decode(&mut &votes(MAX_BATCH as usize + 1)[..]).is_err());
	assert!(RuntimeCall::decode(&mut &votes(MAX_BATCH as usize)[..]).is_ok());
}

#[test]
fn records_of_members_who_left_are_pruned_with_their_set() {
	with_attesters(2, || {
		activate_model();
		let id = open_transfer();
		cast(id, &[Choice::Approve, Choice::Approve]);
		assert_eq!(AttesterRecords::<Test>::get(attester(1)).agreed, 1);
		// Attester 1 leaves; its set retires once no case needs it and VotingPeriod passed.
		AttesterList::set(vec![attester(0)]);
		run_to_block(2);
		assert_eq!(CurrentSet::<Test>::get(), 1);
		run_to_block(2 + VOTING_PERIOD);
		assert!(
			AttesterSets::<Test>::get(0).is_none(),
			"the old set is retired"
		);
		assert_eq!(OldestSet::<Test>::get(), 1);
		assert!(
			!AttesterRecords::<Test>::contains_key(attester(1)),
			"pruned"
		);
		assert_eq!(
			AttesterRecords::<Test>::get(attester(0)).agreed,
			1,
			"kept: still a member"
		);
	});
}

#[test]
fn live_sets_are_bounded_and_new_cases_wait_for_room() {
	with_attesters(1, || {
		activate_model();
		// Each new set gets a pending case, so none can retire.
		for i in 1..=MAX_LIVE_SETS {
			open_transfer();
			AttesterList::set(vec![attester(i)]);
			let (set, _) = VerdictsPallet::current_set();
			assert_eq!(set, i.min(MAX_LIVE_SETS - 1), "round {i}");
		}
		// MAX_LIVE_SETS are live: the change waits, new cases keep the newest set.
		let id = open_transfer();
		assert_eq!(VerdictsPallet::case(id).unwrap().set, MAX_LIVE_SETS - 1);
		assert_eq!(
			CurrentSet::<Test>::get() + 1 - OldestSet::<Test>::get(),
			MAX_LIVE_SETS
		);
	});
}

#[test]
fn the_verdict_reason_is_the_winning_sides_most_common() {
	with_attesters(7, || {
		activate_model();
		let id = open_transfer();
		let reasons = [2u8, 1, 2, 1, 2];
		for (i, reason) in reasons.iter().enumerate() {
			let mut v = vote(id, Choice::Reject);
			v.reason = *reason;
			assert_ok!(attest(attester(i as u32), vec![v]));
		}
		assert_eq!(last_finalized(), Some((id, Outcome::Reject, Some(2))));
	});
}

#[test]
fn old_verdicts_are_pruned_beyond_max_verdicts() {
	with_attesters(1, || {
		VerdictCapacity::set(3);
		activate_model();
		let mut ids = vec![];
		for block in 0..5u64 {
			run_to_block(1 + block);
			let id = open_transfer();
			assert_ok!(attest(attester(0), vec![vote(id, Choice::Approve)]));
			ids.push(id);
		}
		assert_eq!(Verdicts::<Test>::iter_keys().count(), 3);
		assert_eq!(VerdictsPallet::case_status(ids[0]), None);
		assert_eq!(VerdictsPallet::case_status(ids[1]), None);
		assert_eq!(
			VerdictsPallet::case_status(ids[4]),
			Some(CaseStatus::Final(Outcome::Approve))
		);
	});
}

#[test]
fn pending_cases_lists_what_an_attester_has_yet_to_vote_on() {
	with_attesters(3, || {
		activate_model();
		let a = open_transfer();
		let b = open_transfer();
		let c = open_transfer();
		assert_ok!(attest(attester(0), vec![vote(b, Choice::Approve)]));
		let ids = |list: Vec<CaseOf<Test>>| list.into_iter().map(|c| c.id).collect::<Vec<_>>();
		assert_eq!(
			ids(VerdictsPallet::pending_cases(0, 10, Some(&attester(0)))),
			vec![a, c]
		);
		assert_eq!(
			ids(VerdictsPallet::pending_cases(0, 10, None)),
			vec![a, b, c]
		);
		assert_eq!(ids(VerdictsPallet::pending_cases(1, 1, None)), vec![b]);
	});
}

#[test]
fn several_cases_per_sender_each_keep_their_own_escrow() {
	with_attesters(1, || {
		activate_model();
		let a = open_transfer();
		let b = open_transfer();
		assert_eq!(escrow(1), 200);
		assert_ok!(attest(
			attester(0),
			vec![vote(a, Choice::Reject), vote(b, Choice::Approve)]
		));
		assert_eq!(escrow(1), 0);
		assert_eq!(free(1), START_BALANCE - 100);
		assert_eq!(free(2), START_BALANCE + 100);
	});
}

#[test]
fn the_v1_migration_ends_v0_cases_undecided_and_returns_their_escrow() {
	use crate::migrations::{v0, MigrateToV1};
	use frame_support::traits::{
		fungible::MutateHold, GetStorageVersion, OnRuntimeUpgrade, StorageVersion,
	};
	new_test_ext(2).execute_with(|| {
		let issuance = Balances::total_issuance();
		StorageVersion::new(0).put::<VerdictsPallet>();
		// A v0 chain: a pending transfer with its escrow, a pending record, a vote.
		let reason = RuntimeHoldReason::VerdictsPallet(HoldReason::Escrow);
		assert_ok!(Balances::hold(&reason, &1, 100));
		let case = |id, kind| v0::Case {
			id,
			submitter: 1,
			kind,
			text: BoundedVec::truncate_from(b"rent".to_vec()),
			submitted_at: 1,
			deadline: 11,
			tally: Tally::default(),
		};
		v0::Cases::<Test>::insert(
			0,
			case(
				0,
				CaseKind::Transfer {
					dest: 2,
					amount: 100,
				},
			),
		);
		v0::Cases::<Test>::insert(1, case(1, CaseKind::Record));
		v0::Votes::<Test>::insert(0, attester(0), ());
		v0::VerdictCount::<Test>::put(7);
		NextCaseId::<Test>::put(2);

		MigrateToV1::<Test>::on_runtime_upgrade();

		assert_eq!(VerdictsPallet::on_chain_storage_version(), 1);
		assert_eq!(v0::Cases::<Test>::count(), 0);
		assert_eq!(v0::Votes::<Test>::iter().count(), 0);
		assert_eq!(v0::VerdictCount::<Test>::get(), 0);
		assert_eq!(escrow(1), 0, "the escrow went back");
		assert_eq!(free(1), START_BALANCE);
		assert_eq!(Balances::total_issuance(), issuance);
		VerdictsPallet::do_try_state().expect("invariants hold after the migration");
		// The chain goes on: new cases open and are decided under v1.
		activate_model();
		let id = open_transfer();
		assert_eq!(id, 2);
		cast(id, &[Choice::Approve, Choice::Approve]);
		assert_eq!(
			VerdictsPallet::case_status(id),
			Some(CaseStatus::Final(Outcome::Approve))
		);
		// Run again: nothing happens (the version is 1).
		MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(
			VerdictsPallet::case_status(id),
			Some(CaseStatus::Final(Outcome::Approve))
		);
	});
}
