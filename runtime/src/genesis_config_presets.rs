//! Genesis presets: the initial state of the `development` and `local_testnet` chains.
//!
//! Presets are JSON patches over the default genesis config. The node builds its chain specs
//! from them (`--dev`, `--chain local`), and so do tools such as `chain-spec-builder` and
//! zombienet, which rewrite `aura.authorities`, `grandpa.authorities` and `balances.balances`.

use crate::{
	AccountId, Balance, BalancesConfig, RuntimeGenesisConfig, SudoConfig, VerdictsConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_verdicts::{ModelInfo, Names};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// The model `models/` publishes, read from its `manifest.json` and `MODEL_HASH` at build time.
pub mod published_model {
	include!(concat!(env!("OUT_DIR"), "/published_model.rs"));
}

/// The published model as the chain registers it: the dev and local chains vote with it from
/// genesis.
pub fn published_model() -> ModelInfo {
	let names = |list: &[&str]| -> Names {
		list.iter()
			.map(|name| {
				name.as_bytes()
					.to_vec()
					.try_into()
					.expect("model names fit the bound")
			})
			.collect::<Vec<_>>()
			.try_into()
			.expect("model name lists fit the bound")
	};
	ModelInfo {
		hash: published_model::HASH,
		version: published_model::VERSION,
		labels: names(published_model::LABELS),
		reasons: names(published_model::REASONS),
		threshold: published_model::THRESHOLD,
		abstain_margin: published_model::ABSTAIN_MARGIN,
	}
}

/// What each well-known development account holds at genesis: one million VRT.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// Builds a genesis patch with the given authorities, endowed accounts and sudo key.
fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|account| (account, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities
				.iter()
				.map(|x| x.0.clone())
				.collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities
				.iter()
				.map(|x| (x.1.clone(), 1))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		verdicts: VerdictsConfig {
			model: Some(published_model())
		},
	})
}

/// The Aura (sr25519) and GRANDPA (ed25519) keys of a well-known development account, as
/// `--alice`, `--bob`, … and zombienet put them into the keystore.
fn authority_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(sr.public().into(), ed.public().into())
}

/// `development`: Alice authors and finalizes alone; the well-known dev accounts are endowed;
/// Alice is sudo.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known()
			.map(|k| k.to_account_id())
			.collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice and Bob author and finalize; the well-known dev accounts are endowed;
/// Alice is sudo.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		Sr25519Keyring::well_known()
			.map(|k| k.to_account_id())
			.collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The preset with the given name, serialized as JSON; `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
