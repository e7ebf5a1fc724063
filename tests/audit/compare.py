#!/usr/bin/env python3
"""Differential run: random facts -> `zhiliang score --facts` vs independent_scorer.py.

Usage:
    python3 compare.py [--bin PATH] [--root PATH] [--work DIR] [--start N] [--count N] [--keep]

For every seed in [start, start + count) it writes a case with random_facts.py, scores it with
the built binary (`zhiliang --root ROOT --input CASE score --facts CASE/facts.json --json
CASE/rust.json`) and with the independent scorer, and compares every indicator's official
score and the total.  Divergent cases are kept under WORK/diverged/<seed>/ with both results;
a summary line per divergence is printed, and a tally per indicator at the end.
Exit status 1 if anything diverged.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import independent_scorer as ind  # noqa: E402
import random_facts as gen  # noqa: E402


def rust_scores(binary, root, case):
    out = case / "rust.json"
    p = subprocess.run(
        [binary, "--root", str(root), "--input", str(case), "score", "--facts", str(case / "facts.json"),
         "--json", str(out)],
        capture_output=True, text=True,
    )
    if not out.exists():
        raise RuntimeError(f"zhiliang failed ({p.returncode}): {p.stderr[-2000:]}")
    sheet = json.loads(out.read_text(encoding="utf-8"))
    per = {}
    for row in sheet["indicators"]:
        per[int(row["id"])] = Decimal(str(row["score"]))
    return per, Decimal(str(sheet["total"])), sheet, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(Path("/work/targets/audit/release/zhiliang")))
    ap.add_argument("--root", default=str(HERE.parent.parent))
    ap.add_argument("--work", default="/tmp/zhiliang-audit")
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="keep every case, not only divergent ones")
    ap.add_argument("--written", action="store_true",
                    help="zhiliang reads the values as a user would type them (random_facts.written_variant); "
                         "the independent scorer reads the canonical file")
    a = ap.parse_args()

    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    tally = Counter()
    diverged = 0
    for seed in range(a.start, a.start + a.count):
        case = work / "cases" / str(seed)
        if case.exists():
            shutil.rmtree(case)
        gen.generate(seed, case)
        doc = json.loads((case / "facts.json").read_text(encoding="utf-8"))
        if a.written:
            (case / "canonical.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            (case / "facts.json").write_text(
                json.dumps(gen.written_variant(doc, seed), ensure_ascii=False, indent=1), encoding="utf-8")
        campaign = tomllib.loads((case / "campaign.toml").read_text(encoding="utf-8"))
        mine = ind.score_all(ind.Facts(doc), campaign)
        mine_off = {i: ind.official(v) for i, v in mine.items()}
        mine_total = sum(mine_off.values())
        ours, ours_total, sheet, stderr = rust_scores(a.bin, a.root, case)
        bad = [i for i in sorted(mine_off) if mine_off[i] != ours.get(i)]
        if bad or mine_total != ours_total:
            diverged += 1
            for i in bad:
                tally[i] += 1
                print(f"seed {seed} indicator {i}: independent {mine_off[i]} (exact {ind.exact_str(mine[i])})"
                      f" vs zhiliang {ours.get(i)}", flush=True)
            if not bad:
                print(f"seed {seed} total: independent {mine_total} vs zhiliang {ours_total}", flush=True)
            keep = work / "diverged" / str(seed)
            if keep.exists():
                shutil.rmtree(keep)
            shutil.copytree(case, keep)
            (keep / "stderr.txt").write_text(stderr, encoding="utf-8")
            (keep / "independent.json").write_text(json.dumps(
                {str(i): {"exact": ind.exact_str(mine[i]), "official": str(mine_off[i])} for i in mine},
                ensure_ascii=False, indent=1), encoding="utf-8")
        if not a.keep:
            shutil.rmtree(case)
    print(f"cases {a.count}, diverged {diverged}; per indicator: {dict(sorted(tally.items()))}")
    return 1 if diverged else 0


if __name__ == "__main__":
    sys.exit(main())
