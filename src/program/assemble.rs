//! The assembler: a laid-out program → conditioned, normalized 16-bit WAV, streaming.
//!
//! Memory does not grow with the program's length. Sounds are read one at a time (a
//! segment is one sentence), conditioned (resampled when needed, high-passed, trimmed of the
//! engine's own silence, leveled, faded at the joins) and pushed through a look-ahead limiter
//! into the WAV writer and a loudness meter.
//!
//! Pass one measures each distinct sound once and levels it to the target, so a quiet voice
//! and a loud one come out alike. Pass two writes the program while measuring it; should the
//! whole miss the target (joins and the limiter shift it a little), a cheap third pass scales
//! the written samples by the difference. The file is then checked ([`super::preflight`]); for
//! a program that passes, the summary with the file's checksum is stored, then the file is
//! renamed into place ([`crate::atomic`]). \[glue\]

use std::collections::HashMap;
use std::io::{BufWriter, Seek, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::audio::dsp::{self, Trim};
use crate::audio::filter::HighPass;
use crate::audio::layout::{Part, Sound};
use crate::audio::limiter::{Limiter, LimiterSettings};
use crate::audio::loudness::{self, Meter, MeterError, TruePeak};
use crate::audio::{Clip, frames_in, resample};
use crate::media::wav::{self, WavError};

use super::preflight::{self, Expected, Measured, Tolerances};
use super::summary::{ArticleVersion, ProgramSummary, SpokenBy, failed_path};
use super::verify::checksum_file;
use crate::atomic::TempFile;

/// Speech is trimmed where it falls this far below its own peak, dB.
const SPEECH_TRIM_DB: f64 = 45.0;
/// Chimes keep their ring-out down to this far below their peak, dB.
const CHIME_TRIM_DB: f64 = 70.0;
/// Below this magnitude a sample is silence whatever the peak (−80 dBFS).
const TRIM_FLOOR: f32 = 1e-4;
/// The speech's own lead-in and tail kept around its audible part, seconds.
const SPEECH_PAD: f64 = 0.015;
/// Fade at each end of every sound, seconds.
const FADE: f64 = 0.005;
/// Sounds are leveled this far above the target, LU: in the program, the 400 ms gating
/// blocks that straddle a pause pull the whole about this much under the level of its parts.
/// Landing a little loud lets pass three correct downwards, which never costs headroom.
const JOIN_ALLOWANCE: f64 = 0.3;
/// Chimes sit this far below the speech, LU.
const CHIME_BELOW_SPEECH: f64 = 2.0;
/// No sound is raised or lowered by more than this, dB.
const MAX_LEVELING: f64 = 30.0;
/// The limiter aims this far under the ceiling, dB, to leave room for meter differences.
const LIMITER_MARGIN: f64 = 0.3;
/// A peaky sound is raised by at most this much to make up for what the limiter takes, dB.
const MAX_MAKE_UP: f64 = 6.0;
/// A program whose loudness misses the target by more than this is scaled once more, LU.
const CORRECT_ABOVE: f64 = 0.05;
/// Samples of at most this magnitude (16-bit) count as silence (about −66 dBFS).
const SILENCE_I16: i16 = 16;
/// Samples streamed per block.
const BLOCK: usize = 8192;

/// Everything the assembler needs, owned so it can run on a blocking thread.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// Program sample rate, Hz.
    pub rate: u32,
    /// The layout ([`crate::audio::layout::layout`]).
    pub parts: Vec<Part>,
    /// Spoken segments' audio files (mono WAV, any rate), indexed by [`Sound::Speech`].
    pub speech: Vec<PathBuf>,
    /// The opening chime at `rate`.
    pub intro: Option<Clip>,
    /// The closing chime at `rate`.
    pub outro: Option<Clip>,
    /// Integrated loudness target, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// High-pass corner, Hz.
    pub highpass_hz: Option<f64>,
    /// The longest pause in the grammar, seconds.
    pub longest_pause: f64,
    /// The articles, for the summary.
    pub articles: Vec<ArticleVersion>,
    /// The voice that spoke every segment, for the summary.
    pub spoken_by: Option<SpokenBy>,
}

/// Why a program could not be assembled, or is not ready.
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    /// The layout has nothing to play.
    #[error("the program has nothing to play")]
    Empty,
    /// A worker thread panicked.
    #[error("a worker of the assembler stopped unexpectedly")]
    Worker,
    /// A sound the layout names is missing.
    #[error("the layout names {0:?}, which was not provided")]
    MissingSound(Sound),
    /// A segment could not be read.
    #[error(transparent)]
    Wav(#[from] WavError),
    /// A segment could not be brought to the program rate.
    #[error("cannot bring `{}` to the program rate: {reason}", path.display())]
    Resample {
        /// The segment file.
        path: PathBuf,
        /// What the resampler said.
        reason: String,
    },
    /// The loudness meter could not be set up.
    #[error(transparent)]
    Meter(#[from] MeterError),
    /// Writing the program failed.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The program was written but failed pre-flight; it must not air.
    #[error(
        "the program `{}` failed its pre-flight check and is not ready: {}; it is kept as `{}` for listening",
        program.display(), problems.join("; "), kept.display()
    )]
    NotReady {
        /// Where it would have gone.
        program: PathBuf,
        /// Where it was kept instead.
        kept: PathBuf,
        /// Every reason.
        problems: Vec<String>,
        /// Its summary (also stored beside the program).
        summary: Box<ProgramSummary>,
    },
}

/// A sound, measured: what to keep of it and how much to raise or lower it.
#[derive(Debug, Clone, PartialEq)]
struct Prepared {
    keep: Range<usize>,
    head_pad: usize,
    tail_pad: usize,
    gain_db: f64,
}

/// What one writing pass measured.
#[derive(Debug, Clone, Copy)]
struct PassResult {
    frames: u64,
    lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
    longest_silence: u64,
    clipped: u64,
    lowest_gain: f32,
}

impl Assembly {
    /// Reads `sound` at its own rate, high-passed when asked.
    fn native(&self, sound: Sound) -> Result<Clip, AssembleError> {
        let mut clip = match sound {
            Sound::Intro => self.intro.clone(),
            Sound::Outro => self.outro.clone(),
            Sound::Speech(i) => match self.speech.get(i) {
                Some(path) => Some(wav::read_clip(path)?),
                None => None,
            },
        }
        .ok_or(AssembleError::MissingSound(sound))?;
        if let Some(hz) = self.highpass_hz
            && hz < f64::from(clip.rate) / 2.0
        {
            HighPass::new(clip.rate, hz).process(&mut clip.samples);
        }
        Ok(clip)
    }

    /// The kept part of `sound` at the program rate, exactly `p.keep.len()` frames long.
    fn kept(&self, sound: Sound, p: &Prepared) -> Result<Vec<f32>, AssembleError> {
        let clip = self.native(sound)?;
        let clip = if clip.rate == self.rate {
            clip
        } else {
            resample::to_rate(&clip, self.rate).map_err(|e| AssembleError::Resample {
                path: match sound {
                    Sound::Speech(i) => self.speech[i].clone(),
                    _ => PathBuf::from("chime"),
                },
                reason: e.to_string(),
            })?
        };
        let end = p.keep.end.min(clip.samples.len());
        let mut samples = clip.samples[p.keep.start.min(end)..end].to_vec();
        samples.resize(p.keep.len(), 0.0);
        Ok(samples)
    }

    /// Pass one: trims and levels one sound.
    fn prepare(&self, sound: Sound) -> Result<Prepared, AssembleError> {
        let clip = self.native(sound)?;
        let speech_level = self.target_lufs + JOIN_ALLOWANCE;
        let (trim_db, pad, level) = match sound {
            Sound::Speech(_) => (
                SPEECH_TRIM_DB,
                frames_in(clip.rate, SPEECH_PAD),
                speech_level,
            ),
            Sound::Intro | Sound::Outro => (CHIME_TRIM_DB, 0, speech_level - CHIME_BELOW_SPEECH),
        };
        let Trim {
            keep,
            head_pad,
            tail_pad,
        } = dsp::trim_bounds(&clip.samples, trim_db, TRIM_FLOOR, pad);
        let kept = &clip.samples[keep.clone()];
        let gain_db = loudness::clip_loudness(kept, clip.rate)
            .map_or(0.0, |l| (level - l).clamp(-MAX_LEVELING, MAX_LEVELING));
        let gain_db = self.make_up(kept, clip.rate, level, gain_db);
        // Measured at the sound's own rate; the frames are counted at the program rate.
        let ratio = f64::from(self.rate) / f64::from(clip.rate);
        let at = |frames: usize| (frames as f64 * ratio).round() as usize;
        Ok(Prepared {
            keep: at(keep.start)..at(keep.end),
            head_pad: at(head_pad),
            tail_pad: at(tail_pad),
            gain_db,
        })
    }

    /// The limiter takes loudness off a peaky sound. When `samples` at `gain_db` would reach
    /// the limiter, limit them here and raise the gain by what went missing (twice at most,
    /// and by no more than [`MAX_MAKE_UP`]), so the sound still lands on `level`.
    fn make_up(&self, samples: &[f32], rate: u32, level: f64, gain_db: f64) -> f64 {
        let ceiling = limiter_ceiling(self.ceiling_dbtp);
        let peak = dsp::peak(samples);
        let mut gain = gain_db;
        for _ in 0..2 {
            let linear = dsp::db_to_gain(gain) as f32;
            // Inter-sample peaks stay within 3 dB of the samples around them.
            if peak * linear * std::f32::consts::SQRT_2 <= ceiling {
                break;
            }
            let scaled: Vec<f32> = samples.iter().map(|s| s * linear).collect();
            let mut limited = Vec::with_capacity(scaled.len() + 512);
            let mut limiter = Limiter::new(LimiterSettings::new(rate, ceiling));
            limiter.process(&scaled, &mut limited);
            limiter.flush(&mut limited);
            let Some(after) = loudness::clip_loudness(&limited, rate) else {
                break;
            };
            if (level - after).abs() < 0.05 {
                break;
            }
            gain = (gain + level - after).min(gain_db + MAX_MAKE_UP);
        }
        gain
    }

    /// The distinct sounds in the order the layout first plays them.
    fn distinct_sounds(&self) -> Vec<Sound> {
        let mut seen = std::collections::HashSet::new();
        self.parts
            .iter()
            .filter_map(|part| match *part {
                Part::Sound(sound) if seen.insert(sound) => Some(sound),
                _ => None,
            })
            .collect()
    }

    /// Pass two: streams the whole program into `writer`, while pass one measures the
    /// sounds on a few threads of its own just ahead of it; returns what it measured and the
    /// frames the layout asked for.
    fn write_pass<W: Write + Seek>(&self, writer: W) -> Result<(PassResult, u64), AssembleError> {
        let hound_err = |e: hound::Error| std::io::Error::other(e.to_string());
        let ceiling = limiter_ceiling(self.ceiling_dbtp);
        let mut sink = Sink {
            writer: hound::WavWriter::new(writer, wav::spec_i16(self.rate))
                .map_err(hound_err)
                .map_err(|source| self.io_err(source))?,
            limiter: Limiter::new(LimiterSettings::new(self.rate, ceiling)),
            meter: MeterThread::start(Meter::for_program(self.rate)?),
            out: Vec::with_capacity(BLOCK * 2),
            pcm: Vec::with_capacity(BLOCK * 2),
            frames: 0,
            silence: 0,
            longest_silence: 0,
            clipped: 0,
        };
        let zeros = vec![0.0f32; BLOCK];
        let sounds = self.distinct_sounds();
        std::thread::scope(|scope| {
            let pass_one = PassOne::start(scope, self, &sounds);
            // Reading and conditioning run on their own thread, a few sounds ahead of the
            // limiter and writer; the queue is short, so memory stays flat.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Chunk, AssembleError>>(4);
            let reader = scope.spawn(move || self.read_parts(pass_one, &tx));
            for chunk in rx {
                match chunk? {
                    Chunk::Samples(samples) => {
                        for block in samples.chunks(BLOCK) {
                            sink.push(block).map_err(|e| self.io_err(e))?;
                        }
                    }
                    Chunk::Silence(mut left) => {
                        while left > 0 {
                            let n = left.min(BLOCK);
                            sink.push(&zeros[..n]).map_err(|e| self.io_err(e))?;
                            left -= n;
                        }
                    }
                }
            }
            let expected = reader.join().map_err(|_| AssembleError::Worker)?;
            Ok((sink.finish().map_err(|e| self.io_err(e))?, expected))
        })
    }

    /// The reader: every part in order, conditioned, into `tx`; returns the frames sent. A
    /// pause loses the pads of the sounds around it, so the gap between audible content is
    /// exactly the grammar's. A failure is sent as the last chunk.
    fn read_parts(
        &self,
        mut pass_one: PassOne,
        tx: &std::sync::mpsc::SyncSender<Result<Chunk, AssembleError>>,
    ) -> u64 {
        let fade = frames_in(self.rate, FADE);
        let mut frames = 0u64;
        let mut tail_pad = 0;
        for (i, part) in self.parts.iter().enumerate() {
            let chunk = match part {
                Part::Sound(sound) => pass_one.get(*sound).and_then(|p| {
                    tail_pad = p.tail_pad;
                    self.conditioned(*sound, &p, fade).map(Chunk::Samples)
                }),
                Part::Pause(seconds) => {
                    let before = std::mem::take(&mut tail_pad);
                    let after = match self.parts.get(i + 1) {
                        Some(Part::Sound(next)) => pass_one.get(*next).map(|p| p.head_pad),
                        _ => Ok(0),
                    };
                    after.map(|after| {
                        Chunk::Silence(
                            frames_in(self.rate, *seconds).saturating_sub(before + after),
                        )
                    })
                }
            };
            if let Ok(chunk) = &chunk {
                frames += chunk.len() as u64;
            }
            let failed = chunk.is_err();
            if tx.send(chunk).is_err() || failed {
                break;
            }
        }
        frames
    }

    /// One sound ready to play: kept part at the program rate, leveled, faded at both ends.
    fn conditioned(
        &self,
        sound: Sound,
        p: &Prepared,
        fade: usize,
    ) -> Result<Vec<f32>, AssembleError> {
        let mut samples = self.kept(sound, p)?;
        dsp::apply_gain(&mut samples, dsp::db_to_gain(p.gain_db) as f32);
        dsp::fade_in(&mut samples, fade);
        dsp::fade_out(&mut samples, fade);
        Ok(samples)
    }

    fn io_err(&self, source: std::io::Error) -> AssembleError {
        AssembleError::Io {
            path: PathBuf::from("program"),
            source,
        }
    }
}

/// A piece of the program on its way from the reader thread to the writer.
enum Chunk {
    /// Conditioned samples of one sound.
    Samples(Vec<f32>),
    /// This many frames of silence.
    Silence(usize),
}

impl Chunk {
    fn len(&self) -> usize {
        match self {
            Self::Samples(samples) => samples.len(),
            Self::Silence(frames) => *frames,
        }
    }
}

/// Pass one, running beside pass two: a few workers measure the distinct sounds in the
/// order the layout first plays them and send each as it is done; the reader takes them as
/// it reaches them, waiting only for one not yet measured. Each worker holds one sound at a
/// time; they stop when the reader goes away.
struct PassOne {
    rx: std::sync::mpsc::Receiver<(Sound, Result<Prepared, AssembleError>)>,
    done: HashMap<Sound, Prepared>,
}

impl PassOne {
    fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        assembly: &'scope Assembly,
        sounds: &'scope [Sound],
    ) -> Self {
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let (tx, next) = (tx.clone(), next.clone());
            scope.spawn(move || {
                while let Some(&sound) =
                    sounds.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    if tx.send((sound, assembly.prepare(sound))).is_err() {
                        return;
                    }
                }
            });
        }
        Self {
            rx,
            done: HashMap::new(),
        }
    }

    /// What pass one found for `sound`, waiting for it if need be.
    fn get(&mut self, sound: Sound) -> Result<Prepared, AssembleError> {
        while !self.done.contains_key(&sound) {
            let (measured, prepared) = self.rx.recv().map_err(|_| AssembleError::Worker)?;
            self.done.insert(measured, prepared?);
        }
        Ok(self.done[&sound].clone())
    }
}

/// The loudness and true-peak meters on their own thread (they are the costliest stages
/// after the limiter, which stays on the writer's), fed copies of the output a few blocks
/// at a time, so the two threads seldom have to wake each other.
struct MeterThread {
    tx: Option<std::sync::mpsc::SyncSender<Vec<f32>>>,
    batch: Vec<f32>,
    handle: std::thread::JoinHandle<(Option<f64>, Option<f64>)>,
}

/// Samples sent to the meter thread at a time.
const METER_BATCH: usize = 8 * BLOCK;

impl MeterThread {
    fn start(mut meter: Meter) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<f32>>(2);
        let handle = std::thread::spawn(move || {
            let mut true_peak = TruePeak::new();
            for block in rx {
                meter.add(&block);
                true_peak.add(&block);
            }
            (meter.integrated(), true_peak.dbtp())
        });
        Self {
            tx: Some(tx),
            batch: Vec::with_capacity(METER_BATCH + BLOCK),
            handle,
        }
    }

    fn add(&mut self, block: &[f32]) {
        self.batch.extend_from_slice(block);
        if self.batch.len() >= METER_BATCH {
            self.send();
        }
    }

    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(METER_BATCH + BLOCK));
        if let Some(tx) = &self.tx {
            // A send fails only if the meter thread died; `finish` then reports no figures.
            let _ = tx.send(batch);
        }
    }

    /// Integrated loudness (LUFS) and true peak (dBTP) of everything added.
    fn finish(mut self) -> (Option<f64>, Option<f64>) {
        self.send();
        self.tx = None;
        self.handle.join().unwrap_or((None, None))
    }
}

/// The end of the chain: limiter → meter, silence and clip counters → 16-bit writer.
struct Sink<W: Write + Seek> {
    writer: hound::WavWriter<W>,
    limiter: Limiter,
    meter: MeterThread,
    out: Vec<f32>,
    /// `out` as 16-bit samples.
    pcm: Vec<i16>,
    frames: u64,
    silence: u64,
    longest_silence: u64,
    clipped: u64,
}

impl<W: Write + Seek> Sink<W> {
    fn push(&mut self, block: &[f32]) -> std::io::Result<()> {
        self.out.clear();
        self.limiter.process(block, &mut self.out);
        self.emit()
    }

    /// Sends `out` to the meters, counts it and writes it as 16-bit samples; each step a
    /// loop of its own, so the compiler can vectorize the conversion and the counts.
    fn emit(&mut self) -> std::io::Result<()> {
        self.meter.add(&self.out);
        self.pcm.clear();
        wav::extend_i16(&mut self.pcm, &self.out);
        let clipped = self
            .pcm
            .iter()
            .filter(|&&q| q == i16::MAX || q <= -i16::MAX)
            .count();
        self.clipped += clipped as u64;
        self.count_silence();
        let mut writer = self.writer.get_i16_writer(self.pcm.len() as u32);
        for &q in &self.pcm {
            writer.write_sample(q);
        }
        writer.flush().map_err(std::io::Error::other)?;
        self.frames += self.pcm.len() as u64;
        Ok(())
    }

    /// Follows the runs of silent samples through `pcm`. A run inside the block is only
    /// looked for when the block's audible stretch is longer than the longest run so far.
    fn count_silence(&mut self) {
        let audible = |q: &i16| q.unsigned_abs() > SILENCE_I16 as u16;
        let (Some(first), Some(last)) = (
            self.pcm.iter().position(audible),
            self.pcm.iter().rposition(audible),
        ) else {
            self.silence += self.pcm.len() as u64;
            return;
        };
        let mut longest = self.longest_silence.max(self.silence + first as u64);
        if (last - first) as u64 > longest {
            let mut run = 0u64;
            for q in &self.pcm[first..=last] {
                run = if audible(q) { 0 } else { run + 1 };
                longest = longest.max(run);
            }
        }
        self.longest_silence = longest;
        self.silence = (self.pcm.len() - 1 - last) as u64;
    }

    fn finish(mut self) -> std::io::Result<PassResult> {
        self.out.clear();
        self.limiter.flush(&mut self.out);
        self.emit()?;
        self.writer.finalize().map_err(std::io::Error::other)?;
        let (lufs, true_peak_dbtp) = self.meter.finish();
        Ok(PassResult {
            frames: self.frames,
            lufs,
            true_peak_dbtp,
            longest_silence: self.longest_silence.max(self.silence),
            clipped: self.clipped,
            lowest_gain: self.limiter.lowest_gain(),
        })
    }
}

/// Assembles `assembly` into the program WAV `out` (16-bit mono at the program rate) and
/// stores its summary beside it. The file appears at `out` only when it passed pre-flight;
/// otherwise it is kept as `NAME.failed.wav`, any older `out` is removed, and the error says
/// why.
pub fn assemble(out: &Path, assembly: &Assembly) -> Result<ProgramSummary, AssembleError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| AssembleError::Io { path, source }
    };
    if !assembly.parts.iter().any(|p| matches!(p, Part::Sound(_))) {
        return Err(AssembleError::Empty);
    }
    let temp = TempFile::beside(out);
    let tmp = temp.path().to_owned();
    let (pass, expected_frames) = (|| {
        let file = temp.create().map_err(io(&tmp))?;
        let mut buffered = BufWriter::with_capacity(1 << 16, file);
        let (pass, expected_frames) = assembly
            .write_pass(&mut buffered)
            .map_err(|e| with_path(e, &tmp))?;
        buffered.flush().map_err(io(&tmp))?;
        drop(buffered);
        Ok::<_, AssembleError>((correct_level(&tmp, pass, assembly)?, expected_frames))
    })()?;
    let file_frames = hound::WavReader::open(&tmp)
        .map(|r| r.duration())
        .map_err(|e| io(&tmp)(std::io::Error::other(e.to_string())))?;
    let rate = f64::from(assembly.rate);
    let expected = Expected {
        duration: expected_frames as f64 / rate,
        longest_pause: assembly.longest_pause,
        lufs: assembly.target_lufs,
        ceiling_dbtp: assembly.ceiling_dbtp,
    };
    let measured = Measured {
        duration: f64::from(file_frames) / rate,
        longest_silence: pass.longest_silence as f64 / rate,
        lufs: pass.lufs,
        true_peak_dbtp: pass.true_peak_dbtp,
        clipped: pass.clipped,
    };
    let problems = preflight::check(&expected, &measured, &Tolerances::default());
    let summary = ProgramSummary {
        duration: measured.duration,
        segments: assembly
            .parts
            .iter()
            .filter(|p| matches!(p, Part::Sound(Sound::Speech(_))))
            .count(),
        lufs: pass.lufs,
        true_peak_dbtp: pass.true_peak_dbtp,
        sample_rate: assembly.rate,
        target_lufs: assembly.target_lufs,
        ceiling_dbtp: assembly.ceiling_dbtp,
        expected_duration: expected.duration,
        longest_silence: measured.longest_silence,
        clipped_samples: pass.clipped,
        limiter_reduction_db: -dsp::gain_to_db(f64::from(pass.lowest_gain)),
        articles: assembly.articles.clone(),
        ready: problems.is_empty(),
        problems,
        checksum: None,
        spoken_by: assembly.spoken_by.clone(),
    };
    debug_assert_eq!(pass.frames, u64::from(file_frames));
    settle(temp, out, summary)
}

/// Puts a written program in its place. One that passed: its summary, with the checksum of
/// these exact bytes, is synced to disk before the WAV takes its place, so a program WAV never
/// stands without its summary. One that failed: kept as `NAME.failed.wav`, any older `out`
/// removed, the summary stored, and the error says why.
fn settle(
    temp: TempFile,
    out: &Path,
    summary: ProgramSummary,
) -> Result<ProgramSummary, AssembleError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| AssembleError::Io { path, source }
    };
    if summary.ready {
        let sum = checksum_file(temp.path()).map_err(io(temp.path()))?;
        let summary = ProgramSummary {
            checksum: Some(sum),
            ..summary
        };
        summary.store(out).map_err(io(out))?;
        temp.commit().map_err(io(out))?;
        return Ok(summary);
    }
    let kept = failed_path(out);
    temp.commit_as(&kept).map_err(io(&kept))?;
    crate::atomic::remove(out).map_err(io(out))?;
    summary.store(out).map_err(io(out))?;
    Err(AssembleError::NotReady {
        program: out.to_owned(),
        kept,
        problems: summary.problems.clone(),
        summary: Box::new(summary),
    })
}

/// The limiter's ceiling (linear) for a true-peak ceiling in dBTP.
fn limiter_ceiling(ceiling_dbtp: f64) -> f32 {
    dsp::db_to_gain(ceiling_dbtp - LIMITER_MARGIN) as f32
}

/// Pass three, when needed: the joins and the limiter leave the whole a little off the
/// target its parts were leveled to, so scale the written file by the difference. Integrated
/// loudness and true peak both move by exactly the gain, so they need no second measurement.
/// Raising is capped so the true peak stays under the ceiling.
fn correct_level(
    path: &Path,
    mut pass: PassResult,
    assembly: &Assembly,
) -> Result<PassResult, AssembleError> {
    let (Some(lufs), Some(peak)) = (pass.lufs, pass.true_peak_dbtp) else {
        return Ok(pass);
    };
    let headroom = assembly.ceiling_dbtp - LIMITER_MARGIN / 3.0 - peak;
    let change = (assembly.target_lufs - lufs).min(headroom);
    if change.abs() <= CORRECT_ABOVE {
        return Ok(pass);
    }
    tracing::debug!(lufs, peak, change, "correcting the program level");
    wav::scale_i16_in_place(path, dsp::db_to_gain(change) as f32)?;
    pass.lufs = Some(lufs + change);
    pass.true_peak_dbtp = Some(peak + change);
    Ok(pass)
}

/// Names the real file in an I/O error raised deep in the writing pass.
fn with_path(err: AssembleError, path: &Path) -> AssembleError {
    match err {
        AssembleError::Io { source, .. } => AssembleError::Io {
            path: path.to_owned(),
            source,
        },
        other => other,
    }
}
