#!/usr/bin/env python3
"""Writes a folder of synthetic articles for throughput and memory measurements.

Each article is a shuffled mix of paragraphs from data/articles/*.txt and of
sentences from data/statements.csv, so the text looks like news.

Usage: python3 benches/make_articles.py OUT_DIR SIZE_MB [SEED]
"""

import csv
import glob
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    paragraphs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "data/articles/*.txt"))):
        with open(path, encoding="utf-8") as f:
            paragraphs += [p.strip() for p in f.read().split("\n\n") if p.strip()]
    with open(os.path.join(ROOT, "data/statements.csv"), encoding="utf-8", newline="") as f:
        sentences = [r["text"] for r in csv.DictReader(f)]
    os.makedirs(out, exist_ok=True)
    target = int(size_mb * 1024 * 1024)
    written = 0
    n = 0
    while written < target:
        parts = []
        for _ in range(rng.randint(8, 30)):
            if rng.random() < 0.5:
                parts.append(rng.choice(paragraphs))
            else:
                parts.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))))
        text = "\n\n".join(parts) + "\n"
        sub = os.path.join(out, f"{n // 1000:04d}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"{n:07d}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        written += len(text.encode("utf-8"))
        n += 1
    print(f"{n} articles, {written / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
