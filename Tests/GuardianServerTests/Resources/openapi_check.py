"""Checks Chronoguard's OpenAPI document with openapi-spec-validator (OpenAPI 3.1 meta-schema and references) and
validates real response bodies against the response schemas it declares (jsonschema, Draft 2020-12).

stdin:  {"document": "<openapi.json text>", "samples": [{"path": template, "method": "get", "status": 200, "body": "<json>"}]}
stdout: {"specErrors": [...], "sampleErrors": [...]}
"""
import json
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource

request = json.load(sys.stdin)
document = json.loads(request["document"])
spec_errors = []
try:
    validate(document)
except Exception as error:  # report, do not crash: the Swift side prints it
    spec_errors.append(str(error).splitlines()[0])

# The whole document as one resource, so `#/components/schemas/...` references resolve inside response schemas.
registry = Registry().with_resource("urn:openapi", Resource.opaque(document))

def resolve(node):
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        pointer = node["$ref"].lstrip("#/").split("/")
        node = document
        for part in pointer:
            node = node[part]
    return node

sample_errors = []
for sample in request["samples"]:
    operation = document["paths"].get(sample["path"], {}).get(sample["method"])
    where = f'{sample["method"].upper()} {sample["path"]} {sample["status"]}'
    if operation is None:
        sample_errors.append(f"{where}: operation not documented")
        continue
    response = operation["responses"].get(str(sample["status"]))
    if response is None:
        sample_errors.append(f"{where}: status not documented")
        continue
    response = resolve(response)
    content = response.get("content")
    if not content:
        if sample["body"]:
            sample_errors.append(f"{where}: body sent but none documented")
        continue
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        continue
    # Rewrite local refs so the schema resolves against the whole document.
    wrapped = {"$ref": "urn:openapi" + schema["$ref"]} if "$ref" in schema else schema
    validator = Draft202012Validator(wrapped, registry=registry)
    for error in validator.iter_errors(json.loads(sample["body"])):
        sample_errors.append(f"{where}: {error.message} at {list(error.absolute_path)}")

json.dump({"specErrors": spec_errors, "sampleErrors": sample_errors}, sys.stdout)
