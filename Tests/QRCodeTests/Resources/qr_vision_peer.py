#!/usr/bin/env python3
"""Independent peers for the QR detector tests: segno encodes symbols, OpenCV and Pillow render and distort them.

Reads {"requests": [...]} as JSON on stdin and writes {"results": [...]} (one result per request, same order) as
JSON on stdout. Operations:

  segno    encode a payload with segno at a given error level / version; returns the module matrix
  scene    render one or more module matrices onto a canvas and distort the picture: rotation (any angle),
           perspective, Gaussian blur, Gaussian noise, low contrast, scale (non-integer module sizes, area/linear
           resampling), uneven lighting (gradient and vignette), inversion, mirroring, JPEG compression; returns a
           greyscale PNG (written by Pillow) and, per symbol, where its corners went

Modules travel as strings of '1' (dark) and '0' (light), row-major; images as base64 PNG. All randomness comes from
the request's seed. Exit status 3 with a message on stderr when a needed package is missing.
"""
import base64
import io
import json
import math
import random
import sys

INSTALL_HINT = ("run scripts/install-test-deps.sh (pip install pillow==13.0.0 numpy==2.4.6 "
                "opencv-python-headless==5.1.0.95 segno==1.6.6)")

try:
    import cv2
    import numpy as np
    import segno
    from PIL import Image, ImageFilter
except ImportError as error:  # pragma: no cover
    sys.stderr.write("python package missing (%s); %s\n" % (error, INSTALL_HINT))
    sys.exit(3)


def op_segno(req):
    qr = segno.make(req["payload"], error=req["ecLevel"].lower(), version=req.get("version"), micro=False,
                    boost_error=False)
    rows = ["".join("1" if v else "0" for v in row) for row in qr.matrix]
    return {"size": len(rows), "version": qr.version, "modules": "".join(rows)}


def render_symbol(modules, size, px, quiet):
    """The symbol with its quiet zone at `px` pixels per module (float), dark 0, light 255, plus its corners."""
    grid = np.array([[255 if modules[y * size + x] == "0" else 0 for x in range(size)] for y in range(size)],
                    dtype=np.uint8)
    grid = np.pad(grid, quiet, constant_values=255)
    side = int(round((size + 2 * quiet) * px))
    interp = cv2.INTER_NEAREST if abs(px - round(px)) < 1e-9 else cv2.INTER_AREA
    img = cv2.resize(grid, (side, side), interpolation=interp)
    scale = side / (size + 2 * quiet)
    corners = [[quiet * scale, quiet * scale], [(quiet + size) * scale, quiet * scale],
               [(quiet + size) * scale, (quiet + size) * scale], [quiet * scale, (quiet + size) * scale]]
    return img, np.array(corners, dtype=np.float64)


def place(canvas, img, corners, x0, y0, rng, angle, persp):
    """Warps `img` (its corners `corners`) by a rotation and a perspective jitter, pastes it at (x0, y0) on the
    canvas (darkest-wins, so neighbours never erase each other); returns the corners' new places."""
    h, w = img.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    cx, cy = w / 2, h / 2
    a = math.radians(angle)
    dst = []
    for (x, y) in src:
        dx, dy = x - cx, y - cy
        rx = cx + dx * math.cos(a) - dy * math.sin(a)
        ry = cy + dx * math.sin(a) + dy * math.cos(a)
        dst.append([rx + rng.uniform(-persp, persp) * w, ry + rng.uniform(-persp, persp) * h])
    dst = np.array(dst)
    dst -= dst.min(axis=0)
    matrix = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    out_w, out_h = int(math.ceil(dst[:, 0].max())) + 1, int(math.ceil(dst[:, 1].max())) + 1
    warped = cv2.warpPerspective(img, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    region = canvas[y0:y0 + out_h, x0:x0 + out_w]
    warped = warped[:region.shape[0], :region.shape[1]]
    np.minimum(region, warped, out=region)
    moved = cv2.perspectiveTransform(corners.reshape(1, -1, 2).astype(np.float64), matrix)[0]
    return (moved + [x0, y0]).tolist(), (out_w, out_h)


def op_scene(req):
    rng = random.Random(req["seed"])
    d = req["distortion"]
    symbols = req["symbols"]  # [{"modules": str, "size": int}]
    px = d.get("modulePixels", 4.0)
    quiet = d.get("quietZone", 4)
    rendered = [render_symbol(s["modules"], s["size"], px, quiet) for s in symbols]
    # Lay the symbols out left to right on a canvas with a margin, each rotated / warped on its own.
    margin = d.get("margin", 10)
    warped_sizes = [int(max(img.shape) * (1.5 if d.get("rotation") or d.get("randomRotation") or d.get("perspective") else 1.0)) + 2
                    for img, _ in rendered]
    width = sum(warped_sizes) + margin * (len(rendered) + 1)
    height = max(warped_sizes) + 2 * margin
    canvas = np.full((height, width), 255, dtype=np.uint8)
    outlines = []
    x = margin
    for (img, corners), slot in zip(rendered, warped_sizes):
        angle = d.get("rotation", 0.0)
        if d.get("randomRotation"):
            angle = rng.uniform(0, 360)
        moved, (w, h) = place(canvas, img, corners, x, margin + (slot - 0) // 2 - slot // 2, rng, angle,
                              d.get("perspective", 0.0))
        outlines.append(moved)
        x += slot + margin
    image = canvas.astype(np.float64)
    if d.get("blur"):
        image = cv2.GaussianBlur(image, (0, 0), d["blur"])
    if d.get("lighting"):
        # A multiplicative gradient in a random direction plus a vignette; the darkest corner keeps `lighting`.
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
        theta = rng.uniform(0, 2 * math.pi)
        t = (xx * math.cos(theta) + yy * math.sin(theta))
        t = (t - t.min()) / max(t.max() - t.min(), 1e-9)
        r = np.hypot(xx - width / 2, yy - height / 2) / math.hypot(width / 2, height / 2)
        gain = d["lighting"] + (1 - d["lighting"]) * t
        gain *= 1 - 0.25 * r * r
        image = image * gain
    if d.get("contrast"):
        low, high = d["contrast"]
        image = low + image / 255.0 * (high - low)
    if d.get("noise"):
        nprng = np.random.default_rng(req["seed"])
        image = image + nprng.normal(0, d["noise"], image.shape)
    if d.get("invert"):
        image = 255 - image
    if d.get("mirror"):
        image = image[:, ::-1]
        outlines = [[[width - 1 - p[0] + 1, p[1]] for p in o] for o in outlines]
    if d.get("scale"):
        f = d["scale"]
        nw, nh = max(1, int(width * f)), max(1, int(height * f))
        image = cv2.resize(np.clip(image, 0, 255), (nw, nh), interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
        outlines = [[[p[0] * nw / width, p[1] * nh / height] for p in o] for o in outlines]
    pil = Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8), "L")
    if d.get("jpeg"):
        buf = io.BytesIO()
        pil.save(buf, "JPEG", quality=int(d["jpeg"]))
        pil = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    out = io.BytesIO()
    pil.save(out, "PNG")
    return {"png": base64.b64encode(out.getvalue()).decode("ascii"), "width": pil.width, "height": pil.height,
            "corners": outlines}


OPS = {"segno": op_segno, "scene": op_scene}


def main():
    requests = json.load(sys.stdin)["requests"]
    results = []
    for req in requests:
        try:
            results.append(OPS[req["op"]](req))
        except Exception as error:  # reported per request; the Swift side fails the test with it
            results.append({"error": "%s: %s" % (type(error).__name__, error)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
