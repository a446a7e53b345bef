#!/usr/bin/python3
"""PyTorch (CPU) reference for the lab's CNNs (src/core/models/cnn.ts), for bench/cnn.ts.

Run with Debian's Python, which has torch and numpy (the pyenv python3 first on PATH has not):

  /usr/bin/python3 bench/cnn_reference.py speed [--presets laptop,desktop] [--threads default,1]
      [--passes 3] [--batches 4] [--json]
  /usr/bin/python3 bench/cnn_reference.py accuracy --mel DIR [--preset desktop] [--folds 5]
      [--only-folds 0,1] [--seeds 0,1,2] [--epochs 30] [--threads default] [--json]

Networks, as buildVggCnn / buildTorontoCnn build them (input: one log-mel matrix, bands x frames;
tfjs is NHWC [bands, frames, 1], torch NCHW [1, bands, frames]: the same spatial layout):
- small VGG: 4 x [conv 3x3 'same' without bias -> batch norm -> ReLU -> max-pool 2] -> global
  average pool -> dropout 0.3 -> dense (softmax in the loss). Channels 8-16-32-64 ("laptop") or
  16-32-64-128 ("desktop"). Batch norm: epsilon 1e-5, momentum 0.1 in torch's convention, which
  is Keras' 0.9 (moving = 0.9 moving + 0.1 batch) - ours. One difference we keep: torch updates
  running_var with the unbiased batch variance, tfjs with the biased one.
- Toronto CNN: 2 x [conv 5x5 'same' -> ReLU -> max-pool 2] (8, 16 filters) -> flatten ->
  dense 64 ReLU -> dense. (torch flattens C,H,W and tfjs H,W,C: only the order of the weights.)
Initialisation as src/core/models/init.ts: U(+-1/sqrt(fan_in)) for every conv kernel
(fan_in = kh*kw*cin), dense weight and bias (which is also torch's default for these layers);
batch norm gamma 1, beta 0. Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8), cross-entropy, batch 32.

speed: training time per 1000 crops of 1 x 128 x 128 (random inputs, 10 classes). A pass is
`--batches` batches of 32 over the same samples, shuffled; one untimed warm-up pass, then the
median (and min) of `--passes` timed passes. Each step reads the loss and the train accuracy back,
as the lab's loop does (loop.ts reads loss + logits every batch).

accuracy: the protocol of Genre Lab issue 11 on the .npy log-mel files `npm run lab -- melspec
<genres_original> --bands 128 --out DIR` writes (float32 dB, bands x frames, genre from the file
name genre.NNNNN.npy): 5 folds by track, stratified by genre, x seeds (the seed shuffles the folds,
the initialisation, dropout and the crops); per-band z-score with the training tracks' mean and
std over all their frames; each epoch 4 random 128-frame crops per training track, shuffled, batch
32, Adam 1e-3, 30 epochs; the test decides each track by the mean probability over its
non-overlapping 128-frame crops (eval mode: running statistics, no dropout). Prints per-track and
per-crop accuracy, mean +- sd (n-1) over the runs.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VGG_CHANNELS = {"laptop": [8, 16, 32, 64], "desktop": [16, 32, 64, 128]}
SIZE = 128
BATCH = 32


def fan_uniform_(t, fan):
    r = 1.0 / math.sqrt(max(1, fan))
    with torch.no_grad():
        t.uniform_(-r, r)


class Vgg(nn.Module):
    def __init__(self, channels, n_classes, dropout=0.3, keras_momentum=0.9):
        super().__init__()
        blocks = []
        cin = 1
        for c in channels:
            conv = nn.Conv2d(cin, c, 3, padding=1, bias=False)
            fan_uniform_(conv.weight, 9 * cin)
            blocks += [conv, nn.BatchNorm2d(c, eps=1e-5, momentum=1 - keras_momentum), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            cin = c
        self.features = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(dropout)
        self.dense = nn.Linear(cin, n_classes)
        fan_uniform_(self.dense.weight, cin)
        fan_uniform_(self.dense.bias, cin)

    def forward(self, x):
        h = self.features(x).mean(dim=(2, 3))
        return self.dense(self.dropout(h))


class Toronto(nn.Module):
    def __init__(self, n_bands, n_frames, n_classes, filters=(8, 16), k=5, hidden=64):
        super().__init__()
        layers = []
        cin = 1
        for f in filters:
            conv = nn.Conv2d(cin, f, k, padding=k // 2)
            fan_uniform_(conv.weight, k * k * cin)
            fan_uniform_(conv.bias, k * k * cin)
            layers += [conv, nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            cin = f
        self.features = nn.Sequential(*layers)
        flat = (n_bands // 4) * (n_frames // 4) * cin
        self.hidden = nn.Linear(flat, hidden)
        self.out = nn.Linear(hidden, n_classes)
        for lin, fan in ((self.hidden, flat), (self.out, hidden)):
            fan_uniform_(lin.weight, fan)
            fan_uniform_(lin.bias, fan)

    def forward(self, x):
        return self.out(F.relu(self.hidden(torch.flatten(self.features(x), 1))))


def build(preset, n_classes, n_bands=SIZE, n_frames=SIZE):
    if preset in VGG_CHANNELS:
        return Vgg(VGG_CHANNELS[preset], n_classes)
    if preset == "toronto":
        return Toronto(n_bands, n_frames, n_classes)
    raise SystemExit(f"unknown preset {preset!r}: use laptop, desktop or toronto")


def train_step(model, opt, xb, yb):
    """One Adam step on cross-entropy; returns (loss, correct) read back as the lab's loop does."""
    opt.zero_grad(set_to_none=True)
    logits = model(xb)
    loss = F.cross_entropy(logits, yb)
    loss.backward()
    opt.step()
    return loss.item(), int((logits.argmax(1) == yb).sum().item())


def parse_threads(spec):
    """'default,1' -> [(label, n)]: 'default' is torch's own choice here (read, not set). Equal
    counts are run once under a joined label ("default,1" when torch already uses one thread)."""
    default = torch.get_num_threads()
    out = {}
    for part in spec.split(","):
        part = part.strip()
        n = default if part == "default" else (os.cpu_count() or 1) if part == "cores" else int(part)
        out[n] = out[n] + "," + part if n in out else part
    return [(label, n) for n, label in out.items()]


def run_speed(args):
    default_threads = torch.get_num_threads()
    results = []
    n = args.batches * BATCH
    for label, threads in parse_threads(args.threads):
        torch.set_num_threads(threads)
        for preset in args.presets.split(","):
            torch.manual_seed(0)
            g = torch.Generator().manual_seed(1)
            x = torch.randn(n, 1, SIZE, SIZE, generator=g)
            y = torch.randint(0, args.classes, (n,), generator=g)
            model = build(preset, args.classes)
            model.train()
            opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
            passes, cpu = [], []
            for p in range(args.passes + 1):
                order = torch.randperm(n, generator=g)
                t0, c0 = time.perf_counter(), time.process_time()
                for b in range(0, n, BATCH):
                    idx = order[b : b + BATCH]
                    train_step(model, opt, x[idx], y[idx])
                sec, cpu_sec = time.perf_counter() - t0, time.process_time() - c0
                if p > 0:  # pass 0 is the warm-up (allocator, oneDNN primitive creation)
                    passes.append(sec * 1000 / n)
                    cpu.append(cpu_sec * 1000 / n)
            r = {
                "preset": preset,
                "threads": threads,
                "threadsLabel": label,
                "secPer1000": statistics.median(passes),
                "minSecPer1000": min(passes),
                "passesSecPer1000": passes,
                # Process CPU time (all threads): on a shared machine it moves less with the load than wall time.
                "cpuSecPer1000": statistics.median(cpu),
                "cropsPerPass": n,
                "loadAverage": list(os.getloadavg()),
            }
            results.append(r)
            if not args.json:
                print(f"torch {preset:8s} threads {threads} ({label}): {r['secPer1000']:.2f} s per 1000 crops "
                      f"(median of {len(passes)} passes of {n}; min {r['minSecPer1000']:.2f}; CPU {r['cpuSecPer1000']:.2f} s)", flush=True)
    out = {
        "mode": "speed",
        "torch": torch.__version__,
        "defaultThreads": default_threads,
        "cores": os.cpu_count(),
        "batch": BATCH,
        "shape": [1, SIZE, SIZE],
        "classes": args.classes,
        "results": results,
    }
    if args.json:
        print(json.dumps(out))
    return out


NAME = re.compile(r"^([A-Za-z][\w-]*)\.\d+\.npy$")


def load_mels(folder):
    tracks = []
    for f in sorted(os.listdir(folder)):
        m = NAME.match(f)
        if not m:
            continue
        a = np.load(os.path.join(folder, f))
        if a.dtype != np.float32 or a.ndim != 2:
            raise SystemExit(f"{f}: expected a float32 bands x frames matrix, got {a.dtype} {a.shape}")
        tracks.append((f, m.group(1), a))
    if not tracks:
        raise SystemExit(f"no genre.NNNNN.npy files in {folder}: write them with npm run lab -- melspec <folder> --bands 128 --out {folder}")
    return tracks


def stratified_folds(labels, k, seed):
    """Fold of each track: each genre's tracks shuffled with `seed`, then dealt round-robin."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(labels), dtype=np.int64)
    for c in sorted(set(labels)):
        idx = np.array([i for i, l in enumerate(labels) if l == c])
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % k
    return fold


def folds_from_json(path, names, k):
    """Fold of each track from a JSON file's `foldOf` ({trackId: fold}), e.g. the lab's own
    cross-validation folds (`lab train --cv ... --json` prints them), so both sides test on the
    same tracks. A track id is the file name without its extension (genre.NNNNN)."""
    with open(path) as fh:
        d = json.load(fh)
    fold_of = d.get("foldOf", d)
    fold = np.empty(len(names), dtype=np.int64)
    for i, f in enumerate(names):
        tid = os.path.splitext(f)[0]
        if tid not in fold_of:
            raise SystemExit(f"{path}: no fold for track {tid}")
        fold[i] = int(fold_of[tid])
        if not 0 <= fold[i] < k:
            raise SystemExit(f"{path}: track {tid} is in fold {fold[i]}, outside 0..{k - 1}")
    if len(fold_of) != len(names):
        raise SystemExit(f"{path}: {len(fold_of)} tracks in foldOf, {len(names)} .npy files")
    return fold


def run_fold(tracks, y, train_idx, test_idx, n_classes, seed, fold, args):
    crop = args.crop
    # Per-band z-score with the training tracks' statistics (all their frames).
    train_cat = np.concatenate([tracks[i] for i in train_idx], axis=1).astype(np.float64)
    mean = train_cat.mean(axis=1, keepdims=True)
    std = train_cat.std(axis=1, keepdims=True)
    std[std < 1e-8] = 1.0
    norm = [((t - mean) / std).astype(np.float32) for t in tracks]
    for i in range(len(norm)):
        if norm[i].shape[1] < crop:
            raise SystemExit(f"track {i} has {norm[i].shape[1]} frames, fewer than the {crop}-frame crop")

    torch.manual_seed(seed * 1000 + fold)
    rng = np.random.default_rng([seed, fold])
    bands = norm[0].shape[0]
    model = build(args.preset, n_classes, bands, crop)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    t0 = time.perf_counter()
    per_epoch = []
    for epoch in range(args.epochs):
        model.train()
        xs, ys = [], []
        for i in train_idx:
            t = norm[i]
            for s in rng.integers(0, t.shape[1] - crop + 1, size=args.crops_per_track):
                xs.append(t[:, s : s + crop])
                ys.append(y[i])
        x = torch.from_numpy(np.stack(xs)[:, None])
        yy = torch.tensor(ys)
        order = rng.permutation(len(ys))
        loss_sum, correct = 0.0, 0
        for b in range(0, len(ys), args.batch):
            idx = torch.from_numpy(order[b : b + args.batch])
            loss, c = train_step(model, opt, x[idx], yy[idx])
            loss_sum += loss * len(idx)
            correct += c
        per_epoch.append({"loss": loss_sum / len(ys), "accuracy": correct / len(ys)})
    train_sec = time.perf_counter() - t0

    model.eval()
    track_ok = crop_ok = crop_n = 0
    with torch.no_grad():
        for i in test_idx:
            t = norm[i]
            starts = range(0, t.shape[1] - crop + 1, crop)
            x = torch.from_numpy(np.stack([t[:, s : s + crop] for s in starts])[:, None])
            p = F.softmax(model(x), dim=1)
            track_ok += int(p.mean(0).argmax().item() == y[i])
            crop_ok += int((p.argmax(1) == y[i]).sum().item())
            crop_n += len(starts)
    return {
        "seed": seed,
        "fold": fold,
        "trackAccuracy": track_ok / len(test_idx),
        "cropAccuracy": crop_ok / crop_n,
        "testTracks": len(test_idx),
        "testCrops": crop_n,
        "trainSec": train_sec,
        "finalTrainLoss": per_epoch[-1]["loss"],
        "finalTrainAccuracy": per_epoch[-1]["accuracy"],
    }


def mean_sd(xs):
    return statistics.mean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0)


def run_accuracy(args):
    if not args.mel:
        raise SystemExit("accuracy needs --mel DIR (the .npy files of npm run lab -- melspec ... --bands 128 --out DIR)")
    threads = parse_threads(args.threads)[0][1]
    torch.set_num_threads(threads)
    loaded = load_mels(args.mel)
    genres = sorted({g for _, g, _ in loaded})
    labels = [g for _, g, _ in loaded]
    y = [genres.index(g) for g in labels]
    tracks = [a for _, _, a in loaded]
    seeds = [int(s) for s in args.seeds.split(",")]
    only = set(int(f) for f in args.only_folds.split(",")) if args.only_folds else set(range(args.folds))
    runs = []
    for seed in seeds:
        # --folds-json: the given folds for every seed (the lab's, to pair the folds of both sides);
        # otherwise this seed's own stratified shuffle.
        fold_of = folds_from_json(args.folds_json, [n for n, _, _ in loaded], args.folds) if args.folds_json else stratified_folds(labels, args.folds, seed)
        for fold in range(args.folds):
            if fold not in only:
                continue
            test_idx = [i for i in range(len(y)) if fold_of[i] == fold]
            train_idx = [i for i in range(len(y)) if fold_of[i] != fold]
            r = run_fold(tracks, y, train_idx, test_idx, len(genres), seed, fold, args)
            runs.append(r)
            # Each run as it ends (stderr under --json, whose stdout is one JSON object): a long
            # protocol stopped part-way still says what finished.
            print(f"seed {seed} fold {fold}: tracks {r['trackAccuracy'] * 100:.1f}% ({r['testTracks']}), "
                  f"crops {r['cropAccuracy'] * 100:.1f}% ({r['testCrops']}); train {r['trainSec']:.1f} s, "
                  f"final train loss {r['finalTrainLoss']:.3f}", file=sys.stderr if args.json else sys.stdout, flush=True)
    tm, ts = mean_sd([r["trackAccuracy"] for r in runs])
    cm, cs = mean_sd([r["cropAccuracy"] for r in runs])
    out = {
        "mode": "accuracy",
        "torch": torch.__version__,
        "threads": threads,
        "preset": args.preset,
        "tracks": len(y),
        "genres": genres,
        "protocol": {
            "folds": args.folds, "foldsFrom": args.folds_json or "stratified shuffle per seed", "onlyFolds": sorted(only), "seeds": seeds, "epochs": args.epochs,
            "cropFrames": args.crop, "cropsPerTrackPerEpoch": args.crops_per_track, "batch": args.batch, "lr": args.lr,
        },
        "runs": runs,
        "trackAccuracy": {"mean": tm, "sd": ts},
        "cropAccuracy": {"mean": cm, "sd": cs},
        "meanTrainSec": statistics.mean(r["trainSec"] for r in runs),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"torch {args.preset} VGG, {len(runs)} runs ({len(only)} of {args.folds} folds x {len(seeds)} seeds, "
              f"{args.epochs} epochs): per-track accuracy {tm * 100:.1f} +- {ts * 100:.1f} %, "
              f"per-crop {cm * 100:.1f} +- {cs * 100:.1f} %; {out['meanTrainSec']:.1f} s training per run ({threads} thread(s))")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("speed", help="training time per 1000 crops of 1x128x128")
    s.add_argument("--presets", default="laptop,desktop", help="comma list of laptop, desktop, toronto")
    s.add_argument("--threads", default="default,1", help="comma list: default (torch's own), cores, or a number")
    s.add_argument("--passes", type=int, default=3, help="timed passes after one warm-up pass")
    s.add_argument("--batches", type=int, default=4, help="batches of 32 per pass")
    s.add_argument("--classes", type=int, default=10)
    s.add_argument("--json", action="store_true")
    a = sub.add_parser("accuracy", help="the issue-11 protocol on lab melspec .npy files")
    a.add_argument("--mel", help="folder of genre.NNNNN.npy log-mel matrices (bands x frames, dB)")
    a.add_argument("--preset", default="desktop", help="laptop, desktop or toronto")
    a.add_argument("--folds", type=int, default=5)
    a.add_argument("--folds-json", default="", help="JSON with foldOf {trackId: fold}: use these folds (e.g. the lab's) instead of shuffling per seed")
    a.add_argument("--only-folds", default="", help="comma list of fold indices to run (default all)")
    a.add_argument("--seeds", default="0,1,2")
    a.add_argument("--epochs", type=int, default=30)
    a.add_argument("--crop", type=int, default=128, help="crop length in frames")
    a.add_argument("--crops-per-track", type=int, default=4)
    a.add_argument("--batch", type=int, default=BATCH)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--threads", default="default", help="default (torch's own), cores, or a number")
    a.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.mode == "speed":
        run_speed(args)
    else:
        run_accuracy(args)


if __name__ == "__main__":
    main()
