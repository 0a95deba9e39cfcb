//! # Veritas runtime
//!
//! The state transition function of the Veritas chain, compiled to wasm (the on-chain code) and
//! natively (for the node's chain-spec tooling). It wires FRAME's system, timestamp, Aura,
//! GRANDPA, balances, transaction payment and sudo together; the genesis presets live in
//! [`genesis_config_presets`] and the runtime APIs the node and clients call in [`apis`].
//!
//! Blocks are authored by Aura every [`MILLISECS_PER_BLOCK`] and finalized by GRANDPA.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros expand to large recursive types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

// Declared before `apis` so that its `list_benchmarks!`/`add_benchmarks!` are in scope there.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;

pub mod apis;
mod configs;
pub mod genesis_config_presets;
pub mod weights;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// The block number type.
pub type BlockNumber = u32;
/// Signature of a transaction (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// An account is identified by the public key of its signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// The balance of an account, in plancks (10^-[`TOKEN_DECIMALS`] VRT).
pub type Balance = u128;
/// The count of transactions an account has sent.
pub type Nonce = u32;
/// The hash type of blocks and tries.
pub type Hash = sp_core::H256;

/// The native token's ticker, shown by wallets.
pub const TOKEN_SYMBOL: &str = "VRT";
/// Decimal places of the native token: one VRT is `10^12` plancks.
pub const TOKEN_DECIMALS: u8 = 12;
/// One VRT in plancks.
pub const UNIT: Balance = 10u128.pow(TOKEN_DECIMALS as u32);
/// The SS58 address prefix (42: the generic Substrate prefix, addresses start with `5`).
pub const SS58_PREFIX: u16 = 42;
/// The minimum balance an account must keep to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = UNIT / 1_000;

/// The longest memo or record text a case may carry, in bytes.
pub const MAX_TEXT_LEN: u32 = 512;
/// The most votes one `attest_batch` may carry (and so the most cases a validator's worker
/// classifies per block).
pub const MAX_VOTES_PER_BATCH: u32 = 256;

/// Target block time. Aura slots have this length; it cannot change once the chain runs.
pub const MILLISECS_PER_BLOCK: u64 = 3000;
/// The Aura slot length.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
/// Blocks per minute at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);

/// Types the node uses without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;

	impl_opaque_keys! {
		/// The session keys of a validator: its Aura (authoring) and GRANDPA (finality) keys.
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
		}
	}
}

/// The runtime's identity. Bump `spec_version` with every change of on-chain logic.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("veritas"),
	impl_name: alloc::borrow::Cow::Borrowed("veritas-node"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The address format of transaction senders and destinations.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions a signed transaction carries, in this order. All of them are
/// standard, so Polkadot.js and subxt sign for this chain without custom types.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on a runtime upgrade, besides the pallets' own.
type Migrations = (pallet_verdicts::migrations::MigrateToV1<Runtime>,);

/// Dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Verdicts = pallet_verdicts;
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_verdicts::WeightInfo as _;

	type VerdictWeights = weights::pallet_verdicts::WeightInfo<Runtime>;

	/// How many votes of `n` attesters fit in `budget` at benchmarked weights: typical (every
	/// attester votes the same side; per case `needed - 1` votes only count, one decides a
	/// transfer, `n - needed` arrive late and are recorded) and worst (every vote decides a
	/// transfer case). Batches are full (`MaxVotesPerBatch`); each pays the extrinsic base weight
	/// and writes `n` records.
	fn votes_per_block(n: u32, budget: u64) -> (u64, u64) {
		let limits = configs::RuntimeBlockWeights::get();
		let base = limits
			.get(DispatchClass::Operational)
			.base_extrinsic
			.ref_time();
		let batch =
			<<Runtime as pallet_verdicts::Config>::MaxVotesPerBatch as Get<u32>>::get() as u64;
		let per = |f: &dyn Fn(u32) -> u64| f(1) - f(0);
		let count = per(&|v| VerdictWeights::count_votes(v).ref_time());
		let late = per(&|v| VerdictWeights::late_votes(v).ref_time());
		let decide = per(&|v| VerdictWeights::attest_batch(v, 0).ref_time());
		let record = per(&|r| VerdictWeights::attest_batch(0, r).ref_time());
		let batch_overhead =
			base + VerdictWeights::attest_batch(0, 0).ref_time() + n as u64 * record;
		let needed = pallet_verdicts::supermajority(n) as u64;
		let case = (needed - 1) * count + decide + (n as u64 - needed) * late;
		// Per vote, scaled by n·batch to stay in integers.
		let typical = case * batch + batch_overhead * n as u64;
		let worst = decide * batch + batch_overhead;
		(budget * n as u64 * batch / typical, budget * batch / worst)
	}

	/// Prints votes per block at 4, 16 and 32 attesters; 4 validators must fit 5 000 typical
	/// votes in a block, and the largest batch's declared weight must fit an extrinsic.
	#[test]
	fn thousands_of_votes_fit_in_a_block() {
		let limits = configs::RuntimeBlockWeights::get();
		let operational = limits.get(DispatchClass::Operational);
		let normal = limits.get(DispatchClass::Normal);
		let max_extrinsic = operational
			.max_extrinsic
			.expect("operational class has an extrinsic limit");
		let batch: u32 = <Runtime as pallet_verdicts::Config>::MaxVotesPerBatch::get();
		let declared = pallet_verdicts::Pallet::<Runtime>::attest_batch_weight(batch);
		assert!(
			declared.all_lte(max_extrinsic),
			"a full batch of {batch} votes declares {declared:?}, over the extrinsic limit \
			 {max_extrinsic:?}"
		);
		// Votes are operational: they may fill the whole block; user transactions only the
		// normal class's share.
		let block = operational.max_total.expect("operational limit").ref_time();
		let normal_share = normal.max_total.expect("normal limit").ref_time();
		println!(
			"a full batch of {batch} votes declares {} ms (worst case, refunded to what it does)",
			declared.ref_time() / 1_000_000_000
		);
		for n in [4u32, 16, 32] {
			let (typical, worst) = votes_per_block(n, block);
			let (typical_normal, _) = votes_per_block(n, normal_share);
			println!(
				"{n:>2} attesters: {typical} typical votes per block ({} cases; {typical_normal} \
				 within the normal class's share), {worst} worst-case votes",
				typical / n as u64,
			);
		}
		let (typical, _) = votes_per_block(4, block);
		assert!(
			typical >= 5_000,
			"{typical} typical votes per block at 4 attesters"
		);
	}

	/// Deadline work of a full block of cases fits in a block.
	#[test]
	fn deadline_work_is_bounded_within_a_block() {
		let max_block = configs::RuntimeBlockWeights::get().max_block;
		let cases: u32 = <Runtime as pallet_verdicts::Config>::MaxCasesPerBlock::get();
		// Cases due in one block may belong to every live set.
		let records = <<Runtime as pallet_verdicts::Config>::MaxAttesters as Get<u32>>::get()
			* <<Runtime as pallet_verdicts::Config>::MaxLiveSets as Get<u32>>::get();
		let work = VerdictWeights::on_initialize(cases, records);
		assert!(
			work.all_lte(max_block / 2),
			"deadline work {work:?} exceeds half a block"
		);
	}
}
