#!/usr/bin/env python3
"""Independent peers for the QR code decoder tests.

Reads {"requests": [...]} as JSON on stdin and writes {"results": [...]} (one result per request, same order) as JSON
on stdout. Operations:

  segno           encode with segno (PyPI `segno`): text or bytes, a forced mode, an `encoding` (ECI), level,
                  version, mask
  segno_sequence  a structured-append sequence with segno's make_sequence
  qrcode          encode with python-qrcode (PyPI `qrcode`): bytes in a forced mode, level, version, mask
  qrencode        encode with libqrencode's command-line tool (Debian `qrencode`, `-t ASCII`), parsing its matrix
  rs_encode       Reed-Solomon codewords of random messages with reedsolo (PyPI `reedsolo`), QR's field and roots
  rs_decode       reedsolo's correction of corrupted codewords (or its failure)
  codec           decode bytes with a Python codec (the reference for the ECI character sets)
  encode          encode text with a Python codec

Module matrices travel as strings of '1' (dark) and '0' (light), row-major, without quiet zone.
Exit status 3 with a message on stderr when a needed package or tool is missing.
"""
import json
import shutil
import subprocess
import sys

INSTALL_HINT = ("run scripts/install-test-deps.sh (pip install segno==1.6.6 qrcode==8.2 reedsolo==1.7.0; "
                "apt-get install qrencode)")


def need(module):
    try:
        return __import__(module)
    except ImportError:
        sys.stderr.write(f"python package '{module}' is missing; {INSTALL_HINT}\n")
        sys.exit(3)


def content_of(req):
    return req["text"] if req.get("text") is not None else bytes.fromhex(req["hex"])


def rows_to_string(rows):
    return "".join("1" if v else "0" for row in rows for v in row)


def op_segno(req):
    segno = need("segno")
    qr = segno.make(content_of(req), error=req["level"].lower(), version=req.get("version"), mode=req.get("mode"),
                    mask=req.get("mask"), encoding=req.get("encoding"), eci=req.get("eci", False), micro=False,
                    boost_error=False)
    return {"size": len(qr.matrix), "modules": rows_to_string(qr.matrix), "version": qr.version,
            "designator": qr.designator, "mask": qr.mask}


def op_segno_sequence(req):
    segno = need("segno")
    seq = segno.make_sequence(content_of(req), error=req["level"].lower(), version=req.get("version"),
                              symbol_count=req.get("count"), mode=req.get("mode"), encoding=req.get("encoding"),
                              boost_error=False)
    return {"symbols": [{"size": len(qr.matrix), "modules": rows_to_string(qr.matrix)} for qr in seq]}


def op_qrcode(req):
    qrcode = need("qrcode")
    from qrcode.util import QRData, MODE_NUMBER, MODE_ALPHA_NUM, MODE_8BIT_BYTE
    levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
    modes = {"numeric": MODE_NUMBER, "alphanumeric": MODE_ALPHA_NUM, "byte": MODE_8BIT_BYTE}
    qr = qrcode.QRCode(version=req.get("version"), error_correction=levels[req["level"]], border=0,
                       mask_pattern=req.get("mask"))
    for part in req["parts"]:
        qr.add_data(QRData(bytes.fromhex(part["hex"]), mode=modes[part["mode"]], check_data=False), optimize=0)
    qr.make(fit=req.get("version") is None)
    matrix = qr.get_matrix()
    return {"size": len(matrix), "modules": rows_to_string(matrix), "version": qr.version}


def op_qrencode(req):
    if shutil.which("qrencode") is None:
        sys.stderr.write(f"the qrencode command is missing; {INSTALL_HINT}\n")
        sys.exit(3)
    args = ["qrencode", "-t", "ASCII", "-m", "0", "-l", req["level"], "-o", "-"]
    if req.get("version"):
        args += ["-v", str(req["version"])]
    if req.get("flag"):
        args.append(req["flag"])  # -8 (byte mode only) or -k (Kanji mode)
    out = subprocess.run(args, input=bytes.fromhex(req["hex"]), capture_output=True, check=True).stdout
    lines = out.decode("ascii").rstrip("\n").split("\n")
    rows = [[line[i:i + 2] == "##" for i in range(0, len(line), 2)] for line in lines]
    if any(len(row) != len(rows) for row in rows):
        raise ValueError("qrencode printed a non-square matrix")
    return {"size": len(rows), "modules": rows_to_string(rows)}


def codec(nsym):
    reedsolo = need("reedsolo")
    # QR codes: GF(2^8) with x^8 + x^4 + x^3 + x^2 + 1, generator roots alpha^0 ... alpha^(nsym-1), alpha = 2.
    return reedsolo.RSCodec(nsym, nsize=255, fcr=0, prim=0x11D, generator=2, c_exp=8)


def op_rs_encode(req):
    return {"codeword": codec(req["nsym"]).encode(bytes.fromhex(req["hex"])).hex()}


def op_rs_decode(req):
    reedsolo = need("reedsolo")
    try:
        message, full, errata = codec(req["nsym"]).decode(bytearray.fromhex(req["hex"]))
    except reedsolo.ReedSolomonError as error:
        return {"error": str(error)}
    return {"codeword": bytes(full).hex(), "corrected": len(errata)}


def op_codec(req):
    try:
        return {"text": bytes.fromhex(req["hex"]).decode(req["codec"])}
    except UnicodeDecodeError:
        return {"text": None}


def op_encode(req):
    return {"hex": req["text"].encode(req["codec"]).hex()}


OPS = {"encode": op_encode, "segno": op_segno, "segno_sequence": op_segno_sequence, "qrcode": op_qrcode, "qrencode": op_qrencode,
       "rs_encode": op_rs_encode, "rs_decode": op_rs_decode, "codec": op_codec}


def main():
    requests = json.load(sys.stdin)["requests"]
    json.dump({"results": [OPS[req["op"]](req) for req in requests]}, sys.stdout)


if __name__ == "__main__":
    main()
