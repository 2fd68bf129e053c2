"""Minimal reader/writer for the safetensors format (no `safetensors` package).

File layout:
    bytes [0, 8)        little-endian u64 N, the length of the JSON header
    bytes [8, 8+N)      JSON header: {name: {"dtype", "shape", "data_offsets": [b, e]},
                                      "__metadata__": {str: str}  (optional)}
    bytes [8+N, ...)    raw tensor data; a tensor's bytes are at 8+N+b .. 8+N+e,
                        little-endian, row-major

Every tensor is returned as a float32 CPU torch tensor, whatever its stored dtype.
"""

import json
import os
import struct

import numpy as np
import torch

# Stored dtypes we understand -> (bytes per element, numpy dtype of the raw bytes).
# BF16 has no numpy dtype: its bits are read as uint16 and widened by hand.
_DTYPES = {
    "F32": (4, np.dtype("<f4")),
    "F16": (2, np.dtype("<f2")),
    "BF16": (2, np.dtype("<u2")),
}

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"


class SafetensorsError(ValueError):
    pass


def _bf16_bits_to_f32(bits):
    """bfloat16 is the top half of a float32: put the 16 bits in the high half."""
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)


def read_header(path):
    """Return (header dict without __metadata__, metadata dict, data start offset)."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise SafetensorsError(f"{path}: file shorter than 8 bytes")
        (n,) = struct.unpack("<Q", raw)
        size = os.fstat(f.fileno()).st_size
        if n > size - 8:
            raise SafetensorsError(f"{path}: header length {n} exceeds file size {size}")
        header = json.loads(f.read(n).decode("utf-8"))
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    return header, metadata, 8 + n


def load_file(path, names=None):
    """Read the tensors of one .safetensors file as float32 torch tensors.

    names: optional iterable restricting which tensors are read.
    """
    header, _, data_start = read_header(path)
    size = os.path.getsize(path)
    wanted = header.keys() if names is None else names
    out = {}
    with open(path, "rb") as f:
        for name in wanted:
            if name not in header:
                raise SafetensorsError(f"{path}: no tensor named {name!r}")
            info = header[name]
            dtype = info["dtype"]
            if dtype not in _DTYPES:
                raise SafetensorsError(
                    f"{path}: tensor {name!r} has dtype {dtype}; only "
                    f"{', '.join(_DTYPES)} are supported")
            itemsize, npdtype = _DTYPES[dtype]
            shape = [int(s) for s in info["shape"]]
            begin, end = (int(v) for v in info["data_offsets"])
            count = int(np.prod(shape, dtype=np.int64)) if shape else 1
            if end - begin != count * itemsize or begin < 0:
                raise SafetensorsError(
                    f"{path}: tensor {name!r}: data_offsets {begin}..{end} do not "
                    f"hold shape {shape} of {dtype}")
            if data_start + end > size:
                raise SafetensorsError(f"{path}: tensor {name!r} runs past end of file")
            f.seek(data_start + begin)
            arr = np.frombuffer(f.read(end - begin), dtype=npdtype, count=count)
            if dtype == "BF16":
                arr = _bf16_bits_to_f32(arr)
            else:
                arr = arr.astype(np.float32)  # always copies -> writable array
            out[name] = torch.from_numpy(arr.reshape(shape))
    return out


def load_model_weights(model_dir):
    """Read all weights of a model folder: model.safetensors, or the shards listed
    in model.safetensors.index.json ({"weight_map": {name: shard file}})."""
    single = os.path.join(model_dir, SINGLE_FILE)
    index = os.path.join(model_dir, INDEX_FILE)
    if os.path.exists(single):
        return load_file(single)
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        by_shard = {}
        for name, shard in weight_map.items():
            by_shard.setdefault(shard, []).append(name)
        out = {}
        for shard in sorted(by_shard):
            out.update(load_file(os.path.join(model_dir, shard), by_shard[shard]))
        return out
    raise SafetensorsError(f"{model_dir}: neither {SINGLE_FILE} nor {INDEX_FILE} found")


def _tensor_bytes(t, dtype):
    t = t.detach().contiguous().cpu()
    if dtype == "F32":
        return t.to(torch.float32).numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.to(torch.float16).numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        # torch rounds to nearest-even when casting to bfloat16; keep its bits.
        return t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    raise SafetensorsError(f"writer: unsupported dtype {dtype}")


def save_file(tensors, path, dtype="F32", metadata=None):
    """Write {name: tensor} as a .safetensors file (F32 by default; F16/BF16 are
    accepted too, for tests)."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        data = _tensor_bytes(tensors[name], dtype)
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)  # pad so the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)
