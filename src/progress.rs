//! Progress reporting on stderr: drawn only on a terminal and never with `--quiet`.
//!
//! Library code receives a [`Progress`] and asks it for bars; whether anything is drawn is
//! decided once, here.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Hands out progress bars: drawn on stderr, or hidden when it is not a terminal or with
/// `--quiet`.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    visible: bool,
}

impl Progress {
    /// Visible when not `quiet` and stderr is a terminal.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            visible: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Whether bars are drawn.
    pub fn is_visible(&self) -> bool {
        self.visible
    }

    /// Draws nothing, whatever the terminal.
    pub fn hidden() -> Progress {
        Progress { visible: false }
    }

    /// A bar over a known total with its rate and time left, e.g. "moby: diffing commits
    /// 12,288/57,533 (21%, 3,100/s, 15s left)".
    pub fn bar(&self, message: String, total: u64) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} {human_pos}/{human_len} ({percent}%, {per_sec}, {eta} left) {wide_bar}",
            )
            .expect("the template is valid"),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A spinner with a running count and rate, for a total not known in advance, e.g. "moby:
    /// walking commits 12,288 (9,800/s, 1s)".
    pub fn counter(&self, message: String) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {human_pos} ({per_sec}, {elapsed})")
                .expect("the template is valid"),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}
