"""Unpacks a sandbox archive as DiracX 0.7.0's client does (diracx.api.jobs.download_sandbox: its
tarfile_open, then extractall with the "data" filter) and prints each extracted file as JSON:
name, mode and base64 content. Used by test/tools/sandbox-upload.test.ts.
"""
import base64
import json
import os
import sys
import tempfile

from diracx.api.jobs import tarfile_open

with open(sys.argv[1], "rb") as fh, tempfile.TemporaryDirectory() as dest:
    with tarfile_open(fh) as tf:
        tf.extractall(path=dest, filter="data")
    out = []
    for root, _dirs, files in os.walk(dest):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                data = f.read()
            out.append(
                {
                    "name": os.path.relpath(path, dest),
                    "executable": os.access(path, os.X_OK),
                    "content_base64": base64.b64encode(data).decode(),
                }
            )
print(json.dumps(sorted(out, key=lambda e: e["name"])))
