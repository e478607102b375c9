#!/usr/bin/env bash
# NOT RUN YET: written for issue 25 when no GPU machine was lent; its first run is still open.
#
# One measured GPU run: train the default configuration on the seed data under JAX on a GPU
# machine that has JAX with CUDA (and PyTorch) but neither TensorFlow nor a network, and
# bring the .keras file back to export here with python -m python.export --model.
#   here:  bash .ci/gpu-train.sh pack build/gpu-wheels [PYTHON_VERSION...]
#          (Keras and what it needs beyond JAX, as wheels, the versions installed here)
#   there: bash .ci/gpu-train.sh train build/gpu-wheels DATA OUT [training flags]
#          (installs only what is missing, from the folder; trains; writes OUT/gpu.keras and
#          OUT/gpu-train.log, whose first lines name JAX's devices and the command's own
#          "trained under jax on GPU (...)" line gives seconds an epoch)
#   here:  python -m python.export --model OUT/gpu.keras --data DATA --out build/gpu-export
# The data travels as a copy in an ignored folder (cp -r ../shared/datasets/selfie-or-not/
# thumbnails-40 build/seed-data, 33 MB), never committed. What a device run carries is 64 MiB
# in all and the wheels for three Pythons are 41 MB: pack only for the image's Python
# (python3 --version there), 17 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  pack)
    dir=${2:?pack needs a folder}
    versions=("${@:3}")
    [ ${#versions[@]} -gt 0 ] || versions=(3.10 3.11 3.12)
    pinned() { python3 -c 'import sys, importlib.metadata as m
print(" ".join(f"{n}=={m.version(n)}" for n in sys.argv[1:]))' "$@"; }
    # Pure Python: one wheel serves every Python.
    python3 -m pip download --quiet --no-deps --dest "$dir" \
      $(pinned keras absl-py namex rich markdown-it-py mdurl pygments packaging)
    # Compiled: for each Python the image may run (its own is not known here); Pillow the
    # newest for it (Pillow 13 has no wheel for Python 3.10), within pyproject.toml's floor.
    for py in "${versions[@]}"; do
      python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$dir" \
        --python-version "$py" --platform manylinux2014_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
        $(pinned optree h5py) 'pillow>=10.4'
    done
    du -sh "$dir"
    ;;
  train)
    dir=${2:?train needs the wheel folder} data=${3:?and the data} out=${4:?and OUT}
    export KERAS_BACKEND=jax  # before any import of keras: its default backend is TensorFlow
    python3 -m pip install --quiet --no-index --find-links "$dir" keras pillow
    mkdir -p "$out"
    {
      python3 -c 'import jax, keras; print("jax", jax.__version__, "keras", keras.__version__,
                                             jax.devices())'
      nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
      python3 -m python.training --data "$data" --out "$out/gpu.keras" \
        "${@:5}"
    } 2>&1 | tee "$out/gpu-train.log"
    ;;
  *)
    echo "usage: $0 pack DIR [PYTHON_VERSION...] | train DIR DATA OUT [training flags]" >&2
    exit 2
    ;;
esac
