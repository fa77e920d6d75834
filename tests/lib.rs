//! dalaba's integration tests: one binary, files split by feature.

// Test code: a panic with its location is the failure report we want.
#![allow(clippy::unwrap_used)]

mod support;

mod backends;
mod box_run;
mod console;
mod hostile;
mod hub;
mod hub_alerts;
mod hub_plan;
mod hub_tls;
mod i18n;
mod package;
mod program;
mod skeleton;
mod station;
mod text;
mod township;
