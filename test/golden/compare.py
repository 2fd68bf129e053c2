#!/usr/bin/python3
"""Compares float32 outputs against goldens.

    compare.py GOT_DIR WANT_DIR [--rtol 1e-4]

For every output_N.bin in WANT_DIR (raw little-endian float32), reads
GOT_DIR/output_N.bin (same size required) and prints the relative L2 error
||got - want|| / ||want|| and the maximum absolute error. Exits 1 if a file
is missing or of another size, if any value is NaN/Inf where the golden is
finite, or if any relative L2 error exceeds rtol; 0 otherwise.
"""

import argparse
import os
import re
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("got")
    ap.add_argument("want")
    ap.add_argument("--rtol", type=float, default=1e-4,
                    help="maximum relative L2 error (default 1e-4)")
    a = ap.parse_args()

    if not os.path.isdir(a.want):
        print("error: no such directory: %s" % a.want)
        return 1
    names = sorted((f for f in os.listdir(a.want)
                    if re.fullmatch(r"output_\d+\.bin", f)),
                   key=lambda f: int(f[7:-4]))
    if not names:
        print("error: no output_N.bin in %s" % a.want)
        return 1
    ok = True
    for n in names:
        want = np.fromfile(os.path.join(a.want, n), dtype="<f4").astype(np.float64)
        gp = os.path.join(a.got, n)
        if not os.path.isfile(gp):
            print("%s: FAIL missing %s" % (n, gp))
            ok = False
            continue
        got = np.fromfile(gp, dtype="<f4").astype(np.float64)
        if got.size != want.size:
            print("%s: FAIL size %d floats, want %d" % (n, got.size, want.size))
            ok = False
            continue
        bad = int(np.count_nonzero(~np.isfinite(got) & np.isfinite(want)))
        diff = got - want
        nw = float(np.linalg.norm(want))
        nd = float(np.linalg.norm(diff)) if not bad else float("inf")
        rel = nd / nw if nw > 0 else (0.0 if nd == 0 else float("inf"))
        mabs = float(np.max(np.abs(diff))) if diff.size else 0.0
        status = "ok" if (rel <= a.rtol and not bad) else "FAIL"
        extra = " (%d non-finite values)" % bad if bad else ""
        print("%s: rel_l2 %.3e max_abs %.3e (%d floats) %s%s"
              % (n, rel, mabs, want.size, status, extra))
        ok = ok and status == "ok"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
