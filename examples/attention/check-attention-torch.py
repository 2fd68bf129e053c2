#!/usr/bin/python3
"""Cross-checks examples/attention/attention.mlir against PyTorch (a manual check, not a test).

    check-attention-torch.py [--rtol 1e-5]

1. Regenerates attention.mlir and the input with make-attention.py (into a
   temporary directory) and checks that the committed files are identical.
2. Runs the block in PyTorch (float32, torch.softmax) with the generator's
   weights and input.
3. Runs test/golden/mlir-cpu-golden.py on attention.mlir.
4. Prints the relative L2 and max abs errors between the two (and, for
   information, of each against a float64 PyTorch run); exits 1 if the
   float32 torch-vs-MLIR relative L2 error exceeds rtol.

Needs /usr/bin/python3 with numpy and torch (python3-torch).
"""

import argparse
import filecmp
import importlib.util
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "..", "test", "golden", "mlir-cpu-golden.py")


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "make_attention", os.path.join(HERE, "make-attention.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def torch_attention(gen, x, w, dtype):
    S, D, H, DH = gen.S, gen.D, gen.H, gen.DH
    T = {k: torch.from_numpy(v).to(dtype) for k, v in w.items()}
    x = torch.from_numpy(x).to(dtype)
    lin = torch.nn.functional.linear
    q = lin(x, T["wq"], T["bq"])
    k = lin(x, T["wk"], T["bk"])
    v = lin(x, T["wv"], T["bv"])
    qh = q.view(S, H, DH).transpose(0, 1)
    kh = k.view(S, H, DH).transpose(0, 1)
    vh = v.view(S, H, DH).transpose(0, 1)
    s = torch.bmm(qh, kh.transpose(1, 2)) / float(np.sqrt(DH))
    p = torch.softmax(s, dim=-1)
    o = torch.bmm(p, vh).transpose(0, 1).reshape(S, D)
    return lin(o, T["wo"], T["bo"]).numpy()


def errs(got, want):
    got = got.astype(np.float64).ravel()
    want = want.astype(np.float64).ravel()
    return (np.linalg.norm(got - want) / np.linalg.norm(want),
            np.max(np.abs(got - want)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rtol", type=float, default=1e-5)
    a = ap.parse_args()
    gen = load_generator()
    torch.manual_seed(0)
    torch.set_num_threads(1)

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, "make-attention.py"),
                        "--out-dir", tmp], check=True)
        for rel in ("attention.mlir", os.path.join("data", "input_0.bin")):
            if not filecmp.cmp(os.path.join(tmp, rel), os.path.join(HERE, rel),
                               shallow=False):
                print("FAIL: %s differs from make-attention.py's output" % rel)
                return 1
        print("attention.mlir and data/input_0.bin match make-attention.py")

        x = np.fromfile(os.path.join(HERE, "data", "input_0.bin"),
                        dtype="<f4").reshape(gen.S, gen.D)
        w = gen.weights()
        ref32 = torch_attention(gen, x, w, torch.float32)
        ref64 = torch_attention(gen, x, w, torch.float64)

        out = os.path.join(tmp, "mlir-out")
        p = subprocess.run([sys.executable, GOLDEN,
                            os.path.join(HERE, "attention.mlir"),
                            "--inputs", os.path.join(HERE, "data"),
                            "--out", out])
        if p.returncode != 0:
            print("FAIL: mlir-cpu-golden.py failed")
            return 1
        mlir = np.fromfile(os.path.join(out, "output_0.bin"),
                           dtype="<f4").reshape(gen.S, gen.D)

    print("torch %s, output %s, |y| range [%.4f, %.4f]"
          % (torch.__version__, "x".join(map(str, mlir.shape)),
             float(np.min(mlir)), float(np.max(mlir))))
    r, m = errs(mlir, ref32)
    print("mlir-cpu-golden vs torch float32: rel_l2 %.3e max_abs %.3e" % (r, m))
    r64, m64 = errs(mlir, ref64)
    print("mlir-cpu-golden vs torch float64: rel_l2 %.3e max_abs %.3e" % (r64, m64))
    r3, m3 = errs(ref32, ref64)
    print("torch float32   vs torch float64: rel_l2 %.3e max_abs %.3e" % (r3, m3))
    ok = r <= a.rtol
    print("%s (rtol %g)" % ("OK" if ok else "FAIL", a.rtol))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
