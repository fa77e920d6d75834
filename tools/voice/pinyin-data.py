#!/usr/bin/env python3
"""Writes src/text/pinyin/chars.txt and phrases.txt from the PyPI package pypinyin (MIT),
whose data is mozillazg's pinyin-data and phrase-pinyin-data (MIT).

    python3 -m pip install pypinyin==0.55.0 && python3 tools/voice/pinyin-data.py

chars.txt: each character's most common reading (the first in pinyin-data), tone number
5 for the neutral tone. phrases.txt: only the phrases whose reading differs from their
characters' first readings (8–9 thousand of pypinyin's 47 thousand); words.txt: the
other phrases, as words only (their readings are their characters'), so that the text is
cut into the right words (为|人民|服务, not 为人|民). 一 and 不 keep their own tones (yi1,
bu4) unless neutral: dalaba applies tone sandhi itself.
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
# dalaba's own single-character readings (extra.txt) decide which phrases differ.
out = os.path.join(root, "src", "text", "pinyin")
for line in open(os.path.join(out, "extra.txt")):
    parts = line.split()
    if len(parts) == 2 and len(parts[0]) == 1 and not line.startswith("#"):
        first[parts[0]] = parts[1]
with open(os.path.join(out, "chars.txt"), "w") as f:
    f.write(f"# From pypinyin {pypinyin.__version__} (pinyin-data, MIT) by tools/voice/pinyin-data.py\n")
    for c, r in first.items():
        f.write(f"{c} {r}\n")
kept = 0
words = []
with open(os.path.join(out, "phrases.txt"), "w") as f:
    f.write(f"# From pypinyin {pypinyin.__version__} (phrase-pinyin-data, MIT) by tools/voice/pinyin-data.py\n")
    for word, readings in sorted(phrases.items()):
        if len(readings) != len(word) or not all("\u3400" <= c <= "\u9fff" for c in word):
            continue
        rs = [tone3(r[0]) for r in readings]
        rs = [BASE[c] if c in BASE and not r.endswith("5") else r for c, r in zip(word, rs)]
        if any(first.get(c) != r for c, r in zip(word, rs)):
            f.write(f"{word} {' '.join(rs)}\n")
            kept += 1
        else:
            words.append(word)
with open(os.path.join(out, "words.txt"), "w") as f:
    f.write(f"# From pypinyin {pypinyin.__version__} (phrase-pinyin-data, MIT) by tools/voice/pinyin-data.py\n")
    f.writelines(w + "\n" for w in words)
print(f"{len(first)} characters, {kept} phrases, {len(words)} words", file=sys.stderr)
