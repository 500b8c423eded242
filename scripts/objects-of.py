#!/usr/bin/env python3
"""objects-of.py COMPILE_COMMANDS.json < FILES: the object files (paths
relative to the build directory, as ninja names them) that compile the
source files listed on standard input (paths relative to the source
tree), one for each target or library that compiles them, qtests and
libqos included.  A source that the configured targets do not compile
gives no object."""
import json
import os
import sys

with open(sys.argv[1]) as f:
    commands = json.load(f)
build = os.path.dirname(os.path.abspath(sys.argv[1]))
wanted = {line.strip() for line in sys.stdin if line.strip()}
for c in commands:
    src = os.path.normpath(os.path.join(c["directory"], c["file"]))
    rel = os.path.relpath(src, os.path.dirname(build))
    if rel in wanted and "output" in c:
        print(c["output"])
