//! The template families of the dataset: for every reason category ten families of memo
//! templates (two or three wordings each). A *family* is the unit of the train/dev/test split: all
//! wordings of one family land in the same split, so no template leaks across splits.
//!
//! Slots (`{name}` …) are filled by [`crate::data`]; see `fill_slot` there for the list.
//! A family marked `hard` is a hard negative (legit memo that sounds urgent or crypto-ish) or a
//! hard positive (illicit memo worded blandly).

/// One template family.
pub struct Family {
	/// Hard negative / hard positive.
	pub hard: bool,
	/// Wordings.
	pub templates: &'static [&'static str],
}

/// A reason category and its families.
pub struct Category {
	/// Machine name (also the reason code name).
	pub name: &'static str,
	/// `true` for an illicit category.
	pub illicit: bool,
	/// Template families.
	pub families: &'static [Family],
}

macro_rules! fam {
    (hard: $($t:expr),+ $(,)?) => { Family { hard: true, templates: &[$($t),+] } };
    ($($t:expr),+ $(,)?) => { Family { hard: false, templates: &[$($t),+] } };
}

/// Legit categories first, then illicit ones (this is also the order of the reason codes after
/// `none`).
pub static CATEGORIES: &[Category] = &[
	Category {
		name: "salary",
		illicit: false,
		families: &[
			fam!(
				"salary {month}",
				"{month} salary payment",
				"monthly salary - {month}"
			),
			fam!(
				"payroll run {month}, employee {name}",
				"net pay for {name}, period ending {date}"
			),
			fam!(
				"wages for {num} shifts at the warehouse",
				"hourly wages week {num}",
				"weekly wages, {num} hours overtime incl."
			),
			fam!(
				"bonus payout Q{q} for {name}, well deserved",
				"annual performance bonus {year}"
			),
			fam!(hard:
				"URGENT payroll correction - you were underpaid in {month}, sending the difference now",
				"salary advance as requested, will be deducted from next payslip asap"
			),
			fam!(hard:
				"contributor stipend paid in {coin} for {month} dev work",
				"validator ops team salary {month}, paid on-chain"
			),
			fam!(
				"paycheck for {name}, thanks for the hard work",
				"this month's pay, {month}",
				"your wages are in"
			),
			fam!("overtime and holiday pay {month}", "13th month pay"),
			fam!(
				"commission on Q{q} sales",
				"sales commission {month}, {num} deals closed"
			),
			fam!(hard: "daily payout for the delivery gig, tips included", "contractor payment in crypto as agreed in the contract"),
		],
	},
	Category {
		name: "rent",
		illicit: false,
		families: &[
			fam!(
				"rent {month}",
				"{month} rent flat {num}B",
				"rent for {month}, {street}"
			),
			fam!(
				"monthly rent unit {num}",
				"rent payment apt {num}, {street}"
			),
			fam!(
				"deposit for the apartment on {street}",
				"security deposit, refundable at move-out"
			),
			fam!(
				"my share of the rent + internet, {month}",
				"splitting rent with {name} this month"
			),
			fam!(hard:
				"FINAL NOTICE paid: rent overdue, sorry for the delay, late fee included",
				"urgent - paying the rent today so we don't get the eviction letter"
			),
			fam!(
				"office lease {month}, {company}",
				"parking space rental {month}"
			),
			fam!(
				"landlord: {month} payment for the flat",
				"room rent, shared house"
			),
			fam!(
				"pro-rated rent for the first {num} days",
				"last month's rent before moving out"
			),
			fam!("storage unit rent {month}", "garage rent"),
			fam!(hard: "holiday let balance, paid in {coin} as the host prefers", "rent due TODAY, transferring now, sorry again"),
		],
	},
	Category {
		name: "invoice",
		illicit: false,
		families: &[
			fam!(
				"payment of invoice {inv}",
				"inv {inv} settled",
				"invoice {inv}"
			),
			fam!(
				"{company} invoice {inv}, net 30",
				"as per invoice {inv} dated {date}"
			),
			fam!(
				"consulting services {month} - invoice {inv}",
				"web design project milestone {num}, inv {inv}"
			),
			fam!(
				"balance due on {inv}, thank you for your business",
				"partial payment towards invoice {inv}"
			),
			fam!(hard:
				"overdue invoice {inv} - paying now to avoid suspension of service",
				"urgent: invoice {inv} is past due, please confirm receipt asap"
			),
			fam!(
				"translation services, {num} pages, ref {inv}",
				"freelance copywriting for {company}"
			),
			fam!(
				"settling bill no. {inv} for the catering",
				"payment for the photography job, invoice {inv}"
			),
			fam!("plumbing repair, invoice {inv}", "electrician call-out fee"),
			fam!(
				"legal fees per engagement letter, {inv}",
				"audit fee FY{year}"
			),
			fam!(hard: "smart contract audit invoice {inv}, paid in {coin}", "node hosting invoice, 3 validators, {month}"),
		],
	},
	Category {
		name: "utilities",
		illicit: false,
		families: &[
			fam!("electricity bill {month}", "power bill account {acct}"),
			fam!("water and sewage Q{q}", "water bill {month}"),
			fam!("internet {month}, {isp}", "broadband + tv bundle {month}"),
			fam!(
				"gas heating bill, meter {acct}",
				"gas & electric combined {month}"
			),
			fam!(hard:
				"disconnection warning paid - electricity arrears cleared",
				"urgent: paying before the power gets cut off tomorrow"
			),
			fam!(
				"mobile phone plan {month}",
				"phone bill, {num} lines family plan"
			),
			fam!("trash collection fee Q{q}", "waste management {month}"),
			fam!("district heating {month}", "heating oil delivery"),
			fam!(
				"meter reading adjustment, electricity",
				"prepaid electricity top-up"
			),
			fam!(hard: "final bill, account closing - pay within 48h", "top up the prepaid meter now, balance is zero"),
		],
	},
	Category {
		name: "retail",
		illicit: false,
		families: &[
			fam!("order #{order} - {product}", "purchase: {product}"),
			fam!(
				"{product} from your shop, thanks!",
				"paid for {product} at the market stall"
			),
			fam!(
				"marketplace order {order}, delivered",
				"online order {order} ({product})"
			),
			fam!(
				"groceries",
				"weekly groceries split",
				"groceries and household stuff"
			),
			fam!(hard:
				"paying for the hardware wallet you sold me",
				"bought your used mining graphics card, as listed"
			),
			fam!("coffee and pastries", "lunch at the {company} cafe"),
			fam!(
				"bookshop, {num} novels",
				"paid for the sofa, pick up saturday"
			),
			fam!("bakery order for the party", "flowers for mum's birthday"),
			fam!(
				"second-hand bike from the listing",
				"vinyl records, the ones we talked about"
			),
			fam!(hard: "limited sneaker drop, paid now before it sells out", "bought the NFT artwork print from your gallery"),
		],
	},
	Category {
		name: "refund",
		illicit: false,
		families: &[
			fam!("refund for order {order}", "refund: returned {product}"),
			fam!(
				"reimbursement - travel expenses {month}",
				"expense reimbursement, receipts attached"
			),
			fam!(
				"overpayment returned, you paid twice",
				"returning the duplicate charge"
			),
			fam!("cancelled booking refund", "event cancelled, full refund"),
			fam!(hard:
				"refund of your security deposit, minus cleaning",
				"wallet migration refund: returning the {coin} you sent to the old address"
			),
			fam!(
				"warranty claim payout for {product}",
				"store credit refund for {product}"
			),
			fam!(
				"returning your deposit for the cancelled class",
				"refund, item arrived damaged"
			),
			fam!(
				"chargeback settlement, order {order}",
				"price adjustment refund"
			),
			fam!(
				"you overpaid the dinner bill, here's your change",
				"paying you back for the concert ticket"
			),
			fam!(hard: "URGENT refund: the exchange deposit you sent by mistake, returned", "gas fee refund for the failed transaction"),
		],
	},
	Category {
		name: "donation",
		illicit: false,
		families: &[
			fam!("donation to {charity}", "monthly donation {charity}"),
			fam!(
				"for the food bank drive",
				"contribution to the community garden"
			),
			fam!(
				"church tithe {month}",
				"mosque building fund",
				"temple renovation gift"
			),
			fam!(
				"sponsoring {name}'s charity run",
				"fundraiser for the school trip"
			),
			fam!(hard:
				"emergency relief donation - flood victims, please act fast",
				"urgent appeal: medical bills for {name}'s surgery, pledge"
			),
			fam!(hard:
				"open-source grant to the {project} maintainers",
				"tip for the podcast in {coin}, keep it up"
			),
			fam!("for the refugee support network", "earthquake relief fund"),
			fam!("zakat {year}", "christmas charity collection"),
			fam!(
				"alumni fund gift {year}",
				"library friends association donation"
			),
			fam!(hard: "crypto donation to the open-source wallet project", "donating {coin} to the hackathon prize pool"),
		],
	},
	Category {
		name: "subscription",
		illicit: false,
		families: &[
			fam!("{service} subscription {month}", "{service} monthly plan"),
			fam!("annual membership renewal", "yearly {service} renewal"),
			fam!("gym membership {month}", "yoga studio 10-class pass"),
			fam!("SaaS seats x{num}, {month}", "cloud hosting plan, {month}"),
			fam!(hard:
				"auto-renewal: premium plan renewed, cancel anytime",
				"your trial ended - first paid month"
			),
			fam!(
				"newspaper digital subscription",
				"magazine subscription, 12 issues"
			),
			fam!("music lessons, {month} package", "meal kit weekly box"),
			fam!("domain name renewal", "password manager family plan"),
			fam!("coworking desk {month}", "language course monthly fee"),
			fam!(hard: "premium trading-data API subscription", "crypto tax software, annual licence"),
		],
	},
	Category {
		name: "loan_repayment",
		illicit: false,
		families: &[
			fam!("loan repayment {num}/12", "instalment {num} of 24"),
			fam!(
				"paying back the money you lent me, thanks!",
				"returning the money from {month}"
			),
			fam!("mortgage payment {month}", "car loan instalment {month}"),
			fam!(
				"student loan repayment",
				"credit union loan, account {acct}"
			),
			fam!(hard:
				"repaying the {coin} loan from the lending pool, principal + interest",
				"closing my DeFi loan position, collateral released"
			),
			fam!(
				"final repayment - we're square now",
				"interest payment on the family loan"
			),
			fam!(
				"paying off the credit card balance",
				"BNPL instalment {num}/4"
			),
			fam!(
				"microloan repayment for the shop",
				"repaying the cooperative loan"
			),
			fam!(
				"returning the {num}00 you advanced me for the deposit",
				"IOU settled"
			),
			fam!(hard: "margin loan interest on the exchange account", "repaying the stablecoin credit line early"),
		],
	},
	Category {
		name: "supply_chain",
		illicit: false,
		families: &[
			fam!(
				"PO {inv} - {num} pallets of packaging",
				"purchase order {inv}, raw materials"
			),
			fam!(
				"freight charges, container {container}",
				"shipping and customs for order {order}"
			),
			fam!(
				"deposit for {num}00 units, balance on delivery",
				"supplier payment, batch {num}"
			),
			fam!(
				"warehouse storage fees {month}",
				"logistics: last-mile delivery {month}"
			),
			fam!(hard:
				"URGENT supplier payment - production stops if this is late",
				"prepayment to the new vendor in {city}, first order"
			),
			fam!(
				"spare parts for the line, ref {inv}",
				"fabric order for the spring collection"
			),
			fam!(
				"customs duties for shipment {container}",
				"import duties, batch {num}"
			),
			fam!(
				"packaging materials from {company}",
				"cardboard boxes, {num} pallets"
			),
			fam!(
				"trucking invoice, route {city} - {city}",
				"cold-chain transport {month}"
			),
			fam!(hard: "express air freight, must ship today or we miss the launch", "supplier in {city} asked for payment in USDT per contract"),
		],
	},
	Category {
		name: "medical",
		illicit: false,
		families: &[
			fam!("dental check-up", "dentist, filling and cleaning"),
			fam!("physiotherapy {num} sessions", "physio {month}"),
			fam!("pharmacy - prescription refill", "medication for mum"),
			fam!("hospital bill, ref {inv}", "co-pay for the MRI scan"),
			fam!(hard:
				"urgent surgery deposit, please release today",
				"emergency room bill, paying now"
			),
			fam!("vet bill for {pet}", "eye test and new glasses"),
			fam!("therapy session {month}", "counselling, {num} sessions"),
			fam!("lab tests, blood panel", "x-ray and consultation"),
			fam!("maternity ward bill", "orthodontist instalment {num}"),
			fam!(hard: "hospital asked for payment upfront before the procedure", "paying the clinic abroad in {coin}"),
		],
	},
	Category {
		name: "family_support",
		illicit: false,
		families: &[
			fam!("for mum", "allowance for {name}", "for dad, love you"),
			fam!("pocket money for the kids", "tuition help for {name}"),
			fam!(
				"monthly support for grandma",
				"help with groceries, love you"
			),
			fam!(
				"happy birthday {name}!",
				"wedding gift for {name} and {name2}"
			),
			fam!(hard:
				"urgent - covering mum's hospital parking and food this week",
				"sorry it's late, family support for {month}, call me"
			),
			fam!(
				"remittance home, {month}",
				"sending money back home for the family"
			),
			fam!("school fees for {name}", "uniform and books for the kids"),
			fam!(
				"for your rent this month, sis",
				"helping out with the car repair, bro"
			),
			fam!(
				"christmas money for the grandkids",
				"graduation gift for {name}"
			),
			fam!(hard: "mum asked for help with the bills again, sending now", "emergency cash for {name}'s broken phone, replace it today"),
		],
	},
	Category {
		name: "tax",
		illicit: false,
		families: &[
			fam!("income tax {year}", "tax return balance due {year}"),
			fam!("VAT Q{q} {year}", "quarterly VAT payment"),
			fam!("property tax instalment", "council tax {month}"),
			fam!(
				"tax advisor fee {year}",
				"accountant: filing the {year} return"
			),
			fam!(hard:
				"urgent: tax payment before the penalty deadline on {date}",
				"paying the tax assessment, reference {inv}, due today"
			),
			fam!(hard: "crypto capital gains tax {year}", "tax on staking income {year}"),
			fam!("road tax renewal", "vehicle tax {year}"),
			fam!("import VAT on the parcel", "customs tax on the order"),
			fam!(
				"payroll tax {month}",
				"social security contributions {month}"
			),
			fam!(hard: "tax authority payment plan instalment {num}, final notice", "stamp duty on the property purchase, due this week"),
		],
	},
	Category {
		name: "travel",
		illicit: false,
		families: &[
			fam!("flight to {city}", "plane tickets {city} trip"),
			fam!("hotel {city}, {num} nights", "airbnb in {city}"),
			fam!("train tickets", "bus pass {month}"),
			fam!("my share of the {city} trip", "group trip kitty"),
			fam!(hard:
				"last-minute booking, need to pay within 1 hour or lose the seat",
				"visa fee for the {city} conference"
			),
			fam!("car rental {city}", "travel insurance for the trip"),
			fam!("ferry tickets to the island", "ski pass for {num} days"),
			fam!("taxi from the airport", "fuel for the road trip"),
			fam!("tour booking in {city}", "museum pass and guided tour"),
			fam!(hard: "deposit for the villa - host wants it today to hold the dates", "flight change fee, rebooked urgently"),
		],
	},
	// ---------------------------------------------------------------- illicit
	Category {
		name: "investment_scam",
		illicit: true,
		families: &[
			fam!(
				"guaranteed {pct} return in {days} days, deposit confirmed",
				"double your {coin} - send now, receive 2x back"
			),
			fam!(
				"VIP trading signals group entry",
				"account manager says deposit more to unlock withdrawal"
			),
			fam!(
				"cloud mining investment, daily profits guaranteed",
				"top up to reach the next tier and withdraw your profits"
			),
			fam!(
				"pay the release fee so your profits can be withdrawn",
				"withdrawal tax required before funds are released"
			),
			fam!(hard:
				"portfolio top-up per advisor {name}",
				"second deposit as the platform asked"
			),
			fam!(
				"presale allocation, risk-free, {pct} by Friday",
				"recruit 3 friends and your deposit doubles"
			),
			fam!(
				"join the pool, 2% daily compound interest",
				"forex robot subscription, guaranteed profits"
			),
			fam!(
				"buy now before listing, 50x guaranteed",
				"insider tip: pump starts tonight, get in"
			),
			fam!(
				"unlock your trading account, minimum deposit {num}00",
				"your profit is ready, pay the commission first"
			),
			fam!(hard: "as per the mentor's instructions, round 3", "allocation for the private fund, see the whatsapp group"),
		],
	},
	Category {
		name: "phishing",
		illicit: true,
		families: &[
			fam!(
				"verify your wallet at {phish} to avoid suspension",
				"security check: send funds to confirm wallet ownership"
			),
			fam!(
				"account locked - pay reactivation fee",
				"your seed phrase must be revalidated, small fee"
			),
			fam!(
				"support desk: refund requires a test transfer first",
				"KYC update fee, link sent in DM"
			),
			fam!(
				"claim pending, confirm via {phish}",
				"login expired, restore access at {phish}"
			),
			fam!(hard:
				"account verification deposit, returned within 24h",
				"as requested by the helpdesk agent"
			),
			fam!(
				"bank fraud team: move your funds to the safe account",
				"your card is compromised, transfer to the secure vault now"
			),
			fam!(
				"confirm your identity to avoid account deletion",
				"click the link and enter your private key to receive"
			),
			fam!(
				"parcel held at customs, pay redelivery fee at {phish}",
				"pay the unpaid toll to avoid a fine, {phish}"
			),
			fam!(
				"wallet sync required, connect at {phish}",
				"update the validator key at {phish} before slashing"
			),
			fam!(hard: "verification amount as the agent explained on the call", "test payment requested by support"),
		],
	},
	Category {
		name: "fake_airdrop",
		illicit: true,
		families: &[
			fam!(
				"claim {coin} airdrop - gas fee to unlock",
				"airdrop eligibility fee"
			),
			fam!(
				"free tokens! connect wallet and pay activation",
				"you won {num}000 tokens, pay gas to receive"
			),
			fam!(
				"airdrop whitelist spot, pay to reserve",
				"pre-claim fee for the {project} drop"
			),
			fam!(
				"stake to receive bonus airdrop x10",
				"giveaway: send 1 get 3 back"
			),
			fam!(hard:
				"activation fee for the reward distribution",
				"processing fee, token claim"
			),
			fam!(
				"NFT mint pass airdrop - unlock cost",
				"bonus claim fee as per telegram"
			),
			fam!(
				"retroactive rewards: pay to release your allocation",
				"unclaimed tokens expire today, small fee"
			),
			fam!(
				"validator bonus drop, deposit to qualify",
				"snapshot reward, send {coin} to activate"
			),
			fam!(
				"lucky draw winner! pay the delivery cost for your prize",
				"congratulations, your wallet was selected, claim fee"
			),
			fam!(hard: "fee for the token bridge so the reward arrives", "unlock fee as in the announcement"),
		],
	},
	Category {
		name: "ransomware",
		illicit: true,
		families: &[
			fam!(
				"decryption key payment",
				"pay to recover the encrypted files"
			),
			fam!(
				"ransom for the servers, tool sent after payment",
				"unlock fee for the locked network"
			),
			fam!(
				"file recovery as demanded in the note",
				"payment for the decryptor, {days} day deadline"
			),
			fam!(
				"second installment for the decryptor",
				"key for the {company} file shares"
			),
			fam!(hard:
				"data recovery service, as negotiated",
				"IT incident resolution fee per the note"
			),
			fam!(
				"payment per the readme file on our desktops",
				"restore access to the hospital systems, as demanded"
			),
			fam!(
				"bitcoin for the key, as per the lock screen",
				"payment to stop the leak of our backups"
			),
			fam!(
				"restoring the encrypted database - negotiated price",
				"ransom final installment, send the decryptor"
			),
			fam!(
				"our files were locked, this is the payment they asked for",
				"to get the encrypted laptops back"
			),
			fam!(hard: "security consultant fee per their instructions, no police", "recovery payment, case {num}"),
		],
	},
	Category {
		name: "darknet_goods",
		illicit: true,
		families: &[
			fam!(
				"for the stuff, {num}g as usual",
				"order: {num}0 pills, stealth shipping"
			),
			fam!(
				"vendor payment, skipping market escrow",
				"FE for the listing, ship discreet"
			),
			fam!(
				"fake passport + driving licence",
				"cloned cards batch {num}"
			),
			fam!("dumps + fullz, {num}00 records", "stolen logins bundle"),
			fam!(hard:
				"for the package, usual drop point",
				"payment for the party favours, {num} of them"
			),
			fam!(
				"unregistered pistol, no serial",
				"ghost gun kit, untraceable"
			),
			fam!(
				"for the batch of oxy, as listed",
				"molly x{num}, same as last time"
			),
			fam!(
				"hacked streaming accounts, {num} pack",
				"skimmer device + pinpad overlay"
			),
			fam!(
				"counterfeit notes, {num}k face value",
				"fake IDs for the crew"
			),
			fam!(hard: "for the usual from the guy, same spot", "the stuff from the forum, tracking by PM"),
		],
	},
	Category {
		name: "money_laundering",
		illicit: true,
		families: &[
			fam!(
				"part {num} of 9, keep each under 10k",
				"split so it stays below the reporting limit"
			),
			fam!(
				"cash from the shop, clean it through the casino account",
				"mix it through a few wallets first"
			),
			fam!(
				"fake invoice {inv} to cover the cash deposits",
				"backdated invoice, no actual services"
			),
			fam!(
				"round trip through the shell company in {city}",
				"layering - 3rd hop, forward to the next wallet"
			),
			fam!(hard:
				"consulting fee (see side agreement)",
				"loan from a friend, no paperwork needed"
			),
			fam!(
				"mule transfer, keep 10% and forward the rest",
				"use your account for this one, you keep a cut"
			),
			fam!(
				"deposit {num} of 15, all under 3k",
				"another slice below the threshold"
			),
			fam!(
				"buy the gift cards with this and resell them",
				"cash it out through the crypto ATMs in small amounts"
			),
			fam!(
				"overpay the invoice, refund the difference to the other account",
				"wash trade between our two accounts"
			),
			fam!(hard: "for the project, don't ask where it came from", "cash business top-up, as usual"),
		],
	},
	Category {
		name: "sanctions_evasion",
		illicit: true,
		families: &[
			fam!(
				"routed via a third country to get past the sanctions screening",
				"invoice it under the sister company so the listed buyer doesn't appear"
			),
			fam!(
				"payment for the embargoed shipment, relabelled as farm parts",
				"dual-use parts, declare them as spare machinery"
			),
			fam!(
				"for the blocked entity, through the nominee account",
				"on behalf of the sanctioned client, don't mention his name"
			),
			fam!(
				"ship-to-ship transfer, transponder off",
				"oil cargo via the tanker with the switched flag"
			),
			fam!(hard:
				"for our partner in {city}, via the usual intermediary, end user not on the paperwork",
				"freight paid by the trading house on behalf of the real buyer"
			),
			fam!(
				"OTC swap for the listed bank, avoid SWIFT",
				"convert to {coin} so the restricted buyer can pay"
			),
			fam!(
				"reroute through {city} to dodge the blacklist check",
				"use the cousin's company name on the invoice, the real buyer is listed"
			),
			fam!(
				"payment for the restricted electronics, ship via a third country",
				"avoid the OFAC check, use the mixer"
			),
			fam!(
				"front company payment, beneficiary must stay hidden",
				"split among nominee directors, the listed oligarch pays"
			),
			fam!(hard: "for the machinery, final destination not on the forms", "via our friend's exchange, no KYC on their side"),
		],
	},
	Category {
		name: "romance_scam",
		illicit: true,
		families: &[
			fam!(
				"my love, for the plane ticket so we can finally meet",
				"for the customs fee on my parcel to you, darling"
			),
			fam!(
				"baby I need help with the hospital bill, I'll pay you back",
				"stuck abroad, my card got blocked, please sweetheart"
			),
			fam!(
				"for our future together, invest in my uncle's gold",
				"to release my inheritance so I can come to you"
			),
			fam!(
				"visa fee so I can visit you my dear",
				"the army won't release my leave without the fee, honey"
			),
			fam!(hard:
				"as we talked last night, for the ticket",
				"help with the fees, see you soon"
			),
			fam!(
				"my darling, the oil rig contract pays next month, just need this",
				"love you, please send for the lawyer so I can leave"
			),
			fam!(
				"honey my account is frozen, can you cover the hotel",
				"sweetie I need money for the medical test before I can fly"
			),
			fam!(
				"darling, for the gold shipment customs, we'll be rich together",
				"my love, the bank needs a fee to release my funds"
			),
			fam!(
				"baby the soldier's leave fee, I miss you",
				"for the phone so I can call you every night"
			),
			fam!(hard: "as promised, for the trip to see me", "from the one who loves you, for the paperwork"),
		],
	},
	Category {
		name: "extortion",
		illicit: true,
		families: &[
			fam!(
				"pay or the video goes to all your contacts",
				"I have your photos, pay within {days} days"
			),
			fam!(
				"protection fee for the shop, {month}",
				"so nothing happens to your store"
			),
			fam!(
				"we know where you live, this is the first payment",
				"payment for my silence"
			),
			fam!(
				"recordings get deleted after payment",
				"last warning, pay and the footage disappears"
			),
			fam!(hard:
				"as discussed, and the files stay private",
				"monthly fee for the neighbourhood 'security'"
			),
			fam!(
				"or your company's leaked emails go public",
				"the doxxing stops when this is paid"
			),
			fam!(
				"pay or we tell your wife",
				"your browsing history goes to your boss unless paid"
			),
			fam!(
				"fee so your shop windows stay intact",
				"pay and no one gets hurt"
			),
			fam!(
				"we hacked your camera, pay in {days} days",
				"compromising material will be published"
			),
			fam!(hard: "the agreed amount, and we're done", "second payment, as per our understanding"),
		],
	},
	Category {
		name: "impersonation",
		illicit: true,
		families: &[
			fam!(
				"hi mum, new number, can you pay this for me",
				"dad it's me, lost my phone, send it to my friend's account"
			),
			fam!(
				"CEO request: urgent wire, keep it confidential",
				"boss here, need gift cards for a client, will reimburse later"
			),
			fam!(
				"tax office: outstanding penalty, pay now or face arrest",
				"police fine, pay immediately to avoid court"
			),
			fam!(
				"from {company} IT: pay the licence renewal to this new wallet",
				"updated bank details for supplier {company}, pay here from now on"
			),
			fam!(hard:
				"new account details as per my email",
				"invoice {inv}, note our payment details have changed"
			),
			fam!(
				"official {celebrity} giveaway, send to verify",
				"exchange support agent here, move your coins to this address"
			),
			fam!(
				"grandma it's me, I'm in jail, pay the bail",
				"mum, phone broke, pay my bill to this account"
			),
			fam!(
				"HR department: update payroll to this new wallet",
				"finance director: urgent vendor payment, don't call"
			),
			fam!(
				"customs officer: pay the release fee or the parcel is destroyed",
				"immigration office: visa fine, pay today"
			),
			fam!(hard: "per the CEO's email this morning", "new wallet for our company, the old one is retired"),
		],
	},
	Category {
		name: "bribery",
		illicit: true,
		families: &[
			fam!(
				"for the inspector, so the permit goes through",
				"gift for the official handling our tender"
			),
			fam!(
				"kickback {pct} on the contract as agreed",
				"your cut for steering the bid our way"
			),
			fam!(
				"facilitation payment at customs",
				"to speed up the licence, cash for the clerk"
			),
			fam!(
				"so the audit findings disappear",
				"for the judge's nephew, about the case"
			),
			fam!(hard:
				"consulting fee - minister's office arrangement",
				"advisory fee for {name}, procurement committee member"
			),
			fam!(
				"sponsor the councillor's holiday, zoning vote next week",
				"envelope for the referee"
			),
			fam!(
				"for the traffic officer, no ticket",
				"for the clerk to lose the file"
			),
			fam!(
				"campaign donation in exchange for the contract",
				"the minister's share"
			),
			fam!(
				"gift for the procurement manager, off the books",
				"cash for the exam answers"
			),
			fam!(hard: "thank-you gift for the inspector's help", "commission to the official's cousin's company"),
		],
	},
];
