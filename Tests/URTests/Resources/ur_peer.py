#!/usr/bin/env python3
"""Independent peers for the UR tests.

Reads {"requests": [...]} as JSON on stdin and writes {"results": [...]} (one result per request, same order) as
JSON on stdout. Operations:

  sha256            hashlib.sha256 of hex bytes
  crc32             zlib.crc32 of hex bytes
  bytewords_encode  Foundation Devices' Python port of bc-ur (foundation-ur-py, shipped inside the PyPI package
  bytewords_decode  bitcoin-qr-tools as bitcoin_qr_tools.ur): Bytewords in a style
  xoshiro           the port's Xoshiro256 seeded from bytes: `count` next() outputs (decimal strings), doubles
  choose_fragments  the port's choose_fragments(seqNum, seqLen, checksum), sorted
  fragment_length   the port's FountainEncoder.find_nominal_fragment_length
  ur_encode         the port's UREncoder: `count` part strings for a type and CBOR message
  ur_decode         the port's URDecoder fed part strings in order: type, CBOR hex and how many parts it took
  cbor_encode       cbor2 encoding of a JSON tree, map keys in bytewise order of their cbor2 encodings
                    (RFC 8949 section 4.2.1)
  cbor_random       random trees from Python's random module, encoded as cbor_encode does

JSON trees: {"u": "<decimal>"} unsigned, {"n": "<decimal>"} the negative integer -1-n, {"b": "<hex>"}, {"t": "<text>"},
{"a": [...]}, {"m": [[key, value], ...]}, {"tag": "<decimal>", "v": tree}, {"bool": true|false}, {"null": true}.

Exit status 3 with a message on stderr when a needed package is missing.
"""
import hashlib
import json
import random
import sys
import zlib

INSTALL_HINT = "run scripts/install-test-deps.sh (pip install cbor2==5.9.0 and pip install --no-deps bitcoin-qr-tools==1.2.0)"


def need(module):
    try:
        if module == "cbor2":
            import cbor2

            return cbor2
        import bitcoin_qr_tools.ur.bytewords as bytewords
        import bitcoin_qr_tools.ur.fountain_encoder as fountain_encoder
        import bitcoin_qr_tools.ur.fountain_utils as fountain_utils
        import bitcoin_qr_tools.ur.ur as ur
        import bitcoin_qr_tools.ur.ur_decoder as ur_decoder
        import bitcoin_qr_tools.ur.ur_encoder as ur_encoder
        import bitcoin_qr_tools.ur.xoshiro256 as xoshiro256

        return {
            "bytewords": bytewords,
            "fountain_encoder": fountain_encoder,
            "fountain_utils": fountain_utils,
            "ur": ur,
            "ur_decoder": ur_decoder,
            "ur_encoder": ur_encoder,
            "xoshiro256": xoshiro256,
        }
    except ImportError as error:
        sys.stderr.write("python package missing (" + str(error) + "); " + INSTALL_HINT + "\n")
        sys.exit(3)


def styles(bc):
    b = bc["bytewords"]
    return {"standard": b.Bytewords_Style_standard, "uri": b.Bytewords_Style_uri, "minimal": b.Bytewords_Style_minimal}


def op_sha256(req):
    return {"hex": hashlib.sha256(bytes.fromhex(req["hex"])).hexdigest()}


def op_crc32(req):
    return {"crc": zlib.crc32(bytes.fromhex(req["hex"]))}


def op_bytewords_encode(req):
    bc = need("bc")
    return {"text": bc["bytewords"].Bytewords.encode(styles(bc)[req["style"]], bytes.fromhex(req["hex"]))}


def op_bytewords_decode(req):
    bc = need("bc")
    try:
        return {"hex": bytes(bc["bytewords"].Bytewords.decode(styles(bc)[req["style"]], req["text"])).hex()}
    except Exception as error:  # the port raises ValueError, or IndexError for odd lengths
        return {"error": type(error).__name__}


def op_xoshiro(req):
    bc = need("bc")
    rng = bc["xoshiro256"].Xoshiro256.from_bytes(bytes.fromhex(req["seed"]))
    outputs = [str(rng.next()) for _ in range(req["count"])]
    doubles = [rng.next_double() for _ in range(req["count"])]
    return {"outputs": outputs, "doubles": doubles}


def op_choose_fragments(req):
    bc = need("bc")
    indexes = bc["fountain_utils"].choose_fragments(req["seqNum"], req["seqLen"], req["checksum"])
    return {"indexes": sorted(indexes)}


def op_fragment_length(req):
    bc = need("bc")
    encoder = bc["fountain_encoder"].FountainEncoder
    return {
        "fragmentLength": encoder.find_nominal_fragment_length(
            req["messageLength"], req["minFragmentLength"], req["maxFragmentLength"]
        )
    }


def op_ur_encode(req):
    bc = need("bc")
    # The port pads fragments with bytearray.append: give it a bytearray.
    ur = bc["ur"].UR(req["type"], bytearray.fromhex(req["cbor"]))
    encoder = bc["ur_encoder"].UREncoder(ur, req["maxFragmentLength"], req["firstSeqNum"], req["minFragmentLength"])
    return {"parts": [encoder.next_part() for _ in range(req["count"])]}


def op_ur_decode(req):
    bc = need("bc")
    decoder = bc["ur_decoder"].URDecoder()
    used = 0
    for part in req["parts"]:
        decoder.receive_part(part)
        used += 1
        if decoder.is_complete():
            break
    if not decoder.is_complete():
        return {"complete": False, "used": used}
    if decoder.is_failure():
        return {"complete": True, "error": str(decoder.result_error()), "used": used}
    result = decoder.result_message()
    return {"complete": True, "type": result.type, "cbor": bytes(result.cbor).hex(), "used": used}


# ---- CBOR with cbor2 ----


class Ordered(dict):
    """A dict encoded in insertion order (cbor2 keeps it when canonical is off)."""


def to_python(tree, cbor2, as_key=False):
    if "u" in tree:
        return int(tree["u"])
    if "n" in tree:
        return -1 - int(tree["n"])
    if "b" in tree:
        return bytes.fromhex(tree["b"])
    if "t" in tree:
        return tree["t"]
    if "a" in tree:
        items = [to_python(item, cbor2, as_key) for item in tree["a"]]
        return tuple(items) if as_key else items
    if "m" in tree:
        pairs = [(to_python(k, cbor2, True), to_python(v, cbor2, as_key)) for k, v in tree["m"]]
        # Deterministic order: bytewise lexicographic on each key's encoding, by cbor2 (RFC 8949 section 4.2.1).
        pairs.sort(key=lambda pair: cbor2.dumps(pair[0]))
        if as_key:
            return cbor2.FrozenDict(pairs)
        return dict(pairs)
    if "tag" in tree:
        return cbor2.CBORTag(int(tree["tag"]), to_python(tree["v"], cbor2, as_key))
    if "bool" in tree:
        return bool(tree["bool"])
    if "null" in tree:
        return None
    raise ValueError("unknown tree node " + json.dumps(tree))


def op_cbor_encode(req):
    cbor2 = need("cbor2")
    return {"hex": cbor2.dumps(to_python(req["tree"], cbor2)).hex()}


def random_text(rng):
    alphabet_ranges = [(0x20, 0x7E), (0x00, 0x1F), (0xA0, 0x7FF), (0x800, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF)]
    chars = []
    for _ in range(rng.randint(0, 12)):
        low, high = rng.choice(alphabet_ranges)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def random_tree(rng, depth):
    kinds = ["u", "n", "b", "t", "bool", "null"] + (["a", "m", "tag"] if depth < 4 else [])
    kind = rng.choice(kinds)
    boundary = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**64 - 1]
    if kind in ("u", "n"):
        value = rng.choice(boundary) if rng.random() < 0.4 else rng.randint(0, 2 ** rng.choice([5, 8, 16, 32, 64]) - 1)
        return {kind: str(value)}
    if kind == "b":
        return {"b": bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 5, 23, 24, 30, 300]))).hex()}
    if kind == "t":
        return {"t": random_text(rng)}
    if kind == "bool":
        return {"bool": rng.random() < 0.5}
    if kind == "null":
        return {"null": True}
    if kind == "a":
        return {"a": [random_tree(rng, depth + 1) for _ in range(rng.choice([0, 1, 3, 24]))]}
    if kind == "m":
        entries = {}
        for _ in range(rng.choice([0, 1, 3, 8])):
            key = random_key(rng)
            entries[json.dumps(key, sort_keys=True)] = (key, random_tree(rng, depth + 1))
        return {"m": [[k, v] for k, v in entries.values()]}
    return {"tag": str(rng.choice([0, 1, 24, 32, 300, 40300, 2**32, 2**64 - 1])), "v": random_tree(rng, depth + 1)}


def random_key(rng):
    kind = rng.choice(["u", "n", "t", "b"])
    if kind in ("u", "n"):
        return {kind: str(rng.randint(0, 2 ** rng.choice([4, 8, 16, 64]) - 1))}
    if kind == "t":
        return {"t": random_text(rng)}
    return {"b": bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 4))).hex()}


def canonical_tree(value, cbor2):
    """The tree of a decoded cbor2 value (to report what cbor2 made of our bytes)."""
    if isinstance(value, bool):
        return {"bool": value}
    if value is None:
        return {"null": True}
    if isinstance(value, int):
        return {"u": str(value)} if value >= 0 else {"n": str(-1 - value)}
    if isinstance(value, (bytes, bytearray)):
        return {"b": bytes(value).hex()}
    if isinstance(value, str):
        return {"t": value}
    if isinstance(value, (list, tuple)):
        return {"a": [canonical_tree(item, cbor2) for item in value]}
    if isinstance(value, dict):
        return {"m": [[canonical_tree(k, cbor2), canonical_tree(v, cbor2)] for k, v in value.items()]}
    if isinstance(value, cbor2.CBORTag):
        return {"tag": str(value.tag), "v": canonical_tree(value.value, cbor2)}
    raise ValueError("unexpected " + repr(value))


def op_cbor_random(req):
    cbor2 = need("cbor2")
    rng = random.Random(req["seed"])
    items = []
    for _ in range(req["count"]):
        tree = random_tree(rng, 0)
        items.append({"tree": tree, "hex": cbor2.dumps(to_python(tree, cbor2)).hex()})
    return {"items": items}


def op_cbor_decode(req):
    cbor2 = need("cbor2")
    # Tags 2 and 3 are bignums to cbor2; keep every tag opaque so the tree mirrors the encoding.
    value = cbor2.loads(bytes.fromhex(req["hex"]), tag_hook=lambda decoder, tag: tag)
    return {"tree": canonical_tree(value, cbor2)}


OPS = {
    "sha256": op_sha256,
    "crc32": op_crc32,
    "bytewords_encode": op_bytewords_encode,
    "bytewords_decode": op_bytewords_decode,
    "xoshiro": op_xoshiro,
    "choose_fragments": op_choose_fragments,
    "fragment_length": op_fragment_length,
    "ur_encode": op_ur_encode,
    "ur_decode": op_ur_decode,
    "cbor_encode": op_cbor_encode,
    "cbor_random": op_cbor_random,
    "cbor_decode": op_cbor_decode,
}


def main():
    requests = json.load(sys.stdin)["requests"]
    results = [OPS[request["op"]](request) for request in requests]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
