//! Fault injection for the network fault suite (`tests/network`): a validator that lies.
//!
//! Compiled only with the `fault-injection` feature, which no default build enables. A node
//! built with it and started with `--fault-invert-votes` hands its off-chain worker the mirror
//! image of every result: the score reflected about the model's threshold, the label flipped.
//! A confident Approve becomes a confident Reject and the other way round, while a result inside
//! the abstain band stays inside it (its distance to the threshold is unchanged), so the
//! validator is Byzantine exactly where its vote could matter.

use std::sync::Arc;

use veritas_classifier_interface::{BatchError, Classification, ClassifyBatch};

use crate::ClassifierService;

/// A classifier whose every verdict is inverted.
pub struct Inverted(pub Arc<ClassifierService>);

/// `c` reflected about `threshold` (scores clamp to `0..=10000`, which only moves them further
/// from the threshold), with the label flipped between the first two labels.
pub fn invert(c: Classification, threshold: u16) -> Classification {
	let mirrored = (2 * i32::from(threshold) - i32::from(c.score)).clamp(0, 10_000);
	Classification {
		score: mirrored as u16,
		label: match c.label {
			0 => 1,
			1 => 0,
			other => other,
		},
		..c
	}
}

impl ClassifyBatch for Inverted {
	fn classify_batch(&self, texts: &[Vec<u8>]) -> Result<Vec<Classification>, BatchError> {
		let threshold = self
			.0
			.engine()
			.map(|e| e.manifest().threshold)
			.ok_or_else(|| BatchError::NotReady("the classifier is not ready".into()))?;
		let honest = self.0.classify_batch(texts)?;
		Ok(honest.into_iter().map(|c| invert(c, threshold)).collect())
	}

	fn model_hash(&self) -> Option<[u8; 32]> {
		self.0.model_hash()
	}

	fn note_submission(&self, votes: u32, accepted: bool) {
		self.0.note_submission(votes, accepted)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn result(score: u16, label: u8) -> Classification {
		Classification {
			label,
			score,
			reason: 3,
			abstain: false,
			flags: 0,
		}
	}

	#[test]
	fn confident_results_change_sides_and_the_abstain_band_is_kept() {
		let (threshold, margin) = (1650u16, 500u16);
		let side = |s: u16| {
			if s.abs_diff(threshold) < margin {
				0
			} else if s >= threshold {
				1
			} else {
				-1
			}
		};
		for score in (0..=10_000).step_by(25) {
			let inverted = invert(result(score, u8::from(score >= threshold)), threshold);
			assert_eq!(
				side(inverted.score),
				-side(score),
				"score {score} → {}",
				inverted.score
			);
			assert_eq!(inverted.reason, 3);
		}
		assert_eq!(invert(result(9_000, 1), threshold).label, 0);
		assert_eq!(invert(result(100, 0), threshold).label, 1);
	}
}
