//! Threads that unwind on a panic.
//!
//! A Substrate node installs `sp-panic-handler`: a panic on any thread that has not opted into
//! unwinding exits the process. sc-executor opts in only on the thread that runs the runtime. The
//! engine's rayon pool (its own threads, gemm's split of a matmul, the tokenizer's parallel
//! encode) must opt in itself, or a bug in one batch would stop the validator.

use sp_panic_handler::AbortGuard;
use std::{
	any::Any,
	panic::{catch_unwind, AssertUnwindSafe},
	sync::Arc,
};
use veritas_classifier::ThreadWrapper;

/// The wrapper the engine's pool threads run through: each thread holds an
/// [`AbortGuard::force_unwind`] for its whole life.
pub fn unwinding_threads() -> ThreadWrapper {
	ThreadWrapper(Arc::new(|run| {
		let _guard = AbortGuard::force_unwind();
		run()
	}))
}

/// Runs `f` on the calling thread with unwinding forced and the panic caught: `Err` carries the
/// panic's message.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
	let _guard = AbortGuard::force_unwind();
	catch_unwind(AssertUnwindSafe(f)).map_err(panic_message)
}

/// The message of a panic payload.
pub fn panic_message(payload: Box<dyn Any + Send>) -> String {
	if let Some(s) = payload.downcast_ref::<&str>() {
		(*s).to_string()
	} else if let Some(s) = payload.downcast_ref::<String>() {
		s.clone()
	} else {
		"panic with a non-string payload".to_string()
	}
}
