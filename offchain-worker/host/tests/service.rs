//! The classifier service: background loading, its states, what the worker and RPC get.

mod common;

use std::time::{Duration, Instant};
use veritas_classifier_host::{
	metrics::Source,
	rpc::{ClassifierApiServer, ClassifierRpc, RpcLimits, NOT_READY_CODE},
	ClassifierConfig, ClassifierService, EngineState, ServiceError,
};
use veritas_classifier_interface::{BatchError, ClassifyBatch};

fn wait_until_settled(service: &ClassifierService) -> EngineState {
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		let state = service.state();
		if state != EngineState::Loading || Instant::now() > deadline {
			return state;
		}
		std::thread::sleep(Duration::from_millis(50));
	}
}

const LIMITS: RpcLimits = RpcLimits {
	max_texts: 4,
	max_text_bytes: 32,
};

#[test]
fn the_model_loads_in_the_background_and_then_classifies() {
	let started = Instant::now();
	let service = ClassifierService::start(common::config(2), None);
	// `start` returns before the model is loaded (loading reads and hashes ~90 MB).
	assert!(started.elapsed() < Duration::from_millis(100));
	assert_ne!(service.state(), EngineState::Disabled);
	assert_eq!(wait_until_settled(&service), EngineState::Ready);

	let memo = b"rent for May, flat 4B".to_vec();
	let via_worker = service
		.classify_batch(std::slice::from_ref(&memo))
		.expect("classify");
	let direct = service
		.engine()
		.expect("ready")
		.classify_model_inputs(&[memo.as_slice()])
		.expect("classify");
	assert_eq!(via_worker, vec![direct[0].into()]);
	assert_eq!(
		ClassifyBatch::model_hash(&*service),
		Some(service.engine().expect("ready").model_hash())
	);
}

#[test]
fn a_missing_model_is_a_failed_state_with_its_reason() {
	let service = ClassifierService::load_now(
		ClassifierConfig {
			model_dir: "/nonexistent/veritas-model".into(),
			device: Default::default(),
			threads: 1,
		},
		None,
	);
	match service.state() {
		EngineState::Failed(reason) => {
			assert!(reason.contains("/nonexistent/veritas-model"), "{reason}")
		},
		other => panic!("expected Failed, got {other:?}"),
	}
	assert_eq!(ClassifyBatch::model_hash(&*service), None);
	assert!(matches!(
		service.classify_batch(&[b"x".to_vec()]),
		Err(BatchError::NotReady(_))
	));
	assert!(matches!(
		service.classify(&[b"x".as_slice()], Source::Rpc),
		Err(ServiceError::NotReady(_))
	));
	let rpc = ClassifierRpc::new(service, LIMITS);
	let err = rpc.classify(vec!["rent".into()]).expect_err("not ready");
	assert_eq!(err.code(), NOT_READY_CODE);
	let info = rpc.model_info().expect("info");
	assert_eq!(info.state, "failed");
	assert!(info
		.error
		.is_some_and(|e| e.contains("/nonexistent/veritas-model")));
}

#[test]
fn a_disabled_service_loads_nothing() {
	let service = ClassifierService::disabled(None);
	assert_eq!(service.state(), EngineState::Disabled);
	assert!(service.engine().is_none());
	let info = ClassifierRpc::new(service, LIMITS)
		.model_info()
		.expect("info");
	assert_eq!(info.state, "disabled");
	assert_eq!(info.hash, None);
}

#[test]
fn the_rpc_refuses_bad_input_and_answers_good_input() {
	let service = ClassifierService::load_now(common::config(1), None);
	let rpc = ClassifierRpc::new(service, LIMITS);
	let too_many = rpc.classify(vec!["a".into(); 5]).expect_err("too many");
	assert_eq!(too_many.code(), -32602);
	assert!(
		too_many.message().contains("too many texts: 5"),
		"{}",
		too_many.message()
	);
	let too_long = rpc.classify(vec!["x".repeat(33)]).expect_err("too long");
	assert_eq!(too_long.code(), -32602);
	assert!(
		too_long.message().contains("33 bytes"),
		"{}",
		too_long.message()
	);

	let answer = rpc
		.classify(vec!["rent for May".into(), "".into()])
		.expect("classify");
	assert_eq!(answer.results.len(), 2);
	assert!(answer.model_hash.starts_with("0x") && answer.model_hash.len() == 66);
	assert!(answer.results[1].empty && answer.results[1].abstain);
	assert_eq!(answer.results[1].vote, "abstain");
	let info = rpc.model_info().expect("info");
	assert_eq!(info.state, "ready");
	assert_eq!(info.hash.as_deref(), Some(answer.model_hash.as_str()));
	assert_eq!(info.threads, Some(1));
}
