#!/usr/bin/env python3
"""Compare claimcat with a scikit-learn pipeline on the same CSV.

scikit-learn side: TfidfVectorizer (word 1-2 grams, sublinear tf, the same
min_df and max_features as claimcat's defaults) + LogisticRegression (lbfgs),
on one thread. It reports fit time, predict rate on pre-split sentences and,
when a second CSV is given, macro-F1 on it.

claimcat side: `claimcat train` and `claimcat eval` timed as whole commands, and
the prediction rate of the criterion benchmark `cargo bench -- predict`.

Usage:
    python3 benches/compare_sklearn.py [TRAIN.csv] [TEST.csv]
(defaults: data/statements.csv and data/holdout.csv). Where scikit-learn is not
installed, it says so and exits cleanly.
"""

import csv
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(f) if r.get("text") and r.get("label")]
    return [t for t, _ in rows], [l for _, l in rows]


def main():
    train_csv = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data/statements.csv")
    test_csv = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "data/holdout.csv")
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.pipeline import make_pipeline
    except ImportError:
        print("scikit-learn is not installed (pip install scikit-learn); nothing to compare.")
        return 0

    texts, labels = load(train_csv)
    test_texts, test_labels = load(test_csv)
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=20000),
        LogisticRegression(max_iter=1000, C=1.0),
    )
    t = time.perf_counter()
    pipe.fit(texts, labels)
    fit = time.perf_counter() - t
    many = (test_texts * (50000 // max(1, len(test_texts)) + 1))[:50000]
    t = time.perf_counter()
    pipe.predict(many)
    rate = len(many) / (time.perf_counter() - t)
    macro = f1_score(test_labels, pipe.predict(test_texts), average="macro")
    print(f"scikit-learn: fit {fit:.2f} s on {len(texts)} rows; predict {rate:,.0f} sentences/s; "
          f"macro-F1 on {os.path.basename(test_csv)} {macro:.3f}")

    binary = os.path.join(ROOT, "target/release/claimcat")
    if not os.path.exists(binary):
        print("claimcat: build it first with `cargo build --release` to compare")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "m.json")
        t = time.perf_counter()
        subprocess.run([binary, "train", train_csv, "-o", model, "--prior", "none=1.5"], check=True, capture_output=True)
        train = time.perf_counter() - t
        out = subprocess.run([binary, "eval", "--model", model, test_csv, "--json"],
                             check=True, capture_output=True, text=True).stdout
        import json
        cc_macro = json.loads(out)["macro_f1"]
        jsonl = os.path.join(tmp, "s.jsonl")
        with open(jsonl, "w", encoding="utf-8") as f:
            for s in many:
                f.write(json.dumps({"text": s}) + "\n")
        t = time.perf_counter()
        subprocess.run([binary, "classify", "--threads", "1", "--input", "jsonl", "--no-split",
                        "--all", "--format", "csv", "--model", model, jsonl],
                       check=True, stdout=subprocess.DEVNULL)
        cc_rate = len(many) / (time.perf_counter() - t)
    print(f"claimcat:     train {train:.2f} s (whole command); classify {cc_rate:,.0f} sentences/s "
          f"(whole command, one thread, CSV output); macro-F1 {cc_macro:.3f}")
    print(f"ratios: train {train / fit:.1f}x scikit-learn's fit time; classify {cc_rate / rate:.1f}x its predict rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
