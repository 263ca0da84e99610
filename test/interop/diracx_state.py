"""DiracX 0.7.0's own `encrypt_state`/`decrypt_state`, for test/interop/diracx-state.test.ts.

With STATE_KEY (a Fernet key) in the environment: `encrypt` seals the JSON object read on stdin
and prints the sealed state; `decrypt` opens the sealed state read on stdin and prints its JSON.
"""

from __future__ import annotations

import json
import os
import sys

from cryptography.fernet import Fernet
from diracx.logic.auth.utils import decrypt_state, encrypt_state

cipher = Fernet(os.environ["STATE_KEY"])
if sys.argv[1] == "encrypt":
    print(encrypt_state(json.load(sys.stdin), cipher))
else:
    print(json.dumps(decrypt_state(sys.stdin.read().strip(), cipher)))
