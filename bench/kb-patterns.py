#!/usr/bin/env python3
"""Prints every KB signature's regex, one per line (POSIX ERE, as written
in kb/*.json), for `rg -f` and `grep -E -f` in bench/explain-throughput.sh."""
import glob
import json
import os
import sys

kb = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "kb")
for path in sorted(glob.glob(os.path.join(kb, "*", "*.json"))):
    with open(path, encoding="utf-8") as f:
        entry = json.load(f)
    for sig in entry.get("signatures", []):
        # POSIX ERE reads \" as a plain quote; Rust's regex (rg) rejects
        # the escape, so write the quote bare: same language for both.
        print(sig["regex"].replace('\\"', '"'))
