//! Comparing models on the same dev memos: each model's chain outcomes and cost at its own
//! operating point, and a paired bootstrap of its cost's difference from the first model's; on
//! no-signal memos (whose answer is Abstain), how many each abstains on, bootstrapped the same way.
//!
//! The bootstrap draws memos with replacement, the same draw for every model, so the interval
//! says how far the difference could move on another set written the same way. It says nothing
//! about memos of another kind; a choice between models still rests on the set it was made on.

use crate::operating::{Costs, Outcomes, Scored};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// One model's scores on a set, memo by memo in the set's order, and the point it votes at.
#[derive(Clone, Debug)]
pub struct Ballot {
	/// The model's name in the comparison.
	pub name: String,
	/// Each memo's score and truth, in the set's order (the same order for every model).
	pub memos: Vec<Scored>,
	/// The model's threshold.
	pub threshold: u16,
	/// The model's abstain margin.
	pub margin: u16,
}

impl Ballot {
	/// The chain outcomes of the memos at `picks` (indices, repeats allowed).
	fn outcomes_of(&self, picks: &[usize]) -> Outcomes {
		let drawn: Vec<Scored> = picks.iter().map(|&i| self.memos[i]).collect();
		Outcomes::of(&drawn, self.threshold, self.margin)
	}

	/// The chain outcomes of every memo.
	pub fn outcomes(&self) -> Outcomes {
		Outcomes::of(&self.memos, self.threshold, self.margin)
	}
}

/// A cost difference (model − baseline) on the set and its bootstrap spread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
	/// On the set itself.
	pub point: f64,
	/// 2.5th percentile of the resampled differences.
	pub low: f64,
	/// 97.5th percentile.
	pub high: f64,
	/// Share of resamples on which the model costs less than the baseline.
	pub cheaper: f64,
}

/// Paired bootstrap of `cost(model) − cost(baseline)` over `resamples` draws of the memos.
///
/// Both ballots must score the same memos in the same order.
pub fn cost_difference(
	baseline: &Ballot,
	model: &Ballot,
	costs: &Costs,
	resamples: usize,
	seed: u64,
) -> anyhow::Result<Difference> {
	let n = baseline.memos.len();
	anyhow::ensure!(
		n == model.memos.len() && n > 0,
		"{} scores {} memos and {} scores {}: a paired comparison needs the same memos",
		baseline.name,
		n,
		model.name,
		model.memos.len()
	);
	anyhow::ensure!(
		baseline
			.memos
			.iter()
			.zip(&model.memos)
			.all(|(a, b)| a.illicit == b.illicit),
		"{} and {} disagree on the labels: not the same memos in the same order",
		baseline.name,
		model.name
	);
	let point = model.outcomes().cost(costs) - baseline.outcomes().cost(costs);
	let diffs = paired_bootstrap(n, resamples, seed, |picks| {
		model.outcomes_of(picks).cost(costs) - baseline.outcomes_of(picks).cost(costs)
	})?;
	Ok(Difference {
		point,
		low: percentile(&diffs, 0.025),
		high: percentile(&diffs, 0.975),
		// Two different outcome counts of equal cost can differ by a rounding error.
		cheaper: diffs.iter().filter(|&&d| d < -1e-12).count() as f64 / resamples as f64,
	})
}

/// A difference in the share of no-signal memos abstained on (model − baseline) and its
/// bootstrap spread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AbstainDifference {
	/// On the set itself.
	pub point: f64,
	/// 2.5th percentile of the resampled differences.
	pub low: f64,
	/// 97.5th percentile.
	pub high: f64,
	/// Share of resamples on which the model abstains on more memos than the baseline.
	pub more: f64,
}

/// Paired bootstrap of `share abstained(model) − share abstained(baseline)` on the same
/// no-signal memos (`true`: abstained), over `resamples` draws of the memos.
pub fn abstain_difference(
	baseline: &[bool],
	model: &[bool],
	resamples: usize,
	seed: u64,
) -> anyhow::Result<AbstainDifference> {
	let n = baseline.len();
	anyhow::ensure!(
		n == model.len() && n > 0,
		"abstentions on {n} and on {} memos: a paired comparison needs the same memos",
		model.len()
	);
	let share = |votes: &[bool], picks: &mut dyn Iterator<Item = usize>| {
		picks.filter(|&i| votes[i]).count() as f64 / n as f64
	};
	let point = share(model, &mut (0..n)) - share(baseline, &mut (0..n));
	let diffs = paired_bootstrap(n, resamples, seed, |picks| {
		share(model, &mut picks.iter().copied()) - share(baseline, &mut picks.iter().copied())
	})?;
	Ok(AbstainDifference {
		point,
		low: percentile(&diffs, 0.025),
		high: percentile(&diffs, 0.975),
		more: diffs.iter().filter(|&&d| d > 1e-12).count() as f64 / resamples as f64,
	})
}

/// `diff` on `resamples` draws (with replacement, from `seed`) of `n` memo indices, sorted.
fn paired_bootstrap(
	n: usize,
	resamples: usize,
	seed: u64,
	diff: impl Fn(&[usize]) -> f64,
) -> anyhow::Result<Vec<f64>> {
	anyhow::ensure!(resamples > 0, "the bootstrap needs at least one resample");
	let mut rng = ChaCha8Rng::seed_from_u64(seed);
	let mut picks = vec![0usize; n];
	let mut diffs: Vec<f64> = (0..resamples)
		.map(|_| {
			for p in picks.iter_mut() {
				*p = rng.random_range(0..n);
			}
			diff(&picks)
		})
		.collect();
	diffs.sort_by(f64::total_cmp);
	Ok(diffs)
}

/// The `q` quantile of sorted, non-empty `values` (nearest rank).
fn percentile(values: &[f64], q: f64) -> f64 {
	values[((values.len() - 1) as f64 * q).round() as usize]
}

#[cfg(test)]
mod tests {
	use super::*;

	fn ballot(name: &str, scores: &[(bool, u16)]) -> Ballot {
		Ballot {
			name: name.into(),
			memos: scores
				.iter()
				.map(|&(illicit, score)| Scored {
					illicit,
					score,
					out_of_scope: false,
				})
				.collect(),
			threshold: 5000,
			margin: 1000,
		}
	}

	/// 40 memos, half illicit; `wrong` of each half scored on the wrong side.
	fn set(name: &str, wrong: usize) -> Ballot {
		let scores: Vec<(bool, u16)> = (0..40)
			.map(|i| {
				let illicit = i % 2 == 1;
				let right = i / 2 >= wrong;
				(illicit, if illicit == right { 9000 } else { 1000 })
			})
			.collect();
		ballot(name, &scores)
	}

	#[test]
	fn a_model_against_itself_differs_by_nothing() {
		let a = set("a", 3);
		let d = cost_difference(&a, &a, &Costs::default(), 500, 1).expect("same memos");
		assert_eq!((d.point, d.low, d.high, d.cheaper), (0.0, 0.0, 0.0, 0.0));
	}

	#[test]
	fn a_model_right_where_the_baseline_errs_is_cheaper_on_every_resample() {
		let (base, better) = (set("base", 4), set("better", 0));
		let c = Costs::default();
		let d = cost_difference(&base, &better, &c, 1000, 7).expect("same memos");
		// 4 of 20 illicit approved (10 × 0.2) and 4 of 20 legit rejected (1 × 0.2).
		assert!((d.point + 2.2).abs() < 1e-12, "{d:?}");
		assert!(d.low <= d.point && d.point <= d.high, "{d:?}");
		assert!(d.high < 0.0 && d.cheaper > 0.99, "{d:?}");
		// The same seed draws the same resamples.
		assert_eq!(
			d,
			cost_difference(&base, &better, &c, 1000, 7).expect("same memos")
		);
	}

	#[test]
	fn ballots_of_different_memos_are_refused() {
		let a = set("a", 0);
		let mut b = set("b", 0);
		b.memos.pop();
		let err = cost_difference(&a, &b, &Costs::default(), 10, 1).expect_err("39 vs 40");
		assert!(err.to_string().contains("same memos"), "{err}");
		let mut c = set("c", 0);
		c.memos[0].illicit = !c.memos[0].illicit;
		let err = cost_difference(&a, &c, &Costs::default(), 10, 1).expect_err("labels differ");
		assert!(err.to_string().contains("disagree on the labels"), "{err}");
	}

	#[test]
	fn abstaining_on_more_no_signal_memos_shows_in_every_resample() {
		let base: Vec<bool> = (0..50).map(|i| i % 5 == 0).collect(); // 10 of 50
		let more: Vec<bool> = (0..50).map(|i| i % 5 != 4).collect(); // 40 of 50, a superset
		let d = abstain_difference(&base, &more, 1000, 7).expect("same memos");
		assert!((d.point - 0.6).abs() < 1e-12, "{d:?}");
		assert!(
			d.low > 0.0 && d.low <= d.point && d.point <= d.high,
			"{d:?}"
		);
		assert_eq!(d.more, 1.0);
		let same = abstain_difference(&base, &base, 200, 7).expect("same memos");
		assert_eq!(
			(same.point, same.low, same.high, same.more),
			(0.0, 0.0, 0.0, 0.0)
		);
		let err = abstain_difference(&base, &more[1..], 10, 7).expect_err("49 vs 50");
		assert!(err.to_string().contains("same memos"), "{err}");
		assert!(abstain_difference(&base, &more, 0, 7).is_err());
	}
}
