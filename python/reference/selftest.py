#!/usr/bin/python3
"""Self-checks of the reference implementation on tiny random models.

    /usr/bin/python3 python/reference/selftest.py

Prints one PASS/FAIL line per check and a closing "N passed, N failed" line;
exits 1 if any check failed.
"""

import json
import math
import os
import struct
import sys
import tempfile
import time
import traceback

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import models  # noqa: E402
import quantize  # noqa: E402
import run  # noqa: E402
import safetensors_io as st  # noqa: E402

torch.set_grad_enabled(False)

PROMPT = [5, 17, 3, 42, 8, 61, 29, 11]
STEPS = 8


# ---------------------------------------------------------------------------
# Tiny random models
# ---------------------------------------------------------------------------

TINY_CONFIGS = {
    "gpt2": dict(model_type="gpt2", n_embd=32, n_layer=2, n_head=4, n_inner=None,
                 n_positions=64, vocab_size=97, layer_norm_epsilon=1e-5),
    # GQA (4 query heads over 2 kv heads), untied head, llama3 rope scaling.
    "llama": dict(model_type="llama", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                  rope_theta=10000.0, vocab_size=97, tie_word_embeddings=False,
                  rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                "high_freq_factor": 4.0, "original_max_position_embeddings": 32}),
    # qkv biases, tied head, linear rope scaling.
    "qwen2": dict(model_type="qwen2", hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                  rope_theta=1000000.0, vocab_size=97, tie_word_embeddings=True,
                  rope_scaling={"type": "linear", "factor": 2.0}),
    # head_dim (16) != hidden/heads (8), one kv head, alternating local/global layers.
    "gemma3_text": dict(model_type="gemma3_text", hidden_size=32, intermediate_size=64,
                        num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=1,
                        head_dim=16, rms_norm_eps=1e-6, rope_theta=1000000.0,
                        rope_local_base_freq=10000.0, query_pre_attn_scalar=16,
                        sliding_window=4, sliding_window_pattern=2, vocab_size=97,
                        final_logit_softcapping=None, attn_logit_softcapping=None,
                        hidden_activation="gelu_pytorch_tanh"),
}


def random_weights(cfg, gen):
    """Weights named as in HF checkpoints: linears N(0, 1/sqrt(fan_in)),
    embeddings N(0, 0.5), norm weights near neutral, biases small."""
    def lin(shape, fan_in):
        return torch.randn(shape, generator=gen) / math.sqrt(fan_in)

    def small(shape, mean=0.0):
        return mean + 0.1 * torch.randn(shape, generator=gen)

    w = {}
    V = cfg["vocab_size"]
    if cfg["model_type"] == "gpt2":
        D, P = cfg["n_embd"], cfg["n_positions"]
        inner = cfg.get("n_inner") or 4 * D
        w["wte.weight"] = 0.5 * torch.randn(V, D, generator=gen)
        w["wpe.weight"] = 0.5 * torch.randn(P, D, generator=gen)
        for i in range(cfg["n_layer"]):
            p = f"h.{i}."
            for ln in ("ln_1", "ln_2"):
                w[p + ln + ".weight"], w[p + ln + ".bias"] = small([D], 1.0), small([D])
            # Conv1D layout [in, out]
            for name, n_in, n_out in (("attn.c_attn", D, 3 * D), ("attn.c_proj", D, D),
                                      ("mlp.c_fc", D, inner), ("mlp.c_proj", inner, D)):
                w[p + name + ".weight"] = lin([n_in, n_out], n_in)
                w[p + name + ".bias"] = small([n_out])
        w["ln_f.weight"], w["ln_f.bias"] = small([D], 1.0), small([D])
        return w
    gemma = cfg["model_type"] == "gemma3_text"
    D, I = cfg["hidden_size"], cfg["intermediate_size"]
    H, KVH = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim", D // H)
    norm_mean = 0.0 if gemma else 1.0  # gemma3 norms multiply by (1 + w)
    w["model.embed_tokens.weight"] = 0.5 * torch.randn(V, D, generator=gen)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        norms = ["input_layernorm", "post_attention_layernorm"]
        if gemma:
            norms += ["pre_feedforward_layernorm", "post_feedforward_layernorm"]
            w[p + "self_attn.q_norm.weight"] = small([hd], norm_mean)
            w[p + "self_attn.k_norm.weight"] = small([hd], norm_mean)
        for n in norms:
            w[p + n + ".weight"] = small([D], norm_mean)
        for name, n_out, n_in in (("q", H * hd, D), ("k", KVH * hd, D), ("v", KVH * hd, D),
                                  ("o", D, H * hd)):
            w[p + f"self_attn.{name}_proj.weight"] = lin([n_out, n_in], n_in)
            if cfg["model_type"] == "qwen2" and name != "o":
                w[p + f"self_attn.{name}_proj.bias"] = small([n_out])
        for name, n_out, n_in in (("gate", I, D), ("up", I, D), ("down", D, I)):
            w[p + f"mlp.{name}_proj.weight"] = lin([n_out, n_in], n_in)
    w["model.norm.weight"] = small([D], norm_mean)
    if not cfg.get("tie_word_embeddings", gemma):
        w["lm_head.weight"] = lin([V, D], D)
    return w


def write_model(dirpath, cfg, weights, prefix=""):
    os.makedirs(dirpath, exist_ok=True)
    with open(os.path.join(dirpath, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    st.save_file({prefix + k: v for k, v in weights.items()},
                 os.path.join(dirpath, "model.safetensors"), metadata={"format": "pt"})


def make_tiny(tmp, family, seed=0, **overrides):
    cfg = dict(TINY_CONFIGS[family], **overrides)
    gen = torch.Generator().manual_seed(seed)
    weights = random_weights(cfg, gen)
    d = os.path.join(tmp, f"{family}-{seed}-{len(os.listdir(tmp))}")
    # GPT-2 is written with the "transformer." prefix to exercise its stripping.
    write_model(d, cfg, weights, prefix="transformer." if family == "gpt2" else "")
    return d


def rel_l2(a, b):
    return float(torch.linalg.norm((a - b).double()) / torch.linalg.norm(b.double()))


# ---------------------------------------------------------------------------
# Checks: each returns a short detail string or raises AssertionError
# ---------------------------------------------------------------------------

def check_kv_cache(tmp, family):
    model = models.load_model(make_tiny(tmp, family))
    cached, tokens = models.generate(model, PROMPT, STEPS)
    full = torch.stack([model.forward(PROMPT + tokens[:k])[-1] for k in range(STEPS + 1)])
    err = rel_l2(cached, full)
    assert err <= 1e-5, f"greedy: rel L2 {err:.3g} > 1e-5"
    # Greedy decoding of a random tiny model often repeats one token; also push a
    # varied continuation through the cache, one token per step.
    cont = torch.randint(0, 97, (STEPS,), generator=torch.Generator().manual_seed(2)).tolist()
    cache = models.KVCache(model.n_layers)
    steps = [model.forward(PROMPT, cache)[-1]] + [model.forward([t], cache)[-1] for t in cont]
    full2 = torch.stack([model.forward(PROMPT + cont[:k])[-1] for k in range(STEPS + 1)])
    err2 = rel_l2(torch.stack(steps), full2)
    assert err2 <= 1e-5, f"forced: rel L2 {err2:.3g} > 1e-5"
    return f"cached vs recomputed rel L2 {err:.2e} (greedy {tokens}), {err2:.2e} (forced)"


def check_sliding_window(tmp):
    seq = torch.randint(0, 97, (16,), generator=torch.Generator().manual_seed(1)).tolist()
    out = {}
    for window in (4, 16, 1000):
        d = make_tiny(tmp, "gemma3_text", seed=3, sliding_window=window, sliding_window_pattern=2)
        out[window] = models.load_model(d).forward(seq, all_logits=True)
    # Positions 0..3 see at most 4 keys, so the window cannot matter there.
    assert torch.equal(out[4][:4], out[1000][:4]), "window 4 changed positions < 4"
    diff = rel_l2(out[4][4:], out[1000][4:])
    assert diff > 1e-3, f"window 4 vs 1000 differ only by {diff:.3g}"
    # A window covering all 16 positions must be exactly the same as no window.
    assert torch.equal(out[16], out[1000]), "window 16 differs from window 1000 over 16 positions"
    # Exact boundary: one sliding layer, window 4 -> position 15 sees positions 12..15
    # only, so token 11 must not matter and token 12 must.
    d = make_tiny(tmp, "gemma3_text", seed=3, num_hidden_layers=1, sliding_window=4,
                  sliding_window_pattern=1000)
    m = models.load_model(d)
    base = m.forward(seq)[-1]

    def changed(pos):
        s2 = list(seq)
        s2[pos] = (s2[pos] + 1) % 97
        return not torch.equal(m.forward(s2)[-1], base)
    assert not changed(11), "position 15 sees position 11 through a window of 4"
    assert changed(12), "position 15 does not see position 12 through a window of 4"
    return f"window 4 vs 1000 rel L2 {diff:.3f} (positions 4..15), window 16 == 1000 exactly, " \
           "boundary i - j < 4 exact"


def check_quantised(tmp, family):
    d = make_tiny(tmp, family)
    fp = models.load_model(d)
    _, tokens = models.generate(fp, PROMPT, STEPS)
    seq = PROMPT + tokens[:STEPS]  # teacher-forced: same inputs for every precision
    ref = fp.forward(seq, all_logits=True)
    scales = quantize.scales_from_absmax(quantize.calibrate(fp, PROMPT))
    errs = {}
    for precision, group, limit in (("w8a8", None, 5e-2), ("w4a8", None, 0.5), ("w4a8", 16, 0.5)):
        m = models.load_model(d)
        quantize.quantize_model(m, precision, scales, group)
        errs[(precision, group)] = e = rel_l2(m.forward(seq, all_logits=True), ref)
        assert e < limit, f"{precision} G={group}: rel L2 {e:.3g} >= {limit}"
    w8, w4, w4g = errs[("w8a8", None)], errs[("w4a8", None)], errs[("w4a8", 16)]
    assert w8 < w4, "w8a8 should be closer to fp32 than w4a8"
    return f"rel L2 vs fp32: w8a8 {w8:.2e}, w4a8 {w4:.2e}, w4a8 G=16 {w4g:.2e}"


def check_half_dtypes(tmp):
    vals = torch.tensor([[1.0, -2.5, 0.1, 65504.0], [1e-3, -0.0, 3.14159, 6e-8]])
    for dtype, tdtype in (("F16", torch.float16), ("BF16", torch.bfloat16)):
        path = os.path.join(tmp, f"half_{dtype}.safetensors")
        st.save_file({"a": vals, "b": vals[0]}, path, dtype=dtype)
        got = st.load_file(path)
        for name, ref in (("a", vals), ("b", vals[0])):
            exp = ref.to(tdtype).to(torch.float32)
            assert got[name].dtype == torch.float32 and torch.equal(got[name], exp), \
                f"{dtype} {name}: {got[name]} != {exp}"
    # Hand-made file (not through our writer): known bit patterns.
    bf16_bits = [0x3F80, 0xC020, 0x7F7F, 0x0001, 0x8000, 0x4049]
    bf16_exp = [1.0, -2.5, 3.3895313892515355e38, 9.183549615799121e-41, -0.0, 3.140625]
    f16_bits = [0x3C00, 0xC100, 0x7BFF, 0x0001, 0x3555]
    f16_exp = [1.0, -2.5, 65504.0, 5.960464477539063e-08, 0.333251953125]
    data = struct.pack("<6H", *bf16_bits) + struct.pack("<5H", *f16_bits)
    header = {"x": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 12]},
              "y": {"dtype": "F16", "shape": [5], "data_offsets": [12, 22]},
              "__metadata__": {"format": "pt"}}
    blob = json.dumps(header).encode()
    path = os.path.join(tmp, "handmade.safetensors")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob + data)
    got = st.load_file(path)
    assert list(got["x"].shape) == [2, 3]
    for t, exp in ((got["x"].reshape(-1), bf16_exp), (got["y"], f16_exp)):
        for v, e in zip(t.tolist(), exp):
            assert v == e and math.copysign(1, v) == math.copysign(1, e), f"{v} != {e}"
    return "F16/BF16 round trip and hand-made bit patterns decode exactly"


def check_sharded(tmp):
    single = make_tiny(tmp, "llama", seed=5)
    weights = st.load_file(os.path.join(single, "model.safetensors"))
    sharded = os.path.join(tmp, "llama-sharded")
    os.makedirs(sharded)
    with open(os.path.join(single, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(sharded, "config.json"), "w") as f:
        json.dump(cfg, f)
    names = sorted(weights)
    shards = {"model-00001-of-00002.safetensors": names[::2],
              "model-00002-of-00002.safetensors": names[1::2]}
    weight_map = {}
    for fname, part in shards.items():
        st.save_file({n: weights[n] for n in part}, os.path.join(sharded, fname))
        weight_map.update({n: fname for n in part})
    with open(os.path.join(sharded, st.INDEX_FILE), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f)
    got = st.load_model_weights(sharded)
    assert sorted(got) == names, "sharded load has different tensor names"
    for n in names:
        assert torch.equal(got[n], weights[n]), f"tensor {n} differs"
    a = models.load_model(single).forward(PROMPT, all_logits=True)
    b = models.load_model(sharded).forward(PROMPT, all_logits=True)
    assert torch.equal(a, b), "sharded model logits differ"
    return f"{len(names)} tensors over 2 shards identical, logits identical"


def check_llama3_rope():
    hd, theta = 64, 500000.0
    p = dict(factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_position_embeddings=64.0)
    base = models.rope_inv_freq(hd, theta)
    got = models.rope_inv_freq(hd, theta, ("llama3", p))
    low_wl = p["original_max_position_embeddings"] / p["low_freq_factor"]
    high_wl = p["original_max_position_embeddings"] / p["high_freq_factor"]
    counts = {"high": 0, "medium": 0, "low": 0}
    for j in range(hd // 2):
        f0 = float(base[j])  # the unscaled float32 inv_freq
        wl = 2 * math.pi / f0
        if wl < high_wl:        # high frequency: untouched
            counts["high"] += 1
            assert float(got[j]) == f0, f"high-frequency inv_freq[{j}] changed"
            continue
        if wl > low_wl:         # low frequency: slowed by factor
            counts["low"] += 1
            exp = f0 / p["factor"]
        else:                   # in between: interpolate
            counts["medium"] += 1
            s = (p["original_max_position_embeddings"] / wl - p["low_freq_factor"]) / \
                (p["high_freq_factor"] - p["low_freq_factor"])
            exp = (1 - s) * f0 / p["factor"] + s * f0
            assert float(got[j]) < f0, f"medium inv_freq[{j}] not reduced"
        assert abs(float(got[j]) - exp) <= 1e-6 * exp, f"inv_freq[{j}] {float(got[j])} != {exp}"
    assert all(counts.values()), f"not every regime exercised: {counts}"
    # And the scaling reaches the model: a llama3 config uses the scaled frequencies.
    cfg = TINY_CONFIGS["llama"]
    m = models.build_model(cfg, random_weights(cfg, torch.Generator().manual_seed(0)))
    exp = models.rope_inv_freq(8, cfg["rope_theta"], models.parse_rope_scaling(cfg["rope_scaling"]))
    assert torch.equal(m.inv_freq, exp) and not torch.equal(m.inv_freq, models.rope_inv_freq(8, 10000.0))
    return f"inv_freq regimes high/medium/low = {counts['high']}/{counts['medium']}/{counts['low']}, " \
           "matches direct formula"


def check_quant_arithmetic():
    """QuantizedProduct vs a scalar evaluation of the scheme with numpy float32."""
    f32 = np.float32
    e = 2.0 ** -3  # w4 scale of a group whose max |w| is 7e: w = k.5 e is a rounding tie
    w = torch.tensor([[0.5, -1.0, 0.25, 0.125, 0.0, 0.0, 0.0, 0.0],      # second group all zero
                      [0.3, -0.7, 0.11, 0.9, -2.0, 1.0, 0.5, 0.25],
                      [7 * e, 2.5 * e, -3.5 * e, 0.5 * e, 0.7, -0.35, 0.35, 0.05]])
    # s_x = 127 u / 127 = u exactly, so x = k.5 u are ties; 3.0 and -2.0 clamp.
    u = 2.0 ** -7
    x = torch.tensor([[0.5, -2.0, 1.27, 3.0, 2.5 * u, 3.5 * u, -4.5 * u, 0.5 * u],
                      [0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, -0.8]])
    bias = torch.tensor([0.1, -0.2, 0.3])
    s_x = quantize.activation_scale(127 * u)
    assert float(s_x) == u
    assert quantize.quantize_activation(x[0, 4:], s_x).tolist() == [2.0, 4.0, -4.0, 0.0]
    assert quantize.quantize_weight(w[2:, :4], 7)[0].tolist() == [[7, 2, -4, 0]]
    G, ok = 4, 0
    for qmax in (127, 7):
        prod = quantize.QuantizedProduct(w, qmax, G, s_x)
        y = prod(x, bias)
        sx = f32(float(s_x))
        for r in range(x.shape[0]):
            qx = [max(-127, min(127, round(float(f32(float(v)) / sx)))) for v in x[r]]
            for c in range(w.shape[0]):
                total = None
                for g in range(w.shape[1] // G):
                    grp = [f32(float(v)) for v in w[c, g * G:(g + 1) * G]]
                    amax = max(abs(v) for v in grp)
                    sw = f32(1.0) if amax == 0 else f32(amax / f32(qmax))
                    qw = [max(-qmax, min(qmax, round(float(v / sw)))) for v in grp]
                    acc = sum(a * b for a, b in zip(qx[g * G:(g + 1) * G], qw))
                    term = f32(f32(acc) * sx) * sw
                    total = term if total is None else f32(total + term)
                exp = f32(total + f32(float(bias[c])))
                assert float(y[r, c]) == float(exp), f"qmax {qmax} y[{r},{c}] {float(y[r, c])} != {exp}"
                ok += 1
    return f"{ok} outputs bit-identical to a scalar float32 evaluation " \
           "(w8 and w4, G=4, zero group, half-to-even ties, clamping)"


def check_components():
    """Building blocks against direct evaluations of the HF conventions."""
    g = torch.Generator().manual_seed(4)
    # RoPE, HF "rotate_half" layout: feature j pairs with j + hd/2, rotated by
    # angle pos * inv_freq[j] (counter-clockwise: x' = x cos - y sin, y' = y cos + x sin).
    hd, pos = 8, torch.tensor([0, 3, 10])
    x = torch.randn(2, 3, hd, generator=g)
    inv = models.rope_inv_freq(hd, 10000.0)
    cos, sin = models.rope_cos_sin(pos, inv)
    got = models.apply_rope(x, cos, sin)
    for h in range(2):
        for t in range(3):
            for j in range(hd // 2):
                a = float(pos[t]) * float(inv[j])
                z = complex(float(x[h, t, j]), float(x[h, t, j + hd // 2])) * complex(math.cos(a), math.sin(a))
                assert abs(float(got[h, t, j]) - z.real) < 1e-5 and abs(float(got[h, t, j + hd // 2]) - z.imag) < 1e-5
    assert float(inv[1]) == float(torch.tensor(1.0) / torch.tensor(10000.0) ** torch.tensor(0.25))
    # gelu_new formula agrees with torch's tanh GELU (gemma3's gelu_pytorch_tanh).
    v = torch.linspace(-6, 6, 101)
    ref = torch.tensor([0.5 * t * (1 + math.tanh(math.sqrt(2 / math.pi) * (t + 0.044715 * t ** 3))) for t in v.tolist()])
    assert torch.allclose(models.gelu_tanh_formula(v), ref, atol=1e-6)
    assert torch.allclose(torch.nn.functional.gelu(v, approximate="tanh"), ref, atol=1e-6)
    # Grouped-query attention: query head h reads kv head h // (H / KVH).
    q = torch.randn(4, 3, 5, generator=g)
    k, vv = torch.randn(2, 3, 5, generator=g), torch.randn(2, 3, 5, generator=g)
    out = models.causal_attention(q, k, vv, torch.arange(3), 0.5)
    for h in range(4):
        single = models.causal_attention(q[h:h + 1], k[h // 2:h // 2 + 1], vv[h // 2:h // 2 + 1], torch.arange(3), 0.5)
        assert torch.allclose(out[h], single[0], atol=1e-6)
    # Causality: query 0 returns exactly value 0.
    assert torch.allclose(out[:, 0], vv.repeat_interleave(2, 0)[:, 0], atol=1e-6)
    # RMSNorm variants.
    cfg = TINY_CONFIGS["gemma3_text"]
    gm = models.build_model(cfg, random_weights(cfg, torch.Generator().manual_seed(0)))
    xx, w = torch.randn(3, 32, generator=g), 0.1 * torch.randn(32, generator=g)
    r = xx / torch.sqrt((xx.double() ** 2).mean(-1, keepdim=True) + 1e-6).float()
    assert torch.allclose(gm.rms_norm(xx, w), r * (1 + w), atol=1e-5)
    cfg = TINY_CONFIGS["llama"]
    lm = models.build_model(cfg, random_weights(cfg, torch.Generator().manual_seed(0)))
    assert torch.allclose(lm.rms_norm(xx, 1 + w), r * (1 + w), atol=1e-5)
    # gemma3 embedding scale sqrt(hidden) and layer kinds (global iff (i+1) % 2 == 0).
    assert gm.is_sliding == [True, False, True, False]
    assert torch.equal(gm.embed(torch.tensor([3]), None), gm.embed_tokens[3:4] * torch.tensor(32 ** 0.5))
    return "RoPE pairs/rotation, gelu tanh, GQA head mapping, causality, RMSNorm (w and 1+w), " \
           "gemma3 embed scale and layer kinds"


def check_cli(tmp):
    d = make_tiny(tmp, "qwen2", seed=7)
    prompt = ",".join(map(str, PROMPT))
    o1, o2, o3, o4 = (os.path.join(tmp, f"cli{i}") for i in range(4))
    quiet = open(os.devnull, "w")
    old = sys.stdout
    sys.stdout = quiet
    try:
        run.main(["--model", d, "--prompt", prompt, "--steps", "3", "--out", o1, "--dump"])
        run.main(["--model", d, "--prompt", prompt, "--steps", "3", "--out", o2,
                  "--precision", "w8a8", "--calibration-prompt", "1,2,3,4,5,6,7,8,9"])
        run.main(["--model", d, "--prompt", prompt, "--steps", "3", "--out", o3,
                  "--precision", "w8a8", "--scales", os.path.join(o2, "scales.json")])
        run.main(["--model", d, "--prompt", prompt, "--steps", "3", "--out", o4,
                  "--precision", "w4a8", "--group-size", "16"])
    finally:
        sys.stdout = old
        quiet.close()
    V, D, L = 97, 32, 2
    logits = np.fromfile(os.path.join(o1, "logits.bin"), dtype="<f4")
    assert logits.size == 4 * V, f"logits.bin has {logits.size} floats, expected {4 * V}"
    tokens = [int(t) for t in open(os.path.join(o1, "tokens.txt")).read().split()]
    ref_logits, ref_tokens = models.generate(models.load_model(d), PROMPT, 3)
    assert tokens == ref_tokens and np.array_equal(logits.reshape(4, V), ref_logits.numpy())
    for k, n in ((0, len(PROMPT)), (3, 1)):
        for name in ["embed", "final"] + [f"layer{i}" for i in range(L)]:
            a = np.fromfile(os.path.join(o1, "dump", f"step{k}_{name}.bin"), dtype="<f4")
            assert a.size == n * D, f"dump step{k}_{name} has {a.size} floats"
    scales = json.load(open(os.path.join(o2, "scales.json")))
    assert "lm_head.weight" in scales and "model.layers.0.self_attn.q_proj.weight" in scales
    assert len(scales) == 7 * L + 1
    q = scales["model.layers.0.self_attn.q_proj.weight"]
    assert q == scales["model.layers.0.self_attn.k_proj.weight"] == scales["model.layers.0.self_attn.v_proj.weight"]
    b2 = open(os.path.join(o2, "logits.bin"), "rb").read()
    b3 = open(os.path.join(o3, "logits.bin"), "rb").read()
    assert b2 == b3, "--scales run differs from the calibrating run"
    assert os.path.getsize(os.path.join(o4, "logits.bin")) == 4 * V * 4
    return "fp32 --dump, w8a8 calibrate, w8a8 --scales (bit-identical), w4a8 --group-size 16"


def check_refusals(tmp):
    refused = 0
    bad = [("gemma3_text", dict(final_logit_softcapping=30.0)),
           ("gemma3_text", dict(attn_logit_softcapping=50.0)),
           ("llama", dict(rope_scaling={"rope_type": "yarn", "factor": 4.0})),
           ("llama", dict(hidden_act="gelu")),
           ("qwen2", dict(use_sliding_window=True))]
    for family, over in bad:
        cfg = dict(TINY_CONFIGS[family], **over)
        try:
            models.build_model(cfg, random_weights(TINY_CONFIGS[family], torch.Generator().manual_seed(0)))
        except models.UnsupportedModel:
            refused += 1
    try:
        models.build_model({"model_type": "mistral"}, {})
    except models.UnsupportedModel:
        refused += 1
    assert refused == len(bad) + 1, f"only {refused} of {len(bad) + 1} unsupported configs refused"
    return f"{refused} unsupported configs refused"


def main():
    t0 = time.time()
    results = []
    with tempfile.TemporaryDirectory(prefix="reference-selftest-") as tmp:
        checks = [(f"(1) kv-cache {f}", lambda f=f: check_kv_cache(tmp, f)) for f in models.FAMILIES]
        checks.append(("(2) gemma3 sliding window", lambda: check_sliding_window(tmp)))
        checks += [(f"(3) quantised {f}", lambda f=f: check_quantised(tmp, f)) for f in models.FAMILIES]
        checks += [("(4) F16/BF16 loading", lambda: check_half_dtypes(tmp)),
                   ("(5) sharded loading", lambda: check_sharded(tmp)),
                   ("(6) llama3 rope scaling", check_llama3_rope),
                   ("(7) quantised product arithmetic", check_quant_arithmetic),
                   ("(8) run.py end to end", lambda: check_cli(tmp)),
                   ("(9) unsupported configs refused", lambda: check_refusals(tmp)),
                   ("(10) components vs direct formulas", check_components)]
        for name, fn in checks:
            try:
                detail = fn()
                results.append(True)
                print(f"PASS {name}: {detail}", flush=True)
            except Exception as e:  # report and carry on with the other checks
                results.append(False)
                print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
                traceback.print_exc(file=sys.stderr)
    passed = sum(results)
    print(f"time: {time.time() - t0:.1f} s")
    print(f"selftest: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
