"""The quantisation scheme implemented by the compiler (w8a8 / w4a8), as a reference.

Weights (every Linear of models.CausalLM.linears(): block projections + LM head):
    symmetric, qmax = 127 (w8a8) or 7 (w4a8); one scale per output channel, or per
    (output channel, group of G consecutive input features) with a group size G.
    scale = max|w| / qmax (1 if the max is 0); q = clamp(round(w / scale), -qmax, qmax)
    (torch.round rounds half to even; all in float32).
Activations: int8 symmetric, one static scale per linear input:
    s_x = absmax / 127, absmax = max |x| seen at that input during an fp32 prefill
    of the calibration prompt; q_x = clamp(round(x / s_x), -127, 127).
Product:
    acc_g = sum_k q_x[k] * q_w[c, k] over the group's k, exact (float64 holds these
    integer sums exactly); y = sum_g float32(acc_g) * s_x * s_w[c, g] in float32,
    groups in order, each term evaluated left to right; then + bias.
"""

import json

import torch

WEIGHT_QMAX = {"w8a8": 127, "w4a8": 7}
ACT_QMAX = 127
PRECISIONS = ("fp32",) + tuple(WEIGHT_QMAX)

# Output channels processed per float64 matmul; bounds the temporary float64 copy
# of the weight (the LM head of a large-vocabulary model would not fit otherwise).
_ROW_CHUNK = 8192


def quantize_weight(w, qmax, group_size=None):
    """w [out, in] float32 -> (q int8 [out, in], scales float32 [out, in/G])."""
    n_out, n_in = w.shape
    G = n_in if group_size is None else int(group_size)
    if G <= 0 or n_in % G:
        raise ValueError(f"group size {G} does not divide in_features {n_in}")
    wg = w.reshape(n_out, n_in // G, G).to(torch.float32)
    absmax = wg.abs().amax(dim=-1)
    scale = absmax / qmax
    scale = torch.where(absmax == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(wg / scale[..., None]), -qmax, qmax)
    return q.reshape(n_out, n_in).to(torch.int8), scale


def activation_scale(absmax):
    """float32 s_x = absmax / 127. An input that was all zeros during calibration
    gets s_x = 1 (mirrors the weight rule; the choice cannot change a zero input)."""
    a = torch.tensor(absmax, dtype=torch.float32)
    if float(a) == 0.0:
        return torch.tensor(1.0, dtype=torch.float32)
    return a / ACT_QMAX


def quantize_activation(x, s_x):
    return torch.clamp(torch.round(x / s_x), -ACT_QMAX, ACT_QMAX)


class QuantizedProduct:
    """Replaces a Linear's float32 product by the integer scheme (see module doc)."""

    def __init__(self, weight, qmax, group_size, s_x):
        self.qw, self.sw = quantize_weight(weight, qmax, group_size)
        self.group = weight.shape[1] if group_size is None else int(group_size)
        self.s_x = torch.as_tensor(s_x, dtype=torch.float32).reshape(())

    def __call__(self, x, bias):
        lead = x.shape[:-1]
        x2 = x.reshape(-1, x.shape[-1])
        qx = quantize_activation(x2, self.s_x).to(torch.float64)
        n_out, G, n_groups = self.qw.shape[0], self.group, self.sw.shape[1]
        y = torch.empty(x2.shape[0], n_out, dtype=torch.float32)
        for r0 in range(0, n_out, _ROW_CHUNK):
            r1 = min(r0 + _ROW_CHUNK, n_out)
            qw = self.qw[r0:r1].to(torch.float64)
            acc_sum = None
            for g in range(n_groups):
                cols = slice(g * G, (g + 1) * G)
                acc = torch.matmul(qx[:, cols], qw[:, cols].t())  # exact integers
                term = acc.to(torch.float32) * self.s_x * self.sw[r0:r1, g]
                acc_sum = term if acc_sum is None else acc_sum + term
            y[:, r0:r1] = acc_sum
        if bias is not None:
            y = y + bias
        return y.reshape(*lead, n_out)


def calibrate(model, prompt):
    """Run the fp32 model's prefill on `prompt`; return {linear name: absmax of
    its input} (float32 values as Python floats). The LM head sees the final-norm
    output of every prompt position, like every other linear."""
    absmax = {}

    def observe(name, x):
        m = float(x.detach().abs().max())
        absmax[name] = max(absmax.get(name, 0.0), m)

    lins = model.linears()
    for lin in lins:
        if lin.quant is not None:
            raise RuntimeError("calibrate() needs the fp32 model")
        lin.observer = observe
    try:
        model.forward(prompt, all_logits=True)
    finally:
        for lin in lins:
            lin.observer = None
    return absmax


def scales_from_absmax(absmax):
    """{name: absmax} -> {name: s_x} as Python floats holding float32 values."""
    return {name: float(activation_scale(a)) for name, a in absmax.items()}


def _canonical(name):
    # GPT-2 checkpoints may carry a "transformer." prefix; keys are stored without it.
    return name[len("transformer."):] if name.startswith("transformer.") else name


def load_scales(path):
    with open(path) as f:
        raw = json.load(f)
    return {_canonical(k): float(v) for k, v in raw.items()}


def save_scales(scales, path):
    with open(path, "w") as f:
        json.dump(scales, f, indent=1, sort_keys=False)
        f.write("\n")


def quantize_model(model, precision, scales, group_size=None):
    """Quantise every linear of `model` in place. scales: {weight name: s_x}."""
    if precision not in WEIGHT_QMAX:
        raise ValueError(f"precision {precision!r} is not a quantised precision")
    if group_size is not None and precision != "w4a8":
        raise ValueError("--group-size applies to w4a8 only")
    qmax = WEIGHT_QMAX[precision]
    lins = model.linears()
    missing = [lin.name for lin in lins if lin.name not in scales]
    if missing:
        raise KeyError(f"scales lack entries for {missing[:5]}{' ...' if len(missing) > 5 else ''}")
    for lin in lins:
        if lin.in_features % (group_size or lin.in_features):
            raise ValueError(f"group size {group_size} does not divide in_features "
                             f"{lin.in_features} of {lin.name}")
    for lin in lins:
        lin.quant = QuantizedProduct(lin.weight, qmax, group_size, scales[lin.name])
        lin.weight = None  # fp32 copy no longer needed (a tied embedding stays referenced)
