//! Codecs at the edge: symphonia decodes whatever a backend sent, hound writes WAV. \[edge\]

pub mod decode;
pub mod wav;

pub use decode::{DecodeError, decode};
