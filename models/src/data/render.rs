//! Rendering of a memo as a transfer text: `transfer <amount> <asset> to <recipient>: <memo>`,
//! a third in the chain's own form (token units, VRT, a full SS58 address).

use super::slots::{fill_slot, pick, COMPANIES};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

const ASSETS: &[&str] = &[
	"VRT", "USDC", "USDT", "DOT", "ETH", "BTC", "EUR", "USD", "KSM", "GBP",
];
const HANDLES: &[&str] = &[
	"@kwame_dev",
	"acme-supplies",
	"landlord.eth",
	"studio-lumen",
	"treasury.vrt",
	"mia_k",
	"shop-4471",
	"ops-wallet",
	"cold storage",
	"savings",
];

const B58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Base58 (Bitcoin alphabet).
pub fn base58(bytes: &[u8]) -> String {
	let mut digits: Vec<u8> = Vec::new();
	for &b in bytes {
		let mut carry = b as u32;
		for d in digits.iter_mut() {
			carry += (*d as u32) << 8;
			*d = (carry % 58) as u8;
			carry /= 58;
		}
		while carry > 0 {
			digits.push((carry % 58) as u8);
			carry /= 58;
		}
	}
	let zeros = bytes.iter().take_while(|&&b| b == 0).count();
	std::iter::repeat_n('1', zeros)
		.chain(digits.iter().rev().map(|&d| B58[d as usize] as char))
		.collect()
}

/// SS58 address (generic substrate prefix 42) of a 32-byte public key, with its checksum.
pub fn ss58(pubkey: &[u8; 32]) -> String {
	use blake2::{Blake2b512, Digest};
	let mut data = vec![42u8];
	data.extend_from_slice(pubkey);
	let mut h = Blake2b512::new();
	h.update(b"SS58PRE");
	h.update(&data);
	let sum = h.finalize();
	data.extend_from_slice(&sum[..2]);
	base58(&data)
}

fn random_ss58(rng: &mut ChaCha8Rng) -> String {
	let mut k = [0u8; 32];
	rng.fill(&mut k);
	ss58(&k)
}

fn amount(rng: &mut ChaCha8Rng, chain: bool) -> String {
	let v = 10f64.powf(rng.random_range(-1.5..4.7));
	if chain {
		let s = format!("{v:.4}");
		let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
		return if s.is_empty() { "0".into() } else { s };
	}
	match rng.random_range(0..4) {
		0 => format!("{}", v.round().max(1.0) as u64),
		1 => format!("{v:.2}"),
		2 => {
			let whole = v.floor() as u64;
			let cents = ((v - v.floor()) * 100.0).round() as u64 % 100;
			let w = whole.to_string();
			let mut grouped = String::new();
			for (i, ch) in w.chars().enumerate() {
				if i > 0 && (w.len() - i).is_multiple_of(3) {
					grouped.push(',');
				}
				grouped.push(ch);
			}
			format!("{grouped}.{cents:02}")
		},
		_ => {
			let s = format!("{v:.3}");
			s.trim_end_matches('0').trim_end_matches('.').to_string()
		},
	}
}

pub(super) fn render(memo: &str, rng: &mut ChaCha8Rng) -> (String, &'static str) {
	if rng.random_bool(0.35) {
		let a = amount(rng, true);
		let d = random_ss58(rng);
		return (format!("transfer {a} VRT to {d}: {memo}"), "chain");
	}
	let a = amount(rng, false);
	let asset = pick(ASSETS, rng);
	let recipient = match rng.random_range(0..10) {
		0..=2 => random_ss58(rng),
		3..=5 => {
			let full = random_ss58(rng);
			let sep = if rng.random_bool(0.7) { "…" } else { "..." };
			format!("{}{sep}{}", &full[..4], &full[full.len() - 4..])
		},
		6 | 7 => fill_slot("name", rng),
		8 => pick(COMPANIES, rng),
		_ => pick(HANDLES, rng),
	};
	(
		format!("transfer {a} {asset} to {recipient}: {memo}"),
		"free",
	)
}
