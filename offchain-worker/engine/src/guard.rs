//! The input guard: which texts a model is not fit to judge.
//!
//! The screening model learned from English memos. Given a memo with nothing to read (a
//! reference number, an emoji, "ok") or one in another language, it still prints a score, and
//! that score is a guess. A manifest can declare an [`InputGuard`]; the engine then marks such a
//! text out of scope ([`crate::Flags::out_of_scope`]) and abstains on it, whatever the score.
//!
//! The rule counts **words** (maximal runs of alphabetic characters, lowercased) and **English
//! words**: words of two or more ASCII letters that the tokenizer's vocabulary holds whole (not
//! only as `##` pieces). A text is out of scope when it has fewer than
//! [`InputGuard::min_words`] English words, or when English words are less than
//! [`InputGuard::min_english_permille`] ‰ of its words, or, with [`InputGuard::truncated`], when
//! it is longer than the model reads. All three depend only on the text and the pinned
//! tokenizer, so every validator reaches the same answer (the letter classes come from Rust's
//! Unicode tables; nodes built by toolchains years apart could differ on a letter assigned in
//! between). A one-letter word ("a", "I", the "t" of "don't") counts as a word and never as an
//! English one, which lowers the share of very short memos: the published threshold was chosen
//! with that count, so changing it is a new rule, not a fix.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use tokenizers::Tokenizer;

/// The rule, as the manifest's `input_guard` field declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputGuard {
	/// Fewest English words a text needs to be judged.
	pub min_words: u16,
	/// Least share of English words among all words, in per mille (0..=1000).
	pub min_english_permille: u16,
	/// A text cut at the manifest's `max_len` is out of scope: the model would judge a part of
	/// it (pasted letters and contracts are long; the memos it learned from are not).
	#[serde(default)]
	pub truncated: bool,
}

/// The words of one text, as the guard counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordCount {
	/// Runs of alphabetic characters.
	pub words: usize,
	/// Of those, words of 2+ ASCII letters that the vocabulary holds whole.
	pub english: usize,
}

impl WordCount {
	/// English words in per mille of all words (0 for a text without words).
	pub fn english_permille(&self) -> usize {
		(self.english * 1000).checked_div(self.words).unwrap_or(0)
	}
}

/// An [`InputGuard`] bound to the vocabulary of a tokenizer.
#[derive(Clone, Debug)]
pub struct Guard {
	rule: InputGuard,
	vocabulary: HashSet<String>,
}

impl Guard {
	/// Binds `rule` to the whole-word entries of `tokenizer`'s vocabulary.
	pub fn new(rule: InputGuard, tokenizer: &Tokenizer) -> Self {
		Self::with_vocabulary(rule, tokenizer.get_vocab(false).into_keys())
	}

	/// Binds `rule` to a vocabulary; entries that are not 2+ ASCII lowercase letters (`##`
	/// pieces, special tokens, digits, one letter) never count as English words.
	pub fn with_vocabulary(rule: InputGuard, vocabulary: impl IntoIterator<Item = String>) -> Self {
		let vocabulary = vocabulary
			.into_iter()
			.filter(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_lowercase()))
			.collect();
		Self { rule, vocabulary }
	}

	/// The rule.
	pub fn rule(&self) -> InputGuard {
		self.rule
	}

	/// Counts the words and English words of `text`.
	pub fn count(&self, text: &str) -> WordCount {
		let mut count = WordCount::default();
		let lower = text.to_lowercase();
		for word in lower
			.split(|c: char| !c.is_alphabetic())
			.filter(|w| !w.is_empty())
		{
			count.words += 1;
			if self.vocabulary.contains(word) {
				count.english += 1;
			}
		}
		count
	}

	/// Whether the model should not judge `text` (`truncated`: it did not fit in `max_len`).
	pub fn out_of_scope(&self, text: &str, truncated: bool) -> bool {
		let c = self.count(text);
		(truncated && self.rule.truncated)
			|| c.english < usize::from(self.rule.min_words)
			|| c.english_permille() < usize::from(self.rule.min_english_permille)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn guard(min_words: u16, min_english_permille: u16) -> Guard {
		guard_of(InputGuard {
			min_words,
			min_english_permille,
			truncated: false,
		})
	}

	fn guard_of(rule: InputGuard) -> Guard {
		let vocabulary = [
			"[UNK]", "the", "rent", "for", "march", "flat", "##s", "a", "de", "pay", "12",
		];
		Guard::with_vocabulary(rule, vocabulary.map(String::from))
	}

	#[test]
	fn counts_runs_of_letters_and_whole_vocabulary_words() {
		let g = guard(0, 0);
		// "12" is not letters, "a" is one letter, "flats" is only flat + ##s, "Miete" unknown.
		assert_eq!(
			g.count("RENT for March, 12 a flats Miete"),
			WordCount {
				words: 6,
				english: 3
			}
		);
		assert_eq!(
			g.count("🙂 👍 INV-2024/0087"),
			WordCount {
				words: 1,
				english: 0
			}
		);
		assert_eq!(
			g.count("房租三月"),
			WordCount {
				words: 1,
				english: 0
			}
		);
		assert_eq!(g.count(""), WordCount::default());
		assert_eq!(g.count("").english_permille(), 0);
	}

	#[test]
	fn a_text_needs_enough_english_words_and_a_large_enough_share() {
		let g = guard(2, 600);
		assert!(!g.out_of_scope("rent for march", false));
		assert!(g.out_of_scope("rent", false), "one English word is too few");
		assert!(g.out_of_scope("👍👍", false));
		assert!(g.out_of_scope("INV 2024 0087", false));
		// 2 English words of 5: 400 per mille < 600.
		assert!(g.out_of_scope("pago de rent alquiler marzo", false));
		// 3 of 4: 750 per mille.
		assert!(!g.out_of_scope("rent for march Okafor", false));
		// Truncation counts only when the rule says so.
		assert!(!g.out_of_scope("rent for march", true));
	}

	#[test]
	fn a_truncated_text_is_out_of_scope_when_the_rule_says_so() {
		let g = guard_of(InputGuard {
			min_words: 0,
			min_english_permille: 0,
			truncated: true,
		});
		assert!(g.out_of_scope("rent for march", true));
		assert!(!g.out_of_scope("rent for march", false));
	}

	#[test]
	fn a_zero_rule_lets_every_text_through() {
		let g = guard(0, 0);
		assert!(!g.out_of_scope("", true));
		assert!(!g.out_of_scope("🙂", false));
	}
}
