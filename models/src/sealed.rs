//! The sealed test set and its score count.
//!
//! A sealed set (`models/data/sealed-test-v1/` … `-v7/`) is scored once per published model,
//! after every choice was made on dev, until it is retired to training (a README line
//! `Retired to training: …`, [`retired`]): then `train --extra-train` and `scope-head
//! --in-scope` may read it and `eval --test` scores it no more. Its `README.md` holds a line
//! `Times scored: N`; every scoring ([`record_scoring`]) raises N and appends a line to
//! `SCORES.md` beside it, so the count a reader trusts is the count of times anyone looked. A
//! model hash already in `SCORES.md` is skipped ([`scored_before`]): a second look at the same
//! model is how a test set turns into dev data.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// Folders of the sealed sets, oldest first, relative to `models/`. `sealed-test-v1` had been
/// scored twice (v7, v8) when `sealed-test-v2` was written, before v9's scores were seen;
/// `sealed-test-v3` was written after v10's first scoring of `sealed-test-v2`, whose figure
/// (macro-F1 0.949, short of 0.95) shapes the work that follows; `sealed-test-v4` after v14's
/// first scoring of `sealed-test-v3` (0.935); `sealed-test-v5` after v16's first scoring of
/// `sealed-test-v4` (0.910, wrong approvals 3.0%); `sealed-test-v6` after v18's first scoring of
/// `sealed-test-v5` (0.942, wrong approvals 0 of 198); `sealed-test-v7` after v19's first scoring
/// of `sealed-test-v6` (0.948, wrong approvals 0 of 198), before any model was trained after it.
pub const SEALED_DIRS: [&str; 7] = [
	"data/sealed-test-v1",
	"data/sealed-test-v2",
	"data/sealed-test-v3",
	"data/sealed-test-v4",
	"data/sealed-test-v5",
	"data/sealed-test-v6",
	"data/sealed-test-v7",
];

/// The `Times scored: N` line of the set's README.
const COUNT_PREFIX: &str = "Times scored: ";

/// A README line `Kept from: 0x…, 0x…` names models the set is never scored for: the models
/// whose scores on an older set were the reason to write it.
const KEPT_FROM_PREFIX: &str = "Kept from: ";

/// A README line `Retired to training: <date>, <why>` marks a set whose scores have shaped the
/// work so often that it serves better as training data: `train --extra-train` and
/// `scope-head --in-scope` may read it, and `eval --test` scores it no more (any model from then
/// on may have learnt its memos). Its `SCORES.md` keeps the history.
const RETIRED_PREFIX: &str = "Retired to training: ";

/// Header of a new `SCORES.md`.
const SCORES_HEADER: &str = "# Every scoring of this set\n\n\
	One line per scoring, appended by `veritas-models eval --test`. Never edit by hand.\n\n\
	| # | date (UTC) | model | model hash | macro-F1 | wrong approvals (% of illicit) | wrong rejections (% of legit) | abstentions |\n\
	| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |\n";

/// How often the set in `dir` has been scored (its README's count).
pub fn times_scored(dir: &Path) -> Result<u32> {
	let readme = dir.join("README.md");
	let text = std::fs::read_to_string(&readme)
		.with_context(|| format!("reading {}", readme.display()))?;
	let line = text
		.lines()
		.find_map(|l| l.strip_prefix(COUNT_PREFIX))
		.with_context(|| format!("{} has no `{COUNT_PREFIX}N` line", readme.display()))?;
	line.trim().parse().with_context(|| {
		format!(
			"{}: `{COUNT_PREFIX}{line}` is not a count",
			readme.display()
		)
	})
}

/// The set's `SCORES.md`, `None` before the first scoring; any other read error is an error
/// (an unreadable history must never pass for an empty one).
fn read_scores(dir: &Path) -> Result<Option<String>> {
	let scores = dir.join("SCORES.md");
	match std::fs::read_to_string(&scores) {
		Ok(text) => Ok(Some(text)),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
		Err(e) => Err(e).with_context(|| format!("reading {}", scores.display())),
	}
}

/// Whether `path` lies inside the sealed set's folder `sealed_dir` (both resolved; a path that
/// does not exist is not inside).
pub fn is_inside(path: &Path, sealed_dir: &Path) -> bool {
	match (
		std::fs::canonicalize(path),
		std::fs::canonicalize(sealed_dir),
	) {
		(Ok(p), Ok(d)) => p.starts_with(d),
		_ => false,
	}
}

/// The sealed set (its [`SEALED_DIRS`] entry) whose folder `path` lies inside, under this
/// crate's `models/` or under `models` (the folder a command was pointed at, which may be
/// another checkout).
pub fn sealed_set_of(path: &Path, models: &Path) -> Option<&'static str> {
	let own = Path::new(env!("CARGO_MANIFEST_DIR"));
	SEALED_DIRS
		.into_iter()
		.find(|d| is_inside(path, &own.join(d)) || is_inside(path, &models.join(d)))
}

/// Whether `path` lies inside a sealed set's folder ([`sealed_set_of`]).
pub fn in_a_sealed_set(path: &Path, models: &Path) -> bool {
	sealed_set_of(path, models).is_some()
}

/// Refuses `path` when it lies inside a sealed set ([`in_a_sealed_set`]); `why` ends the
/// message ("only `eval --test` scores it").
pub fn refuse(path: &Path, models: &Path, why: &str) -> Result<()> {
	if in_a_sealed_set(path, models) {
		bail!("{} is in a sealed set: {why}", path.display());
	}
	Ok(())
}

/// Whether the set in `dir` was retired to training: a `Retired to training:` line in its
/// README's header (before the first `## ` section, where the count and `Kept from:` stand).
pub fn retired(dir: &Path) -> Result<bool> {
	let readme = dir.join("README.md");
	let text = std::fs::read_to_string(&readme)
		.with_context(|| format!("reading {} (is it a sealed set?)", readme.display()))?;
	Ok(text
		.lines()
		.take_while(|l| !l.starts_with("## "))
		.any(|l| l.starts_with(RETIRED_PREFIX)))
}

/// Refuses `path` when it lies inside a sealed set that was not retired to training
/// ([`retired`]): training memos may come from a retired set, never from a sealed one. The set
/// counts as retired only when this crate's copy of it says so, and the copy under `models`
/// too where that is another checkout.
pub fn refuse_unless_retired(path: &Path, models: &Path, why: &str) -> Result<()> {
	let Some(d) = sealed_set_of(path, models) else {
		return Ok(());
	};
	let own = Path::new(env!("CARGO_MANIFEST_DIR"));
	for dir in [own.join(d), models.join(d)] {
		if dir.exists() && !retired(&dir)? {
			bail!(
				"{} is in a sealed set that was not retired to training ({} has no \
				 `{RETIRED_PREFIX}` line in its header): {why}",
				path.display(),
				dir.join("README.md").display()
			);
		}
	}
	Ok(())
}

/// Whether the set in `dir` is kept from `model_hash` (its README's `Kept from:` line names it).
pub fn kept_from(dir: &Path, model_hash: &str) -> Result<bool> {
	let readme = dir.join("README.md");
	let text = std::fs::read_to_string(&readme)
		.with_context(|| format!("reading {}", readme.display()))?;
	Ok(text
		.lines()
		.filter_map(|l| l.strip_prefix(KEPT_FROM_PREFIX))
		.flat_map(|l| l.split(','))
		.any(|h| h.trim().trim_matches('`') == model_hash))
}

/// Whether `model_hash` was scored on the set in `dir` before.
pub fn scored_before(dir: &Path, model_hash: &str) -> Result<bool> {
	Ok(read_scores(dir)?.is_some_and(|text| text.lines().any(|l| l.contains(model_hash))))
}

/// Records one scoring: raises the README's count and appends `row` (the table cells after
/// the count and the date, `|`-separated) to `SCORES.md`. Returns the new count.
pub fn record_scoring(dir: &Path, date: &str, row: &str) -> Result<u32> {
	let n = times_scored(dir)? + 1;
	let readme = dir.join("README.md");
	let text = std::fs::read_to_string(&readme)
		.with_context(|| format!("reading {}", readme.display()))?;
	let updated: String = text
		.split_inclusive('\n')
		.map(|l| {
			if l.starts_with(COUNT_PREFIX) {
				format!("{COUNT_PREFIX}{n}\n")
			} else {
				l.to_string()
			}
		})
		.collect();
	std::fs::write(&readme, updated).with_context(|| format!("writing {}", readme.display()))?;
	let scores = dir.join("SCORES.md");
	let mut table = read_scores(dir)?.unwrap_or_else(|| SCORES_HEADER.into());
	table.push_str(&format!("| {n} | {date} | {row} |\n"));
	std::fs::write(&scores, table).with_context(|| format!("writing {}", scores.display()))?;
	Ok(n)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn sealed_dir(name: &str) -> std::path::PathBuf {
		let d = std::env::temp_dir().join(format!("veritas-sealed-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&d);
		std::fs::create_dir_all(&d).expect("temp dir");
		std::fs::write(
			d.join("README.md"),
			"# a set\n\nTimes scored: 0\nScore it once.\n",
		)
		.expect("readme");
		d
	}

	#[test]
	fn each_scoring_raises_the_count_and_appends_a_line() {
		let d = sealed_dir("count");
		assert_eq!(times_scored(&d).expect("count"), 0);
		assert!(!scored_before(&d, "0xaaaa").expect("never scored"));
		assert_eq!(
			record_scoring(&d, "2026-12-03", "m1 | 0xaaaa | 0.9").expect("first"),
			1
		);
		assert_eq!(
			record_scoring(&d, "2026-12-04", "m2 | 0xbbbb | 0.9").expect("second"),
			2
		);
		assert_eq!(times_scored(&d).expect("count"), 2);
		let readme = std::fs::read_to_string(d.join("README.md")).expect("readme");
		assert_eq!(readme, "# a set\n\nTimes scored: 2\nScore it once.\n");
		let scores = std::fs::read_to_string(d.join("SCORES.md")).expect("scores");
		assert!(scores.ends_with(
			"| 1 | 2026-12-03 | m1 | 0xaaaa | 0.9 |\n| 2 | 2026-12-04 | m2 | 0xbbbb | 0.9 |\n"
		));
		assert!(
			scored_before(&d, "0xaaaa").expect("read")
				&& scored_before(&d, "0xbbbb").expect("read")
				&& !scored_before(&d, "0xcccc").expect("read")
		);
		let _ = std::fs::remove_dir_all(&d);
	}

	#[test]
	fn paths_inside_the_sealed_folder_are_recognised() {
		let d = sealed_dir("inside");
		let f = d.join("test.jsonl");
		std::fs::write(&f, "").expect("file");
		assert!(is_inside(&f, &d));
		assert!(is_inside(&d.join(".").join("test.jsonl"), &d));
		assert!(!is_inside(&std::env::temp_dir(), &d));
		assert!(!is_inside(&d.join("missing.jsonl"), &d));
		let _ = std::fs::remove_dir_all(&d);
	}

	#[test]
	fn a_set_is_kept_from_the_models_its_readme_names() {
		let d = sealed_dir("kept");
		assert!(!kept_from(&d, "0xaaaa").expect("no line: kept from none"));
		std::fs::write(
			d.join("README.md"),
			"# a set

Times scored: 0
Kept from: `0xaaaa`, 0xbbbb
",
		)
		.expect("readme");
		assert!(kept_from(&d, "0xaaaa").expect("read") && kept_from(&d, "0xbbbb").expect("read"));
		assert!(
			!kept_from(&d, "0xaaa").expect("read"),
			"a prefix is not the hash"
		);
		let _ = std::fs::remove_dir_all(&d);
	}

	#[test]
	fn only_a_retired_set_may_give_training_memos() {
		let models = sealed_dir("retired-models");
		let set = models.join(SEALED_DIRS[0]);
		std::fs::create_dir_all(&set).expect("set dir");
		std::fs::write(set.join("README.md"), "# a set\n\nTimes scored: 3\n").expect("readme");
		let memos = set.join("test.jsonl");
		std::fs::write(&memos, "").expect("memos");
		let outside = models.join("train.jsonl");
		std::fs::write(&outside, "").expect("outside");
		assert!(!retired(&set).expect("read"));
		let err = refuse_unless_retired(&memos, &models, "not trained on").expect_err("sealed");
		assert!(err.to_string().contains("not retired"), "{err}");
		refuse_unless_retired(&outside, &models, "-").expect("not in a sealed set");
		std::fs::write(
			set.join("README.md"),
			"# a set\n\nTimes scored: 3\nRetired to training: 2026-12-04, scored often\n",
		)
		.expect("readme");
		assert!(retired(&set).expect("read"));
		refuse_unless_retired(&memos, &models, "-").expect("retired: may be trained on");
		std::fs::write(
			set.join("README.md"),
			"# a set\n\nTimes scored: 3\n\n## History\n\nRetired to training: a quote\n",
		)
		.expect("readme");
		assert!(
			!retired(&set).expect("read"),
			"only the header retires a set"
		);
		assert!(
			refuse(&memos, &models, "-").is_err(),
			"still refused where nothing may read it"
		);
		let _ = std::fs::remove_dir_all(&models);
	}

	#[test]
	fn a_readme_without_a_count_is_an_error() {
		let d = sealed_dir("nocount");
		std::fs::write(d.join("README.md"), "# a set\n").expect("readme");
		let err = times_scored(&d).expect_err("no count line");
		assert!(err.to_string().contains("Times scored"), "{err}");
		let _ = std::fs::remove_dir_all(&d);
	}
}
