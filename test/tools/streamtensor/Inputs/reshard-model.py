"""Rewrites a HuggingFace model folder's model.safetensors (F32) as two
shards with model.safetensors.index.json, optionally converting the tensors
to F16 or BF16. Usage: reshard-model.py <src-dir> <dst-dir> [F32|F16|BF16]"""
import json
import os
import shutil
import struct
import sys

import numpy

source, destination = sys.argv[1], sys.argv[2]
dtype = sys.argv[3] if len(sys.argv) > 3 else "F32"

with open(os.path.join(source, "model.safetensors"), "rb") as f:
    data = f.read()
(length,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + length])
payload = data[8 + length:]
tensors = {}
for name, entry in header.items():
    if name == "__metadata__":
        continue
    begin, end = entry["data_offsets"]
    values = numpy.frombuffer(payload[begin:end], dtype="<f4")
    tensors[name] = (entry["shape"], values)


def encode(values):
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    # BF16: the top 16 bits of the float32, rounded to nearest even.
    bits = values.astype("<f4").view("<u4").astype(numpy.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2").tobytes()


os.makedirs(destination, exist_ok=True)
shutil.copy(os.path.join(source, "config.json"), destination)
names = list(tensors)
halves = [names[:len(names) // 2], names[len(names) // 2:]]
weight_map = {}
for index, part in enumerate(halves):
    shard = "model-%05d-of-%05d.safetensors" % (index + 1, len(halves))
    entries, blobs, offset = {}, [], 0
    for name in part:
        shape, values = tensors[name]
        blob = encode(values)
        entries[name] = {"dtype": dtype, "shape": shape,
                         "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
        weight_map[name] = shard
    text = json.dumps(entries).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(destination, shard), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
with open(os.path.join(destination, "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {}, "weight_map": weight_map}, f)
