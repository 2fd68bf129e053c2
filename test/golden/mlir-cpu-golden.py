#!/usr/bin/python3
"""Golden outputs for a linalg-on-tensors model, computed by upstream MLIR's
own CPU lowering (mlir-opt + mlir-runner), independently of StreamTensor.

    mlir-cpu-golden.py MODEL.mlir --inputs DIR --out DIR [--func forward]

MODEL.mlir is a torch-mlir linalg-on-tensors export: func.func @forward with
static-shape f32 tensor arguments and results (ml_program.global ops and the
torch.debug_module_name attribute may be present). DIR holds input_0.bin,
input_1.bin, ...: raw little-endian float32, row-major, one per argument.
The script writes output_0.bin, ... the same way, one per result.

How: the model is round-tripped through mlir-opt (which also normalises its
syntax), and an entry function is added that materialises every input as an
`arith.constant dense<"0x...">`, calls @forward, bitcasts every f32 result to
i32 (a linalg.generic with arith.bitcast) and prints it with printMemrefI32.
The bits are therefore exact: no decimal rounding of the results. The wrapper
is lowered with one-shot bufferization, linalg-to-loops and the standard
conversions to LLVM, and run by mlir-runner's JIT.

Tools are looked up as mlir-opt-22 / mlir-runner-22 on PATH, then in
/usr/lib/llvm-22/bin; override with $MLIR_OPT, $MLIR_RUNNER and
$MLIR_RUNNER_UTILS_DIR (where libmlir_runner_utils.so and
libmlir_c_runner_utils.so live). --keep DIR keeps the intermediate files.

Exit status 0 on success, 1 with a one-line "error: ..." (followed by the
failing command's stderr) on any failure.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # pragma: no cover
    sys.stderr.write("mlir-cpu-golden: error: numpy is missing "
                     "(apt-get install -y python3-numpy)\n")
    sys.exit(1)

PROG = "mlir-cpu-golden"
ENTRY = "mlir_cpu_golden_main"  # the wrapper's entry function
LLVM_DIR = "/usr/lib/llvm-22"

# Lowering of the wrapper module, in order.
#  - symbol-dce drops the unused private ml_program.global (@global_seed) that
#    torch-mlir emits; nothing lowers ml_program to LLVM.
#  - one-shot-bufferize over function boundaries with identity layouts, so
#    @forward takes/returns plain memrefs.
#  - linalg to plain scf loops (sequential, in the iteration order of the op:
#    reductions are summed in index order, like a naive CPU loop).
PIPELINE = [
    "--symbol-dce",
    "--one-shot-bufferize=bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map",
    "--convert-linalg-to-loops",
    "--expand-strided-metadata",
    "--lower-affine",
    "--convert-scf-to-cf",
    "--convert-math-to-llvm",
    "--convert-math-to-libm",
    "--convert-arith-to-llvm",
    "--convert-index-to-llvm",
    "--finalize-memref-to-llvm",
    "--convert-cf-to-llvm",
    "--convert-func-to-llvm",
    "--reconcile-unrealized-casts",
]


class Failure(Exception):
    """A failure reported as one line, optionally followed by details."""

    def __init__(self, msg, details=""):
        super().__init__(msg)
        self.msg = msg
        self.details = details


def find_tool(env, names):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n)
        if p:
            return p
        p = os.path.join(LLVM_DIR, "bin", n)
        if os.path.exists(p):
            return p
    raise Failure("cannot find %s (set $%s)" % (names[0], env))


def run(cmd, what, stdout_path=None):
    """Runs cmd; returns stdout text (or writes it to stdout_path)."""
    try:
        if stdout_path:
            with open(stdout_path, "w") as f:
                p = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE,
                                   text=True)
            out = None
        else:
            p = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            out = p.stdout
    except OSError as e:
        raise Failure("%s: cannot run %s: %s" % (what, cmd[0], e))
    if p.returncode != 0:
        err = p.stderr.strip().splitlines()
        if len(err) > 60:
            err = err[:30] + ["[... %d lines ...]" % (len(err) - 60)] + err[-30:]
        raise Failure("%s failed (exit %d): %s" % (what, p.returncode,
                                                   " ".join(cmd)),
                      "\n".join(err))
    return out


# Syntax that torch-mlir exports of 2023-2024 use and MLIR 22 no longer
# parses. Applied only when the model does not parse as is.
def fix_drift(text):
    text = re.sub(r"\blinalg\.init_tensor\s*\[([^\]]*)\]\s*:",
                  lambda m: "tensor.empty() :" if not m.group(1).strip()
                  or re.fullmatch(r"[\d,\s]*", m.group(1)) else m.group(0),
                  text)
    text = re.sub(r"\barith\.maxf\b", "arith.maximumf", text)
    text = re.sub(r"\barith\.minf\b", "arith.minimumf", text)

    # tensor.expand_shape %x [[0, 1], [2]] : tensor<AxB> into tensor<CxDxE>
    # gains `output_shape [C, D, E]` (static shapes only).
    def add_output_shape(m):
        if "output_shape" in m.group(0):
            return m.group(0)
        dims = m.group(4).split("x")[:-1]
        if any(not d.isdigit() for d in dims):
            return m.group(0)
        return "%s %s output_shape [%s] : %s into tensor<%s>" % (
            m.group(1), m.group(2), ", ".join(dims), m.group(3), m.group(4))
    text = re.sub(r"(tensor\.expand_shape\s+%[\w.#]+)\s+(\[\[[^:]*?\]\])\s*:"
                  r"\s*(tensor<[^>]*>)\s+into\s+tensor<([^>]*)>",
                  add_output_shape, text)
    return text


def matching_paren(s, i):
    """Index of the ')' matching s[i] == '('."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] in "(<[{":
            depth += 1
        elif s[j] in ")>]}":
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced")


def parse_tensor_type(t):
    """'tensor<2x3xf32>' -> ((2, 3), 'f32')."""
    m = re.fullmatch(r"tensor<([^>]*)>", t.strip())
    if not m:
        raise Failure("unsupported type %s (only static f32 tensors)" % t)
    parts = m.group(1).split("x")
    elt = parts[-1].strip()
    dims = parts[:-1]
    if any(not d.strip().isdigit() for d in dims) or "," in elt:
        raise Failure("unsupported type %s (only static f32 tensors)" % t)
    if elt != "f32":
        raise Failure("unsupported element type in %s (only f32)" % t)
    return tuple(int(d) for d in dims), elt


def signature(text, func):
    """Argument and result tensor types of func.func @func in printed IR."""
    m = re.search(r"^\s*func\.func\s+(?:public\s+)?@%s\(" % re.escape(func),
                  text, re.M)
    if not m:
        raise Failure("no public func.func @%s in the model" % func)
    if re.search(r"func\.func\s+(private|nested)\s+@%s\(" % re.escape(func),
                 text):
        raise Failure("@%s is not public" % func)
    lp = m.end() - 1
    rp = matching_paren(text, lp)
    args_s = text[lp + 1:rp]
    args = []
    for a in split_top(args_s):
        am = re.fullmatch(r"\s*%[\w$.-]+\s*:\s*(tensor<[^>]*>)\s*(\{.*\})?\s*",
                          a, re.S)
        if not am:
            raise Failure("unsupported argument of @%s: %s" % (func, a.strip()))
        args.append(parse_tensor_type(am.group(1)))
    rest = text[rp + 1:].lstrip()
    results = []
    if rest.startswith("->"):
        rest = rest[2:].lstrip()
        if rest.startswith("("):
            e = matching_paren(rest, 0)
            res_s = rest[1:e]
            for r in split_top(res_s):
                r = re.sub(r"\{.*\}\s*$", "", r.strip(), flags=re.S)
                results.append(parse_tensor_type(r))
        else:
            rm = re.match(r"(tensor<[^>]*>)", rest)
            if not rm:
                raise Failure("unsupported result type of @%s: %s"
                              % (func, rest.split("{")[0].strip()))
            results.append(parse_tensor_type(rm.group(1)))
    if not results:
        raise Failure("@%s returns nothing" % func)
    return args, results


def split_top(s):
    """Splits s at top-level commas."""
    out, depth, cur = [], 0, []
    for ch in s:
        if ch in "(<[{":
            depth += 1
        elif ch in ")>]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur))
    return out


def ttype(shape, elt="f32"):
    return "tensor<%s%s>" % ("".join("%dx" % d for d in shape), elt)


def mtype(shape, elt):
    return "memref<%s%s>" % ("".join("%dx" % d for d in shape), elt)


def build_main(func, args, results, inputs):
    L = ["  func.func private @printMemrefI32(memref<*xi32>) "
         "attributes {llvm.emit_c_interface}",
         "  func.func @%s() {" % ENTRY]
    names = []
    for i, ((shape, _), data) in enumerate(zip(args, inputs)):
        hexs = data.astype("<f4").tobytes().hex().upper()
        L.append('    %%in%d = arith.constant dense<"0x%s"> : %s'
                 % (i, hexs, ttype(shape)))
        names.append("%%in%d" % i)
    rtypes = [ttype(s) for s, _ in results]
    lhs = "%res" if len(results) == 1 else "%%res:%d" % len(results)
    L.append("    %s = func.call @%s(%s) : (%s) -> (%s)"
             % (lhs, func, ", ".join(names),
                ", ".join(ttype(s) for s, _ in args), ", ".join(rtypes)))
    for i, (shape, _) in enumerate(results):
        r = "%res" if len(results) == 1 else "%%res#%d" % i
        rank = len(shape)
        dims = ", ".join("d%d" % k for k in range(rank))
        idmap = "affine_map<(%s) -> (%s)>" % (dims, dims)
        its = ", ".join(['"parallel"'] * rank)
        it32 = ttype(shape, "i32")
        L += [
            "    %%e%d = tensor.empty() : %s" % (i, it32),
            "    %%b%d = linalg.generic {indexing_maps = [%s, %s], "
            "iterator_types = [%s]} ins(%s : %s) outs(%%e%d : %s) {"
            % (i, idmap, idmap, its, r, rtypes[i], i, it32),
            "    ^bb0(%x: f32, %y: i32):",
            "      %z = arith.bitcast %x : f32 to i32",
            "      linalg.yield %z : i32",
            "    } -> %s" % it32,
            "    %%m%d = bufferization.to_buffer %%b%d : %s to %s"
            % (i, i, it32, mtype(shape, "i32")),
            "    %%u%d = memref.cast %%m%d : %s to memref<*xi32>"
            % (i, i, mtype(shape, "i32")),
            "    func.call @printMemrefI32(%%u%d) : (memref<*xi32>) -> ()" % i,
        ]
    L += ["    return", "  }"]
    return "\n".join(L) + "\n"


def parse_prints(out, results):
    """Splits mlir-runner's output into one int32 array per result."""
    chunks = out.split("Unranked Memref")[1:]
    if len(chunks) != len(results):
        raise Failure("expected %d printed memrefs from mlir-runner, got %d"
                      % (len(results), len(chunks)), out[:2000])
    arrays = []
    for i, (c, (shape, _)) in enumerate(zip(chunks, results)):
        k = c.find("data =")
        if k < 0:
            raise Failure("unexpected mlir-runner output for result %d" % i,
                          c[:2000])
        vals = re.findall(r"-?\d+", c[k + 6:])
        n = int(np.prod(shape)) if shape else 1
        if len(vals) != n:
            raise Failure("result %d: expected %d values, mlir-runner printed %d"
                          % (i, n, len(vals)))
        a = np.array([int(v) for v in vals], dtype=np.int64)
        arrays.append(a.astype(np.int32).view(np.float32).reshape(shape))
    return arrays


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("--inputs", required=True, help="dir with input_N.bin")
    ap.add_argument("--out", required=True, help="dir for output_N.bin")
    ap.add_argument("--func", default="forward")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep the intermediate files in DIR")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    mlir_opt = find_tool("MLIR_OPT", ["mlir-opt-22", "mlir-opt"])
    mlir_runner = find_tool("MLIR_RUNNER", ["mlir-runner-22", "mlir-runner"])
    libdir = os.environ.get("MLIR_RUNNER_UTILS_DIR", os.path.join(LLVM_DIR, "lib"))
    libs = [os.path.join(libdir, n) for n in
            ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so")]
    for l in libs:
        if not os.path.exists(l):
            raise Failure("cannot find %s (set $MLIR_RUNNER_UTILS_DIR)" % l)
    if not os.path.isfile(a.model):
        raise Failure("no such model file: %s" % a.model)

    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        work = a.keep
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory(prefix="mlir-cpu-golden.")
        work = tmp.name
    try:
        # 1. Round trip: checks the model parses and normalises its syntax.
        norm = os.path.join(work, "model.norm.mlir")
        try:
            run([mlir_opt, a.model, "-o", norm], "parsing the model")
        except Failure as first:
            with open(a.model) as f:
                fixed = fix_drift(f.read())
            fixed_path = os.path.join(work, "model.fixed.mlir")
            with open(fixed_path, "w") as f:
                f.write(fixed)
            try:
                run([mlir_opt, fixed_path, "-o", norm],
                    "parsing the model (after syntax-drift fixes)")
            except Failure:
                raise first
            sys.stderr.write("%s: note: the model needed syntax-drift fixes "
                             "(see fix_drift)\n" % PROG)
        with open(norm) as f:
            text = f.read()

        args, results = signature(text, a.func)
        if re.search(r"@(%s|printMemrefI32)\b" % ENTRY, text):
            raise Failure("the model already defines @%s or @printMemrefI32"
                          % ENTRY)

        # 2. Inputs.
        inputs = []
        for i, (shape, _) in enumerate(args):
            p = os.path.join(a.inputs, "input_%d.bin" % i)
            if not os.path.isfile(p):
                raise Failure("missing input %s (@%s has %d arguments)"
                              % (p, a.func, len(args)))
            d = np.fromfile(p, dtype="<f4")
            n = int(np.prod(shape)) if shape else 1
            if d.size != n:
                raise Failure("%s holds %d floats, argument %d is %s (%d)"
                              % (p, d.size, i, ttype(shape), n))
            inputs.append(d)
        extra = os.path.join(a.inputs, "input_%d.bin" % len(args))
        if os.path.exists(extra):
            raise Failure("%s exists but @%s has only %d arguments"
                          % (extra, a.func, len(args)))

        # 3. Wrapper: the normalised module with the entry function added.
        # A trailing `{-# dialect_resources ... #-}` block (dense_resource
        # weights) follows the module; keep it after the module.
        k = text.find("\n{-#")
        body, trailer = (text[:k], text[k:]) if k >= 0 else (text, "")
        body = body.rstrip()
        if not body.endswith("}"):
            raise Failure("unexpected printed module (no closing brace)")
        wrapper = (body[:-1] + build_main(a.func, args, results, inputs) +
                   "}\n" + trailer)
        wpath = os.path.join(work, "wrapper.mlir")
        with open(wpath, "w") as f:
            f.write(wrapper)

        # 4. Lower and run.
        llpath = os.path.join(work, "wrapper.llvm.mlir")
        run([mlir_opt, wpath] + PIPELINE + ["-o", llpath],
            "lowering with mlir-opt")
        out = run([mlir_runner, llpath, "-e", ENTRY,
                   "-entry-point-result=void", "-O2"] +
                  ["-shared-libs=%s" % l for l in libs], "running mlir-runner")
        if a.keep:
            with open(os.path.join(work, "runner.out"), "w") as f:
                f.write(out)

        # 5. Outputs.
        arrays = parse_prints(out, results)
        os.makedirs(a.out, exist_ok=True)
        for i, arr in enumerate(arrays):
            arr.astype("<f4").tofile(os.path.join(a.out, "output_%d.bin" % i))
            if a.verbose:
                print("output_%d.bin: %s" % (i, ttype(results[i][0])))
        nonfinite = sum(int(np.count_nonzero(~np.isfinite(x))) for x in arrays)
        if nonfinite:
            sys.stderr.write("%s: warning: %d non-finite output values\n"
                             % (PROG, nonfinite))
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        sys.stderr.write("%s: error: %s\n" % (PROG, e.msg))
        if e.details:
            sys.stderr.write(e.details.rstrip() + "\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(1)
