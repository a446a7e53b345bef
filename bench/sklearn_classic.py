"""scikit-learn reference for `npm run bench -- classic`: the lab's classic baselines with
scikit-learn's defaults on the same z-scored rows (.npy files written by bench/classic.ts).

    TRAIN.npy TRAIN_LABELS.npy TEST.npy TEST_LABELS.npy [--seeds 5] [--svm-decisions OURS.npy]

With --svm-decisions (our SVM's one-vs-one decision values on the test rows, rows × pairs), SVC's
own (decision_function_shape='ovo') are compared with them: support vectors, largest difference.

SVC() (rbf, C=1, gamma='scale', OvO), LinearSVC() (squared hinge, dual, C=1; dual=True is the
default of scikit-learn < 1.3), ExtraTreesClassifier() (100 trees, no bootstrap, sqrt features),
SGDClassifier() (hinge, alpha 1e-4, 'optimal'), LogisticRegression(max_iter=1000) (multinomial,
C=1), RandomForestClassifier() (100 trees). Seeded models are run for seeds 0..4 (their spread is
printed: a single seed can sit anywhere in it). Prints one JSON object on stdout.
"""
import argparse
import json
import time
import warnings

import numpy as np
import sklearn
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.svm import SVC, LinearSVC

MODELS = {
    "svm": (lambda seed: SVC(), False),
    "linear-svm": (lambda seed: LinearSVC(random_state=seed), True),
    "extra-trees": (lambda seed: ExtraTreesClassifier(random_state=seed), True),
    "sgd": (lambda seed: SGDClassifier(random_state=seed), True),
    "logistic": (lambda seed: LogisticRegression(max_iter=1000), False),
    "forest": (lambda seed: RandomForestClassifier(random_state=seed), True),
}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("files", nargs=4)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--svm-decisions")
    a = p.parse_args()
    xtr, ytr, xte, yte = [np.load(f) for f in a.files]
    labels = sorted(set(ytr.tolist()) | set(yte.tolist()))
    out = {}
    for name, (make, seeded) in MODELS.items():
        runs = []
        for seed in range(a.seeds if seeded else 1):
            t0 = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                pred = make(seed).fit(xtr, ytr).predict(xte)
            runs.append({
                "seed": seed,
                "accuracy": float(np.mean(pred == yte)),
                "macroF1": float(f1_score(yte, pred, average="macro", labels=labels, zero_division=0)),
                "sec": time.perf_counter() - t0,
                "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught),
            })
        out[name] = runs
    svm = None
    if a.svm_decisions:
        ours = np.load(a.svm_decisions)
        m = SVC(decision_function_shape="ovo").fit(xtr, ytr)
        theirs = m.decision_function(xte)
        svm = {"nSupport": int(len(m.support_)), "maxAbsDiff": float(np.abs(theirs - ours).max()), "maxAbs": float(np.abs(theirs).max())}
    print(json.dumps({"sklearn": sklearn.__version__, "models": out, "svm": svm}))


if __name__ == "__main__":
    main()
