#!/usr/bin/env python3
"""Writes src/text/pinyin/chars.txt and phrases.txt from the PyPI package pypinyin (MIT),
whose data is mozillazg's pinyin-data and phrase-pinyin-data (MIT).

    python3 -m pip install pypinyin==0.55.0 && python3 tools/voice/pinyin-data.py

chars.txt: each character's most common reading (the first in pinyin-data), tone number
5 for the neutral tone. phrases.txt: only the phrases whose reading differs from their
characters' first readings (8–9 thousand of pypinyin's 47 thousand), which is all a
reading needs; 一 and 不 keep their own tones (yi1, bu4): dalaba applies tone sandhi itself.
"""
import json, os, sys
import pypinyin
from pypinyin.contrib.tone_convert import to_tone3

root = os.path.join(os.path.dirname(__file__), "..", "..")
data = os.path.dirname(pypinyin.__file__)
chars = json.load(open(os.path.join(data, "pinyin_dict.json")))
phrases = json.load(open(os.path.join(data, "phrases_dict.json")))

def tone3(p):
    return to_tone3(p, neutral_tone_with_five=True).replace("ü", "v")

BASE = {"一": "yi1", "不": "bu4"}
first = {}
for cp, readings in sorted(chars.items(), key=lambda kv: int(kv[0])):
    cp = int(cp)
    if 0x3400 <= cp <= 0x9FFF:
        first[chr(cp)] = tone3(readings.split(",")[0])
first.update(BASE)
out = os.path.join(root, "src", "text", "pinyin")
with open(os.path.join(out, "chars.txt"), "w") as f:
    f.write(f"# From pypinyin {pypinyin.__version__} (pinyin-data, MIT) by tools/voice/pinyin-data.py\n")
    for c, r in first.items():
        f.write(f"{c} {r}\n")
kept = 0
with open(os.path.join(out, "phrases.txt"), "w") as f:
    f.write(f"# From pypinyin {pypinyin.__version__} (phrase-pinyin-data, MIT) by tools/voice/pinyin-data.py\n")
    for word, readings in sorted(phrases.items()):
        if len(readings) != len(word) or not all("\u3400" <= c <= "\u9fff" for c in word):
            continue
        rs = [BASE.get(c, tone3(r[0])) for c, r in zip(word, readings)]
        if any(first.get(c) != r for c, r in zip(word, rs)):
            f.write(f"{word} {' '.join(rs)}\n")
            kept += 1
print(f"{len(first)} characters, {kept} phrases", file=sys.stderr)
