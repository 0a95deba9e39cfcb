//! The split policy: which template family goes to train, dev or test. Splits are by family
//! (all examples of a family share one split), seeded, and stable: appending families to a
//! category never moves an existing family.

use crate::templates::Category;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::ops::Range;

/// Families per category that go to test.
pub const TEST_FAMILIES: usize = 4;
/// Families per category that go to dev among the first [`FROZEN_FAMILIES`] (train gets the
/// rest).
pub const DEV_FAMILIES: usize = 2;
/// Families per category whose split is frozen: families `0..FROZEN_FAMILIES` are split among
/// themselves only, so the test split stays the same families however many are appended.
pub const FROZEN_FAMILIES: usize = 24;
/// Families per category, among those appended after the first [`FROZEN_FAMILIES`], that go to
/// dev (the rest go to train; appended families never go to test).
pub const APPENDED_DEV_FAMILIES: usize = 2;
/// Per category, the end of the pool that the [`APPENDED_DEV_FAMILIES`] dev families are drawn
/// from (families `FROZEN_FAMILIES..end`). Families appended past it go to train, so dev stays
/// the same families however many are appended, and no model trained on an older dataset
/// trained on a newer one's dev family. A category missing here draws from all its appended
/// families. (Which dataset version fixed each entry: `models/CHANGELOG.md`.)
pub const APPENDED_DEV_POOL_END: &[(&str, usize)] = &[
	("bribery", 42),
	("darknet_goods", 44),
	("donation", 43),
	("extortion", 44),
	("fake_airdrop", 44),
	("family_support", 42),
	("impersonation", 44),
	("investment_scam", 44),
	("invoice", 44),
	("loan_repayment", 44),
	("medical", 43),
	("money_laundering", 44),
	("phishing", 44),
	("ransomware", 44),
	("refund", 44),
	("rent", 42),
	("retail", 44),
	("romance_scam", 44),
	("salary", 41),
	("sanctions_evasion", 44),
	("subscription", 42),
	("supply_chain", 40),
	("tax", 42),
	("travel", 42),
	("utilities", 40),
];

/// Per category, families `start..end` written in the style of its first [`FROZEN_FAMILIES`]
/// (the pool the test families come from; their writers saw only that pool's training
/// families): [`is_first_style`] counts them with it. [`family_splits`] sends them to dev;
/// [`super::GenOptions::first_style_pool_to_train`] (the default) moves them to train.
/// Families appended after `end` go to train. A category missing here has no such pool.
pub const FIRST_STYLE_POOL: &[(&str, usize, usize)] = &[
	("bribery", 101, 110),
	("darknet_goods", 103, 111),
	("donation", 100, 109),
	("extortion", 104, 114),
	("fake_airdrop", 104, 112),
	("family_support", 99, 108),
	("impersonation", 104, 112),
	("investment_scam", 104, 114),
	("invoice", 101, 110),
	("loan_repayment", 100, 108),
	("medical", 101, 111),
	("money_laundering", 104, 112),
	("phishing", 104, 114),
	("ransomware", 104, 112),
	("refund", 102, 111),
	("rent", 95, 105),
	("retail", 103, 111),
	("romance_scam", 101, 110),
	("salary", 96, 106),
	("sanctions_evasion", 104, 113),
	("subscription", 96, 106),
	("supply_chain", 99, 108),
	("tax", 93, 103),
	("travel", 101, 110),
	("utilities", 98, 107),
];

/// The category's [`FIRST_STYLE_POOL`] families, if it has any.
pub fn first_style_pool(category: &str) -> Option<Range<usize>> {
	FIRST_STYLE_POOL
		.iter()
		.find(|(name, _, _)| *name == category)
		.map(|&(_, start, end)| start..end)
}

/// Whether family `index` of `category` is written in the style of the pool the test families
/// come from: one of the category's first [`FROZEN_FAMILIES`] or of its
/// [`FIRST_STYLE_POOL`].
pub fn is_first_style(category: &str, index: usize) -> bool {
	index < FROZEN_FAMILIES || first_style_pool(category).is_some_and(|p| p.contains(&index))
}

/// The category's [`APPENDED_DEV_POOL_END`] entry, if it has one.
fn appended_dev_pool_end(category: &str) -> Option<usize> {
	APPENDED_DEV_POOL_END
		.iter()
		.find(|(name, _)| *name == category)
		.map(|&(_, end)| end)
}

/// The index in a family id `<category>/<index>`.
pub fn family_index(family: &str) -> Option<usize> {
	family.rsplit_once('/')?.1.parse().ok()
}

/// Which split every family of a category goes to: `[split index per family]` (0 train, 1 dev,
/// 2 test).
///
/// The first [`FROZEN_FAMILIES`] families (all of them, if there are fewer): a seeded shuffle,
/// the first [`TEST_FAMILIES`] go to test, the next [`DEV_FAMILIES`] to dev, the rest to train.
/// Then, so that test holds hard cases while train still sees some: for an even-numbered
/// category the first hard family is moved into test and the last one into train; for an
/// odd-numbered category every hard family is moved into train.
///
/// Families appended after those, up to the category's [`APPENDED_DEV_POOL_END`]: another
/// seeded shuffle sends [`APPENDED_DEV_FAMILIES`] of them to dev and the rest to train. Families
/// past the pool go to train, except the category's [`FIRST_STYLE_POOL`], which goes to dev
/// whole. So appending families never changes an existing family's split.
pub fn family_splits(seed: u64, cat_index: usize, cat: &Category) -> Vec<usize> {
	let total = cat.families.len();
	let n = total.min(FROZEN_FAMILIES);
	let held = (TEST_FAMILIES + DEV_FAMILIES).min(n.saturating_sub(1));
	let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (0x5EED_0000 + cat_index as u64));
	let mut perm: Vec<usize> = (0..n).collect();
	perm.shuffle(&mut rng);
	let hard: Vec<usize> = (0..n).filter(|&f| cat.families[f].hard).collect();
	let pos = |perm: &Vec<usize>, f: usize| perm.iter().position(|&x| x == f).unwrap_or(0);
	if cat_index.is_multiple_of(2) {
		if let Some(&h) = hard.first() {
			let p = pos(&perm, h);
			perm.swap(p, 0);
		}
		if let Some(&h) = hard.last().filter(|&&h| Some(&h) != hard.first()) {
			let p = pos(&perm, h);
			if p < held {
				perm.swap(p, n - 1);
			}
		}
	} else {
		for &h in &hard {
			let p = pos(&perm, h);
			if p < held {
				if let Some(q) = (held..n).find(|&q| !cat.families[perm[q]].hard) {
					perm.swap(p, q);
				}
			}
		}
	}
	let mut split = vec![0usize; total];
	for (rank, &f) in perm.iter().enumerate() {
		split[f] = if rank < TEST_FAMILIES {
			2
		} else if rank < held {
			1
		} else {
			0
		};
	}
	let pool_end = appended_dev_pool_end(cat.name).map_or(total, |end| end.clamp(n, total));
	let mut appended: Vec<usize> = (n..pool_end).collect();
	let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (0xA99E_0000 + cat_index as u64));
	appended.shuffle(&mut rng);
	for &f in appended.iter().take(APPENDED_DEV_FAMILIES) {
		split[f] = 1;
	}
	if let Some(pool) = first_style_pool(cat.name) {
		let (start, end) = (pool.start.max(pool_end), pool.end.min(total));
		if start < end {
			split[start..end].fill(1);
		}
	}
	split
}
