//! The node's JSON-RPC extensions beyond the standard set: `system_accountNextIndex`,
//! `system_dryRun`, the transaction-payment RPC, and the classifier's `verdicts_classify` and
//! `verdicts_modelInfo`.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use veritas_classifier_host::{
	rpc::{ClassifierApiServer, ClassifierRpc, RpcLimits},
	ClassifierService,
};
use veritas_runtime::{opaque::Block, AccountId, Balance, Nonce};

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The node's classifier.
	pub classifier: Arc<ClassifierService>,
}

/// Builds the RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps {
		client,
		pool,
		classifier,
	} = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	module.merge(
		ClassifierRpc::new(
			classifier,
			RpcLimits {
				max_texts: veritas_runtime::MAX_VOTES_PER_BATCH as usize,
				max_text_bytes: veritas_runtime::MAX_TEXT_LEN as usize,
			},
		)
		.into_rpc(),
	)?;

	Ok(module)
}
