#!/usr/bin/env python3
"""Checks that the code's includes follow the layers docs/development.md draws.

A file may include headers of its own layer and of the layers below it, never
above; no tool includes another tool's code; the engine sees no Cap'n Proto.
Prints every include that breaks a rule and exits 1, or exits 0 silently.
Usage: layering.py [ROOT] (default: this repository).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Bottom to top. A layer is a folder; its files may use the folders before it.
LAYERS = [
    "ir/support", "ir/lang", "ir/model", "ir/components", "ir/graph", "ir/lint", "ir/io", "ir/tool",
    "tools/rdc-run/engine", "tools/rdc-run/net", "tools/rdc-run/driver",
]
TOOLS = ["tools/rdc-lint", "tools/rdc-run", "tools/rdc-trace", "tools/rdc-dot", "tools/rdc-project"]
# Where Cap'n Proto may not be seen: the simulator runs on values, not files.
NO_CAPNP = ["tools/rdc-run/engine", "ir/support", "ir/lang", "ir/model", "ir/components", "ir/graph",
            "ir/lint"]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def layer_of(path):
    """The deepest layer folder holding `path`, or None."""
    found = [l for l in LAYERS if path.startswith(l + "/")]
    return max(found, key=len) if found else None


def tool_of(path):
    return next((t for t in TOOLS if path.startswith(t + "/")), None)


def violations(root):
    for top in ("ir", "tools"):
        for folder, _, files in sorted(os.walk(os.path.join(root, top))):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.relpath(os.path.join(folder, name), root)
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    text = f.read()
                for bracket, target in INCLUDE.findall(text):
                    problem = check(path, bracket, target)
                    if problem:
                        yield f"{path}: includes {target}: {problem}"


def check(path, bracket, target):
    mine, theirs = layer_of(path), layer_of(target) if bracket == '"' else None
    if any(path.startswith(l + "/") for l in NO_CAPNP) and (
            target.startswith("capnp/") or target.endswith(".capnp.h")):
        return "this layer does not see Cap'n Proto"
    if bracket != '"':
        return None
    if path.startswith("ir/") and target.startswith("tools/"):
        return "the IR libraries do not use the tools"
    if tool_of(path) and tool_of(target) and tool_of(path) != tool_of(target):
        return "a tool does not use another tool's code"
    if mine and theirs and LAYERS.index(theirs) > LAYERS.index(mine):
        return f"{mine} is below {theirs}"
    if path.startswith("ir/") and target.startswith("ir/") and not theirs:
        return "not in a layer folder"
    return None


def main():
    found = list(violations(sys.argv[1] if len(sys.argv) > 1 else ROOT))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
