#!/usr/bin/env python3
"""Independent peers for the QRCode image-decoding tests (PNG, PGM/PPM, zlib).

Reads {"requests": [...]} as JSON on stdin and writes {"results": [...]} (one result per request, same order) as
JSON on stdout. Operations:

  png     random pixels of a colour type / bit depth / interlace method, written as a PNG (by Pillow's own encoder
          where Pillow can write that mode, otherwise by a small writer here using random filters, zlib levels and
          IDAT splits), then decoded by Pillow, which must give back the generated samples; returns the file and
          the expected luminance (BT.601 luma, tRNS/alpha composited over white, computed in floating point)
  pnm     random pixels written as P2/P3/P5/P6 with a random maxval and comments (Pillow writes raw maxval-255
          files itself), decoded by Pillow; returns the file and the luminance computed from Pillow's samples
  zlib    random compressible data deflated by zlib with a random level, strategy and window; returns both

Binary data travels as base64. Exit status 3 with a message on stderr when a needed package is missing.
"""
import base64
import io
import json
import random
import struct
import sys
import zlib

INSTALL_HINT = "run scripts/install-test-deps.sh (pip install pillow==13.0.0 numpy)"

try:
    import numpy as np
    from PIL import Image
except ImportError as error:  # pragma: no cover
    sys.stderr.write("python package missing (%s); %s\n" % (error, INSTALL_HINT))
    sys.exit(3)


def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def chunk(ctype, data):
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF)


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pack_row(samples, depth):
    """Samples (ints) of one row packed big-endian / MSB-first (PNG §7.2)."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, nbits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        nbits += depth
        if nbits == 8:
            out.append(acc)
            acc, nbits = 0, 0
    if nbits:
        out.append(acc << (8 - nbits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(rng, line, prev, bpp):
    ftype = rng.randrange(5)
    out = bytearray([ftype])
    for i, x in enumerate(line):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i] if prev is not None else 0
        c = prev[i - bpp] if prev is not None and i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]
        out.append((x - pred) & 0xFF)
    return bytes(out)


def write_png(rng, samples, ct, depth, interlace, plte, trns):
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx, :]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prev = None
        for row in sub:
            line = pack_row([int(v) for v in row.reshape(-1)], depth)
            raw += filter_row(rng, line, prev, bpp)
            prev = line
    comp = zlib.compressobj(rng.randrange(10), zlib.DEFLATED, rng.randrange(9, 16), 9,
                            rng.choice([zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY,
                                        zlib.Z_RLE, zlib.Z_FIXED]))
    data = comp.compress(bytes(raw)) + comp.flush()
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0, interlace))
    out += chunk(b"tEXt", b"Comment\x00random test image")
    if plte is not None:
        out += chunk(b"PLTE", plte)
    if trns is not None:
        out += chunk(b"tRNS", trns)
    pos = 0
    while pos < len(data):  # several IDAT chunks of random sizes, sometimes an empty one
        n = rng.choice([0, 1, 7, 100, 1000, 1 << 16])
        out += chunk(b"IDAT", data[pos:pos + n])
        pos += n
    return out + chunk(b"IEND", b"")


def luma(r, g, b):
    return 0.299 * r + 0.587 * g + 0.114 * b


def over_white(y, a):
    return y * a / 255.0 + 255.0 * (1.0 - a / 255.0)


def op_png(req):
    rng = random.Random(req["seed"])
    ct, depth, interlace = req["colourType"], req["bitDepth"], req["interlace"]
    w, h = req["width"], req["height"]
    ch = CHANNELS[ct]
    maxv = (1 << depth) - 1
    nprng = np.random.default_rng(req["seed"])
    plte = trns = None
    palette = None
    if ct == 3:
        entries = rng.randrange(1, (1 << depth) + 1)
        palette = nprng.integers(0, 256, size=(entries, 3))
        plte = bytes(int(v) for v in palette.reshape(-1))
        samples = nprng.integers(0, entries, size=(h, w, 1))
        if req["transparency"]:
            alphas = nprng.integers(0, 256, size=rng.randrange(1, entries + 1))
            trns = bytes(int(a) for a in alphas)
    else:
        # Few distinct values so that runs, repeats and the tRNS colour actually occur.
        levels = nprng.integers(0, maxv + 1, size=rng.randrange(2, 9))
        samples = levels[nprng.integers(0, len(levels), size=(h, w, ch))]
        if req["transparency"] and ct in (0, 2):
            key = [int(v) for v in samples[rng.randrange(h), rng.randrange(w)]]
            trns = b"".join(struct.pack(">H", v) for v in key)
    # Pillow's own encoder for the modes it writes (not interlaced); ours otherwise.
    pillow_mode = {(0, 8): "L", (2, 8): "RGB", (4, 8): "LA", (6, 8): "RGBA", (0, 16): "I;16", (0, 1): "1"}
    use_pillow = req.get("pillowWriter") and not interlace and trns is None and (ct, depth) in pillow_mode
    if use_pillow:
        mode = pillow_mode[(ct, depth)]
        arr = samples[:, :, 0] if ch == 1 else samples
        if mode == "1":
            im = Image.fromarray((arr * 255).astype(np.uint8), "L").convert("1")
        elif mode == "I;16":
            im = Image.fromarray(arr.astype(np.uint16))
        else:
            im = Image.fromarray(arr.astype(np.uint8), mode)
        buf = io.BytesIO()
        im.save(buf, "PNG", compress_level=rng.randrange(10))
        blob = buf.getvalue()
    else:
        blob = write_png(rng, samples, ct, depth, interlace, plte, trns)

    # Pillow decodes the file; its samples must be the generated ones.
    im = Image.open(io.BytesIO(blob))
    im.load()
    got = np.array(im)
    if im.mode == "P":
        want = samples[:, :, 0]
    elif im.mode == "1":
        want = samples[:, :, 0].astype(bool)
    elif im.mode in ("I;16", "I"):
        want = samples[:, :, 0]
    else:  # L, LA, RGB, RGBA: 8-bit; Pillow scales low depths and keeps the high byte of 16-bit samples
        want = (samples >> 8) if depth == 16 else samples * (255 // maxv)
        if ch == 1:
            want = want[:, :, 0]
        elif ct == 4 and im.mode == "RGBA":  # Pillow widens 16-bit grey + alpha to RGBA
            want = want[:, :, [0, 0, 0, 1]]
    if got.shape != want.shape or not np.array_equal(got.astype(np.int64), want.astype(np.int64)):
        return {"error": "Pillow decoded other samples than were written (mode %s)" % im.mode}

    # Expected luminance from the samples, in floating point.
    s = samples.astype(np.float64)
    eight = np.floor(s / 256.0) if depth == 16 else s * (255.0 / maxv)
    alpha = np.full((h, w), 255.0)
    if ct == 0:
        y = eight[:, :, 0]
    elif ct == 2:
        y = luma(eight[:, :, 0], eight[:, :, 1], eight[:, :, 2])
    elif ct == 3:
        pal = palette.astype(np.float64)
        idx = samples[:, :, 0]
        y = luma(pal[idx, 0], pal[idx, 1], pal[idx, 2])
        if trns is not None:
            table = np.full(len(palette), 255.0)
            table[:len(trns)] = list(trns)
            alpha = table[idx]
    elif ct == 4:
        y, alpha = eight[:, :, 0], eight[:, :, 1]
    else:
        y, alpha = luma(eight[:, :, 0], eight[:, :, 1], eight[:, :, 2]), eight[:, :, 3]
    if trns is not None and ct in (0, 2):
        key = np.array(struct.unpack(">" + "H" * ch, trns))
        alpha = np.where(np.all(samples == key, axis=2), 0.0, 255.0)
    expected = np.clip(np.rint(over_white(y, alpha)), 0, 255).astype(np.uint8)
    result = {"file": b64(blob), "luminance": b64(expected.tobytes())}
    if depth == 8 and ct != 3:
        result["samples"] = b64(samples.astype(np.uint8).tobytes())
    if ct in (0, 2) and depth == 8 and trns is None:
        result["pillowL"] = b64(np.array(im.convert("L")).astype(np.uint8).tobytes())
    return result


def op_pnm(req):
    rng = random.Random(req["seed"])
    kind, w, h = req["kind"], req["width"], req["height"]  # kind: "P2", "P3", "P5", "P6"
    maxval = req["maxval"]
    ch = 3 if kind in ("P3", "P6") else 1
    nprng = np.random.default_rng(req["seed"])
    samples = nprng.integers(0, maxval + 1, size=(h, w, ch))
    if kind in ("P5", "P6") and maxval == 255 and req.get("pillowWriter"):
        im = Image.fromarray(samples[:, :, 0].astype(np.uint8) if ch == 1 else samples.astype(np.uint8))
        buf = io.BytesIO()
        im.save(buf, "PPM")
        blob = buf.getvalue()
    else:
        sep = lambda: rng.choice([b" ", b"\n", b"\t", b"  ", b"\r\n"])  # noqa: E731
        comment = lambda: rng.choice([b"", b"# made by qr_image_peer\n"])  # noqa: E731
        header = kind.encode() + b"\n" + comment() + str(w).encode() + sep() + str(h).encode() + sep() + comment()
        header += str(maxval).encode()
        if kind in ("P2", "P3"):
            body = b"\n".join(b" ".join(str(int(v)).encode() for v in row.reshape(-1)) for row in samples)
            blob = header + b"\n" + body + b"\n"
        else:
            fmt = ">H" if maxval > 255 else ">B"
            body = b"".join(struct.pack(fmt, int(v)) for v in samples.reshape(-1))
            blob = header + b"\n" + body
    im = Image.open(io.BytesIO(blob))
    im.load()
    got = np.array(im).astype(np.float64)
    # Pillow scales maxval ≠ 255 to 8 bits, or to 16 bits (mode I) for maxval > 255.
    if im.mode == "I":
        got = got / 257.0
    if ch == 1:
        y = got if got.ndim == 2 else got[:, :, 0]
    else:
        y = luma(got[:, :, 0], got[:, :, 1], got[:, :, 2])
    exact = samples.astype(np.float64) * 255.0 / maxval
    exact_y = exact[:, :, 0] if ch == 1 else luma(exact[:, :, 0], exact[:, :, 1], exact[:, :, 2])
    if np.max(np.abs(y - exact_y)) > 1.01:
        return {"error": "Pillow's samples differ from the written ones by more than 1"}
    expected = np.clip(np.rint(y), 0, 255).astype(np.uint8)
    return {"file": b64(blob), "luminance": b64(expected.tobytes()), "mode": im.mode}


def op_zlib(req):
    rng = random.Random(req["seed"])
    n = req["length"]
    # Mix of random bytes, runs and repeated phrases so that every block type and long matches occur.
    data = bytearray()
    while len(data) < n:
        pick = rng.randrange(3)
        if pick == 0:
            data += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        elif pick == 1:
            data += bytes([rng.randrange(256)]) * rng.randrange(1, 1000)
        elif data:
            start = rng.randrange(len(data))
            data += data[start:start + rng.randrange(1, 400)]
    data = bytes(data[:n])
    comp = zlib.compressobj(rng.randrange(10), zlib.DEFLATED, rng.randrange(9, 16), rng.randrange(1, 10),
                            rng.choice([zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY,
                                        zlib.Z_RLE, zlib.Z_FIXED]))
    out = b""
    pos = 0
    while pos < len(data):  # flushes in the middle end blocks early (stored empty blocks, block boundaries)
        step = rng.randrange(1, 20000)
        out += comp.compress(data[pos:pos + step])
        if rng.randrange(4) == 0:
            out += comp.flush(rng.choice([zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH]))
        pos += step
    out += comp.flush()
    return {"data": b64(data), "zlib": b64(out)}


OPS = {"png": op_png, "pnm": op_pnm, "zlib": op_zlib}


def main():
    requests = json.load(sys.stdin)["requests"]
    results = []
    for req in requests:
        try:
            results.append(OPS[req["op"]](req))
        except Exception as error:  # report per request; the Swift side fails the test with it
            results.append({"error": "%s: %s" % (type(error).__name__, error)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
