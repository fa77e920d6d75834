//! CPU time of a process from Linux's `/proc/PID/stat`, shared by the benches that report
//! CPU seconds beside wall time.

/// User + system seconds from a `/proc/PID/stat` file, taking the two fields at `first`
/// counted after the command name (11: the process itself, 13: its waited-for children).
pub fn cpu_seconds(stat: &str, first: usize) -> f64 {
    let text = std::fs::read_to_string(stat).unwrap_or_default();
    cpu_from_stat(&text, first)
}

/// [`cpu_seconds`] from the file's text.
pub fn cpu_from_stat(text: &str, first: usize) -> f64 {
    let after = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // Linux reports clock ticks of 1/100 s.
    (fields.get(first).unwrap_or(&0.0) + fields.get(first + 1).unwrap_or(&0.0)) / 100.0
}

/// This process's own CPU seconds so far.
pub fn own() -> f64 {
    cpu_seconds("/proc/self/stat", 11)
}
