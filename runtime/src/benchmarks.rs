//! The pallets whose weights `veritas-node benchmark pallet` measures (node and runtime built
//! with `--features runtime-benchmarks`).

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_verdicts, Verdicts]
);
