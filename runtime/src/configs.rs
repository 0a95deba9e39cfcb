//! The configuration of every pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	Signature, SignedPayload, System, TxExtension, UncheckedExtrinsic, EXISTENTIAL_DEPOSIT,
	MAX_TEXT_LEN, MAX_VOTES_PER_BATCH, MINUTES, SLOT_DURATION, SS58_PREFIX, VERSION,
};
use codec::Encode;
use sp_runtime::{traits::Verify, MultiSigner};

/// Share of a block that normal (non-operational) extrinsics may fill.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per three-second block.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// 5 MiB blocks, of which normal extrinsics may fill `NORMAL_DISPATCH_RATIO`.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * *max
		})
		.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores its state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// The attesters are the current Aura authorities, each as the account of its sr25519 key: the
/// key `--dev` and zombienet already put into every validator's keystore.
pub struct AuraAttesters;

impl pallet_verdicts::AttesterSet<AccountId> for AuraAttesters {
	fn attesters() -> alloc::vec::Vec<AccountId> {
		pallet_aura::Authorities::<Runtime>::get()
			.iter()
			.map(|authority| {
				let public: &sp_core::sr25519::Public = authority.as_ref();
				AccountId::from(*public)
			})
			.collect()
	}

	fn bound() -> u32 {
		<<Runtime as pallet_aura::Config>::MaxAuthorities as frame_support::traits::Get<u32>>::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_attesters(attesters: alloc::vec::Vec<AccountId>) {
		use sp_core::crypto::UncheckedFrom;
		let keys = attesters
			.into_iter()
			.map(|a| AuraId::unchecked_from(<[u8; 32]>::from(a)))
			.collect::<alloc::vec::Vec<_>>();
		pallet_aura::Authorities::<Runtime>::put(
			frame_support::BoundedVec::try_from(keys)
				.expect("benchmarks stay within MaxAuthorities"),
		);
	}
}

/// The key the verdicts worker signs its vote batches with: the validator's Aura key (sr25519),
/// which `--dev`, `key insert --key-type aura` and zombienet already put into its keystore.
pub struct VerdictsAuthorityId;

impl frame_system::offchain::AppCrypto<MultiSigner, Signature> for VerdictsAuthorityId {
	type RuntimeAppPublic = AuraId;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

/// Blocks a vote batch stays valid for: a batch the pool dropped dies quickly, and the worker
/// sends a fresh one (see `pallet_verdicts::worker::RETRY_AFTER_BLOCKS`).
const VOTE_BATCH_MORTALITY: u64 = 16;

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	/// A version-4 signed extrinsic with the runtime's own extensions: a mortal era, the nonce
	/// from chain state, no tip, and no metadata hash (`CheckMetadataHash::new(false)`).
	fn create_signed_transaction<
		A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: <Signature as Verify>::Signer,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		use sp_runtime::{generic::Era, traits::StaticLookup, SaturatedConversion};
		let current = System::block_number()
			.saturated_into::<u64>()
			.saturating_sub(1);
		let extension: TxExtension = (
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::mortal(VOTE_BATCH_MORTALITY, current)),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		);
		let payload = SignedPayload::new(call, extension)
			.map_err(|e| log::warn!(target: "verdicts", "cannot build a signed payload: {e:?}"))
			.ok()?;
		let signature = payload.using_encoded(|bytes| A::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
		Some(UncheckedExtrinsic::new_signed(
			call, address, signature, extension,
		))
	}
}

impl pallet_verdicts::Config for Runtime {
	type AuthorityId = VerdictsAuthorityId;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Attesters = AuraAttesters;
	/// One minute of blocks to reach a verdict.
	type VotingPeriod = ConstU32<MINUTES>;
	type MaxTextLen = ConstU32<MAX_TEXT_LEN>;
	type MaxVotesPerBatch = ConstU32<MAX_VOTES_PER_BATCH>;
	/// The same bound as Aura's `MaxAuthorities`.
	type MaxAttesters = ConstU32<32>;
	/// Attester set snapshots live at once (authority changes are rare).
	type MaxLiveSets = ConstU32<4>;
	type MaxCasesPerBlock = ConstU32<256>;
	/// 256 cases a block for a whole voting period fit.
	type MaxPendingCases = ConstU32<8192>;
	type MaxVerdicts = ConstU32<100_000>;
	type WeightInfo = crate::weights::pallet_verdicts::WeightInfo<Runtime>;
}
