#!/usr/bin/python3
"""Golden run: prefill a prompt, decode greedily with the KV cache, write the logits.

    /usr/bin/python3 python/reference/run.py --model DIR --prompt 1,2,3 --steps 8 --out OUT
        [--precision fp32|w8a8|w4a8] [--group-size G] [--calibration-prompt ids]
        [--scales FILE] [--dump]

Writes OUT/logits.bin (float32 LE [steps+1, vocab]), OUT/tokens.txt (steps+1 ids),
OUT/scales.json (quantised runs: the activation scales used) and, with --dump,
OUT/dump/step{k}_{embed,layer{i},final}.bin (float32 LE [tokens, hidden]) plus
OUT/dump/shapes.json describing them.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import models  # noqa: E402
import quantize  # noqa: E402


def parse_ids(text):
    try:
        ids = [int(t) for t in text.replace(" ", "").split(",") if t != ""]
    except ValueError:
        raise SystemExit(f"error: token ids must be comma-separated integers, got {text!r}")
    if not ids:
        raise SystemExit("error: empty token list")
    return ids


def write_f32(path, t):
    np.ascontiguousarray(t.detach().to(torch.float32).numpy()).astype("<f4").tofile(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="folder with config.json and safetensors weights")
    ap.add_argument("--prompt", required=True, help="comma-separated token ids")
    ap.add_argument("--steps", type=int, default=8, help="decode steps after the prefill")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--precision", choices=quantize.PRECISIONS, default="fp32")
    ap.add_argument("--group-size", type=int, default=None,
                    help="w4a8 weight group size along in_features (default: per channel)")
    ap.add_argument("--calibration-prompt", default=None,
                    help="token ids for activation calibration (default: the prompt)")
    ap.add_argument("--scales", default=None, help="read activation scales from this scales.json")
    ap.add_argument("--dump", action="store_true", help="write per-layer activations to OUT/dump/")
    args = ap.parse_args(argv)

    if args.steps < 0:
        ap.error("--steps must be >= 0")
    if args.precision == "fp32" and (args.scales or args.calibration_prompt or args.group_size):
        ap.error("--scales/--calibration-prompt/--group-size need --precision w8a8 or w4a8")
    if args.group_size is not None and args.precision != "w4a8":
        ap.error("--group-size applies to --precision w4a8 only")
    if args.scales and args.calibration_prompt:
        ap.error("give either --scales or --calibration-prompt, not both")

    torch.set_grad_enabled(False)
    prompt = parse_ids(args.prompt)
    try:
        model = models.load_model(args.model)
    except models.UnsupportedModel as e:
        raise SystemExit(f"error: {e}")
    os.makedirs(args.out, exist_ok=True)

    if args.precision != "fp32":
        if args.scales:
            scales = quantize.load_scales(args.scales)
        else:
            calib = parse_ids(args.calibration_prompt) if args.calibration_prompt else prompt
            scales = quantize.scales_from_absmax(quantize.calibrate(model, calib))
        try:
            quantize.quantize_model(model, args.precision, scales, args.group_size)
        except (ValueError, KeyError) as e:
            raise SystemExit(f"error: {e}")
        # Only the scales of this model's linears, in model order.
        quantize.save_scales({lin.name: scales[lin.name] for lin in model.linears()},
                             os.path.join(args.out, "scales.json"))

    on_step = None
    if args.dump:
        dump_dir = os.path.join(args.out, "dump")
        os.makedirs(dump_dir, exist_ok=True)
        shapes = {}

        def on_step(k, trace):
            for key, t in trace.items():
                fname = f"step{k}_{key}.bin"
                write_f32(os.path.join(dump_dir, fname), t)
                shapes[fname] = list(t.shape)

    logits, tokens = models.generate(model, prompt, args.steps, on_step)
    write_f32(os.path.join(args.out, "logits.bin"), logits)
    with open(os.path.join(args.out, "tokens.txt"), "w") as f:
        f.write("".join(f"{t}\n" for t in tokens))
    if args.dump:
        with open(os.path.join(dump_dir, "shapes.json"), "w") as f:
            json.dump(shapes, f, indent=1)
            f.write("\n")
    print(f"{model.family} {args.precision}: prompt {len(prompt)} tokens, {args.steps} steps, "
          f"vocab {logits.shape[1]} -> {args.out}")
    print("tokens:", ",".join(str(t) for t in tokens))
    return 0


if __name__ == "__main__":
    sys.exit(main())
