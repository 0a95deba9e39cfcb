//! A validator's view of the chain through subxt: submit cases, read verdicts, attester
//! records, balances and the blocks' events, call the node's classifier RPC.
//!
//! Calls and storage are addressed dynamically by the names in the chain's metadata; the few
//! pallet types the tests read are mirrored below and decoded by field name
//! (`scale_decode::DecodeAsType`), so a type that changes shape fails loudly here.

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;
use zombienet_sdk::{
	subxt::{
		self,
		backend::rpc::RpcClient,
		config::polkadot::PolkadotExtrinsicParamsBuilder,
		dynamic::Value,
		ext::{
			scale_decode::{self, DecodeAsType},
			subxt_rpcs::client::rpc_params,
		},
		utils::H256,
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::sr25519::Keypair,
	NetworkNode,
};

/// A subxt client of a Veritas node.
pub type Client = OnlineClient<PolkadotConfig>;

/// A 32-byte account id.
pub type AccountId = [u8; 32];

/// How a case ended (`pallet_verdicts::Outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum Outcome {
	/// Paid out.
	Approve,
	/// Refunded as illicit.
	Reject,
	/// No supermajority by the deadline (or none possible); refunded.
	Undecided,
}

/// What became of a case's funds (`pallet_verdicts::Settlement`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum Settlement {
	/// A record: nothing was held.
	NoFunds,
	/// The destination was paid.
	Paid,
	/// The sender got the funds back.
	Refunded,
	/// Paying the destination failed; the sender got the funds back.
	PayoutFailed,
}

/// Votes on a case (`pallet_verdicts::Tally`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Tally {
	/// For Approve.
	pub approve: u32,
	/// For Reject.
	pub reject: u32,
	/// Abstentions.
	pub abstain: u32,
}

/// A finalized case (`pallet_verdicts::Verdict`).
#[derive(Clone, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Verdict {
	/// How it ended.
	pub outcome: Outcome,
	/// What became of the funds.
	pub settlement: Settlement,
	/// The counted votes.
	pub tally: Tally,
	/// Votes that arrived after the verdict.
	pub late: u32,
	/// The block of the verdict.
	pub finalized_at: u32,
	/// The model the deciding votes named.
	pub model_hash: Option<[u8; 32]>,
	/// The winning side's most common reason.
	pub reason: Option<u8>,
	/// The attester set that decided it.
	pub set: u32,
	/// Bit `i`: member `i` of that set voted (in time or late).
	pub voted: u128,
}

/// An attester's record (`pallet_verdicts::AttesterRecord`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct AttesterRecord {
	/// Votes on the winning side.
	pub agreed: u32,
	/// Votes against the winning side (or for a side when the case ended undecided).
	pub disagreed: u32,
	/// Abstentions.
	pub abstained: u32,
	/// Cases of its set it never voted on before their verdict.
	pub missed: u32,
	/// Votes that arrived after their case's verdict.
	pub late: u32,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AccountInfo {
	data: AccountData,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AccountData {
	free: u128,
	reserved: u128,
}

/// An account's balance: free and held (the escrow holds count as reserved).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
	/// Spendable.
	pub free: u128,
	/// Held or reserved.
	pub reserved: u128,
}

/// One text's result of `verdicts_classify`.
#[derive(Clone, Debug, Deserialize)]
pub struct TextVerdict {
	/// The label's name.
	pub label: String,
	/// The score of the positive label, 0..=10000.
	pub score: u16,
	/// `approve`, `reject` or `abstain` at the node's threshold and margin.
	pub vote: String,
}

#[derive(Deserialize)]
struct Classified {
	results: Vec<TextVerdict>,
}

#[derive(Deserialize)]
struct ModelInfo {
	state: String,
	error: Option<String>,
}

/// A connection to one node.
pub struct Chain {
	/// The node's name in the network.
	pub name: String,
	/// The subxt client.
	pub client: Client,
	rpc: RpcClient,
}

impl Chain {
	/// Connects to `node`, waiting up to two minutes for its RPC.
	pub async fn connect(node: &NetworkNode) -> Result<Self> {
		let client = node
			.wait_client_with_timeout::<PolkadotConfig>(120u64)
			.await
			.with_context(|| format!("connecting to {}", node.name()))?;
		let rpc = node.rpc().await?;
		Ok(Self {
			name: node.name().to_string(),
			client,
			rpc,
		})
	}

	/// The hash of the best block. Queries read the best block, as a wallet does (subxt's
	/// `at_latest` would read the last finalized one, which stalls while finality does).
	pub async fn best_hash(&self) -> Result<H256> {
		Ok(self
			.rpc
			.request("chain_getBlockHash", rpc_params![])
			.await?)
	}

	async fn api<T: DecodeAsType>(&self, method: &str, args: Vec<Value>) -> Result<T> {
		let call = subxt::dynamic::runtime_api_call("VerdictsApi", method, args);
		let at = self.best_hash().await?;
		let value = self.client.runtime_api().at(at).call(call).await?;
		value
			.as_type::<T>()
			.with_context(|| format!("decoding VerdictsApi::{method}"))
	}

	/// The verdict of case `id`, once it has one.
	pub async fn verdict(&self, id: u64) -> Result<Option<Verdict>> {
		self.api("verdict", vec![Value::u128(id.into())]).await
	}

	/// `who`'s attester record.
	pub async fn attester_record(&self, who: &AccountId) -> Result<AttesterRecord> {
		self.api("attester_record", vec![Value::from_bytes(who)])
			.await
	}

	/// The current attester set.
	pub async fn attesters(&self) -> Result<Vec<AccountId>> {
		self.api("attesters", vec![]).await
	}

	/// The id the next case will get.
	pub async fn next_case_id(&self) -> Result<u64> {
		let query = subxt::dynamic::storage("Verdicts", "NextCaseId", Vec::<Value>::new());
		let storage = self.client.storage().at(self.best_hash().await?);
		Ok(match storage.fetch(&query).await? {
			Some(v) => v.as_type::<u64>()?,
			None => 0,
		})
	}

	/// `who`'s free and held balance.
	pub async fn balance(&self, who: &AccountId) -> Result<Balance> {
		let query = subxt::dynamic::storage("System", "Account", vec![Value::from_bytes(who)]);
		let storage = self.client.storage().at(self.best_hash().await?);
		Ok(match storage.fetch(&query).await? {
			Some(v) => {
				let info = v.as_type::<AccountInfo>()?;
				Balance {
					free: info.data.free,
					reserved: info.data.reserved,
				}
			},
			None => Balance::default(),
		})
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> Result<u32> {
		Ok(self
			.client
			.blocks()
			.at(self.best_hash().await?)
			.await?
			.number())
	}

	/// The number of the last finalized block.
	pub async fn finalized_number(&self) -> Result<u32> {
		let hash: H256 = self
			.rpc
			.request("chain_getFinalizedHead", rpc_params![])
			.await?;
		Ok(self.client.blocks().at(hash).await?.number())
	}

	/// `who`'s next nonce, counting its transactions in the node's pool
	/// (`system_accountNextIndex`; subxt's own lookup reads the last finalized block).
	pub async fn next_nonce(&self, who: &Keypair) -> Result<u64> {
		let address = who.public_key().to_account_id().to_string();
		Ok(self
			.rpc
			.request("system_accountNextIndex", rpc_params![address])
			.await?)
	}

	/// Submits `Verdicts::screen_transfer(dest, amount, memo)` signed by `from` with `nonce`
	/// to the pool (without waiting for inclusion).
	pub async fn screen_transfer(
		&self,
		from: &Keypair,
		nonce: u64,
		dest: &AccountId,
		amount: u128,
		memo: &str,
	) -> Result<()> {
		let call = subxt::dynamic::tx(
			"Verdicts",
			"screen_transfer",
			vec![
				Value::from_bytes(dest),
				Value::u128(amount),
				Value::from_bytes(memo),
			],
		);
		self.submit(&call, from, nonce).await
	}

	/// Submits `Verdicts::submit_record(text)` signed by `from` with `nonce` to the pool.
	pub async fn submit_record(&self, from: &Keypair, nonce: u64, text: &str) -> Result<()> {
		let call = subxt::dynamic::tx("Verdicts", "submit_record", vec![Value::from_bytes(text)]);
		self.submit(&call, from, nonce).await
	}

	async fn submit(
		&self,
		call: &impl subxt::tx::Payload,
		from: &Keypair,
		nonce: u64,
	) -> Result<()> {
		let params = PolkadotExtrinsicParamsBuilder::<PolkadotConfig>::new()
			.nonce(nonce)
			.build();
		self.client
			.tx()
			.sign_and_submit(call, from, params)
			.await
			.with_context(|| format!("submitting with nonce {nonce} through {}", self.name))?;
		Ok(())
	}

	/// The node's classifier on `texts` (`verdicts_classify`).
	pub async fn classify(&self, texts: &[&str]) -> Result<Vec<TextVerdict>> {
		let mut results = Vec::with_capacity(texts.len());
		for chunk in texts.chunks(64) {
			let classified: Classified = self
				.rpc
				.request("verdicts_classify", rpc_params![chunk])
				.await?;
			results.extend(classified.results);
		}
		Ok(results)
	}

	/// The classifier's load state (`ready`, `loading`, `failed`, `disabled`).
	pub async fn classifier_state(&self) -> Result<String> {
		let info: ModelInfo = self
			.rpc
			.request("verdicts_modelInfo", rpc_params![])
			.await?;
		match info.error {
			Some(e) if info.state == "failed" => {
				Err(anyhow!("{}: the classifier failed: {e}", self.name))
			},
			_ => Ok(info.state),
		}
	}

	/// The events of the block `number` of the best chain, as (pallet, event, fields) with
	/// fields as a `scale_value` display string, and decoded `VoteSkipped` reasons.
	pub async fn events_at(&self, number: u32) -> Result<Vec<Event>> {
		let hash: Option<H256> = self
			.rpc
			.request("chain_getBlockHash", rpc_params![number])
			.await?;
		let hash = hash.with_context(|| format!("no block #{number}"))?;
		let events = self.client.blocks().at(hash).await?.events().await?;
		let mut out = Vec::new();
		for event in events.iter() {
			let event = event?;
			out.push(Event {
				pallet: event.pallet_name().to_string(),
				name: event.variant_name().to_string(),
				fields: event.field_values()?.to_string(),
			});
		}
		Ok(out)
	}
}

/// One event of a block.
#[derive(Clone, Debug)]
pub struct Event {
	/// The pallet, e.g. `Verdicts`.
	pub pallet: String,
	/// The event, e.g. `VoteSkipped`.
	pub name: String,
	/// Its fields, as `scale_value` prints them.
	pub fields: String,
}

impl Event {
	/// `true` for `pallet::name`.
	pub fn is(&self, pallet: &str, name: &str) -> bool {
		self.pallet == pallet && self.name == name
	}
}

/// A fresh destination account for case `i` of a test run tagged `tag`: no key, no balance
/// until a payout reaches it.
pub fn destination(tag: u8, i: u32) -> AccountId {
	let mut id = [0x5e; 32];
	id[0] = tag;
	id[1..5].copy_from_slice(&i.to_le_bytes());
	id
}
