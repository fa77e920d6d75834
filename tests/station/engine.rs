//! The engine in process, on tokio's paused time: a simulated week of slots, emergencies,
//! reloads and outages runs in well under a second and cannot be late or early.
//! Programs are rendered (through the real espeak-ng voice) before the clock is paused;
//! the loudspeaker is a WAV file per airing.

use std::sync::{Arc, Mutex};

use dalaba::airing::{self, Edges, Engine, Event, Inputs, RunningClock};
use dalaba::player::{PlayError, Played, Playing, Speaker, StopSignal, WavSpeaker};
use dalaba::station::Station;
use dalaba::store::{Airing, Store, StoreHandle};
use dalaba::tts::{BoxFuture, EncodedAudio, SynthError, Synthesizer, VoiceProfile, Voices};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, oneshot};

use super::{BoxUnderTest, notice};
use crate::backends::audio;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const WEEK: &str = r#"
[[slot]]
name = "morning"
at = ["07:00"]
queue = "news"
voice = "default"
catch_up_minutes = 10

[[slot]]
name = "evening"
at = ["18:30"]
queue = "news"
voice = "default"
"#;

/// A station with one approved news article and one unapproved emergency notice; the
/// database handle the engines share.
fn station(schedule: &str) -> (BoxUnderTest, StoreHandle) {
    let b = BoxUnderTest::new(schedule);
    let (id, _) = b.add("a.txt", &notice(1, 1), &[]);
    b.ok(&["approve", &id.to_string(), "--by", "王书记"]);
    b.add("fire.txt", &notice(9, 1), &["--queue", "alerts"]);
    // A loudspeaker station: its device plays in real time.
    b.station.write("dalaba.toml", "");
    let st = Station::open(b.station.path()).unwrap();
    let store = Store::open_guarded(&st.db_path(), &st.used_marker()).unwrap();
    (b, StoreHandle::inline(store))
}

fn engine(
    b: &BoxUnderTest,
    db: &StoreHandle,
    speaker: Arc<dyn Speaker>,
    start: Timestamp,
) -> Engine {
    engine_speaking_with(
        b,
        db,
        speaker,
        start,
        Arc::new(dalaba::tts::Backends::default()),
    )
}

/// [`engine`] whose programs are spoken by `voices`.
fn engine_speaking_with(
    b: &BoxUnderTest,
    db: &StoreHandle,
    speaker: Arc<dyn Speaker>,
    start: Timestamp,
    voices: Arc<dyn Voices>,
) -> Engine {
    let edges = Edges {
        clock: Arc::new(RunningClock::starting_at(start)),
        speaker,
        db: db.clone(),
        voices,
    };
    Engine::new(Station::open(b.station.path()).unwrap(), edges).unwrap()
}

/// A daemon running on its own task, with the senders that drive it.
struct Daemon {
    reload: mpsc::Sender<()>,
    requests: mpsc::Sender<()>,
    stop: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<anyhow::Result<()>>,
}

fn start(engine: Engine, events: &Arc<Mutex<Vec<Event>>>) -> Daemon {
    let (reload, reload_rx) = mpsc::channel(4);
    let (requests, requests_rx) = mpsc::channel(4);
    let (stop, stop_rx) = oneshot::channel::<()>();
    let inputs = Inputs {
        reload: reload_rx,
        requests: requests_rx,
        shutdown: async move {
            let _ = stop_rx.await;
        },
    };
    let seen = events.clone();
    let done = tokio::spawn(airing::run(engine, inputs, move |e| {
        seen.lock().unwrap().push(e.clone());
    }));
    Daemon {
        reload,
        requests,
        stop,
        done,
    }
}

impl Daemon {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.done.await.unwrap().unwrap();
    }
}

/// Renders ahead (real time) every program the week needs: the slots' and the emergency's.
async fn render_ahead(e: &Engine, at: Timestamp) {
    let prepared = e.prepare(vec!["news".into()]).await.unwrap();
    for slot in &e.slots {
        e.render(&e.plan(slot, at, &prepared)).await.unwrap();
    }
    e.render_play_now(2).await.unwrap();
}

/// Runs the daemon on paused time from `begin` to 07:30 on the 1st; the as-run log.
async fn run_until_half_past_seven(
    b: &BoxUnderTest,
    db: &StoreHandle,
    speaker: Arc<dyn Speaker>,
    begin: Timestamp,
) -> Vec<dalaba::store::Airing> {
    tokio::time::pause();
    let clock = RunningClock::starting_at(begin);
    let events = Arc::new(Mutex::new(Vec::new()));
    let daemon = start(engine(b, db, speaker, begin), &events);
    sleep_to(&clock, "2026-12-01T07:30:00+08:00").await;
    daemon.stop().await;
    db.call(|s| s.airings(None, None)).await.unwrap()
}

async fn sleep_to(clock: &RunningClock, at: &str) {
    airing::sleep_until(clock, ts(at)).await;
}

#[tokio::test]
async fn a_simulated_week_airs_every_slot_once_through_emergencies_reloads_and_outages() {
    let (b, db) = station(WEEK);
    let wavs = b.station.join("speaker");
    let log = drive_a_week(&b, &db, &wavs).await;
    every_slot_aired_once_or_was_missed_in_the_outage(&log);
    the_emergency_aired_and_the_morning_resumed(&log);
    every_slot_went_on_air_on_time(&log);
    let played = std::fs::read_dir(&wavs).unwrap().count();
    let on_air = log.iter().filter(|a| a.started.is_some()).count();
    assert_eq!(played, on_air, "one WAV per airing that went on air");
}

/// The week on a paused clock: day 2 an emergency breaks into the morning program, day 3
/// a noon slot is added and reloaded, the power fails from day 4 20:00 to day 6 07:05.
async fn drive_a_week(b: &BoxUnderTest, db: &StoreHandle, wavs: &std::path::Path) -> Vec<Airing> {
    let begin = ts("2026-12-01T06:00:00+08:00");
    let speaker: Arc<dyn Speaker> = Arc::new(WavSpeaker::new(wavs));
    render_ahead(&engine(b, db, speaker.clone(), begin), begin).await;
    tokio::time::pause();
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu());
    let clock = RunningClock::starting_at(begin);
    let events = Arc::new(Mutex::new(Vec::new()));
    let daemon = start(engine(b, db, speaker.clone(), begin), &events);
    // Day 2: an emergency breaks into the morning program three seconds in.
    sleep_to(&clock, "2026-12-02T07:00:03+08:00").await;
    db.call(|s| {
        s.request(
            2,
            Some("李站长"),
            Some("李站长"),
            ts("2026-12-02T07:00:03+08:00"),
        )
    })
    .await
    .unwrap();
    daemon.requests.send(()).await.unwrap();
    // Day 3: a noon slot is added and the schedules reloaded.
    sleep_to(&clock, "2026-12-03T09:00:00+08:00").await;
    b.station.write(
        "schedules/main.toml",
        format!("{WEEK}\n[[slot]]\nname = \"noon\"\nat = [\"12:00\"]\nqueue = \"news\"\nvoice = \"default\"\n"),
    );
    daemon.reload.send(()).await.unwrap();
    // Day 4, 20:00: the power fails until day 6, 07:05.
    sleep_to(&clock, "2026-12-04T20:00:00+08:00").await;
    daemon.stop().await;
    sleep_to(&clock, "2026-12-06T07:05:00+08:00").await;
    let daemon = start(engine(b, db, speaker.clone(), clock_now(&clock)), &events);
    sleep_to(&clock, "2026-12-08T06:00:00+08:00").await;
    daemon.stop().await;
    println!(
        "a simulated week took {:?} of real time, {:.3} s on the CPU",
        wall.elapsed(),
        thread_cpu() - cpu
    );

    db.call(|s| s.airings(None, None)).await.unwrap()
}

fn every_slot_aired_once_or_was_missed_in_the_outage(log: &[Airing]) {
    let rows = |slot: &str| -> Vec<(String, String)> {
        log.iter()
            .filter(|a| a.slot == slot)
            .map(|a| (a.scheduled.to_string(), a.outcome.to_string()))
            .collect()
    };
    let day = |d: u32, hm: &str| ts(&format!("2026-12-{d:02}T{hm}:00+08:00")).to_string();
    let expect = |days: &[(u32, &str)], hm: &str| -> Vec<(String, String)> {
        days.iter()
            .map(|(d, o)| (day(*d, hm), (*o).to_owned()))
            .collect()
    };
    assert_eq!(
        rows("morning"),
        expect(
            &[
                (1, "aired"),
                (2, "interrupted"),
                (3, "aired"),
                (4, "aired"),
                (5, "missed"),
                (6, "aired"),
                (7, "aired")
            ],
            "07:00"
        ),
        "{log:#?}"
    );
    assert_eq!(
        rows("evening"),
        expect(
            &[
                (1, "aired"),
                (2, "aired"),
                (3, "aired"),
                (4, "aired"),
                (5, "missed"),
                (6, "aired"),
                (7, "aired")
            ],
            "18:30"
        )
    );
    assert_eq!(
        rows("noon"),
        expect(
            &[
                (3, "aired"),
                (4, "aired"),
                (5, "missed"),
                (6, "aired"),
                (7, "aired")
            ],
            "12:00"
        )
    );
}

fn the_emergency_aired_and_the_morning_resumed(log: &[Airing]) {
    let emergency: Vec<_> = log.iter().filter(|a| a.slot == "play-now").collect();
    assert_eq!(emergency.len(), 1);
    assert_eq!(emergency[0].outcome.to_string(), "aired");
    assert_eq!(emergency[0].operator.as_deref(), Some("李站长"));
    let resumed: Vec<_> = log
        .iter()
        .filter(|a| a.slot == "morning (resumed)")
        .collect();
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].outcome.to_string(), "aired");
    assert!(emergency[0].started < resumed[0].started);
}

/// On time to the millisecond, and the 6th's morning late inside its window.
fn every_slot_went_on_air_on_time(log: &[Airing]) {
    for a in log.iter().filter(|a| {
        a.outcome.to_string() == "aired" && !a.slot.contains("resumed") && a.slot != "play-now"
    }) {
        let late = a.started.unwrap().duration_since(a.scheduled);
        // tokio's timer rounds a wait up to the next millisecond.
        let expected = if a.scheduled == ts("2026-12-06T07:00:00+08:00") {
            SignedDuration::from_mins(5)
        } else {
            SignedDuration::ZERO
        };
        let off = late - expected;
        assert!(
            off >= SignedDuration::ZERO && off <= SignedDuration::from_millis(1),
            "{a:#?}"
        );
    }
}

/// Seconds this thread has run on a CPU (the current-thread runtime runs the whole
/// simulation on it): a figure a loaded machine does not inflate.
fn thread_cpu() -> f64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns: f64 = text
        .split(' ')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    ns / 1e9
}

fn clock_now(clock: &RunningClock) -> Timestamp {
    use dalaba::airing::Clock;
    clock.now()
}

/// A device that takes any program in no time and says it played it.
#[derive(Debug)]
struct Swallower;

impl Speaker for Swallower {
    fn play<'a>(&'a self, _clip: dalaba::audio::Clip, _stop: StopSignal<'a>) -> Playing<'a> {
        Box::pin(async { Ok::<_, PlayError>(Played::Finished) })
    }

    fn device(&self) -> String {
        "swallower".into()
    }
}

#[tokio::test]
async fn a_device_that_swallows_the_program_is_failed_and_retried_inside_the_window() {
    let (b, db) = station(WEEK);
    let begin = ts("2026-12-01T06:50:00+08:00");
    let speaker: Arc<dyn Speaker> = Arc::new(Swallower);
    render_ahead(&engine(&b, &db, speaker.clone(), begin), begin).await;
    let log = run_until_half_past_seven(&b, &db, speaker, begin).await;
    let morning = log.iter().find(|a| a.slot == "morning").unwrap();
    assert_eq!(morning.outcome.to_string(), "failed");
    let reason = morning.reason.clone().unwrap();
    assert!(reason.contains("cannot have played it"), "{reason}");
    assert!(
        morning.duration.unwrap() < 0.1,
        "its real length: {morning:#?}"
    );
    let events = db.call(move |s| s.events(morning_id(&log))).await.unwrap();
    let retries: Vec<Timestamp> = events
        .iter()
        .filter(|(_, e, _)| e == "retried")
        .map(|(at, _, _)| *at)
        .collect();
    // Tried at 07:00, then again (about every minute) inside its ten-minute window only.
    let end = ts("2026-12-01T07:10:00+08:00");
    assert!(retries.len() >= 2, "{events:#?}");
    assert!(retries.iter().all(|at| *at <= end), "{events:#?}");
}

fn morning_id(log: &[dalaba::store::Airing]) -> i64 {
    log.iter().find(|a| a.slot == "morning").unwrap().id
}

#[tokio::test]
async fn a_stop_on_air_closes_the_airing_interrupted() {
    let (b, db) = station(WEEK);
    let begin = ts("2026-12-01T06:50:00+08:00");
    let speaker: Arc<dyn Speaker> = Arc::new(WavSpeaker::new(&b.station.join("speaker")));
    render_ahead(&engine(&b, &db, speaker.clone(), begin), begin).await;
    tokio::time::pause();
    let clock = RunningClock::starting_at(begin);
    let events = Arc::new(Mutex::new(Vec::new()));
    let daemon = start(engine(&b, &db, speaker, begin), &events);
    sleep_to(&clock, "2026-12-01T07:00:02+08:00").await;
    daemon.stop().await;
    let log = db.call(|s| s.airings(None, None)).await.unwrap();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(log[0].outcome.to_string(), "interrupted");
    assert!(log[0].reason.as_deref().unwrap().contains("stopped"));
    let ended = log[0]
        .ended
        .unwrap()
        .duration_since(ts("2026-12-01T07:00:02+08:00"));
    assert!(
        ended >= SignedDuration::ZERO && ended <= SignedDuration::from_millis(1),
        "the real end: {ended:?}"
    );
}

#[tokio::test]
async fn the_log_names_the_voice_the_program_summary_says_spoke() {
    let (b, db) = station(WEEK);
    let begin = ts("2026-12-01T06:50:00+08:00");
    let speaker: Arc<dyn Speaker> = Arc::new(dalaba::player::NullSpeaker);
    let e = engine(&b, &db, speaker.clone(), begin);
    render_ahead(&e, begin).await;
    // The program was made by the fallback voice: its summary says so.
    let prepared = e.prepare(vec!["news".into()]).await.unwrap();
    let morning = e.slots.iter().find(|s| s.name == "morning").unwrap();
    let program = e.plan(morning, begin, &prepared).program;
    let summary = dalaba::program::summary::summary_path(&program);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    json["spoken_by"] = serde_json::json!({ "voice": "fallback-espeak", "fallback_for": null });
    std::fs::write(&summary, json.to_string()).unwrap();
    let log = run_until_half_past_seven(&b, &db, speaker, begin).await;
    let aired = log.iter().find(|a| a.slot == "morning").unwrap();
    assert_eq!(aired.outcome.to_string(), "aired");
    assert_eq!(aired.voice.as_deref(), Some("fallback-espeak"));
}

/// A stand-in for the TTS voices: records every voice asked for and every text spoken, and
/// answers speech-like audio; or refuses every voice.
#[derive(Debug, Default)]
struct RecordingVoices {
    asked: Mutex<Vec<String>>,
    spoken: Arc<Mutex<Vec<String>>>,
    refuse: bool,
}

impl Voices for RecordingVoices {
    fn synthesizer(&self, profile: &VoiceProfile) -> Result<Arc<dyn Synthesizer>, SynthError> {
        self.asked.lock().unwrap().push(profile.name.clone());
        if self.refuse {
            return Err(SynthError::Config(format!(
                "the test's voices refuse `{}`",
                profile.name
            )));
        }
        Ok(Arc::new(Recorder(self.spoken.clone())))
    }
}

/// Speaks any text as a tone of its length, noting the text.
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Synthesizer for Recorder {
    fn synthesize<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<EncodedAudio, SynthError>> {
        self.0.lock().unwrap().push(text.to_owned());
        let bytes = audio::wav(24_000, 1, &audio::speech_for(text, 24_000));
        Box::pin(async move {
            Ok(EncodedAudio {
                bytes,
                content_type: Some("audio/wav".into()),
                raw_pcm: None,
            })
        })
    }
}

/// The engine renders through the voices it was handed and builds no backend of its own:
/// every text of the program is spoken by the injected voices, and when they refuse the
/// voice, the render fails with their refusal (the station's real espeak-ng voice would
/// have spoken).
#[tokio::test]
async fn the_engine_speaks_only_through_the_voices_it_was_handed() {
    let (b, db) = station(WEEK);
    let begin = ts("2026-12-01T06:50:00+08:00");
    let speaker: Arc<dyn Speaker> = Arc::new(dalaba::player::NullSpeaker);
    let voices = Arc::new(RecordingVoices::default());
    let e = engine_speaking_with(&b, &db, speaker.clone(), begin, voices.clone());
    let prepared = e.prepare(vec!["news".into()]).await.unwrap();
    let morning = e.slots.iter().find(|s| s.name == "morning").unwrap();
    let plan = e.plan(morning, begin, &prepared);
    let seconds = e.render(&plan).await.unwrap().expect("rendered now");
    let asked = voices.asked.lock().unwrap().clone();
    let spoken = voices.spoken.lock().unwrap().clone();
    // The program's voice, and its fallback (the station's espeak-ng), both from the edge.
    assert!(asked.iter().any(|v| v == "default"), "{asked:?}");
    let script = dalaba::airing::script_of(
        plan.articles[0].article.as_ref().unwrap(),
        &e.lexicon().unwrap(),
    )
    .0;
    let article_texts: Vec<&String> = spoken
        .iter()
        .filter(|t| script.contains(t.as_str()))
        .collect();
    assert!(
        !article_texts.is_empty(),
        "the article was not spoken by the test voices: {spoken:?}"
    );
    // Every segment was the test voices' tone: the program lasts at least their speech.
    let speech: f64 = spoken
        .iter()
        .map(|t| f64::from(audio::SECONDS_PER_CHAR) * audio::spoken_chars(t).max(1) as f64)
        .sum();
    assert!(
        seconds >= speech * 0.8,
        "{seconds} s of program for {speech} s of speech"
    );
    // A second render reuses the program: no voice is asked again.
    assert_eq!(e.render(&plan).await.unwrap(), None);
    assert_eq!(voices.asked.lock().unwrap().len(), asked.len());

    let (b, db) = station(WEEK);
    let refusing = Arc::new(RecordingVoices {
        refuse: true,
        ..RecordingVoices::default()
    });
    let e = engine_speaking_with(&b, &db, speaker, begin, refusing.clone());
    let prepared = e.prepare(vec!["news".into()]).await.unwrap();
    let morning = e.slots.iter().find(|s| s.name == "morning").unwrap();
    let err = e
        .render(&e.plan(morning, begin, &prepared))
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("the test's voices refuse `default`"),
        "{err:#}"
    );
    assert_eq!(refusing.spoken.lock().unwrap().len(), 0);
}
