//! Spawning the networks users run (`zombienet/*.toml`) and changing their validators.

use std::{
	path::{Path, PathBuf},
	sync::OnceLock,
	time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use zombienet_sdk::{
	Arg, GlobalSettingsBuilder, LocalFileSystem, Network, NetworkConfig, NetworkConfigExt,
	NetworkNode,
};

/// The validators of `zombienet/four-validators.toml`, in the order of their aura keys.
pub const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// The repository root (this crate lives in `tests/network`).
pub fn repo_root() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `veritas-node` binary: `$VERITAS_NODE`, else `release/veritas-node` under
/// `$CARGO_TARGET_DIR` or `$HOME/.cache/veritas/target` (where `scripts/` build it).
pub fn node_binary() -> Result<PathBuf> {
	binary("VERITAS_NODE", "veritas-node")
}

/// The Byzantine build (`--features fault-injection`): `$VERITAS_NODE_FAULTY`, else
/// `veritas-node-faulty` next to [`node_binary`].
pub fn faulty_node_binary() -> Result<PathBuf> {
	binary("VERITAS_NODE_FAULTY", "veritas-node-faulty")
}

fn binary(var: &str, name: &str) -> Result<PathBuf> {
	let path = match (std::env::var_os(var), std::env::var_os("VERITAS_NODE")) {
		(Some(path), _) => PathBuf::from(path),
		(None, Some(node)) => Path::new(&node).with_file_name(name),
		(None, None) => {
			let target = std::env::var_os("CARGO_TARGET_DIR")
				.map(PathBuf::from)
				.or_else(|| {
					std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/veritas/target"))
				})
				.context("neither CARGO_TARGET_DIR nor HOME is set")?;
			target.join("release").join(name)
		},
	};
	if !path.is_file() {
		bail!(
			"{name} not found at {} (build it with scripts/test.sh, or set {var})",
			path.display()
		);
	}
	Ok(path)
}

/// One network at a time: a network of four validators is all two cores can run, and the
/// tests of one binary would otherwise run theirs side by side.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A spawned network; dropping it stops every node.
pub struct TestNetwork {
	/// The zombienet network.
	pub network: Network<LocalFileSystem>,
	_turn: tokio::sync::MutexGuard<'static, ()>,
}

impl TestNetwork {
	/// The node called `name`.
	pub fn node(&self, name: &str) -> Result<&NetworkNode> {
		self.network.get_node(name)
	}
}

/// Spawns `zombienet/<definition>` with the native provider, exactly as
/// `zombie-cli spawn --provider native zombienet/<definition>` does after
/// `PATH=<dir of veritas-node>:$PATH`, except that a node that stops does not tear the network
/// down (the fault tests stop nodes themselves).
pub async fn spawn(definition: &str) -> Result<TestNetwork> {
	let turn = ONE_AT_A_TIME.lock().await;
	init_logging();
	put_node_on_path()?;
	let path = repo_root().join("zombienet").join(definition);
	let path = path.to_str().context("the repository path is not UTF-8")?;
	let defined = NetworkConfig::load_from_toml(path)
		.with_context(|| format!("loading the network definition {path}"))?;
	let settings = defined.global_settings();
	let settings = GlobalSettingsBuilder::new()
		.with_network_spawn_timeout(settings.network_spawn_timeout())
		.with_node_spawn_timeout(settings.node_spawn_timeout())
		.with_tear_down_on_failure(false)
		.build()
		.map_err(|e| anyhow::anyhow!("settings: {e:?}"))?;
	let config = NetworkConfig::load_from_toml_with_settings(path, &settings)?;
	let network = config
		.spawn_native()
		.await
		.with_context(|| format!("spawning {definition}"))?;
	Ok(TestNetwork {
		network,
		_turn: turn,
	})
}

fn init_logging() {
	let _ = tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "warn,zombienet_orchestrator=info".into()),
		)
		.with_test_writer()
		.try_init();
}

/// Zombienet finds `default_command = "veritas-node"` on `PATH`, as a user's shell would.
fn put_node_on_path() -> Result<()> {
	static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
	DONE.get_or_init(|| {
		let node = node_binary().map_err(|e| e.to_string())?;
		let dir = node.parent().ok_or("the node binary has no directory")?;
		let mut paths = vec![dir.to_path_buf()];
		paths.extend(std::env::split_paths(
			&std::env::var_os("PATH").unwrap_or_default(),
		));
		let joined = std::env::join_paths(paths).map_err(|e| e.to_string())?;
		// Set once, before any network (and its threads) exists.
		std::env::set_var("PATH", joined);
		Ok(())
	})
	.clone()
	.map_err(anyhow::Error::msg)
}

/// The arguments every validator of the definitions runs with (`default_args`).
pub fn default_args() -> Vec<Arg> {
	vec![Arg::Option("--ml-threads".into(), "1".into())]
}

/// Restarts `node` as `program` with the default arguments and `extra` (same keystore and
/// database), and waits until its RPC answers.
pub async fn restart_as(node: &NetworkNode, program: &Path, extra: Vec<Arg>) -> Result<()> {
	let program = program.to_str().context("the binary path is not UTF-8")?;
	let mut args = default_args();
	args.extend(extra);
	node.restart_with(vec![], Some(program.to_string()), Some(args), None)
		.await
		.with_context(|| format!("restarting {}", node.name()))?;
	node.wait_client_with_timeout::<zombienet_sdk::subxt::PolkadotConfig>(120u64)
		.await
		.with_context(|| format!("{} did not come back", node.name()))?;
	Ok(())
}

/// A copy of the published model whose manifest names another version: it loads and
/// classifies like the published one, but its hash is not the chain's.
pub fn another_model() -> Result<PathBuf> {
	let models = repo_root().join("models");
	let published = std::fs::read_to_string(models.join("PUBLISHED"))?;
	let source = models.join(published.trim());
	let root = std::env::temp_dir().join(format!("veritas-another-model-{}", std::process::id()));
	let dir = root.join("model");
	std::fs::create_dir_all(&dir)?;
	let base = root.join("base");
	if !base.exists() {
		std::os::unix::fs::symlink(models.join("base").canonicalize()?, &base)?;
	}
	for entry in std::fs::read_dir(&source)? {
		let entry = entry?;
		std::fs::copy(entry.path(), dir.join(entry.file_name()))?;
	}
	let manifest_path = dir.join("manifest.json");
	let mut manifest: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&manifest_path)?)?;
	let version = manifest["version"]
		.as_u64()
		.context("the manifest has no version")?;
	manifest["version"] = (version + 1000).into();
	std::fs::write(&manifest_path, serde_json::to_string_pretty(&manifest)?)?;
	Ok(dir)
}

/// Polls `check` every `every` until it yields `Some`, or fails after `timeout` with `what`.
pub async fn wait_for<T, F, Fut>(
	what: &str,
	timeout: Duration,
	every: Duration,
	mut check: F,
) -> Result<T>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<Option<T>>>,
{
	let started = Instant::now();
	loop {
		match check().await {
			Ok(Some(v)) => return Ok(v),
			Ok(None) => {},
			Err(e) if started.elapsed() >= timeout => {
				return Err(e.context(format!("waiting for {what}")))
			},
			Err(_) => {},
		}
		if started.elapsed() >= timeout {
			bail!("timed out after {timeout:?} waiting for {what}");
		}
		tokio::time::sleep(every).await;
	}
}
