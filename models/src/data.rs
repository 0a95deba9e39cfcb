//! The labelled transaction dataset: a seeded generator, the family-level split, and JSONL I/O.
//!
//! Every example is the text `transfer <amount> <asset> to <recipient>: <memo>`; about a third use
//! the chain's own rendering (`transfer <token units> VRT to <full SS58>: <memo>`). Amount,
//! asset and recipient are drawn independently of the label, so only the memo carries signal.

use crate::perturb;
use crate::templates::{categories, expand_alternatives, Category};
use anyhow::{bail, Context, Result};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::ops::Range;
use std::path::Path;

/// Label names in head row order.
pub const LABELS: [&str; 2] = ["legit", "illicit"];
/// Index of the positive label.
pub const POSITIVE: usize = 1;
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

/// Families per category that go to test.
pub const TEST_FAMILIES: usize = 4;
/// Families per category that go to dev among the first [`FROZEN_FAMILIES`] (train gets the
/// rest).
pub const DEV_FAMILIES: usize = 2;
/// Families per category whose split is frozen: families `0..FROZEN_FAMILIES` were split when
/// the dataset had exactly that many (`veritas-tx-v2`) and keep that split, so the test split
/// stays the same families however many are appended later.
pub const FROZEN_FAMILIES: usize = 24;
/// Families per category, among those appended after the first [`FROZEN_FAMILIES`], that go to
/// dev (the rest go to train; appended families never go to test).
pub const APPENDED_DEV_FAMILIES: usize = 2;
/// Families per category when `veritas-tx-v3` was cut: the [`APPENDED_DEV_FAMILIES`] dev
/// families were drawn from families `FROZEN_FAMILIES..` up to this count. Families appended
/// after these go to train, so dev stays the same families in later dataset versions and a model
/// trained on an earlier version never trained on a later dev family. A category missing here
/// draws from all its appended families.
pub const DEV_POOL_END: &[(&str, usize)] = &[
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

/// Per category, the families appended for `veritas-tx-v7`: `start..end`, the category's family
/// counts before and after. They were written in the style of the category's first
/// [`FROZEN_FAMILIES`] families (the pool the test families come from; their writers saw only
/// that pool's training families). In `veritas-tx-v7` every one went to dev, where with the first
/// pool's own dev families they made the dev families that look like test ([`is_first_style`]);
/// `veritas-tx-v8` sends them to train ([`GenOptions::first_style_pool_to_train`]), and
/// [`family_splits`] still names their v7 split. Families appended after `end` go to train. A
/// category missing here has no such pool.
pub const FIRST_STYLE_DEV_POOL: &[(&str, usize, usize)] = &[
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

/// The category's [`FIRST_STYLE_DEV_POOL`] families, if it has any.
pub fn first_style_dev_pool(category: &str) -> Option<Range<usize>> {
	FIRST_STYLE_DEV_POOL
		.iter()
		.find(|(name, _, _)| *name == category)
		.map(|&(_, start, end)| start..end)
}

/// Whether family `index` of `category` is written in the style of the pool the test families
/// come from: one of the category's first [`FROZEN_FAMILIES`] or of its
/// [`FIRST_STYLE_DEV_POOL`].
pub fn is_first_style(category: &str, index: usize) -> bool {
	index < FROZEN_FAMILIES || first_style_dev_pool(category).is_some_and(|p| p.contains(&index))
}

/// The category's [`DEV_POOL_END`] entry, if it has one.
fn dev_pool_end(category: &str) -> Option<usize> {
	DEV_POOL_END
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
/// Families appended after those, up to the category's [`DEV_POOL_END`]: another seeded shuffle
/// sends [`APPENDED_DEV_FAMILIES`] of them to dev and the rest to train. Families past the pool
/// go to train, except the category's [`FIRST_STYLE_DEV_POOL`], which goes to dev whole. So
/// appending families never changes an existing family's split.
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
	let pool_end = dev_pool_end(cat.name).map_or(total, |end| end.clamp(n, total));
	let mut appended: Vec<usize> = (n..pool_end).collect();
	let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (0xA99E_0000 + cat_index as u64));
	appended.shuffle(&mut rng);
	for &f in appended.iter().take(APPENDED_DEV_FAMILIES) {
		split[f] = 1;
	}
	if let Some(pool) = first_style_dev_pool(cat.name) {
		let (start, end) = (pool.start.max(pool_end), pool.end.min(total));
		if start < end {
			split[start..end].fill(1);
		}
	}
	split
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
	/// Send each category's [`FIRST_STYLE_DEV_POOL`] to train instead of dev (dev keeps the
	/// other families, test is unchanged).
	pub first_style_pool_to_train: bool,
}

/// The published model's training set (`veritas-tx-v8`): first-style training families (the
/// first pool's and, since v8, the [`FIRST_STYLE_DEV_POOL`]) at 30 examples, appended ones at 8.
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
			if let Some(pool) = first_style_dev_pool(cat.name) {
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

// ------------------------------------------------------------------------------------ slots

const NAMES: &[&str] = &[
	"Alice", "Bob", "Priya", "Jonas", "Mei", "Carlos", "Fatima", "Tom", "Ana", "Kwame", "Olga",
	"Hiro", "Lena", "Omar", "Sofia", "Dmitri", "Aisha", "Liam", "Chen", "Marta", "Tunde", "Ingrid",
	"Ravi", "Noor", "Pablo", "Yuki",
];
const SURNAMES: &[&str] = &[
	"Moreau", "Müller", "Patel", "Okafor", "Souza", "Kowalski", "Tanaka", "Nguyen", "Haddad",
	"Larsen", "Rossi", "Mensah", "Ivanova", "Smith", "García",
];
const COMPANIES: &[&str] = &[
	"Acme Supplies",
	"Nordwind GmbH",
	"BlueRiver Logistics",
	"Kappa Labs",
	"Sunrise Bakery",
	"Helix Pharma",
	"Orbit Telecom",
	"Maple & Co",
	"Quantum Print",
	"Greenleaf Foods",
	"Ironclad Tools",
	"Lumen Studio",
	"Pacific Freight",
	"Atlas Consulting",
];
const MONTHS: &[&str] = &[
	"January",
	"February",
	"March",
	"April",
	"May",
	"June",
	"July",
	"August",
	"September",
	"October",
	"November",
	"December",
	"Jan",
	"Feb",
	"Mar",
	"Apr",
	"Oct",
	"Nov",
	"Dec",
	"03/2025",
	"11/2025",
];
const CITIES: &[&str] = &[
	"Lisbon", "Berlin", "Nairobi", "Manila", "Austin", "Warsaw", "Osaka", "Lagos", "Dubai",
	"Istanbul", "Bogota", "Hanoi", "Tallinn", "Zurich",
];
const STREETS: &[&str] = &[
	"Elm St",
	"Rua Augusta",
	"Baker Street",
	"Kastanienallee",
	"Maple Ave",
	"Calle Mayor",
	"Station Road",
];
const PRODUCTS: &[&str] = &[
	"headphones",
	"a desk chair",
	"2 bags of coffee",
	"the blue jacket",
	"running shoes",
	"a phone case",
	"the bike",
	"garden tools",
	"a used laptop",
	"concert tickets",
	"a lamp",
	"kids books",
];
const CHARITIES: &[&str] = &[
	"the Red Cross",
	"the animal shelter",
	"Doctors Without Borders",
	"the local hospice",
	"Wikipedia",
	"the children's hospital",
	"UNICEF",
];
const SERVICES: &[&str] = &[
	"Netflix",
	"Spotify",
	"cloud storage",
	"VPN",
	"the news app",
	"Figma",
	"GitHub",
	"Duolingo",
];
const PROJECTS: &[&str] = &[
	"Polkadot SDK",
	"rust-analyzer",
	"Moonlight",
	"Zenith",
	"OpenMaps",
];
const PETS: &[&str] = &["Max the dog", "our cat Luna", "the rabbit", "Rex"];
const COINS: &[&str] = &["VRT", "DOT", "ETH", "USDC", "BTC", "SOL", "USDT", "KSM"];
const ISPS: &[&str] = &["FiberNet", "Telco One", "SkyLink", "Vodafone", "Comcast"];
const PHISH: &[&str] = &[
	"veritas-secure-login.net",
	"wallet-verify.io",
	"claim-vrt.xyz",
	"polkadot-support.help",
	"secure-vault-check.com",
	"bit.ly/3xK9qz",
	"metamask-restore.app",
];
const CELEBS: &[&str] = &["Elon", "Vitalik", "MrBeast", "Gavin Wood", "CZ"];

fn fill(tpl: &str, rng: &mut ChaCha8Rng) -> String {
	let tpl = expand_alternatives(tpl, rng);
	let mut out = String::with_capacity(tpl.len() + 16);
	let mut rest = tpl.as_str();
	while let Some(start) = rest.find('{') {
		out.push_str(&rest[..start]);
		let Some(len) = rest[start..].find('}') else {
			out.push_str(&rest[start..]);
			return out;
		};
		let slot = &rest[start + 1..start + len];
		out.push_str(&fill_slot(slot, rng));
		rest = &rest[start + len + 1..];
	}
	out.push_str(rest);
	out
}

fn pick(xs: &[&str], rng: &mut ChaCha8Rng) -> String {
	xs.choose(rng).copied().unwrap_or("").to_string()
}

fn fill_slot(slot: &str, rng: &mut ChaCha8Rng) -> String {
	match slot {
		"name" | "name2" => {
			if rng.random_bool(0.4) {
				format!("{} {}", pick(NAMES, rng), pick(SURNAMES, rng))
			} else {
				pick(NAMES, rng)
			}
		},
		"company" => pick(COMPANIES, rng),
		"month" => pick(MONTHS, rng),
		"city" => pick(CITIES, rng),
		"street" => pick(STREETS, rng),
		"product" => pick(PRODUCTS, rng),
		"charity" => pick(CHARITIES, rng),
		"service" => pick(SERVICES, rng),
		"project" => pick(PROJECTS, rng),
		"pet" => pick(PETS, rng),
		"coin" => pick(COINS, rng),
		"isp" => pick(ISPS, rng),
		"phish" => pick(PHISH, rng),
		"celebrity" => pick(CELEBS, rng),
		"num" => rng.random_range(2..=12).to_string(),
		"q" => rng.random_range(1..=4).to_string(),
		"year" => rng.random_range(2023..=2026).to_string(),
		"days" => rng.random_range(2..=30).to_string(),
		"pct" => pick(&["20%", "35%", "50%", "100%", "300%", "12% weekly"], rng),
		"acct" => rng.random_range(100_000..99_999_999u32).to_string(),
		"order" => match rng.random_range(0..3) {
			0 => rng.random_range(10_000..9_999_999u32).to_string(),
			1 => format!("A-{}", rng.random_range(1000..99_999u32)),
			_ => format!(
				"{}-{}",
				rng.random_range(100..999),
				rng.random_range(1000..9999)
			),
		},
		"inv" => match rng.random_range(0..5) {
			0 => format!(
				"INV-{}-{:04}",
				rng.random_range(2023..=2026),
				rng.random_range(1..9999)
			),
			1 => format!("#{}", rng.random_range(1000..99_999)),
			2 => format!("PO-{}", rng.random_range(10_000..99_999)),
			3 => format!(
				"{}/{}",
				rng.random_range(1..999),
				rng.random_range(2023..=2026)
			),
			_ => format!("F{}", rng.random_range(100_000..999_999)),
		},
		"container" => format!(
			"{}U{}",
			pick(&["MSK", "CMA", "HLX", "TGH"], rng),
			rng.random_range(1_000_000..9_999_999)
		),
		"date" => {
			let (d, m, y) = (
				rng.random_range(1..=28),
				rng.random_range(1..=12),
				rng.random_range(2024..=2026),
			);
			match rng.random_range(0..3) {
				0 => format!("{y}-{m:02}-{d:02}"),
				1 => format!("{d:02}/{m:02}/{y}"),
				_ => format!("{} {d}", MONTHS[(m - 1) as usize]),
			}
		},
		other => format!("{{{other}}}"),
	}
}

// ------------------------------------------------------------------------------------ styles

const EMOJI: &[&str] = &[
	"🙏", "👍", "😊", "✅", "🔥", "🚀", "💰", "❤️", "🎉", "😅", "🤝", "📦", "💸", "⚡",
];
const CHAT_PREFIX: &[&str] = &[
	"hey! ",
	"hi, ",
	"ok so ",
	"yo ",
	"hello, ",
	"as discussed: ",
	"quick one - ",
	"fyi ",
];
const CHAT_SUFFIX: &[&str] = &[
	" thanks!",
	" cheers",
	" thx",
	" ty!",
	" :)",
	" talk soon",
	" - sent from my phone",
	" let me know when it arrives",
	" xx",
	" lol",
];

/// Word-level abbreviations (applied by the `abbrev` style).
pub const ABBREV: &[(&str, &str)] = &[
	("please", "pls"),
	("payment", "pmt"),
	("invoice", "inv"),
	("thanks", "thx"),
	("for", "4"),
	("you", "u"),
	("your", "ur"),
	("reference", "ref"),
	("account", "acct"),
	("transfer", "xfer"),
	("month", "mo"),
	("with", "w/"),
	("before", "b4"),
	("because", "bc"),
	("tomorrow", "tmrw"),
	("tonight", "2nite"),
	("money", "$$"),
	("and", "&"),
	("as soon as possible", "asap"),
	("number", "no."),
];

const STOPWORDS: &[&str] = &[
	"the", "a", "an", "for", "to", "of", "my", "your", "is", "so", "that", "on", "at", "this",
];

fn replace_words(s: &str, f: impl Fn(&str) -> Option<String>) -> String {
	s.split(' ')
		.map(|w| f(w).unwrap_or_else(|| w.to_string()))
		.collect::<Vec<_>>()
		.join(" ")
}

/// Applies a random combination of surface styles to a memo.
fn apply_style(memo: &str, rng: &mut ChaCha8Rng) -> (String, Vec<&'static str>) {
	let mut s = memo.to_string();
	let mut applied = Vec::new();
	if rng.random_bool(0.2) {
		for (long, short) in ABBREV {
			if long.contains(' ') {
				s = s.replace(long, short);
			}
		}
		s = replace_words(&s, |w| {
			let lw = w.to_lowercase();
			let (core, tail) = match lw.find(|c: char| !c.is_alphanumeric()) {
				Some(i) => lw.split_at(i),
				None => (lw.as_str(), ""),
			};
			ABBREV
				.iter()
				.find(|(l, _)| *l == core)
				.map(|(_, sh)| format!("{sh}{tail}"))
		});
		applied.push("abbrev");
	}
	if rng.random_bool(0.1) {
		let t: Vec<String> = s
			.split_whitespace()
			.filter(|w| !STOPWORDS.contains(&w.to_lowercase().as_str()))
			.map(|w| {
				w.trim_matches(|c: char| c == ',' || c == '.' || c == '!')
					.to_string()
			})
			.filter(|w| !w.is_empty())
			.collect();
		if !t.is_empty() {
			s = t.join(" ");
			applied.push("terse");
		}
	}
	let r: f64 = rng.random();
	if r < 0.18 {
		let p = if rng.random_bool(0.6) {
			pick(CHAT_PREFIX, rng)
		} else {
			String::new()
		};
		let q = if p.is_empty() || rng.random_bool(0.5) {
			pick(CHAT_SUFFIX, rng)
		} else {
			String::new()
		};
		s = format!("{p}{s}{q}");
		applied.push("chatty");
	} else if r < 0.30 {
		let name = fill_slot("name", rng);
		s = match rng.random_range(0..4) {
			0 => format!("Payment reference: {s}. Kind regards, {name}"),
			1 => format!("Re: {s}"),
			2 => format!("Dear {name}, please find the payment enclosed: {s}."),
			_ => format!("Transfer note - {s}. Regards"),
		};
		applied.push("formal");
	}
	if rng.random_bool(0.15) {
		let tag = match rng.random_range(0..4) {
			0 => format!(" ref {}", rng.random_range(10_000..999_999)),
			1 => format!(" (#A-{})", rng.random_range(100..99_999)),
			2 => format!(" tx 0x{:08x}", rng.random::<u32>()),
			_ => format!(" [{}]", fill_slot("date", rng)),
		};
		s.push_str(&tag);
		applied.push("refnum");
	}
	if rng.random_bool(0.15) {
		let e = pick(EMOJI, rng);
		s = if rng.random_bool(0.7) {
			format!("{s} {e}")
		} else {
			format!("{e} {s}")
		};
		applied.push("emoji");
	}
	let c: f64 = rng.random();
	if c < 0.25 {
		s = s.to_lowercase();
		applied.push("lower");
	} else if c < 0.29 {
		s = s.to_uppercase();
		applied.push("upper");
	} else if c < 0.42 {
		let mut ch = s.chars();
		s = match ch.next() {
			Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
			None => s,
		};
		applied.push("capitalized");
	}
	if rng.random_bool(0.12) {
		let n = rng.random_range(1..=2);
		for _ in 0..n {
			s = perturb::typo(&s, rng);
		}
		applied.push("typos");
	}
	(s, applied)
}

// --------------------------------------------------------------------------------- rendering

const ASSETS: &[&str] = &[
	"VRT", "USDC", "USDT", "DOT", "ETH", "BTC", "EUR", "USD", "KSM", "GBP",
];
const HANDLES: &[&str] = &[
	"@kwame_dev",
	"acme-supplies",
	"landlord.eth",
	"studio-lumen",
	"treasury.vrt",
	"mia_k",
	"shop-4471",
	"ops-wallet",
	"cold storage",
	"savings",
];

const B58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Base58 (Bitcoin alphabet).
pub fn base58(bytes: &[u8]) -> String {
	let mut digits: Vec<u8> = Vec::new();
	for &b in bytes {
		let mut carry = b as u32;
		for d in digits.iter_mut() {
			carry += (*d as u32) << 8;
			*d = (carry % 58) as u8;
			carry /= 58;
		}
		while carry > 0 {
			digits.push((carry % 58) as u8);
			carry /= 58;
		}
	}
	let zeros = bytes.iter().take_while(|&&b| b == 0).count();
	std::iter::repeat_n('1', zeros)
		.chain(digits.iter().rev().map(|&d| B58[d as usize] as char))
		.collect()
}

/// SS58 address (generic substrate prefix 42) of a 32-byte public key, with its checksum.
pub fn ss58(pubkey: &[u8; 32]) -> String {
	use blake2::{Blake2b512, Digest};
	let mut data = vec![42u8];
	data.extend_from_slice(pubkey);
	let mut h = Blake2b512::new();
	h.update(b"SS58PRE");
	h.update(&data);
	let sum = h.finalize();
	data.extend_from_slice(&sum[..2]);
	base58(&data)
}

fn random_ss58(rng: &mut ChaCha8Rng) -> String {
	let mut k = [0u8; 32];
	rng.fill(&mut k);
	ss58(&k)
}

fn amount(rng: &mut ChaCha8Rng, chain: bool) -> String {
	let v = 10f64.powf(rng.random_range(-1.5..4.7));
	if chain {
		let s = format!("{v:.4}");
		let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
		return if s.is_empty() { "0".into() } else { s };
	}
	match rng.random_range(0..4) {
		0 => format!("{}", v.round().max(1.0) as u64),
		1 => format!("{v:.2}"),
		2 => {
			let whole = v.floor() as u64;
			let cents = ((v - v.floor()) * 100.0).round() as u64 % 100;
			let w = whole.to_string();
			let mut grouped = String::new();
			for (i, ch) in w.chars().enumerate() {
				if i > 0 && (w.len() - i).is_multiple_of(3) {
					grouped.push(',');
				}
				grouped.push(ch);
			}
			format!("{grouped}.{cents:02}")
		},
		_ => {
			let s = format!("{v:.3}");
			s.trim_end_matches('0').trim_end_matches('.').to_string()
		},
	}
}

fn render(memo: &str, rng: &mut ChaCha8Rng) -> (String, &'static str) {
	if rng.random_bool(0.35) {
		let a = amount(rng, true);
		let d = random_ss58(rng);
		return (format!("transfer {a} VRT to {d}: {memo}"), "chain");
	}
	let a = amount(rng, false);
	let asset = pick(ASSETS, rng);
	let recipient = match rng.random_range(0..10) {
		0..=2 => random_ss58(rng),
		3..=5 => {
			let full = random_ss58(rng);
			let sep = if rng.random_bool(0.7) { "…" } else { "..." };
			format!("{}{sep}{}", &full[..4], &full[full.len() - 4..])
		},
		6 | 7 => fill_slot("name", rng),
		8 => pick(COMPANIES, rng),
		_ => pick(HANDLES, rng),
	};
	(
		format!("transfer {a} {asset} to {recipient}: {memo}"),
		"free",
	)
}

// -------------------------------------------------------------------------------------- I/O

/// Writes examples as JSON lines.
pub fn write_jsonl(path: &Path, examples: &[Example]) -> Result<()> {
	if let Some(dir) = path.parent() {
		std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
	}
	let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
	let mut w = std::io::BufWriter::new(f);
	for e in examples {
		serde_json::to_writer(&mut w, e)?;
		w.write_all(b"\n")?;
	}
	w.flush()?;
	Ok(())
}

/// Reads examples from JSON lines (blank lines skipped; a bad line is an error naming it).
pub fn read_jsonl(path: &Path) -> Result<Vec<Example>> {
	let f = std::fs::File::open(path).with_context(|| {
		format!(
			"cannot open {} (run `veritas-models generate` first)",
			path.display()
		)
	})?;
	let mut out = Vec::new();
	for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
		let line = line.with_context(|| format!("reading {}", path.display()))?;
		if line.trim().is_empty() {
			continue;
		}
		let e: Example = serde_json::from_str(&line)
			.with_context(|| format!("{}:{}: not a valid example", path.display(), i + 1))?;
		if !LABELS.contains(&e.label.as_str()) {
			bail!("{}:{}: unknown label `{}`", path.display(), i + 1, e.label);
		}
		out.push(e);
	}
	Ok(out)
}

/// Reads `dir/<split>.jsonl`.
pub fn read_split(dir: &Path, split: &str) -> Result<Vec<Example>> {
	read_jsonl(&dir.join(format!("{split}.jsonl")))
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
			let pool = first_style_dev_pool(now.name).map_or(0, |p| p.len());
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
			let Some(pool) = first_style_dev_pool(c.name) else {
				panic!("{} has no FIRST_STYLE_DEV_POOL entry", c.name);
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
			let Some(pool) = first_style_dev_pool(cat.name) else {
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
			first_style_dev_pool(&e.category)
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
