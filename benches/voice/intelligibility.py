#!/usr/bin/env python3
"""The voices side by side on village-notice sentences, through the full program path
(`dalaba render`), in one run: how much a speech recognizer understands, and what the
rendering costs.

- Intelligibility: each sentence is rendered as its own article and transcribed by
  multilingual Whisper base (faster-whisper, CTranslate2 int8). Scored as toned-pinyin
  syllable error rate (pypinyin TONE3 of reference and transcript, so a homophone is not
  an error; traditional characters folded to simplified with zhconv; digits in the
  transcript read by `dalaba normalize`, as the reference is) and character error rate.
- Cost: all sentences as one article in a fresh process with an empty cache: CPU seconds
  (user + system, the whole process) per second of program audio, and peak resident
  memory; cold start: a fresh process rendering one short sentence, wall clock.

Run by tools/voice/bench.sh (`make bench`).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time, wave

# zhconv, pypinyin and faster_whisper are imported after the cost is measured: a child
# forked from this process counts the parent's memory at the fork as its own peak.


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def hanzi(text):
    import zhconv

    return [c for c in zhconv.convert(text, "zh-cn") if "\u4e00" <= c <= "\u9fff"]


def syllables(text):
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin("".join(hanzi(text)), style=Style.TONE3, neutral_tone_with_five=True)


class Station:
    """A station in a temporary folder with the repository's voices, model and library."""

    def __init__(self, repo, dalaba):
        self.dir = tempfile.mkdtemp(prefix="dalaba-bench-")
        self.dalaba = dalaba
        shutil.copytree(os.path.join(repo, "voices"), os.path.join(self.dir, "voices"))
        for shared in ("models", "vendor"):
            os.symlink(os.path.join(repo, shared), os.path.join(self.dir, shared))
        with open(os.path.join(self.dir, "dalaba.toml"), "w") as f:
            f.write('[program]\nintro = "none"\noutro = "none"\npreamble = ""\nclosing = ""\n')

    def clear_cache(self):
        shutil.rmtree(os.path.join(self.dir, "state"), ignore_errors=True)

    def run(self, args, stdin=None):
        """Runs dalaba; returns its stdout."""
        proc = subprocess.run([self.dalaba, "--station", self.dir, *args], cwd=self.dir,
                              input=stdin, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"dalaba {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def render(self, text, voice, name):
        article = os.path.join(self.dir, f"{name}.txt")
        with open(article, "w") as f:
            f.write(text + "\n")
        out = os.path.join(self.dir, f"{name}.wav")
        self.run(["render", article, "--out", out, "--voice", voice])
        return out


def measured(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds, peak RSS in MB)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cost(station, voice, sentences):
    """Cold start (a fresh process, empty cache, one short sentence, wall clock), then every
    sentence as one article in a fresh process with an empty cache: CPU per audio second
    and peak memory."""
    station.clear_cache()
    article = os.path.join(station.dir, "cold.txt")
    with open(article, "w") as f:
        f.write("各位村民请注意。\n")
    cold, _, _ = measured([station.dalaba, "--station", station.dir, "render", article,
                           "--out", os.path.join(station.dir, "cold.wav"), "--voice", voice])
    station.clear_cache()
    article = os.path.join(station.dir, "all.txt")
    with open(article, "w") as f:
        f.write("\n".join(sentences) + "\n")
    program = os.path.join(station.dir, "all.wav")
    wall, cpu, rss = measured([station.dalaba, "--station", station.dir, "render", article,
                               "--out", program, "--voice", voice])
    audio = seconds(program)
    return {
        "cpu_seconds_per_audio_second": round(cpu / audio, 4),
        "program_audio_seconds": round(audio, 1),
        "render_wall_seconds": round(wall, 1),
        "peak_rss_mb": round(rss, 1),
        "cold_start_seconds": round(cold, 2),
    }


def seconds(path):
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dalaba", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--voices", default="default,espeak")
    ap.add_argument("--report")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sentences = [l.strip() for l in open(args.sentences) if l.strip() and not l.startswith("#")]
    station = Station(repo, os.path.abspath(args.dalaba))
    voices = args.voices.split(",")
    report = {"sentences": len(sentences), "voices": {v: cost(station, v, sentences) for v in voices}}
    from faster_whisper import WhisperModel

    whisper = WhisperModel(args.model, device="cpu", compute_type="int8", cpu_threads=2)

    def normalize(text):
        return station.run(["normalize", "--no-lexicon"], stdin=text + "\n").strip()

    for voice in voices:
        # Intelligibility, sentence by sentence (the cache holds them now).
        errors = chars = ref_syl = ref_chr = 0
        worst = []
        for i, sentence in enumerate(sentences):
            wav = station.render(sentence, voice, f"s{i}")
            segments, _ = whisper.transcribe(wav, language="zh", beam_size=5)
            heard = "".join(s.text for s in segments)
            reference = normalize(sentence)
            heard_read = normalize(heard) if heard.strip() else ""
            r, h = syllables(reference), syllables(heard_read)
            e = edit_distance(r, h)
            c = edit_distance(hanzi(reference), hanzi(heard_read))
            errors, chars = errors + e, chars + c
            ref_syl, ref_chr = ref_syl + len(r), ref_chr + len(hanzi(reference))
            worst.append((e / max(len(r), 1), reference, heard))
        worst.sort(reverse=True)
        report["voices"][voice].update({
            "syllable_error_rate": round(errors / ref_syl, 4),
            "character_error_rate": round(chars / ref_chr, 4),
            "worst": [{"ser": round(s, 3), "said": r, "heard": h} for s, r, h in worst[:5]],
        })
    shutil.rmtree(station.dir, ignore_errors=True)

    print(f"\nvoice intelligibility and cost ({len(sentences)} sentences, Whisper base, one run)")
    print(f"{'voice':<10} {'SER':>6} {'CER':>6} {'CPU-s/audio-s':>14} {'peak MB':>8} {'cold start s':>13}")
    for voice, r in report["voices"].items():
        print(f"{voice:<10} {r['syllable_error_rate']:>6.3f} {r['character_error_rate']:>6.3f} "
              f"{r['cpu_seconds_per_audio_second']:>14.3f} {r['peak_rss_mb']:>8.0f} {r['cold_start_seconds']:>13.2f}")
    for voice, r in report["voices"].items():
        print(f"\n{voice}: hardest sentences")
        for w in r["worst"][:3]:
            print(f"  SER {w['ser']:.2f}  said {w['said']}\n             heard {w['heard']}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
