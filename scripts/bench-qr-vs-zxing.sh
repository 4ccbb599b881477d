#!/usr/bin/env bash
# Times QRCode's reader (release build, one thread, CPU time) next to zxing-cpp (PyPI, C++ behind Python) on the same
# 1-megapixel images, in one run, and prints the ratio per image (ours / zxing-cpp: < 1 means we are faster).
# The images (1000 × 1000 grey PNGs, made here with segno + OpenCV, not committed): versions 2, 5, 10 and 25, at an
# angle, in perspective, with noise and blur — what a phone camera frame cropped to 1 MP looks like. zxing-cpp is
# timed on the decoded luminance array (as a camera app would call it), with `try_rotate`/`try_invert` as its
# defaults, so neither side pays for PNG decoding.
#   scripts/bench-qr-vs-zxing.sh [seconds-per-image]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_IMAGE="${1:-2}"
work=$(mktemp -d /tmp/chronoguard-qr-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys, random
import numpy as np, cv2, segno
out = sys.argv[1]
rng = random.Random(2026)
for version in (2, 5, 10, 25):
    text = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(40 * version))
    qr = segno.make_qr(text[: {2: 20, 5: 80, 10: 200, 25: 900}[version]], error="m", version=version)
    matrix = np.array([[0 if m else 255 for m in row] for row in qr.matrix], dtype=np.uint8)
    side = 600
    symbol = cv2.resize(matrix, (side, side), interpolation=cv2.INTER_NEAREST)
    canvas = np.full((1000, 1000), 230, dtype=np.uint8)
    canvas[200:800, 200:800] = symbol
    h, w = canvas.shape
    rotate = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(10, 80), 0.9)
    canvas = cv2.warpAffine(canvas, rotate, (w, h), borderValue=230)
    d = 60
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[rng.uniform(0, d), rng.uniform(0, d)], [w - rng.uniform(0, d), rng.uniform(0, d)],
                      [w - rng.uniform(0, d), h - rng.uniform(0, d)], [rng.uniform(0, d), h - rng.uniform(0, d)]])
    canvas = cv2.warpPerspective(canvas, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=230)
    canvas = cv2.GaussianBlur(canvas.astype(np.float32), (3, 3), 0.8)
    canvas = np.clip(canvas + np.random.default_rng(version).normal(0, 5, canvas.shape), 0, 255).astype(np.uint8)
    cv2.imwrite(f"{out}/v{version:02d}-1mp.png", canvas)
PY
(cd Benchmarks && swift build -c release --product QRDecodeThroughput >/dev/null)
ours=$(Benchmarks/.build/release/QRDecodeThroughput "$SECONDS_PER_IMAGE" "$work"/*.png)
theirs=$(python3 - "$SECONDS_PER_IMAGE" "$work"/*.png <<'PY'
import sys, time, os
import cv2, zxingcpp
seconds = float(sys.argv[1])
for path in sys.argv[2:]:
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    found = len(zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
    calls, start = 0, time.thread_time()
    while time.thread_time() - start < seconds or calls == 0:
        found = len(zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
        calls += 1
    print(os.path.basename(path), "%.2f" % ((time.thread_time() - start) / calls * 1e3), found)
PY
)
printf "%-14s %16s %16s %8s\n" image "chronoguard ms" "zxing-cpp ms" ratio
paste <(echo "$ours") <(echo "$theirs") | while read -r name a fa _ b fb; do
  printf "%-14s %12s (%s) %12s (%s) %7sx\n" "$name" "$a" "$fa" "$b" "$fb" "$(python3 -c "print(f'{$a/$b:.2f}')")"
done
