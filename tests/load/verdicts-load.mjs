// Load benchmark of a screening chain: N new cases per block, how many cases reach a verdict per
// block, and how many blocks a case waits from inclusion to its verdict (p50, p95).
//
//   node tests/load/verdicts-load.mjs [--rates 1,50,200] [--blocks 10]
//                                     [--ws ws://127.0.0.1:9944 --metrics http://127.0.0.1:9615/metrics]
//
// Without --ws it starts its own `veritas-node --dev --tmp` (the node votes with the published
// model) on free ports and stops it at the end. Cases are records whose texts cycle through the
// engine's benchmark corpus (offchain-worker/engine/bench-data/corpus.jsonl), signed round-robin
// by the dev accounts Bob, Charlie, Dave, Eve and Ferdie. This is a benchmark that prints
// figures, not a test.

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { rpc, startNode, waitFor } from '../e2e/harness.mjs';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '1,50,200' },
    blocks: { type: 'string', default: '10' },
    ws: { type: 'string' },
    metrics: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const rates = args.rates.split(',').map(Number);
const blocks = Number(args.blocks);

const corpus = readFileSync(resolve(import.meta.dirname, '../../offchain-worker/engine/bench-data/corpus.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line).text);

/** The worker's inference so far, from the node's Prometheus metrics: batches, texts, seconds. */
async function inference(metricsUrl) {
  if (!metricsUrl) return null;
  const text = await (await fetch(metricsUrl)).text();
  const value = (name) => {
    const m = text.match(new RegExp(`^${name}\\{[^}]*source="worker"[^}]*\\} ([0-9.e+-]+)$`, 'm'));
    return m ? Number(m[1]) : 0;
  };
  return {
    batches: value('veritas_inference_seconds_count'),
    seconds: value('veritas_inference_seconds_sum'),
    texts: value('veritas_inference_batch_size_sum'),
  };
}

const percentile = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main() {
  let node;
  let wsUrl = args.ws;
  let rpcPort;
  let metricsUrl = args.metrics;
  if (!wsUrl) {
    node = await startNode(['--dev', '--tmp']);
    wsUrl = node.wsUrl;
    rpcPort = node.rpcPort;
    metricsUrl = `http://127.0.0.1:${node.prometheusPort}/metrics`;
  } else {
    rpcPort = Number(new URL(wsUrl).port);
  }
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(wsUrl), noInitWarn: true });
  try {
    const info = await waitFor('the classifier', async () => {
      const i = await rpc(rpcPort, 'verdicts_modelInfo');
      if (i.state === 'failed' || i.state === 'disabled') throw new Error(`classifier ${i.state}: ${i.error ?? ''}`);
      return i.state === 'ready' && i;
    }, { timeoutMs: 120_000 });
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    // Submitters are the endowed dev accounts that are not attesters: a validator's own worker
    // signs with its account, and two writers of one account's nonces would collide.
    const attesterSet = new Set((await api.call.verdictsApi.attesters()).map((a) => a.toString()));
    const attesters = attesterSet.size;
    const signers = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie']
      .map((u) => keyring.addFromUri(u))
      .filter((k) => !attesterSet.has(k.address));
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.error(`node: ${wsUrl}; model ${info.name} (${info.backend}, ${info.threads} threads); ${attesters} attester(s); CPU ${cpu} ×${cpus().length}`);

    // Per block: its events, read once.
    const included = new Map(); // case id -> block
    const finalized = new Map(); // case id -> { block, outcome }
    const failures = new Map(); // block -> reasons of its failed extrinsics (e.g. BlockFull)
    let head = 0;
    const unsub = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const n = header.number.toNumber();
      head = Math.max(head, n);
      const events = await (await api.at(header.hash)).query.system.events();
      for (const { event } of events) {
        if (api.events.verdicts.CaseSubmitted.is(event)) included.set(event.data.caseId.toNumber(), n);
        else if (api.events.verdicts.CaseFinalized.is(event)) {
          const id = event.data.caseId.toNumber();
          if (!finalized.has(id)) finalized.set(id, { block: n, outcome: event.data.outcome.toString() });
        } else if (api.events.system.ExtrinsicFailed.is(event)) {
          const err = event.data.dispatchError;
          let reason = err.type;
          if (err.isModule) {
            const { section, name } = api.registry.findMetaError(err.asModule);
            reason = `${section}.${name}`;
          }
          failures.set(n, [...(failures.get(n) ?? []), reason]);
        }
      }
    });

    const nonces = new Map();
    for (const s of signers) nonces.set(s.address, (await api.rpc.system.accountNextIndex(s.address)).toNumber());
    let textIndex = 0;
    const results = [];
    for (const rate of rates) {
      const firstCase = (await api.query.verdicts.nextCaseId()).toNumber();
      const inferenceBefore = await inference(metricsUrl);
      let refusedByPool = 0;
      const startBlock = head;
      for (let b = 0; b < blocks; b++) {
        const at = head;
        const submissions = [];
        for (let i = 0; i < rate; i++) {
          const signer = signers[i % signers.length];
          const nonce = nonces.get(signer.address);
          nonces.set(signer.address, nonce + 1);
          const tx = api.tx.verdicts.submitRecord(corpus[textIndex++ % corpus.length]);
          submissions.push(
            tx.signAsync(signer, { nonce, era: 0 }).then((signed) => api.rpc.author.submitExtrinsic(signed)).catch(() => {
              refusedByPool++;
            }),
          );
        }
        await Promise.all(submissions);
        await waitFor('the next block', () => head > at, { timeoutMs: 30_000, intervalMs: 50 });
      }
      const lastCaseBefore = (await api.query.verdicts.nextCaseId()).toNumber();
      // Let the last cases settle: every case included in the window is final by its deadline.
      const settle = Date.now() + 90_000;
      await waitFor('the cases to settle', () => {
        const open = [...included.keys()].filter((id) => id >= firstCase && id < lastCaseBefore && !finalized.has(id));
        return open.length === 0 || Date.now() > settle;
      }, { timeoutMs: 120_000, intervalMs: 500 });
      const endBlock = head;
      const inferenceAfter = await inference(metricsUrl);
      const worker = inferenceBefore && {
        batches: inferenceAfter.batches - inferenceBefore.batches,
        texts: inferenceAfter.texts - inferenceBefore.texts,
        seconds: inferenceAfter.seconds - inferenceBefore.seconds,
      };
      const ids = [...included.keys()].filter((id) => id >= firstCase && id < lastCaseBefore);
      const latencies = ids.filter((id) => finalized.has(id)).map((id) => finalized.get(id).block - included.get(id));
      const outcomes = {};
      for (const id of ids) {
        const o = finalized.get(id)?.outcome ?? 'open';
        outcomes[o] = (outcomes[o] ?? 0) + 1;
      }
      let failed = 0;
      const failureReasons = {};
      for (let n = startBlock + 1; n <= endBlock; n++) {
        for (const reason of failures.get(n) ?? []) {
          failed += 1;
          failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
        }
      }
      // Cases finalized per block, over the blocks from the first inclusion to the last verdict.
      const finalBlocks = ids.filter((id) => finalized.has(id)).map((id) => finalized.get(id).block);
      const firstIncluded = Math.min(...ids.map((id) => included.get(id)));
      const window = finalBlocks.length ? Math.max(...finalBlocks) - firstIncluded + 1 : 1;
      const row = {
        rate,
        blocks,
        submitted: rate * blocks,
        included: ids.length,
        refusedByPool,
        failedInBlock: failed,
        failureReasons,
        finalized: latencies.length,
        undecided: outcomes.Undecided ?? 0,
        casesFinalizedPerBlock: latencies.length / window,
        latencyP50: percentile(latencies, 50),
        latencyP95: percentile(latencies, 95),
        outcomes,
        workerSecondsPerBatch: worker && worker.batches ? worker.seconds / worker.batches : NaN,
        workerTextsPerBatch: worker && worker.batches ? worker.texts / worker.batches : NaN,
        workerTextsPerSecond: worker && worker.seconds ? worker.texts / worker.seconds : NaN,
      };
      results.push(row);
      console.error(JSON.stringify(row));
    }
    await unsub();

    if (args.json) {
      console.log(JSON.stringify({ cpu, attesters, model: info.name, threads: info.threads, results }, null, 2));
    } else {
      console.log(`| new cases / block | included | refused (pool / in block) | finalized / block | latency p50 (blocks) | latency p95 (blocks) | undecided | worker batch (texts, s) | inference texts/s |`);
      console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
      for (const r of results) {
        console.log(
          `| ${r.rate} | ${r.included} / ${r.submitted} | ${r.refusedByPool} / ${r.failedInBlock} | ${r.casesFinalizedPerBlock.toFixed(1)} | ${r.latencyP50} | ${r.latencyP95} | ${r.undecided} | ${r.workerTextsPerBatch.toFixed(1)}, ${r.workerSecondsPerBatch.toFixed(2)} | ${r.workerTextsPerSecond.toFixed(0)} |`,
        );
      }
    }
  } finally {
    await api.disconnect();
    await node?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
