//! The stage clock behind `--timings`: each stage's wall time, and how much memory of its own
//! the process holds when the stage ends (what an operator sizing a machine needs to see).

use std::time::{Duration, Instant};

/// One stage of one repository's analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lap {
    /// The stage's name as `--timings` prints it (`walk`, `churn`, `loc`, ...).
    pub stage: String,
    /// Its wall time.
    pub time: Duration,
    /// The process's own resident memory when the stage ended, bytes: anonymous pages (the
    /// heap), not the pack files that reads map, whose pages the system can drop. `None` where
    /// the system does not say (anywhere but Linux).
    pub memory: Option<u64>,
}

/// Wall time per stage of one repository's analysis.
pub(super) struct Stopwatch {
    last: Instant,
    laps: Vec<Lap>,
}

impl Stopwatch {
    pub(super) fn start() -> Stopwatch {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Ends the stage `stage`.
    pub(super) fn lap(&mut self, stage: &str) {
        let now = Instant::now();
        self.laps.push(Lap {
            stage: stage.to_string(),
            time: now - self.last,
            memory: own_memory(),
        });
        self.last = now;
    }

    /// The laps so far.
    pub(super) fn laps(&self) -> Vec<Lap> {
        self.laps.clone()
    }
}

/// The process's resident anonymous memory (`RssAnon` of `/proc/self/status`), bytes.
fn own_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field(&status, "RssAnon:")
}

/// A `kB` field of a `/proc/PID/status` text, in bytes.
fn status_field(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_status_field_in_bytes() {
        let status = "Name:\ttemper\nVmRSS:\t  204800 kB\nRssAnon:\t  102400 kB\nRssFile:\t 1 kB\n";
        assert_eq!(status_field(status, "RssAnon:"), Some(100 << 20));
        assert_eq!(status_field(status, "VmSwap:"), None);
    }
}
