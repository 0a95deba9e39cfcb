//! # veritas-network-tests
//!
//! The fault suite of multi-validator Veritas networks. Each test spawns its own network with
//! zombienet-sdk's native provider from the definitions users run (`zombienet/*.toml`, see
//! [`network`]), drives it through subxt (submit cases, read verdicts, records, balances and
//! events, see [`chain`]) and stops, restarts or replaces validators to check that verdicts hold
//! when validators crash, lie or run another model.
//!
//! This crate is its own cargo workspace: zombienet-sdk brings subxt and a second Substrate
//! stack that must not unify with the node's dependency tree. The node binary is found through
//! `VERITAS_NODE` (set by `scripts/env.sh`), the Byzantine one through `VERITAS_NODE_FAULTY`
//! (built by `scripts/test.sh` with the node's `fault-injection` feature).

pub mod chain;
pub mod network;

/// Memos the suite screens: 240 transfer memos of the model's dev split (131 legit, 109
/// illicit), one per line, none longer than 400 bytes.
pub fn memos() -> Vec<&'static str> {
	include_str!("../fixtures/memos.txt").lines().collect()
}

#[cfg(test)]
mod tests {
	use zombienet_sdk::NetworkConfig;

	/// Both definitions users run parse, run `veritas-node` from `PATH` on the `local` chain
	/// and list their validators by the names whose keys zombienet derives (//Alice, …).
	#[test]
	fn the_network_definitions_name_the_node_the_chain_and_the_validators() {
		for (file, validators) in [
			("three-validators.toml", &["alice", "bob", "charlie"][..]),
			(
				"four-validators.toml",
				&["alice", "bob", "charlie", "dave"][..],
			),
		] {
			let path = crate::network::repo_root().join("zombienet").join(file);
			let config = NetworkConfig::load_from_toml(path.to_str().unwrap()).unwrap();
			let relay = config.relaychain();
			assert_eq!(relay.chain().as_str(), "local", "{file}");
			assert_eq!(
				relay.default_command().map(|c| c.as_str()),
				Some("veritas-node"),
				"{file}"
			);
			let nodes = relay.nodes();
			let names: Vec<&str> = nodes.iter().map(|n| n.name()).collect();
			assert_eq!(names, validators, "{file}");
			assert!(nodes.iter().all(|n| n.is_validator()), "{file}");
		}
	}

	#[test]
	fn the_fixture_memos_fit_the_chain() {
		let memos = super::memos();
		assert_eq!(memos.len(), 240);
		assert!(memos.iter().all(|m| !m.is_empty() && m.len() <= 512));
	}
}
