// A real `veritas-node --dev --tmp`, driven through @polkadot/api as a wallet would drive it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { rpc, startNode, waitFor } from './harness.mjs';

describe('dev chain', () => {
  let node;
  let api;

  before(async () => {
    node = await startNode(['--dev', '--tmp']);
    await cryptoWaitReady();
    api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('metadata decodes and names the runtime pallets', async () => {
    const metadata = await api.rpc.state.getMetadata();
    const pallets = metadata.asLatest.pallets.map((p) => p.name.toString());
    for (const name of ['System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo']) {
      assert.ok(pallets.includes(name), `metadata lacks pallet ${name}: ${pallets}`);
    }
    assert.equal(api.runtimeVersion.specName.toString(), 'veritas');
    // Every runtime call Polkadot.js needs is there.
    for (const method of [api.call.transactionPaymentApi.queryInfo, api.call.accountNonceApi.accountNonce]) {
      assert.equal(typeof method, 'function');
    }
  });

  test('chain properties give the token to wallets', async () => {
    const props = await api.rpc.system.properties();
    assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'VRT');
    assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
    assert.equal(props.ss58Format.unwrap().toNumber(), 42);
    assert.equal(api.consts.system.ss58Prefix.toNumber(), 42);
  });

  test('blocks are produced and finalized', async () => {
    const firstBest = (await api.rpc.chain.getHeader()).number.toNumber();
    const firstFinal = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    await waitFor('two more blocks', async () => (await api.rpc.chain.getHeader()).number.toNumber() >= firstBest + 2);
    const finalized = await waitFor('the finalized head to grow', async () => {
      const n = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
      return n > firstFinal && n >= 1 ? n : 0;
    });
    assert.ok(finalized >= 1);
  });

  test('a signed transfer is included and moves the balance', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const dave = keyring.addFromUri('//Dave');
    const amount = 1_234_567_890_000n; // 1.23456789 VRT
    const before = (await api.query.system.account(dave.address)).data.free.toBigInt();
    const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();

    const { blockHash, events } = await new Promise((ok, fail) => {
      let unsub;
      api.tx.balances
        .transferKeepAlive(dave.address, amount)
        .signAndSend(alice, ({ status, events, dispatchError }) => {
          if (dispatchError) {
            unsub?.();
            fail(new Error(`transfer failed: ${dispatchError.toString()}`));
          } else if (status.isInBlock) {
            unsub?.();
            ok({ blockHash: status.asInBlock, events });
          } else if (status.isDropped || status.isInvalid || status.isUsurped) {
            unsub?.();
            fail(new Error(`transfer not included: ${status.type}`));
          }
        })
        .then((u) => (unsub = u), fail);
    });

    assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)), 'no Transfer event');
    const apiAt = await api.at(blockHash);
    const after = (await apiAt.query.system.account(dave.address)).data.free.toBigInt();
    const aliceAfter = (await apiAt.query.system.account(alice.address)).data.free.toBigInt();
    assert.equal(after - before, amount);
    // Alice paid the amount plus a fee.
    const fee = aliceBefore - aliceAfter - amount;
    assert.ok(fee > 0n, `expected a fee, Alice's balance changed by ${aliceBefore - aliceAfter}`);
    // The node's own RPC extension agrees on Alice's next nonce.
    const next = await rpc(node.rpcPort, 'system_accountNextIndex', [alice.address]);
    assert.ok(next >= 1, `system_accountNextIndex gave ${next}`);
  });

  test('Prometheus metrics are served', async () => {
    const res = await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /process_start_time_seconds/);
    assert.match(text, /substrate_block_height\{status="finalized"/);
  });
});
