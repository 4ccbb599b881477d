"""Makes QR frame PNGs look photographed: the only channel between the two devices in the two-device CLI test.

Request (JSON on stdin): {"inputs": [paths], "outputDir": dir, "seed": int, "drop": int (frames to drop),
"shuffle": bool}. Each kept frame is scaled, rotated by a random angle, put in perspective, lit unevenly, blurred,
given sensor noise and JPEG artefacts (Pillow + OpenCV + NumPy), then saved as PNG (what `--scan` reads). Answers
{"outputs": [paths]} in the (shuffled) order written.
"""
import json
import os
import random
import sys

import cv2
import numpy as np
from PIL import Image

request = json.load(sys.stdin)
rng = random.Random(request["seed"])
inputs = list(request["inputs"])
for _ in range(request.get("drop", 0)):
    inputs.pop(rng.randrange(len(inputs)))
if request.get("shuffle"):
    rng.shuffle(inputs)
outputs = []
for index, path in enumerate(inputs):
    image = np.array(Image.open(path).convert("L"), dtype=np.uint8)
    image = cv2.resize(image, None, fx=1.4, fy=1.4, interpolation=cv2.INTER_LINEAR)
    # A margin of "table" around the screen, then a rotation by any angle.
    image = cv2.copyMakeBorder(image, 80, 80, 80, 80, cv2.BORDER_CONSTANT, value=200)
    h, w = image.shape
    angle = rng.uniform(0, 360)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    image = cv2.warpAffine(image, matrix, (w, h), borderValue=200, flags=cv2.INTER_LINEAR)
    # A mild perspective: the phone is not held parallel to the screen.
    d = 0.06 * w
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32([[rng.uniform(0, d), rng.uniform(0, d)], [w - rng.uniform(0, d), rng.uniform(0, d)],
                         [w - rng.uniform(0, d), h - rng.uniform(0, d)], [rng.uniform(0, d), h - rng.uniform(0, d)]])
    image = cv2.warpPerspective(image, cv2.getPerspectiveTransform(source, target), (w, h), borderValue=200)
    # Uneven light and lower contrast, blur, sensor noise, JPEG.
    gradient = np.linspace(0.75, 1.0, w, dtype=np.float32)[None, :] * np.linspace(0.85, 1.0, h, dtype=np.float32)[:, None]
    image = (image.astype(np.float32) * 0.8 + 25) * gradient
    image = cv2.GaussianBlur(image, (5, 5), 1.1)
    image = image + np.random.default_rng(request["seed"] + index).normal(0, 6, image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 70])
    image = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
    out = os.path.join(request["outputDir"], f"photo-{index:03d}.png")
    Image.fromarray(image).save(out)
    outputs.append(out)
json.dump({"outputs": outputs}, sys.stdout)
