//! The off-chain worker: every validator classifies the pending cases it has not voted on and
//! votes on them in one signed `attest_batch` per block.
//!
//! On each new best block, when the node holds the key of a member of a live attester set
//! ([`Config::AuthorityId`], in the runtime the Aura key) and its classifier runs the chain's
//! active model, the worker
//! 1. takes the next pending cases whose attester set it belongs to and that it has not voted
//!    on, oldest first, at most [`Config::MaxVotesPerBatch`] of them, reading at most
//!    [`MAX_SCAN`] pending cases from a cursor kept in off-chain storage (the walk visits pending
//!    cases only, never every case ever opened);
//! 2. gives the classifier exactly each case's own text — a transfer's memo, a record's text —
//!    in one `classify_batch` host call;
//! 3. turns each result into a [`Vote`] with the chain's threshold and abstain margin
//!    ([`ModelInfo::choice`]) and the engine's reason code — `Abstain`, whatever the score, for
//!    a text the engine flags empty or out of its model's scope — and
//! 4. submits one signed `attest_batch`.
//!
//! One signed extrinsic per block: the nonce comes from chain state, so while a submitted batch
//! has not been included (its nonce not yet used on chain) the worker waits, for at most
//! [`RETRY_AFTER_BLOCKS`]; a batch dropped from the pool is then classified and sent again. A
//! storage lock keeps two workers (of consecutive blocks) from classifying at once.
//!
//! Why the worker does not vote — no key, no active model, no classifier, a classifier still
//! loading, another model than the chain's, nothing pending — is logged under target `verdicts`
//! once when it starts to hold, and again every [`REPEAT_LOG_EVERY`] blocks while it does.

use crate::{
	pallet::{ActiveModel, Config, Pallet},
	Call, CaseId, Choice, ModelInfo, Vote,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::{
	offchain::{
		storage::StorageValueRef,
		storage_lock::{StorageLock, Time},
		Duration,
	},
	traits::Saturating,
	SaturatedConversion,
};
use veritas_classifier_interface::{self as classifier, flags, ClassifyError, Status};

/// Off-chain storage key of the lock that lets one worker run at a time.
const LOCK_KEY: &[u8] = b"verdicts::worker::lock";
/// Off-chain storage key (followed by the signing account) of the paging cursor: no pending case
/// below it needs that account's vote.
const CURSOR_KEY: &[u8] = b"verdicts::worker::cursor";
/// Off-chain storage key (followed by the signing account) of its last submitted batch:
/// `(nonce, block)`.
const IN_FLIGHT_KEY: &[u8] = b"verdicts::worker::in-flight";
/// Off-chain storage key of the last logged state: `(code, detail, block)`.
const LOGGED_KEY: &[u8] = b"verdicts::worker::logged";

/// How long a worker may hold the lock (a worker that dies holding it frees it then).
const LOCK_MILLIS: u64 = 120_000;
/// Blocks after which a submitted batch whose nonce is still unused counts as dropped.
pub const RETRY_AFTER_BLOCKS: u32 = 16;
/// Pending cases the worker reads per block at most.
pub const MAX_SCAN: u32 = 1024;
/// Blocks between two log lines for a state that persists.
pub const REPEAT_LOG_EVERY: u32 = 600;

/// What one run of the worker did, or why it did not vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerOutcome {
	/// Submitted a batch of this many votes.
	Voted(u32),
	/// Every pending case already has this attester's vote.
	NothingPending,
	/// The previous batch is not included yet.
	WaitingForInclusion,
	/// The chain has no active model.
	NoActiveModel,
	/// The keystore holds no key of a member of a live attester set.
	NotAttester,
	/// No classifier is registered on this node (`--no-vote`, or not an authority).
	NoClassifier,
	/// The classifier is loading, or failed to load (the node's log says why).
	ClassifierNotReady,
	/// The classifier runs another model than the chain's active one.
	ModelMismatch {
		/// The hash of the node's model.
		node: [u8; 32],
		/// The hash of the chain's active model.
		chain: [u8; 32],
	},
	/// The classifier failed on the batch (the node's log says why).
	ClassifierFailed,
	/// The transaction pool refused the signed batch.
	PoolRefused(u32),
}

impl WorkerOutcome {
	/// A code and a detail that tell repeated states apart, for the rate limit of the log.
	fn key(&self) -> (u8, [u8; 32]) {
		match self {
			Self::Voted(_) => (0, [0; 32]),
			Self::NothingPending => (1, [0; 32]),
			Self::WaitingForInclusion => (2, [0; 32]),
			Self::NoActiveModel => (3, [0; 32]),
			Self::NotAttester => (4, [0; 32]),
			Self::NoClassifier => (5, [0; 32]),
			Self::ClassifierNotReady => (6, [0; 32]),
			Self::ModelMismatch { node, chain } => {
				let mut detail = *node;
				detail.iter_mut().zip(chain).for_each(|(a, b)| *a ^= b);
				(7, detail)
			},
			Self::ClassifierFailed => (8, [0; 32]),
			Self::PoolRefused(_) => (9, [0; 32]),
		}
	}

	/// Whether this outcome is logged every time (an action), not once per stretch (a state).
	fn is_action(&self) -> bool {
		matches!(self, Self::Voted(_))
	}

	fn log(&self, now: u32) {
		const TARGET: &str = "verdicts";
		match self {
			Self::Voted(n) => log::info!(target: TARGET, "#{now}: voted on {n} case(s)"),
			Self::NothingPending => {
				log::info!(target: TARGET, "#{now}: nothing to vote on: every pending case has our vote")
			},
			Self::WaitingForInclusion => log::debug!(
				target: TARGET,
				"#{now}: the previous vote batch is not included yet; waiting"
			),
			Self::NoActiveModel => {
				log::warn!(target: TARGET, "#{now}: the chain has no active model; not voting")
			},
			Self::NotAttester => log::info!(
				target: TARGET,
				"#{now}: this node holds no key of a live attester set (aura); not voting"
			),
			Self::NoClassifier => log::info!(
				target: TARGET,
				"#{now}: no classifier runs on this node (--no-vote); not voting"
			),
			Self::ClassifierNotReady => log::info!(
				target: TARGET,
				"#{now}: the classifier is not ready (loading, or failed to load: see above); \
				 voting once it is"
			),
			Self::ModelMismatch { node, chain } => log::warn!(
				target: TARGET,
				"#{now}: the classifier runs model 0x{} but the chain's active model is 0x{}; \
				 not voting (load the chain's model with --model-dir)",
				Hex(node),
				Hex(chain),
			),
			Self::ClassifierFailed => log::warn!(
				target: TARGET,
				"#{now}: the classifier failed on the batch (see the node's log); retrying next block"
			),
			Self::PoolRefused(n) => log::warn!(
				target: TARGET,
				"#{now}: the transaction pool refused our batch of {n} vote(s); retrying"
			),
		}
	}
}

/// Lowercase hex for log lines.
struct Hex<'a>(&'a [u8]);

impl core::fmt::Display for Hex<'_> {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
	}
}

impl<T: Config> Pallet<T> {
	/// The worker's entry point (the `offchain_worker` hook): runs once per new best block on
	/// validators, unless another run still holds the lock.
	pub fn run_worker(now: BlockNumberFor<T>) {
		if !sp_io::offchain::is_validator() {
			return;
		}
		let mut lock =
			StorageLock::<Time>::with_deadline(LOCK_KEY, Duration::from_millis(LOCK_MILLIS));
		let Ok(_guard) = lock.try_lock() else {
			log::debug!(target: "verdicts", "a worker of an earlier block is still running");
			return;
		};
		let outcome = Self::vote_once(now);
		Self::report(now.saturated_into(), outcome);
	}

	/// One pass: find, classify, vote. Returns what it did.
	pub fn vote_once(now: BlockNumberFor<T>) -> WorkerOutcome {
		let Some(model) = ActiveModel::<T>::get() else {
			return WorkerOutcome::NoActiveModel;
		};
		// A member of any live set: one that left the current set still finishes its old cases.
		let current = crate::pallet::CurrentSet::<T>::get();
		let members = crate::pallet::AttesterSets::<T>::get(current)
			.map(|set| set.members)
			.unwrap_or_default();
		let mut sets = crate::sets::SetCache::<T>::new(current, members);
		let Some(me) = Signer::<T, T::AuthorityId>::keystore_accounts()
			.find(|account| Self::is_live_member(&account.id, &mut sets))
		else {
			return WorkerOutcome::NotAttester;
		};
		match classifier::engine_model_hash() {
			Ok(hash) if hash == model.hash => {},
			Ok(hash) => {
				return WorkerOutcome::ModelMismatch {
					node: hash,
					chain: model.hash,
				}
			},
			Err(ClassifyError::Host(Status::NoExtension)) => return WorkerOutcome::NoClassifier,
			Err(_) => return WorkerOutcome::ClassifierNotReady,
		}

		// One signed batch at a time: the nonce comes from chain state.
		let nonce = frame_system::Account::<T>::get(&me.id).nonce;
		// Per signing account: a node whose key changes starts afresh.
		let account = me.id.encode();
		let in_flight_key = [IN_FLIGHT_KEY, &account].concat();
		let in_flight = StorageValueRef::persistent(&in_flight_key);
		if let Ok(Some((sent_nonce, sent_at))) = in_flight.get::<(T::Nonce, BlockNumberFor<T>)>() {
			let retry_at = sent_at.saturating_add(RETRY_AFTER_BLOCKS.into());
			if nonce <= sent_nonce && now < retry_at {
				return WorkerOutcome::WaitingForInclusion;
			}
		}

		let cursor_key = [CURSOR_KEY, &account].concat();
		let cursor = StorageValueRef::persistent(&cursor_key);
		let from = cursor.get::<CaseId>().ok().flatten().unwrap_or(0);
		let (cases, next) =
			Self::pending_cases_page(from, T::MaxVotesPerBatch::get(), MAX_SCAN, Some(&me.id));
		cursor.set(&next);
		if cases.is_empty() {
			return WorkerOutcome::NothingPending;
		}

		let texts: Vec<&[u8]> = cases.iter().map(|case| case.text.as_slice()).collect();
		let results = match classifier::classify(&texts) {
			Ok(results) => results,
			Err(ClassifyError::Host(Status::NotReady)) => return WorkerOutcome::ClassifierNotReady,
			Err(_) => return WorkerOutcome::ClassifierFailed,
		};
		// At most MaxVotesPerBatch cases were taken: nothing is cut.
		let votes: BoundedVec<Vote, T::MaxVotesPerBatch> = BoundedVec::truncate_from(
			cases
				.iter()
				.zip(&results)
				.map(|(case, result)| Vote {
					case_id: case.id,
					choice: if result.has_flag(flags::EMPTY) || result.has_flag(flags::OUT_OF_SCOPE)
					{
						Choice::Abstain
					} else {
						model.choice(result.score)
					},
					score: result.score,
					reason: result.reason,
				})
				.collect(),
		);
		let count = votes.len() as u32;
		let sent = Signer::<T, T::AuthorityId>::any_account()
			.with_filter(alloc::vec![me.public.clone()])
			.send_signed_transaction(|_| Call::attest_batch {
				votes: votes.clone(),
				model_hash: model.hash,
			});
		match sent {
			Some((_, Ok(()))) => {
				in_flight.set(&(nonce, now));
				classifier::note_submission(count, true);
				WorkerOutcome::Voted(count)
			},
			Some((_, Err(()))) => {
				classifier::note_submission(count, false);
				WorkerOutcome::PoolRefused(count)
			},
			// The key left the keystore between the lookup and the signing.
			None => WorkerOutcome::NotAttester,
		}
	}

	/// Logs `outcome` under target `verdicts`: actions every time, states once when they start
	/// and then every [`REPEAT_LOG_EVERY`] blocks.
	fn report(now: u32, outcome: WorkerOutcome) {
		let (code, detail) = outcome.key();
		let logged = StorageValueRef::persistent(LOGGED_KEY);
		let repeat = match logged.get::<(u8, [u8; 32], u32)>() {
			Ok(Some((last_code, last_detail, at)))
				if last_code == code && last_detail == detail =>
			{
				now.saturating_sub(at) >= REPEAT_LOG_EVERY
			},
			_ => true,
		};
		if outcome.is_action() || repeat {
			outcome.log(now);
			logged.set(&(code, detail, now));
		}
	}
}

impl ModelInfo {
	/// The vote a score calls for: `Abstain` strictly within `abstain_margin` of the threshold,
	/// else `Reject` at or above the threshold (the score is the probability of the positive,
	/// illicit label) and `Approve` below it.
	pub fn choice(&self, score: u16) -> Choice {
		if score.abs_diff(self.threshold) < self.abstain_margin {
			Choice::Abstain
		} else if score >= self.threshold {
			Choice::Reject
		} else {
			Choice::Approve
		}
	}
}
