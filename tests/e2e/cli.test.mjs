// The node's command line: chain specs for zombienet and Polkadot.js, and clear errors.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedModel, runNode } from './harness.mjs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

/** Checks the plain (human-readable) spec that zombienet rewrites. */
function assertPlainSpec(spec, { authorities }) {
  assert.equal(spec.properties.tokenSymbol, 'VRT');
  assert.equal(spec.properties.tokenDecimals, 12);
  assert.equal(spec.properties.ss58Format, 42);
  const patch = spec.genesis.runtimeGenesis.patch;
  assert.ok(patch, `expected genesis.runtimeGenesis.patch, got keys ${Object.keys(spec.genesis.runtimeGenesis ?? spec.genesis)}`);
  assert.deepEqual(patch.aura.authorities, authorities);
  assert.equal(patch.grandpa.authorities.length, authorities.length);
  for (const [, weight] of patch.grandpa.authorities) assert.equal(weight, 1);
  const endowed = patch.balances.balances.map(([who]) => who);
  assert.ok(endowed.includes(ALICE) && endowed.includes(BOB), 'dev accounts not endowed');
  assert.equal(patch.sudo.key, ALICE);
  assert.equal(patch.session, undefined, 'no session section in genesis');
  const published = publishedModel().hash;
  const hash = '0x' + Buffer.from(patch.verdicts.model.hash).toString('hex');
  assert.equal(hash, published, 'the preset does not activate the published model');
  assert.ok(spec.genesis.runtimeGenesis.code.startsWith('0x'), 'wasm code missing');
}

describe('chain specs', () => {
  test('build-spec --chain local emits a plain spec with two authorities', () => {
    const out = runNode(['build-spec', '--chain', 'local', '--disable-default-bootnode']);
    assert.equal(out.status, 0, out.stderr);
    const spec = JSON.parse(out.stdout);
    assert.equal(spec.id, 'veritas_local');
    assertPlainSpec(spec, { authorities: [ALICE, BOB] });
  });

  test('export-chain-spec writes the dev spec to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritas-spec-'));
    const path = join(dir, 'dev.json');
    const out = runNode(['export-chain-spec', '--chain', 'dev', '--output', path]);
    assert.equal(out.status, 0, out.stderr);
    const spec = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(spec.id, 'veritas_dev');
    assertPlainSpec(spec, { authorities: [ALICE] });
  });

  test('an exported spec file is accepted back by --chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritas-spec-'));
    const path = join(dir, 'local.json');
    assert.equal(runNode(['export-chain-spec', '--chain', 'local', '--output', path]).status, 0);
    const raw = runNode(['export-chain-spec', '--chain', path, '--raw']);
    assert.equal(raw.status, 0, raw.stderr);
    assert.ok(JSON.parse(raw.stdout).genesis.raw.top, 'raw spec has no storage');
  });
});

describe('bad input', () => {
  test('an unknown --chain name is a clear error', () => {
    const out = runNode(['export-chain-spec', '--chain', 'no-such-chain']);
    assert.notEqual(out.status, 0);
    assert.match(out.stderr, /unknown chain `no-such-chain`/);
  });

  test('a malformed spec file is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritas-spec-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "name": "half a spec", ');
    const out = runNode(['export-chain-spec', '--chain', path]);
    assert.notEqual(out.status, 0);
    assert.match(out.stderr, /invalid chain spec file/);
  });

  test('running the node with an unknown chain exits non-zero with the same message', () => {
    const out = runNode(['--chain', 'no-such-chain', '--tmp']);
    assert.notEqual(out.status, 0);
    assert.match(out.stderr, /unknown chain `no-such-chain`/);
  });
});
