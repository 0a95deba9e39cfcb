// Validators vote by themselves: a real `veritas-node --dev --tmp` loads the published model,
// its off-chain worker classifies every pending case and signs `attest_batch` with Alice's Aura
// key, and verdicts follow within blocks. This test signs no vote. Then: a node whose model is
// missing, corrupt or another than the chain's keeps producing and finalizing blocks, says so
// once, casts no vote, and its cases end Undecided at the deadline with the funds returned.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { logLines, publishedModel, publishedModelDir, rpc, startNode, submit, waitFor } from './harness.mjs';

const VRT = 1_000_000_000_000n;

// Memos and record texts, and what each should end as with the published model: the clear ones
// decided; three ordinary or blunt memos inside its abstain band (veritas-screen-v20 approves at
// 38 or less and rejects at 7000 or more: it scores the salary memo 40, the invoice 143 and the
// lottery scam 4849, which v19 rejected at 6907); and a memo that says nothing ("as discussed":
// v10, without a scope head, rejected it at 9240), which the scope head takes out of scope. A lone
// validator's abstention makes those four Undecided at once.
const CASES = [
  { kind: 'transfer', text: 'rent for May, flat 4B', expect: 'Approve' },
  { kind: 'transfer', text: 'salary November, ACME Ltd payroll', expect: 'Undecided' },
  { kind: 'transfer', text: 'electricity bill October, meter 5512', expect: 'Approve' },
  { kind: 'transfer', text: 'pay the ransom in 24h or we publish your files, decryption key after payment', expect: 'Reject' },
  { kind: 'transfer', text: 'you won the lottery! send gift card codes now to claim your prize', expect: 'Undecided' },
  { kind: 'record', text: 'invoice 4411 for 40 boxes of printer paper, delivered to warehouse 7', expect: 'Undecided' },
  { kind: 'record', text: 'bribe for the customs officer so the container clears without inspection', expect: 'Reject' },
  { kind: 'transfer', text: 'as discussed', expect: 'Undecided' },
];

async function connect(node) {
  await cryptoWaitReady();
  return ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
}

function keyring() {
  const k = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return { alice: k.addFromUri('//Alice'), bob: k.addFromUri('//Bob'), dave: k.addFromUri('//Dave') };
}

/** Submits every case from `signer` with consecutive nonces; resolves with `{ caseId, block }` each. */
async function submitCases(api, cases, signer, dest) {
  const first = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  return Promise.all(
    cases.map(async (c, i) => {
      const tx =
        c.kind === 'transfer'
          ? api.tx.verdicts.screenTransfer(dest, c.amount ?? 2n * VRT, c.text)
          : api.tx.verdicts.submitRecord(c.text);
      const { events, blockHash } = await submit(api, tx, signer, { nonce: first + i });
      const submitted = events.find(({ event }) => api.events.verdicts.CaseSubmitted.is(event));
      assert.ok(submitted, `no CaseSubmitted for "${c.text}"`);
      const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
      return { ...c, caseId: submitted.event.data.caseId.toNumber(), block };
    }),
  );
}

/** Collects `CaseFinalized` events (case id → { outcome, block }) from new best blocks. */
async function watchFinalized(api) {
  const seen = new Map();
  const unsub = await api.query.system.events(async (events) => {
    const header = await api.rpc.chain.getHeader();
    for (const { event } of events) {
      if (api.events.verdicts.CaseFinalized.is(event)) {
        const id = event.data.caseId.toNumber();
        if (!seen.has(id)) seen.set(id, { outcome: event.data.outcome.toString(), block: header.number.toNumber() });
      }
    }
  });
  return { seen, unsub };
}

describe('validators vote by themselves (dev chain)', () => {
  let node;
  let api;

  before(async () => {
    node = await startNode(['--dev', '--tmp']);
    api = await connect(node);
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('the node loads the published model in the background and reports it', async () => {
    const info = await waitFor(
      'the classifier to be ready',
      async () => {
        const i = await rpc(node.rpcPort, 'verdicts_modelInfo');
        assert.notEqual(i.state, 'failed', `model failed to load: ${i.error}`);
        return i.state === 'ready' && i;
      },
      { timeoutMs: 120_000 },
    );
    assert.equal(info.hash, publishedModel().hash);
    assert.equal(info.name, publishedModel().manifest.name);
    assert.equal(info.device, 'cpu');
    assert.ok(info.threads >= 1);
    const metrics = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
    assert.match(metrics, /^veritas_engine_state(\{[^}]*\})? 1$/m);
  });

  test('screened transfers and records reach their verdicts within 3 blocks, with no vote signed by the test', async () => {
    const { alice, bob, dave } = keyring();
    const recordBefore = (await api.call.verdictsApi.attesterRecord(alice.address)).toJSON();
    const daveBefore = (await api.query.system.account(dave.address)).data.free.toBigInt();
    const { seen, unsub } = await watchFinalized(api);
    const cases = await submitCases(api, CASES, bob, dave.address);
    const lastIncluded = Math.max(...cases.map((c) => c.block));
    try {
      await waitFor('every case to be final', () => cases.every((c) => seen.has(c.caseId)), {
        timeoutMs: 60_000,
      });
    } finally {
      unsub();
    }

    for (const c of cases) {
      const { outcome, block } = seen.get(c.caseId);
      assert.equal(outcome, c.expect, `"${c.text}" ended ${outcome}`);
      assert.ok(block - c.block <= 3, `"${c.text}": included at #${c.block}, final at #${block}`);
      const verdict = (await api.call.verdictsApi.verdict(c.caseId)).unwrap().toJSON();
      assert.equal(verdict.modelHash, publishedModel().hash);
      const { approve, reject, abstain } = verdict.tally;
      assert.deepEqual(
        [approve + reject, abstain],
        c.expect === 'Undecided' ? [0, 1] : [1, 0],
        'one vote, Alice\'s: an abstention where the case is Undecided',
      );
    }

    // The votes came from the node's own worker, signed by Alice's Aura key, as v4 extrinsics
    // that Polkadot.js decodes without custom types.
    const lastFinal = Math.max(...cases.map((c) => seen.get(c.caseId).block));
    const signers = new Set();
    for (let n = Math.min(...cases.map((c) => c.block)); n <= lastFinal; n++) {
      const block = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(n));
      for (const xt of block.block.extrinsics) {
        if (xt.method.section === 'verdicts' && xt.method.method === 'attestBatch') {
          assert.ok(xt.isSigned);
          assert.equal(xt.version & 0x7f, 4, 'a version-4 extrinsic');
          signers.add(xt.signer.toString());
        }
      }
    }
    assert.deepEqual([...signers], [alice.address]);

    // The funds moved: approved transfers paid Dave, rejected ones came back to Bob.
    const approvedTransfers = cases.filter((c) => c.kind === 'transfer' && c.expect === 'Approve').length;
    const daveAfter = (await api.query.system.account(dave.address)).data.free.toBigInt();
    assert.equal(daveAfter - daveBefore, BigInt(approvedTransfers) * 2n * VRT);
    assert.equal((await api.query.system.account(bob.address)).data.reserved.toBigInt(), 0n);

    // Alice's record counts her votes: agreed with every decided case, abstained on the rest.
    const record = (await api.call.verdictsApi.attesterRecord(alice.address)).toJSON();
    const undecided = cases.filter((c) => c.expect === 'Undecided').length;
    assert.equal(record.agreed - recordBefore.agreed, cases.length - undecided);
    assert.equal(record.abstained - recordBefore.abstained, undecided);
    assert.equal(record.missed, recordBefore.missed);
    assert.ok(lastIncluded > 0);

    // The pre-flight RPC agrees with the chain.
    const answer = await rpc(node.rpcPort, 'verdicts_classify', [cases.map((c) => c.text)]);
    assert.equal(answer.modelHash, publishedModel().hash);
    assert.ok(answer.elapsedMs > 0);
    assert.deepEqual(
      answer.results.map((r) => r.vote),
      cases.map((c) => ({ Approve: 'approve', Reject: 'reject', Undecided: 'abstain' })[c.expect]),
    );
    for (const r of answer.results) assert.ok(r.score >= 0 && r.score <= 10_000 && typeof r.reason === 'string');

    const metrics = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
    const count = (name) => Number((metrics.match(new RegExp(`^${name}(\\{[^}]*\\})? (\\d+)$`, 'm')) ?? [])[2]);
    assert.ok(count('veritas_cases_classified_total') >= cases.length, 'cases classified metric');
    assert.ok(count('veritas_votes_submitted_total') >= cases.length, 'votes submitted metric');
    assert.match(metrics, /^veritas_inference_seconds_count\{[^}]*source="worker"[^}]*\} [1-9]\d*$/m);
  });

  test('verdicts_classify refuses bad input with a JSON-RPC error', async () => {
    const call = async (body) => {
      const res = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return res.json();
    };
    const request = (params) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'verdicts_classify', params });
    const tooMany = await call(request([Array(257).fill('rent')]));
    assert.equal(tooMany.error?.code, -32602);
    assert.match(tooMany.error.message, /too many texts: 257/);
    const tooLong = await call(request([['x'.repeat(513)]]));
    assert.equal(tooLong.error?.code, -32602);
    assert.match(tooLong.error.message, /513 bytes/);
    // A lone surrogate is not a Unicode scalar value: the text cannot be UTF-8.
    const notUtf8 = await call('{"jsonrpc":"2.0","id":1,"method":"verdicts_classify","params":[["rent \\udc00"]]}');
    assert.equal(notUtf8.error?.code, -32602);
    const notStrings = await call(request([[1, 2]]));
    assert.equal(notStrings.error?.code, -32602);
    // The node is still up and classifies.
    const ok = await rpc(node.rpcPort, 'verdicts_classify', [['rent for May']]);
    assert.equal(ok.results.length, 1);
  });
});

/** A copy of the published model in a fresh folder (with `base` linked), changed by `edit`. */
function modelCopy(tag, edit) {
  const src = publishedModelDir();
  const root = mkdtempSync(join(tmpdir(), `veritas-${tag}-`));
  symlinkSync(resolve(dirname(src), 'base'), join(root, 'base'));
  const dir = join(root, 'model');
  cpSync(src, dir, { recursive: true });
  edit(dir);
  return dir;
}

const BAD_MODELS = {
  missing: {
    dir: () => join(tmpdir(), 'veritas-no-such-model'),
    warning: /the classifier did not load from .*veritas-no-such-model/,
  },
  corrupt: {
    dir: () =>
      modelCopy('corrupt', (dir) => {
        const path = join(dir, 'head.safetensors');
        const bytes = readFileSync(path);
        bytes[bytes.length - 1] ^= 0xff;
        writeFileSync(path, bytes);
      }),
    warning: /the classifier did not load from .*sha256 mismatch/,
  },
  mismatched: {
    dir: () =>
      modelCopy('mismatch', (dir) => {
        const path = join(dir, 'manifest.json');
        const manifest = JSON.parse(readFileSync(path, 'utf8'));
        manifest.version += 1000; // loads fine; its hash is not the chain's
        writeFileSync(path, JSON.stringify(manifest, null, 2));
      }),
    warning: /the classifier runs model 0x[0-9a-f]{64} but the chain's active model is/,
  },
};

describe('a node without the chain\'s model keeps the chain going and casts no vote', () => {
  for (const [name, bad] of Object.entries(BAD_MODELS)) {
    test(`${name} model`, { timeout: 240_000 }, async () => {
      const node = await startNode(['--dev', '--tmp', '--model-dir', bad.dir()]);
      const api = await connect(node);
      try {
        const { alice, bob, dave } = keyring();
        await waitFor('the warning', () => logLines(node, bad.warning).length > 0, { timeoutMs: 60_000 });
        const bobBefore = (await api.query.system.account(bob.address)).data;
        const [transfer] = await submitCases(
          api,
          [{ kind: 'transfer', text: 'rent for May, flat 4B', amount: 3n * VRT }],
          bob,
          dave.address,
        );
        assert.equal((await api.query.system.account(bob.address)).data.reserved.toBigInt(), 3n * VRT);
        const { deadline } = (await api.call.verdictsApi.case(transfer.caseId)).unwrap().toJSON();

        // Blocks keep coming and finalizing until the deadline; then the case is Undecided.
        const status = await waitFor(
          'the deadline',
          async () => {
            const s = (await api.call.verdictsApi.caseStatus(transfer.caseId)).unwrap();
            return s.isFinal && s.asFinal.toString();
          },
          { timeoutMs: 120_000, intervalMs: 1000 },
        );
        assert.equal(status, 'Undecided');
        // GRANDPA finalizes past the deadline block too.
        await waitFor(`finality past #${deadline}`, async () => {
          const head = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
          return head.number.toNumber() >= deadline;
        }, { timeoutMs: 60_000, intervalMs: 1000 });
        const verdict = (await api.call.verdictsApi.verdict(transfer.caseId)).unwrap().toJSON();
        assert.deepEqual(verdict.tally, { approve: 0, reject: 0, abstain: 0 }, 'no vote was cast');
        const bobAfter = (await api.query.system.account(bob.address)).data;
        assert.equal(bobAfter.reserved.toBigInt(), bobBefore.reserved.toBigInt(), 'the escrow returned');
        assert.equal((await api.call.verdictsApi.attesterRecord(alice.address)).missed.toNumber(), 1);
        assert.equal(logLines(node, bad.warning).length, 1, 'one warning, not one per block');
        const info = await rpc(node.rpcPort, 'verdicts_modelInfo');
        assert.equal(info.state, name === 'mismatched' ? 'ready' : 'failed');
      } finally {
        await api.disconnect();
        await node.stop();
      }
    });
  }
});
