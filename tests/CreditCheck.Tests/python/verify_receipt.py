#!/usr/bin/env python3
"""Verifies a CreditCheck evidence receipt by hand, as README.md ("Evidence receipts", "Verifying a receipt
without .NET") describes it: standard library only.

    python3 verify_receipt.py KEY_BASE64 RECEIPT      # RECEIPT: the JSON form, or the compact form ccr3.… / ccr2.… / ccr1.…

Prints one JSON line {"valid": bool, "form": "json"|"compact", "version": 1|2|3, "payload": base64url,
"listsNotHeld": [codes] (format 3; null in formats 1 and 2, which do not record it)} and exits 0 when the signature
is valid, 1 when it is not, 2 on a malformed receipt.
"""
import base64
import datetime
import hashlib
import hmac
import json
import struct
import sys
import uuid


B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_decode(text):
    if not isinstance(text, str) or not set(text) <= B64URL:
        raise ValueError("base64url in receipts is A-Z a-z 0-9 - _ only: no padding, no line breaks")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def field(data):
    """A length-prefixed field: a 4-byte big-endian length, then the bytes."""
    return struct.pack(">i", len(data)) + data


def text(value):
    return field(value.encode("utf-8"))


def ticks(evaluated_at):
    """2026-01-31T08:00:00.0000000Z -> .NET ticks: 100 ns units since 0001-01-01T00:00:00Z."""
    if not evaluated_at.endswith("Z") or len(evaluated_at) != 28:
        raise ValueError("evaluatedAt must look like 2026-01-31T08:00:00.0000000Z")
    whole = datetime.datetime.strptime(evaluated_at[:19], "%Y-%m-%dT%H:%M:%S")
    fraction = int(evaluated_at[20:27])
    delta = whole - datetime.datetime(1, 1, 1)
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + fraction


TAGS = {1: "creditcheck-receipt-v1", 2: "creditcheck-receipt-v2", 3: "creditcheck-receipt-v3"}

V1 = ["keyId", "checkId", "subjectKey", "scenario", "outcome", "entryIds", "catalogVersion", "sequence", "evaluatedAt", "signature"]
PROPERTIES = {1: V1, 2: ["version"] + V1 + ["degraded", "path", "transactionReference"]}
PROPERTIES[3] = PROPERTIES[2] + ["listsNotHeld"]


def no_duplicates(pairs):
    """json.loads keeps the last of two equal keys, while a reader sees the first: a receipt names each field once."""
    seen = {}
    for name, value in pairs:
        if name in seen:
            raise ValueError("the property %r appears twice" % name)
        seen[name] = value
    return seen


def check_types(receipt):
    """Each field has the JSON type the SDK writes, so that what a reader sees is what was signed ("degraded": "false"
    is truthy, "sequence": true packs as 1)."""
    version = receipt.get("version", 1)
    if type(version) is not int or version not in (2, 3) and "version" in receipt:
        raise ValueError("version must be 2 or 3 (format 1 has none)")
    names = PROPERTIES.get(version)
    if set(receipt) != set(names):
        raise ValueError("a format-%d receipt has exactly the properties %s" % (version, ", ".join(names)))
    for name in names:
        value = receipt[name]
        if name in ("version", "sequence"):
            ok = type(value) is int and value >= 0
        elif name == "degraded":
            ok = type(value) is bool
        elif name == "transactionReference":
            ok = value is None or type(value) is str
        elif name in ("entryIds", "listsNotHeld"):
            ok = type(value) is list and all(type(item) is str for item in value)
        else:
            ok = type(value) is str
        if not ok:
            raise ValueError("%s has the wrong JSON type: %r" % (name, value))


def payload_from_json(receipt):
    version = receipt.get("version", 1)
    if version not in TAGS:
        raise ValueError("unknown receipt version %r" % (version,))
    out = text(TAGS[version])
    out += text(receipt["keyId"])
    out += uuid.UUID(receipt["checkId"]).bytes  # 16 bytes, RFC 4122 (big-endian) order
    out += field(b64url_decode(receipt["subjectKey"]))
    out += text(receipt["scenario"])
    out += text(receipt["outcome"])
    out += struct.pack(">i", len(receipt["entryIds"]))
    for entry in receipt["entryIds"]:
        out += text(entry)
    out += text(receipt["catalogVersion"])
    out += struct.pack(">q", receipt["sequence"])
    out += struct.pack(">q", ticks(receipt["evaluatedAt"]))
    if version >= 2:
        out += b"\x01" if receipt["degraded"] else b"\x00"
        out += text(receipt["path"])
        if receipt["transactionReference"] is None:
            out += b"\x00"
        else:
            out += b"\x01" + text(receipt["transactionReference"])
    if version >= 3:
        out += struct.pack(">i", len(receipt["listsNotHeld"]))
        for code in receipt["listsNotHeld"]:
            out += text(code)
    return out


class Reader:
    """Reads the signed payload back, field by field (to show what a compact receipt records)."""

    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, count):
        if count < 0 or self.at + count > len(self.data):
            raise ValueError("payload cut short")
        chunk, self.at = self.data[self.at:self.at + count], self.at + count
        return chunk

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def text(self):
        return self.take(self.int32()).decode("utf-8")


def read_payload(payload):
    """The format and, for format 3, the codes of the lists not held, read from the signed bytes."""
    reader = Reader(payload)
    tag = reader.text()
    versions = {v: k for k, v in TAGS.items()}
    if tag not in versions:
        raise ValueError("unknown payload tag %r" % tag)
    version = versions[tag]
    reader.text()  # keyId
    reader.take(16)  # checkId
    reader.take(reader.int32())  # subjectKey
    reader.text()  # scenario
    reader.text()  # outcome
    for _ in range(reader.int32()):
        reader.text()  # entryIds
    reader.text()  # catalogVersion
    reader.take(16)  # sequence, evaluatedAt
    lists = None
    if version >= 2:
        reader.take(1)  # degraded
        reader.text()  # path
        if reader.take(1) == b"\x01":
            reader.text()  # transactionReference
    if version >= 3:
        lists = [reader.text() for _ in range(reader.int32())]
    if reader.at != len(payload):
        raise ValueError("bytes after the payload's last field")
    return version, lists


def main():
    key = base64.b64decode("".join(sys.argv[1].split()), validate=True)
    receipt = sys.argv[2].strip().lstrip("\ufeff").strip()
    try:
        if receipt.startswith("{"):
            parsed = json.loads(receipt, object_pairs_hook=no_duplicates)
            check_types(parsed)
            payload, signature, form = payload_from_json(parsed), parsed["signature"], "json"
        else:
            prefix, body, signature = receipt.split(".")
            if prefix not in ("ccr1", "ccr2", "ccr3"):
                raise ValueError("not a compact receipt")
            payload, form = b64url_decode(body), "compact"
        version, lists = read_payload(payload)
        if form == "compact" and prefix != "ccr%d" % version:
            raise ValueError("the prefix %s does not match the payload's format %d" % (prefix, version))
    except (ValueError, KeyError, TypeError, struct.error) as error:
        print(json.dumps({"valid": False, "malformed": str(error)}))
        return 2
    expected = b64url_encode(hmac.new(key, payload, hashlib.sha256).digest())
    valid = hmac.compare_digest(expected, signature)
    print(json.dumps({"valid": valid, "form": form, "version": version, "payload": b64url_encode(payload), "listsNotHeld": lists}))
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
