//! Random call sequences, with the pallet's invariants checked after every step.

use super::*;
use proptest::prelude::*;

/// One step of a random scenario.
#[derive(Clone, Debug)]
enum Step {
	Screen {
		from: usize,
		to: usize,
		amount: Balance,
		len: usize,
	},
	Record {
		from: usize,
		len: usize,
	},
	Attest {
		attester: u32,
		votes: Vec<(u64, u8, u16)>,
	},
	SetAttesters(u32),
	SetModel(bool),
	Advance(u64),
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		4 => (0..USERS.len(), 0..USERS.len(), 0..(START_BALANCE / 2), 0..(MAX_TEXT as usize + 4))
			.prop_map(|(from, to, amount, len)| Step::Screen { from, to, amount, len }),
		1 => (0..USERS.len(), 0..(MAX_TEXT as usize + 4))
			.prop_map(|(from, len)| Step::Record { from, len }),
		6 => (0..(MAX_ATTESTERS + 2), prop::collection::vec((0u64..12, 0u8..3, 0u16..10_100), 0..(MAX_BATCH as usize + 2)))
			.prop_map(|(attester, votes)| Step::Attest { attester, votes }),
		1 => (0..8u32).prop_map(Step::SetAttesters),
		1 => any::<bool>().prop_map(Step::SetModel),
		2 => (1..6u64).prop_map(Step::Advance),
	]
}

fn apply(step: &Step) {
	let choice = |c: u8| match c {
		0 => Choice::Approve,
		1 => Choice::Reject,
		_ => Choice::Abstain,
	};
	// Results are ignored on purpose: refusals are part of the scenario; the invariants are
	// what is checked.
	let _ = match step {
		Step::Screen {
			from,
			to,
			amount,
			len,
		} => VerdictsPallet::screen_transfer(
			RuntimeOrigin::signed(USERS[*from]),
			USERS[*to],
			*amount,
			vec![b'm'; *len],
		)
		.map(|_| ()),
		Step::Record { from, len } => {
			VerdictsPallet::submit_record(RuntimeOrigin::signed(USERS[*from]), vec![b'r'; *len])
		},
		Step::Attest {
			attester: who,
			votes,
		} => {
			let base = NextCaseId::<Test>::get().saturating_sub(8);
			let votes = votes
				.iter()
				.map(|(offset, c, score)| Vote {
					case_id: base + offset,
					choice: choice(*c),
					score: *score,
					reason: *c,
				})
				.collect();
			attest(attester(*who), votes)
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Step::SetAttesters(n) => {
			AttesterList::set((0..*n).map(attester).collect());
			Ok(())
		},
		Step::SetModel(ours) => {
			let mut m = model();
			if !ours {
				m.hash = [1; 32];
			}
			VerdictsPallet::set_model(RuntimeOrigin::root(), m)
		},
		Step::Advance(blocks) => {
			run_to_block(System::block_number() + blocks);
			Ok(())
		},
	};
}

fn check_invariants(issuance: Balance) -> Result<(), TestCaseError> {
	let accounts: Vec<AccountId> = USERS
		.iter()
		.copied()
		.chain((0..MAX_ATTESTERS).map(attester))
		.collect();
	let held: Balance = accounts.iter().map(|a| escrow(*a)).sum();
	let pending_amounts: Balance = Cases::<Test>::iter_values()
		.map(|case| match case.kind {
			CaseKind::Transfer { amount, .. } => amount,
			CaseKind::Record => 0,
		})
		.sum();
	prop_assert_eq!(
		held,
		pending_amounts,
		"held total differs from pending transfers"
	);
	prop_assert_eq!(
		Balances::total_issuance(),
		issuance,
		"total issuance changed"
	);
	let total: Balance = accounts.iter().map(|a| free(*a) + escrow(*a)).sum();
	prop_assert_eq!(total, issuance, "funds appeared or vanished");
	for case in Cases::<Test>::iter_values() {
		prop_assert!(
			!Verdicts::<Test>::contains_key(case.id),
			"case both pending and final"
		);
		prop_assert!(
			case.tally.cast() <= MAX_ATTESTERS,
			"too many votes on a case"
		);
	}
	prop_assert!(Cases::<Test>::count() <= MAX_PENDING);
	prop_assert!(Verdicts::<Test>::iter_keys().count() as u32 <= VerdictCapacity::get());
	VerdictsPallet::do_try_state().map_err(|e| TestCaseError::fail(format!("try_state: {e:?}")))?;
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

	#[test]
	fn invariants_hold_after_every_step(
		attesters in 1u32..8,
		capacity in 1u32..20,
		steps in prop::collection::vec(step(), 1..40),
	) {
		new_test_ext(attesters).execute_with(|| {
			VerdictCapacity::set(capacity);
			activate_model();
			let issuance = Balances::total_issuance();
			for step in &steps {
				apply(step);
				check_invariants(issuance)?;
			}
			Ok::<(), TestCaseError>(())
		})?;
	}
}
