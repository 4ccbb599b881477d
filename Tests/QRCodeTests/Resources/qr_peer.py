#!/usr/bin/env python3
"""Independent peers for the QRCode tests.

Reads {"requests": [...]} as JSON on stdin and writes {"results": [...]} (one result per request,
same order) as JSON on stdout. Operations:

  qrcodegen  encode with Project Nayuki's reference encoder (PyPI package `qrcodegen`)
  penalty    Nayuki's mask penalty score of an arbitrary square module grid
  png        parse a PNG with the standard library only: chunk CRCs, IHDR, zlib inflate
             (which checks Adler-32), scanline unfiltering; returns the pixels
  inflate    zlib.decompress of a zlib stream
  checksums  zlib.crc32 and zlib.adler32 of raw bytes
  svg        parse an SVG with xml.etree and rasterise its path of axis-aligned rectangles

Modules and pixels travel as strings of '1' (dark / black) and '0' (light / white), row-major.
Exit status 3 with a message on stderr when a needed package is missing.
"""
import base64
import json
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

INSTALL_HINT = "run scripts/install-test-deps.sh (pip install qrcodegen==1.8.0)"


def need_qrcodegen():
    try:
        import qrcodegen  # noqa: F401
    except ImportError:
        sys.stderr.write("python package 'qrcodegen' is missing; " + INSTALL_HINT + "\n")
        sys.exit(3)
    return qrcodegen


def op_qrcodegen(req):
    qrcodegen = need_qrcodegen()
    QrCode, QrSegment = qrcodegen.QrCode, qrcodegen.QrSegment
    data = bytes.fromhex(req["hex"])
    mode = req["mode"]
    if mode == "byte":
        segs = [QrSegment.make_bytes(data)]
    elif mode == "alphanumeric":
        segs = [QrSegment.make_alphanumeric(data.decode("ascii"))]
    elif mode == "numeric":
        segs = [QrSegment.make_numeric(data.decode("ascii"))]
    else:
        raise ValueError("unknown mode " + mode)
    ecl = {"L": QrCode.Ecc.LOW, "M": QrCode.Ecc.MEDIUM, "Q": QrCode.Ecc.QUARTILE, "H": QrCode.Ecc.HIGH}[req["ecLevel"]]
    qr = QrCode.encode_segments(segs, ecl, req["minVersion"], req["maxVersion"], req["mask"], False)
    size = qr.get_size()
    modules = "".join("1" if qr.get_module(x, y) else "0" for y in range(size) for x in range(size))
    return {"version": qr.get_version(), "mask": qr.get_mask(), "modules": modules}


def op_penalty(req):
    qrcodegen = need_qrcodegen()
    size = req["size"]
    bits = req["modules"]
    qr = object.__new__(qrcodegen.QrCode)
    qr._size = size
    qr._modules = [[bits[y * size + x] == "1" for x in range(size)] for y in range(size)]
    return {"penalty": qr._get_penalty_score()}


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def op_png(req):
    blob = base64.b64decode(req["base64"])
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        return {"error": "bad signature"}
    pos, idat, ihdr, chunks = 8, b"", None, []
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos:pos + 4])
        ctype = blob[pos + 4:pos + 8]
        data = blob[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", blob[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + data) & 0xFFFFFFFF != crc:
            return {"error": "CRC mismatch in chunk " + ctype.decode("latin-1")}
        chunks.append(ctype.decode("latin-1"))
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data)
        elif ctype == b"IDAT":
            idat += data
        pos += 12 + length
    if pos != len(blob):
        return {"error": "trailing bytes"}
    width, height, depth, colour, compression, filt, interlace = ihdr
    if colour != 0 or compression != 0 or filt != 0 or interlace != 0 or depth not in (1, 8):
        return {"error": "unsupported IHDR %r" % (ihdr,)}
    raw = zlib.decompress(idat)  # raises on a bad stream or Adler-32
    stride = (width * depth + 7) // 8
    if len(raw) != height * (stride + 1):
        return {"error": "decompressed size %d, expected %d" % (len(raw), height * (stride + 1))}
    bpp = 1  # filter byte distance for greyscale at depth 1 or 8
    prev = bytearray(stride)
    pixels = []
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 0xFF
            elif ftype != 0:
                return {"error": "bad filter type %d" % ftype}
        prev = line
        if depth == 8:
            for v in line[:width]:
                pixels.append("1" if v == 0 else "0" if v == 255 else "?")
        else:
            for x in range(width):
                pixels.append("0" if (line[x >> 3] >> (7 - (x & 7))) & 1 else "1")
    return {"width": width, "height": height, "bitDepth": depth, "chunks": chunks, "pixels": "".join(pixels)}


def op_inflate(req):
    try:
        raw = zlib.decompress(base64.b64decode(req["base64"]))
    except zlib.error as e:
        return {"error": str(e)}
    return {"base64": base64.b64encode(raw).decode("ascii")}


def op_checksums(req):
    raw = base64.b64decode(req["base64"])
    return {"crc32": zlib.crc32(raw) & 0xFFFFFFFF, "adler32": zlib.adler32(raw) & 0xFFFFFFFF}


def op_svg(req):
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(req["text"].encode("utf-8"))
    if root.tag != ns + "svg":
        return {"error": "root element is " + root.tag}
    view = [int(v) for v in root.get("viewBox").split()]
    side = view[2]
    paths = root.findall(ns + "path")
    rects = root.findall(ns + "rect")
    grid = bytearray(b"0" * (side * side))
    tokens = []
    for path in paths:
        d = path.get("d")
        i = 0
        while i < len(d):
            ch = d[i]
            if ch in "MhvzHVL":
                tokens.append(ch)
                i += 1
            elif ch in "-0123456789":
                j = i + 1
                while j < len(d) and d[j] in "0123456789":
                    j += 1
                tokens.append(int(d[i:j]))
                i = j
            elif ch in " ,":
                i += 1
            else:
                return {"error": "unexpected path character %r" % ch}
    # Interpret as closed polygons; each must be an axis-aligned rectangle.
    i = 0
    while i < len(tokens):
        if tokens[i] != "M":
            return {"error": "subpath does not start with M"}
        x, y = tokens[i + 1], tokens[i + 2]
        pts = [(x, y)]
        i += 3
        while i < len(tokens) and tokens[i] != "z":
            cmd, n = tokens[i], tokens[i + 1]
            if cmd == "h":
                x += n
            elif cmd == "v":
                y += n
            else:
                return {"error": "unsupported command " + str(cmd)}
            pts.append((x, y))
            i += 2
        i += 1  # z
        xs = sorted({p[0] for p in pts})
        ys = sorted({p[1] for p in pts})
        corners = {(xs[0], ys[0]), (xs[-1], ys[0]), (xs[-1], ys[-1]), (xs[0], ys[-1])}
        if len(pts) != 4 or len(xs) != 2 or len(ys) != 2 or set(pts) != corners:
            return {"error": "subpath is not a rectangle: %r" % (pts,)}
        for yy in range(ys[0], ys[1]):
            for xx in range(xs[0], xs[1]):
                if grid[yy * side + xx] == ord("1"):
                    return {"error": "overlapping rectangles at %d,%d" % (xx, yy)}
                grid[yy * side + xx] = ord("1")
    return {
        "viewBox": view,
        "shapeRendering": root.get("shape-rendering"),
        "pathCount": len(paths),
        "pathFill": paths[0].get("fill") if paths else None,
        "rectFills": [r.get("fill") for r in rects],
        "pixels": grid.decode("ascii"),
    }


OPS = {"qrcodegen": op_qrcodegen, "penalty": op_penalty, "png": op_png, "inflate": op_inflate,
       "checksums": op_checksums, "svg": op_svg}


def main():
    requests = json.load(sys.stdin)["requests"]
    results = [OPS[req["op"]](req) for req in requests]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
