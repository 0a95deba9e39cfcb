//! The pallet's data: cases, votes, verdicts, the active model and attester records.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Identifies a case; assigned in submission order, starting at 0.
pub type CaseId = u64;

/// The largest score a vote can carry: scores are fixed-point probabilities, `10_000` = 1.0.
pub const MAX_SCORE: u16 = 10_000;

/// What a case screens.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum CaseKind<AccountId, Balance> {
	/// A transfer of `amount` from the submitter to `dest`, held in escrow until the verdict.
	Transfer {
		/// Who receives the funds when the verdict is `Approve`.
		dest: AccountId,
		/// The escrowed amount.
		amount: Balance,
	},
	/// A text with no funds attached (a supply-chain record, a contract clause, a ballot).
	Record,
}

/// How a finalized case ended.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Outcome {
	/// A supermajority judged the case legitimate: the transfer is paid out.
	Approve,
	/// A supermajority judged the case illegitimate: the escrow returns to the sender.
	Reject,
	/// No side can reach (or reached before the deadline) a supermajority: the escrow returns.
	Undecided,
}

/// Where a case stands.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum CaseStatus {
	/// Open for votes until its deadline.
	Pending,
	/// Decided; the funds have moved.
	Final(Outcome),
}

/// One attester's choice on a case.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Choice {
	/// The transaction is legitimate.
	Approve,
	/// The transaction is illegitimate.
	Reject,
	/// The model's score lies within the abstain margin of the threshold: no side is taken.
	/// Abstaining counts as participation, never toward a side.
	Abstain,
}

/// A vote as an attester submits it in `attest_batch`.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Vote {
	/// The case voted on.
	pub case_id: CaseId,
	/// The attester's choice.
	pub choice: Choice,
	/// The model's score for the positive ("illicit") label, `0..=10_000`.
	pub score: u16,
	/// The model's reason code (an index into the active model's reason names).
	pub reason: u8,
}

/// Votes counted for a case so far.
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Tally {
	/// Votes for `Approve`.
	pub approve: u32,
	/// Votes for `Reject`.
	pub reject: u32,
	/// Abstentions.
	pub abstain: u32,
}

impl Tally {
	/// All votes cast, abstentions included.
	pub fn cast(&self) -> u32 {
		self.approve
			.saturating_add(self.reject)
			.saturating_add(self.abstain)
	}

	/// Adds one vote.
	pub fn add(&mut self, choice: Choice) {
		let slot = match choice {
			Choice::Approve => &mut self.approve,
			Choice::Reject => &mut self.reject,
			Choice::Abstain => &mut self.abstain,
		};
		*slot = slot.saturating_add(1);
	}
}

/// The id of an attester set snapshot (see [`crate::sets`]).
pub type SetId = u32;

/// The largest attester set a case can record votes of: membership is a bit of a `u128`.
pub const MAX_SET_SIZE: u32 = 128;

/// A counted vote as a case keeps it until its verdict: who (by position in the case's attester
/// set), which side, and the reason code.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Ballot {
	/// The voter's position in the case's attester set.
	pub member: u8,
	/// Its choice.
	pub choice: Choice,
	/// Its reason code.
	pub reason: u8,
}

/// A case awaiting its verdict.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxTextLen, MaxBallots))]
pub struct Case<
	AccountId,
	Balance,
	BlockNumber,
	MaxTextLen: frame_support::traits::Get<u32>,
	MaxBallots: frame_support::traits::Get<u32>,
> {
	/// The case's id.
	pub id: CaseId,
	/// Who submitted it (and, for a transfer, whose funds are held).
	pub submitter: AccountId,
	/// A transfer or a record.
	pub kind: CaseKind<AccountId, Balance>,
	/// The memo or record text, valid UTF-8.
	pub text: BoundedVec<u8, MaxTextLen>,
	/// The block it was submitted in.
	pub submitted_at: BlockNumber,
	/// The block at whose start it becomes `Undecided` if still pending.
	pub deadline: BlockNumber,
	/// The attester set that decides it: the set of the block it was submitted in. Only that
	/// set's members vote on it, and its supermajority is that set's.
	pub set: SetId,
	/// Votes counted so far.
	pub tally: Tally,
	/// The counted votes, one per member of `set` at most.
	pub ballots: BoundedVec<Ballot, MaxBallots>,
	/// The model the last counted vote named.
	pub model_hash: Option<[u8; 32]>,
}

/// What became of a case's funds.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Settlement {
	/// A record: no funds were held.
	NoFunds,
	/// `Approve`: the amount was paid to the destination.
	Paid,
	/// `Reject` or `Undecided`: the amount went back to the sender.
	Refunded,
	/// `Approve`, but paying the destination failed: the amount went back to the sender.
	PayoutFailed,
}

/// The compact record a finalized case leaves behind.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct Verdict<BlockNumber> {
	/// How it ended.
	pub outcome: Outcome,
	/// What became of the funds (a failed payout says so here, whatever the outcome).
	pub settlement: Settlement,
	/// The tally at the verdict.
	pub tally: Tally,
	/// Votes that arrived after the verdict from members who had not voted (not counted).
	pub late: u32,
	/// The block it was finalized in.
	pub finalized_at: BlockNumber,
	/// The model the deciding votes named (the last counted vote's); `None` without votes.
	pub model_hash: Option<[u8; 32]>,
	/// The most common reason code among the winning side's votes; `None` when undecided.
	pub reason: Option<u8>,
	/// The attester set that decided it.
	pub set: SetId,
	/// Which members of `set` voted, before the verdict or late (bit `i` = member `i`).
	pub voted: u128,
}

/// The longest label or reason-code name, in bytes.
pub type MaxNameLen = ConstU32<64>;
/// The most labels or reason codes a model may name.
pub type MaxNames = ConstU32<32>;
/// A list of names (labels or reason codes).
pub type Names = BoundedVec<BoundedVec<u8, MaxNameLen>, MaxNames>;

/// The classifier every attester must vote with, as set by root.
#[derive(
	Clone,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	frame_support::Serialize,
	frame_support::Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct ModelInfo {
	/// SHA-256 over the model's manifest and every file it names.
	pub hash: [u8; 32],
	/// A version number for humans and tooling.
	pub version: u32,
	/// Label names, e.g. `legit`, `illicit`.
	pub labels: Names,
	/// Reason-code names; a vote's `reason` indexes this list.
	pub reasons: Names,
	/// Decision threshold on the positive score, `0..=10_000`.
	pub threshold: u16,
	/// Scores within this distance of the threshold make an attester abstain.
	pub abstain_margin: u16,
}

/// How an attester's votes compared with the verdicts.
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct AttesterRecord {
	/// Voted the side that won.
	pub agreed: u32,
	/// Voted the side that lost.
	pub disagreed: u32,
	/// Abstained on a case that was then finalized.
	pub abstained: u32,
	/// Was a member of a case's attester set and had not voted when its verdict came (a vote
	/// that arrives later moves the case from `missed` to `late`).
	pub missed: u32,
	/// Voted on a case after its verdict (honest latecomers: with `N` attesters the last
	/// `floor((N - 1) / 3)` votes usually arrive after the supermajority). Not counted.
	pub late: u32,
}

/// Why a vote inside an otherwise valid batch was not counted.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Eq,
	PartialEq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SkipReason {
	/// No case with this id was ever submitted.
	UnknownCase,
	/// The case is already final.
	CaseClosed,
	/// This attester already voted on the case.
	DuplicateVote,
	/// The score is above `10_000`.
	InvalidScore,
	/// The attester is not a member of the set that decides the case (it joined later).
	NotInCaseSet,
}

/// The supermajority of `n` attesters: `n - floor((n - 1) / 3)`, the rule GRANDPA uses.
/// Zero attesters have a supermajority of zero votes, which no case can reach (no one can vote).
pub fn supermajority(n: u32) -> u32 {
	if n == 0 {
		return 0;
	}
	n - (n - 1) / 3
}
