#!/usr/bin/env python3
"""Verifies a CreditCheck evidence receipt by hand, as README.md ("Evidence receipts", "Verifying a receipt
without .NET") describes it: standard library only.

    python3 verify_receipt.py KEY_BASE64 RECEIPT      # RECEIPT: the JSON form, or the compact form ccr2.… / ccr1.…

Prints one JSON line {"valid": bool, "form": "json"|"compact", "payloadMatchesCompact": bool|null, ...} and exits 0
when the signature is valid, 1 when it is not, 2 on a malformed receipt.
"""
import base64
import datetime
import hashlib
import hmac
import json
import struct
import sys
import uuid


def b64url_decode(text):
    if "=" in text:
        raise ValueError("base64url in receipts has no padding")
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


def payload_from_json(receipt):
    version = receipt.get("version", 1)
    out = text("creditcheck-receipt-v2" if version == 2 else "creditcheck-receipt-v1")
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
    if version == 2:
        out += b"\x01" if receipt["degraded"] else b"\x00"
        out += text(receipt["path"])
        if receipt["transactionReference"] is None:
            out += b"\x00"
        else:
            out += b"\x01" + text(receipt["transactionReference"])
    return out


def main():
    key = base64.b64decode(sys.argv[1], validate=True)
    receipt = sys.argv[2].strip()
    try:
        if receipt.startswith("{"):
            parsed = json.loads(receipt)
            payload, signature, form = payload_from_json(parsed), parsed["signature"], "json"
        else:
            prefix, body, signature = receipt.split(".")
            if prefix not in ("ccr1", "ccr2"):
                raise ValueError("not a compact receipt")
            payload, form = b64url_decode(body), "compact"
    except (ValueError, KeyError, TypeError) as error:
        print(json.dumps({"valid": False, "malformed": str(error)}))
        return 2
    expected = b64url_encode(hmac.new(key, payload, hashlib.sha256).digest())
    valid = hmac.compare_digest(expected, signature)
    print(json.dumps({"valid": valid, "form": form, "payload": b64url_encode(payload)}))
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
