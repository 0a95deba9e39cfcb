//! The operating point: the threshold, the abstain margin and the input guard a validator votes
//! with, chosen on dev by what each outcome costs on chain.
//!
//! A validator turns a score into `Approve` (score ≤ threshold − margin), `Reject` (score ≥
//! threshold + margin) or `Abstain` (in between, or when the input guard finds the memo out of
//! scope). On chain a wrong `Approve` pays an illicit transfer out and cannot be undone; a wrong
//! `Reject` refunds an honest sender and names a reason they did not earn; `Abstain` (an
//! `Undecided` case when enough validators abstain) refunds the funds and accuses nobody: for an
//! honest sender a resubmission, for an illicit one a payout stopped but not named.
//! [`Costs`] prices the three, per rate, and [`choose`] picks the point of least mean cost over
//! the dev sets, with a margin no smaller than three times the score drift measured between
//! backends, so that hardware never turns an Approve into a Reject, and with both edges of the
//! band that far from the ends of the scale, where saturated scores pile up. (A memo whose score
//! lies within the drift of an edge can still get Approve from one backend and Abstain from
//! another; the report counts how many dev memos lie there.)
//!
//! The input guard is chosen first, by a rule fixed in advance ([`choose_guard`]): within a
//! budget of labelled dev memos it may take out of scope (they abstain), the guard that takes
//! the most of the inputs with nothing to judge (reference numbers, a word or two, emoji, other
//! languages) out of scope.

use serde::Serialize;
use veritas_classifier::guard::WordCount;

/// What each outcome costs, per rate (a rate is a share of the memos it can happen to).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Costs {
	/// An illicit memo approved: its funds are paid out.
	pub wrong_approve: f64,
	/// A legit memo rejected: the sender is refunded, accused, and resubmits.
	pub wrong_reject: f64,
	/// A legit memo abstained on: refunded without an accusation, the sender resubmits.
	pub abstain_legit: f64,
	/// An illicit memo abstained on: refunded, not paid out, but not named either.
	pub abstain_illicit: f64,
}

impl Default for Costs {
	fn default() -> Self {
		Self {
			wrong_approve: 10.0,
			wrong_reject: 1.0,
			abstain_legit: 0.5,
			abstain_illicit: 0.1,
		}
	}
}

/// One labelled memo as the engine saw it.
#[derive(Clone, Copy, Debug)]
pub struct Scored {
	/// Its label is the positive one.
	pub illicit: bool,
	/// The engine's score (0..=10000).
	pub score: u16,
	/// The input guard finds it out of scope (the validator abstains whatever the score).
	pub out_of_scope: bool,
}

/// A validator's vote on a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vote {
	/// Pay out.
	Approve,
	/// Refund, with a reason.
	Reject,
	/// No vote either way.
	Abstain,
}

/// The vote of the pallet's rule (`|score − threshold| < margin` abstains, `score ≥ threshold`
/// rejects), with the guard's abstention first.
pub fn vote(score: u16, out_of_scope: bool, threshold: u16, margin: u16) -> Vote {
	if out_of_scope || score.abs_diff(threshold) < margin {
		Vote::Abstain
	} else if score >= threshold {
		Vote::Reject
	} else {
		Vote::Approve
	}
}

/// The chain outcomes of one set at one operating point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outcomes {
	/// Legit memos.
	pub legit: usize,
	/// Illicit memos.
	pub illicit: usize,
	/// Illicit memos approved.
	pub wrong_approvals: usize,
	/// Legit memos rejected.
	pub wrong_rejections: usize,
	/// Memos abstained on (either label).
	pub abstentions: usize,
	/// Of those, illicit memos.
	pub abstentions_illicit: usize,
	/// Of those, abstained on because out of scope.
	pub out_of_scope: usize,
}

impl Outcomes {
	/// Counts the outcomes of `memos` at (`threshold`, `margin`).
	pub fn of(memos: &[Scored], threshold: u16, margin: u16) -> Self {
		let mut o = Outcomes::default();
		for m in memos {
			if m.illicit {
				o.illicit += 1;
			} else {
				o.legit += 1;
			}
			o.out_of_scope += usize::from(m.out_of_scope);
			match (vote(m.score, m.out_of_scope, threshold, margin), m.illicit) {
				(Vote::Abstain, illicit) => {
					o.abstentions += 1;
					o.abstentions_illicit += usize::from(illicit);
				},
				(Vote::Approve, true) => o.wrong_approvals += 1,
				(Vote::Reject, false) => o.wrong_rejections += 1,
				_ => {},
			}
		}
		o
	}

	/// Wrong approvals in share of illicit memos.
	pub fn wrong_approval_rate(&self) -> f64 {
		ratio(self.wrong_approvals, self.illicit)
	}

	/// Wrong rejections in share of legit memos.
	pub fn wrong_rejection_rate(&self) -> f64 {
		ratio(self.wrong_rejections, self.legit)
	}

	/// Abstentions in share of all memos.
	pub fn abstention_rate(&self) -> f64 {
		ratio(self.abstentions, self.legit + self.illicit)
	}

	/// The cost of these outcomes.
	pub fn cost(&self, c: &Costs) -> f64 {
		let abstained_legit = self.abstentions - self.abstentions_illicit;
		c.wrong_approve * self.wrong_approval_rate()
			+ c.wrong_reject * self.wrong_rejection_rate()
			+ c.abstain_legit * ratio(abstained_legit, self.legit)
			+ c.abstain_illicit * ratio(self.abstentions_illicit, self.illicit)
	}
}

fn ratio(k: usize, n: usize) -> f64 {
	if n == 0 {
		0.0
	} else {
		k as f64 / n as f64
	}
}

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
	if n == 0 {
		return (0.0, 1.0);
	}
	let (z, n, p) = (1.959_964, n as f64, k as f64 / n as f64);
	let z2 = z * z;
	let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
	let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
	((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A chosen threshold and margin with what they do on each dev set.
#[derive(Clone, Debug, Serialize)]
pub struct OperatingPoint {
	/// Decision threshold.
	pub threshold: u16,
	/// Abstain margin.
	pub margin: u16,
	/// Mean cost over the sets.
	pub cost: f64,
	/// Per set: name and outcomes.
	pub sets: Vec<(String, Outcomes)>,
}

/// Evaluates one operating point on every set.
pub fn evaluate(
	sets: &[(String, Vec<Scored>)],
	costs: &Costs,
	threshold: u16,
	margin: u16,
) -> OperatingPoint {
	let per: Vec<(String, Outcomes)> = sets
		.iter()
		.map(|(name, memos)| (name.clone(), Outcomes::of(memos, threshold, margin)))
		.collect();
	let cost = per.iter().map(|(_, o)| o.cost(costs)).sum::<f64>() / per.len().max(1) as f64;
	OperatingPoint {
		threshold,
		margin,
		cost,
		sets: per,
	}
}

/// The point of least mean cost over `sets` (each set weighs the same, whatever its size):
/// thresholds on a grid of `step` score units, margins at least `drift_floor` (and at least 1)
/// and the grid's steps above it; and, near the ends of the scale where saturated scores pile
/// up, every unit: bands whose approve edge lies within `step` above the floor (or whose
/// reject edge lies within `step` below `10000 − floor`). `drift_floor` is 3× the largest
/// score difference between the ways validators run the model; both edges of the band stay at
/// least that far inside 0..=10000, so a validator whose scores differ never votes otherwise
/// on the saturated scores piled at the ends (with no drift, as for a model pinned to int8, an
/// edge may sit at 0). A point that approves more than `max_wrong_approvals` (a share of
/// illicit memos) on any one set is not a candidate: the costs trade wrong approvals against
/// abstentions, the cap is the limit no trade may cross. Ties go to the first candidate met:
/// the grid's, smaller margin, then lower threshold. `None` when no point keeps under the cap
/// ([`strictest`] then says how far the sets are from it).
pub fn choose(
	sets: &[(String, Vec<Scored>)],
	costs: &Costs,
	drift_floor: u16,
	step: u16,
	max_wrong_approvals: f64,
) -> Option<OperatingPoint> {
	let step = step.max(1);
	let min_margin = drift_floor.max(1);
	let (floor, unit) = (i32::from(drift_floor), i32::from(step));
	let margins = std::iter::once(min_margin)
		.chain((0..=5_000).step_by(step.into()).filter(|&m| m > min_margin));
	let grid_points = margins.flat_map(|m| {
		(0..=10_000u16)
			.step_by(step.into())
			.map(move |t| (i32::from(t), i32::from(m)))
	});
	let grid: Vec<i32> = (0..=10_000).step_by(step.into()).collect();
	let low: Vec<i32> = (floor..floor + unit).collect();
	let high: Vec<i32> = (10_000 - floor - unit + 1..=10_000 - floor).collect();
	let fine_points = low
		.iter()
		.chain(&grid)
		.flat_map(|&a| grid.iter().chain(&high).map(move |&r| (a, r)))
		.filter(|&(a, r)| (low.contains(&a) || high.contains(&r)) && r >= a && (r - a) % 2 == 0)
		.map(|(a, r)| ((a + r) / 2, (r - a) / 2))
		.filter(|&(_, m)| m >= i32::from(min_margin));
	let mut best: Option<OperatingPoint> = None;
	for (threshold, margin) in grid_points.chain(fine_points) {
		// Both edges of the band stay `drift_floor` away from the ends of the scale, where
		// saturated scores pile up: an edge at 0 would split Approve and Abstain between
		// backends whose scores differ by a unit there.
		if threshold - margin < floor || threshold + margin > 10_000 - floor {
			continue;
		}
		let p = evaluate(sets, costs, threshold as u16, margin as u16);
		let capped = p
			.sets
			.iter()
			.any(|(_, o)| o.wrong_approval_rate() > max_wrong_approvals);
		if !capped && best.as_ref().is_none_or(|b| p.cost < b.cost - 1e-12) {
			best = Some(p);
		}
	}
	best
}

/// The strictest band [`choose`] may place, the approve edge `drift_floor` above 0 and the
/// reject edge as far below 10000: no point approves fewer memos. When [`choose`] finds none
/// under the cap, its wrong approvals per set say how far from the cap the model is. `None`
/// when the floor leaves no band (over 2500: the margin would be under the floor).
pub fn strictest(
	sets: &[(String, Vec<Scored>)],
	costs: &Costs,
	drift_floor: u16,
) -> Option<OperatingPoint> {
	(drift_floor <= 2_500).then(|| evaluate(sets, costs, 5_000, 5_000 - drift_floor))
}

/// Memos of `sets` whose score lies within `drift` of an edge of the band (`threshold` ±
/// `margin`): a backend `drift` units away could vote differently on them (0 without drift).
pub fn near_edges(
	sets: &[(String, Vec<Scored>)],
	threshold: u16,
	margin: u16,
	drift: u16,
) -> usize {
	if drift == 0 {
		return 0;
	}
	let (d, approve, reject) = (
		i32::from(drift),
		i32::from(threshold) - i32::from(margin),
		i32::from(threshold) + i32::from(margin),
	);
	sets.iter()
		.flat_map(|(_, memos)| memos.iter())
		.filter(|m| !m.out_of_scope)
		.filter(|m| {
			let s = i32::from(m.score);
			(approve - d < s && s <= approve + d) || (reject - d <= s && s < reject + d)
		})
		.count()
}

/// A candidate input guard and what it does on dev.
#[derive(Clone, Debug, Serialize)]
pub struct GuardChoice {
	/// Fewest English words.
	pub min_words: u16,
	/// Least English share, per mille.
	pub min_english_permille: u16,
	/// Per out-of-distribution kind: (kind, inputs, share out of scope).
	pub kinds: Vec<(String, usize, f64)>,
	/// Share of the labelled dev memos it takes out of scope.
	pub labelled_out_of_scope: f64,
	/// Memos longer than the model reads are out of scope too (a policy the caller sets; the
	/// rule above does not choose it).
	pub truncated: bool,
}

/// Whether `c` falls short of the guard (`min_words`, `min_english_permille`).
pub fn out_of_scope(c: &WordCount, min_words: u16, min_english_permille: u16) -> bool {
	c.english < usize::from(min_words) || c.english_permille() < usize::from(min_english_permille)
}

fn guard_choice(
	ood: &[(String, WordCount)],
	kinds: &[&str],
	labelled: &[WordCount],
	min_words: u16,
	min_english_permille: u16,
) -> GuardChoice {
	let oos = |c: &WordCount| out_of_scope(c, min_words, min_english_permille);
	let kinds = kinds
		.iter()
		.map(|k| {
			let of: Vec<&WordCount> = ood.iter().filter(|(x, _)| x == k).map(|(_, c)| c).collect();
			let n = of.len();
			(
				k.to_string(),
				n,
				ratio(of.iter().filter(|c| oos(c)).count(), n),
			)
		})
		.collect();
	GuardChoice {
		min_words,
		min_english_permille,
		kinds,
		labelled_out_of_scope: ratio(labelled.iter().filter(|c| oos(c)).count(), labelled.len()),
		truncated: false,
	}
}

/// The guard of the rule: among `min_words` 0..=6 and `min_english_permille` 0..=900 (steps of
/// 50), those that take at most `budget` of the `labelled` memos out of scope; of those, the one
/// that takes the largest mean share of each kind in `kinds` of the `ood` inputs out of scope
/// (ties: fewer labelled memos out of scope, then the smaller `min_words`, then the smaller
/// share). The empty guard (0, 0) always fits the budget.
pub fn choose_guard(
	ood: &[(String, WordCount)],
	kinds: &[&str],
	labelled: &[WordCount],
	budget: f64,
) -> GuardChoice {
	let coverage = |g: &GuardChoice| g.kinds.iter().map(|k| k.2).sum::<f64>();
	let mut best = guard_choice(ood, kinds, labelled, 0, 0);
	for w in 0..=6u16 {
		for p in (0..=900u16).step_by(50) {
			let g = guard_choice(ood, kinds, labelled, w, p);
			if g.labelled_out_of_scope > budget {
				continue;
			}
			let (gain, cheaper) = (
				coverage(&g) - coverage(&best),
				g.labelled_out_of_scope < best.labelled_out_of_scope,
			);
			if gain > 1e-12 || (gain.abs() <= 1e-12 && cheaper) {
				best = g;
			}
		}
	}
	best
}

#[cfg(test)]
mod tests {
	use super::*;

	fn memo(illicit: bool, score: u16) -> Scored {
		Scored {
			illicit,
			score,
			out_of_scope: false,
		}
	}

	#[test]
	fn votes_follow_the_pallet_rule() {
		assert_eq!(vote(1000, false, 5000, 500), Vote::Approve);
		assert_eq!(vote(4500, false, 5000, 500), Vote::Approve);
		assert_eq!(vote(4501, false, 5000, 500), Vote::Abstain);
		assert_eq!(vote(5499, false, 5000, 500), Vote::Abstain);
		assert_eq!(vote(5500, false, 5000, 500), Vote::Reject);
		assert_eq!(vote(9000, true, 5000, 500), Vote::Abstain);
	}

	#[test]
	fn outcomes_count_each_mistake_and_abstention() {
		let memos = [
			memo(true, 9000),
			memo(true, 1000),
			memo(true, 5100),
			memo(false, 500),
			memo(false, 8000),
			Scored {
				illicit: false,
				score: 100,
				out_of_scope: true,
			},
		];
		let o = Outcomes::of(&memos, 5000, 500);
		assert_eq!(
			o,
			Outcomes {
				legit: 3,
				illicit: 3,
				wrong_approvals: 1,
				wrong_rejections: 1,
				abstentions: 2,
				abstentions_illicit: 1,
				out_of_scope: 1,
			}
		);
		let c = Costs::default();
		let expected = 10.0 / 3.0 + 1.0 / 3.0 + 0.5 / 3.0 + 0.1 / 3.0;
		assert!((o.cost(&c) - expected).abs() < 1e-12);
	}

	#[test]
	fn a_dear_wrong_approval_moves_the_band_below_the_illicit_scores() {
		// Illicit memos score 3000..=9000, legit ones 0..=2000 and one legit at 3500.
		let mut memos: Vec<Scored> = (0..=60).map(|i| memo(true, 3000 + 100 * i)).collect();
		memos.extend((0..=20).map(|i| memo(false, 100 * i)));
		memos.push(memo(false, 3500));
		let sets = vec![("dev".to_string(), memos)];
		let p = choose(&sets, &Costs::default(), 10, 50, 1.0).expect("a point");
		let o = &p.sets[0].1;
		assert_eq!(o.wrong_approvals, 0, "{p:?}");
		// Every legit memo below 2000 is approved, no illicit one is.
		let approve_up_to = p.threshold - p.margin;
		assert!((2000..3000).contains(&approve_up_to), "{p:?}");
		// The legit memo among the illicit scores is abstained on, not rejected: cheaper.
		assert_eq!(o.wrong_rejections, 0, "{p:?}");
		assert!(o.abstentions >= 1, "{p:?}");
	}

	#[test]
	fn no_edge_sits_on_the_pile_of_saturated_scores() {
		// Legit memos saturate at 0; an illicit one escapes at 20. An edge at 0 would approve
		// only the legit pile, but a backend a unit apart would abstain on it: the edge must
		// stay the floor away from 0, and the escape is approved.
		let mut memos: Vec<Scored> = (0..20).map(|_| memo(false, 0)).collect();
		memos.push(memo(true, 20));
		memos.extend((0..20).map(|_| memo(true, 9_000)));
		let p = choose(&[("dev".into(), memos)], &Costs::default(), 30, 25, 1.0).expect("a point");
		assert!(p.threshold - p.margin >= 30, "{p:?}");
		assert_eq!(p.sets[0].1.wrong_approvals, 1, "{p:?}");
	}

	#[test]
	fn near_the_ends_the_band_is_placed_to_the_unit() {
		// Legit memos saturate at 0..=2, illicit ones escape at 10..=40: with a floor of 3 the
		// best approve edge is 3..=9, which a 50-unit grid cannot express (its nearest edge,
		// 50, approves every escape).
		let mut memos: Vec<Scored> = (0..60).map(|i| memo(false, i % 3)).collect();
		memos.extend((1..=4).map(|i| memo(true, 10 * i)));
		memos.extend((0..40).map(|_| memo(true, 9_990)));
		memos.extend((0..5).map(|_| memo(false, 5_000)));
		let p = choose(&[("dev".into(), memos)], &Costs::default(), 3, 50, 1.0).expect("a point");
		let o = &p.sets[0].1;
		assert!((3..10).contains(&(p.threshold - p.margin)), "{p:?}");
		assert_eq!(o.wrong_approvals, 0, "{p:?}");
		assert_eq!(o.abstentions - o.abstentions_illicit, 5, "{p:?}");
	}

	#[test]
	fn the_cap_on_wrong_approvals_holds_on_every_set_whatever_the_costs() {
		// Set "a": legit memos at 0..=990, illicit ones at 9000 and two escapes at 600 and 700
		// (2 of 100 illicit). Set "b" is clean. With wrong approvals cheap, the cost rule alone
		// approves the escapes to save abstaining on the legit memos above them.
		let mut a: Vec<Scored> = (0..100).map(|i| memo(false, 10 * i)).collect();
		a.extend((0..98).map(|_| memo(true, 9_000)));
		a.extend([memo(true, 600), memo(true, 700)]);
		let b: Vec<Scored> = (0..50)
			.map(|i| memo(i % 2 == 0, if i % 2 == 0 { 9_500 } else { 100 }))
			.collect();
		let sets = vec![("a".to_string(), a), ("b".to_string(), b)];
		let cheap = Costs {
			wrong_approve: 1.0,
			..Costs::default()
		};
		let free = choose(&sets, &cheap, 10, 50, 1.0).expect("a point");
		assert_eq!(free.sets[0].1.wrong_approvals, 2, "{free:?}");
		let capped = choose(&sets, &cheap, 10, 50, 0.01).expect("a point");
		assert!(
			capped
				.sets
				.iter()
				.all(|(_, o)| o.wrong_approval_rate() <= 0.01),
			"{capped:?}"
		);
		assert!(capped.threshold - capped.margin < 700, "{capped:?}");
		assert!(capped.cost > free.cost, "{capped:?} {free:?}");
		// An illicit memo at the very bottom of the scale escapes every band.
		let stuck = vec![("c".to_string(), vec![memo(true, 0), memo(false, 5_000)])];
		assert!(choose(&stuck, &cheap, 10, 50, 0.0).is_none());
	}

	#[test]
	fn without_drift_an_edge_may_sit_at_zero() {
		// Legit memos saturate at 0, an illicit one escapes at 1 (1 of 21). Where validators'
		// scores may differ by a unit (floor 3) every band approves it, and the strictest says
		// so; where every validator computes the same scores (floor 0), approving only 0 keeps
		// the cap.
		let mut memos: Vec<Scored> = (0..40).map(|_| memo(false, 0)).collect();
		memos.push(memo(true, 1));
		memos.extend((0..20).map(|_| memo(true, 9_999)));
		let sets = vec![("dev".to_string(), memos)];
		assert!(choose(&sets, &Costs::default(), 3, 50, 0.01).is_none());
		let s = strictest(&sets, &Costs::default(), 3).expect("a band");
		assert_eq!(
			(s.threshold - s.margin, s.sets[0].1.wrong_approvals),
			(3, 1)
		);
		let p = choose(&sets, &Costs::default(), 0, 50, 0.01).expect("a point");
		assert_eq!(p.threshold - p.margin, 0, "{p:?}");
		assert_eq!(p.sets[0].1.wrong_approvals, 0, "{p:?}");
		assert!(strictest(&sets, &Costs::default(), 2_501).is_none());
	}

	#[test]
	fn memos_near_an_edge_are_counted_within_the_drift() {
		let memos = vec![
			memo(false, 0),
			memo(false, 99),
			memo(false, 100),
			memo(false, 101),
			memo(true, 899),
			memo(true, 900),
			memo(true, 5_000),
		];
		let sets = vec![("dev".to_string(), memos)];
		// Band 100..900: approve <= 100, reject >= 900.
		assert_eq!(near_edges(&sets, 500, 400, 1), 4);
		assert_eq!(near_edges(&sets, 500, 400, 0), 0);
	}

	#[test]
	fn the_margin_never_falls_below_the_floor() {
		let memos: Vec<Scored> = (0..100)
			.map(|i| memo(i % 2 == 0, (i * 100) as u16))
			.collect();
		let p = choose(&[("dev".into(), memos)], &Costs::default(), 333, 50, 1.0).expect("a point");
		assert!(p.margin >= 333, "{p:?}");
		assert!(p.threshold - p.margin >= 333, "{p:?}");
		assert!(p.threshold + p.margin <= 10_000 - 333, "{p:?}");
	}

	#[test]
	fn wilson_intervals_hold_the_rate_and_widen_for_small_samples() {
		let (lo, hi) = wilson(5, 100);
		assert!(lo < 0.05 && 0.05 < hi);
		let (lo2, hi2) = wilson(50, 1000);
		assert!(hi2 - lo2 < hi - lo);
		assert_eq!(wilson(0, 0), (0.0, 1.0));
		assert_eq!(wilson(0, 10).0, 0.0);
	}

	#[test]
	fn the_guard_rule_covers_the_most_within_its_budget() {
		let wc = |words, english| WordCount { words, english };
		let ood = vec![
			("emoji-only".to_string(), wc(0, 0)),
			("emoji-only".to_string(), wc(0, 0)),
			("one-two-words".to_string(), wc(2, 2)),
			("one-two-words".to_string(), wc(1, 1)),
			("non-english".to_string(), wc(6, 2)),
			("non-english".to_string(), wc(8, 3)),
		];
		let kinds = ["emoji-only", "one-two-words", "non-english"];
		let labelled = vec![wc(10, 9), wc(4, 3), wc(3, 3), wc(12, 7)];
		// Without a budget nothing labelled may go: (3, 400) covers every input and no memo.
		let g = choose_guard(&ood, &kinds, &labelled, 0.0);
		assert_eq!((g.min_words, g.min_english_permille), (3, 400));
		assert_eq!(g.labelled_out_of_scope, 0.0);
		assert!(g.kinds.iter().all(|k| k.2 == 1.0));
		// A labelled memo of 2 English words forces a weaker guard within a zero budget.
		let short = vec![wc(2, 2), wc(10, 9)];
		let g = choose_guard(&ood, &kinds, &short, 0.0);
		assert_eq!(g.labelled_out_of_scope, 0.0);
		assert_eq!(g.min_words, 2, "{g:?}");
		assert_eq!(
			g.kinds[1].2, 0.5,
			"two words stay in scope, one does not: {g:?}"
		);
		assert_eq!(g.kinds[0].2, 1.0, "emoji are still out of scope: {g:?}");
		// A budget of half the memos buys the one-two-words back.
		let g = choose_guard(&ood, &kinds, &short, 0.5);
		assert!(g.kinds.iter().all(|k| k.2 == 1.0), "{g:?}");
		// Ten English words of ten are in scope under every guard of the grid.
		let english = vec![("long".to_string(), wc(10, 10))];
		let g = choose_guard(&english, &["long"], &labelled, 1.0);
		assert_eq!(g.kinds[0].2, 0.0);
	}
}
