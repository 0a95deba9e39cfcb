//! JSON-lines reading and writing of examples.

use super::{Example, LABELS};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, Write};
use std::path::Path;

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
