// pallet-verdicts on a real dev node, through @polkadot/api: a screened transfer is held in
// escrow, the attester (Alice, the dev chain's Aura authority) votes, and the verdict moves the
// funds. Bad input comes back as a named pallet error and moves nothing. The node runs with
// `--no-vote`, so the only votes are the ones this test signs (worker.test.mjs covers the node
// voting by itself).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { publishedModel, startNode, submit as submitTx } from './harness.mjs';

/** Submits `tx` and resolves with the events of its block. */
const submit = async (api, tx, signer) => (await submitTx(api, tx, signer)).events;

const MODEL_HASH = '0x' + '11'.repeat(32);

describe('verdicts on a dev chain', () => {
  let node;
  let api;
  let alice;
  let bob;
  let dave;

  before(async () => {
    node = await startNode(['--dev', '--tmp', '--no-vote']);
    await cryptoWaitReady();
    api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    dave = keyring.addFromUri('//Dave');
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('the dev chain starts with the published model active', async () => {
    const { hash: published, manifest } = publishedModel();
    const active = (await api.call.verdictsApi.activeModel()).unwrap().toJSON();
    assert.equal(active.hash, published);
    assert.equal(active.threshold, manifest.threshold);
    assert.equal(active.abstainMargin, manifest.abstain_margin);
  });

  test('the attesters are the Aura authorities', async () => {
    const attesters = await api.call.verdictsApi.attesters();
    assert.deepEqual(attesters.map((a) => a.toString()), [alice.address]);
  });

  test('a screened transfer is escrowed, approved and paid out', async () => {
    const model = {
      hash: MODEL_HASH,
      version: 1,
      labels: ['legit', 'illicit'],
      reasons: ['none', 'scam'],
      threshold: 5000,
      abstainMargin: 300,
    };
    await submit(api, api.tx.sudo.sudo(api.tx.verdicts.setModel(model)), alice);
    // `.hash` of a polkadot.js codec is the hash of its encoding: read the field from JSON.
    const active = (await api.call.verdictsApi.activeModel()).unwrap().toJSON();
    assert.equal(active.hash, MODEL_HASH);
    assert.equal(active.threshold, 5000);

    const amount = 5_000_000_000_000n; // 5 VRT
    const daveBefore = (await api.query.system.account(dave.address)).data.free.toBigInt();
    const events = await submit(
      api,
      api.tx.verdicts.screenTransfer(dave.address, amount, 'rent for May, flat 4B'),
      bob,
    );
    const submitted = events.find(({ event }) => api.events.verdicts.CaseSubmitted.is(event));
    assert.ok(submitted, 'no CaseSubmitted event');
    const caseId = submitted.event.data.caseId.toNumber();
    assert.equal((await api.call.verdictsApi.caseStatus(caseId)).unwrap().toString(), 'Pending');
    assert.equal((await api.query.system.account(bob.address)).data.reserved.toBigInt(), amount);
    const pending = await api.call.verdictsApi.pendingCases(0, 10, alice.address);
    assert.ok(pending.some((c) => c.id.toNumber() === caseId), 'case not listed as pending for Alice');

    const votes = [{ caseId, choice: 'Approve', score: 120, reason: 0 }];
    const voted = await submit(api, api.tx.verdicts.attestBatch(votes, MODEL_HASH), alice);
    const finalized = voted.find(({ event }) => api.events.verdicts.CaseFinalized.is(event));
    assert.ok(finalized, 'no CaseFinalized event');
    assert.equal(finalized.event.data.outcome.toString(), 'Approve');

    const verdict = (await api.call.verdictsApi.verdict(caseId)).unwrap();
    assert.equal(verdict.outcome.toString(), 'Approve');
    assert.equal((await api.query.system.account(bob.address)).data.reserved.toBigInt(), 0n);
    const daveAfter = (await api.query.system.account(dave.address)).data.free.toBigInt();
    assert.equal(daveAfter - daveBefore, amount);
    assert.equal((await api.call.verdictsApi.attesterRecord(alice.address)).agreed.toNumber(), 1);
  });

  test('bad input is a named error and holds nothing', async () => {
    const before = (await api.query.system.account(bob.address)).data;
    await assert.rejects(
      submit(api, api.tx.verdicts.screenTransfer(dave.address, 1_000_000_000_000n, ''), bob),
      { message: 'verdicts.EmptyText' },
    );
    await assert.rejects(
      submit(api, api.tx.verdicts.attestBatch([{ caseId: 0, choice: 'Reject', score: 9000, reason: 1 }], MODEL_HASH), bob),
      { message: 'verdicts.NotAttester' },
    );
    const afterData = (await api.query.system.account(bob.address)).data;
    assert.equal(afterData.reserved.toBigInt(), before.reserved.toBigInt());
  });
});
