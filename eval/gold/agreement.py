"""Agreement between first-pass gold labels and the second-pass review.

Usage: python eval/gold/agreement.py  (reads eval/gold/second_pass.jsonl)
"""
import json
from collections import Counter
from pathlib import Path

rows = [json.loads(l) for l in open(Path(__file__).with_name("second_pass.jsonl"))]
n = len(rows)
exact = sum(set(r["first"]) == set(r["second"]) for r in rows)
prim = sum(r["first"][0] == r["second"][0] for r in rows)
jac = sum(len(set(r["first"]) & set(r["second"])) / len(set(r["first"]) | set(r["second"])) for r in rows) / n
anyov = sum(bool(set(r["first"]) & set(r["second"])) for r in rows)

# Cohen's kappa over the primary id
a = [r["first"][0] for r in rows]
b = [r["second"][0] for r in rows]
po = prim / n
ca, cb = Counter(a), Counter(b)
pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / n**2
kappa = (po - pe) / (1 - pe)

print(f"lines                     {n}")
print(f"exact-set agreement       {exact}/{n} = {exact/n:.3f}")
print(f"primary-id agreement      {prim}/{n} = {prim/n:.3f}")
print(f"any-overlap               {anyov}/{n} = {anyov/n:.3f}")
print(f"mean Jaccard              {jac:.3f}")
print(f"Cohen's kappa (primary)   {kappa:.3f}  (po={po:.3f}, pe={pe:.3f}, {len(set(a)|set(b))} categories)")

# Disagreement patterns: every id only in first paired with every id only in second ("-" = none)
pat = Counter()
for r in rows:
    f, s = set(r["first"]), set(r["second"])
    if f == s:
        continue
    fo, so = sorted(f - s) or ["-"], sorted(s - f) or ["-"]
    for x in fo:
        for y in so:
            pat[(x, y)] += 1
print("\ntop set-level disagreement patterns (first -> second):")
for (x, y), c in pat.most_common(10):
    print(f"  {x} -> {y}: {c}")
sub = Counter({k: v for k, v in pat.items() if "-" not in k})
print("\ntop substitutions, both sides non-empty (first -> second):")
for (x, y), c in sub.most_common(10):
    print(f"  {x} -> {y}: {c}")
dropped = Counter(x for (x, y), c in pat.items() for _ in range(c) if y == "-")
added = Counter(y for (x, y), c in pat.items() for _ in range(c) if x == "-")
print(f"\nlines where second is a strict subset of first: {sum(set(r['second']) < set(r['first']) for r in rows)}")
print(f"lines where second is a strict superset of first: {sum(set(r['second']) > set(r['first']) for r in rows)}")
print(f"mean ids per line: first {sum(len(r['first']) for r in rows)/n:.2f}, second {sum(len(r['second']) for r in rows)/n:.2f}")
pp = Counter((r["first"][0], r["second"][0]) for r in rows if r["first"][0] != r["second"][0])
print("\nprimary-id disagreements (first -> second):")
for (x, y), c in pp.most_common():
    print(f"  {x} -> {y}: {c}")
