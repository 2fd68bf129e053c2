"""Writes broken copies of a HuggingFace model folder (config.json and
model.safetensors) for the error tests of `streamtensor compile`.

Usage: break-model.py <model-dir> <out-dir>
Creates <out-dir>/<case>/ for each case below.
"""
import json
import os
import shutil
import struct
import sys

source, out = sys.argv[1], sys.argv[2]


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + length]), data[8 + length:]


def write_safetensors(path, header, payload):
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + payload)


def case(name, config=None, header=None, payload=None):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(source, "config.json")) as f:
        base = json.load(f)
    with open(os.path.join(folder, "config.json"), "w") as f:
        if isinstance(config, str):
            f.write(config)
        else:
            json.dump(config if config is not None else base, f)
    if header is None:
        shutil.copy(os.path.join(source, "model.safetensors"), folder)
    else:
        write_safetensors(os.path.join(folder, "model.safetensors"), header,
                          payload)


config = json.load(open(os.path.join(source, "config.json")))
header, payload = read_safetensors(os.path.join(source, "model.safetensors"))

missing = dict(config)
del missing["num_attention_heads"]
case("missing-field", config=missing)
case("wrong-type", config=dict(config, hidden_size="64"))
case("unknown-family", config=dict(config, model_type="mistral"))
case("malformed-json", config='{"model_type": "llama", "hidden_size": 64,')

name = "model.layers.1.mlp.up_proj.weight"
renamed = {("model.layers.1.mlp.up.weight" if k == name else k): v
           for k, v in header.items()}
case("missing-tensor", header=renamed, payload=payload)

reshaped = json.loads(json.dumps(header))
entry = reshaped["model.layers.0.self_attn.k_proj.weight"]
entry["shape"] = [entry["shape"][1], entry["shape"][0]]
case("wrong-shape", header=reshaped, payload=payload)

case("truncated", header=header, payload=payload[:len(payload) - 1000])
