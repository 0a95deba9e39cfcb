//! The fault suite: a 4-validator network (`zombienet/four-validators.toml`) keeps screening
//! transfers correctly when a validator stops, lies, runs another model, or when two stop.
//!
//! Every test spawns its own network (one at a time) and drives it from //Eve, who is not a
//! validator. The expected outcome of each case is what the honest validators' model says
//! (`verdicts_classify` on an honest node): Approve and Reject as voted, Abstain → Undecided.

use std::{collections::BTreeMap, time::Duration};

use anyhow::{ensure, Context, Result};
use veritas_network_tests::{
	chain::{destination, AccountId, AttesterRecord, Chain, Outcome, Settlement, Verdict},
	memos,
	network::{self, spawn, wait_for, TestNetwork, VALIDATORS},
};
use zombienet_sdk::{subxt_signer::sr25519::dev, Arg};

/// What each screened transfer moves: 0.01 VRT (ten times the existential deposit).
const AMOUNT: u128 = 10_000_000_000;

/// A network of four validators whose classifiers are loaded, seen through each of them.
struct Four {
	net: TestNetwork,
	/// Alice's, Bob's, Charlie's and Dave's nodes, in that order.
	chains: Vec<Chain>,
	/// Their accounts (the aura keys they vote with), in the same order.
	accounts: Vec<AccountId>,
}

impl Four {
	async fn spawn() -> Result<Self> {
		let net = spawn("four-validators.toml").await?;
		let mut chains = Vec::new();
		for name in VALIDATORS {
			chains.push(Chain::connect(net.node(name)?).await?);
		}
		let accounts = [dev::alice(), dev::bob(), dev::charlie(), dev::dave()]
			.map(|k| k.public_key().0)
			.to_vec();
		let four = Self {
			net,
			chains,
			accounts,
		};
		let attesters = four.alice().attesters().await?;
		ensure!(
			attesters.len() == 4 && four.accounts.iter().all(|a| attesters.contains(a)),
			"the attester set is not the four validators"
		);
		for chain in &four.chains {
			four.wait_classifier(chain).await?;
		}
		Ok(four)
	}

	fn alice(&self) -> &Chain {
		&self.chains[0]
	}

	async fn wait_classifier(&self, chain: &Chain) -> Result<()> {
		wait_for(
			&format!("{}'s classifier", chain.name),
			Duration::from_secs(120),
			Duration::from_secs(1),
			|| async { Ok((chain.classifier_state().await? == "ready").then_some(())) },
		)
		.await
	}

	/// Reconnects to `name` after a restart.
	async fn reconnect(&mut self, name: &str) -> Result<()> {
		let i = VALIDATORS
			.iter()
			.position(|v| *v == name)
			.context("no such validator")?;
		self.chains[i] = Chain::connect(self.net.node(name)?).await?;
		let chain = &self.chains[i];
		self.wait_classifier(chain).await
	}

	/// Bit of `who` in a verdict's `voted` (its index in the current set).
	async fn member_bit(&self, who: &AccountId) -> Result<u128> {
		let set = self.alice().attesters().await?;
		let i = set.iter().position(|a| a == who).context("not a member")?;
		Ok(1 << i)
	}
}

/// Cases one signer submitted in one go: ids `first..first + memos.len()`, in memo order.
struct Batch {
	first: u64,
	memos: Vec<&'static str>,
	tag: u8,
	expected: Vec<Outcome>,
}

impl Batch {
	fn ids(&self) -> impl Iterator<Item = u64> + '_ {
		(0..self.memos.len() as u64).map(|i| self.first + i)
	}
}

/// Screens `memos` from //Eve to fresh destinations tagged `tag` through `chain` (an honest
/// validator's node), waits until every case is open, and records what its model expects of
/// each.
async fn screen(chain: &Chain, tag: u8, memos: &[&'static str]) -> Result<Batch> {
	let eve = dev::eve();
	let first = chain.next_case_id().await?;
	let nonce = chain.next_nonce(&eve).await?;
	for (i, memo) in memos.iter().enumerate() {
		chain
			.screen_transfer(
				&eve,
				nonce + i as u64,
				&destination(tag, i as u32),
				AMOUNT,
				memo,
			)
			.await?;
	}
	let end = first + memos.len() as u64;
	wait_for(
		"the cases to open",
		Duration::from_secs(90),
		Duration::from_secs(1),
		|| async { Ok((chain.next_case_id().await? >= end).then_some(())) },
	)
	.await?;
	let expected = chain
		.classify(memos)
		.await?
		.iter()
		.map(|r| match r.vote.to_ascii_lowercase().as_str() {
			"approve" => Outcome::Approve,
			"reject" => Outcome::Reject,
			_ => Outcome::Undecided,
		})
		.collect();
	Ok(Batch {
		first,
		memos: memos.to_vec(),
		tag,
		expected,
	})
}

/// Waits until every case of `batch` has its verdict; the verdicts by case id.
async fn verdicts(
	chain: &Chain,
	batch: &Batch,
	timeout: Duration,
) -> Result<BTreeMap<u64, Verdict>> {
	let started = std::time::Instant::now();
	let mut done = BTreeMap::new();
	loop {
		for id in batch.ids() {
			if let std::collections::btree_map::Entry::Vacant(slot) = done.entry(id) {
				if let Some(v) = chain.verdict(id).await? {
					slot.insert(v);
				}
			}
		}
		if done.len() == batch.memos.len() {
			break;
		}
		ensure!(
			started.elapsed() < timeout,
			"{} of {} verdicts after {timeout:?}",
			done.len(),
			batch.memos.len()
		);
		tokio::time::sleep(Duration::from_secs(3)).await;
	}
	Ok(done)
}

/// Every outcome is the honest model's and the funds moved accordingly: a paid destination
/// holds exactly the amount, a refunded one nothing. Returns the number of flipped outcomes.
async fn check_settled(
	chain: &Chain,
	batch: &Batch,
	verdicts: &BTreeMap<u64, Verdict>,
) -> Result<usize> {
	let mut flipped = 0;
	for (i, id) in batch.ids().enumerate() {
		let v = &verdicts[&id];
		if v.outcome != batch.expected[i] {
			flipped += 1;
			eprintln!(
				"case {id} {:?}, the model says {:?}: {:?}",
				v.outcome, batch.expected[i], batch.memos[i]
			);
		}
		let paid = chain.balance(&destination(batch.tag, i as u32)).await?.free;
		match v.outcome {
			Outcome::Approve => {
				ensure!(
					v.settlement == Settlement::Paid && paid == AMOUNT,
					"case {id}: approved, {paid} paid"
				)
			},
			_ => ensure!(
				v.settlement == Settlement::Refunded && paid == 0,
				"case {id}: {:?}, {paid} paid",
				v.outcome
			),
		}
	}
	Ok(flipped)
}

/// Nothing of Eve's stays held once her cases are final.
async fn check_nothing_held(chain: &Chain) -> Result<()> {
	let held = chain.balance(&dev::eve().public_key().0).await?.reserved;
	ensure!(held == 0, "{held} of Eve's is still held");
	Ok(())
}

/// Waits until `who` has voted (agreed, disagreed, abstained or late) on `cases` cases; its record.
async fn votes_in(chain: &Chain, who: &AccountId, cases: u32) -> Result<AttesterRecord> {
	wait_for(
		"the votes",
		Duration::from_secs(90),
		Duration::from_secs(3),
		|| async {
			let r = chain.attester_record(who).await?;
			Ok((r.agreed + r.disagreed + r.abstained + r.late >= cases).then_some(r))
		},
	)
	.await
}

/// Waits until every one of `cases` cases is booked in `who`'s record: voted (agreed, disagreed,
/// abstained or late) or missed. A case is booked when it is finalized, so once all of them
/// are, the record is whole; its record.
async fn booked(chain: &Chain, who: &AccountId, cases: u32) -> Result<AttesterRecord> {
	wait_for(
		"every case booked",
		Duration::from_secs(90),
		Duration::from_secs(3),
		|| async {
			let r = chain.attester_record(who).await?;
			Ok((r.agreed + r.disagreed + r.abstained + r.late + r.missed >= cases).then_some(r))
		},
	)
	.await
}

/// `VoteSkipped { reason: DuplicateVote }` events in blocks `1..=best`: votes cast twice.
async fn double_votes(chain: &Chain) -> Result<usize> {
	let best = chain.best_number().await?;
	let mut n = 0;
	for number in 1..=best {
		n += chain
			.events_at(number)
			.await?
			.iter()
			.filter(|e| e.is("Verdicts", "VoteSkipped") && e.fields.contains("DuplicateVote"))
			.count();
	}
	Ok(n)
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_screen_transfers_and_records_and_polkadot_js_reads_them() -> Result<()> {
	let four = Four::spawn().await?;
	let alice = four.alice();

	let batch = screen(alice, 1, &memos()[..24]).await?;
	let ferdie = dev::ferdie();
	let first_record = alice.next_case_id().await?;
	let nonce = alice.next_nonce(&ferdie).await?;
	for (i, text) in [
		"invoice 2291 paid, thanks",
		"send the seed phrase to unlock your refund",
	]
	.iter()
	.enumerate()
	{
		alice.submit_record(&ferdie, nonce + i as u64, text).await?;
	}
	let verdicts_of = verdicts(alice, &batch, Duration::from_secs(180)).await?;
	let records = Batch {
		first: first_record,
		memos: vec![""; 2],
		tag: 0,
		expected: vec![],
	};
	verdicts(alice, &records, Duration::from_secs(60)).await?;
	ensure!(
		check_settled(alice, &batch, &verdicts_of).await? == 0,
		"an outcome is not the model's"
	);
	check_nothing_held(alice).await?;

	// Every validator votes on every case: in time, or late once the others decided it.
	for (name, who) in VALIDATORS.iter().zip(&four.accounts) {
		let r = votes_in(alice, who, 26)
			.await
			.with_context(|| format!("{name}'s votes"))?;
		ensure!(r.missed == 0 && r.disagreed == 0, "{name}: {r:?}");
	}
	let all = (1u128 << 4) - 1;
	for id in batch.ids().chain(first_record..first_record + 2) {
		let v = alice.verdict(id).await?.context("a verdict went missing")?;
		ensure!(v.voted == all, "case {id}: voters {:#b}", v.voted);
		ensure!(
			v.tally.approve + v.tally.reject + v.tally.abstain + v.late == 4,
			"case {id}: {v:?}"
		);
		if id >= first_record {
			ensure!(v.settlement == Settlement::NoFunds, "record {id}: {v:?}");
		}
	}
	ensure!(alice.finalized_number().await? > 0, "no block finalized");

	// The same chain through @polkadot/api, from Bob's node.
	let script = network::repo_root().join("tests/network/polkadot-js.mjs");
	let out = tokio::process::Command::new("node")
		.arg(&script)
		.arg(four.net.node("bob")?.ws_uri())
		.output()
		.await
		.context("running node (Node.js)")?;
	eprintln!(
		"polkadot-js: {}{}",
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr)
	);
	ensure!(out.status.success(), "the Polkadot.js client failed");
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_validator_leaves_three_that_decide_and_comes_back_without_voting_twice(
) -> Result<()> {
	let mut four = Four::spawn().await?;
	let memos = memos();
	let dave = four.accounts[3];

	let before = screen(four.alice(), 2, &memos[..12]).await?;
	let v = verdicts(four.alice(), &before, Duration::from_secs(120)).await?;
	ensure!(
		check_settled(four.alice(), &before, &v).await? == 0,
		"flipped before the stop"
	);
	votes_in(four.alice(), &dave, 12).await?;

	four.net.node("dave")?.pause().await?;
	let during = screen(four.alice(), 3, &memos[12..24]).await?;
	let v = verdicts(four.alice(), &during, Duration::from_secs(180)).await?;
	ensure!(
		check_settled(four.alice(), &during, &v).await? == 0,
		"flipped while dave was stopped"
	);
	let dave_bit = four.member_bit(&dave).await?;
	ensure!(
		v.values().all(|v| v.voted & dave_bit == 0),
		"a vote of the stopped dave counted"
	);
	let missed = four.alice().attester_record(&dave).await?.missed;
	ensure!(
		missed == 12,
		"dave missed {missed} cases while stopped, not 12"
	);

	four.net.node("dave")?.restart(None).await?;
	four.reconnect("dave").await?;
	let after = screen(four.alice(), 4, &memos[24..36]).await?;
	let v = verdicts(four.alice(), &after, Duration::from_secs(180)).await?;
	ensure!(
		check_settled(four.alice(), &after, &v).await? == 0,
		"flipped after the restart"
	);
	// He votes again once his node is back: on at least one of the 12 cases after the restart
	// (the others he reaches in time, late, or not before the other three decide them: his worker
	// can skip a block's cases while his restarted node catches up, as in the Byzantine test).
	votes_in(four.alice(), &dave, 13).await?;
	let r = booked(four.alice(), &dave, 36).await?;
	let doubles = double_votes(four.alice()).await?;
	let undecided = v
		.values()
		.filter(|v| v.outcome == Outcome::Undecided)
		.count();
	eprintln!(
		"stopped dave (12 cases while stopped, 12 after his restart): flipped 0, undecided {undecided} after the restart, double votes {doubles}, dave {r:?}"
	);
	// Each of the 36 cases counts once for him: in time (agreed / abstained), late or missed.
	// The 12 decided while he was stopped are missed; which of the 12 after the restart he
	// reaches in time, late (once the other three have decided) or not at all depends on timing.
	ensure!(
		r.disagreed == 0
			&& r.agreed + r.abstained + r.late + r.missed == 36
			&& (12..24).contains(&r.missed),
		"dave's record after the restart: {r:?}"
	);
	ensure!(doubles == 0, "a validator voted twice on a case");
	check_nothing_held(four.alice()).await?;
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_byzantine_validator_flips_no_outcome_in_200_cases() -> Result<()> {
	let mut four = Four::spawn().await?;
	let faulty = network::faulty_node_binary()?;
	network::restart_as(
		four.net.node("dave")?,
		&faulty,
		vec![Arg::Flag("--fault-invert-votes".into())],
	)
	.await?;
	four.reconnect("dave").await?;

	let memos = memos();
	let batch = screen(four.alice(), 5, &memos[..200]).await?;
	let v = verdicts(four.alice(), &batch, Duration::from_secs(420)).await?;
	let flipped = check_settled(four.alice(), &batch, &v).await?;
	check_nothing_held(four.alice()).await?;
	let decided = batch
		.expected
		.iter()
		.filter(|o| **o != Outcome::Undecided)
		.count() as u32;

	// Every case counts once for the liar: against the verdict, abstained, late, or missed (his
	// worker can skip a block's cases while his restarted node catches up; honest votes close
	// them first). The record is booked when a case is finalized, and all 200 are.
	let dave = booked(four.alice(), &four.accounts[3], 200).await?;
	let honest = [
		four.alice().attester_record(&four.accounts[0]).await?,
		four.alice().attester_record(&four.accounts[1]).await?,
		four.alice().attester_record(&four.accounts[2]).await?,
	];
	eprintln!(
		"byzantine dave over 200 cases ({decided} decided): flipped {flipped}, dave {dave:?}, honest {honest:?}, double votes {}",
		double_votes(four.alice()).await?
	);
	ensure!(
		flipped == 0,
		"{flipped} outcomes are not the honest majority's"
	);
	ensure!(dave.agreed == 0, "the liar agreed with a verdict: {dave:?}");
	ensure!(
		dave.disagreed > 0 && dave.disagreed + dave.abstained + dave.late + dave.missed == 200,
		"dave's record: {dave:?}"
	);
	ensure!(
		honest.iter().all(|r| r.disagreed == 0),
		"an honest validator disagreed: {honest:?}"
	);
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_validator_with_another_model_declines_to_vote_and_three_decide() -> Result<()> {
	let mut four = Four::spawn().await?;
	let model = network::another_model()?;
	let model = model.to_str().context("model path")?.to_string();
	let node = network::node_binary()?;
	network::restart_as(
		four.net.node("dave")?,
		&node,
		vec![Arg::Option("--model-dir".into(), model)],
	)
	.await?;
	four.reconnect("dave").await?;

	let batch = screen(four.alice(), 6, &memos()[..20]).await?;
	let v = verdicts(four.alice(), &batch, Duration::from_secs(180)).await?;
	ensure!(
		check_settled(four.alice(), &batch, &v).await? == 0,
		"an outcome is not the honest model's"
	);
	let dave_bit = four.member_bit(&four.accounts[3]).await?;
	ensure!(
		v.values().all(|v| v.voted & dave_bit == 0),
		"dave voted with another model"
	);
	let r = four.alice().attester_record(&four.accounts[3]).await?;
	ensure!(r.missed == 20, "dave's record: {r:?}");
	let logs = four.net.node("dave")?.logs().await?;
	let warnings = logs
		.lines()
		.filter(|l| l.contains("but the chain's active model is"))
		.count();
	ensure!(
		warnings == 1,
		"dave's log holds {warnings} model-mismatch warnings, not one"
	);
	check_nothing_held(four.alice()).await?;
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_of_four_stopped_end_cases_undecided_and_refund_then_cases_finalize_again() -> Result<()>
{
	let mut four = Four::spawn().await?;
	let memos = memos();
	for name in ["charlie", "dave"] {
		four.net.node(name)?.pause().await?;
	}
	let stalled = screen(four.alice(), 7, &memos[..10]).await?;
	// VotingPeriod is 20 blocks; with two of four authors stopped, blocks come every ~6 s.
	let v = verdicts(four.alice(), &stalled, Duration::from_secs(300)).await?;
	for (id, verdict) in &v {
		ensure!(
			verdict.outcome == Outcome::Undecided,
			"case {id} reached {:?} with two of four",
			verdict.outcome
		);
	}
	let all_refunded = Batch {
		expected: vec![Outcome::Undecided; 10],
		..stalled
	};
	ensure!(
		check_settled(four.alice(), &all_refunded, &v).await? == 0,
		"undecided cases"
	);
	check_nothing_held(four.alice()).await?;

	for name in ["charlie", "dave"] {
		four.net.node(name)?.restart(None).await?;
		four.reconnect(name).await?;
	}
	let resumed = screen(four.alice(), 8, &memos[10..20]).await?;
	let v = verdicts(four.alice(), &resumed, Duration::from_secs(180)).await?;
	ensure!(
		check_settled(four.alice(), &resumed, &v).await? == 0,
		"flipped after the restart"
	);
	let finalized = four.alice().finalized_number().await?;
	wait_for(
		"finality to move again",
		Duration::from_secs(60),
		Duration::from_secs(3),
		|| async { Ok((four.alice().finalized_number().await? > finalized).then_some(())) },
	)
	.await?;
	Ok(())
}

/// Figures for the README, not a pass/fail test (`cargo test --release -- --ignored
/// load_figures --nocapture`): `tests/load/verdicts-load.mjs` against Alice's node of the
/// 4-validator network, 1, 50 and 200 new cases per block for 10 blocks each.
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn load_figures() -> Result<()> {
	let four = Four::spawn().await?;
	let alice = four.net.node("alice")?;
	let args = alice.args();
	let prometheus = args
		.iter()
		.position(|a| *a == "--prometheus-port")
		.and_then(|i| args.get(i + 1))
		.context("alice has no --prometheus-port")?;
	let status = tokio::process::Command::new("node")
		.current_dir(network::repo_root().join("tests"))
		.args([
			"load/verdicts-load.mjs",
			"--rates",
			"1,50,200",
			"--blocks",
			"10",
			"--ws",
		])
		.arg(alice.ws_uri())
		.arg("--metrics")
		.arg(format!("http://127.0.0.1:{prometheus}/metrics"))
		.status()
		.await
		.context("running the load script")?;
	ensure!(status.success(), "the load script failed");
	Ok(())
}
