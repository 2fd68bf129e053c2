"""Float32 PyTorch reference forward passes for gpt2, llama, qwen2 and gemma3_text.

The maths follows the HuggingFace transformers implementations (eager attention
path) in float32 on the CPU, one sequence at a time (no batch dimension):
activations are [tokens, features], per-head tensors are [heads, tokens, head_dim].

Every projection is a `Linear` so that quantize.py can calibrate and replace its
product; everything else (embedding gather, norms, RoPE, softmax, the two
attention products, activation functions, residual adds) stays float32.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

from safetensors_io import load_model_weights

SUPPORTED_FAMILIES = ("gpt2", "llama", "qwen2", "gemma3_text")


class UnsupportedModel(ValueError):
    """Raised for families, config values or weights this reference does not handle."""


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------

class Linear:
    """y = x @ W.T + b with W held as [out_features, in_features] (nn.Linear layout).

    GPT-2's Conv1D weights are stored [in, out]; they are passed here as the
    transposed *view* W.t(), so F.linear ends up calling addmm(b, x, W) exactly
    like HF's Conv1D does.

    `name` is the HF weight name, the key of the activation scale in scales.json.
    quantize.py sets `quant` (replaces the product) and `observer` (calibration).
    """

    def __init__(self, name, weight, bias=None):
        self.name = name
        self.weight = weight
        self.bias = bias
        self.out_features, self.in_features = weight.shape
        self.quant = None
        self.observer = None

    def __call__(self, x):
        if self.observer is not None:
            self.observer(self.name, x)
        if self.quant is not None:
            return self.quant(x, self.bias)
        return F.linear(x, self.weight, self.bias)


class KVCache:
    """Per-layer keys/values [kv_heads, positions, head_dim] for positions 0..length-1.

    Keys are stored after RoPE (and after gemma3's k_norm), as in HF. Sliding
    window layers keep the full history; the window is applied by the mask.
    """

    def __init__(self, n_layers):
        self.k = [None] * n_layers
        self.v = [None] * n_layers
        self.length = 0  # number of positions already processed by every layer

    def append(self, layer, k, v):
        if self.k[layer] is None:
            self.k[layer], self.v[layer] = k, v
        else:
            self.k[layer] = torch.cat([self.k[layer], k], dim=1)
            self.v[layer] = torch.cat([self.v[layer], v], dim=1)
        return self.k[layer], self.v[layer]


def gelu_tanh_formula(x):
    """HF `gelu_new` (GPT-2): 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3)))."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def rotate_half(x):
    """cat(-x2, x1) over the two halves of the last dimension (HF's RoPE layout)."""
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def causal_attention(q, k, v, q_pos, scale, divide=False, window=None):
    """Softmax attention of q [H, T, hd] over k, v [KVH, S, hd] (cache positions 0..S-1).

    Query head h reads kv head h // (H/KVH) (HF's repeat_kv). Scores are
    (q.k) * scale, or (q.k) / scale when divide is set (GPT-2 divides).
    A key at position j is visible from query position i iff j <= i and, with a
    sliding window W, i - j < W.
    """
    n_rep = q.shape[0] // k.shape[0]
    if n_rep > 1:
        k = k.repeat_interleave(n_rep, dim=0)
        v = v.repeat_interleave(n_rep, dim=0)
    scores = torch.matmul(q, k.transpose(-1, -2))
    if scale is not None:
        scores = scores / scale if divide else scores * scale
    k_pos = torch.arange(k.shape[1])
    dist = q_pos[:, None] - k_pos[None, :]
    visible = dist >= 0
    if window is not None:
        visible &= dist < window
    # HF adds a mask of 0 / finfo.min; masked entries get weight exactly 0 either way.
    scores = scores.masked_fill(~visible, float("-inf"))
    probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
    return torch.matmul(probs, v)


# ---------------------------------------------------------------------------
# RoPE
# ---------------------------------------------------------------------------

def parse_rope_scaling(rs):
    """Normalise an HF rope_scaling dict to None, ('linear', f) or ('llama3', dict)."""
    if rs is None:
        return None
    rtype = rs.get("rope_type", rs.get("type", "default"))
    if rtype == "default":
        return None
    if rtype == "linear":
        return ("linear", float(rs["factor"]))
    if rtype == "llama3":
        keys = ("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings")
        missing = [k for k in keys if k not in rs]
        if missing:
            raise UnsupportedModel(f"llama3 rope_scaling lacks {missing}")
        return ("llama3", {k: float(rs[k]) for k in keys})
    raise UnsupportedModel(f"rope scaling type {rtype!r} is not supported "
                           "(supported: default, linear, llama3)")


def rope_inv_freq(head_dim, theta, scaling=None):
    """HF inv_freq (float32), then the requested scaling.

    default: 1 / theta ** (arange(0, hd, 2) / hd)
    linear:  inv_freq / factor (HF's current form; equivalent to dividing positions)
    llama3:  HF _compute_llama3_parameters: wavelengths longer than
             original_max/low_freq_factor are slowed by `factor`, those shorter
             than original_max/high_freq_factor are kept, and the band in between
             is interpolated with smooth = (original_max/wavelen - low)/(high - low).
    """
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).to(torch.float32) / head_dim))
    if scaling is None:
        return inv_freq
    kind, p = scaling
    if kind == "linear":
        return inv_freq / p
    factor = p["factor"]
    low, high = p["low_freq_factor"], p["high_freq_factor"]
    old_ctx = p["original_max_position_embeddings"]
    low_freq_wavelen = old_ctx / low
    high_freq_wavelen = old_ctx / high
    wavelen = 2 * math.pi / inv_freq
    scaled = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth = (old_ctx / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium, smoothed, scaled)


def rope_cos_sin(positions, inv_freq):
    """cos/sin [T, hd] with freqs = pos * inv_freq in float32 and emb = cat(freqs, freqs)."""
    freqs = positions.to(torch.float32)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def apply_rope(x, cos, sin):
    return (x * cos) + (rotate_half(x) * sin)


# ---------------------------------------------------------------------------
# Shared driver
# ---------------------------------------------------------------------------

class CausalLM:
    """Common forward: embed -> blocks -> final norm -> LM head."""

    family = None

    def __init__(self, config, weights):
        self.config = config
        self._weights = weights
        self._used = set()

    # -- weight access with shape checks ----------------------------------
    def _w(self, name, shape):
        if name not in self._weights:
            raise UnsupportedModel(f"weight {name!r} missing from the checkpoint")
        t = self._weights[name]
        if list(t.shape) != list(shape):
            raise UnsupportedModel(f"weight {name!r} has shape {list(t.shape)}, expected {list(shape)}")
        self._used.add(name)
        return t

    def _done_loading(self):
        del self._weights  # keep only what the model object references

    # -- interface implemented per family --------------------------------
    def embed(self, ids, positions):
        raise NotImplementedError

    def block(self, i, x, positions, cache):
        raise NotImplementedError

    def final_norm(self, x):
        raise NotImplementedError

    def linears(self):
        """All quantisable projections, blocks first, LM head last."""
        raise NotImplementedError

    @property
    def vocab_size(self):
        return self.lm_head.out_features

    def max_positions(self):
        return None

    def forward(self, ids, cache=None, trace=None, all_logits=False):
        """Process `ids` at positions cache.length.. and return logits.

        Returns [T, vocab] if all_logits else [1, vocab] (last position).
        trace, if a dict, receives 'embed', 'layer{i}', 'final' ([T, hidden]).
        """
        ids = torch.as_tensor(ids, dtype=torch.long).reshape(-1)
        if cache is None:
            cache = KVCache(self.n_layers)
        T = ids.shape[0]
        if T == 0:
            raise ValueError("forward needs at least one token")
        if int(ids.min()) < 0 or int(ids.max()) >= self.vocab_size:
            raise ValueError(f"token ids must be in [0, {self.vocab_size})")
        positions = torch.arange(cache.length, cache.length + T)
        limit = self.max_positions()
        if limit is not None and cache.length + T > limit:
            raise ValueError(f"{self.family}: position {cache.length + T - 1} exceeds n_positions {limit}")
        x = self.embed(ids, positions)
        if trace is not None:
            trace["embed"] = x
        for i in range(self.n_layers):
            x = self.block(i, x, positions, cache)
            if trace is not None:
                trace[f"layer{i}"] = x
        cache.length += T
        x = self.final_norm(x)
        if trace is not None:
            trace["final"] = x
        return self.lm_head(x if all_logits else x[-1:])


def greedy(logits_row):
    """argmax with the lowest index on ties."""
    if torch.isnan(logits_row).any():
        raise FloatingPointError("logits contain NaN")
    best = logits_row.max()
    return int(torch.nonzero(logits_row == best)[0, 0])


def generate(model, prompt, steps, on_step=None):
    """Prefill `prompt`, then decode `steps` greedy tokens with the KV cache.

    Returns (logits [steps+1, vocab], tokens [steps+1]). on_step(k, trace) is
    called after each step when given (trace as in CausalLM.forward).
    """
    cache = KVCache(model.n_layers)
    rows, tokens = [], []
    feed = list(prompt)
    for k in range(steps + 1):
        trace = {} if on_step is not None else None
        logits = model.forward(feed, cache, trace)[-1]
        g = greedy(logits)
        rows.append(logits)
        tokens.append(g)
        if on_step is not None:
            on_step(k, trace)
        feed = [g]
    return torch.stack(rows), tokens


# ---------------------------------------------------------------------------
# GPT-2
# ---------------------------------------------------------------------------

class GPT2(CausalLM):
    family = "gpt2"

    def __init__(self, config, weights):
        # Checkpoints saved from GPT2LMHeadModel prefix the body with "transformer.".
        weights = {(k[len("transformer."):] if k.startswith("transformer.") else k): v
                   for k, v in weights.items()}
        super().__init__(config, weights)
        c = config
        act = c.get("activation_function", "gelu_new")
        if act not in ("gelu_new", "gelu_pytorch_tanh"):
            raise UnsupportedModel(f"gpt2 activation_function {act!r} not supported (gelu_new only)")
        if c.get("scale_attn_by_inverse_layer_idx", False):
            raise UnsupportedModel("gpt2 scale_attn_by_inverse_layer_idx=true not supported")
        D = self.hidden = int(c.get("n_embd", 768))
        self.n_layers = int(c.get("n_layer", 12))
        self.n_heads = int(c.get("n_head", 12))
        if D % self.n_heads:
            raise UnsupportedModel("gpt2 n_embd must be divisible by n_head")
        self.head_dim = D // self.n_heads
        inner = c.get("n_inner")
        inner = 4 * D if inner is None else int(inner)
        V = int(c.get("vocab_size", 50257))
        self.n_positions = int(c.get("n_positions", 1024))
        self.eps = float(c.get("layer_norm_epsilon", 1e-5))
        self.scale_attn = bool(c.get("scale_attn_weights", True))

        self.wte = self._w("wte.weight", [V, D])
        self.wpe = self._w("wpe.weight", [self.n_positions, D])

        def conv1d(prefix, n_in, n_out):
            w = self._w(prefix + ".weight", [n_in, n_out])
            b = self._w(prefix + ".bias", [n_out])
            return Linear(prefix + ".weight", w.t(), b)  # [in,out] -> [out,in] view

        def ln(prefix):
            return (self._w(prefix + ".weight", [D]), self._w(prefix + ".bias", [D]))

        self.layers = []
        for i in range(self.n_layers):
            p = f"h.{i}"
            self.layers.append(dict(
                ln_1=ln(p + ".ln_1"),
                c_attn=conv1d(p + ".attn.c_attn", D, 3 * D),
                attn_proj=conv1d(p + ".attn.c_proj", D, D),
                ln_2=ln(p + ".ln_2"),
                c_fc=conv1d(p + ".mlp.c_fc", D, inner),
                mlp_proj=conv1d(p + ".mlp.c_proj", inner, D),
            ))
        self.ln_f = ln("ln_f")
        if c.get("tie_word_embeddings", True):
            self.lm_head = Linear("lm_head.weight", self.wte)
        else:
            self.lm_head = Linear("lm_head.weight", self._w("lm_head.weight", [V, D]))
        self._done_loading()

    def max_positions(self):
        return self.n_positions

    def _ln(self, x, wb):
        return F.layer_norm(x, (self.hidden,), wb[0], wb[1], self.eps)

    def embed(self, ids, positions):
        return self.wte[ids] + self.wpe[positions]

    def block(self, i, x, positions, cache):
        L = self.layers[i]
        T, D, H, hd = x.shape[0], self.hidden, self.n_heads, self.head_dim
        h = self._ln(x, L["ln_1"])
        q, k, v = L["c_attn"](h).split(D, dim=-1)
        q, k, v = (t.reshape(T, H, hd).transpose(0, 1) for t in (q, k, v))
        K, Vc = cache.append(i, k, v)
        # HF GPT-2 divides the scores by a float32 sqrt(head_dim).
        scale = torch.full([], hd ** 0.5, dtype=torch.float32) if self.scale_attn else None
        a = causal_attention(q, K, Vc, positions, scale, divide=True)
        a = a.transpose(0, 1).reshape(T, D)
        x = L["attn_proj"](a) + x
        h = self._ln(x, L["ln_2"])
        h = L["mlp_proj"](gelu_tanh_formula(L["c_fc"](h)))
        return x + h

    def final_norm(self, x):
        return self._ln(x, self.ln_f)

    def linears(self):
        out = []
        for L in self.layers:
            out += [L["c_attn"], L["attn_proj"], L["c_fc"], L["mlp_proj"]]
        return out + [self.lm_head]


# ---------------------------------------------------------------------------
# Llama / Qwen2 / Gemma3 (same skeleton)
# ---------------------------------------------------------------------------

def _rope_settings(c, default_theta, layer_type=None):
    """(theta, scaling) from either rope_theta/rope_scaling or the newer
    rope_parameters ({rope_type, rope_theta, ...}, keyed by layer type for gemma3)."""
    rp = c.get("rope_parameters")
    if rp:
        if layer_type is not None and layer_type in rp:
            rp = rp[layer_type]
        return float(rp.get("rope_theta", default_theta)), parse_rope_scaling(rp)
    return float(c.get("rope_theta", default_theta)), parse_rope_scaling(c.get("rope_scaling"))


class Llama(CausalLM):
    family = "llama"
    default_tie = False

    def __init__(self, config, weights):
        super().__init__(config, weights)
        c = config
        self._read_config(c)
        D, H, KVH, hd, I, V = (self.hidden, self.n_heads, self.n_kv_heads,
                               self.head_dim, self.intermediate, self.vocab)
        self.embed_tokens = self._w("model.embed_tokens.weight", [V, D])

        def lin(name, n_out, n_in, bias):
            b = self._w(name + ".bias", [n_out]) if bias else None
            return Linear(name + ".weight", self._w(name + ".weight", [n_out, n_in]), b)

        self.layers = []
        for i in range(self.n_layers):
            p = f"model.layers.{i}"
            L = dict(
                input_layernorm=self._w(p + ".input_layernorm.weight", [D]),
                post_attention_layernorm=self._w(p + ".post_attention_layernorm.weight", [D]),
                q=lin(p + ".self_attn.q_proj", H * hd, D, self.qkv_bias),
                k=lin(p + ".self_attn.k_proj", KVH * hd, D, self.qkv_bias),
                v=lin(p + ".self_attn.v_proj", KVH * hd, D, self.qkv_bias),
                o=lin(p + ".self_attn.o_proj", D, H * hd, self.o_bias),
                gate=lin(p + ".mlp.gate_proj", I, D, self.mlp_bias),
                up=lin(p + ".mlp.up_proj", I, D, self.mlp_bias),
                down=lin(p + ".mlp.down_proj", D, I, self.mlp_bias),
            )
            self._extra_layer_weights(p, L)
            self.layers.append(L)
        self.norm = self._w("model.norm.weight", [D])
        if c.get("tie_word_embeddings", self.default_tie):
            self.lm_head = Linear("lm_head.weight", self.embed_tokens)
        else:
            self.lm_head = Linear("lm_head.weight", self._w("lm_head.weight", [V, D]))
        self._done_loading()

    # -- config ------------------------------------------------------------
    def _read_config(self, c):
        act = c.get("hidden_act", "silu")
        if act != "silu":
            raise UnsupportedModel(f"{self.family} hidden_act {act!r} not supported (silu only)")
        self._read_sizes(c, default_head_dim=None)
        self.eps = float(c.get("rms_norm_eps", 1e-6))
        self.qkv_bias = self.o_bias = bool(c.get("attention_bias", False))
        self.mlp_bias = bool(c.get("mlp_bias", False))
        theta, scaling = _rope_settings(c, 10000.0)
        self.inv_freq = rope_inv_freq(self.head_dim, theta, scaling)
        self.scaling = self.head_dim ** -0.5

    def _read_sizes(self, c, default_head_dim):
        self.hidden = int(c["hidden_size"])
        self.intermediate = int(c["intermediate_size"])
        self.n_layers = int(c["num_hidden_layers"])
        self.n_heads = int(c["num_attention_heads"])
        kv = c.get("num_key_value_heads")
        self.n_kv_heads = self.n_heads if kv is None else int(kv)
        if self.n_heads % self.n_kv_heads:
            raise UnsupportedModel("num_attention_heads must be a multiple of num_key_value_heads")
        hd = c.get("head_dim", default_head_dim)
        self.head_dim = self.hidden // self.n_heads if hd is None else int(hd)
        if self.head_dim % 2:
            raise UnsupportedModel("head_dim must be even for RoPE")
        self.vocab = int(c["vocab_size"])

    def _extra_layer_weights(self, prefix, L):
        pass

    # -- maths -------------------------------------------------------------
    def rms_norm(self, x, w):
        """HF LlamaRMSNorm: w * (x * rsqrt(mean(x^2) + eps))."""
        var = x.pow(2).mean(-1, keepdim=True)
        return w * (x * torch.rsqrt(var + self.eps))

    def embed(self, ids, positions):
        return self.embed_tokens[ids]

    def layer_rope(self, i):
        """(inv_freq, sliding window or None) used by layer i."""
        return self.inv_freq, None

    def attention(self, i, h, positions, cache):
        L = self.layers[i]
        T, H, KVH, hd = h.shape[0], self.n_heads, self.n_kv_heads, self.head_dim
        q = L["q"](h).reshape(T, H, hd).transpose(0, 1)
        k = L["k"](h).reshape(T, KVH, hd).transpose(0, 1)
        v = L["v"](h).reshape(T, KVH, hd).transpose(0, 1)
        q, k = self.qk_norm(L, q, k)
        inv_freq, window = self.layer_rope(i)
        cos, sin = rope_cos_sin(positions, inv_freq)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        K, Vc = cache.append(i, k, v)
        a = causal_attention(q, K, Vc, positions, self.scaling, window=window)
        return L["o"](a.transpose(0, 1).reshape(T, H * hd))

    def qk_norm(self, L, q, k):
        return q, k

    def mlp(self, L, h):
        return L["down"](F.silu(L["gate"](h)) * L["up"](h))

    def block(self, i, x, positions, cache):
        L = self.layers[i]
        h = self.attention(i, self.rms_norm(x, L["input_layernorm"]), positions, cache)
        x = x + h
        h = self.mlp(L, self.rms_norm(x, L["post_attention_layernorm"]))
        return x + h

    def final_norm(self, x):
        return self.rms_norm(x, self.norm)

    def linears(self):
        out = []
        for L in self.layers:
            out += [L[n] for n in ("q", "k", "v", "o", "gate", "up", "down")]
        return out + [self.lm_head]


class Qwen2(Llama):
    """Llama with biases on q_proj, k_proj, v_proj (not o_proj)."""
    family = "qwen2"

    def _read_config(self, c):
        if c.get("use_sliding_window", False):
            raise UnsupportedModel("qwen2 use_sliding_window=true not supported")
        super()._read_config(c)
        self.qkv_bias, self.o_bias, self.mlp_bias = True, False, False


class Gemma3Text(Llama):
    family = "gemma3_text"
    default_tie = True

    def _read_config(self, c):
        act = c.get("hidden_activation", "gelu_pytorch_tanh")
        if act not in ("gelu_pytorch_tanh", "gelu_tanh", "gelu_new"):
            raise UnsupportedModel(f"gemma3 hidden_activation {act!r} not supported")
        for cap in ("attn_logit_softcapping", "final_logit_softcapping"):
            if c.get(cap) is not None:
                raise UnsupportedModel(f"gemma3 {cap}={c[cap]} not supported (must be null)")
        if c.get("use_bidirectional_attention", False):
            raise UnsupportedModel("gemma3 use_bidirectional_attention=true not supported")
        self._read_sizes(c, default_head_dim=256)
        self.eps = float(c.get("rms_norm_eps", 1e-6))
        self.qkv_bias = self.o_bias = bool(c.get("attention_bias", False))
        self.mlp_bias = False
        self.scaling = float(c.get("query_pre_attn_scalar", 256)) ** -0.5
        self.sliding_window = int(c.get("sliding_window", 4096))
        # Layer kinds: explicit layer_types (newer configs) or the pattern rule
        # "layer i is global iff (i+1) % sliding_window_pattern == 0".
        if c.get("layer_types"):
            kinds = list(c["layer_types"])
            if len(kinds) != self.n_layers or set(kinds) - {"sliding_attention", "full_attention"}:
                raise UnsupportedModel("gemma3 layer_types malformed")
            self.is_sliding = [k == "sliding_attention" for k in kinds]
        else:
            pattern = int(c.get("sliding_window_pattern", 6))
            self.is_sliding = [(i + 1) % pattern != 0 for i in range(self.n_layers)]
        # Global layers: rope_theta with the configured scaling. Local layers:
        # rope_local_base_freq with no scaling (HF builds a separate default rotary).
        theta, scaling = _rope_settings(c, 1_000_000.0, "full_attention")
        self.inv_freq = rope_inv_freq(self.head_dim, theta, scaling)
        if c.get("rope_parameters") and "sliding_attention" in c["rope_parameters"]:
            ltheta, lscaling = _rope_settings(c, 10000.0, "sliding_attention")
        else:
            ltheta, lscaling = float(c.get("rope_local_base_freq", 10000.0)), None
        self.inv_freq_local = rope_inv_freq(self.head_dim, ltheta, lscaling)
        # HF: embed * torch.tensor(hidden_size**0.5) -> a float32 scalar.
        self.embed_scale = torch.tensor(self.hidden ** 0.5, dtype=torch.float32)

    def _extra_layer_weights(self, p, L):
        D, hd = self.hidden, self.head_dim
        L["pre_feedforward_layernorm"] = self._w(p + ".pre_feedforward_layernorm.weight", [D])
        L["post_feedforward_layernorm"] = self._w(p + ".post_feedforward_layernorm.weight", [D])
        L["q_norm"] = self._w(p + ".self_attn.q_norm.weight", [hd])
        L["k_norm"] = self._w(p + ".self_attn.k_norm.weight", [hd])

    def rms_norm(self, x, w):
        """HF Gemma3RMSNorm: x * rsqrt(mean(x^2) + eps) * (1 + w)."""
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * (1.0 + w)

    def embed(self, ids, positions):
        return self.embed_tokens[ids] * self.embed_scale

    def layer_rope(self, i):
        if self.is_sliding[i]:
            return self.inv_freq_local, self.sliding_window
        return self.inv_freq, None

    def qk_norm(self, L, q, k):
        # Per-head norm over head_dim, before RoPE.
        return self.rms_norm(q, L["q_norm"]), self.rms_norm(k, L["k_norm"])

    def mlp(self, L, h):
        # HF's gelu_pytorch_tanh = torch's tanh-approximated GELU (same formula as gelu_new).
        return L["down"](F.gelu(L["gate"](h), approximate="tanh") * L["up"](h))

    def block(self, i, x, positions, cache):
        L = self.layers[i]
        h = self.rms_norm(x, L["input_layernorm"])
        h = self.attention(i, h, positions, cache)
        h = self.rms_norm(h, L["post_attention_layernorm"])
        x = x + h
        h = self.rms_norm(x, L["pre_feedforward_layernorm"])
        h = self.mlp(L, h)
        h = self.rms_norm(h, L["post_feedforward_layernorm"])
        return x + h


FAMILIES = {"gpt2": GPT2, "llama": Llama, "qwen2": Qwen2, "gemma3_text": Gemma3Text}


def build_model(config, weights):
    family = config.get("model_type")
    if family not in FAMILIES:
        raise UnsupportedModel(f"model_type {family!r} not supported "
                               f"(supported: {', '.join(SUPPORTED_FAMILIES)})")
    return FAMILIES[family](config, weights)


def load_config(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        return json.load(f)


def load_model(model_dir):
    """config.json + safetensors weights of `model_dir` -> model object (float32)."""
    return build_model(load_config(model_dir), load_model_weights(model_dir))
