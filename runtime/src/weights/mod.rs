//! Weights measured on the reference machine (2-core AMD EPYC VM) by `scripts/bench-weights.sh`.

pub mod pallet_verdicts;
