//! `VerdictsApi`: what clients and the off-chain worker ask the runtime about cases, verdicts,
//! attesters and the model, without decoding storage layouts.

use crate::{AttesterRecord, Case, CaseId, CaseStatus, ModelInfo, Verdict};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Queries of pallet-verdicts. Version 2: cases carry their attester set and ballots;
	/// verdicts their settlement, late votes and voters.
	#[api_version(2)]
	pub trait VerdictsApi<AccountId, Balance, BlockNumber, MaxTextLen, MaxAttesters>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		MaxTextLen: frame_support::traits::Get<u32>,
		MaxAttesters: frame_support::traits::Get<u32>,
		Case<AccountId, Balance, BlockNumber, MaxTextLen, MaxAttesters>: Codec,
	{
		/// Where a case stands; `None` if unknown (or its verdict was pruned).
		fn case_status(id: CaseId) -> Option<CaseStatus>;
		/// A pending case with its text and tally.
		fn case(id: CaseId) -> Option<Case<AccountId, Balance, BlockNumber, MaxTextLen, MaxAttesters>>;
		/// The compact verdict of a finalized case.
		fn verdict(id: CaseId) -> Option<Verdict<BlockNumber>>;
		/// An attester's record.
		fn attester_record(who: AccountId) -> AttesterRecord;
		/// The members of the current attester set (the set new cases get).
		fn attesters() -> Vec<AccountId>;
		/// The model votes must name.
		fn active_model() -> Option<ModelInfo>;
		/// Up to `max` pending cases with ids from `from` on that `attester` may vote on (it is
		/// a member of the case's set) and has not (all of them when `attester` is `None`).
		fn pending_cases(
			from: CaseId,
			max: u32,
			attester: Option<AccountId>,
		) -> Vec<Case<AccountId, Balance, BlockNumber, MaxTextLen, MaxAttesters>>;
	}
}
