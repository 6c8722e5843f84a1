"""Inventory report: load a YAML inventory into SQLite, total it with exact decimals, and print a JSON
summary with a checksum and the compressed size of the canonical record set.

It deliberately uses modules that Debian's python3 loads from lib-dynload (_sqlite3, _decimal, _hashlib,
_json, _bz2, _lzma) and PyYAML's C loader from python3-yaml, so a trimmed image that forgets one fails.
"""
import bz2
import decimal
import hashlib
import json
import lzma
import sqlite3
import sys
import zlib

import yaml


def load_inventory(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.CSafeLoader)


def summarize(inventory):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE item (sku TEXT PRIMARY KEY, name TEXT, quantity INTEGER, unit_price TEXT)")
    db.executemany(
        "INSERT INTO item VALUES (:sku, :name, :quantity, :unit_price)", inventory["items"]
    )
    rows = db.execute("SELECT sku, name, quantity, unit_price FROM item ORDER BY sku").fetchall()
    total = sum(
        (decimal.Decimal(price) * quantity for _, _, quantity, price in rows), decimal.Decimal("0")
    )
    canonical = json.dumps(rows, separators=(",", ":")).encode("utf-8")
    return {
        "warehouse": inventory["warehouse"],
        "items": len(rows),
        "units": sum(quantity for _, _, quantity, _ in rows),
        "value": f"{total.quantize(decimal.Decimal('0.01'))} {inventory['currency']}",
        "sha256": hashlib.sha256(canonical).hexdigest(),
        "compressed": {
            "zlib": len(zlib.compress(canonical, 9)),
            "bz2": len(bz2.compress(canonical)),
            "xz": len(lzma.compress(canonical)),
        },
        "sqlite": sqlite3.sqlite_version,
    }


def main(argv):
    path = argv[1] if len(argv) > 1 else "inventory.yaml"
    print(json.dumps(summarize(load_inventory(path)), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
