//! The off-chain worker against the mock runtime: an offchain database, a transaction pool, a
//! keystore of `UintAuthorityId` keys and a keyword classifier registered as `ClassifierExt`.

use super::{activate_model, batch, model, text, MODEL_HASH};
use crate::{mock::*, worker::*, *};
use codec::Decode;
use frame_support::assert_ok;
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_runtime::testing::UintAuthorityId;
use std::sync::{Arc, Mutex};
use veritas_classifier_interface::{
	flags, BatchError, Classification, ClassifierExt, ClassifyBatch,
};

/// Scores a text by its words: "scam" → 9 000 (reason 1), "maybe" → 5 100 (inside the
/// margin), an empty text → flagged empty, an emoji → 9 000 but flagged out of scope (the
/// model's input guard), anything else → 500. Records what it was given.
struct Keywords {
	hash: Option<[u8; 32]>,
	seen: Mutex<Vec<Vec<u8>>>,
	submissions: Mutex<Vec<(u32, bool)>>,
}

impl Keywords {
	fn new(hash: Option<[u8; 32]>) -> Arc<Self> {
		Arc::new(Self {
			hash,
			seen: Mutex::new(Vec::new()),
			submissions: Mutex::new(Vec::new()),
		})
	}
}

impl ClassifyBatch for Keywords {
	fn classify_batch(&self, texts: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError> {
		if self.hash.is_none() {
			return Err(BatchError::NotReady("loading".into()));
		}
		self.seen.lock().unwrap().extend(texts.iter().cloned());
		Ok(texts
			.iter()
			.map(|t| {
				let text = String::from_utf8_lossy(t);
				let (score, reason) = if text.contains("scam") || text.contains('🙂') {
					(9_000, 1)
				} else if text.contains("maybe") {
					(5_100, 0)
				} else {
					(500, 0)
				};
				Classification {
					label: (score >= 5_000) as u8,
					score,
					reason,
					abstain: false,
					flags: if text.trim().is_empty() {
						flags::EMPTY
					} else if text.contains('🙂') {
						flags::OUT_OF_SCOPE
					} else {
						0
					},
				}
			})
			.collect())
	}

	fn model_hash(&self) -> Option<[u8; 32]> {
		self.hash
	}

	fn note_submission(&self, votes: u32, accepted: bool) {
		self.submissions.lock().unwrap().push((votes, accepted));
	}
}

/// Externalities for `n` attesters, with an offchain DB, a pool and `engine` registered; the
/// keystore holds `keys`.
fn worker_ext(
	n: u32,
	keys: &[AccountId],
	engine: Option<Arc<Keywords>>,
) -> (
	sp_io::TestExternalities,
	Arc<parking_lot::RwLock<PoolState>>,
) {
	let mut ext = new_test_ext(n);
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	if let Some(engine) = engine {
		ext.register_extension(ClassifierExt::new(engine));
	}
	UintAuthorityId::set_all_keys(keys.iter().copied());
	(ext, pool_state)
}

/// The batches in the pool, decoded, oldest first; empties the pool.
fn take_batches(pool: &parking_lot::RwLock<PoolState>) -> Vec<(AccountId, Vec<Vote>, [u8; 32])> {
	let txs = std::mem::take(&mut pool.write().transactions);
	txs.into_iter()
		.map(|raw| {
			let xt = Extrinsic::decode(&mut &raw[..]).expect("the worker submits our extrinsics");
			let signer = match xt.preamble {
				sp_runtime::generic::Preamble::Signed(who, ..) => who,
				other => panic!("the worker sends signed extrinsics, got {other:?}"),
			};
			match xt.function {
				RuntimeCall::VerdictsPallet(Call::attest_batch { votes, model_hash }) => {
					(signer, votes.into_inner(), model_hash)
				},
				other => panic!("unexpected call {other:?}"),
			}
		})
		.collect()
}

/// Includes a batch the worker submitted: dispatches it and bumps the signer's nonce.
fn include(who: AccountId, votes: Vec<Vote>, hash: [u8; 32]) {
	assert_ok!(VerdictsPallet::attest_batch(
		RuntimeOrigin::signed(who),
		batch(votes),
		hash
	));
	frame_system::Pallet::<Test>::inc_account_nonce(who);
}

/// One run of the worker as the node runs it: its state changes (the signer's local nonce bump)
/// are discarded afterwards; its off-chain storage stays.
fn run(now: u64) -> WorkerOutcome {
	frame_support::storage::with_transaction(|| {
		sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(
			VerdictsPallet::vote_once(now),
		))
	})
	.expect("the worker never fails the transaction")
}

fn record(body: &str) -> CaseId {
	let id = NextCaseId::<Test>::get();
	assert_ok!(VerdictsPallet::submit_record(
		RuntimeOrigin::signed(USERS[0]),
		text(body.as_bytes())
	));
	id
}

#[test]
fn a_validator_votes_on_every_pending_case_with_its_text() {
	let me = attester(0);
	let engine = Keywords::new(Some(MODEL_HASH));
	let (mut ext, pool) = worker_ext(4, &[me], Some(engine.clone()));
	ext.execute_with(|| {
		activate_model();
		let legit = record("rent for May");
		let illicit = record("send the scam proceeds");
		let unsure = record("maybe a refund");
		let transfer = NextCaseId::<Test>::get();
		assert_ok!(VerdictsPallet::screen_transfer(
			RuntimeOrigin::signed(USERS[1]),
			USERS[2],
			100,
			text(b"invoice 4411")
		));

		assert_eq!(run(1), WorkerOutcome::Voted(4));
		let batches = take_batches(&pool);
		assert_eq!(batches.len(), 1, "one signed batch per block");
		let (signer, votes, hash) = batches[0].clone();
		assert_eq!((signer, hash), (me, MODEL_HASH));
		let choices: Vec<(CaseId, Choice, u8)> = votes
			.iter()
			.map(|v| (v.case_id, v.choice, v.reason))
			.collect();
		assert_eq!(
			choices,
			vec![
				(legit, Choice::Approve, 0),
				(illicit, Choice::Reject, 1),
				(unsure, Choice::Abstain, 0),
				(transfer, Choice::Approve, 0),
			]
		);
		// The classifier saw each case's own text: the memo, not a rendering of the transfer.
		assert_eq!(
			*engine.seen.lock().unwrap(),
			vec![
				b"rent for May".to_vec(),
				b"send the scam proceeds".to_vec(),
				b"maybe a refund".to_vec(),
				b"invoice 4411".to_vec(),
			]
		);
		assert_eq!(*engine.submissions.lock().unwrap(), vec![(4, true)]);

		// Included: nothing is left to vote on, and the votes counted.
		include(signer, votes, hash);
		assert_eq!(
			AttesterRecords::<Test>::get(me),
			AttesterRecord::default(),
			"no case is final with 1 vote of 4"
		);
		assert_eq!(run(2), WorkerOutcome::NothingPending);
		assert!(take_batches(&pool).is_empty());
	});
}

#[test]
fn a_batch_in_the_pool_is_not_sent_twice_and_a_dropped_one_is_retried() {
	let me = attester(1);
	let (mut ext, pool) = worker_ext(4, &[me], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		let case = record("rent for May");
		assert_eq!(run(1), WorkerOutcome::Voted(1));
		assert_eq!(take_batches(&pool).len(), 1);
		// Not included yet (nonce unused): the next blocks wait instead of voting again.
		for block in 2..(1 + RETRY_AFTER_BLOCKS as u64) {
			assert_eq!(run(block), WorkerOutcome::WaitingForInclusion);
		}
		assert!(take_batches(&pool).is_empty());
		// The batch was dropped: after RETRY_AFTER_BLOCKS the case is classified and sent again.
		let retry = 1 + RETRY_AFTER_BLOCKS as u64;
		assert_eq!(run(retry), WorkerOutcome::Voted(1));
		let batches = take_batches(&pool);
		assert_eq!(
			batches[0].1.iter().map(|v| v.case_id).collect::<Vec<_>>(),
			vec![case]
		);
		// Once included, the next block goes on at once.
		let (who, votes, hash) = batches[0].clone();
		include(who, votes, hash);
		record("another rent");
		assert_eq!(run(retry + 1), WorkerOutcome::Voted(1));
	});
}

#[test]
fn cases_are_paged_oldest_first_in_batches_of_at_most_max_votes() {
	let me = attester(0);
	let (mut ext, pool) = worker_ext(2, &[me], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		// MAX_PENDING cases over three blocks: more than one batch.
		let mut ids = Vec::new();
		for block in 1..=3u64 {
			System::set_block_number(block);
			for i in 0..MAX_PER_BLOCK.min(MAX_PENDING - ids.len() as u32) {
				ids.push(record(&format!("rent {block}.{i}")));
			}
		}
		assert!(ids.len() as u32 > MAX_BATCH);
		let mut voted = Vec::new();
		for block in 4..10u64 {
			System::set_block_number(block);
			match run(block) {
				WorkerOutcome::Voted(n) => {
					assert!(n <= MAX_BATCH);
					for (who, votes, hash) in take_batches(&pool) {
						voted.extend(votes.iter().map(|v| v.case_id));
						include(who, votes, hash);
					}
				},
				WorkerOutcome::NothingPending => break,
				other => panic!("unexpected {other:?}"),
			}
		}
		assert_eq!(voted, ids, "every case once, oldest first");
	});
}

#[test]
fn final_cases_are_skipped_and_the_cursor_passes_them() {
	let me = attester(0);
	let (mut ext, pool) = worker_ext(1, &[me], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		let first = record("rent for May");
		let second = record("rent for June");
		// The one attester votes on the first case itself: it is final at once.
		assert_ok!(VerdictsPallet::attest_batch(
			RuntimeOrigin::signed(me),
			batch(vec![Vote {
				case_id: first,
				choice: Choice::Approve,
				score: 100,
				reason: 0
			}]),
			MODEL_HASH
		));
		assert!(VerdictsPallet::case(first).is_none());
		let (cases, cursor) = VerdictsPallet::pending_cases_page(0, 10, 10, Some(&me));
		assert_eq!(cases.iter().map(|c| c.id).collect::<Vec<_>>(), vec![second]);
		assert_eq!(cursor, second, "the cursor stops at the open case");
		assert_eq!(run(1), WorkerOutcome::Voted(1));
		assert_eq!(take_batches(&pool)[0].1[0].case_id, second);
	});
}

#[test]
fn no_vote_without_a_key_a_classifier_a_ready_one_or_the_chains_model() {
	let case_text = "rent for May";
	// The node's key is not an attester's.
	let (mut ext, pool) = worker_ext(2, &[attester(9)], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		record(case_text);
		assert_eq!(run(1), WorkerOutcome::NotAttester);
		assert!(take_batches(&pool).is_empty());
	});
	// No classifier registered (--no-vote).
	let (mut ext, pool) = worker_ext(2, &[attester(0)], None);
	ext.execute_with(|| {
		activate_model();
		record(case_text);
		assert_eq!(run(1), WorkerOutcome::NoClassifier);
		assert!(take_batches(&pool).is_empty());
	});
	// Still loading.
	let (mut ext, pool) = worker_ext(2, &[attester(0)], Some(Keywords::new(None)));
	ext.execute_with(|| {
		activate_model();
		record(case_text);
		assert_eq!(run(1), WorkerOutcome::ClassifierNotReady);
		assert!(take_batches(&pool).is_empty());
	});
	// Another model than the chain's.
	let engine = Keywords::new(Some([9; 32]));
	let (mut ext, pool) = worker_ext(2, &[attester(0)], Some(engine.clone()));
	ext.execute_with(|| {
		activate_model();
		record(case_text);
		assert_eq!(
			run(1),
			WorkerOutcome::ModelMismatch {
				node: [9; 32],
				chain: MODEL_HASH
			}
		);
		assert!(take_batches(&pool).is_empty());
		assert!(
			engine.seen.lock().unwrap().is_empty(),
			"nothing was classified"
		);
	});
	// No active model on chain.
	let (mut ext, pool) = worker_ext(2, &[attester(0)], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		assert_eq!(run(1), WorkerOutcome::NoActiveModel);
		assert!(take_batches(&pool).is_empty());
	});
}

#[test]
fn the_hook_runs_one_worker_at_a_time_and_votes() {
	let me = attester(0);
	let (mut ext, pool) = worker_ext(2, &[me], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		record("rent for May");
		// Another worker holds the lock: this run does nothing.
		let mut lock = sp_runtime::offchain::storage_lock::StorageLock::<
			sp_runtime::offchain::storage_lock::Time,
		>::new(b"verdicts::worker::lock");
		let guard = lock.lock();
		<VerdictsPallet as frame_support::traits::Hooks<u64>>::offchain_worker(1);
		assert!(take_batches(&pool).is_empty());
		drop(guard);
		<VerdictsPallet as frame_support::traits::Hooks<u64>>::offchain_worker(1);
		assert_eq!(take_batches(&pool).len(), 1);
	});
}

#[test]
fn a_memo_out_of_the_models_scope_gets_an_abstention_whatever_its_score() {
	let me = attester(0);
	let (mut ext, pool) = worker_ext(2, &[me], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		let emoji = record("🙂🙂");
		let scam = record("send the scam proceeds");
		assert_eq!(run(1), WorkerOutcome::Voted(2));
		let votes = take_batches(&pool).remove(0).1;
		let choices: Vec<(CaseId, Choice, u16)> = votes
			.iter()
			.map(|v| (v.case_id, v.choice, v.score))
			.collect();
		// Both score 9 000; only the one the classifier flags out of scope abstains.
		assert_eq!(
			choices,
			vec![
				(emoji, Choice::Abstain, 9_000),
				(scam, Choice::Reject, 9_000)
			]
		);
	});
}

#[test]
fn the_choice_follows_the_chains_threshold_and_margin() {
	let m = model(); // threshold 5 000, margin 300
	assert_eq!(m.choice(0), Choice::Approve);
	assert_eq!(m.choice(4_700), Choice::Approve);
	assert_eq!(m.choice(4_701), Choice::Abstain);
	assert_eq!(m.choice(5_000), Choice::Abstain);
	assert_eq!(m.choice(5_299), Choice::Abstain);
	assert_eq!(m.choice(5_300), Choice::Reject);
	assert_eq!(m.choice(10_000), Choice::Reject);
}

#[test]
fn a_validator_that_joined_later_leaves_older_cases_to_their_set() {
	let newcomer = attester(5);
	let (mut ext, pool) = worker_ext(2, &[newcomer], Some(Keywords::new(Some(MODEL_HASH))));
	ext.execute_with(|| {
		activate_model();
		// Decided by {100, 101}: not the newcomer's to vote on.
		let old = record("rent for May");
		AttesterList::set(vec![attester(0), attester(1), newcomer]);
		// Decided by {100, 101, 105}.
		let new = record("rent for June");
		assert_eq!(run(1), WorkerOutcome::Voted(1));
		let voted: Vec<CaseId> = take_batches(&pool)[0].1.iter().map(|v| v.case_id).collect();
		assert_eq!(voted, vec![new]);
		assert!(
			VerdictsPallet::case(old).is_some(),
			"the old case waits for its own set"
		);
	});
}
