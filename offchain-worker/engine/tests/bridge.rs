//! The `classifier` host functions inside `sp_io::TestExternalities`, with the real engine
//! registered as the `ClassifierExt` extension, without any extension, and with failing stubs.

mod common;

use codec::{Decode, Encode};
use common::*;
use std::sync::Arc;
use veritas_classifier::{authoring::ModelSpec, Engine, InputScope};
use veritas_classifier_interface::{
	classifier, classify, engine_model_hash, flags, output_len, BatchError, Classification,
	ClassifierExt, ClassifyBatch, ClassifyError, Status,
};

fn ext_with(engine: Arc<dyn ClassifyBatch + Send + Sync>) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(ClassifierExt::new(engine));
	ext
}

#[test]
fn host_function_with_real_engine() {
	let dir = demo_model("bridge", &ModelSpec::default(), 5);
	let engine = Arc::new(Engine::load(dir.path(), opts()).expect("load"));
	let texts: Vec<Vec<u8>> = vec![
		b"transfer 120 VRT to 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY: rent for May"
			.to_vec(),
		b"".to_vec(),
		b"invoice \xff\xfe 4411".to_vec(),
		"gift card codes for the prize, urgent, wire now "
			.repeat(60)
			.into_bytes(),
	];
	let expected: Vec<Classification> = engine
		.classify_model_inputs(&texts.iter().map(|t| t.as_slice()).collect::<Vec<_>>())
		.expect("classify")
		.into_iter()
		.map(Into::into)
		.collect();
	assert!(expected[1].has_flag(flags::EMPTY) && expected[1].abstain);
	assert!(expected[2].has_flag(flags::LOSSY_UTF8));
	assert!(expected[3].has_flag(flags::TRUNCATED));

	let hash = engine.model_hash();
	let mut ext = ext_with(engine);
	ext.execute_with(|| {
		// Raw host function.
		let input = texts.encode();
		let mut out = vec![0u8; output_len(texts.len())];
		let code = classifier::classify_batch(&input, &mut out);
		assert_eq!(Status::from_u32(code), Some(Status::Ok));
		let got = Vec::<Classification>::decode(&mut &out[..]).expect("decode");
		assert_eq!(got, expected);
		// A larger buffer is fine too.
		let mut big = vec![0u8; output_len(texts.len()) + 100];
		assert_eq!(
			classifier::classify_batch(&input, &mut big),
			Status::Ok as u32
		);
		// Runtime-side wrapper.
		assert_eq!(classify(&texts).expect("wrapper"), expected);
		assert_eq!(classify::<Vec<u8>>(&[]).expect("empty batch"), vec![]);
		// Buffer too small.
		let mut small = vec![0u8; output_len(texts.len()) - 1];
		assert_eq!(
			classifier::classify_batch(&input, &mut small),
			Status::BufferTooSmall as u32
		);
		// Malformed input: not SCALE, and trailing bytes.
		let mut out = vec![0u8; 64];
		assert_eq!(
			classifier::classify_batch(&[0xff, 0xff], &mut out),
			Status::InvalidInput as u32
		);
		let mut trailing = vec![b"a".to_vec()].encode();
		trailing.push(0);
		assert_eq!(
			classifier::classify_batch(&trailing, &mut out),
			Status::InvalidInput as u32
		);
		// Model hash.
		assert_eq!(engine_model_hash().expect("hash"), hash);
	});
}

#[test]
fn host_function_without_extension_returns_code() {
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		let input = vec![b"hello".to_vec()].encode();
		let mut out = vec![0u8; output_len(1)];
		assert_eq!(
			classifier::classify_batch(&input, &mut out),
			Status::NoExtension as u32
		);
		assert_eq!(
			classify(&[b"hello".to_vec()]),
			Err(ClassifyError::Host(Status::NoExtension))
		);
		let mut h = [0u8; 32];
		assert_eq!(classifier::model_hash(&mut h), Status::NoExtension as u32);
		assert_eq!(
			engine_model_hash(),
			Err(ClassifyError::Host(Status::NoExtension))
		);
	});
}

struct Panics;
impl ClassifyBatch for Panics {
	fn classify_batch(&self, _: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError> {
		panic!("engine exploded")
	}
	fn model_hash(&self) -> Option<[u8; 32]> {
		Some([1; 32])
	}
}

struct Fails;
impl ClassifyBatch for Fails {
	fn classify_batch(&self, _: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError> {
		Err(BatchError::Failed("no good".into()))
	}
	fn model_hash(&self) -> Option<[u8; 32]> {
		Some([2; 32])
	}
}

struct WrongCount;
impl ClassifyBatch for WrongCount {
	fn classify_batch(&self, _: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError> {
		Ok(vec![Classification::default()])
	}
	fn model_hash(&self) -> Option<[u8; 32]> {
		Some([3; 32])
	}
}

/// An engine whose model is still loading.
struct Loading;
impl ClassifyBatch for Loading {
	fn classify_batch(&self, _: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError> {
		Err(BatchError::NotReady("loading".into()))
	}
	fn model_hash(&self) -> Option<[u8; 32]> {
		None
	}
}

#[test]
fn an_engine_that_is_not_ready_says_so() {
	let mut ext = ext_with(Arc::new(Loading));
	ext.execute_with(|| {
		assert_eq!(
			classify(&[b"a".to_vec()]),
			Err(ClassifyError::Host(Status::NotReady))
		);
		assert_eq!(
			engine_model_hash(),
			Err(ClassifyError::Host(Status::NotReady))
		);
	});
}

#[test]
fn the_host_classifies_model_inputs_as_they_are() {
	// A memo-scoped model; a memo that happens to look like a rendered transfer. The host never
	// parses the texts it is given: it classifies the memo whole, where `classify_bytes` (the
	// CLI's path for rendered texts) would cut it at ": ".
	let spec = ModelSpec {
		input: InputScope::Memo,
		..ModelSpec::default()
	};
	let dir = demo_model("bridge-raw", &spec, 5);
	let engine = Arc::new(Engine::load(dir.path(), opts()).expect("load"));
	let memo = b"transfer 5 VRT to the landlord: rent for May and the deposit".to_vec();
	let whole: Classification = engine
		.classify_model_inputs(&[memo.as_slice()])
		.expect("classify")[0]
		.into();
	let cut: Classification =
		engine.classify_bytes(&[memo.as_slice()]).expect("classify")[0].into();
	assert_ne!(
		whole.score, cut.score,
		"the two readings must differ for this test to mean anything"
	);
	let mut ext = ext_with(engine);
	ext.execute_with(|| {
		assert_eq!(
			classify(std::slice::from_ref(&memo)).expect("host"),
			vec![whole]
		);
	});
}

#[test]
fn engine_failures_become_error_codes() {
	let input = vec![b"a".to_vec(), b"b".to_vec()].encode();
	for engine in [
		Arc::new(Panics) as Arc<dyn ClassifyBatch + Send + Sync>,
		Arc::new(Fails),
		Arc::new(WrongCount),
	] {
		let mut ext = ext_with(engine);
		ext.execute_with(|| {
			let mut out = vec![0u8; output_len(2)];
			assert_eq!(
				classifier::classify_batch(&input, &mut out),
				Status::EngineError as u32
			);
			assert_eq!(
				classify(&[b"a".to_vec(), b"b".to_vec()]),
				Err(ClassifyError::Host(Status::EngineError))
			);
		});
	}
}
