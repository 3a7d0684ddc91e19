#!/usr/bin/env python3
"""mixed.py DIR N: N files in nested directories (7 x 13 x 29 leaves, some
empty), sizes from a fixed seed: most small, one in a hundred up to 256 KiB
(about 200 MiB in all)."""
import os
import random
import sys

root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20000)
for i in range(n):
    d = os.path.join(root, f"a{i % 7}", f"b{i % 13}", f"c{i % 29}")
    os.makedirs(d, exist_ok=True)
    if rng.random() < 0.99:
        size = rng.choice((0, 100, 1000, 4096, 8000, 30000))
    else:
        size = rng.randrange(256 << 10)
    with open(os.path.join(d, f"f{i}"), "wb") as fh:
        fh.write(rng.randbytes(size))
