//! dalaba's integration tests: one binary, files split by feature.
mod text;
