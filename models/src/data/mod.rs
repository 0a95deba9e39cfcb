//! The labelled transaction dataset: a seeded generator, the family-level split, and JSONL I/O.
//!
//! Every example is the text `transfer <amount> <asset> to <recipient>: <memo>`; about a third use
//! the chain's own rendering (`transfer <token units> VRT to <full SS58>: <memo>`). Amount,
//! asset and recipient are drawn independently of the label, so only the memo carries signal.

use crate::perturb;
use crate::templates::{categories, Category};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

mod io;
mod render;
mod slots;
mod split;
mod styles;

pub use io::{read_jsonl, read_split, write_jsonl};
use render::render;
pub use render::{base58, ss58};
use slots::fill;
pub use split::{
	family_index, family_splits, first_style_pool, is_first_style, APPENDED_DEV_FAMILIES,
	APPENDED_DEV_POOL_END, DEV_FAMILIES, FIRST_STYLE_POOL, FROZEN_FAMILIES, TEST_FAMILIES,
};
use styles::apply_style;
pub use styles::ABBREV;

/// Label names in head row order.
pub const LABELS: [&str; 2] = ["legit", "illicit"];
/// Index of the positive label.
pub const POSITIVE: usize = 1;
/// Label index of a no-signal memo in training (one past the labels): its label target is the
/// uniform distribution over the labels, its reason target `none`, and it counts in no F1.
pub const NO_SIGNAL: usize = LABELS.len();
/// Default generator seed.
pub const DEFAULT_SEED: u64 = 20_260_601;
/// Split names.
pub const SPLITS: [&str; 3] = ["train", "dev", "test"];

/// One labelled example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Example {
	/// Stable id (`<split>-<n>`).
	pub id: String,
	/// Model input.
	pub text: String,
	/// `legit` or `illicit`.
	pub label: String,
	/// Reason category (e.g. `rent`, `phishing`).
	pub category: String,
	/// Template family id (`<category>/<index>`), the unit of the split.
	pub family: String,
	/// Hard negative / hard positive family.
	pub hard: bool,
	/// `chain` (VRT + full SS58, as the pallet renders it) or `free`; empty in hand-written sets
	/// (memos alone).
	#[serde(default)]
	pub rendering: String,
	/// Style transformations applied to the memo.
	#[serde(default)]
	pub styles: Vec<String>,
	/// The voice a hand-written memo is written in (`bank-terse`, `messenger`, …); absent in
	/// generated sets.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub voice: Option<String>,
}

impl Example {
	/// Label index (0 legit, 1 illicit).
	pub fn label_index(&self) -> usize {
		usize::from(self.label == LABELS[POSITIVE])
	}
	/// Reason code index (see [`reason_codes`]).
	pub fn reason_index(&self) -> usize {
		reason_codes()
			.iter()
			.position(|r| *r == self.category)
			.unwrap_or(0)
	}
}

/// Reason code names: `none` (index 0, the engine's value without a reason head) then every
/// category, legit first.
pub fn reason_codes() -> Vec<String> {
	std::iter::once("none".to_string())
		.chain(categories().iter().map(|c| c.name.to_string()))
		.collect()
}

/// Which reason codes each label may carry: `legit` the legit categories and `none`, `illicit`
/// the illicit categories (the manifest's `reasons_by_label`).
pub fn reasons_by_label() -> std::collections::BTreeMap<String, Vec<String>> {
	let side = |illicit: bool| -> Vec<String> {
		let none = (!illicit).then(|| "none".to_string());
		none.into_iter()
			.chain(
				categories()
					.iter()
					.filter(|c| c.illicit == illicit)
					.map(|c| c.name.to_string()),
			)
			.collect()
	};
	LABELS
		.iter()
		.enumerate()
		.map(|(i, l)| (l.to_string(), side(i == POSITIVE)))
		.collect()
}

/// The random stream of one family's examples: it depends only on the seed and the family's
/// position, so appending families leaves every existing family's examples as they were.
fn family_rng(seed: u64, cat_index: usize, family_index: usize) -> ChaCha8Rng {
	ChaCha8Rng::seed_from_u64(
		seed.rotate_left(17) ^ ((cat_index as u64) << 32 | family_index as u64),
	)
}

/// Generator options.
#[derive(Clone, Debug)]
pub struct GenOptions {
	/// Seed.
	pub seed: u64,
	/// Examples per dev and test family.
	pub per_family: usize,
	/// Examples per train family (more families with fewer examples each keep the training
	/// cost flat as families are appended).
	pub train_per_family: usize,
	/// Examples per train family among the first [`FROZEN_FAMILIES`] of each category (the pool
	/// the test families come from), so that appended families do not drown them out; the
	/// count applies to every first-style training family ([`is_first_style`]).
	pub first_pool_train_per_family: usize,
	/// Send each category's [`FIRST_STYLE_POOL`] to train instead of dev (dev keeps the
	/// other families, test is unchanged).
	pub first_style_pool_to_train: bool,
}

/// The published model's training set (`veritas-tx-v8`): first-style training families (the
/// first pool's and the [`FIRST_STYLE_POOL`]) at 30 examples, appended ones at 8.
impl Default for GenOptions {
	fn default() -> Self {
		Self {
			seed: DEFAULT_SEED,
			per_family: 30,
			train_per_family: 8,
			first_pool_train_per_family: 30,
			first_style_pool_to_train: true,
		}
	}
}

/// The generated dataset.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
	/// Training split.
	pub train: Vec<Example>,
	/// Development split (early stopping, threshold).
	pub dev: Vec<Example>,
	/// Test split.
	pub test: Vec<Example>,
}

impl Dataset {
	/// Split by name.
	pub fn split(&self, name: &str) -> Option<&Vec<Example>> {
		match name {
			"train" => Some(&self.train),
			"dev" => Some(&self.dev),
			"test" => Some(&self.test),
			_ => None,
		}
	}
}

/// Generates the dataset from the template families (deterministic for a seed).
pub fn generate(opts: &GenOptions) -> Dataset {
	generate_from(categories(), opts)
}

/// Generates the dataset from `cats` (deterministic for a seed).
pub fn generate_from(cats: &[Category], opts: &GenOptions) -> Dataset {
	let mut seen: HashSet<String> = HashSet::new();
	let mut out = Dataset::default();
	for (ci, cat) in cats.iter().enumerate() {
		let mut splits = family_splits(opts.seed, ci, cat);
		if opts.first_style_pool_to_train {
			if let Some(pool) = first_style_pool(cat.name) {
				let pool = pool.start.min(splits.len())..pool.end.min(splits.len());
				splits[pool].fill(0);
			}
		}
		for (fi, fam) in cat.families.iter().enumerate() {
			let mut rng = family_rng(opts.seed, ci, fi);
			let count = match splits[fi] {
				0 if is_first_style(cat.name, fi) => opts.first_pool_train_per_family,
				0 => opts.train_per_family,
				_ => opts.per_family,
			};
			for _ in 0..count {
				// Retry a few times to avoid exact duplicates.
				let mut made = None;
				for _ in 0..40 {
					let tpl = fam.templates.choose(&mut rng).copied().unwrap_or("");
					let memo = fill(tpl, &mut rng);
					let (memo, styles) = apply_style(&memo, &mut rng);
					let (text, rendering) = render(&memo, &mut rng);
					if seen.insert(text.clone()) {
						made = Some((text, rendering, styles));
						break;
					}
				}
				let Some((text, rendering, styles)) = made else {
					continue;
				};
				let split = splits[fi];
				let bucket = match split {
					0 => &mut out.train,
					1 => &mut out.dev,
					_ => &mut out.test,
				};
				bucket.push(Example {
					id: String::new(),
					text,
					label: LABELS[usize::from(cat.illicit)].to_string(),
					category: cat.name.to_string(),
					family: format!("{}/{fi}", cat.name),
					hard: fam.hard,
					rendering: rendering.to_string(),
					styles: styles.iter().map(|s| s.to_string()).collect(),
					voice: None,
				});
			}
		}
	}
	// Each split is shuffled by its own stream, so a split's order depends only on its own rows.
	for (si, (name, v)) in [
		("train", &mut out.train),
		("dev", &mut out.dev),
		("test", &mut out.test),
	]
	.into_iter()
	.enumerate()
	{
		v.shuffle(&mut ChaCha8Rng::seed_from_u64(
			opts.seed ^ (0x5917_0000 + si as u64),
		));
		for (i, e) in v.iter_mut().enumerate() {
			e.id = format!("{name}-{i:05}");
		}
	}
	out
}

/// The perturbed copy of a split (memo only; the chain-rendered prefix is left alone): every
/// example gets `ops` random perturbations (see [`crate::perturb`]).
pub fn perturbed_copy(examples: &[Example], seed: u64, ops: usize) -> Vec<Example> {
	let mut rng = ChaCha8Rng::seed_from_u64(seed);
	examples
		.iter()
		.map(|e| {
			let (prefix, memo) = split_memo(&e.text);
			let (memo, applied) = perturb::perturb(memo, ops, &mut rng);
			let mut p = e.clone();
			p.id = format!("{}-p", e.id);
			p.text = format!("{prefix}{memo}");
			p.styles = applied.iter().map(|s| format!("perturb:{s}")).collect();
			p
		})
		.collect()
}

/// Splits `transfer … to …: memo` into (`transfer … to …: `, `memo`).
pub fn split_memo(text: &str) -> (&str, &str) {
	match text.find(": ") {
		Some(i) => text.split_at(i + 2),
		None => ("", text),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ss58_known_vector() {
		// Alice's sr25519 public key.
		let k: [u8; 32] = [
			0xd4, 0x35, 0x93, 0xc7, 0x15, 0xfd, 0xd3, 0x1c, 0x61, 0x14, 0x1a, 0xbd, 0x04, 0xa9,
			0x9f, 0xd6, 0x82, 0x2c, 0x85, 0x58, 0x85, 0x4c, 0xcd, 0xe3, 0x9a, 0x56, 0x84, 0xe7,
			0xa5, 0x6d, 0xa2, 0x7d,
		];
		assert_eq!(ss58(&k), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
	}

	#[test]
	fn splits_are_disjoint_by_family_and_cover_every_category() {
		let d = generate(&GenOptions {
			seed: 7,
			per_family: 6,
			train_per_family: 3,
			first_pool_train_per_family: 3,
			first_style_pool_to_train: false,
		});
		let fams = |v: &Vec<Example>| v.iter().map(|e| e.family.clone()).collect::<HashSet<_>>();
		let (a, b, c) = (fams(&d.train), fams(&d.dev), fams(&d.test));
		assert!(a.is_disjoint(&b) && a.is_disjoint(&c) && b.is_disjoint(&c));
		for split in [&d.train, &d.dev, &d.test] {
			let cats: HashSet<_> = split.iter().map(|e| e.category.clone()).collect();
			assert_eq!(cats.len(), categories().len());
		}
		assert!(d.test.iter().any(|e| e.hard) && d.train.iter().any(|e| e.hard));
	}

	/// The categories as they were with only their first `n` families.
	fn first_families(n: usize) -> Vec<Category> {
		categories()
			.iter()
			.map(|c| Category {
				families: c.families.iter().take(n).cloned().collect(),
				..c.clone()
			})
			.collect()
	}

	#[test]
	fn appended_families_leave_existing_splits_and_test_examples_alone() {
		assert!(
			categories()
				.iter()
				.all(|c| c.families.len() > FROZEN_FAMILIES),
			"every category has appended families"
		);
		let before = first_families(FROZEN_FAMILIES);
		for (ci, (now, then)) in categories().iter().zip(&before).enumerate() {
			let s_now = family_splits(DEFAULT_SEED, ci, now);
			let s_then = family_splits(DEFAULT_SEED, ci, then);
			assert_eq!(&s_now[..FROZEN_FAMILIES], &s_then[..], "{}", now.name);
			let appended = &s_now[FROZEN_FAMILIES..];
			assert!(
				!appended.contains(&2),
				"{}: appended family in test",
				now.name
			);
			let dev = appended.iter().filter(|&&s| s == 1).count();
			let pool = first_style_pool(now.name).map_or(0, |p| p.len());
			assert_eq!(dev, APPENDED_DEV_FAMILIES + pool, "{}", now.name);
		}
		let o = GenOptions {
			seed: DEFAULT_SEED,
			per_family: 4,
			train_per_family: 4,
			first_pool_train_per_family: 4,
			first_style_pool_to_train: false,
		};
		let (full, old) = (generate(&o), generate_from(&before, &o));
		assert_eq!(full.test, old.test);
		assert!(full.train.len() > old.train.len() && full.dev.len() > old.dev.len());
	}

	#[test]
	fn the_first_style_pool_goes_to_dev_and_leaves_earlier_splits_alone() {
		for (ci, c) in categories().iter().enumerate() {
			let Some(pool) = first_style_pool(c.name) else {
				panic!("{} has no FIRST_STYLE_POOL entry", c.name);
			};
			assert_eq!(pool.end, c.families.len(), "{}: pool end", c.name);
			let before = Category {
				families: c.families[..pool.start].to_vec(),
				..c.clone()
			};
			let (s_now, s_before) = (
				family_splits(DEFAULT_SEED, ci, c),
				family_splits(DEFAULT_SEED, ci, &before),
			);
			assert_eq!(&s_now[..pool.start], &s_before[..], "{}", c.name);
			assert!(s_now[pool.clone()].iter().all(|&s| s == 1), "{}", c.name);
			assert!(is_first_style(c.name, pool.start) && is_first_style(c.name, 0));
			assert!(!is_first_style(c.name, FROZEN_FAMILIES));
			assert!(!is_first_style(c.name, pool.end));
		}
	}

	#[test]
	fn families_past_the_dev_pools_go_to_train_and_leave_dev_and_test_alone() {
		let now = categories();
		// Every category grows by two families (stand-ins: copies of its first two).
		let grown: Vec<Category> = now
			.iter()
			.map(|c| Category {
				families: c.families.iter().chain(&c.families[..2]).cloned().collect(),
				..c.clone()
			})
			.collect();
		for (ci, (g, c)) in grown.iter().zip(now).enumerate() {
			let (s_grown, s_now) = (
				family_splits(DEFAULT_SEED, ci, g),
				family_splits(DEFAULT_SEED, ci, c),
			);
			assert_eq!(&s_grown[..c.families.len()], &s_now[..], "{}", c.name);
			assert!(
				s_grown[c.families.len()..].iter().all(|&s| s == 0),
				"{}",
				c.name
			);
		}
		let o = GenOptions {
			seed: DEFAULT_SEED,
			per_family: 3,
			train_per_family: 2,
			first_pool_train_per_family: 2,
			first_style_pool_to_train: false,
		};
		let (a, b) = (generate_from(&grown, &o), generate_from(now, &o));
		assert_eq!((a.dev, a.test), (b.dev, b.test));
		assert_eq!(a.train.len(), b.train.len() + 2 * 2 * now.len());
	}

	/// Word set of a wording for the leak check: lower case, only `a-z 0-9 { }` kept.
	fn words(wording: &str) -> HashSet<String> {
		wording
			.to_lowercase()
			.chars()
			.filter(|c| {
				c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '{' | '}' | ' ')
			})
			.collect::<String>()
			.split_whitespace()
			.map(str::to_string)
			.collect()
	}

	/// Share of words two wordings have in common (Jaccard index of their [`words`]).
	fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
		a.intersection(b).count() as f64 / (a.union(b).count().max(1) as f64)
	}

	/// Appended families were filtered against the dev and test families before they were
	/// added (`families/README.md`, "Provenance"); this keeps it so: no appended training
	/// wording shares half or more of its words with a wording of a dev or test family.
	#[test]
	fn appended_families_do_not_leak_dev_or_test_wordings() {
		for (ci, cat) in categories().iter().enumerate() {
			let splits = family_splits(DEFAULT_SEED, ci, cat);
			let held: Vec<(usize, HashSet<String>)> = cat
				.families
				.iter()
				.enumerate()
				.filter(|(f, _)| splits[*f] != 0)
				.flat_map(|(f, fam)| fam.templates.iter().map(move |t| (f, words(t))))
				.collect();
			let appended_train = cat.families.iter().enumerate().skip(FROZEN_FAMILIES);
			for (f, fam) in appended_train.filter(|(f, _)| splits[*f] == 0) {
				for t in &fam.templates {
					let w = words(t);
					for (g, h) in &held {
						let jaccard = jaccard(&w, h);
						assert!(
							jaccard < 0.5,
							"{}/{f} `{t}` repeats held-out family {}/{g} (Jaccard {jaccard:.2})",
							cat.name,
							cat.name
						);
					}
				}
			}
		}
	}

	/// The first-style dev families were filtered against every earlier family of their
	/// category and each other, so they score scenarios no model trained on: no wording of one
	/// shares half or more of its words with a wording of any other family of the category.
	#[test]
	fn first_style_dev_families_repeat_no_other_family() {
		for cat in categories().iter() {
			let Some(pool) = first_style_pool(cat.name) else {
				continue;
			};
			let all: Vec<(usize, &str, HashSet<String>)> = cat
				.families
				.iter()
				.enumerate()
				.flat_map(|(f, fam)| fam.templates.iter().map(move |t| (f, *t, words(t))))
				.collect();
			for (f, t, w) in all.iter().filter(|(f, _, _)| pool.contains(f)) {
				for (g, _, h) in all.iter().filter(|(g, _, _)| g != f) {
					let jaccard = jaccard(w, h);
					assert!(
						jaccard < 0.5,
						"{}/{f} `{t}` repeats family {}/{g} (Jaccard {jaccard:.2})",
						cat.name,
						cat.name
					);
				}
			}
		}
	}

	/// Small counts with distinct first-pool and appended training counts (5 and 2), the pool in
	/// dev.
	fn small_counts() -> GenOptions {
		GenOptions {
			seed: DEFAULT_SEED,
			per_family: 3,
			train_per_family: 2,
			first_pool_train_per_family: 5,
			first_style_pool_to_train: false,
		}
	}

	/// Training examples per family.
	fn train_counts(d: &Dataset) -> std::collections::HashMap<&str, usize> {
		let mut per_family = std::collections::HashMap::new();
		for e in &d.train {
			*per_family.entry(e.family.as_str()).or_default() += 1;
		}
		per_family
	}

	#[test]
	fn first_style_pool_can_go_to_train_leaving_test_alone() {
		let o = small_counts();
		let moved = GenOptions {
			first_style_pool_to_train: true,
			..o.clone()
		};
		let (a, b) = (generate(&o), generate(&moved));
		assert_eq!(a.test, b.test, "test must not change");
		let in_pool = |e: &Example| {
			first_style_pool(&e.category)
				.is_some_and(|p| family_index(&e.family).is_some_and(|i| p.contains(&i)))
		};
		let pool_families: HashSet<&str> = a
			.dev
			.iter()
			.filter(|e| in_pool(e))
			.map(|e| e.family.as_str())
			.collect();
		assert!(!pool_families.is_empty());
		assert!(b.dev.iter().all(|e| !in_pool(e)), "the pool left dev");
		let kept = |v: &Vec<Example>| {
			let mut t: Vec<String> = v
				.iter()
				.filter(|e| !in_pool(e))
				.map(|e| e.text.clone())
				.collect();
			t.sort();
			t
		};
		assert_eq!(
			kept(&a.dev),
			kept(&b.dev),
			"dev keeps its other families as they were"
		);
		assert_eq!(kept(&a.train), kept(&b.train), "train keeps what it had");
		let mut per_family = train_counts(&b);
		let pool_in_train: HashSet<&str> = b
			.train
			.iter()
			.filter(|e| in_pool(e))
			.map(|e| e.family.as_str())
			.collect();
		per_family.retain(|f, _| pool_in_train.contains(f));
		assert_eq!(
			per_family.keys().copied().collect::<HashSet<_>>(),
			pool_families,
			"every pool family is in train"
		);
		assert!(
			per_family.values().all(|&n| n == 5),
			"at the first-style count"
		);
	}

	#[test]
	fn first_pool_training_families_get_their_own_count() {
		let o = small_counts();
		let d = generate(&o);
		for (family, n) in train_counts(&d) {
			let index = family_index(family).expect("family id");
			let want = if index < FROZEN_FAMILIES { 5 } else { 2 };
			assert_eq!(n, want, "{family}");
		}
		let same = GenOptions {
			first_pool_train_per_family: 2,
			..o
		};
		let d2 = generate(&same);
		assert_eq!(
			(d.dev, d.test),
			(d2.dev, d2.test),
			"dev and test do not depend on it"
		);
	}

	#[test]
	fn generation_is_deterministic() {
		let o = GenOptions {
			seed: 11,
			per_family: 3,
			train_per_family: 3,
			first_pool_train_per_family: 3,
			first_style_pool_to_train: false,
		};
		assert_eq!(generate(&o).test, generate(&o).test);
	}
}
