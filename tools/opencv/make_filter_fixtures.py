#!/usr/bin/python3
"""Make OpenCV reference outputs for ConvKit's image filters.

Run with Debian's Python, which has OpenCV and NumPy (apt-get install python3-opencv):

    /usr/bin/python3 tools/opencv/make_filter_fixtures.py [--images /path/to/shared/images] [--out tests/fixtures/opencv]

It crops two of the free photographs, makes two small random images, runs OpenCV's filter2D, blur,
GaussianBlur, Sobel, Scharr, Laplacian, magnitude, normalize and calcHist on them with every border
type, and writes the inputs, the kernels, the expected outputs (one .npz per input image) and
cases.json, the list of cases the C# tests replay. The output is deterministic (fixed seeds).
"""

import argparse
import io
import json
import os
import zipfile

import cv2
import numpy as np

BORDERS = {
    "constant": cv2.BORDER_CONSTANT,
    "replicate": cv2.BORDER_REPLICATE,
    "reflect": cv2.BORDER_REFLECT,
    "reflect101": cv2.BORDER_REFLECT_101,
    "wrap": cv2.BORDER_WRAP,
}

# Kernels written out here, independently of the C# definitions, and applied with cv2.filter2D.
LITERAL = {
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "laplacian-8": [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
    "prewitt-x": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
    "prewitt-y": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "edge-horizontal": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "edge-vertical": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "edge-45": [[1, 1, 0], [1, 0, -1], [0, -1, -1]],
    "edge-135": [[0, 1, 1], [-1, 0, 1], [-1, -1, 0]],
}


def log_kernel(size, sigma):
    """Laplacian of Gaussian, sampled and shifted to zero sum (the definition ConvKit documents)."""
    c = size // 2
    y, x = np.mgrid[-c:c + 1, -c:c + 1].astype(np.float64)
    r2 = x * x + y * y
    s2 = sigma * sigma
    v = (r2 - 2 * s2) / (s2 * s2) * np.exp(-r2 / (2 * s2)) / (2 * np.pi * s2)
    return (v - v.mean()).astype(np.float32)


def pad_then(op, img, kh, kw, border, value, anchor_y=None, anchor_x=None):
    """Apply a same-size OpenCV op with a border OpenCV's filters lack (wrap, or a constant other than 0):
    pad with cv2.copyMakeBorder, run the op, crop back. Exact, because the kept pixels only read padding."""
    ay = kh // 2 if anchor_y is None else anchor_y
    ax = kw // 2 if anchor_x is None else anchor_x
    h, w = img.shape[:2]
    padded = cv2.copyMakeBorder(img, ay, kh - 1 - ay, ax, kw - 1 - ax, BORDERS[border], value=[value] * 4)
    out = op(padded, cv2.BORDER_CONSTANT)
    return out[ay:ay + h, ax:ax + w]


def named_ops(kernel_files):
    """(case name, filter spec for C#, kernel height, kernel width, function(img, cv border) -> float output)."""
    f32 = cv2.CV_32F
    ops = [
        ("mean-3", {"name": "mean", "size": 3}, 3, 3, lambda x, b: cv2.blur(x, (3, 3), borderType=b)),
        ("mean-5", {"name": "mean", "size": 5}, 5, 5, lambda x, b: cv2.blur(x, (5, 5), borderType=b)),
        ("gaussian-5-s1.2", {"name": "gaussian", "size": 5, "sigma": 1.2}, 5, 5,
         lambda x, b: cv2.GaussianBlur(x, (5, 5), 1.2, sigmaY=1.2, borderType=b)),
        ("gaussian-7-s2", {"name": "gaussian", "size": 7, "sigma": 2.0}, 7, 7,
         lambda x, b: cv2.GaussianBlur(x, (7, 7), 2.0, sigmaY=2.0, borderType=b)),
        ("sobel-x-3", {"name": "sobel-x", "size": 3}, 3, 3, lambda x, b: cv2.Sobel(x, f32, 1, 0, ksize=3, borderType=b)),
        ("sobel-x-5", {"name": "sobel-x", "size": 5}, 5, 5, lambda x, b: cv2.Sobel(x, f32, 1, 0, ksize=5, borderType=b)),
        ("sobel-x-7", {"name": "sobel-x", "size": 7}, 7, 7, lambda x, b: cv2.Sobel(x, f32, 1, 0, ksize=7, borderType=b)),
        ("sobel-y-3", {"name": "sobel-y", "size": 3}, 3, 3, lambda x, b: cv2.Sobel(x, f32, 0, 1, ksize=3, borderType=b)),
        ("sobel-y-5", {"name": "sobel-y", "size": 5}, 5, 5, lambda x, b: cv2.Sobel(x, f32, 0, 1, ksize=5, borderType=b)),
        ("sobel-y-7", {"name": "sobel-y", "size": 7}, 7, 7, lambda x, b: cv2.Sobel(x, f32, 0, 1, ksize=7, borderType=b)),
        ("scharr-x", {"name": "scharr-x"}, 3, 3, lambda x, b: cv2.Scharr(x, f32, 1, 0, borderType=b)),
        ("scharr-y", {"name": "scharr-y"}, 3, 3, lambda x, b: cv2.Scharr(x, f32, 0, 1, borderType=b)),
        ("laplacian-4", {"name": "laplacian-4"}, 3, 3, lambda x, b: cv2.Laplacian(x, f32, ksize=1, borderType=b)),
        ("log-5-s1", {"name": "log", "size": 5, "sigma": 1.0}, 5, 5,
         lambda x, b: cv2.filter2D(x, f32, log_kernel(5, 1.0), borderType=b)),
        ("sobel-magnitude-3", {"name": "sobel-magnitude", "size": 3}, 3, 3,
         lambda x, b: cv2.magnitude(cv2.Sobel(x, f32, 1, 0, ksize=3, borderType=b), cv2.Sobel(x, f32, 0, 1, ksize=3, borderType=b))),
        ("sobel-direction-3", {"name": "sobel-direction", "size": 3}, 3, 3,
         lambda x, b: np.arctan2(cv2.Sobel(x, f32, 0, 1, ksize=3, borderType=b), cv2.Sobel(x, f32, 1, 0, ksize=3, borderType=b)).astype(np.float32)),
        ("prewitt-magnitude", {"name": "prewitt-magnitude"}, 3, 3,
         lambda x, b: cv2.magnitude(cv2.filter2D(x, f32, np.float32(LITERAL["prewitt-x"]), borderType=b),
                                    cv2.filter2D(x, f32, np.float32(LITERAL["prewitt-y"]), borderType=b))),
    ]
    for name, k in LITERAL.items():
        kk = np.float32(k)
        ops.append((name, {"name": name}, 3, 3, lambda x, b, kk=kk: cv2.filter2D(x, f32, kk, borderType=b)))
    for name, k in kernel_files.items():
        ops.append((name, {"kernel": f"kernels/{name}.npy"}, k.shape[0], k.shape[1],
                    lambda x, b, k=k: cv2.filter2D(x, f32, k, borderType=b)))
    return ops


def generic_filter(img, k, operation, mode, sy, sx, border, value):
    """Valid/same/full, stride and true convolution, built from OpenCV primitives: flip the kernel (and its
    anchor) for a convolution, pad with copyMakeBorder, correlate with anchor (0, 0), keep the positions where
    the kernel fits, take every sy-th row and sx-th column."""
    kh, kw = k.shape
    if operation == "convolution":
        k = cv2.flip(k, -1)

    def pads(n):
        if mode == "valid":
            return 0, 0
        if mode == "full":
            return n - 1, n - 1
        a = n // 2 if operation == "correlation" else n - 1 - n // 2
        return a, n - 1 - a

    pt, pb = pads(kh)
    pl, pr = pads(kw)
    p = cv2.copyMakeBorder(img, pt, pb, pl, pr, BORDERS[border], value=[value] * 4) if pt + pb + pl + pr else img
    out = cv2.filter2D(p, cv2.CV_32F, k, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    return np.ascontiguousarray(out[:p.shape[0] - kh + 1, :p.shape[1] - kw + 1][::sy, ::sx])


def npy_bytes(a):
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(a))
    return buf.getvalue()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", default=os.path.join(os.path.dirname(repo), "shared", "images"))
    ap.add_argument("--out", default=os.path.join(repo, "tests", "fixtures", "opencv"))
    args = ap.parse_args()
    for sub in ("inputs", "kernels", "expected"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)

    rng = np.random.default_rng(20240611)
    chelsea = cv2.cvtColor(cv2.imread(os.path.join(args.images, "chelsea.png"), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    camera = cv2.imread(os.path.join(args.images, "camera.png"), cv2.IMREAD_GRAYSCALE)
    inputs = {
        # name: (uint8 H x W or H x W x 3 RGB, where it came from)
        "photo-colour": (np.ascontiguousarray(chelsea[90:114, 140:172]), "chelsea.png rows 90-113, columns 140-171 (the cat's left eye), RGB"),
        "photo-grey": (np.ascontiguousarray(camera[136:160, 256:288]), "camera.png rows 136-159, columns 256-287 (the camera), grey"),
        "random-grey": (rng.integers(0, 256, (11, 13), dtype=np.uint8), "uniform random bytes, grey"),
        "random-colour": (rng.integers(0, 256, (7, 9, 3), dtype=np.uint8), "uniform random bytes, RGB"),
    }
    for name, (img, _) in inputs.items():
        bgr = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        cv2.imwrite(os.path.join(args.out, "inputs", name + ".png"), bgr)

    # A JPEG (a different decoder may round the inverse DCT and the chroma upsampling differently).
    jpeg_rgb = np.ascontiguousarray(chelsea[60:108, 120:184])
    cv2.imwrite(os.path.join(args.out, "inputs", "photo-colour.jpg"), cv2.cvtColor(jpeg_rgb, cv2.COLOR_RGB2BGR),
                [cv2.IMWRITE_JPEG_QUALITY, 90])
    decoded = cv2.cvtColor(cv2.imread(os.path.join(args.out, "inputs", "photo-colour.jpg"), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    np.save(os.path.join(args.out, "inputs", "photo-colour.jpg.decoded.npy"), decoded)

    kernel_files = {
        "random-3x3": rng.uniform(-1, 1, (3, 3)).astype(np.float32),
        "random-5x3": rng.uniform(-1, 1, (5, 3)).astype(np.float32),
        "random-4x4": rng.uniform(-1, 1, (4, 4)).astype(np.float32),
    }
    for name, k in kernel_files.items():
        np.save(os.path.join(args.out, "kernels", name + ".npy"), k)

    cases = []
    archives = {name: {} for name in inputs}

    def add(input_name, case, array):
        key = case["id"].replace("/", "__") + ".npy"
        case["input"] = f"inputs/{input_name}.png"
        case["expected"] = f"expected/{input_name}.npz"
        case["entry"] = key
        archives[input_name][key] = npy_bytes(array)
        cases.append(case)

    ops = named_ops(kernel_files)
    for input_name, (img8, _) in inputs.items():
        img = img8.astype(np.float32) / 255
        photo = input_name.startswith("photo")
        borders = ["constant", "replicate", "reflect101", "wrap"] if photo else \
            ["constant", "constant-0.25", "replicate", "reflect", "reflect101", "wrap"]
        # Float output, input in [0, 1].
        for op_name, spec, kh, kw, op in ops:
            for border in borders:
                base, value = (border, 0.0) if border != "constant-0.25" else ("constant", 0.25)
                if base == "wrap" or value != 0:
                    out = pad_then(op, img, kh, kw, base, value)
                else:
                    out = op(img, BORDERS[base])
                add(input_name, {
                    "id": f"float/{op_name}/{border}", "kind": "filter", "filter": spec, "operation": "correlation",
                    "output": "same", "stride": [1, 1], "border": base, "border_value": value,
                    "input_scale": "unit", "depth": "float32",
                    "tolerance": "angle" if "direction" in op_name else "1e-4"}, out.astype(np.float32))
        # 8-bit output, input 0..255: OpenCV's own 8-bit paths.
        u8_ops = [
            ("sharpen", {"name": "sharpen"}, lambda x, b: cv2.filter2D(x, -1, np.float32(LITERAL["sharpen"]), borderType=b), 0),
            ("emboss", {"name": "emboss"}, lambda x, b: cv2.filter2D(x, -1, np.float32(LITERAL["emboss"]), borderType=b), 0),
            ("laplacian-8", {"name": "laplacian-8"}, lambda x, b: cv2.filter2D(x, -1, np.float32(LITERAL["laplacian-8"]), borderType=b), 0),
            ("sobel-x-3", {"name": "sobel-x", "size": 3}, lambda x, b: cv2.Sobel(x, cv2.CV_8U, 1, 0, ksize=3, borderType=b), 0),
            ("sobel-y-5", {"name": "sobel-y", "size": 5}, lambda x, b: cv2.Sobel(x, cv2.CV_8U, 0, 1, ksize=5, borderType=b), 0),
            ("mean-3", {"name": "mean", "size": 3}, lambda x, b: cv2.blur(x, (3, 3), borderType=b), 0),
            ("mean-5", {"name": "mean", "size": 5}, lambda x, b: cv2.blur(x, (5, 5), borderType=b), 0),
            # OpenCV blurs 8-bit images with a fixed-point Gaussian, so it may differ by one grey level.
            ("gaussian-5-s1.2", {"name": "gaussian", "size": 5, "sigma": 1.2},
             lambda x, b: cv2.GaussianBlur(x, (5, 5), 1.2, sigmaY=1.2, borderType=b), 1),
        ]
        for op_name, spec, op, tol in u8_ops:
            for border in ["constant", "replicate", "reflect", "reflect101"]:
                add(input_name, {
                    "id": f"u8/{op_name}/{border}", "kind": "filter", "filter": spec, "operation": "correlation",
                    "output": "same", "stride": [1, 1], "border": border, "border_value": 0.0,
                    "input_scale": "byte", "depth": "uint8", "tolerance": str(tol)}, op(img8, BORDERS[border]))
        # Min-max normalisation of a signed response to 8 bits.
        for border in ["reflect101"]:
            sob = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3, borderType=BORDERS[border])
            add(input_name, {
                "id": f"normalize/sobel-x-3/{border}", "kind": "normalize", "filter": {"name": "sobel-x", "size": 3},
                "operation": "correlation", "output": "same", "stride": [1, 1], "border": border, "border_value": 0.0,
                "input_scale": "unit", "depth": "uint8", "tolerance": "1"},
                cv2.normalize(sob, None, 0, 255, cv2.NORM_MINMAX, cv2.CV_8U))
        # Colour histograms: per channel, uniform bins over [0, 256).
        channels = 1 if img8.ndim == 2 else 3
        for bins in (4, 10, 16, 256):
            hist = np.stack([cv2.calcHist([img8], [c], None, [bins], [0, 256]).ravel() for c in range(channels)])
            add(input_name, {"id": f"histogram/{bins}", "kind": "histogram", "bins": bins, "depth": "float32",
                             "tolerance": "0"}, hist.astype(np.float32))
        # Output modes, strides and true convolution on the small random images.
        if not photo:
            for kname, k in kernel_files.items():
                for operation in ("correlation", "convolution"):
                    for mode in ("valid", "same", "full"):
                        for sy, sx in ((1, 1), (2, 3)):
                            for border in (["reflect101"] if mode == "valid" else ["constant-0.25", "reflect101", "wrap"]):
                                base, value = (border, 0.0) if border != "constant-0.25" else ("constant", 0.25)
                                out = generic_filter(img, k, operation, mode, sy, sx, base, value)
                                add(input_name, {
                                    "id": f"mode/{kname}/{operation}/{mode}/s{sy}x{sx}/{border}", "kind": "filter",
                                    "filter": {"kernel": f"kernels/{kname}.npy"}, "operation": operation, "output": mode,
                                    "stride": [sy, sx], "border": base, "border_value": value, "input_scale": "unit",
                                    "depth": "float32", "tolerance": "1e-4"}, out)

    for input_name, entries in archives.items():
        with zipfile.ZipFile(os.path.join(args.out, "expected", input_name + ".npz"), "w", zipfile.ZIP_DEFLATED) as z:
            for key in sorted(entries):
                info = zipfile.ZipInfo(key, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, entries[key])

    with open(os.path.join(args.out, "cases.json"), "w") as f:
        # One case per line, so that a regenerated file diffs readably.
        f.write('{"opencv": "%s", "numpy": "%s", "cases": [\n' % (cv2.__version__, np.__version__))
        f.write(",\n".join(json.dumps(c, sort_keys=True) for c in cases))
        f.write("\n]}\n")
    write_readme(args.out, inputs, kernel_files, cases)
    print(f"{len(cases)} cases written to {args.out}")


def write_readme(out, inputs, kernel_files, cases):
    counts = {}
    for c in cases:
        key = (c["input"], c["id"].split("/")[0])
        counts[key] = counts.get(key, 0) + 1
    lines = [
        "# OpenCV reference outputs for the image filters",
        "",
        "Made by `tools/opencv/make_filter_fixtures.py` with OpenCV " + cv2.__version__ + " and NumPy " + np.__version__ +
        " (Debian's `python3-opencv`);",
        "rerun it to regenerate everything here. The tests in",
        "`tests/ConvKit.Tests/Filters/OpenCvParityTests.cs` replay every case of `cases.json`.",
        "",
        "## Files",
        "",
        "| file | what |",
        "| --- | --- |",
        "| `cases.json` | the list of cases: for each, the input image, the filter (a ConvKit catalogue name with size and sigma, or a kernel file), operation, output mode, stride, border and border value, whether the input is scaled to [0, 1] (`unit`) or kept 0..255 (`byte`), the output depth, the tolerance, and where the expected array is (`expected` archive, `entry` inside it) |",
    ]
    for name, (img, what) in inputs.items():
        lines.append(f"| `inputs/{name}.png` | {what}, {img.shape[1]} x {img.shape[0]} pixels |")
    lines.append("| `inputs/photo-colour.jpg` | chelsea.png rows 60-107, columns 120-183, RGB, saved as JPEG quality 90 by OpenCV |")
    lines.append("| `inputs/photo-colour.jpg.decoded.npy` | that JPEG decoded by OpenCV (libjpeg), uint8 (H, W, 3) RGB; another decoder may differ by a few levels |")
    for name, k in kernel_files.items():
        lines.append(f"| `kernels/{name}.npy` | a random float32 kernel of {k.shape[0]} x {k.shape[1]}, uniform in [-1, 1], used with `cv2.filter2D` |")
    for name in inputs:
        parts = ", ".join(f"{n} {kind}" for (inp, kind), n in sorted(counts.items()) if inp == f"inputs/{name}.png")
        lines.append(f"| `expected/{name}.npz` | expected outputs for `inputs/{name}.png`, one `.npy` per case named after the case id ({parts}) |")
    lines += [
        "",
        "## Case kinds (the first part of each id)",
        "",
        "- `float/<filter>/<border>`: float32 output of OpenCV (`filter2D`, `blur`, `GaussianBlur`, `Sobel`, `Scharr`,",
        "  `Laplacian` with ksize 1, `magnitude`, and `arctan2` of two Sobel outputs) on the input divided by 255, same-size",
        "  output. Borders `wrap` and `constant-0.25` are not available in OpenCV's filters: those references pad with",
        "  `cv2.copyMakeBorder` first and crop the result, which gives the same pixels. Compared within 1e-4 (relative above",
        "  1); directions within 1e-4 radians modulo 2 pi, where the gradient is not tiny.",
        "- `u8/<filter>/<border>`: uint8 output of OpenCV's 8-bit paths on the 0..255 input. Compared exactly, except the",
        "  Gaussian, which OpenCV computes in fixed point for 8-bit images (within one grey level).",
        "- `normalize/...`: `cv2.normalize(Sobel x, 0, 255, NORM_MINMAX, CV_8U)`, within one grey level.",
        "- `histogram/<bins>`: `cv2.calcHist` per channel over [0, 256), shape (channels, bins), exact.",
        "- `mode/<kernel>/<operation>/<mode>/s<sy>x<sx>/<border>`: valid, same and full output, strides (1, 1) and (2, 3),",
        "  correlation and true convolution, built from `cv2.flip`, `cv2.copyMakeBorder` and `cv2.filter2D` with anchor (0, 0).",
        "",
        "The photographs are crops of images from scikit-image's sample data (`chelsea.png`: CC0, Stefan van der Walt;",
        "`camera.png`: CC0, Lav Varshney).",
        "",
    ]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
