#!/usr/bin/env bash
# Puts onnxruntime's shared library where dalaba looks for it by default:
# vendor/onnxruntime/libonnxruntime.so.VERSION (gitignored). The library comes from the
# PyPI wheel `onnxruntime==VERSION`, fetched with pip; only that one file is kept.
# dalaba itself never downloads anything.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:-1.32.0}
dest=vendor/onnxruntime
lib="$dest/libonnxruntime.so.$version"
[ -f "$lib" ] && exit 0
command -v python3 >/dev/null || { echo "python3 is needed to fetch onnxruntime (apt-get install python3-pip)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetching onnxruntime $version (PyPI wheel) for the neural voice"
python3 -m pip download -q --no-deps --only-binary=:all: "onnxruntime==$version" -d "$work"
mkdir -p "$dest"
python3 - "$work" "$lib" "$version" <<'PY'
import glob, os, shutil, sys, zipfile
work, lib, version = sys.argv[1:]
wheel = glob.glob(f"{work}/onnxruntime-{version}-*.whl")[0]
with zipfile.ZipFile(wheel) as z, z.open(f"onnxruntime/capi/libonnxruntime.so.{version}") as src, open(lib + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst)
os.replace(lib + ".tmp", lib)
PY
echo "onnxruntime $version: $lib"
