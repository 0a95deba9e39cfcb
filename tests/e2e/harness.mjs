// Shared helpers of the end-to-end tests: find the built node, start it on free ports, wait
// for its RPC, and stop it again whatever happens to the test.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Path of the `veritas-node` binary under test. */
export function nodeBinary() {
  const candidates = [
    process.env.VERITAS_NODE,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'veritas-node'),
    join(homedir(), '.cache', 'veritas', 'target', 'release', 'veritas-node'),
    resolve(import.meta.dirname, '..', '..', 'target', 'release', 'veritas-node'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `veritas-node not found (looked at ${candidates.join(', ')}); build it with ` +
        '`cargo build --release` or set VERITAS_NODE',
    );
  }
  return found;
}

/** The published model (the folder of `models/` that `models/PUBLISHED` names): its hash and manifest. */
export function publishedModel() {
  const models = resolve(import.meta.dirname, '..', '..', 'models');
  const dir = join(models, readFileSync(join(models, 'PUBLISHED'), 'utf8').trim());
  return {
    hash: readFileSync(join(dir, 'MODEL_HASH'), 'utf8').trim(),
    manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
  };
}

/** Runs the node binary with `args` to completion and returns its status and output. */
export function runNode(args, { timeoutMs = 120_000 } = {}) {
  const res = spawnSync(nodeBinary(), args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (res.error) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A TCP port that was free a moment ago. */
export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One JSON-RPC call over HTTP. */
export async function rpc(port, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/**
 * Starts `veritas-node` with `args` plus free RPC, p2p and Prometheus ports, and waits until its
 * RPC answers. The returned handle's `stop()` ends the process (SIGTERM, then SIGKILL).
 */
export async function startNode(args = ['--dev', '--tmp'], { readyTimeoutMs = 120_000 } = {}) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const prometheusPort = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), 'veritas-e2e-'));
  const logPath = join(logDir, 'node.log');
  const log = createWriteStream(logPath);
  const child = spawn(
    nodeBinary(),
    [
      ...args,
      '--rpc-port', String(rpcPort),
      '--port', String(p2pPort),
      '--prometheus-port', String(prometheusPort),
      '--no-telemetry',
      '--no-mdns',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  // Never leave a node behind, even when the test runner is interrupted.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const handle = {
    rpcPort,
    prometheusPort,
    logPath,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited) return exited;
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) {
        child.kill('SIGKILL');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      }
      return exited;
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`veritas-node exited early (${JSON.stringify(exited)}); log: ${logPath}`);
    }
    try {
      await rpc(rpcPort, 'system_health');
      return handle;
    } catch {
      if (Date.now() > deadline) {
        await handle.stop();
        throw new Error(`veritas-node RPC did not come up within ${readyTimeoutMs} ms; log: ${logPath}`);
      }
      await sleep(250);
    }
  }
}

/** The published model's folder: `models/<name in models/PUBLISHED>`. */
export function publishedModelDir() {
  const models = resolve(import.meta.dirname, '..', '..', 'models');
  return join(models, readFileSync(join(models, 'PUBLISHED'), 'utf8').trim());
}

/**
 * Signs and submits `tx`; resolves with `{ events, blockHash }` once it is in a block, rejects
 * with an error named `section.Name` on a dispatch error, or when the pool drops it.
 */
export function submit(api, tx, signer, options = {}) {
  return new Promise((ok, fail) => {
    let unsub;
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        unsub?.();
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          fail(Object.assign(new Error(`${section}.${name}`), { section, name }));
        } else {
          fail(new Error(dispatchError.toString()));
        }
      } else if (status.isInBlock) {
        unsub?.();
        ok({ events, blockHash: status.asInBlock });
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        unsub?.();
        fail(new Error(`not included: ${status.type}`));
      }
    }).then((u) => (unsub = u), fail);
  });
}

/** Lines of the node's log that match `pattern`. */
export function logLines(node, pattern) {
  return readFileSync(node.logPath, 'utf8')
    .split('\n')
    .filter((line) => pattern.test(line));
}

/** Polls `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
