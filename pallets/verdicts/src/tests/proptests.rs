//! The pallet against a reference model: plain Rust maps and loops that state the rules of
//! cases, votes, attester sets, deadlines and balances without FRAME. Random call sequences run
//! on both; after every step the call's result (`Ok` or the exact error, and who pays), every
//! case's status, tally and verdict, every balance and escrow hold, every attester record and the
//! live attester sets must agree, and the pallet's `try_state` invariants must hold.

use super::*;
use frame_support::dispatch::Pays;
use proptest::prelude::*;
use std::collections::BTreeMap;

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
	/// The first `voters` attesters the runtime names each send one vote on the same case (an
	/// honest network, mostly agreeing).
	Quorum {
		case: u64,
		choice: u8,
		voters: u32,
	},
	/// The runtime's attesters become these (duplicates and more than `MaxAttesters` allowed).
	SetAttesters(Vec<u32>),
	SetModel(bool),
	Advance(u64),
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		4 => (0..USERS.len(), 0..USERS.len(), 0..(START_BALANCE / 2), 0..(MAX_TEXT as usize))
			.prop_map(|(from, to, amount, len)| Step::Screen { from, to, amount, len }),
		1 => (0..USERS.len(), 0..(MAX_TEXT as usize))
			.prop_map(|(from, len)| Step::Record { from, len }),
		8 => (0..(MAX_ATTESTERS + 2), prop::collection::vec((0u64..12, 0u8..3, 0u16..10_100), 0..(MAX_BATCH as usize)))
			.prop_map(|(attester, votes)| Step::Attest { attester, votes }),
		4 => (0u64..10, prop_oneof![3 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)], 0..(MAX_ATTESTERS + 1))
			.prop_map(|(case, choice, voters)| Step::Quorum { case, choice, voters }),
		1 => prop::collection::vec(0..(MAX_ATTESTERS + 2), 0..(MAX_ATTESTERS as usize + 2))
			.prop_map(Step::SetAttesters),
		1 => any::<bool>().prop_map(Step::SetModel),
		2 => (1..6u64).prop_map(Step::Advance),
	]
}

// ---- the reference model ------------------------------------------------------------------

#[derive(Clone, Debug)]
struct MCase {
	submitter: AccountId,
	transfer: Option<(AccountId, Balance)>,
	set: u32,
	/// (member, choice, reason), in arrival order.
	ballots: Vec<(usize, Choice, u8)>,
	model_hash: Option<[u8; 32]>,
}

#[derive(Clone, Debug, PartialEq)]
struct MVerdict {
	outcome: Outcome,
	settlement: Settlement,
	approve: u32,
	reject: u32,
	abstain: u32,
	late: u32,
	reason: Option<u8>,
	set: u32,
	voters: Vec<usize>,
	model_hash: Option<[u8; 32]>,
}

#[derive(Clone, Debug)]
struct MSet {
	members: Vec<AccountId>,
	open: u32,
	retired_at: Option<u64>,
}

#[derive(Debug)]
enum Refusal {
	Call(Error<Test>),
}

/// What the pallet should do, stated plainly.
struct Model {
	now: u64,
	named: Vec<AccountId>,
	model: Option<[u8; 32]>,
	free: BTreeMap<AccountId, Balance>,
	held: BTreeMap<AccountId, Balance>,
	next_id: u64,
	cases: BTreeMap<u64, MCase>,
	deadlines: BTreeMap<u64, Vec<u64>>,
	verdicts: BTreeMap<u64, MVerdict>,
	records: BTreeMap<AccountId, AttesterRecord>,
	sets: BTreeMap<u32, MSet>,
	current: u32,
	oldest: u32,
	capacity: u32,
	seen: Coverage,
}

/// What a scenario exercised (for the coverage test).
#[derive(Default, Debug, Clone, Copy)]
struct Coverage {
	approved: u32,
	rejected: u32,
	undecided_early: u32,
	undecided_at_deadline: u32,
	decided_at_deadline: u32,
	late_votes: u32,
	skipped_votes: u32,
	rotations: u32,
	deferred_rotations: u32,
	retired_sets: u32,
	full_set_verdicts: u32,
	refused_calls: u32,
}

fn sm(n: usize) -> usize {
	if n == 0 {
		0
	} else {
		n - (n - 1) / 3
	}
}

impl Model {
	fn new(named: Vec<AccountId>, accounts: &[AccountId], capacity: u32) -> Self {
		Self {
			now: 1,
			named,
			model: Some(MODEL_HASH),
			free: accounts.iter().map(|a| (*a, START_BALANCE)).collect(),
			held: BTreeMap::new(),
			next_id: 0,
			cases: BTreeMap::new(),
			deadlines: BTreeMap::new(),
			verdicts: BTreeMap::new(),
			records: BTreeMap::new(),
			sets: BTreeMap::new(),
			current: 0,
			oldest: 0,
			capacity,
			seen: Coverage::default(),
		}
	}

	fn named_now(&self) -> Vec<AccountId> {
		let mut out: Vec<AccountId> = Vec::new();
		for a in &self.named {
			if !out.contains(a) && out.len() < MAX_ATTESTERS as usize {
				out.push(*a);
			}
		}
		out
	}

	/// The set new cases get, after a snapshot if the attesters changed and there is room.
	fn refresh_set(&mut self) -> u32 {
		let named = self.named_now();
		if self.sets.is_empty() && self.current == 0 && self.oldest == 0 {
			self.sets.insert(
				0,
				MSet {
					members: named,
					open: 0,
					retired_at: None,
				},
			);
			return 0;
		}
		if self.sets[&self.current].members == named {
			return self.current;
		}
		self.prune();
		if self.current - self.oldest + 1 >= MAX_LIVE_SETS {
			self.seen.deferred_rotations += 1;
			return self.current;
		}
		self.seen.rotations += 1;
		self.sets.get_mut(&self.current).unwrap().retired_at = Some(self.now);
		self.current += 1;
		self.sets.insert(
			self.current,
			MSet {
				members: named,
				open: 0,
				retired_at: None,
			},
		);
		self.current
	}

	fn prune(&mut self) {
		while self.oldest < self.current {
			let Some(set) = self.sets.get(&self.oldest) else {
				self.oldest += 1;
				continue;
			};
			let done = set.open == 0
				&& set
					.retired_at
					.is_some_and(|at| at + VOTING_PERIOD <= self.now);
			if !done {
				break;
			}
			let set = self.sets.remove(&self.oldest).unwrap();
			self.seen.retired_sets += 1;
			for m in set.members {
				if !self.sets.values().any(|s| s.members.contains(&m)) {
					self.records.remove(&m);
				}
			}
			self.oldest += 1;
		}
	}

	fn open(
		&mut self,
		who: AccountId,
		transfer: Option<(AccountId, Balance)>,
		text: &[u8],
	) -> Result<(), Refusal> {
		if let Some((dest, amount)) = transfer {
			if dest == who {
				return Err(Refusal::Call(Error::SelfTransfer));
			}
			if amount < ED {
				return Err(Refusal::Call(Error::AmountTooLow));
			}
		}
		if text.is_empty() {
			return Err(Refusal::Call(Error::EmptyText));
		}
		if self.cases.len() as u32 >= MAX_PENDING {
			return Err(Refusal::Call(Error::TooManyPendingCases));
		}
		let deadline = self.now + VOTING_PERIOD;
		if self.deadlines.get(&deadline).map_or(0, |d| d.len()) as u32 >= MAX_PER_BLOCK {
			return Err(Refusal::Call(Error::BlockFull));
		}
		if let Some((_, amount)) = transfer {
			// A hold keeps the existential deposit free.
			if self.free[&who] < amount + ED {
				return Err(Refusal::Call(Error::InsufficientBalance));
			}
			*self.free.get_mut(&who).unwrap() -= amount;
			*self.held.entry(who).or_default() += amount;
		}
		let set = self.refresh_set();
		self.sets.get_mut(&set).unwrap().open += 1;
		let id = self.next_id;
		self.next_id += 1;
		self.deadlines.entry(deadline).or_default().push(id);
		if let Some(old) = id.checked_sub(self.capacity as u64) {
			self.verdicts.remove(&old);
		}
		self.cases.insert(
			id,
			MCase {
				submitter: who,
				transfer,
				set,
				ballots: vec![],
				model_hash: None,
			},
		);
		Ok(())
	}

	fn tally(case: &MCase) -> (u32, u32, u32) {
		let count = |c| case.ballots.iter().filter(|b| b.1 == c).count() as u32;
		(
			count(Choice::Approve),
			count(Choice::Reject),
			count(Choice::Abstain),
		)
	}

	/// The outcome the ballots force in a set of `n`.
	fn forced(case: &MCase, n: usize) -> Option<Outcome> {
		if n == 0 {
			return None;
		}
		let (a, r, _) = Self::tally(case);
		let need = sm(n) as u32;
		if a >= need {
			return Some(Outcome::Approve);
		}
		if r >= need {
			return Some(Outcome::Reject);
		}
		let left = (n - case.ballots.len()) as u32;
		if a + left < need && r + left < need {
			return Some(Outcome::Undecided);
		}
		None
	}

	fn finalize(&mut self, id: u64, outcome: Outcome) {
		let case = self.cases.remove(&id).unwrap();
		let settlement = match case.transfer {
			None => Settlement::NoFunds,
			Some((dest, amount)) => {
				*self.held.get_mut(&case.submitter).unwrap() -= amount;
				if outcome == Outcome::Approve {
					*self.free.get_mut(&dest).unwrap() += amount;
					Settlement::Paid
				} else {
					*self.free.get_mut(&case.submitter).unwrap() += amount;
					Settlement::Refunded
				}
			},
		};
		let members = self.sets[&case.set].members.clone();
		if members.len() == MAX_ATTESTERS as usize {
			self.seen.full_set_verdicts += 1;
		}
		match outcome {
			Outcome::Approve => self.seen.approved += 1,
			Outcome::Reject => self.seen.rejected += 1,
			Outcome::Undecided => {},
		}
		let winner = match outcome {
			Outcome::Approve => Some(Choice::Approve),
			Outcome::Reject => Some(Choice::Reject),
			Outcome::Undecided => None,
		};
		let mut reasons: BTreeMap<u8, u32> = BTreeMap::new();
		for (member, choice, reason) in &case.ballots {
			// A side vote on an undecided case changes no record.
			if *choice == Choice::Abstain {
				self.records.entry(members[*member]).or_default().abstained += 1;
			} else if let Some(w) = winner {
				let record = self.records.entry(members[*member]).or_default();
				if *choice == w {
					record.agreed += 1;
				} else {
					record.disagreed += 1;
				}
			}
			if Some(*choice) == winner {
				*reasons.entry(*reason).or_default() += 1;
			}
		}
		for (i, m) in members.iter().enumerate() {
			if !case.ballots.iter().any(|b| b.0 == i) {
				self.records.entry(*m).or_default().missed += 1;
			}
		}
		// Most common reason; the lowest code on a tie (BTreeMap iterates codes upwards).
		let mut reason = None;
		let mut best = 0;
		for (code, count) in reasons {
			if count > best {
				best = count;
				reason = Some(code);
			}
		}
		let (approve, reject, abstain) = Self::tally(&case);
		self.verdicts.insert(
			id,
			MVerdict {
				outcome,
				settlement,
				approve,
				reject,
				abstain,
				late: 0,
				reason,
				set: case.set,
				voters: case.ballots.iter().map(|b| b.0).collect(),
				model_hash: case.model_hash,
			},
		);
		let set = self.sets.get_mut(&case.set).unwrap();
		set.open -= 1;
		// A retired set lives on `VotingPeriod` after its latest verdict.
		if set.retired_at.is_some() {
			set.retired_at = Some(self.now);
		}
	}

	fn attest(&mut self, who: AccountId, votes: &[Vote], hash: [u8; 32]) -> Result<Pays, Refusal> {
		if votes.is_empty() {
			return Err(Refusal::Call(Error::EmptyBatch));
		}
		let Some(active) = self.model else {
			return Err(Refusal::Call(Error::NoActiveModel));
		};
		if active != hash {
			return Err(Refusal::Call(Error::ModelMismatch));
		}
		// A refused call changes nothing: not even the snapshot it took on the way.
		let before = (
			self.sets.clone(),
			self.current,
			self.oldest,
			self.records.clone(),
		);
		self.refresh_set();
		if !self.sets.values().any(|s| s.members.contains(&who)) {
			(self.sets, self.current, self.oldest, self.records) = before;
			return Err(Refusal::Call(Error::NotAttester));
		}
		let mut skipped = 0;
		for vote in votes {
			if vote.score > MAX_SCORE {
				skipped += 1;
				continue;
			}
			if let Some(case) = self.cases.get_mut(&vote.case_id) {
				let members = &self.sets[&case.set].members;
				let Some(member) = members.iter().position(|m| *m == who) else {
					skipped += 1;
					continue;
				};
				if case.ballots.iter().any(|b| b.0 == member) {
					skipped += 1;
					continue;
				}
				case.ballots.push((member, vote.choice, vote.reason));
				case.model_hash = Some(hash);
				let n = members.len();
				if let Some(outcome) = Self::forced(case, n) {
					if outcome == Outcome::Undecided {
						self.seen.undecided_early += 1;
					}
					self.finalize(vote.case_id, outcome);
				}
			} else if let Some(verdict) = self.verdicts.get_mut(&vote.case_id) {
				let Some(member) = self
					.sets
					.get(&verdict.set)
					.and_then(|s| s.members.iter().position(|m| *m == who))
				else {
					skipped += 1;
					continue;
				};
				if verdict.voters.contains(&member) {
					skipped += 1;
					continue;
				}
				verdict.voters.push(member);
				verdict.late += 1;
				self.seen.late_votes += 1;
				let record = self.records.entry(who).or_default();
				record.late += 1;
				record.missed = record.missed.saturating_sub(1);
			} else {
				skipped += 1;
			}
		}
		self.seen.skipped_votes += skipped;
		Ok(if skipped == 0 { Pays::No } else { Pays::Yes })
	}

	fn advance(&mut self, blocks: u64) {
		for _ in 0..blocks {
			self.now += 1;
			self.refresh_set();
			self.prune();
			for id in self.deadlines.remove(&self.now).unwrap_or_default() {
				if let Some(case) = self.cases.get(&id) {
					let n = self.sets[&case.set].members.len();
					let outcome = match Self::forced(case, n) {
						Some(Outcome::Approve) => Outcome::Approve,
						Some(Outcome::Reject) => Outcome::Reject,
						_ => Outcome::Undecided,
					};
					if outcome == Outcome::Undecided {
						self.seen.undecided_at_deadline += 1;
					} else {
						self.seen.decided_at_deadline += 1;
					}
					self.finalize(id, outcome);
				}
			}
		}
	}
}

// ---- driving both -------------------------------------------------------------------------

fn choice(c: u8) -> Choice {
	match c {
		0 => Choice::Approve,
		1 => Choice::Reject,
		_ => Choice::Abstain,
	}
}

/// The step's votes: case ids near the newest.
fn votes_of(raw: &[(u64, u8, u16)]) -> Vec<Vote> {
	let base = NextCaseId::<Test>::get().saturating_sub(8);
	raw.iter()
		.map(|(offset, c, score)| Vote {
			case_id: base + offset,
			choice: choice(*c),
			score: *score,
			reason: *c,
		})
		.collect()
}

/// Runs `step` on the pallet and on the model; the results must agree.
fn apply(step: &Step, model: &mut Model) -> Result<(), TestCaseError> {
	let refused = std::cell::Cell::new(0);
	let error = |e: Refusal| {
		refused.set(refused.get() + 1);
		match e {
			Refusal::Call(e) => sp_runtime::DispatchError::from(e),
		}
	};
	match step {
		Step::Screen {
			from,
			to,
			amount,
			len,
		} => {
			let memo = vec![b'm'; *len];
			let got = VerdictsPallet::screen_transfer(
				RuntimeOrigin::signed(USERS[*from]),
				USERS[*to],
				*amount,
				text(&memo),
			);
			let want = model
				.open(USERS[*from], Some((USERS[*to], *amount)), &memo)
				.map_err(error);
			prop_assert_eq!(got, want, "screen_transfer");
		},
		Step::Record { from, len } => {
			let body = vec![b'r'; *len];
			let got =
				VerdictsPallet::submit_record(RuntimeOrigin::signed(USERS[*from]), text(&body));
			let want = model.open(USERS[*from], None, &body).map_err(error);
			prop_assert_eq!(got, want, "submit_record");
		},
		Step::Attest {
			attester: who,
			votes,
		} => {
			let votes = votes_of(votes);
			let got = attest(attester(*who), votes.clone())
				.map(|post| post.pays_fee)
				.map_err(|e| e.error);
			let want = model
				.attest(attester(*who), &votes, MODEL_HASH)
				.map_err(error);
			prop_assert_eq!(
				got,
				want,
				"attest_batch by {} of {:?}",
				attester(*who),
				votes
			);
		},
		Step::Quorum {
			case,
			choice: c,
			voters,
		} => {
			let id = NextCaseId::<Test>::get().saturating_sub(10) + case;
			let vote = Vote {
				case_id: id,
				choice: choice(*c),
				score: 100,
				reason: *c,
			};
			for who in model.named.clone().into_iter().take(*voters as usize) {
				let got = attest(who, vec![vote])
					.map(|post| post.pays_fee)
					.map_err(|e| e.error);
				let want = model.attest(who, &[vote], MODEL_HASH).map_err(error);
				prop_assert_eq!(got, want, "quorum vote by {} on case {}", who, id);
			}
		},
		Step::SetAttesters(list) => {
			let named: Vec<AccountId> = list.iter().map(|i| attester(*i)).collect();
			AttesterList::set(named.clone());
			model.named = named;
		},
		Step::SetModel(ours) => {
			let mut m = super::model();
			if !ours {
				m.hash = [1; 32];
			}
			let hash = m.hash;
			prop_assert_eq!(VerdictsPallet::set_model(RuntimeOrigin::root(), m), Ok(()));
			model.model = Some(hash);
		},
		Step::Advance(blocks) => {
			run_to_block(System::block_number() + blocks);
			model.advance(*blocks);
		},
	}
	model.seen.refused_calls += refused.get();
	Ok(())
}

/// Everything observable must agree.
fn compare(model: &Model, accounts: &[AccountId]) -> Result<(), TestCaseError> {
	prop_assert_eq!(NextCaseId::<Test>::get(), model.next_id);
	for id in 0..model.next_id + 2 {
		match (VerdictsPallet::case(id), model.cases.get(&id)) {
			(Some(case), Some(m)) => {
				prop_assert_eq!(case.set, m.set, "case {} set", id);
				let (a, r, b) = Model::tally(m);
				prop_assert_eq!(
					(case.tally.approve, case.tally.reject, case.tally.abstain),
					(a, r, b),
					"case {} tally",
					id
				);
				prop_assert_eq!(case.ballots.len(), m.ballots.len(), "case {} ballots", id);
				prop_assert_eq!(case.model_hash, m.model_hash);
			},
			(None, None) => {},
			(got, want) => prop_assert!(
				false,
				"case {}: pallet {:?}, model {:?}",
				id,
				got.is_some(),
				want.is_some()
			),
		}
		match (Verdicts::<Test>::get(id), model.verdicts.get(&id)) {
			(Some(v), Some(m)) => {
				let voters: u128 = m.voters.iter().map(|i| 1u128 << i).sum();
				prop_assert_eq!(
					(
						v.outcome,
						v.settlement,
						v.tally.approve,
						v.tally.reject,
						v.tally.abstain,
						v.late,
						v.reason,
						v.set,
						v.voted,
						v.model_hash
					),
					(
						m.outcome,
						m.settlement,
						m.approve,
						m.reject,
						m.abstain,
						m.late,
						m.reason,
						m.set,
						voters,
						m.model_hash
					),
					"verdict of case {}",
					id
				);
			},
			(None, None) => {},
			(got, want) => {
				prop_assert!(false, "verdict {}: pallet {:?}, model {:?}", id, got, want)
			},
		}
	}
	for who in accounts {
		prop_assert_eq!(
			free(*who),
			model.free.get(who).copied().unwrap_or(0),
			"free balance of {}",
			who
		);
		prop_assert_eq!(
			escrow(*who),
			model.held.get(who).copied().unwrap_or(0),
			"escrow of {}",
			who
		);
		prop_assert_eq!(
			AttesterRecords::<Test>::contains_key(who),
			model.records.contains_key(who),
			"record of {} kept or pruned",
			who
		);
		prop_assert_eq!(
			AttesterRecords::<Test>::get(who),
			model.records.get(who).copied().unwrap_or_default(),
			"record of {}",
			who
		);
	}
	prop_assert_eq!(
		(CurrentSet::<Test>::get(), OldestSet::<Test>::get()),
		(model.current, model.oldest),
		"live sets"
	);
	for (id, set) in &model.sets {
		let got = AttesterSets::<Test>::get(id);
		prop_assert!(got.is_some(), "set {} missing", id);
		let got = got.unwrap();
		prop_assert_eq!(
			got.members.to_vec(),
			set.members.clone(),
			"members of set {}",
			id
		);
		prop_assert_eq!(got.open_cases, set.open, "open cases of set {}", id);
	}
	VerdictsPallet::do_try_state().map_err(|e| TestCaseError::fail(format!("try_state: {e:?}")))?;
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

	#[test]
	fn the_pallet_behaves_like_the_reference_model(
		attesters in 1u32..=MAX_ATTESTERS,
		// Below the bound `integrity_test` sets for a real runtime, on purpose: short scenarios
		// then prune verdicts too (the model follows the same pruning rule).
		capacity in 1u32..20,
		steps in prop::collection::vec(step(), 1..40),
	) {
		new_test_ext(attesters).execute_with(|| {
			VerdictCapacity::set(capacity);
			activate_model();
			let accounts: Vec<AccountId> = USERS
				.iter()
				.copied()
				.chain((0..MAX_ATTESTERS + 2).map(attester))
				.collect();
			let mut model = Model::new((0..attesters).map(attester).collect(), &accounts, capacity);
			let issuance = Balances::total_issuance();
			for step in &steps {
				apply(step, &mut model)?;
				compare(&model, &accounts)?;
				prop_assert_eq!(Balances::total_issuance(), issuance, "total issuance changed");
			}
			Ok::<(), TestCaseError>(())
		})?;
	}
}

/// The scenarios the property test draws do reach every branch that matters: both sides
/// winning, early and deadline `Undecided`, late and skipped votes, set changes (taken,
/// deferred, retired), full attester sets, refused calls. (A case that holds its set's
/// supermajority at its deadline cannot exist: the vote that gives it one decides it.)
#[test]
fn the_property_test_exercises_every_branch() {
	use proptest::{
		strategy::ValueTree,
		test_runner::{Config, TestRunner},
	};
	let mut runner = TestRunner::new(Config {
		rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
		..Config::default()
	});
	let strategy = (1u32..=MAX_ATTESTERS, prop::collection::vec(step(), 1..40));
	let mut total = Coverage::default();
	for _ in 0..2_000 {
		let (attesters, steps) = strategy
			.new_tree(&mut runner)
			.expect("a scenario")
			.current();
		new_test_ext(attesters).execute_with(|| {
			activate_model();
			let accounts: Vec<AccountId> = USERS
				.iter()
				.copied()
				.chain((0..MAX_ATTESTERS + 2).map(attester))
				.collect();
			let mut model = Model::new((0..attesters).map(attester).collect(), &accounts, 1_000);
			for step in &steps {
				apply(step, &mut model).expect("pallet and model agree");
			}
			let s = model.seen;
			total.approved += s.approved;
			total.rejected += s.rejected;
			total.undecided_early += s.undecided_early;
			total.undecided_at_deadline += s.undecided_at_deadline;
			total.decided_at_deadline += s.decided_at_deadline;
			total.late_votes += s.late_votes;
			total.skipped_votes += s.skipped_votes;
			total.rotations += s.rotations;
			total.deferred_rotations += s.deferred_rotations;
			total.retired_sets += s.retired_sets;
			total.full_set_verdicts += s.full_set_verdicts;
			total.refused_calls += s.refused_calls;
		});
	}
	println!("{total:#?}");
	let t = total;
	for (what, n) in [
		("approved", t.approved),
		("rejected", t.rejected),
		("undecided early", t.undecided_early),
		("undecided at the deadline", t.undecided_at_deadline),
		("late votes", t.late_votes),
		("skipped votes", t.skipped_votes),
		("set rotations", t.rotations),
		("deferred rotations", t.deferred_rotations),
		("retired sets", t.retired_sets),
		("verdicts of full sets", t.full_set_verdicts),
		("refused calls", t.refused_calls),
	] {
		assert!(n > 0, "the scenarios never reach: {what}");
	}
}
