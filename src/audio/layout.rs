//! Program layout as a pure function: which sound plays when, and how long each silence is.
//! Intro chime → preamble → each article (title, pause, body) with longer pauses between
//! articles → the whole sequence again after a spoken bridge, N times → closing → outro
//! chime. Sounds are referred to by index; the caller owns the audio. Pure. \[core\]

use serde::{Deserialize, Serialize};

use crate::text::Pause;

/// Lengths of silence, in seconds, between the parts of a program.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PauseGrammar {
    /// After an article's title.
    pub title: f64,
    /// Between paragraphs.
    pub paragraph: f64,
    /// Between sentences.
    pub sentence: f64,
    /// Where a long sentence was split.
    pub clause: f64,
    /// Between two articles.
    pub article: f64,
    /// Around the preamble, the bridge and the closing line.
    pub section: f64,
    /// After the intro chime and before the outro chime.
    pub chime: f64,
}

impl Default for PauseGrammar {
    fn default() -> Self {
        Self {
            title: 1.2,
            paragraph: 0.8,
            sentence: 0.45,
            clause: 0.2,
            article: 2.0,
            section: 1.2,
            chime: 0.8,
        }
    }
}

impl PauseGrammar {
    /// Seconds of silence after a segment ending in `pause`.
    pub fn seconds(&self, pause: Pause) -> f64 {
        match pause {
            Pause::Title => self.title,
            Pause::Paragraph => self.paragraph,
            Pause::Sentence => self.sentence,
            Pause::Clause => self.clause,
        }
    }

    /// The longest silence this grammar ever asks for.
    pub fn longest(&self) -> f64 {
        [
            self.title,
            self.paragraph,
            self.sentence,
            self.clause,
            self.article,
            self.section,
            self.chime,
        ]
        .into_iter()
        .fold(0.0, f64::max)
    }

    /// Every length must be a finite number of seconds, zero or more.
    pub fn check(&self) -> Result<(), String> {
        let fields = [
            ("title", self.title),
            ("paragraph", self.paragraph),
            ("sentence", self.sentence),
            ("clause", self.clause),
            ("article", self.article),
            ("section", self.section),
            ("chime", self.chime),
        ];
        match fields
            .iter()
            .find(|(_, v)| !v.is_finite() || *v < 0.0 || *v > 60.0)
        {
            Some((name, v)) => Err(format!(
                "pause `{name}` is {v} s; use a length between 0 and 60 seconds"
            )),
            None => Ok(()),
        }
    }
}

/// One spoken segment in a section: an index into the caller's list and the break after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    /// Index of the segment's audio in the caller's list.
    pub id: usize,
    /// The break the text asks for after it.
    pub pause: Pause,
}

/// The spoken parts of a program, in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sections {
    /// "各位村民请注意": before the first reading.
    pub preamble: Vec<Cue>,
    /// Each article's segments: title first, then the body.
    pub articles: Vec<Vec<Cue>>,
    /// "下面再播送一遍": between readings.
    pub bridge: Vec<Cue>,
    /// The closing line, after the last reading.
    pub closing: Vec<Cue>,
}

/// A sound in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sound {
    /// The opening chime.
    Intro,
    /// The closing chime.
    Outro,
    /// Spoken segment number `id` of the caller's list.
    Speech(usize),
}

/// One step of the program: a sound, or silence of some seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Part {
    /// Play this.
    Sound(Sound),
    /// Silence, in seconds.
    Pause(f64),
}

/// Which chimes frame the program.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Chimes {
    /// An opening chime.
    pub intro: bool,
    /// A closing chime.
    pub outro: bool,
}

/// Lays out a program: chimes, preamble, the articles read `repeat` times (at least once)
/// with the bridge between readings, the closing line. Silence between two sounds follows
/// `grammar`; there is none before the first sound or after the last.
pub fn layout(
    sections: &Sections,
    repeat: u32,
    chimes: Chimes,
    grammar: &PauseGrammar,
) -> Vec<Part> {
    let mut items: Vec<(Sound, f64)> = Vec::new();
    let section = |items: &mut Vec<(Sound, f64)>, cues: &[Cue], end: f64| {
        items.extend(
            cues.iter()
                .map(|c| (Sound::Speech(c.id), grammar.seconds(c.pause))),
        );
        if let (Some(last), false) = (items.last_mut(), cues.is_empty()) {
            last.1 = end;
        }
    };
    if chimes.intro {
        items.push((Sound::Intro, grammar.chime));
    }
    section(&mut items, &sections.preamble, grammar.section);
    for reading in 0..repeat.max(1) {
        if reading > 0 {
            section(&mut items, &sections.bridge, grammar.section);
        }
        for (i, article) in sections.articles.iter().enumerate() {
            let end = if i + 1 < sections.articles.len() {
                grammar.article
            } else {
                grammar.section
            };
            section(&mut items, article, end);
        }
    }
    section(&mut items, &sections.closing, grammar.section);
    if chimes.outro {
        if let Some(last) = items.last_mut() {
            last.1 = grammar.chime;
        }
        items.push((Sound::Outro, 0.0));
    }
    let mut parts = Vec::with_capacity(items.len() * 2);
    let count = items.len();
    for (i, (sound, pause)) in items.into_iter().enumerate() {
        parts.push(Part::Sound(sound));
        if i + 1 < count && pause > 0.0 {
            parts.push(Part::Pause(pause));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(ids: &[(usize, Pause)]) -> Vec<Cue> {
        ids.iter().map(|&(id, pause)| Cue { id, pause }).collect()
    }

    #[test]
    fn two_articles_read_twice() {
        use Part::{Pause as P, Sound as S};
        use Sound::*;
        let g = PauseGrammar::default();
        let sections = Sections {
            preamble: cues(&[(0, Pause::Paragraph)]),
            articles: vec![
                cues(&[
                    (1, Pause::Title),
                    (2, Pause::Sentence),
                    (3, Pause::Paragraph),
                ]),
                cues(&[(4, Pause::Title), (5, Pause::Paragraph)]),
            ],
            bridge: cues(&[(6, Pause::Paragraph)]),
            closing: cues(&[(7, Pause::Paragraph)]),
        };
        let parts = layout(
            &sections,
            2,
            Chimes {
                intro: true,
                outro: true,
            },
            &g,
        );
        let reading = [
            S(Speech(1)),
            P(g.title),
            S(Speech(2)),
            P(g.sentence),
            S(Speech(3)),
            P(g.article),
            S(Speech(4)),
            P(g.title),
            S(Speech(5)),
            P(g.section),
        ];
        let mut expected = vec![S(Intro), P(g.chime), S(Speech(0)), P(g.section)];
        expected.extend(reading);
        expected.extend([S(Speech(6)), P(g.section)]);
        expected.extend(reading);
        expected.extend([S(Speech(7)), P(g.chime), S(Outro)]);
        assert_eq!(parts, expected);
    }

    #[test]
    fn bare_program_has_no_leading_or_trailing_silence() {
        let sections = Sections {
            articles: vec![cues(&[(0, Pause::Title), (1, Pause::Paragraph)])],
            ..Default::default()
        };
        let g = PauseGrammar::default();
        let parts = layout(&sections, 0, Chimes::default(), &g);
        assert_eq!(
            parts,
            [
                Part::Sound(Sound::Speech(0)),
                Part::Pause(g.title),
                Part::Sound(Sound::Speech(1))
            ]
        );
    }

    #[test]
    fn one_reading_has_no_bridge() {
        let sections = Sections {
            articles: vec![cues(&[(0, Pause::Paragraph)])],
            bridge: cues(&[(9, Pause::Paragraph)]),
            ..Default::default()
        };
        let parts = layout(&sections, 1, Chimes::default(), &PauseGrammar::default());
        assert!(!parts.contains(&Part::Sound(Sound::Speech(9))));
    }

    #[test]
    fn longest_pause_and_checks() {
        let g = PauseGrammar::default();
        assert_eq!(g.longest(), 2.0);
        assert!(g.check().is_ok());
        let bad = PauseGrammar {
            sentence: -1.0,
            ..g
        };
        assert!(bad.check().unwrap_err().contains("`sentence`"));
    }
}
