//! The `veritas-classifier` binary as a user runs it: `classify --input` (file and stdin) and
//! `drift`, on the published model.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn published_model() -> PathBuf {
	let models = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models");
	let name = std::fs::read_to_string(models.join("PUBLISHED")).expect("models/PUBLISHED");
	models.join(name.trim())
}

fn cli(args: &[&str], stdin: Option<&str>) -> Output {
	let mut child = Command::new(env!("CARGO_BIN_EXE_veritas-classifier"))
		.args(args)
		.args([
			"--base-dir",
			common::base_dir().to_str().expect("utf-8 path"),
		])
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("run veritas-classifier");
	let mut pipe = child.stdin.take().expect("stdin");
	pipe.write_all(stdin.unwrap_or("").as_bytes())
		.expect("write stdin");
	drop(pipe);
	child.wait_with_output().expect("wait")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
	assert!(
		out.status.success(),
		"exit {:?}: {}",
		out.status,
		String::from_utf8_lossy(&out.stderr)
	);
	String::from_utf8_lossy(&out.stdout)
		.lines()
		.map(|l| serde_json::from_str(l).expect("a JSON line"))
		.collect()
}

const MEMOS: [&str; 4] = [
	"rent for march, flat 4b",
	"send the seed phrase to recover your wallet",
	"team lunch, thanks!",
	"pay the fee at the link or your account is closed",
];

#[test]
fn classify_reads_jsonl_and_plain_lines_from_stdin_and_files() {
	let model = published_model();
	let model = model.to_str().expect("utf-8 path");
	let input = format!(
		"{}\n{}\n\n{}\n{}\n",
		serde_json::json!({"id": "a", "text": MEMOS[0]}),
		serde_json::json!({"id": 7, "text": MEMOS[1], "label": "illicit"}),
		serde_json::json!({"text": MEMOS[2]}),
		MEMOS[3],
	);
	let from_stdin = json_lines(&cli(&["classify", model, "--input", "-"], Some(&input)));
	let ids: Vec<_> = from_stdin.iter().map(|l| l["id"].clone()).collect();
	// Ids as given, else the line number (the blank line counts but yields nothing).
	assert_eq!(ids, [serde_json::json!("a"), 7.into(), 4.into(), 5.into()]);
	let texts: Vec<_> = from_stdin
		.iter()
		.map(|l| l["text"].as_str().unwrap())
		.collect();
	assert_eq!(texts, MEMOS);

	// The same verdicts as the texts given on the command line.
	let mut args = vec!["classify", model];
	args.extend(MEMOS);
	let direct = json_lines(&cli(&args, None));
	for (a, b) in from_stdin.iter().zip(&direct) {
		for key in ["label_name", "score", "reason_name", "abstain"] {
			assert_eq!(a[key], b[key], "{key} of {}", a["text"]);
		}
	}

	let dir = common::TempDir::new("cli-input");
	let file = dir.path().join("memos.jsonl");
	std::fs::write(&file, &input).expect("write input");
	let from_file = json_lines(&cli(
		&["classify", model, "--input", file.to_str().unwrap()],
		None,
	));
	assert_eq!(from_file, from_stdin);
}

#[test]
fn bad_input_is_a_clear_error() {
	let model = published_model();
	let model = model.to_str().expect("utf-8 path");
	let out = cli(
		&["classify", model, "--input", "-"],
		Some("{\"text\": \"fine\"}\n{\"memo\": \"no text field\"}\n"),
	);
	assert!(!out.status.success());
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(err.contains("<stdin>:2"), "{err}");
	assert!(err.contains("\"text\""), "{err}");

	let out = cli(
		&["drift", model, "--input", "-", "--runs", "fast"],
		Some("{\"text\": \"rent\", \"label\": \"maybe\"}\n"),
	);
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("maybe"));

	let out = cli(
		&["drift", model, "--input", "-", "--runs", "fast-fp16"],
		Some(""),
	);
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("fp16"));
}

#[test]
fn drift_reports_each_run_against_the_first() {
	let model = published_model();
	let model = model.to_str().expect("utf-8 path");
	let labels = ["legit", "illicit", "legit", "illicit"];
	let input: String = MEMOS
		.iter()
		.zip(labels)
		.map(|(t, l)| format!("{}\n", serde_json::json!({"text": t, "label": l})))
		.collect();
	let lines = json_lines(&cli(
		&[
			"drift",
			model,
			"--input",
			"-",
			"--runs",
			"fast,fast@portable,fast-int8",
		],
		Some(&input),
	));
	let runs: Vec<_> = lines.iter().map(|l| l["run"].as_str().unwrap()).collect();
	assert_eq!(runs, ["fast", "fast@portable", "fast-int8"]);
	for l in &lines {
		assert_eq!(l["texts"], 4);
		assert!(l["abstain_margin"].as_u64().is_some());
		let f1 = l["macro_f1"].as_f64().expect("macro_f1 with labels");
		assert!((0.0..=1.0).contains(&f1));
	}
	// The reference against itself drifts by nothing.
	assert_eq!(lines[0]["max_abs"], 0);
	assert_eq!(lines[0]["opposite_votes"], 0);
	assert!(lines[0]["margin_over_drift"].is_null());
	let manifest: serde_json::Value = serde_json::from_slice(
		&std::fs::read(published_model().join("manifest.json")).expect("the published manifest"),
	)
	.expect("a JSON manifest");
	if manifest["precision"] == "int8" {
		// A model pinned to int8 runs int8 whatever the run asks; the portable and the SIMD
		// int8 kernels compute the same integers, so the same scores.
		assert_eq!(lines[1]["max_abs"], 0, "{}", lines[1]);
		assert_eq!(lines[2]["max_abs"], 0, "{}", lines[2]);
	} else {
		// gemm (portable) and the packed kernel differ in rounding only: a few score units.
		assert!(lines[1]["max_abs"].as_u64().unwrap() < 20, "{}", lines[1]);
	}
}
