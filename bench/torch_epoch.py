"""PyTorch reference for `npm run bench -- train`: epoch time of the lab's LSTM and GRU networks.

Run by bench/train.ts with Debian's /usr/bin/python3 (python3-torch) on the same z-scored rows our
side trains on (x: n x steps x features float32 .npy, y: n int32 .npy). The network is the lab's
(src/core/models/sequence.ts): LSTM(128) or GRU(128), last step's hidden state -> Dense(128, ReLU)
-> Dropout(0.3) -> Dense(10) with softmax cross-entropy; Adam 1e-3, batch 32, shuffled each epoch.
Like the lab's loop (src/core/models/train.ts) each batch also reads back the loss and counts the
correct predictions, so both sides do the same work per batch.

Each model: one warm-up epoch, then `--epochs` timed epochs. Prints one JSON object on stdout
(with the thread counts PyTorch and its BLAS actually used); progress on stderr.

Threads are set by the caller through the environment, before Python starts, because Debian's
torch does its matrix products in OpenBLAS, whose own thread pool (2 threads here) ignores
torch.set_num_threads: bench/train.ts runs this once with OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1
("1 thread") and once with the environment untouched ("default threads").

    /usr/bin/python3 bench/torch_epoch.py X.npy Y.npy [--epochs 5] [--kinds lstm,gru]
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
from torch import nn


class SequenceNet(nn.Module):
    def __init__(self, kind: str, n_features: int, n_classes: int, units: int = 128, dense: int = 128, dropout: float = 0.3):
        super().__init__()
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.rnn = rnn(n_features, units, batch_first=True)
        self.fc1 = nn.Linear(units, dense)
        self.drop = nn.Dropout(dropout)
        self.fc2 = nn.Linear(dense, n_classes)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc2(self.drop(torch.relu(self.fc1(out[:, -1]))))


def epoch_times(kind: str, x: torch.Tensor, y: torch.Tensor, n_classes: int, epochs: int, batch: int, seed: int) -> tuple:
    torch.manual_seed(seed)
    net = SequenceNet(kind, x.shape[2], n_classes)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    times = []
    cpu = []
    for e in range(epochs + 1):  # epoch 0 is the warm-up
        t0 = time.perf_counter()
        c0 = time.process_time()
        net.train()
        order = torch.randperm(n)
        loss_sum = 0.0
        correct = 0
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            xb, yb = x[idx], y[idx]
            logits = net(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += int((logits.argmax(1) == yb).sum())
        if e > 0:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(f"torch {kind} epoch {e}{' (warm-up)' if e == 0 else ''}: {time.perf_counter() - t0:.3f} s, train acc {correct / n:.3f}", file=sys.stderr)
    return times, cpu


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("x")
    p.add_argument("y")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--kinds", default="lstm,gru")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    x = torch.from_numpy(np.load(a.x).astype(np.float32))
    y = torch.from_numpy(np.load(a.y).astype(np.int64))
    n_classes = int(y.max()) + 1
    results = []
    for kind in a.kinds.split(","):
        t, c = epoch_times(kind, x, y, n_classes, a.epochs, a.batch, a.seed)
        # CPU seconds beside wall seconds: on a shared machine the wall time depends on the load,
        # the process's CPU time much less (bench/train.ts compares both).
        results.append({"kind": kind, "medianSec": float(np.median(t)), "minSec": min(t), "epochsSec": t, "medianCpuSec": float(np.median(c))})
    print(json.dumps({"torch": torch.__version__, "threads": thread_counts(), "shape": list(x.shape), "batch": a.batch, "results": results}))


def thread_counts() -> dict:
    """The threads each pool really had: torch's intra-op pool and the BLAS/OpenMP libraries loaded."""
    out = {"torch": torch.get_num_threads()}
    try:
        from threadpoolctl import threadpool_info

        for p in threadpool_info():
            out[p["internal_api"]] = p["num_threads"]
    except ImportError:
        pass
    return out


if __name__ == "__main__":
    main()
