//! Surface styles of a memo: chat prefixes and suffixes, emoji, abbreviations, casing, typos —
//! applied at random so one template yields memos in several registers.

use super::slots::{fill_slot, pick};
use crate::perturb;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

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
pub(super) fn apply_style(memo: &str, rng: &mut ChaCha8Rng) -> (String, Vec<&'static str>) {
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
