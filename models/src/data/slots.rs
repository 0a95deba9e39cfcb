//! Slot fillers of the templates: names, companies, months, amounts in words, coins… drawn
//! from seeded word lists (`{name}`, `{company}`, … in `models/families/*.txt`).

use crate::templates::expand_alternatives;
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

const NAMES: &[&str] = &[
	"Alice", "Bob", "Priya", "Jonas", "Mei", "Carlos", "Fatima", "Tom", "Ana", "Kwame", "Olga",
	"Hiro", "Lena", "Omar", "Sofia", "Dmitri", "Aisha", "Liam", "Chen", "Marta", "Tunde", "Ingrid",
	"Ravi", "Noor", "Pablo", "Yuki",
];
const SURNAMES: &[&str] = &[
	"Moreau", "Müller", "Patel", "Okafor", "Souza", "Kowalski", "Tanaka", "Nguyen", "Haddad",
	"Larsen", "Rossi", "Mensah", "Ivanova", "Smith", "García",
];
pub(super) const COMPANIES: &[&str] = &[
	"Acme Supplies",
	"Nordwind GmbH",
	"BlueRiver Logistics",
	"Kappa Labs",
	"Sunrise Bakery",
	"Helix Pharma",
	"Orbit Telecom",
	"Maple & Co",
	"Quantum Print",
	"Greenleaf Foods",
	"Ironclad Tools",
	"Lumen Studio",
	"Pacific Freight",
	"Atlas Consulting",
];
const MONTHS: &[&str] = &[
	"January",
	"February",
	"March",
	"April",
	"May",
	"June",
	"July",
	"August",
	"September",
	"October",
	"November",
	"December",
	"Jan",
	"Feb",
	"Mar",
	"Apr",
	"Oct",
	"Nov",
	"Dec",
	"03/2025",
	"11/2025",
];
const CITIES: &[&str] = &[
	"Lisbon", "Berlin", "Nairobi", "Manila", "Austin", "Warsaw", "Osaka", "Lagos", "Dubai",
	"Istanbul", "Bogota", "Hanoi", "Tallinn", "Zurich",
];
const STREETS: &[&str] = &[
	"Elm St",
	"Rua Augusta",
	"Baker Street",
	"Kastanienallee",
	"Maple Ave",
	"Calle Mayor",
	"Station Road",
];
const PRODUCTS: &[&str] = &[
	"headphones",
	"a desk chair",
	"2 bags of coffee",
	"the blue jacket",
	"running shoes",
	"a phone case",
	"the bike",
	"garden tools",
	"a used laptop",
	"concert tickets",
	"a lamp",
	"kids books",
];
const CHARITIES: &[&str] = &[
	"the Red Cross",
	"the animal shelter",
	"Doctors Without Borders",
	"the local hospice",
	"Wikipedia",
	"the children's hospital",
	"UNICEF",
];
const SERVICES: &[&str] = &[
	"Netflix",
	"Spotify",
	"cloud storage",
	"VPN",
	"the news app",
	"Figma",
	"GitHub",
	"Duolingo",
];
const PROJECTS: &[&str] = &[
	"Polkadot SDK",
	"rust-analyzer",
	"Moonlight",
	"Zenith",
	"OpenMaps",
];
const PETS: &[&str] = &["Max the dog", "our cat Luna", "the rabbit", "Rex"];
const COINS: &[&str] = &["VRT", "DOT", "ETH", "USDC", "BTC", "SOL", "USDT", "KSM"];
const ISPS: &[&str] = &["FiberNet", "Telco One", "SkyLink", "Vodafone", "Comcast"];
const PHISH: &[&str] = &[
	"veritas-secure-login.net",
	"wallet-verify.io",
	"claim-vrt.xyz",
	"polkadot-support.help",
	"secure-vault-check.com",
	"bit.ly/3xK9qz",
	"metamask-restore.app",
];
const CELEBS: &[&str] = &["Elon", "Vitalik", "MrBeast", "Gavin Wood", "CZ"];

pub(super) fn fill(tpl: &str, rng: &mut ChaCha8Rng) -> String {
	let tpl = expand_alternatives(tpl, rng);
	let mut out = String::with_capacity(tpl.len() + 16);
	let mut rest = tpl.as_str();
	while let Some(start) = rest.find('{') {
		out.push_str(&rest[..start]);
		let Some(len) = rest[start..].find('}') else {
			out.push_str(&rest[start..]);
			return out;
		};
		let slot = &rest[start + 1..start + len];
		out.push_str(&fill_slot(slot, rng));
		rest = &rest[start + len + 1..];
	}
	out.push_str(rest);
	out
}

pub(super) fn pick(xs: &[&str], rng: &mut ChaCha8Rng) -> String {
	xs.choose(rng).copied().unwrap_or("").to_string()
}

pub(super) fn fill_slot(slot: &str, rng: &mut ChaCha8Rng) -> String {
	match slot {
		"name" | "name2" => {
			if rng.random_bool(0.4) {
				format!("{} {}", pick(NAMES, rng), pick(SURNAMES, rng))
			} else {
				pick(NAMES, rng)
			}
		},
		"company" => pick(COMPANIES, rng),
		"month" => pick(MONTHS, rng),
		"city" => pick(CITIES, rng),
		"street" => pick(STREETS, rng),
		"product" => pick(PRODUCTS, rng),
		"charity" => pick(CHARITIES, rng),
		"service" => pick(SERVICES, rng),
		"project" => pick(PROJECTS, rng),
		"pet" => pick(PETS, rng),
		"coin" => pick(COINS, rng),
		"isp" => pick(ISPS, rng),
		"phish" => pick(PHISH, rng),
		"celebrity" => pick(CELEBS, rng),
		"num" => rng.random_range(2..=12).to_string(),
		"q" => rng.random_range(1..=4).to_string(),
		"year" => rng.random_range(2023..=2026).to_string(),
		"days" => rng.random_range(2..=30).to_string(),
		"pct" => pick(&["20%", "35%", "50%", "100%", "300%", "12% weekly"], rng),
		"acct" => rng.random_range(100_000..99_999_999u32).to_string(),
		"order" => match rng.random_range(0..3) {
			0 => rng.random_range(10_000..9_999_999u32).to_string(),
			1 => format!("A-{}", rng.random_range(1000..99_999u32)),
			_ => format!(
				"{}-{}",
				rng.random_range(100..999),
				rng.random_range(1000..9999)
			),
		},
		"inv" => match rng.random_range(0..5) {
			0 => format!(
				"INV-{}-{:04}",
				rng.random_range(2023..=2026),
				rng.random_range(1..9999)
			),
			1 => format!("#{}", rng.random_range(1000..99_999)),
			2 => format!("PO-{}", rng.random_range(10_000..99_999)),
			3 => format!(
				"{}/{}",
				rng.random_range(1..999),
				rng.random_range(2023..=2026)
			),
			_ => format!("F{}", rng.random_range(100_000..999_999)),
		},
		"container" => format!(
			"{}U{}",
			pick(&["MSK", "CMA", "HLX", "TGH"], rng),
			rng.random_range(1_000_000..9_999_999)
		),
		"date" => {
			let (d, m, y) = (
				rng.random_range(1..=28),
				rng.random_range(1..=12),
				rng.random_range(2024..=2026),
			);
			match rng.random_range(0..3) {
				0 => format!("{y}-{m:02}-{d:02}"),
				1 => format!("{d:02}/{m:02}/{y}"),
				_ => format!("{} {d}", MONTHS[(m - 1) as usize]),
			}
		},
		other => format!("{{{other}}}"),
	}
}
