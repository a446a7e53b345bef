/**
 * bench/cnn_reference.py must be the same network as ours, or its numbers measure something else.
 * Checks: the trainable-parameter counts of both equal the hand count of the architecture, and
 * with our initial weights copied into PyTorch, PyTorch (an independent implementation of conv,
 * batch norm, pooling, cross-entropy and Adam) gives the same eval-mode probabilities and the same
 * training losses over three Adam steps as the lab's loop. Skipped, with the reason printed, when
 * Debian's /usr/bin/python3 has no torch.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildVggCnn, VGG_CHANNELS } from '../src/core/models/cnn';
import { trainNetwork } from '../src/core/models/loop';
import { createRng } from '../src/core/random';
import { repoRoot } from '../src/node/paths';
import { initNodeBackend } from '../src/node/tfNode';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? undefined : `skipped: ${PYTHON} cannot import torch and numpy (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}); apt-get install python3-torch`;
if (skip) console.warn(skip);

/** Loads our weights into cnn_reference.Vgg (tfjs HWIO kernels → torch OIHW, dense [in, out] → [out, in]). */
const PY = `
import json, sys
sys.path.insert(0, sys.argv[2])
import numpy as np, torch, torch.nn.functional as F
from cnn_reference import Vgg, VGG_CHANNELS
torch.set_num_threads(1)
d = json.load(open(sys.argv[1]))
m = Vgg(VGG_CHANNELS[d["size"]], d["classes"], dropout=0.0)
params = list(m.parameters())
assert len(params) == len(d["weights"]), (len(params), len(d["weights"]))
for p, w in zip(params, d["weights"]):
    a = np.array(w["values"], dtype=np.float32).reshape(w["shape"])
    a = a.transpose(3, 2, 0, 1) if a.ndim == 4 else a.T if a.ndim == 2 else a
    assert tuple(p.shape) == a.shape, (tuple(p.shape), a.shape)
    p.data.copy_(torch.from_numpy(np.ascontiguousarray(a)))
x = torch.tensor(d["x"], dtype=torch.float32).reshape(d["n"], d["h"], d["w"], 1).permute(0, 3, 1, 2)
y = torch.tensor(d["y"])
m.eval()
with torch.no_grad():
    probs = F.softmax(m(x), 1).flatten().tolist()
m.train()
opt = torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
losses = []
for _ in range(d["steps"]):
    opt.zero_grad()
    loss = F.cross_entropy(m(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
print(json.dumps({"probs": probs, "losses": losses, "nParams": sum(p.numel() for p in params)}))
`;

/** Trainable parameters of the small VGG by hand: 3×3 convs without bias, BN γ and β, dense. */
function handCount(channels: readonly number[], classes: number): number {
  let cin = 1;
  let n = 0;
  for (const c of channels) {
    n += 9 * cin * c + 2 * c;
    cin = c;
  }
  return n + cin * classes + classes;
}

describe.skipIf(Boolean(skip))('cnn_reference.py is the lab small VGG', () => {
  const N = 8;
  const H = 16;
  const CLASSES = 3;
  const STEPS = 3;
  let ours: { probs: number[]; losses: number[]; nParams: number };
  let torch: { probs: number[]; losses: number[]; nParams: number };

  beforeAll(async () => {
    await initNodeBackend('wasm');
    const rng = createRng(3);
    const x = Float32Array.from({ length: N * H * H }, () => 2 * rng() - 1);
    const y = Int32Array.from({ length: N }, (_, i) => i % CLASSES);
    // Dropout 0: masks are the one thing two implementations cannot share.
    const net = buildVggCnn({ nBands: H, nFrames: H, nClasses: CLASSES, seed: 5, size: 'laptop', dropout: 0 });
    const weights = net.variables.map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) }));
    const probs = tf.tidy(() => Array.from(tf.softmax(net.forward(tf.tensor4d(x, [N, H, H, 1]), false)).dataSync()));
    // One batch holding every sample: the loop's shuffle cannot change a full-batch step.
    const r = await trainNetwork(net, { x, y, sampleShape: [H, H, 1] }, { epochs: STEPS, batchSize: N, seed: 0 });
    ours = { probs, losses: r.history.map((h) => h.trainLoss), nParams: weights.reduce((a, w) => a + w.values.length, 0) };
    net.dispose();

    const file = join(mkdtempSync(join(tmpdir(), 'cnn-ref-')), 'in.json');
    writeFileSync(file, JSON.stringify({ size: 'laptop', classes: CLASSES, weights, x: Array.from(x), y: Array.from(y), n: N, h: H, w: H, steps: STEPS }));
    const run = spawnSync(PYTHON, ['-B', '-c', PY, file, join(repoRoot, 'bench')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`cnn_reference.py check failed: ${run.stderr}`);
    torch = JSON.parse(run.stdout);
  });

  it('has the hand-counted number of trainable parameters on both sides', () => {
    const expected = handCount(VGG_CHANNELS.laptop, CLASSES); // 24 264 conv + 240 BN + 195 dense
    expect(expected).toBe(24699);
    expect(ours.nParams).toBe(expected);
    expect(torch.nParams).toBe(expected);
  });

  it('gives the same eval-mode probabilities from the same weights', () => {
    expect(torch.probs).toHaveLength(N * CLASSES);
    torch.probs.forEach((p, i) => expect(Math.abs(p - (ours.probs[i] as number))).toBeLessThan(1e-5));
  });

  it('follows the same training losses over three Adam steps (batch-norm batch statistics, cross-entropy, Adam 1e-3)', () => {
    expect(torch.losses).toHaveLength(STEPS);
    // The steps must move the loss by far more than the tolerance, or agreement would prove nothing.
    expect(Math.abs((torch.losses[0] as number) - (torch.losses[STEPS - 1] as number))).toBeGreaterThan(1e-3);
    torch.losses.forEach((l, i) => expect(Math.abs(l - (ours.losses[i] as number))).toBeLessThan(2e-5));
  });
});
