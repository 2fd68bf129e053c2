"""Writes the generated inputs of the bad-input table (cases.tsv) into one
folder: broken copies of a tiny llama model folder (config.json and
safetensors, single and sharded), broken platform files, and files that
stand where an output folder should be. The design folders the csim,
simulate and report rows need are compiled by run.py, which has the binary.

Every input is a small edit of a good one, so that a row fails for the one
reason its name says and no other.
"""
import json
import os
import shutil
import struct

import numpy

# models/llama-tiny/config.json, written out so that the inputs do not
# depend on the presets folder.
LLAMA_TINY = {
    "model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
    "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "vocab_size": 256,
    "max_position_embeddings": 64, "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0, "tie_word_embeddings": False,
}


def llama_tensors(config):
    """{name: shape} of the checkpoint a llama config.json asks for."""
    d, i = config["hidden_size"], config["intermediate_size"]
    hd = d // config["num_attention_heads"]
    kv = config["num_key_value_heads"] * hd
    shapes = {"model.embed_tokens.weight": [config["vocab_size"], d],
              "model.norm.weight": [d],
              "lm_head.weight": [config["vocab_size"], d]}
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        shapes.update({
            p + "input_layernorm.weight": [d],
            p + "post_attention_layernorm.weight": [d],
            p + "self_attn.q_proj.weight": [d, d],
            p + "self_attn.k_proj.weight": [kv, d],
            p + "self_attn.v_proj.weight": [kv, d],
            p + "self_attn.o_proj.weight": [d, d],
            p + "mlp.gate_proj.weight": [i, d],
            p + "mlp.up_proj.weight": [i, d],
            p + "mlp.down_proj.weight": [d, i]})
    return shapes


def encode(header, payload):
    """A safetensors file: length, JSON header padded to 8 bytes, data."""
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + payload


def tensors_file(shapes, names=None, edit=None):
    """The header and payload of F32 tensors `names` (default all);
    `edit(header)` may change the header before it is written."""
    rng = numpy.random.default_rng(0)
    header, blobs, offset = {}, [], 0
    for name in sorted(names if names is not None else shapes):
        blob = rng.standard_normal(shapes[name]).astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": shapes[name],
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if edit:
        edit(header)
    return header, b"".join(blobs)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def model(root, name, config=LLAMA_TINY, weights=None):
    """A model folder: config.json (a dict, or text as it is) and
    model.safetensors (bytes; None for no weights)."""
    folder = os.path.join(root, name)
    text = config if isinstance(config, str) else json.dumps(config, indent=1)
    write(os.path.join(folder, "config.json"), text)
    if weights is not None:
        write(os.path.join(folder, "model.safetensors"), weights)


def make_models(root):
    shapes = llama_tensors(LLAMA_TINY)
    good = encode(*tensors_file(shapes))
    model(root, "model-good", weights=good)

    # config.json
    missing = dict(LLAMA_TINY)
    del missing["num_attention_heads"]
    model(root, "config-missing-field", missing, good)
    model(root, "config-wrong-type", dict(LLAMA_TINY, hidden_size="64"), good)
    model(root, "config-negative", dict(LLAMA_TINY, num_hidden_layers=-2),
          good)
    model(root, "config-unknown-family", dict(LLAMA_TINY, model_type="mistral"),
          good)
    no_type = dict(LLAMA_TINY)
    del no_type["model_type"]
    model(root, "config-no-type", no_type, good)
    model(root, "config-malformed", '{"model_type": "llama", "hidden_size": 64,',
          good)
    model(root, "config-not-object", "[1, 2, 3]\n", good)
    model(root, "config-empty", "", good)
    model(root, "config-kv-heads", dict(LLAMA_TINY, num_key_value_heads=3), good)
    model(root, "config-rope", dict(LLAMA_TINY, rope_scaling={"rope_type": "yarn",
                                                              "factor": 4.0}),
          good)
    model(root, "config-odd-int4", dict(LLAMA_TINY, intermediate_size=127,
                                        hidden_size=63, num_attention_heads=3,
                                        num_key_value_heads=1))
    # Far larger than the tiny card below, whatever the tiles (no weights:
    # seeded random ones, not written).
    model(root, "model-huge", dict(LLAMA_TINY, hidden_size=4096,
                                   intermediate_size=16384,
                                   num_attention_heads=32,
                                   num_key_value_heads=8))

    # model.safetensors
    header, payload = tensors_file(shapes)
    model(root, "st-short", weights=b"\x10\x00\x00")
    model(root, "st-header-length",
          weights=struct.pack("<Q", 1 << 40) + b"{}" + payload[:64])
    model(root, "st-header-json", weights=struct.pack("<Q", 8) + b"{not js}")
    model(root, "st-header-array", weights=encode([1, 2], b""))

    def set_dtype(h):
        h["model.layers.0.mlp.up_proj.weight"]["dtype"] = "I32"
    model(root, "st-dtype", weights=encode(*tensors_file(shapes, edit=set_dtype)))

    def drop_dtype(h):
        del h["model.norm.weight"]["dtype"]
    model(root, "st-no-dtype",
          weights=encode(*tensors_file(shapes, edit=drop_dtype)))
    model(root, "st-truncated", weights=encode(header, payload[:-1000]))

    def rename(h):
        h["model.layers.1.mlp.up.weight"] = h.pop(
            "model.layers.1.mlp.up_proj.weight")
    model(root, "st-missing-tensor",
          weights=encode(*tensors_file(shapes, edit=rename)))

    def transpose(h):
        entry = h["model.layers.0.self_attn.k_proj.weight"]
        entry["shape"] = entry["shape"][::-1]
    model(root, "st-wrong-shape",
          weights=encode(*tensors_file(shapes, edit=transpose)))

    def overlap(h):
        h["model.norm.weight"]["data_offsets"] = list(
            h["model.layers.0.input_layernorm.weight"]["data_offsets"])
    model(root, "st-overlap", weights=encode(*tensors_file(shapes, edit=overlap)))

    make_shards(root, shapes)


def make_shards(root, shapes):
    """Sharded folders (model.safetensors.index.json) with one fault each."""
    names = sorted(shapes)
    halves = {"model-00001-of-00002.safetensors": names[:len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}

    def sharded(name, index=None, skip=None):
        folder = os.path.join(root, name)
        write(os.path.join(folder, "config.json"), json.dumps(LLAMA_TINY))
        weight_map = {t: shard for shard, part in halves.items() for t in part}
        for shard, part in halves.items():
            if shard != skip:
                write(os.path.join(folder, shard),
                      encode(*tensors_file(shapes, part)))
        if index is None:
            index = json.dumps({"metadata": {}, "weight_map": weight_map})
        elif callable(index):
            index = json.dumps({"metadata": {}, "weight_map": index(weight_map)})
        write(os.path.join(folder, "model.safetensors.index.json"), index)

    sharded("shard-missing", skip="model-00002-of-00002.safetensors")
    sharded("shard-index-json", index='{"weight_map": {')
    sharded("shard-no-weight-map", index='{"metadata": {}}')

    def misplace(weight_map):
        weight_map["model.norm.weight"] = "model-00001-of-00002.safetensors"
        weight_map["model.embed_tokens.weight"] = (
            "model-00002-of-00002.safetensors")
        return weight_map
    sharded("shard-wrong-shard", index=misplace)

    def escape(weight_map):
        weight_map["lm_head.weight"] = "../model-good/model.safetensors"
        return weight_map
    sharded("shard-escape", index=escape)


def make_platforms(root, platforms_dir):
    """Edits of platforms/u55c.json, one fault each, and a tiny card."""
    with open(os.path.join(platforms_dir, "u55c.json")) as f:
        base = json.load(f)

    def platform(name, edit):
        data = json.loads(json.dumps(base))
        edit(data)
        write(os.path.join(root, name), json.dumps(data, indent=1))

    write(os.path.join(root, "platform-bad-json.json"),
          '{"formatVersion": 1, "name": "u55c",\n  "card": }\n')
    platform("platform-missing-field.json", lambda p: p.pop("kernelClock"))
    platform("platform-unknown-field.json",
             lambda p: p["slrs"][0].update(dsps=p["slrs"][0]["dsp"]))
    platform("platform-negative.json",
             lambda p: p["slrs"][1].update(bram18k=-5))
    platform("platform-reserve.json",
             lambda p: p["slrs"][2]["shellReserve"].update(uram=1000))
    platform("platform-version.json", lambda p: p.update(formatVersion=2))
    platform("platform-totals.json",
             lambda p: p["deviceTotals"].update(dsp=9000))
    platform("platform-clock.json", lambda p: p["kernelClock"].update(mhz=0))

    # A card with almost no on-chip memory: 40 BRAM18 and 2 URAM in total,
    # of which the shell leaves 10 and 0 per die.
    def tiny(p):
        p["name"] = "tiny"
        for slr in p["slrs"]:
            slr.update(bram18k=16, uram=0)
            slr["shellReserve"].update(bram18k=6, uram=0)
        p["deviceTotals"].update(bram18k=48, uram=0)
    platform("platform-tiny.json", tiny)


def make_outputs(root):
    """Places an output folder cannot be, and a full disk: --dump-ir's first
    file is a link to /dev/full."""
    write(os.path.join(root, "a-file"), "not a folder\n")
    os.makedirs(os.path.join(root, "dump-full"))
    os.symlink("/dev/full", os.path.join(root, "dump-full", "00-import.mlir"))
    write(os.path.join(root, "theirs", "notes.txt"), "someone's notes\n")
    readonly = os.path.join(root, "readonly")
    os.makedirs(readonly, exist_ok=True)
    os.chmod(readonly, 0o555)


def make_all(root, platforms_dir):
    if os.path.isdir(os.path.join(root, "readonly")):
        os.chmod(os.path.join(root, "readonly"), 0o755)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    make_models(root)
    make_platforms(root, platforms_dir)
    make_outputs(root)
