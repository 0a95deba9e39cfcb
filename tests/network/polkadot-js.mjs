// A Polkadot.js client against a node of a running Veritas network, as a wallet or an explorer
// would use one: no custom types, the chain's own metadata only.
//
//   node tests/network/polkadot-js.mjs ws://127.0.0.1:PORT
//
// It reads the chain properties, decodes blocks that hold the validators' `attestBatch`
// extrinsics, submits a screened transfer signed by //Alice, follows its events to
// `CaseFinalized` and reads the verdict through storage and the runtime API. Every check is an
// assertion: the process exits non-zero on the first one that fails. The fault suite
// (`tests/network/tests/faults.rs`) runs it against a 4-validator network.
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const url = process.argv[2];
if (!url) {
  console.error('usage: node polkadot-js.mjs ws://HOST:PORT');
  process.exit(2);
}

const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
try {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  const alice = keyring.addFromUri('//Alice');
  const validators = new Set(
    ['//Alice', '//Bob', '//Charlie', '//Dave'].map((uri) => keyring.addFromUri(uri).address),
  );

  // Chain properties, as apps shows them.
  const props = await api.rpc.system.properties();
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'VRT');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
  assert.deepEqual(api.registry.chainTokens, ['VRT']);
  assert.deepEqual(api.registry.chainDecimals, [12]);
  assert.ok(api.runtimeMetadata.version >= 14, `metadata v${api.runtimeMetadata.version}`);

  // A screened transfer from Alice, followed through its events to the verdict.
  const dest = keyring.addFromUri('//PolkadotJsDestination').address;
  const amount = 10n ** 10n; // 0.01 VRT
  const memo = 'rent for the flat on Elm Street, December';
  const caseId = await new Promise((ok, fail) => {
    api.tx.verdicts
      .screenTransfer(dest, amount, memo)
      .signAndSend(alice, ({ status, events, dispatchError }) => {
        if (dispatchError) return fail(new Error(`screenTransfer failed: ${dispatchError.toString()}`));
        if (!status.isInBlock) return;
        const submitted = events.find(({ event }) => api.events.verdicts.CaseSubmitted.is(event));
        if (submitted) ok(submitted.event.data.caseId.toNumber());
        else fail(new Error('no CaseSubmitted event'));
      })
      .catch(fail);
  });
  let verdictAt;
  for (let waited = 0; !verdictAt; waited++) {
    assert.ok(waited < 120, 'no verdict within 120 s');
    await new Promise((r) => setTimeout(r, 1000));
    const v = await api.call.verdictsApi.verdict(caseId);
    if (v.isSome) verdictAt = v.unwrap().finalizedAt.toNumber();
  }
  const atVerdict = await api.at(await api.rpc.chain.getBlockHash(verdictAt));
  const finalized = (await atVerdict.query.system.events())
    .map(({ event }) => event)
    .find((e) => api.events.verdicts.CaseFinalized.is(e) && e.data.caseId.toNumber() === caseId);
  assert.ok(finalized, `no CaseFinalized for case ${caseId} in block #${verdictAt}`);
  assert.equal(finalized.data.outcome.toString(), 'Approve');
  assert.equal(finalized.data.settlement.toString(), 'Paid');

  // The verdict through storage and through the runtime API agree.
  const stored = (await api.query.verdicts.verdicts(caseId)).unwrap();
  const viaApi = (await api.call.verdictsApi.verdict(caseId)).unwrap();
  assert.deepEqual(stored.toJSON(), viaApi.toJSON());
  assert.equal(viaApi.outcome.toString(), 'Approve');
  assert.equal((await api.query.system.account(dest)).data.free.toBigInt(), amount);

  // Blocks up to the verdict decode with the chain's metadata alone, votes included: every
  // attestBatch is a signed v4 extrinsic of a validator, its votes typed.
  const head = (await api.rpc.chain.getHeader()).number.toNumber();
  const signers = new Set();
  let batches = 0;
  for (let n = 1; n <= head; n++) {
    const block = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(n));
    for (const xt of block.block.extrinsics) {
      if (xt.method.section !== 'verdicts' || xt.method.method !== 'attestBatch') continue;
      batches += 1;
      assert.ok(xt.isSigned, 'attestBatch is signed');
      assert.equal(xt.version & 0x7f, 4, 'a version-4 extrinsic');
      assert.ok(validators.has(xt.signer.toString()), `signed by a validator, not ${xt.signer}`);
      signers.add(xt.signer.toString());
      const [votes, modelHash] = xt.method.args;
      assert.ok(votes.length > 0);
      assert.ok(['Approve', 'Reject', 'Abstain'].includes(votes[0].choice.toString()));
      assert.equal(modelHash.length, 32);
    }
  }
  assert.ok(batches > 0, 'no attestBatch in any block');
  console.log(
    JSON.stringify({ caseId, outcome: 'Approve', blocks: head, batches, signers: signers.size }),
  );
} finally {
  await api.disconnect();
}
