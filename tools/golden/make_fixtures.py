#!/usr/bin/env python3
"""Generate PyTorch reference ("golden") fixtures for ConvKit's parity tests.

Run from the repository root:

    /usr/bin/python3 tools/golden/make_fixtures.py          # regenerate + check
    /usr/bin/python3 tools/golden/make_fixtures.py --check  # only re-validate

Every case is written as one safetensors file into tests/fixtures/golden/,
and tests/fixtures/golden/README.md is regenerated from the same case
descriptions, so the documented names and shapes always match the files.

Conventions (the ones ConvKit uses, not necessarily PyTorch's):
  * float32, NCHW; Conv2D weight (K, C/groups, KH, KW); bias (K).
  * Dense kernel (in_features, out_features): the transpose of torch's
    Linear.weight.
  * Flatten flattens (C, H, W) in that order.
  * TF/Keras 'same' padding puts the extra pixel at the bottom/right.
  * Batch norm is Keras-style (momentum 0.99, epsilon 1e-3, moving variance
    updated with the biased batch variance).
  * Adam is Keras 3's formula (epsilon 1e-7 added to sqrt(v), bias
    correction folded into the step size).
  * Gradients of layers are dL/d(.) for L = sum(y * dy) with a random dy;
    gradients of losses are d(loss)/d(.) of the scalar loss itself.

Reproducibility: every case draws from its own torch.Generator seeded with
the CRC-32 of its file name, deterministic algorithms are enforced, all
arithmetic is float64, and every input is rounded to float32 *before* it is
used, so the stored float32 inputs are exactly the inputs of the float64
reference computation. Only the outputs carry a float32 rounding.

The safetensors writer is hand-written (no package beyond torch and numpy):
8-byte little-endian header length N, N bytes of UTF-8 JSON padded with
spaces to a multiple of 8, then the tensors' raw little-endian bytes, sorted
by name and tightly packed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "tests", "fixtures", "golden")

DTYPES = {"F32": np.dtype("<f4"), "I64": np.dtype("<i8")}

# Keras defaults used throughout.
BN_MOMENTUM = 0.99
BN_EPSILON = 1e-3
KERAS_EPSILON = 1e-7
ADAM_LR = 1e-3
ADAM_B1 = 0.9
ADAM_B2 = 0.999
ADAM_EPS = 1e-7
LEAKY_ALPHA = 0.3

LAYER_LOSS = "L = sum(y * dy); every d<name> tensor is dL/d<name>"


# --------------------------------------------------------------------------
# safetensors writing and validation
# --------------------------------------------------------------------------

def encode_safetensors(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    """Serialise tensors (sorted by name, tightly packed) and string metadata."""
    header: dict[str, object] = {"__metadata__": dict(sorted(metadata.items()))}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = tensors[name]
        dtype = dtype_name(arr)
        raw = np.ascontiguousarray(arr, dtype=DTYPES[dtype]).tobytes(order="C")
        header[name] = {
            "dtype": dtype,
            "shape": [int(s) for s in arr.shape],
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def dtype_name(arr: np.ndarray) -> str:
    if arr.dtype == np.float32:
        return "F32"
    if arr.dtype == np.int64:
        return "I64"
    raise TypeError(f"unsupported dtype {arr.dtype}")


def read_safetensors(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Parse a file and validate every structural rule ConvKit's reader relies on."""
    with open(path, "rb") as f:
        data = f.read()

    def fail(msg: str) -> None:
        raise ValueError(f"{path}: {msg}")

    if len(data) < 8:
        fail("shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n % 8 != 0:
        fail(f"header length {n} is not a multiple of 8")
    if 8 + n > len(data):
        fail(f"header length {n} runs past the end of the file ({len(data)} bytes)")
    raw_header = data[8:8 + n]
    stripped = raw_header.rstrip(b" ")
    if not stripped.startswith(b"{") or not stripped.endswith(b"}"):
        fail("header is not a JSON object followed only by space padding")
    header = json.loads(stripped.decode("utf-8"))
    if not isinstance(header, dict):
        fail("header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if not isinstance(metadata, dict):
        fail("missing __metadata__ object")
    for k, v in metadata.items():
        if not isinstance(k, str) or not isinstance(v, str):
            fail(f"metadata entry {k!r} is not str -> str")
    body = data[8 + n:]
    names = list(header)
    if names != sorted(names):
        fail("tensor entries are not sorted by name")
    expected_begin = 0
    out: dict[str, np.ndarray] = {}
    for name in names:
        entry = header[name]
        if set(entry) != {"dtype", "shape", "data_offsets"}:
            fail(f"{name}: unexpected keys {sorted(entry)}")
        if entry["dtype"] not in DTYPES:
            fail(f"{name}: dtype {entry['dtype']} not in {sorted(DTYPES)}")
        shape = entry["shape"]
        if not all(isinstance(s, int) and s >= 0 for s in shape):
            fail(f"{name}: bad shape {shape}")
        b, e = entry["data_offsets"]
        if b != expected_begin:
            fail(f"{name}: data starts at {b}, expected {expected_begin} (not tightly packed)")
        dt = DTYPES[entry["dtype"]]
        if e - b != math.prod(shape) * dt.itemsize:
            fail(f"{name}: {e - b} bytes for shape {shape} of {entry['dtype']}")
        arr = np.frombuffer(body[b:e], dtype=dt).reshape(shape)
        if dt.kind == "f" and not np.all(np.isfinite(arr)):
            fail(f"{name}: contains non-finite values")
        out[name] = arr
        expected_begin = e
    if expected_begin != len(body):
        fail(f"data section is {len(body)} bytes but tensors cover {expected_begin}")
    return out, metadata


# --------------------------------------------------------------------------
# case bookkeeping
# --------------------------------------------------------------------------

class Case:
    """One fixture file: tensors with a documented meaning, plus metadata."""

    def __init__(self, filename: str, summary: str):
        self.filename = filename
        self.summary = summary
        self.gen = torch.Generator().manual_seed(zlib.crc32(filename.encode("ascii")))
        self.tensors: dict[str, np.ndarray] = {}
        self.meanings: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.notes: list[str] = []

    # random draws, rounded to float32 and returned as float64
    def normal(self, *shape: int, std: float = 1.0, mean: float = 0.0) -> torch.Tensor:
        t = torch.randn(*shape, generator=self.gen, dtype=torch.float64) * std + mean
        return to_f32_exact(t)

    def uniform(self, *shape: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
        t = torch.rand(*shape, generator=self.gen, dtype=torch.float64) * (high - low) + low
        return to_f32_exact(t)

    def distinct(self, *shape: int) -> torch.Tensor:
        """A random permutation of distinct, exactly representable values (no max-pool ties)."""
        count = math.prod(shape)
        perm = torch.randperm(count, generator=self.gen).to(torch.float64)
        return ((perm - count / 2) / 8.0).reshape(shape)

    def add(self, name: str, value, meaning: str, dtype: str = "F32") -> None:
        if name in self.tensors:
            raise KeyError(f"{self.filename}: duplicate tensor {name}")
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        value = np.asarray(value)
        if dtype == "F32":
            arr = value.astype(np.float32)
        elif dtype == "I64":
            arr = value.astype(np.int64)
        else:
            raise ValueError(dtype)
        if not np.all(np.isfinite(arr.astype(np.float64))):
            raise ValueError(f"{self.filename}: {name} is not finite")
        self.tensors[name] = arr
        self.meanings[name] = meaning

    def scalar(self, name: str, value, meaning: str) -> None:
        """Scalars (loss values) are stored with shape [1]."""
        v = value.detach().reshape(1) if isinstance(value, torch.Tensor) else np.array([value])
        self.add(name, v, meaning + " (shape [1])")

    def set_meta(self, **kv) -> None:
        for k, v in kv.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            self.meta[k] = str(v)


def to_f32_exact(t: torch.Tensor) -> torch.Tensor:
    """Round to float32 and back, so the value is exactly what the file stores."""
    return t.to(torch.float32).to(torch.float64)


def leaf(t: torch.Tensor) -> torch.Tensor:
    return t.detach().clone().requires_grad_(True)


def same_pads(n: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TF/Keras 'same': out = ceil(n/s); the odd pixel goes to the bottom/right."""
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def check_close(a: torch.Tensor, b: torch.Tensor, what: str, tol: float = 1e-10) -> None:
    err = (a - b).abs().max().item()
    scale = max(1.0, b.abs().max().item())
    if err > tol * scale:
        raise AssertionError(f"cross-check failed for {what}: max abs diff {err}")


# --------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------

def conv_case(filename: str, summary: str, *, n: int, c: int, h: int, w: int, k: int,
              kh: int, kw: int, stride=(1, 1), dilation=(1, 1), pads=(0, 0, 0, 0),
              groups: int = 1, bias: bool = True, padding: str = "explicit",
              mask: list[list[int]] | None = None) -> Case:
    """pads = (top, bottom, left, right), applied with F.pad before an unpadded conv2d."""
    case = Case(filename, summary)
    top, bottom, left, right = pads
    x = case.normal(n, c, h, w)
    fan_in = (c // groups) * kh * kw
    weight = case.normal(k, c // groups, kh, kw, std=1.0 / math.sqrt(fan_in))
    b = case.normal(k, std=0.5) if bias else None

    xl, wl = leaf(x), leaf(weight)
    bl = leaf(b) if b is not None else None
    w_eff = wl
    m = None
    if mask is not None:
        m = torch.tensor(mask, dtype=torch.float64)
        assert m.shape == (k, c)
        w_eff = wl * m[:, :, None, None]
    xp = F.pad(xl, (left, right, top, bottom))
    y = F.conv2d(xp, w_eff, bl, stride=stride, padding=0, dilation=dilation, groups=groups)

    out_h = (h + top + bottom - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    out_w = (w + left + right - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    assert tuple(y.shape) == (n, k, out_h, out_w), (y.shape, out_h, out_w)
    if padding == "same":
        assert out_h == -(-h // stride[0]) and out_w == -(-w // stride[1])

    dy = case.normal(*y.shape)
    (y * dy).sum().backward()

    case.add("x", x, "input (N, C, H, W)")
    case.add("w", weight, "kernel (K, C/groups, KH, KW)" +
             (", UNMASKED; the layer uses w * mask[:, :, None, None]" if m is not None else ""))
    if b is not None:
        case.add("b", b, "bias (K)")
    if m is not None:
        case.add("mask", m, "connection mask (K, C): 1 = input channel c feeds filter k, 0 = cut")
    case.add("dy", dy, "upstream gradient dL/dy (N, K, OH, OW)")
    case.add("y", y, "output (N, K, OH, OW)")
    case.add("dx", xl.grad, "dL/dx (N, C, H, W)")
    case.add("dw", wl.grad, "dL/dw (K, C/groups, KH, KW)" +
             (", w.r.t. the unmasked w: zero where mask is 0" if m is not None else ""))
    if bl is not None:
        case.add("db", bl.grad, "dL/db (K)")
    if m is not None:
        assert torch.all(wl.grad[m == 0] == 0)

    case.set_meta(op="conv2d", n=n, c=c, in_h=h, in_w=w, k=k, kh=kh, kw=kw,
                  stride_h=stride[0], stride_w=stride[1],
                  dilation_h=dilation[0], dilation_w=dilation[1],
                  padding=padding, pad_top=top, pad_bottom=bottom, pad_left=left, pad_right=right,
                  groups=groups, use_bias=bias, masked=m is not None,
                  out_h=out_h, out_w=out_w, loss=LAYER_LOSS)
    return case


def conv_cases() -> list[Case]:
    cases = []
    cases.append(conv_case(
        "conv2d_valid_s1.safetensors", "Conv2D, 'valid' padding, stride 1, with bias.",
        n=2, c=3, h=7, w=7, k=4, kh=3, kw=3, padding="valid"))

    pt, pb = same_pads(8, 3, 2)
    cases.append(conv_case(
        "conv2d_same_s2.safetensors",
        "Conv2D, TF/Keras 'same' padding with stride 2 on 8x8: the single padding row/column "
        "goes to the bottom/right (pad_top = pad_left = 0, pad_bottom = pad_right = 1).",
        n=2, c=3, h=8, w=8, k=5, kh=3, kw=3, stride=(2, 2), pads=(pt, pb, pt, pb), padding="same"))
    assert (pt, pb) == (0, 1)

    ht, hb = same_pads(7, 4, 2)
    wl_, wr = same_pads(9, 4, 2)
    assert (ht, hb, wl_, wr) == (1, 2, 1, 2)
    cases.append(conv_case(
        "conv2d_same_s2_odd.safetensors",
        "Conv2D, TF/Keras 'same' padding, even 4x4 kernel, stride 2 on a 7x9 input: "
        "pad_top 1, pad_bottom 2, pad_left 1, pad_right 2; output 4x5.",
        n=2, c=3, h=7, w=9, k=5, kh=4, kw=4, stride=(2, 2), pads=(ht, hb, wl_, wr), padding="same"))

    cases.append(conv_case(
        "conv2d_full.safetensors",
        "Conv2D, 'full' padding ((k-1)*d = 2 on every side), 3x3, stride 1, no bias; 6x6 -> 8x8.",
        n=2, c=3, h=6, w=6, k=4, kh=3, kw=3, pads=(2, 2, 2, 2), bias=False, padding="full"))

    cases.append(conv_case(
        "conv2d_dilated.safetensors",
        "Conv2D, dilation 2, 3x3 (effective 5x5), stride 1, symmetric padding 2, with bias; 9x9 -> 9x9.",
        n=2, c=3, h=9, w=9, k=4, kh=3, kw=3, dilation=(2, 2), pads=(2, 2, 2, 2)))

    cases.append(conv_case(
        "conv2d_groups2.safetensors",
        "Grouped Conv2D: C=4, K=6, groups 2 (input channels 0-1 feed filters 0-2, channels 2-3 "
        "feed filters 3-5), 3x3, stride 1, padding 1, with bias.",
        n=2, c=4, h=6, w=6, k=6, kh=3, kw=3, pads=(1, 1, 1, 1), groups=2))

    cases.append(conv_case(
        "conv2d_masked.safetensors",
        "Conv2D with a connection table (LeNet-5 C3 style): the effective kernel is "
        "w * mask[:, :, None, None]; 'valid', stride 1, with bias.",
        n=2, c=3, h=7, w=7, k=4, kh=3, kw=3, padding="valid",
        mask=[[1, 0, 1],
              [0, 1, 1],
              [1, 1, 0],
              [0, 1, 0]]))
    return cases


# --------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------

def pool_case(filename: str, summary: str, *, kind: str, n: int, c: int, h: int, w: int,
              ph: int, pw: int, stride=(2, 2), pads=(0, 0, 0, 0), padding: str = "valid",
              count_include_pad: bool | None = None) -> Case:
    case = Case(filename, summary)
    top, bottom, left, right = pads
    x = case.distinct(n, c, h, w) if kind == "max" else case.normal(n, c, h, w)
    xl = leaf(x)
    if kind == "max":
        xp = F.pad(xl, (left, right, top, bottom), value=-math.inf)
        y = F.max_pool2d(xp, (ph, pw), stride=stride)
    else:
        assert top == bottom and left == right, "torch avg_pool2d pads symmetrically"
        y = F.avg_pool2d(xl, (ph, pw), stride=stride, padding=(top, left),
                         count_include_pad=bool(count_include_pad))
    out_h = (h + top + bottom - ph) // stride[0] + 1
    out_w = (w + left + right - pw) // stride[1] + 1
    assert tuple(y.shape) == (n, c, out_h, out_w)
    dy = case.normal(*y.shape)
    (y * dy).sum().backward()

    if kind == "max":
        case.add("x", x, "input (N, C, H, W); all values distinct multiples of 1/8 (no ties)")
    else:
        case.add("x", x, "input (N, C, H, W)")
    case.add("dy", dy, "upstream gradient dL/dy (N, C, OH, OW)")
    case.add("y", y, "output (N, C, OH, OW)")
    case.add("dx", xl.grad, "dL/dx (N, C, H, W)")
    meta = dict(op=f"{kind}pool2d", n=n, c=c, in_h=h, in_w=w, pool_h=ph, pool_w=pw,
                stride_h=stride[0], stride_w=stride[1], padding=padding,
                pad_top=top, pad_bottom=bottom, pad_left=left, pad_right=right,
                out_h=out_h, out_w=out_w, loss=LAYER_LOSS)
    if kind == "max":
        meta["pad_value"] = "-inf"
    else:
        meta["count_include_pad"] = bool(count_include_pad)
    case.set_meta(**meta)
    return case


def pool_cases() -> list[Case]:
    cases = [
        pool_case("maxpool_2x2.safetensors", "MaxPool 2x2, stride 2, no padding; 6x6 -> 3x3.",
                  kind="max", n=2, c=3, h=6, w=6, ph=2, pw=2),
        pool_case("maxpool_3x3_s2_overlap.safetensors",
                  "MaxPool 3x3, stride 2 (overlapping windows: a pixel can receive gradient from "
                  "several windows, which must be summed); 7x7 -> 3x3.",
                  kind="max", n=2, c=3, h=7, w=7, ph=3, pw=3),
    ]
    pt, pb = same_pads(5, 2, 2)
    assert (pt, pb) == (0, 1)
    cases.append(pool_case(
        "maxpool_same_pad.safetensors",
        "MaxPool 2x2, stride 2, TF/Keras 'same' padding on 5x5: one row/column of -inf at the "
        "bottom/right; 5x5 -> 3x3.",
        kind="max", n=2, c=3, h=5, w=5, ph=2, pw=2, pads=(pt, pb, pt, pb), padding="same"))
    cases.append(pool_case(
        "avgpool_2x2.safetensors", "AveragePool 2x2, stride 2, no padding; 6x6 -> 3x3.",
        kind="avg", n=2, c=3, h=6, w=6, ph=2, pw=2, count_include_pad=True))
    cases.append(pool_case(
        "avgpool_3x3_s2_pad1_include.safetensors",
        "AveragePool 3x3, stride 2, zero padding 1 on every side, padded zeros COUNTED in the "
        "divisor (always 9); 7x7 -> 4x4.",
        kind="avg", n=2, c=3, h=7, w=7, ph=3, pw=3, pads=(1, 1, 1, 1), padding="explicit",
        count_include_pad=True))
    cases.append(pool_case(
        "avgpool_3x3_s2_pad1_exclude.safetensors",
        "AveragePool 3x3, stride 2, padding 1 on every side, padding NOT counted: the divisor "
        "is the number of real pixels in the window (Keras 'same' average pooling behaves "
        "this way); 7x7 -> 4x4.",
        kind="avg", n=2, c=3, h=7, w=7, ph=3, pw=3, pads=(1, 1, 1, 1), padding="explicit",
        count_include_pad=False))

    case = Case("global_avgpool.safetensors",
                "GlobalAveragePooling2D: mean over H and W; output is 2-D (N, C) like Keras.")
    n, c, h, w = 2, 3, 5, 7
    x = case.normal(n, c, h, w)
    xl = leaf(x)
    y = xl.mean(dim=(2, 3))
    dy = case.normal(n, c)
    (y * dy).sum().backward()
    case.add("x", x, "input (N, C, H, W)")
    case.add("dy", dy, "upstream gradient dL/dy (N, C)")
    case.add("y", y, "output (N, C) = mean over H, W")
    case.add("dx", xl.grad, "dL/dx (N, C, H, W) = dy / (H*W) broadcast")
    case.set_meta(op="global_avgpool2d", n=n, c=c, in_h=h, in_w=w, loss=LAYER_LOSS)
    cases.append(case)
    return cases


# --------------------------------------------------------------------------
# dense
# --------------------------------------------------------------------------

def dense_cases() -> list[Case]:
    case = Case("dense.safetensors",
                "Dense: y = x @ w + b with the Keras kernel layout w (in, out).")
    n, fin, fout = 4, 7, 5
    x = case.normal(n, fin)
    w = case.normal(fin, fout, std=1.0 / math.sqrt(fin))
    b = case.normal(fout, std=0.5)
    xl, wl, bl = leaf(x), leaf(w), leaf(b)
    y = F.linear(xl, wl.t(), bl)  # torch's Linear.weight is the transpose of the kernel
    check_close(y, xl @ wl + bl, "dense")
    dy = case.normal(n, fout)
    (y * dy).sum().backward()
    case.add("x", x, "input (N, in)")
    case.add("w", w, "kernel (in, out) = transpose of torch Linear.weight")
    case.add("b", b, "bias (out)")
    case.add("dy", dy, "upstream gradient dL/dy (N, out)")
    case.add("y", y, "output (N, out)")
    case.add("dx", xl.grad, "dL/dx (N, in)")
    case.add("dw", wl.grad, "dL/dw (in, out)")
    case.add("db", bl.grad, "dL/db (out)")
    case.set_meta(op="dense", n=n, in_features=fin, out_features=fout, use_bias=True,
                  kernel_layout="(in, out)", loss=LAYER_LOSS)
    return [case]


# --------------------------------------------------------------------------
# batch normalisation
# --------------------------------------------------------------------------

def bn_by_hand(x, gamma, beta, mean, var, axes):
    shape = [1] * x.dim()
    shape[1] = -1
    return gamma.reshape(shape) * (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + BN_EPSILON) \
        + beta.reshape(shape)


def bn_train_case(filename: str, summary: str, shape: tuple[int, ...]) -> Case:
    case = Case(filename, summary)
    channels = shape[1]
    axes = [0] + list(range(2, len(shape)))
    x = case.normal(*shape, std=1.5, mean=0.7)
    gamma = case.uniform(channels, low=0.5, high=1.5)
    beta = case.normal(channels, std=0.5)
    mm0 = torch.zeros(channels, dtype=torch.float64)
    mv0 = torch.ones(channels, dtype=torch.float64)

    xl, gl, bl = leaf(x), leaf(gamma), leaf(beta)
    mean = xl.mean(dim=axes)
    var = ((xl - mean.reshape([1, -1] + [1] * (len(shape) - 2))) ** 2).mean(dim=axes)  # biased
    y = bn_by_hand(xl, gl, bl, mean, var, axes)
    # cross-check against torch's own training-mode batch norm (it also normalises with
    # the biased variance; only its running-variance update differs, which we ignore here)
    check_close(y, F.batch_norm(x, None, None, gamma, beta, training=True, eps=BN_EPSILON),
                "batch norm forward")
    dy = case.normal(*y.shape)
    (y * dy).sum().backward()

    batch_mean = mean.detach()
    batch_var = var.detach()
    mm1 = BN_MOMENTUM * mm0 + (1 - BN_MOMENTUM) * batch_mean
    mv1 = BN_MOMENTUM * mv0 + (1 - BN_MOMENTUM) * batch_var

    desc = "(N, C, H, W)" if len(shape) == 4 else "(N, F)"
    case.add("x", x, f"input {desc}")
    case.add("gamma", gamma, "scale (C)")
    case.add("beta", beta, "offset (C)")
    case.add("moving_mean", mm0, "moving mean BEFORE the step (C), all 0")
    case.add("moving_variance", mv0, "moving variance BEFORE the step (C), all 1")
    case.add("dy", dy, f"upstream gradient dL/dy {desc}")
    case.add("y", y, f"training-mode output {desc}, normalised with the batch statistics")
    case.add("dx", xl.grad, f"dL/dx {desc} (through the batch mean and variance)")
    case.add("dgamma", gl.grad, "dL/dgamma (C)")
    case.add("dbeta", bl.grad, "dL/dbeta (C)")
    case.add("batch_mean", batch_mean, "per-channel batch mean (C)")
    case.add("batch_variance", batch_var, "per-channel BIASED batch variance (C), divisor = count")
    case.add("moving_mean_after", mm1, "moving mean after one update: 0.99*moving_mean + 0.01*batch_mean")
    case.add("moving_variance_after", mv1,
             "moving variance after one update: 0.99*moving_variance + 0.01*batch_variance (biased)")
    case.set_meta(op="batch_norm", mode="training", shape=",".join(map(str, shape)), axis="1",
                  reduce_axes=",".join(map(str, axes)), momentum=BN_MOMENTUM, epsilon=BN_EPSILON,
                  variance_for_update="biased", loss=LAYER_LOSS)
    return case


def bn_cases() -> list[Case]:
    cases = [
        bn_train_case("batchnorm_train.safetensors",
                      "BatchNormalization (Keras) in training mode on a conv-shaped input; "
                      "statistics per channel over N, H, W.", (3, 4, 5, 5)),
        bn_train_case("batchnorm_dense_train.safetensors",
                      "BatchNormalization (Keras) in training mode on a dense-shaped input; "
                      "statistics per feature over N.", (6, 5)),
    ]
    case = Case("batchnorm_eval.safetensors",
                "BatchNormalization (Keras) in inference mode: normalised with the given moving "
                "statistics, which are constants (no gradient flows into them).")
    shape = (3, 4, 5, 5)
    x = case.normal(*shape, std=1.5, mean=0.3)
    gamma = case.uniform(4, low=0.5, high=1.5)
    beta = case.normal(4, std=0.5)
    mm = case.normal(4, std=0.5)
    mv = case.uniform(4, low=0.3, high=2.0)
    xl, gl, bl = leaf(x), leaf(gamma), leaf(beta)
    y = bn_by_hand(xl, gl, bl, mm, mv, [0, 2, 3])
    check_close(y, F.batch_norm(x, mm, mv, gamma, beta, training=False, eps=BN_EPSILON),
                "batch norm eval")
    dy = case.normal(*shape)
    (y * dy).sum().backward()
    case.add("x", x, "input (N, C, H, W)")
    case.add("gamma", gamma, "scale (C)")
    case.add("beta", beta, "offset (C)")
    case.add("moving_mean", mm, "moving mean used for inference (C)")
    case.add("moving_variance", mv, "moving variance used for inference (C)")
    case.add("dy", dy, "upstream gradient dL/dy (N, C, H, W)")
    case.add("y", y, "output gamma*(x-moving_mean)/sqrt(moving_variance+0.001)+beta (N, C, H, W)")
    case.add("dx", xl.grad, "dL/dx (N, C, H, W) = dy*gamma/sqrt(moving_variance+0.001)")
    case.add("dgamma", gl.grad, "dL/dgamma (C)")
    case.add("dbeta", bl.grad, "dL/dbeta (C)")
    case.set_meta(op="batch_norm", mode="inference", shape=",".join(map(str, shape)), axis="1",
                  reduce_axes="0,2,3", momentum=BN_MOMENTUM, epsilon=BN_EPSILON, loss=LAYER_LOSS)
    cases.append(case)
    return cases


# --------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------

def activation_cases() -> list[Case]:
    case = Case("activations.safetensors",
                "Element-wise activations and softmax on one (4, 6) input; softmax is over the "
                "last axis (each row sums to 1).")
    shape = (4, 6)
    magnitude = case.uniform(*shape, low=0.05, high=3.0)
    sign = torch.where(case.uniform(*shape) < 0.5, -1.0, 1.0).to(torch.float64)
    x = magnitude * sign  # |x| >= 0.05: far from the ReLU kink
    dy = case.normal(*shape)
    case.add("x", x, "input (4, 6); abs(x) >= 0.05")
    case.add("dy", dy, "upstream gradient dL/dy (4, 6), shared by every activation")
    funcs = {
        "relu": (lambda t: F.relu(t), "max(x, 0)"),
        "leaky_relu": (lambda t: F.leaky_relu(t, LEAKY_ALPHA), "x if x > 0 else 0.3*x"),
        "sigmoid": (torch.sigmoid, "1/(1+exp(-x))"),
        "tanh": (torch.tanh, "tanh(x)"),
        "softmax": (lambda t: F.softmax(t, dim=-1), "exp(x_i)/sum_j exp(x_j) over the last axis"),
        "lecun_tanh": (lambda t: 1.7159 * torch.tanh(2.0 * t / 3.0), "1.7159*tanh(2x/3)"),
    }
    for name, (fn, formula) in funcs.items():
        xl = leaf(x)
        y = fn(xl)
        (y * dy).sum().backward()
        case.add(f"{name}.y", y, f"{formula} (4, 6)")
        case.add(f"{name}.dx", xl.grad, f"dL/dx for {name} (4, 6)")
    case.set_meta(op="activations", functions=",".join(funcs), leaky_relu_alpha=LEAKY_ALPHA,
                  softmax_axis="-1", lecun_tanh="1.7159*tanh(2x/3)", loss=LAYER_LOSS)
    return [case]


# --------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------

def keras_cce(target, probs, normalise: bool):
    """Keras 3 categorical cross-entropy from probabilities, mean over the batch."""
    p = probs / probs.sum(dim=-1, keepdim=True) if normalise else probs
    p = p.clamp(KERAS_EPSILON, 1.0 - KERAS_EPSILON)
    return -(target * torch.log(p)).sum(dim=-1).mean()


def loss_cases() -> list[Case]:
    case = Case("losses.safetensors",
                "Loss values and gradients, each loss averaged over the batch (Keras "
                "'sum_over_batch_size'). Loss values are stored with shape [1]. Gradients are "
                "d(loss)/d(input) of the averaged loss itself (no dy).")
    n, classes = 8, 10
    logits = case.normal(n, classes, std=2.0)
    labels = torch.randint(0, classes, (n,), generator=case.gen)
    onehot = F.one_hot(labels, classes).to(torch.float64)
    case.add("logits", logits, "logits (8, 10)")
    case.add("labels", labels, "integer class labels (8), in [0, 10)", dtype="I64")
    case.add("onehot", onehot, "one-hot targets (8, 10) for labels")

    # sparse softmax cross-entropy from logits
    ll = leaf(logits)
    loss = F.cross_entropy(ll, labels, reduction="mean")
    check_close(loss, -(F.log_softmax(ll, -1) * onehot).sum(-1).mean(), "sparse ce")
    loss.backward()
    case.scalar("sparse_ce.loss", loss, "mean over the batch of -log softmax(logits)[label]")
    case.add("sparse_ce.dlogits", ll.grad, "d loss / d logits (8, 10) = (softmax - onehot)/8")

    # categorical cross-entropy from probabilities
    probs = to_f32_exact(F.softmax(logits, dim=-1))
    case.add("probs", probs, "softmax(logits) rounded to float32 (8, 10); input of cce")
    for suffix, normalise, how in (
            ("", True, "Keras 3 exactly: p/sum(p) per row, then clip to [1e-7, 1-1e-7]"),
            ("_unnormalized", False, "clip to [1e-7, 1-1e-7] only, no renormalisation")):
        pl = leaf(probs)
        loss = keras_cce(onehot, pl, normalise)
        loss.backward()
        case.scalar(f"cce{suffix}.loss", loss, f"mean_i -sum_j onehot*log(p); {how}")
        case.add(f"cce{suffix}.dprobs", pl.grad, f"d loss / d probs (8, 10); {how}")

    # the same with clipping active: some probabilities below 1e-7 or above 1-1e-7
    clip_logits = logits.clone()
    clip_logits[0, labels[0]] -= 30.0   # target probability ~1e-14: clipped up to 1e-7
    clip_logits[1, labels[1]] += 40.0   # target probability rounds to 1.0: clipped down
    probs_c = to_f32_exact(F.softmax(clip_logits, dim=-1))
    assert probs_c[0, labels[0]] < KERAS_EPSILON and probs_c[1, labels[1]] > 1 - KERAS_EPSILON
    case.add("cce_clipped.probs", probs_c,
             "probabilities (8, 10) where row 0's target probability is < 1e-7 and row 1's is "
             "> 1-1e-7 (stored as 1.0), so clipping changes the loss and zeroes those gradients")
    for suffix, normalise, how in (
            ("", True, "Keras 3 exactly (renormalise, then clip)"),
            ("_unnormalized", False, "clip only")):
        pl = leaf(probs_c)
        loss = keras_cce(onehot, pl, normalise)
        loss.backward()
        case.scalar(f"cce_clipped{suffix}.loss", loss, f"categorical cross-entropy; {how}")
        case.add(f"cce_clipped{suffix}.dprobs", pl.grad, f"d loss / d cce_clipped.probs (8, 10); {how}")

    # binary cross-entropy from logits and from probabilities
    bx = case.normal(n, 3, std=2.0)
    bt = (case.uniform(n, 3) < 0.5).to(torch.float64)
    bx[0, 0], bt[0, 0] = 40.0, 1.0    # saturated and right: loss ~0
    bx[1, 1], bt[1, 1] = -40.0, 1.0   # saturated and wrong: loss 40 from logits, clipped from probs
    case.add("bce.logits", bx, "logits (8, 3); element [0,0] = +40 (target 1), [1,1] = -40 (target 1)")
    case.add("bce.targets", bt, "binary targets (8, 3) in {0, 1}")
    bl = leaf(bx)
    loss = F.binary_cross_entropy_with_logits(bl, bt, reduction="mean")
    check_close(loss, (bx.clamp(min=0) - bx * bt + torch.log1p(torch.exp(-bx.abs()))).mean(), "bce logits")
    loss.backward()
    case.scalar("bce_logits.loss", loss,
                "mean over all 24 elements of max(x,0) - x*t + log(1+exp(-abs(x)))")
    case.add("bce_logits.dlogits", bl.grad, "d loss / d logits (8, 3) = (sigmoid(x) - t)/24")

    bp = to_f32_exact(torch.sigmoid(bx))
    case.add("bce.probs", bp, "sigmoid(bce.logits) rounded to float32 (8, 3); [0,0] is 1.0, "
             "[1,1] is ~4e-18, both outside the clip range")
    pl = leaf(bp)
    pc = pl.clamp(KERAS_EPSILON, 1.0 - KERAS_EPSILON)
    loss = -(bt * torch.log(pc) + (1 - bt) * torch.log(1 - pc)).mean()
    loss.backward()
    case.scalar("bce_probs.loss", loss,
                "mean over all 24 elements of -(t*log(p) + (1-t)*log(1-p)), p clipped to [1e-7, 1-1e-7]")
    case.add("bce_probs.dprobs", pl.grad, "d loss / d probs (8, 3); 0 where p was clipped")

    # mean squared error
    mp = case.normal(n, 3)
    mt = case.normal(n, 3)
    pl = leaf(mp)
    loss = F.mse_loss(pl, mt, reduction="mean")
    loss.backward()
    case.add("mse.pred", mp, "predictions (8, 3)")
    case.add("mse.target", mt, "targets (8, 3)")
    case.scalar("mse.loss", loss, "mean over all 24 elements of (pred - target)^2")
    case.add("mse.dpred", pl.grad, "d loss / d pred (8, 3) = 2*(pred - target)/24")

    case.set_meta(op="losses", reduction="mean over the batch (sum_over_batch_size)",
                  scalar_shape="[1]", clip_epsilon=KERAS_EPSILON,
                  cce_keras_renormalises="true",
                  bce_mean="mean over the last axis, then over the batch = mean over all elements",
                  mse_mean="mean over the last axis, then over the batch = mean over all elements")
    return [case]


# --------------------------------------------------------------------------
# local response normalisation
# --------------------------------------------------------------------------

def lrn_case(filename: str, summary: str, alpha: float, x_std: float) -> Case:
    case = Case(filename, summary)
    size, beta, k = 5, 0.75, 2.0
    shape = (2, 7, 4, 4)
    x = case.normal(*shape, std=x_std)
    xl = leaf(x)
    y = torch.nn.LocalResponseNorm(size=size, alpha=alpha, beta=beta, k=k)(xl)
    # cross-check torch's definition: b_c = a_c / (k + alpha/size * sum_{window} a^2)^beta,
    # window c - size//2 .. c + (size-1)//2, clipped to the valid channels
    sq = x ** 2
    acc = torch.zeros_like(x)
    for ch in range(shape[1]):
        lo, hi = max(0, ch - size // 2), min(shape[1] - 1, ch + (size - 1) // 2)
        acc[:, ch] = sq[:, lo:hi + 1].sum(dim=1)
    scale = k + alpha / size * acc
    check_close(y, x / scale ** beta, "lrn")
    dy = case.normal(*shape)
    (y * dy).sum().backward()
    case.add("x", x, f"input (N, C, H, W), drawn with std {x_std}")
    case.add("dy", dy, "upstream gradient dL/dy (N, C, H, W)")
    case.add("y", y, "output x / (k + alpha/size * sum_{c' in window} x_{c'}^2)^beta (N, C, H, W)")
    case.add("dx", xl.grad, "dL/dx (N, C, H, W)")
    case.add("scale", scale, "the denominator base k + alpha/size * window sum of squares (N, C, H, W), "
             "before raising to beta (diagnostic)")
    case.set_meta(op="local_response_norm", size=size, alpha=alpha, beta=beta, k=k,
                  alpha_divided_by_size="true", window=f"c-{size // 2}..c+{(size - 1) // 2}",
                  min_scale=f"{scale.min().item():.6g}", max_scale=f"{scale.max().item():.6g}",
                  loss=LAYER_LOSS)
    return case


def lrn_cases() -> list[Case]:
    return [
        lrn_case("lrn.safetensors",
                 "torch.nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2) across channels "
                 "(AlexNet values). The input is scaled up so the sum term is not negligible.",
                 alpha=1e-4, x_std=30.0),
        lrn_case("lrn_strong.safetensors",
                 "LocalResponseNorm(size=5, alpha=0.5, beta=0.75, k=2): the sum term is of the "
                 "same order as k, so the gradient's cross-channel part matters.",
                 alpha=0.5, x_std=1.5),
    ]

# --------------------------------------------------------------------------
# classic layers: LeNet-5's subsampling and RBF output, padding and cropping
# --------------------------------------------------------------------------

def lecun_tanh(a: torch.Tensor) -> torch.Tensor:
    return 1.7159 * torch.tanh(2.0 * a / 3.0)


def subsampling_case() -> Case:
    case = Case("subsampling2d.safetensors",
                "LeNet-5 subsampling (Subsampling2D, pool 2, stride 2, lecun_tanh): "
                "y = 1.7159 tanh(2/3 (coefficient[c] * window sum + bias[c])), the window sum taken as "
                "avg_pool2d * pool area; 'valid', 7x6 input so the last row is dropped.")
    n, c, h, w, pool = 2, 3, 7, 6, 2
    x = case.normal(n, c, h, w)
    coef = case.uniform(c, low=-0.6, high=0.6)
    bias = case.normal(c, std=0.5)
    xl, cl, bl = leaf(x), leaf(coef), leaf(bias)
    pooled = F.avg_pool2d(xl, pool, stride=pool) * (pool * pool)
    y = lecun_tanh(pooled * cl[None, :, None, None] + bl[None, :, None, None])
    oh, ow = (h - pool) // pool + 1, (w - pool) // pool + 1
    assert tuple(y.shape) == (n, c, oh, ow)
    sums = torch.zeros(n, c, oh, ow, dtype=torch.float64)
    for i in range(pool):
        for j in range(pool):
            sums += x[:, :, i:i + pool * oh:pool, j:j + pool * ow:pool]
    check_close(y, lecun_tanh(sums * coef[None, :, None, None] + bias[None, :, None, None]), "subsampling")
    dy = case.normal(*y.shape)
    (y * dy).sum().backward()
    case.add("x", x, "input (N, C, H, W)")
    case.add("coefficient", coef, "trainable coefficient per map (C)")
    case.add("bias", bias, "trainable bias per map (C)")
    case.add("dy", dy, "upstream gradient dL/dy (N, C, OH, OW)")
    case.add("y", y, "output f(coefficient * window sum + bias) (N, C, OH, OW), f(a) = 1.7159 tanh(2a/3)")
    case.add("dx", xl.grad, "dL/dx (N, C, H, W)")
    case.add("dcoefficient", cl.grad, "dL/dcoefficient (C)")
    case.add("dbias", bl.grad, "dL/dbias (C)")
    case.set_meta(op="subsampling2d", pool=pool, stride=pool, activation="lecun_tanh", n=n, c=c, in_h=h, in_w=w,
                  out_h=oh, out_w=ow, loss=LAYER_LOSS)
    return case


def rbf_case() -> Case:
    case = Case("euclidean_rbf.safetensors",
                "LeNet-5 Euclidean RBF output (EuclideanRbf, negate): y[n,k] = -sum_j (x[n,j] - w[k,j])^2 "
                "with +-1 prototypes w; gradients for the input and (trainable) prototypes.")
    n, d, units = 3, 12, 5
    x = case.normal(n, d)
    signs = torch.randint(0, 2, (units, d), generator=case.gen).to(torch.float64) * 2 - 1
    xl, wl = leaf(x), leaf(signs)
    y = -((xl[:, None, :] - wl[None, :, :]) ** 2).sum(-1)
    check_close(y, -torch.cdist(x, signs) ** 2, "rbf", tol=1e-9)
    dy = case.normal(*y.shape)
    (y * dy).sum().backward()
    case.add("x", x, "input (N, D)")
    case.add("prototypes", signs, "prototypes (units, D), each entry -1 or +1")
    case.add("dy", dy, "upstream gradient dL/dy (N, units)")
    case.add("y", y, "output -sum_j (x[n,j] - w[k,j])^2 (N, units)")
    case.add("dx", xl.grad, "dL/dx (N, D)")
    case.add("dprototypes", wl.grad, "dL/dprototypes (units, D)")
    case.set_meta(op="euclidean_rbf", n=n, d=d, units=units, negate=True, loss=LAYER_LOSS)
    return case


def pad_crop_case(filename: str, summary: str, *, op: str, top: int, bottom: int, left: int, right: int) -> Case:
    case = Case(filename, summary)
    n, c, h, w = 2, 3, 5, 6
    x = case.normal(n, c, h, w)
    xl = leaf(x)
    if op == "zero_padding2d":
        y = F.pad(xl, (left, right, top, bottom))
        assert tuple(y.shape) == (n, c, h + top + bottom, w + left + right)
    else:
        y = xl[:, :, top:h - bottom, left:w - right]
        assert tuple(y.shape) == (n, c, h - top - bottom, w - left - right)
    dy = case.normal(*y.shape)
    (y * dy).sum().backward()
    case.add("x", x, "input (N, C, H, W)")
    case.add("dy", dy, "upstream gradient dL/dy (N, C, OH, OW)")
    case.add("y", y, "output (N, C, OH, OW)" + (", F.pad with zeros" if op == "zero_padding2d" else ", x[:, :, top:H-bottom, left:W-right]"))
    case.add("dx", xl.grad, "dL/dx (N, C, H, W)")
    case.set_meta(op=op, top=top, bottom=bottom, left=left, right=right, n=n, c=c, in_h=h, in_w=w,
                  out_h=y.shape[2], out_w=y.shape[3], loss=LAYER_LOSS)
    return case


def classic_cases() -> list[Case]:
    return [
        subsampling_case(),
        rbf_case(),
        pad_crop_case("zero_padding2d.safetensors",
                      "ZeroPadding2D with uneven padding: 1 row top, 2 bottom, 0 columns left, 3 right (F.pad).",
                      op="zero_padding2d", top=1, bottom=2, left=0, right=3),
        pad_crop_case("cropping2d.safetensors",
                      "Cropping2D with uneven cropping: 1 row top, 0 bottom, 2 columns left, 1 right (slicing).",
                      op="cropping2d", top=1, bottom=0, left=2, right=1),
    ]


# --------------------------------------------------------------------------
# whole models
# --------------------------------------------------------------------------

def glorot_uniform(case: Case, shape: tuple[int, ...], fan_in: int, fan_out: int) -> torch.Tensor:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return case.uniform(*shape, low=-limit, high=limit)


def conv_kernel(case: Case, k: int, c: int, kh: int, kw: int) -> torch.Tensor:
    # Keras fans for a conv kernel: receptive field size times channels in / out
    return glorot_uniform(case, (k, c, kh, kw), fan_in=c * kh * kw, fan_out=k * kh * kw)


def dense_kernel(case: Case, fin: int, fout: int) -> torch.Tensor:
    return glorot_uniform(case, (fin, fout), fan_in=fin, fan_out=fout)


SEED_PARAMS = ["conv2d.kernel", "conv2d.bias", "conv2d_1.kernel", "conv2d_1.bias",
               "dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]


def seed_mnist_forward(p: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    h = F.relu(F.conv2d(x, p["conv2d.kernel"], p["conv2d.bias"], padding=1))        # (N,16,28,28)
    h = F.max_pool2d(h, 2)                                                         # (N,16,14,14)
    h = F.relu(F.conv2d(h, p["conv2d_1.kernel"], p["conv2d_1.bias"], padding=1))    # (N,32,14,14)
    h = F.max_pool2d(h, 2)                                                         # (N,32,7,7)
    h = h.reshape(h.shape[0], -1)                                                  # (N,1568) C,H,W order
    h = F.relu(h @ p["dense.kernel"] + p["dense.bias"])                            # (N,128)
    return h @ p["dense_1.kernel"] + p["dense_1.bias"]                             # (N,10) logits


def keras_adam_step(params, grads, m, v, t: int) -> None:
    """Keras 3 Adam, in place, float64."""
    alpha = ADAM_LR * math.sqrt(1 - ADAM_B2 ** t) / (1 - ADAM_B1 ** t)
    for name in params:
        g = grads[name]
        m[name].mul_(ADAM_B1).add_((1 - ADAM_B1) * g)
        v[name].mul_(ADAM_B2).add_((1 - ADAM_B2) * g * g)
        params[name].sub_(alpha * m[name] / (torch.sqrt(v[name]) + ADAM_EPS))


def seed_mnist_case() -> Case:
    case = Case("seed_mnist_step.safetensors",
                "The seed-mnist model trained for three Keras-Adam steps on three random batches "
                "of 64: Conv2D(16, 3x3, same, relu) -> MaxPool 2x2 -> Conv2D(32, 3x3, same, relu) "
                "-> MaxPool 2x2 -> Flatten (C,H,W order, 1568) -> Dense(128, relu) -> Dense(10); "
                "loss = mean sparse softmax cross-entropy on the logits. 'same' with a 3x3 "
                "kernel and stride 1 is padding 1 on every side.")
    init = {
        "conv2d.kernel": conv_kernel(case, 16, 1, 3, 3),
        "conv2d.bias": case.uniform(16, low=-0.05, high=0.05),
        "conv2d_1.kernel": conv_kernel(case, 32, 16, 3, 3),
        "conv2d_1.bias": case.uniform(32, low=-0.05, high=0.05),
        "dense.kernel": dense_kernel(case, 1568, 128),
        "dense.bias": case.uniform(128, low=-0.05, high=0.05),
        "dense_1.kernel": dense_kernel(case, 128, 10),
        "dense_1.bias": case.uniform(10, low=-0.05, high=0.05),
    }
    assert list(init) == SEED_PARAMS
    total = sum(t.numel() for t in init.values())
    assert total == 206922, total
    xs = [case.uniform(64, 1, 28, 28) for _ in range(3)]
    ys = [torch.randint(0, 10, (64,), generator=case.gen) for _ in range(3)]

    params = {k: t.clone() for k, t in init.items()}
    m = {k: torch.zeros_like(t) for k, t in init.items()}
    v = {k: torch.zeros_like(t) for k, t in init.items()}
    losses = []
    for step in range(3):
        leaves = {k: leaf(t) for k, t in params.items()}
        logits = seed_mnist_forward(leaves, xs[step])
        loss = F.cross_entropy(logits, ys[step], reduction="mean")
        loss.backward()
        grads = {k: t.grad for k, t in leaves.items()}
        losses.append(loss.detach())
        if step == 0:
            case.add("logits0", logits, "logits (64, 10) of the initial model on x0")
            for k in SEED_PARAMS:
                case.add(f"grad.{k}", grads[k], f"d loss0 / d {k} at the initial parameters")
        with torch.no_grad():
            keras_adam_step(params, grads, m, v, step + 1)
        if step == 0:
            for k in SEED_PARAMS:
                case.add(f"step1.{k}", params[k], f"{k} after one Adam step")
    for k in SEED_PARAMS:
        case.add(f"step3.{k}", params[k], f"{k} after three Adam steps")

    shapes = {"conv2d.kernel": "(16, 1, 3, 3)", "conv2d.bias": "(16)",
              "conv2d_1.kernel": "(32, 16, 3, 3)", "conv2d_1.bias": "(32)",
              "dense.kernel": "(1568, 128), (in, out)", "dense.bias": "(128)",
              "dense_1.kernel": "(128, 10), (in, out)", "dense_1.bias": "(10)"}
    for k in SEED_PARAMS:
        how = "Glorot uniform" if k.endswith("kernel") else "uniform in [-0.05, 0.05]"
        case.add(f"init.{k}", init[k], f"initial {k} {shapes[k]}, {how}")
    for i in range(3):
        case.add(f"x{i}", xs[i], f"batch {i} inputs (64, 1, 28, 28), uniform in [0, 1]")
        case.add(f"y{i}", ys[i], f"batch {i} labels (64), in [0, 10)", dtype="I64")
    case.scalar("loss0", losses[0], "loss of step 1: initial parameters on batch 0")
    case.scalar("loss1", losses[1], "loss of step 2: step1 parameters on batch 1, before its update")
    case.scalar("loss2", losses[2], "loss of step 3: step-2 parameters on batch 2, before its update")
    case.set_meta(model="seed-mnist", parameters=total, batch_size=64, steps=3,
                  loss="mean sparse softmax cross-entropy from logits",
                  optimizer="adam (Keras 3)", learning_rate=ADAM_LR, beta_1=ADAM_B1,
                  beta_2=ADAM_B2, epsilon=ADAM_EPS,
                  adam_update="m=b1*m+(1-b1)*g; v=b2*v+(1-b2)*g^2; "
                              "alpha=lr*sqrt(1-b2^t)/(1-b1^t); p-=alpha*m/(sqrt(v)+eps)",
                  conv_padding="same (pad 1 on every side)", flatten_order="C,H,W",
                  dense_kernel_layout="(in, out)")
    return case


def keras_mnist_cnn_case(batch: int) -> Case:
    case = Case("keras_mnist_cnn_forward.safetensors",
                "keras-mnist-cnn in inference mode (dropout is the identity): Conv2D(32, 3x3, "
                "valid, relu) -> Conv2D(64, 3x3, valid, relu) -> MaxPool 2x2 -> Dropout -> "
                "Flatten (C,H,W order, 9216) -> Dense(128, relu) -> Dropout -> Dense(10).")
    p = {
        "conv2d.kernel": conv_kernel(case, 32, 1, 3, 3),
        "conv2d.bias": case.uniform(32, low=-0.05, high=0.05),
        "conv2d_1.kernel": conv_kernel(case, 64, 32, 3, 3),
        "conv2d_1.bias": case.uniform(64, low=-0.05, high=0.05),
        "dense.kernel": dense_kernel(case, 9216, 128),
        "dense.bias": case.uniform(128, low=-0.05, high=0.05),
        "dense_1.kernel": dense_kernel(case, 128, 10),
        "dense_1.bias": case.uniform(10, low=-0.05, high=0.05),
    }
    x = case.uniform(batch, 1, 28, 28)
    h = F.relu(F.conv2d(x, p["conv2d.kernel"], p["conv2d.bias"]))        # (N,32,26,26)
    h = F.relu(F.conv2d(h, p["conv2d_1.kernel"], p["conv2d_1.bias"]))    # (N,64,24,24)
    h = F.max_pool2d(h, 2)                                               # (N,64,12,12)
    h = h.reshape(batch, -1)                                             # (N,9216)
    assert h.shape[1] == 9216
    h = F.relu(h @ p["dense.kernel"] + p["dense.bias"])                  # (N,128)
    logits = h @ p["dense_1.kernel"] + p["dense_1.bias"]                 # (N,10)
    shapes = {"conv2d.kernel": "(32, 1, 3, 3)", "conv2d.bias": "(32)",
              "conv2d_1.kernel": "(64, 32, 3, 3)", "conv2d_1.bias": "(64)",
              "dense.kernel": "(9216, 128), (in, out)", "dense.bias": "(128)",
              "dense_1.kernel": "(128, 10), (in, out)", "dense_1.bias": "(10)"}
    for k, t in p.items():
        how = "Glorot uniform" if k.endswith("kernel") else "uniform in [-0.05, 0.05]"
        case.add(k, t, f"{shapes[k]}, {how}")
    case.add("x", x, f"inputs ({batch}, 1, 28, 28), uniform in [0, 1]")
    case.add("logits", logits, f"logits ({batch}, 10)")
    case.add("probs", F.softmax(logits, dim=-1), f"softmax(logits) ({batch}, 10)")
    case.set_meta(model="keras-mnist-cnn", mode="inference", batch_size=batch,
                  parameters=sum(t.numel() for t in p.values()), flatten_order="C,H,W",
                  dense_kernel_layout="(in, out)", conv_padding="valid")
    return case


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------

README_HEAD = """# Golden fixtures (PyTorch reference values)

Generated by `tools/golden/make_fixtures.py` (see `tools/golden/README.md`);
do not edit by hand: change the script and regenerate. This file is
regenerated with the fixtures, so the names and shapes below are the ones in
the files.

## File format

Each file is [safetensors](https://github.com/huggingface/safetensors):

1. 8 bytes: header length `N`, unsigned 64-bit little-endian; `N` is a
   multiple of 8.
2. `N` bytes: UTF-8 JSON object, padded at the end with spaces. Each tensor
   entry is `"name": {"dtype": "F32" | "I64", "shape": [...],
   "data_offsets": [begin, end]}`; offsets are byte offsets relative to the
   start of the data section (byte `8 + N` of the file). The special entry
   `"__metadata__"` maps strings to strings and holds every hyper-parameter.
3. The data: raw little-endian values in row-major (C) order, tensors sorted
   by name (ordinal string order) and tightly packed, so the first tensor
   starts at 0 and each next one starts where the previous ended.

Only two dtypes occur: `F32` (float32) and `I64` (int64, used for class
labels). Scalar values (loss values) are stored with shape `[1]`, never
0-d. Names may contain dots (`relu.y`, `init.conv2d.kernel`); the dot is part
of the name and has no structure in the file.

## Conventions

* NCHW float32. Conv2D weight `(K, C/groups, KH, KW)`, bias `(K)`.
* Dense kernel `(in, out)` (Keras layout: the transpose of torch's
  `Linear.weight`), so `y = x @ w + b`.
* Flatten keeps `(C, H, W)` order.
* TF/Keras 'same' padding: `out = ceil(n/s)`,
  `total = max((out-1)*s + (k-1)*d + 1 - n, 0)`, `pad_top = total // 2`,
  `pad_bottom = total - pad_top` (the extra pixel goes bottom/right). The
  pads actually used are in each file's metadata (`pad_top`, `pad_bottom`,
  `pad_left`, `pad_right`).
* Layer gradients: `L = sum(y * dy)` with the random `dy` stored in the file;
  `dx`, `dw`, `db`, `dgamma`, ... are `dL/d(x, w, b, gamma, ...)`, the same
  shape as the tensor they differentiate.
* Loss gradients (`losses.safetensors`, `seed_mnist_step.safetensors`) are
  the gradients of the batch-averaged scalar loss itself.
* Batch norm is Keras': momentum 0.99, epsilon 0.001, moving variance updated
  with the biased batch variance.
* Adam is Keras 3's: `m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
  alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m/(sqrt(v)+eps)`, lr 1e-3,
  b1 0.9, b2 0.999, eps 1e-7, t starting at 1.

## Precision

All inputs (x, parameters, dy, labels) were rounded to float32 before the
reference computation, so they are exact. Every output was computed in
float64 and rounded to float32 once. A float32 implementation should agree to
about `1e-5` relative for single layers; for the whole-model files, allow
more (e.g. `1e-4` relative on logits and losses, `1e-3` relative plus a
small absolute term on gradients). After an Adam step, a parameter whose
gradient is tiny can move by about `lr = 1e-3` in either direction depending
on the sign of a gradient that is mostly rounding noise, so compare `step1.*`
and `step3.*` with an absolute tolerance of a few `1e-4` (or exclude elements
whose `grad.*` magnitude is below ~`1e-6`).

## Files
"""


def fmt_shape(arr: np.ndarray) -> str:
    return "(" + ", ".join(str(s) for s in arr.shape) + ")"


def write_readme(cases: list[Case], sizes: dict[str, int]) -> None:
    lines = [README_HEAD]
    total = sum(sizes.values())
    lines.append(f"{len(cases)} files, {total:,} bytes in all.\n")
    lines.append("| file | bytes | content |")
    lines.append("| --- | ---: | --- |")
    for case in cases:
        lines.append(f"| `{case.filename}` | {sizes[case.filename]:,} | {case.summary.split('. ')[0].rstrip('.')}. |")
    lines.append("")
    for case in cases:
        lines.append(f"### `{case.filename}`\n")
        lines.append(case.summary + "\n")
        lines.append("| tensor | dtype | shape | meaning |")
        lines.append("| --- | --- | --- | --- |")
        for name in sorted(case.tensors):
            arr = case.tensors[name]
            lines.append(f"| `{name}` | {dtype_name(arr)} | {fmt_shape(arr)} | {case.meanings[name]} |")
        lines.append("")
        lines.append("Metadata (`__metadata__`):\n")
        for k in sorted(case.meta):
            lines.append(f"* `{k}`: `{case.meta[k]}`")
        lines.append("")
    with open(os.path.join(OUT_DIR, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines).rstrip("\n") + "\n")


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def build_cases() -> list[Case]:
    cases: list[Case] = []
    cases += conv_cases()
    cases += pool_cases()
    cases += dense_cases()
    cases += bn_cases()
    cases += activation_cases()
    cases += loss_cases()
    cases += lrn_cases()
    cases += classic_cases()
    cases.append(seed_mnist_case())
    cases.append(keras_mnist_cnn_case(batch=2))
    names = [c.filename for c in cases]
    assert len(names) == len(set(names))
    return cases


def check_dir(expected: dict[str, Case] | None = None) -> int:
    """Re-read every fixture; compare with the in-memory tensors when given. Returns total bytes."""
    files = sorted(f for f in os.listdir(OUT_DIR) if f.endswith(".safetensors"))
    if expected is not None and set(files) != set(expected):
        raise ValueError(f"fixture set differs: on disk {files}, written {sorted(expected)}")
    total = 0
    for fname in files:
        path = os.path.join(OUT_DIR, fname)
        tensors, meta = read_safetensors(path)
        if expected is not None:
            case = expected[fname]
            if set(tensors) != set(case.tensors):
                raise ValueError(f"{fname}: tensor names differ after reading back")
            for name, arr in case.tensors.items():
                back = tensors[name]
                if back.dtype != arr.dtype or back.shape != arr.shape or back.tobytes() != arr.tobytes():
                    raise ValueError(f"{fname}: {name} differs after reading back")
            if meta != case.meta:
                raise ValueError(f"{fname}: metadata differs after reading back")
        total += os.path.getsize(path)
        print(f"  ok {fname:45s} {os.path.getsize(path):>9,d} bytes, {len(tensors)} tensors")
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only validate the existing files")
    args = ap.parse_args()

    if args.check:
        total = check_dir()
        print(f"all fixtures valid, {total:,} bytes")
        return 0

    torch.use_deterministic_algorithms(True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    cases = build_cases()

    os.makedirs(OUT_DIR, exist_ok=True)
    for old in os.listdir(OUT_DIR):
        if old.endswith(".safetensors"):
            os.remove(os.path.join(OUT_DIR, old))
    sizes = {}
    for case in cases:
        case.meta.setdefault("source", "tools/golden/make_fixtures.py")
        case.meta.setdefault("reference", f"pytorch {torch.__version__}, float64, stored as float32")
        for name in case.tensors:
            if not case.meanings.get(name):
                raise ValueError(f"{case.filename}: {name} is undocumented")
        blob = encode_safetensors(case.tensors, case.meta)
        path = os.path.join(OUT_DIR, case.filename)
        with open(path, "wb") as f:
            f.write(blob)
        sizes[case.filename] = len(blob)
    write_readme(cases, sizes)

    total = check_dir({c.filename: c for c in cases})
    print(f"wrote and validated {len(cases)} fixtures, {total:,} bytes in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
