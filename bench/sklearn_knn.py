"""scikit-learn reference for `npm run bench -- knn` and `-- search`.

Run by bench/knn.ts and bench/search.ts with Debian's /usr/bin/python3 (python3-sklearn) on .npy
files those write: the same z-scored rows our k-NN sees. KNeighborsClassifier(n_neighbors=k,
weights='distance', algorithm='brute'), the lab's setting (README "Evaluation rules"). Each timing
is fit + predict, run `--reps` times; with the default thread pools (OpenMP and BLAS, as a user
gets them) and limited to 1 thread by threadpoolctl. Prints one JSON object on stdout.

    knn    TRAIN.npy TRAIN_LABELS.npy TEST.npy [--k 5] [--reps 3] [--pred OUT.npy]
    search TRAIN.npy TRAIN_LABELS.npy TEST.npy TEST_LABELS.npy --base 4 --choose 3 [--k 5] [--reps 3]

`search` is the NTNU Task 3 search of src/core/eval/search.ts: columns 0..base-1 are the base
features, every `choose`-subset of them (lexicographic) plus each later column as the extra; best by
accuracy, then macro F1, the first in that order winning ties (as ours does).
"""
import argparse
import itertools
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import f1_score
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits


def fit_predict(xtr, ytr, xte, k):
    return KNeighborsClassifier(n_neighbors=k, weights="distance", algorithm="brute").fit(xtr, ytr).predict(xte)


def timed(fn, reps):
    times, out = [], None
    for r in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        print(f"  sklearn run {r + 1}/{reps}: {times[-1]:.3f} s", file=sys.stderr)
    return times, out


def search(xtr, ytr, xte, yte, base, choose, k):
    n_classes = int(max(ytr.max(), yte.max())) + 1
    best = None
    cells = 0
    for subset in itertools.combinations(range(base), choose):
        for extra in range(base, xtr.shape[1]):
            cols = list(subset) + [extra]
            pred = fit_predict(xtr[:, cols], ytr, xte[:, cols], k)
            acc = float(np.mean(pred == yte))
            f1 = float(f1_score(yte, pred, average="macro", labels=list(range(n_classes)), zero_division=0))
            cells += 1
            if best is None or acc > best["accuracy"] or (acc == best["accuracy"] and f1 > best["macroF1"]):
                best = {"subset": list(subset), "extra": extra, "accuracy": acc, "macroF1": f1}
    return {"cells": cells, "best": best}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["knn", "search"])
    p.add_argument("files", nargs="+")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--pred")
    p.add_argument("--base", type=int, default=4)
    p.add_argument("--choose", type=int, default=3)
    a = p.parse_args()
    arrays = [np.load(f) for f in a.files]
    results = []
    extra = {}
    for threads in ["default", 1]:
        print(f"sklearn {a.mode}, threads {threads}:", file=sys.stderr)
        with threadpool_limits(limits=None if threads == "default" else threads):
            if a.mode == "knn":
                xtr, ytr, xte = arrays
                times, pred = timed(lambda: fit_predict(xtr, ytr, xte, a.k), a.reps)
                if a.pred:
                    np.save(a.pred, pred.astype(np.int32))
            else:
                xtr, ytr, xte, yte = arrays
                times, out = timed(lambda: search(xtr, ytr, xte, yte, a.base, a.choose, a.k), a.reps)
                extra = out
        results.append({"threads": threads, "medianSec": float(np.median(times)), "minSec": min(times), "runsSec": times})
    print(json.dumps({"sklearn": sklearn.__version__, "mode": a.mode, "results": results, **extra}))


if __name__ == "__main__":
    main()
