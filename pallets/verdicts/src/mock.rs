//! A test runtime: frame-system, pallet-balances and pallet-verdicts, with an attester set each
//! test chooses.

use crate as pallet_verdicts;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		VerdictsPallet: pallet_verdicts,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

pub const ED: Balance = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<ED>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxFreezes = ConstU32<1>;
}

parameter_types! {
	/// The attesters of the running test.
	pub static AttesterList: Vec<AccountId> = vec![];
	/// `MaxVerdicts` of the running test.
	pub static VerdictCapacity: u32 = 1_000;
}

/// Attesters come from [`AttesterList`], which tests set.
pub struct TestAttesters;
impl crate::AttesterSet<AccountId> for TestAttesters {
	fn attesters() -> Vec<AccountId> {
		AttesterList::get()
	}
	fn bound() -> u32 {
		MAX_ATTESTERS
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_attesters(attesters: Vec<AccountId>) {
		AttesterList::set(attesters)
	}
}

pub const VOTING_PERIOD: u64 = 10;
pub const MAX_TEXT: u32 = 64;
pub const MAX_BATCH: u32 = 8;
pub const MAX_ATTESTERS: u32 = 16;
pub const MAX_PER_BLOCK: u32 = 4;
pub const MAX_PENDING: u32 = 10;
pub const MAX_LIVE_SETS: u32 = 3;

/// The mock's signing types: `UintAuthorityId` keys (account = the key's number) and test
/// signatures, so the worker's signer finds the keys tests put in `UintAuthorityId::set_all_keys`.
impl frame_system::offchain::SigningTypes for Test {
	type Public = UintAuthorityId;
	type Signature = TestSignature;
}

/// The extrinsics the worker submits (decoded back by the tests from the pool).
pub type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, ()>;

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<
		S: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		_public: UintAuthorityId,
		account: AccountId,
		_nonce: u32,
	) -> Option<Extrinsic> {
		Some(Extrinsic::new_signed(call, account, (), ()))
	}
}

/// The worker's key type in tests.
pub struct TestAuthorityId;
impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for TestAuthorityId {
	type RuntimeAppPublic = UintAuthorityId;
	type GenericPublic = UintAuthorityId;
	type GenericSignature = TestSignature;
}

impl pallet_verdicts::Config for Test {
	type AuthorityId = TestAuthorityId;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Attesters = TestAttesters;
	type VotingPeriod = ConstU64<VOTING_PERIOD>;
	type MaxTextLen = ConstU32<MAX_TEXT>;
	type MaxVotesPerBatch = ConstU32<MAX_BATCH>;
	type MaxAttesters = ConstU32<MAX_ATTESTERS>;
	type MaxLiveSets = ConstU32<MAX_LIVE_SETS>;
	type MaxCasesPerBlock = ConstU32<MAX_PER_BLOCK>;
	type MaxPendingCases = ConstU32<MAX_PENDING>;
	type MaxVerdicts = VerdictCapacity;
	type WeightInfo = ();
}

/// Accounts 1..=5 are users with 1 000 each; attesters are 100.. with 1 000 each.
pub const USERS: [AccountId; 5] = [1, 2, 3, 4, 5];
pub const START_BALANCE: Balance = 1_000;

pub fn attester(i: u32) -> AccountId {
	100 + i as AccountId
}

/// Externalities with funded users and `n` attesters (100, 101, …), at block 1.
pub fn new_test_ext(n: u32) -> sp_io::TestExternalities {
	let attesters: Vec<AccountId> = (0..n).map(attester).collect();
	AttesterList::set(attesters.clone());
	VerdictCapacity::set(1_000);
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.unwrap();
	let balances = USERS
		.iter()
		.chain(attesters.iter())
		.chain(
			(0..MAX_ATTESTERS + 2)
				.map(attester)
				.collect::<Vec<_>>()
				.iter(),
		)
		.map(|who| (*who, START_BALANCE))
		.collect::<std::collections::BTreeMap<_, _>>()
		.into_iter()
		.collect();
	pallet_balances::GenesisConfig::<Test> {
		balances,
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Moves to block `n`, running the pallet's `on_initialize` for every block on the way.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		VerdictsPallet::on_initialize(next);
	}
}
