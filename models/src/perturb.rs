//! Adversarial surface perturbations of memos: typos, homoglyphs, spacing, casing, synonym swaps
//! and inserted filler. Used for the perturbed copy of the test split and for training-time
//! augmentation (with a different seed).

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Names of the perturbation kinds.
pub const KINDS: [&str; 6] = [
	"typo",
	"homoglyph",
	"spacing",
	"casing",
	"synonym",
	"filler",
];

/// Latin letter → look-alike (Cyrillic / Greek / digits).
const HOMOGLYPHS: &[(char, &[char])] = &[
	('a', &['а', 'α', '@']),
	('e', &['е', '3']),
	('o', &['о', 'ο', '0']),
	('p', &['р']),
	('c', &['с']),
	('x', &['х']),
	('i', &['і', '1', 'ı']),
	('y', &['у']),
	('s', &['ѕ', '$', '5']),
	('l', &['1', 'ӏ']),
	('k', &['κ']),
	('t', &['τ', '7']),
];

/// Synonym swaps (both directions are used).
const SYNONYMS: &[(&str, &str)] = &[
	("payment", "remittance"),
	("pay", "settle"),
	("urgent", "time-sensitive"),
	("send", "transfer"),
	("fee", "charge"),
	("money", "funds"),
	("invoice", "bill"),
	("rent", "lease payment"),
	("salary", "wages"),
	("refund", "reimbursement"),
	("wallet", "account"),
	("verify", "confirm"),
	("claim", "collect"),
	("gift", "present"),
	("darling", "dear"),
	("love", "sweetheart"),
	("deposit", "top-up"),
	("guaranteed", "assured"),
	("quick", "fast"),
	("help", "assist"),
	("order", "purchase"),
	("tickets", "fares"),
	("monthly", "per month"),
	("now", "right away"),
	("tokens", "coins"),
	("free", "complimentary"),
	("cash", "money"),
	("official", "officer"),
	("account", "acct"),
	("bill", "statement"),
];

const FILLER: &[&str] = &[
	"fyi",
	"btw",
	"ok",
	"lol",
	"pls",
	"thx",
	"(see above)",
	"...",
	"as always",
	"no rush",
	"just so you know",
	"hmm",
	"ok so",
	"anyway",
	"per our chat",
	"!!",
];

const KEYBOARD: &[&str] = &["qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn neighbour(c: char, rng: &mut ChaCha8Rng) -> char {
	let lc = c.to_ascii_lowercase();
	for row in KEYBOARD {
		if let Some(i) = row.find(lc) {
			let b = row.as_bytes();
			let j = if i == 0 {
				1
			} else if i + 1 == b.len() || rng.random_bool(0.5) {
				i - 1
			} else {
				i + 1
			};
			return b[j] as char;
		}
	}
	c
}

/// One random typo (swap, drop, double or neighbour key) inside a random word of ≥ 3 letters.
pub fn typo(s: &str, rng: &mut ChaCha8Rng) -> String {
	let mut words: Vec<String> = s.split(' ').map(str::to_string).collect();
	let cands: Vec<usize> = (0..words.len())
		.filter(|&i| words[i].chars().filter(|c| c.is_ascii_alphabetic()).count() >= 3)
		.collect();
	let Some(&wi) = cands.choose(rng) else {
		return s.to_string();
	};
	let mut cs: Vec<char> = words[wi].chars().collect();
	let letters: Vec<usize> = (0..cs.len())
		.filter(|&i| cs[i].is_ascii_alphabetic())
		.collect();
	let Some(&p) = letters.choose(rng) else {
		return s.to_string();
	};
	match rng.random_range(0..4) {
		0 if p + 1 < cs.len() => cs.swap(p, p + 1),
		1 => {
			cs.remove(p);
		},
		2 => cs.insert(p, cs[p]),
		_ => cs[p] = neighbour(cs[p], rng),
	}
	words[wi] = cs.into_iter().collect();
	words.join(" ")
}

fn homoglyph(s: &str, rng: &mut ChaCha8Rng) -> String {
	let n = rng.random_range(1..=3);
	let mut cs: Vec<char> = s.chars().collect();
	let idx: Vec<usize> = (0..cs.len())
		.filter(|&i| HOMOGLYPHS.iter().any(|(c, _)| *c == cs[i]))
		.collect();
	for _ in 0..n {
		if let Some(&i) = idx.choose(rng) {
			if let Some((_, subs)) = HOMOGLYPHS.iter().find(|(c, _)| *c == cs[i]) {
				if let Some(&r) = subs.choose(rng) {
					cs[i] = r;
				}
			}
		}
	}
	cs.into_iter().collect()
}

fn spacing(s: &str, rng: &mut ChaCha8Rng) -> String {
	let words: Vec<&str> = s.split(' ').collect();
	match rng.random_range(0..4) {
		// Double spaces.
		0 => words.join("  "),
		// Two words glued.
		1 if words.len() > 1 => {
			let i = rng.random_range(0..words.len() - 1);
			let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
			let next = v.remove(i + 1);
			v[i].push_str(&next);
			v.join(" ")
		},
		// A word spelled out with spaces.
		2 => {
			let cands: Vec<usize> = (0..words.len()).filter(|&i| words[i].len() >= 4).collect();
			match cands.choose(rng) {
				Some(&i) => {
					let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
					v[i] = v[i]
						.chars()
						.map(|c| c.to_string())
						.collect::<Vec<_>>()
						.join(" ");
					v.join(" ")
				},
				None => format!(" {s} "),
			}
		},
		// A space inside a word.
		_ => {
			let cands: Vec<usize> = (0..words.len())
				.filter(|&i| words[i].chars().count() >= 5)
				.collect();
			match cands.choose(rng) {
				Some(&i) => {
					let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
					let cs: Vec<char> = v[i].chars().collect();
					let at = rng.random_range(2..cs.len() - 1);
					v[i] = cs[..at].iter().collect::<String>()
						+ " " + &cs[at..].iter().collect::<String>();
					v.join(" ")
				},
				None => s.replace(' ', "\t"),
			}
		},
	}
}

fn casing(s: &str, rng: &mut ChaCha8Rng) -> String {
	match rng.random_range(0..3) {
		0 => s.to_uppercase(),
		1 => s.to_lowercase(),
		_ => s
			.chars()
			.map(|c| {
				if rng.random_bool(0.4) {
					c.to_uppercase().next().unwrap_or(c)
				} else {
					c.to_lowercase().next().unwrap_or(c)
				}
			})
			.collect(),
	}
}

fn synonym(s: &str, rng: &mut ChaCha8Rng) -> String {
	let words: Vec<&str> = s.split(' ').collect();
	let mut hits = Vec::new();
	for (i, w) in words.iter().enumerate() {
		let lw = w.to_lowercase();
		let core = lw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
		for (a, b) in SYNONYMS {
			if core == *a {
				hits.push((i, *b));
			} else if core == *b {
				hits.push((i, *a));
			}
		}
	}
	match hits.choose(rng) {
		Some(&(i, rep)) => {
			let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
			let lw = v[i].to_lowercase();
			let start = lw.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
			let end = lw
				.rfind(|c: char| c.is_alphanumeric())
				.map(|e| e + lw[e..].chars().next().map_or(1, char::len_utf8))
				.unwrap_or(lw.len());
			v[i] = format!("{}{rep}{}", &lw[..start], &lw[end..]);
			v.join(" ")
		},
		// Nothing to swap: fall back to filler so every op changes the text.
		None => filler(s, rng),
	}
}

fn filler(s: &str, rng: &mut ChaCha8Rng) -> String {
	let f = FILLER.choose(rng).copied().unwrap_or("ok");
	let mut words: Vec<&str> = s.split(' ').collect();
	let at = rng.random_range(0..=words.len());
	words.insert(at, f);
	words.join(" ")
}

/// Applies `ops` random perturbation kinds (distinct where possible) to `memo`.
pub fn perturb(memo: &str, ops: usize, rng: &mut ChaCha8Rng) -> (String, Vec<&'static str>) {
	let mut kinds: Vec<&'static str> = KINDS.to_vec();
	let mut s = memo.to_string();
	let mut applied = Vec::new();
	for _ in 0..ops {
		if kinds.is_empty() {
			kinds = KINDS.to_vec();
		}
		let k = kinds.remove(rng.random_range(0..kinds.len()));
		s = match k {
			"typo" => typo(&s, rng),
			"homoglyph" => homoglyph(&s, rng),
			"spacing" => spacing(&s, rng),
			"casing" => casing(&s, rng),
			"synonym" => synonym(&s, rng),
			_ => filler(&s, rng),
		};
		applied.push(k);
	}
	(s, applied)
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::SeedableRng;

	#[test]
	fn every_kind_changes_text_and_never_panics() {
		let mut rng = ChaCha8Rng::seed_from_u64(1);
		let memos = [
			"pay the invoice now please",
			"a",
			"",
			"héllo wörld 🙏",
			"x y",
		];
		for m in memos {
			for _ in 0..200 {
				let (p, k) = perturb(m, 2, &mut rng);
				assert_eq!(k.len(), 2);
				let _ = p;
			}
		}
		let (p, _) = perturb(
			"verify your wallet now to claim the free tokens",
			3,
			&mut rng,
		);
		assert_ne!(p, "verify your wallet now to claim the free tokens");
	}
}
