//! The template families of the dataset, one text file per reason category in
//! `models/families/<category>.txt` (embedded at compile time; format in
//! `models/families/README.md`).
//!
//! A *family* is one scenario written in two to four wordings; it is the unit of the
//! train/dev/test split: all wordings of one family land in the same split, so no template leaks
//! across splits. A wording may hold slots (`{name}` …, filled by [`crate::data`], list in
//! [`SLOTS`]) and inline alternatives (`[a|b|c]`, one option picked per example, see
//! [`expand_alternatives`]). A family marked `#hard` is a hard negative (a legit memo that sounds
//! urgent or crypto-ish) or a hard positive (an illicit memo worded blandly).

use rand::Rng;
use std::sync::OnceLock;

/// One template family.
#[derive(Clone, Debug)]
pub struct Family {
	/// Hard negative / hard positive.
	pub hard: bool,
	/// Wordings.
	pub templates: Vec<&'static str>,
}

/// A reason category and its families.
#[derive(Clone, Debug)]
pub struct Category {
	/// Machine name (also the reason code name).
	pub name: &'static str,
	/// `true` for an illicit category.
	pub illicit: bool,
	/// Template families, in file order.
	pub families: Vec<Family>,
}

/// The slot names a wording may use.
pub const SLOTS: &[&str] = &[
	"name",
	"name2",
	"company",
	"month",
	"city",
	"street",
	"product",
	"charity",
	"service",
	"project",
	"pet",
	"coin",
	"isp",
	"phish",
	"celebrity",
	"num",
	"q",
	"year",
	"days",
	"pct",
	"acct",
	"order",
	"inv",
	"container",
	"date",
];

macro_rules! category_files {
	($($name:literal => $illicit:literal),+ $(,)?) => {
		&[$(($name, $illicit, include_str!(concat!("../families/", $name, ".txt")))),+]
	};
}

/// `(name, illicit, file text)`: legit categories first, then illicit ones (this is also the
/// order of the reason codes after `none`).
static CATEGORY_FILES: &[(&str, bool, &str)] = category_files![
	"salary" => false,
	"rent" => false,
	"invoice" => false,
	"utilities" => false,
	"retail" => false,
	"refund" => false,
	"donation" => false,
	"subscription" => false,
	"loan_repayment" => false,
	"supply_chain" => false,
	"medical" => false,
	"family_support" => false,
	"tax" => false,
	"travel" => false,
	"investment_scam" => true,
	"phishing" => true,
	"fake_airdrop" => true,
	"ransomware" => true,
	"darknet_goods" => true,
	"money_laundering" => true,
	"sanctions_evasion" => true,
	"romance_scam" => true,
	"extortion" => true,
	"impersonation" => true,
	"bribery" => true,
];

/// Every category with its families.
///
/// The family files are part of the source tree (checked by this module's tests), so a malformed
/// file is a build defect: it panics with the file name, line and reason.
pub fn categories() -> &'static [Category] {
	static PARSED: OnceLock<Vec<Category>> = OnceLock::new();
	PARSED.get_or_init(|| {
		CATEGORY_FILES
			.iter()
			.map(|&(name, illicit, text)| Category {
				name,
				illicit,
				families: parse_families(text)
					.unwrap_or_else(|e| panic!("models/families/{name}.txt: {e}")),
			})
			.collect()
	})
}

/// Parses a family file: families separated by blank lines, one wording per line, a family whose
/// first line is `#hard` is hard. Every wording is checked with [`check_template`].
pub fn parse_families(text: &'static str) -> Result<Vec<Family>, String> {
	let mut families = Vec::new();
	let mut current: Option<Family> = None;
	for (i, raw) in text.lines().enumerate() {
		let line = raw.trim();
		let lineno = i + 1;
		if line.is_empty() {
			if let Some(f) = current.take() {
				families.push(finish(f, lineno)?);
			}
			continue;
		}
		let family = current.get_or_insert_with(|| Family {
			hard: false,
			templates: Vec::new(),
		});
		if line == "#hard" {
			if !family.templates.is_empty() || family.hard {
				return Err(format!(
					"line {lineno}: `#hard` must be the first line of a family"
				));
			}
			family.hard = true;
			continue;
		}
		if line.starts_with('#') {
			return Err(format!(
				"line {lineno}: unknown directive `{line}` (only `#hard`)"
			));
		}
		check_template(line).map_err(|e| format!("line {lineno}: {e}"))?;
		family.templates.push(line);
	}
	if let Some(f) = current.take() {
		families.push(finish(f, text.lines().count())?);
	}
	if families.is_empty() {
		return Err("no families".into());
	}
	Ok(families)
}

fn finish(f: Family, lineno: usize) -> Result<Family, String> {
	if f.templates.is_empty() {
		return Err(format!(
			"family ending before line {lineno} has no wordings"
		));
	}
	Ok(f)
}

/// Checks one wording: every `{slot}` is in [`SLOTS`], every `[a|b]` group is closed, holds at
/// least two options and no nested brackets.
pub fn check_template(t: &str) -> Result<(), String> {
	let mut rest = t;
	while let Some(start) = rest.find('{') {
		let Some(len) = rest[start..].find('}') else {
			return Err(format!("unclosed `{{` in `{t}`"));
		};
		let slot = &rest[start + 1..start + len];
		if !SLOTS.contains(&slot) {
			return Err(format!("unknown slot `{{{slot}}}` in `{t}`"));
		}
		rest = &rest[start + len + 1..];
	}
	if rest.contains('}') {
		return Err(format!("stray `}}` in `{t}`"));
	}
	let mut rest = t;
	while let Some(start) = rest.find('[') {
		let Some(len) = rest[start..].find(']') else {
			return Err(format!("unclosed `[` in `{t}`"));
		};
		let group = &rest[start + 1..start + len];
		if group.contains('[') {
			return Err(format!("nested `[` in `{t}`"));
		}
		if !group.contains('|') {
			return Err(format!("`[{group}]` needs at least two options in `{t}`"));
		}
		rest = &rest[start + len + 1..];
	}
	if rest.contains(']') {
		return Err(format!("stray `]` in `{t}`"));
	}
	Ok(())
}

/// Replaces every `[a|b|c]` group by one of its options (uniformly), and collapses the double
/// spaces an empty option leaves.
pub fn expand_alternatives(t: &str, rng: &mut impl Rng) -> String {
	let mut out = String::with_capacity(t.len());
	let mut rest = t;
	while let Some(start) = rest.find('[') {
		let Some(len) = rest[start..].find(']') else {
			break;
		};
		out.push_str(&rest[..start]);
		let options: Vec<&str> = rest[start + 1..start + len].split('|').collect();
		out.push_str(options[rng.random_range(0..options.len())]);
		rest = &rest[start + len + 1..];
	}
	out.push_str(rest);
	if out.contains("  ") || out.starts_with(' ') || out.ends_with(' ') {
		out.split_whitespace().collect::<Vec<_>>().join(" ")
	} else {
		out
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::SeedableRng;
	use rand_chacha::ChaCha8Rng;
	use std::collections::HashSet;

	#[test]
	fn every_family_file_parses_into_distinct_wordings() {
		let cats = categories();
		assert_eq!(cats.len(), CATEGORY_FILES.len());
		let mut seen = HashSet::new();
		for c in cats {
			assert!(
				c.families.len() >= 10,
				"{} has {} families",
				c.name,
				c.families.len()
			);
			assert!(
				c.families.iter().any(|f| f.hard),
				"{} has no hard family",
				c.name
			);
			for f in &c.families {
				for t in &f.templates {
					assert!(seen.insert(*t), "wording repeated: `{t}`");
				}
			}
		}
	}

	#[test]
	fn malformed_files_are_refused_with_the_line() {
		let e = parse_families("a\nb\n\n#hard\n").unwrap_err();
		assert!(e.contains("no wordings"), "{e}");
		let e = parse_families("a {nope}\n").unwrap_err();
		assert!(
			e.contains("line 1") && e.contains("unknown slot `{nope}`"),
			"{e}"
		);
		let e = parse_families("ok\nbad [one]\n").unwrap_err();
		assert!(e.contains("line 2") && e.contains("two options"), "{e}");
		let e = parse_families("x\n#hard\n").unwrap_err();
		assert!(e.contains("first line"), "{e}");
		assert!(parse_families("[a|b] {name}\nc\n\n#hard\nd\n")
			.is_ok_and(|f| f.len() == 2 && f[1].hard && !f[0].hard));
	}

	#[test]
	fn alternatives_pick_every_option_and_leave_no_brackets() {
		let mut rng = ChaCha8Rng::seed_from_u64(1);
		let outs: HashSet<String> = (0..200)
			.map(|_| expand_alternatives("[please |]pay [rent|the rent] now", &mut rng))
			.collect();
		let want: HashSet<String> = [
			"please pay rent now",
			"please pay the rent now",
			"pay rent now",
			"pay the rent now",
		]
		.iter()
		.map(|s| s.to_string())
		.collect();
		assert_eq!(outs, want);
	}
}
