#!/usr/bin/env python3
"""Re-derive the golden fixtures with plain numpy loops, independently of torch.

Run from the repository root after make_fixtures.py:

    /usr/bin/python3 tools/golden/crosscheck.py

Every file in tests/fixtures/golden/ is read back with the validating reader
of make_fixtures.py, and its outputs and gradients are recomputed in float64
from the stored inputs and the metadata only, with hand-written forward and
backward passes written the way the README describes them. A mismatch means
the fixtures, the README or the conventions disagree. Needs numpy only.
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import OUT_DIR, read_safetensors  # noqa: E402

RTOL = 2e-5
failures: list[str] = []
checked = 0


def close(name: str, got: np.ndarray, ref: np.ndarray, rtol: float = RTOL, atol: float = 1e-6) -> None:
    global checked
    checked += 1
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if got.shape != ref.shape:
        failures.append(f"{name}: shape {got.shape} vs recomputed {ref.shape}")
        return
    err = np.abs(got - ref)
    bound = atol + rtol * np.abs(ref).max(initial=0.0)
    if err.max(initial=0.0) > bound:
        failures.append(f"{name}: max abs diff {err.max():.3g} > {bound:.3g}")


def load(fname: str):
    t, m = read_safetensors(os.path.join(OUT_DIR, fname))
    return {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in t.items()}, m


def meta_int(m, key):
    return int(m[key])


# ---------------------------------------------------------------- conv ----

def conv_forward(x, w, b, stride, dil, pads, groups):
    n, c, h, wd = x.shape
    k, cg, kh, kw = w.shape
    top, bottom, left, right = pads
    xp = np.zeros((n, c, h + top + bottom, wd + left + right))
    xp[:, :, top:top + h, left:left + wd] = x
    oh = (xp.shape[2] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (xp.shape[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    y = np.zeros((n, k, oh, ow))
    kg = k // groups
    for f in range(k):
        g = f // kg
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dil[0], j * dil[1]
                patch = xp[:, g * cg:(g + 1) * cg, r0:r0 + stride[0] * (oh - 1) + 1:stride[0],
                           c0:c0 + stride[1] * (ow - 1) + 1:stride[1]]
                y[:, f] += np.einsum("nchw,c->nhw", patch, w[f, :, i, j])
        if b is not None:
            y[:, f] += b[f]
    return y, xp.shape


def conv_backward(x, w, dy, stride, dil, pads, groups, padded_shape):
    n, c, h, wd = x.shape
    k, cg, kh, kw = w.shape
    top, bottom, left, right = pads
    oh, ow = dy.shape[2:]
    dxp = np.zeros(padded_shape)
    xp = np.zeros(padded_shape)
    xp[:, :, top:top + h, left:left + wd] = x
    dw = np.zeros_like(w)
    kg = k // groups
    for f in range(k):
        g = f // kg
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dil[0], j * dil[1]
                rs = slice(r0, r0 + stride[0] * (oh - 1) + 1, stride[0])
                cs = slice(c0, c0 + stride[1] * (ow - 1) + 1, stride[1])
                patch = xp[:, g * cg:(g + 1) * cg, rs, cs]
                dw[f, :, i, j] = np.einsum("nchw,nhw->c", patch, dy[:, f])
                dxp[:, g * cg:(g + 1) * cg, rs, cs] += np.einsum("nhw,c->nchw", dy[:, f], w[f, :, i, j])
    dx = dxp[:, :, top:top + h, left:left + wd]
    return dx, dw, dy.sum(axis=(0, 2, 3))


def check_conv(fname):
    t, m = load(fname)
    stride = (meta_int(m, "stride_h"), meta_int(m, "stride_w"))
    dil = (meta_int(m, "dilation_h"), meta_int(m, "dilation_w"))
    pads = tuple(meta_int(m, k) for k in ("pad_top", "pad_bottom", "pad_left", "pad_right"))
    groups = meta_int(m, "groups")
    w = t["w"]
    if "mask" in t:
        w = w * t["mask"][:, :, None, None]
    y, pshape = conv_forward(t["x"], w, t.get("b"), stride, dil, pads, groups)
    close(f"{fname}:y", t["y"], y)
    dx, dw, db = conv_backward(t["x"], w, t["dy"], stride, dil, pads, groups, pshape)
    if "mask" in t:
        dw = dw * t["mask"][:, :, None, None]
    close(f"{fname}:dx", t["dx"], dx)
    close(f"{fname}:dw", t["dw"], dw)
    if "b" in t:
        close(f"{fname}:db", t["db"], db)
    if m["padding"] == "same":
        for n_, k_, s_, lo, hi in ((int(m["in_h"]), w.shape[2], stride[0], pads[0], pads[1]),
                                   (int(m["in_w"]), w.shape[3], stride[1], pads[2], pads[3])):
            out = -(-n_ // s_)
            total = max((out - 1) * s_ + (k_ - 1) + 1 - n_, 0)
            if (lo, hi) != (total // 2, total - total // 2):
                failures.append(f"{fname}: pads {lo},{hi} are not TF 'same'")


# ---------------------------------------------------------------- pool ----

def check_pool(fname):
    t, m = load(fname)
    x, dy = t["x"], t["dy"]
    ph, pw = meta_int(m, "pool_h"), meta_int(m, "pool_w")
    sh, sw = meta_int(m, "stride_h"), meta_int(m, "stride_w")
    top, bottom, left, right = (meta_int(m, k) for k in ("pad_top", "pad_bottom", "pad_left", "pad_right"))
    n, c, h, w = x.shape
    oh, ow = meta_int(m, "out_h"), meta_int(m, "out_w")
    y = np.zeros((n, c, oh, ow))
    dx = np.zeros_like(x)
    for i in range(oh):
        for j in range(ow):
            r0, r1 = max(i * sh - top, 0), min(i * sh - top + ph, h)
            c0, c1 = max(j * sw - left, 0), min(j * sw - left + pw, w)
            win = x[:, :, r0:r1, c0:c1]
            if m["op"] == "maxpool2d":
                flat = win.reshape(n, c, -1)
                idx = flat.argmax(axis=2)
                y[:, :, i, j] = flat.max(axis=2)
                for a in range(n):
                    for b_ in range(c):
                        r, q = divmod(idx[a, b_], c1 - c0)
                        dx[a, b_, r0 + r, c0 + q] += dy[a, b_, i, j]
            else:
                div = ph * pw if m["count_include_pad"] == "true" else (r1 - r0) * (c1 - c0)
                y[:, :, i, j] = win.sum(axis=(2, 3)) / div
                dx[:, :, r0:r1, c0:c1] += dy[:, :, i, j][:, :, None, None] / div
    close(f"{fname}:y", t["y"], y)
    close(f"{fname}:dx", t["dx"], dx)


def check_global_avgpool(fname):
    t, _ = load(fname)
    x = t["x"]
    close(f"{fname}:y", t["y"], x.mean(axis=(2, 3)))
    close(f"{fname}:dx", t["dx"], np.broadcast_to(t["dy"][:, :, None, None] / (x.shape[2] * x.shape[3]), x.shape))


# --------------------------------------------------------- dense / bn ----

def check_dense(fname):
    t, _ = load(fname)
    close(f"{fname}:y", t["y"], t["x"] @ t["w"] + t["b"])
    close(f"{fname}:dx", t["dx"], t["dy"] @ t["w"].T)
    close(f"{fname}:dw", t["dw"], t["x"].T @ t["dy"])
    close(f"{fname}:db", t["db"], t["dy"].sum(axis=0))


def check_bn(fname):
    t, m = load(fname)
    x, dy, gamma, beta = t["x"], t["dy"], t["gamma"], t["beta"]
    eps, mom = float(m["epsilon"]), float(m["momentum"])
    axes = tuple(int(a) for a in m["reduce_axes"].split(","))
    shape = [1] * x.ndim
    shape[1] = -1
    g, b = gamma.reshape(shape), beta.reshape(shape)
    if m["mode"] == "training":
        count = x.size // x.shape[1]
        mean = x.mean(axis=axes)
        var = ((x - mean.reshape(shape)) ** 2).mean(axis=axes)
        inv = 1.0 / np.sqrt(var + eps)
        xhat = (x - mean.reshape(shape)) * inv.reshape(shape)
        close(f"{fname}:y", t["y"], g * xhat + b)
        dxhat = dy * g
        dx = inv.reshape(shape) / count * (count * dxhat - dxhat.sum(axis=axes).reshape(shape)
                                           - xhat * (dxhat * xhat).sum(axis=axes).reshape(shape))
        close(f"{fname}:dx", t["dx"], dx)
        close(f"{fname}:dgamma", t["dgamma"], (dy * xhat).sum(axis=axes))
        close(f"{fname}:batch_mean", t["batch_mean"], mean)
        close(f"{fname}:batch_variance", t["batch_variance"], var)
        close(f"{fname}:moving_mean_after", t["moving_mean_after"], mom * t["moving_mean"] + (1 - mom) * mean)
        close(f"{fname}:moving_variance_after", t["moving_variance_after"],
              mom * t["moving_variance"] + (1 - mom) * var)
    else:
        inv = 1.0 / np.sqrt(t["moving_variance"] + eps)
        xhat = (x - t["moving_mean"].reshape(shape)) * inv.reshape(shape)
        close(f"{fname}:y", t["y"], g * xhat + b)
        close(f"{fname}:dx", t["dx"], dy * g * inv.reshape(shape))
        close(f"{fname}:dgamma", t["dgamma"], (dy * xhat).sum(axis=axes))
    close(f"{fname}:dbeta", t["dbeta"], dy.sum(axis=axes))


# ------------------------------------------------- activations / losses ----

def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def check_activations(fname):
    t, m = load(fname)
    x, dy = t["x"], t["dy"]
    a = float(m["leaky_relu_alpha"])
    sig = 1 / (1 + np.exp(-x))
    sm = softmax(x)
    th = np.tanh(2 * x / 3)
    ref = {
        "relu": (np.maximum(x, 0), dy * (x > 0)),
        "leaky_relu": (np.where(x > 0, x, a * x), dy * np.where(x > 0, 1, a)),
        "sigmoid": (sig, dy * sig * (1 - sig)),
        "tanh": (np.tanh(x), dy * (1 - np.tanh(x) ** 2)),
        "softmax": (sm, sm * (dy - (dy * sm).sum(axis=-1, keepdims=True))),
        "lecun_tanh": (1.7159 * th, dy * 1.7159 * (2 / 3) * (1 - th ** 2)),
    }
    for name, (y, dx) in ref.items():
        close(f"{fname}:{name}.y", t[f"{name}.y"], y)
        close(f"{fname}:{name}.dx", t[f"{name}.dx"], dx)


def check_losses(fname):
    t, m = load(fname)
    eps = float(m["clip_epsilon"])
    logits, labels, onehot = t["logits"], t["labels"], t["onehot"]
    n = logits.shape[0]
    if not np.array_equal(onehot, np.eye(logits.shape[1])[labels]):
        failures.append(f"{fname}: onehot does not match labels")
    sm = softmax(logits)
    close(f"{fname}:sparse_ce.loss", t["sparse_ce.loss"], [-np.log(sm[np.arange(n), labels]).mean()])
    close(f"{fname}:sparse_ce.dlogits", t["sparse_ce.dlogits"], (sm - onehot) / n)

    def cce(probs, normalise):
        s = probs.sum(axis=-1, keepdims=True) if normalise else np.ones((n, 1))
        q = probs / s
        inside = (q > eps) & (q < 1 - eps)
        qc = np.clip(q, eps, 1 - eps)
        loss = -(onehot * np.log(qc)).sum(axis=-1).mean()
        dq = -onehot / qc * inside / n                      # through the clip
        dp = dq / s - (dq * q).sum(axis=-1, keepdims=True) / s if normalise else dq
        return loss, dp

    for prefix, probs in (("cce", t["probs"]), ("cce_clipped", t["cce_clipped.probs"])):
        for suffix, normalise in (("", True), ("_unnormalized", False)):
            loss, dp = cce(probs, normalise)
            close(f"{fname}:{prefix}{suffix}.loss", t[f"{prefix}{suffix}.loss"], [loss])
            close(f"{fname}:{prefix}{suffix}.dprobs", t[f"{prefix}{suffix}.dprobs"], dp)

    bx, bt, bp = t["bce.logits"], t["bce.targets"], t["bce.probs"]
    cnt = bx.size
    close(f"{fname}:bce_logits.loss", t["bce_logits.loss"],
          [(np.maximum(bx, 0) - bx * bt + np.log1p(np.exp(-np.abs(bx)))).mean()])
    close(f"{fname}:bce_logits.dlogits", t["bce_logits.dlogits"], (1 / (1 + np.exp(-bx)) - bt) / cnt)
    pc = np.clip(bp, eps, 1 - eps)
    inside = (bp > eps) & (bp < 1 - eps)
    close(f"{fname}:bce_probs.loss", t["bce_probs.loss"],
          [-(bt * np.log(pc) + (1 - bt) * np.log(1 - pc)).mean()])
    close(f"{fname}:bce_probs.dprobs", t["bce_probs.dprobs"],
          (-bt / pc + (1 - bt) / (1 - pc)) * inside / cnt)
    d = t["mse.pred"] - t["mse.target"]
    close(f"{fname}:mse.loss", t["mse.loss"], [(d ** 2).mean()])
    close(f"{fname}:mse.dpred", t["mse.dpred"], 2 * d / d.size)


def check_lrn(fname):
    t, m = load(fname)
    x, dy = t["x"], t["dy"]
    size, alpha, beta, k = int(m["size"]), float(m["alpha"]), float(m["beta"]), float(m["k"])
    c = x.shape[1]
    lo = [max(0, i - size // 2) for i in range(c)]
    hi = [min(c - 1, i + (size - 1) // 2) for i in range(c)]
    s = np.stack([k + alpha / size * (x[:, lo[i]:hi[i] + 1] ** 2).sum(axis=1) for i in range(c)], axis=1)
    close(f"{fname}:scale", t["scale"], s)
    close(f"{fname}:y", t["y"], x * s ** -beta)
    # d y_j / d x_i = [i == j] s_j^-beta - 2 alpha beta / size * x_j x_i s_j^(-beta-1) for i in window(j)
    dx = dy * s ** -beta
    g = dy * x * s ** (-beta - 1)
    for i in range(c):
        for j in range(c):
            if lo[j] <= i <= hi[j]:
                dx[:, i] -= 2 * alpha * beta / size * x[:, i] * g[:, j]
    close(f"{fname}:dx", t["dx"], dx)


# ------------------------------------------------------ classic layers ----

def check_subsampling(fname):
    t, m = load(fname)
    x, dy, coef, bias = t["x"], t["dy"], t["coefficient"], t["bias"]
    pool, stride = int(m["pool"]), int(m["stride"])
    n, c, h, w = x.shape
    oh, ow = (h - pool) // stride + 1, (w - pool) // stride + 1
    sums = np.zeros((n, c, oh, ow))
    for i in range(pool):
        for j in range(pool):
            sums += x[:, :, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride]
    a = coef[None, :, None, None] * sums + bias[None, :, None, None]
    y = 1.7159 * np.tanh(2 * a / 3)
    close(f"{fname}:y", t["y"], y)
    da = dy * 1.7159 * (2 / 3) * (1 - np.tanh(2 * a / 3) ** 2)
    close(f"{fname}:dcoefficient", t["dcoefficient"], (da * sums).sum(axis=(0, 2, 3)))
    close(f"{fname}:dbias", t["dbias"], da.sum(axis=(0, 2, 3)))
    dx = np.zeros_like(x)
    dsum = da * coef[None, :, None, None]
    for i in range(pool):
        for j in range(pool):
            dx[:, :, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride] += dsum
    close(f"{fname}:dx", t["dx"], dx)


def check_rbf(fname):
    t, m = load(fname)
    x, w, dy = t["x"], t["prototypes"], t["dy"]
    sign = -1.0 if m["negate"] == "true" else 1.0
    diff = x[:, None, :] - w[None, :, :]
    close(f"{fname}:y", t["y"], sign * (diff ** 2).sum(axis=-1))
    g = sign * dy
    close(f"{fname}:dx", t["dx"], 2 * (g[:, :, None] * diff).sum(axis=1))
    close(f"{fname}:dprototypes", t["dprototypes"], -2 * (g[:, :, None] * diff).sum(axis=0))


def check_pad_crop(fname):
    t, m = load(fname)
    x, dy = t["x"], t["dy"]
    top, bottom, left, right = (int(m[k]) for k in ("top", "bottom", "left", "right"))
    h, w = x.shape[2], x.shape[3]
    if m["op"] == "zero_padding2d":
        y = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
        dx = dy[:, :, top:top + h, left:left + w]
    else:
        y = x[:, :, top:h - bottom, left:w - right]
        dx = np.zeros_like(x)
        dx[:, :, top:h - bottom, left:w - right] = dy
    close(f"{fname}:y", t["y"], y)
    close(f"{fname}:dx", t["dx"], dx)


# --------------------------------------------------------------- models ----

def relu(z):
    return np.maximum(z, 0)


def maxpool2(z):
    n, c, h, w = z.shape
    return z[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def check_seed_mnist(fname):
    t, m = load(fname)
    p = {k[5:]: v for k, v in t.items() if k.startswith("init.")}
    if sum(v.size for v in p.values()) != int(m["parameters"]):
        failures.append(f"{fname}: parameter count differs from metadata")

    def forward(p, x):
        h = maxpool2(relu(conv_forward(x, p["conv2d.kernel"], p["conv2d.bias"], (1, 1), (1, 1), (1, 1, 1, 1), 1)[0]))
        h = maxpool2(relu(conv_forward(h, p["conv2d_1.kernel"], p["conv2d_1.bias"], (1, 1), (1, 1), (1, 1, 1, 1), 1)[0]))
        h = relu(h.reshape(h.shape[0], -1) @ p["dense.kernel"] + p["dense.bias"])
        return h @ p["dense_1.kernel"] + p["dense_1.bias"]

    def loss_of(logits, labels):
        return -np.log(softmax(logits)[np.arange(len(labels)), labels]).mean()

    logits = forward(p, t["x0"])
    close(f"{fname}:logits0", t["logits0"], logits)
    close(f"{fname}:loss0", t["loss0"], [loss_of(logits, t["y0"])])
    # the dense_1 gradients are closed-form given the hidden activations
    h = maxpool2(relu(conv_forward(t["x0"], p["conv2d.kernel"], p["conv2d.bias"], (1, 1), (1, 1), (1, 1, 1, 1), 1)[0]))
    h = maxpool2(relu(conv_forward(h, p["conv2d_1.kernel"], p["conv2d_1.bias"], (1, 1), (1, 1), (1, 1, 1, 1), 1)[0]))
    h = relu(h.reshape(h.shape[0], -1) @ p["dense.kernel"] + p["dense.bias"])
    dlogits = (softmax(logits) - np.eye(10)[t["y0"]]) / len(t["y0"])
    close(f"{fname}:grad.dense_1.kernel", t["grad.dense_1.kernel"], h.T @ dlogits)
    close(f"{fname}:grad.dense_1.bias", t["grad.dense_1.bias"], dlogits.sum(axis=0))
    # one Keras-Adam step from the stored gradients; tolerance covers the float32 rounding
    # of the stored gradient, which can flip the update of near-zero gradients slightly
    b1, b2, eps, lr = (float(m[k]) for k in ("beta_1", "beta_2", "epsilon", "learning_rate"))
    alpha = lr * math.sqrt(1 - b2) / (1 - b1)
    for k, v in p.items():
        g = t[f"grad.{k}"]
        step = v - alpha * ((1 - b1) * g) / (np.sqrt((1 - b2) * g * g) + eps)
        close(f"{fname}:step1.{k}", t[f"step1.{k}"], step, rtol=0, atol=2e-7 + 1e-6 * np.abs(v).max())
    p1 = {k[6:]: v for k, v in t.items() if k.startswith("step1.")}
    close(f"{fname}:loss1", t["loss1"], [loss_of(forward(p1, t["x1"]), t["y1"])])


def check_keras_mnist(fname):
    t, _ = load(fname)
    h = relu(conv_forward(t["x"], t["conv2d.kernel"], t["conv2d.bias"], (1, 1), (1, 1), (0, 0, 0, 0), 1)[0])
    h = relu(conv_forward(h, t["conv2d_1.kernel"], t["conv2d_1.bias"], (1, 1), (1, 1), (0, 0, 0, 0), 1)[0])
    h = maxpool2(h)
    h = relu(h.reshape(h.shape[0], -1) @ t["dense.kernel"] + t["dense.bias"])
    logits = h @ t["dense_1.kernel"] + t["dense_1.bias"]
    close(f"{fname}:logits", t["logits"], logits)
    close(f"{fname}:probs", t["probs"], softmax(logits))


def main() -> int:
    files = sorted(f for f in os.listdir(OUT_DIR) if f.endswith(".safetensors"))
    handled = set()
    for f in files:
        _, m = read_safetensors(os.path.join(OUT_DIR, f))
        op = m.get("op", m.get("model"))
        handler = {
            "conv2d": check_conv, "maxpool2d": check_pool, "avgpool2d": check_pool,
            "global_avgpool2d": check_global_avgpool, "dense": check_dense, "batch_norm": check_bn,
            "activations": check_activations, "losses": check_losses, "local_response_norm": check_lrn,
            "subsampling2d": check_subsampling, "euclidean_rbf": check_rbf,
            "zero_padding2d": check_pad_crop, "cropping2d": check_pad_crop,
            "seed-mnist": check_seed_mnist, "keras-mnist-cnn": check_keras_mnist,
        }.get(op)
        if handler is None:
            failures.append(f"{f}: no cross-check for op {op!r}")
            continue
        handler(f)
        handled.add(f)
    for line in failures:
        print("FAIL", line)
    print(f"{len(handled)}/{len(files)} files, {checked} tensors cross-checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
