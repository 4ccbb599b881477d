#!/usr/bin/env python3
"""Solidity ABI reference for ABITests: eth-abi 6 (encode, decode, packed.encode_packed) and eth-utils (selectors,
keccak). Reads one JSON request on stdin and writes one JSON reply; every list in the request is answered in order.

Values travel tagged, so no type parsing is needed here: {"u": "12"} uint, {"i": "-3"} int, {"a": "0x.."} address,
{"b": true} bool, {"x": "hex"} bytes or bytesM, {"s": "text"} string, {"l": [...]} array or tuple.

  cases:    [{"types": [...], "values": [...], "ours": "hex"}] ->
            encoded: [hex] (eth_abi.encode), decodes: [bool] (eth_abi.decode(ours) == values)
  packed:   [{"types": [...], "values": [...]}] -> packed: [hex]; arrays are Solidity's (elements padded to 32 bytes,
            eth_abi.encode of each element), since eth-abi's packed mode does not pad array elements
  signatures: [text] -> selectors: [hex of function_signature_to_4byte_selector], hashes: [hex keccak(text)]
  events:   [{"types": [...], "indexed": [bool], "values": [...]}] -> logs: [{"topics": [hex], "data": hex}]
            topics exclude topic0; string/bytes topics are keccak(raw), other composite ones keccak(eth_abi.encode)
  decodes_raw: [{"types": [...], "data": hex}] -> accepted: [bool] (whether eth_abi.decode accepts the data)
"""
import json
import sys

try:
    from eth_abi import decode, encode
    from eth_abi.packed import encode_packed
    from eth_utils import function_signature_to_4byte_selector, keccak
except ModuleNotFoundError as error:
    print(error, file=sys.stderr)
    sys.exit(3)


def to_py(value):
    (tag, item), = value.items()
    if tag in ("u", "i"):
        return int(item)
    if tag == "a":
        return item.lower()  # eth-abi decodes addresses as lowercase hex
    if tag == "b":
        return bool(item)
    if tag == "x":
        return bytes.fromhex(item)
    if tag == "s":
        return item
    return [to_py(v) for v in item]


def norm(value):
    if isinstance(value, (list, tuple)):
        return tuple(norm(v) for v in value)
    return value


def is_array(type_):
    return type_.endswith("]")


def element_type(type_):
    return type_[: type_.rindex("[")]


def is_value_type(type_):
    return not is_array(type_) and not type_.startswith("(") and type_ not in ("bytes", "string")


request = json.load(sys.stdin)
reply = {"encoded": [], "decodes": [], "packed": [], "selectors": [], "hashes": [], "logs": [], "accepted": []}

for case in request.get("cases", []):
    values = [to_py(v) for v in case["values"]]
    reply["encoded"].append(encode(case["types"], values).hex())
    try:
        decoded = decode(case["types"], bytes.fromhex(case["ours"]))
        reply["decodes"].append(norm(decoded) == norm(values))
    except Exception as error:  # noqa: BLE001 - any failure is a mismatch to report
        print(f"decode failed: {error}", file=sys.stderr)
        reply["decodes"].append(False)

for case in request.get("packed", []):
    out = b""
    for type_, value in zip(case["types"], case["values"]):
        if is_array(type_):
            out += b"".join(encode([element_type(type_)], [v]) for v in to_py(value))
        else:
            out += encode_packed([type_], [to_py(value)])
    reply["packed"].append(out.hex())

for text in request.get("signatures", []):
    reply["selectors"].append(function_signature_to_4byte_selector(text).hex())
    reply["hashes"].append(keccak(text=text).hex())

for event in request.get("events", []):
    topics, data_types, data_values = [], [], []
    for type_, indexed, value in zip(event["types"], event["indexed"], event["values"]):
        py = to_py(value)
        if not indexed:
            data_types.append(type_)
            data_values.append(py)
        elif type_ == "string":
            topics.append(keccak(text=py).hex())
        elif type_ == "bytes":
            topics.append(keccak(py).hex())
        elif is_value_type(type_):
            topics.append(encode([type_], [py]).hex())
        else:
            topics.append(keccak(encode([type_], [py])).hex())
    reply["logs"].append({"topics": topics, "data": encode(data_types, data_values).hex()})

for case in request.get("decodes_raw", []):
    try:
        decode(case["types"], bytes.fromhex(case["data"]), strict=True)
        reply["accepted"].append(True)
    except Exception:  # noqa: BLE001 - eth-abi raises several exception types for bad data
        reply["accepted"].append(False)

json.dump(reply, sys.stdout)
