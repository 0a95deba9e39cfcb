//! The classifier's Prometheus metrics, registered on the node's registry (names `veritas_*`).

use substrate_prometheus_endpoint::{
	exponential_buckets, register, Counter, Gauge, HistogramOpts, HistogramVec, Opts,
	PrometheusError, Registry, U64,
};

/// Who asked for a classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
	/// The off-chain worker, to vote.
	Worker,
	/// A `verdicts_classify` RPC call.
	Rpc,
}

impl Source {
	fn label(self) -> &'static str {
		match self {
			Source::Worker => "worker",
			Source::Rpc => "rpc",
		}
	}
}

/// The metrics.
#[derive(Clone)]
pub struct Metrics {
	inference_seconds: HistogramVec,
	batch_size: HistogramVec,
	cases_classified: Counter<U64>,
	votes_submitted: Counter<U64>,
	batches_refused: Counter<U64>,
	engine_state: Gauge<U64>,
}

impl Metrics {
	/// Registers every metric on `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			inference_seconds: register(
				HistogramVec::new(
					HistogramOpts::new(
						"veritas_inference_seconds",
						"Time the classifier took for one batch (tokenize, encode, heads)",
					)
					.buckets(exponential_buckets(0.005, 2.0, 12)?),
					&["source"],
				)?,
				registry,
			)?,
			batch_size: register(
				HistogramVec::new(
					HistogramOpts::new(
						"veritas_inference_batch_size",
						"Texts per classified batch",
					)
					.buckets(exponential_buckets(1.0, 2.0, 10)?),
					&["source"],
				)?,
				registry,
			)?,
			cases_classified: register(
				Counter::new(
					"veritas_cases_classified_total",
					"Pending cases the off-chain worker classified",
				)?,
				registry,
			)?,
			votes_submitted: register(
				Counter::new(
					"veritas_votes_submitted_total",
					"Votes in attest_batch extrinsics the transaction pool accepted",
				)?,
				registry,
			)?,
			batches_refused: register(
				Counter::new(
					"veritas_vote_batches_refused_total",
					"Signed attest_batch extrinsics the transaction pool refused",
				)?,
				registry,
			)?,
			engine_state: register(
				Gauge::with_opts(Opts::new(
					"veritas_engine_state",
					"Classifier state: 0 loading, 1 ready, 2 failed, 3 disabled (--no-vote)",
				))?,
				registry,
			)?,
		})
	}

	/// One batch of `texts` texts took `seconds`.
	pub fn observe_batch(&self, source: Source, texts: usize, seconds: f64) {
		self.inference_seconds
			.with_label_values(&[source.label()])
			.observe(seconds);
		self.batch_size
			.with_label_values(&[source.label()])
			.observe(texts as f64);
		if source == Source::Worker {
			self.cases_classified.inc_by(texts as u64);
		}
	}

	/// A vote batch reached the pool (`accepted`) or was refused.
	pub fn note_submission(&self, votes: u32, accepted: bool) {
		if accepted {
			self.votes_submitted.inc_by(votes as u64);
		} else {
			self.batches_refused.inc();
		}
	}

	/// The engine's state code (see [`crate::EngineState::code`]).
	pub fn set_state(&self, code: u64) {
		self.engine_state.set(code);
	}
}
