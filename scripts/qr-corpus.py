#!/usr/bin/env python3
"""Generates a QR reading corpus and runs the reference readers on it, for QRCodeTests' corpus comparison.

    python3 scripts/qr-corpus.py --out DIR [--seed N] [--per-class N]

Writes DIR/<class>-<n>.png (8-bit greyscale) and DIR/manifest.json. Nothing here is committed but this script:
the corpus is rebuilt from the seed. Symbols come from three independent encoders — segno and qrcode (PyPI) and
qrencode (Debian) — with a mix of payloads (numeric, alphanumeric, URLs, otpauth URIs, lower-case text, UTF-8 text),
versions and error-correction levels. Each class applies one distortion with a random strength:

    clean, rotation, perspective, blur, noise, jpeg, low-contrast, scale, uneven-light, inverted

Every image is then read by zxing-cpp (PyPI `zxing-cpp`, with its default rotation/inversion/downscale tries) and by
`zbarimg` (Debian `zbar-tools`); the manifest records the expected payload and what each reader returned, so the
Swift test can compare QRReader with both per class. Exit status 3 when a needed package or tool is missing.
"""
import argparse
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys

INSTALL_HINT = ("run scripts/install-test-deps.sh (pip install pillow==13.0.0 numpy==2.4.6 "
                "opencv-python-headless==5.1.0.95 segno==1.6.6 qrcode==8.2 zxing-cpp==3.1.1; "
                "apt-get install qrencode zbar-tools)")

try:
    import cv2
    import numpy as np
    import qrcode
    import segno
    import zxingcpp
    from PIL import Image
except ImportError as error:  # pragma: no cover
    sys.stderr.write("python package missing (%s); %s\n" % (error, INSTALL_HINT))
    sys.exit(3)

for tool in ("qrencode", "zbarimg"):
    if shutil.which(tool) is None:
        sys.stderr.write("%s is missing; %s\n" % (tool, INSTALL_HINT))
        sys.exit(3)

CLASSES = ["clean", "rotation", "perspective", "blur", "noise", "jpeg", "low-contrast", "scale", "uneven-light",
           "inverted"]
ENCODERS = ["segno", "qrcode", "qrencode"]
LEVELS = "LMQH"


# MARK: Payloads and encoders

def payload(rng):
    kind = rng.choice(["numeric", "alphanumeric", "url", "otpauth", "text", "utf8"])
    if kind == "numeric":
        return "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 200)))
    if kind == "alphanumeric":
        return "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") for _ in range(rng.randrange(1, 150)))
    if kind == "url":
        path = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-_/") for _ in range(rng.randrange(1, 80)))
        return "https://example.org/" + path
    if kind == "otpauth":
        secret = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(rng.choice([16, 32, 52])))
        return "otpauth://totp/Chronoguard:alice%d?secret=%s&issuer=Chronoguard&digits=6&period=30" % (
            rng.randrange(1000), secret)
    if kind == "text":
        words = ["guardian", "vault", "second", "factor", "chain", "time", "code", "block", "sign", "Transfer"]
        return " ".join(rng.choice(words) for _ in range(rng.randrange(1, 25)))
    return "".join(rng.choice(["é", "ü", "ß", "€", "日本", "ключ", "a", "b", " "]) for _ in range(rng.randrange(1, 40)))


def encode(encoder, text, level, rng):
    """The module matrix (list of rows of 0/1, no quiet zone) of `text` (UTF-8) from `encoder`."""
    data = text.encode("utf-8")
    if encoder == "segno":
        qr = segno.make(text, error=level.lower(), micro=False, boost_error=False, encoding="utf-8",
                        mask=rng.choice([None, None, rng.randrange(8)]))
        return [list(row) for row in qr.matrix]
    if encoder == "qrcode":
        levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
                  "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
        qr = qrcode.QRCode(error_correction=levels[level], border=0, box_size=1)
        qr.add_data(data)
        qr.make(fit=True)
        return [[1 if v else 0 for v in row] for row in qr.get_matrix()]
    # qrencode reads the payload from stdin in 8-bit mode and writes a 1-pixel-per-module PNG without margin.
    out = subprocess.run(["qrencode", "-8", "-l", level, "-s", "1", "-m", "0", "-t", "PNG", "-o", "-"],
                         input=data, capture_output=True, check=True).stdout
    pixels = np.array(Image.open(io.BytesIO(out)).convert("RGBA"))[:, :, 0]
    return (pixels < 128).astype(int).tolist()


# MARK: Rendering and distortions

def render(matrix, px, quiet=4):
    size = len(matrix)
    grid = np.pad(np.where(np.array(matrix, dtype=np.uint8) == 1, 0, 255).astype(np.uint8), quiet,
                  constant_values=255)
    side = max(1, int(round((size + 2 * quiet) * px)))
    return cv2.resize(grid, (side, side), interpolation=cv2.INTER_AREA if px < 1 or px % 1 else cv2.INTER_NEAREST)


def warp(img, angle, jitter, rng):
    """Rotates by `angle` degrees and moves each corner by up to `jitter` of the side, on a white canvas."""
    h, w = img.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    a = math.radians(angle)
    dst = []
    for x, y in src:
        dx, dy = x - w / 2, y - h / 2
        dst.append([w / 2 + dx * math.cos(a) - dy * math.sin(a) + rng.uniform(-jitter, jitter) * w,
                    h / 2 + dx * math.sin(a) + dy * math.cos(a) + rng.uniform(-jitter, jitter) * h])
    dst = np.array(dst)
    dst -= dst.min(axis=0) - 8
    size = (int(dst[:, 0].max()) + 9, int(dst[:, 1].max()) + 9)
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    return cv2.warpPerspective(img, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def distort(cls, matrix, rng, nprng):
    params = {}
    px = rng.uniform(3, 5)
    if cls == "scale":
        px = rng.choice([rng.uniform(1.4, 2.4), rng.uniform(9, 16)])
    params["modulePixels"] = round(px, 3)
    img = render(matrix, px)
    angle, jitter = 0.0, 0.0
    if cls in ("rotation", "inverted", "jpeg", "noise", "blur"):
        angle = rng.uniform(0, 360)
    if cls == "perspective":
        angle, jitter = rng.uniform(-30, 30), rng.uniform(0.08, 0.2)
    if angle or jitter:
        img = warp(img, angle, jitter, rng)
        params.update(rotation=round(angle, 2), perspective=round(jitter, 3))
    f = img.astype(np.float64)
    if cls == "blur":
        sigma = px * rng.uniform(0.3, 0.6)
        f = cv2.GaussianBlur(f, (0, 0), sigma)
        params["blur"] = round(sigma, 3)
    if cls == "noise":
        sigma = rng.uniform(20, 60)
        f = f + nprng.normal(0, sigma, f.shape)
        params["noise"] = round(sigma, 2)
    if cls == "low-contrast":
        low = rng.uniform(40, 200)
        span = rng.uniform(15, 40)
        f = low + f / 255 * span + nprng.normal(0, 2, f.shape)
        params["contrast"] = [round(low, 1), round(low + span, 1)]
    if cls == "uneven-light":
        h, w = f.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
        theta = rng.uniform(0, 2 * math.pi)
        t = xx * math.cos(theta) + yy * math.sin(theta)
        t = (t - t.min()) / max(t.max() - t.min(), 1e-9)
        floor = rng.uniform(0.1, 0.35)
        gain = floor + (1 - floor) * t
        # A soft shadow band across the symbol.
        band = np.exp(-((xx * math.sin(theta) - yy * math.cos(theta)) - rng.uniform(-w / 2, w / 2)) ** 2 / (2 * (w / 8) ** 2))
        gain *= 1 - 0.4 * band
        f = f * gain
        params["lighting"] = round(floor, 3)
    if cls == "inverted":
        f = 255 - f
        params["invert"] = True
    out = np.clip(np.rint(f), 0, 255).astype(np.uint8)
    if cls == "jpeg":
        quality = rng.randrange(5, 26)
        buf = io.BytesIO()
        Image.fromarray(out, "L").save(buf, "JPEG", quality=quality)
        out = np.array(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
        params["jpeg"] = quality
    return out, params


# MARK: Reference readers

def read_zxing(pixels):
    results = zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.QRCode)
    return [bytes(r.bytes).hex() for r in results if r.valid]


def read_zbar(path):
    proc = subprocess.run(["zbarimg", "--nodbus", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", path],
                          capture_output=True)
    if proc.returncode not in (0, 4) or not proc.stdout:  # 4: no symbol found
        return []
    data = proc.stdout[:-1] if proc.stdout.endswith(b"\n") else proc.stdout
    return [data.hex()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--per-class", type=int, default=30)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    nprng = np.random.default_rng(args.seed)
    entries = []
    for cls in CLASSES:
        for n in range(args.per_class):
            encoder = ENCODERS[n % len(ENCODERS)]
            level = rng.choice(LEVELS)
            text = payload(rng)
            matrix = encode(encoder, text, level, rng)
            pixels, params = distort(cls, matrix, rng, nprng)
            name = "%s-%03d.png" % (cls, n)
            path = os.path.join(args.out, name)
            Image.fromarray(pixels, "L").save(path)
            expected = text.encode("utf-8").hex()
            zxing = read_zxing(pixels)
            zbar = read_zbar(path)
            entries.append({
                "file": name, "class": cls, "encoder": encoder, "ecLevel": level, "size": len(matrix),
                "payloadHex": expected, "params": params,
                "modules": "".join("".join(str(v) for v in row) for row in matrix),
                "zxing": {"payloadsHex": zxing, "ok": expected in zxing},
                "zbar": {"payloadsHex": zbar, "ok": expected in zbar},
            })
    with open(os.path.join(args.out, "manifest.json"), "w") as handle:
        json.dump({"seed": args.seed, "classes": CLASSES, "images": entries}, handle, indent=1)
    for cls in CLASSES:
        rows = [e for e in entries if e["class"] == cls]
        print("%-13s zxing-cpp %3d/%d  zbarimg %3d/%d" % (
            cls, sum(e["zxing"]["ok"] for e in rows), len(rows), sum(e["zbar"]["ok"] for e in rows), len(rows)))


if __name__ == "__main__":
    main()
