//! `VerdictsApi`: what clients and the off-chain worker ask the runtime about cases, verdicts,
//! attesters and the model, without decoding storage layouts.

use crate::{AttesterRecord, Case, CaseId, CaseStatus, ModelInfo, Verdict};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Queries of pallet-verdicts.
	pub trait VerdictsApi<AccountId, Balance, BlockNumber, MaxTextLen>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		MaxTextLen: frame_support::traits::Get<u32>,
		Case<AccountId, Balance, BlockNumber, MaxTextLen>: Codec,
	{
		/// Where a case stands; `None` if unknown (or its verdict was pruned).
		fn case_status(id: CaseId) -> Option<CaseStatus>;
		/// A pending case with its text and tally.
		fn case(id: CaseId) -> Option<Case<AccountId, Balance, BlockNumber, MaxTextLen>>;
		/// The compact verdict of a finalized case.
		fn verdict(id: CaseId) -> Option<Verdict<BlockNumber>>;
		/// An attester's record.
		fn attester_record(who: AccountId) -> AttesterRecord;
		/// The current attesters.
		fn attesters() -> Vec<AccountId>;
		/// The model votes must name.
		fn active_model() -> Option<ModelInfo>;
		/// Up to `max` pending cases with ids from `from` on that `attester` has not voted on
		/// (all of them when `attester` is `None`).
		fn pending_cases(
			from: CaseId,
			max: u32,
			attester: Option<AccountId>,
		) -> Vec<Case<AccountId, Balance, BlockNumber, MaxTextLen>>;
	}
}
