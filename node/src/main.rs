//! `veritas-node`: the Veritas blockchain node.
//!
//! A Substrate node with Aura block authoring, GRANDPA finality, off-chain workers and the
//! standard JSON-RPC set, storing its state in ParityDB. `veritas-node --dev` starts a
//! single-validator development chain; `veritas-node --help` lists every subcommand.

#![warn(missing_docs)]
// `sc_cli::Error` and `sc_service::Error` are polkadot-sdk's types, and sc-cli's `Runner` fixes
// the signatures that return them: their size is not ours to change.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
