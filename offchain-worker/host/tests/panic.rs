//! A panic inside the engine, on one of its pool's threads, must not stop the node.
//!
//! A node installs sp-panic-handler, which exits the process on a panic unless the panicking
//! thread opted into unwinding. Each case runs in a child process (this test binary again, with
//! the node's real panic handler installed) so that an exit is observable: the parent asserts
//! that the guarded engine survives an injected panic on a pool thread and classifies on, and
//! that the same panic on a pool built without the guard does end the process.

mod common;

use std::process::{Command, Output};
use veritas_classifier::{Engine, EngineOptions};
use veritas_classifier_host::{metrics::Source, ClassifierService, EngineState, ServiceError};

const CHILD: &str = "VERITAS_PANIC_TEST_CHILD";
const SURVIVED: &str = "child survived the panic";

/// Panics on every thread of the current pool but the first: always on a pool thread, never on
/// the caller.
fn inject_panic() {
	rayon::broadcast(|ctx| {
		if ctx.index() > 0 {
			panic!(
				"injected panic on {}",
				std::thread::current().name().unwrap_or("?")
			);
		}
	});
}

/// The child's side: does nothing unless started by `run_child`.
#[test]
fn child() {
	let Ok(mode) = std::env::var(CHILD) else {
		return;
	};
	sp_panic_handler::set("https://example.invalid/veritas/issues", "panic-test");
	match mode.as_str() {
		"guarded" => {
			let service = ClassifierService::load_now(common::config(2), None);
			assert_eq!(service.state(), EngineState::Ready);
			let outcome = service.with_engine(|engine| engine.install(inject_panic));
			match outcome {
				Err(ServiceError::Panicked(msg)) => {
					assert!(msg.contains("injected panic"), "{msg}")
				},
				other => panic!("expected the panic as an error, got {other:?}"),
			}
			let after = service
				.classify(&[b"rent for May".as_slice()], Source::Rpc)
				.expect("the engine classifies after the panic");
			assert_eq!(after.results.len(), 1);
		},
		"unguarded" => {
			let engine = Engine::load(
				common::published_model_dir(),
				EngineOptions {
					threads: Some(2),
					..Default::default()
				},
			)
			.expect("load");
			let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
				engine.install(inject_panic)
			}));
		},
		other => panic!("unknown child mode {other}"),
	}
	println!("{SURVIVED}");
}

fn run_child(mode: &str) -> Output {
	Command::new(std::env::current_exe().expect("test binary"))
		.args(["--exact", "child", "--nocapture", "--test-threads=1"])
		.env(CHILD, mode)
		.output()
		.expect("run the child")
}

#[test]
fn a_panic_on_an_engine_pool_thread_does_not_stop_the_node() {
	let out = run_child("guarded");
	let (stdout, stderr) = (
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr),
	);
	assert!(
		out.status.success() && stdout.contains(SURVIVED),
		"the guarded child died: {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
		out.status
	);
	assert!(
		stderr.contains("injected panic on veritas-classifier-"),
		"the panic was not raised on a pool thread:\n{stderr}"
	);
}

#[test]
fn without_the_guard_the_same_panic_ends_the_process() {
	let out = run_child("unguarded");
	let (stdout, stderr) = (
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr),
	);
	assert!(
		!out.status.success() && !stdout.contains(SURVIVED),
		"the unguarded child survived, so the guarded test proves nothing:\n{stdout}"
	);
	assert!(
		stderr.contains("injected panic on veritas-classifier-"),
		"{stderr}"
	);
}
