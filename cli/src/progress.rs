//! Progress bars on stderr. indicatif draws them only when stderr is a terminal,
//! so a run piped into a file or a log gets the summary lines alone.

use ciclo::consolidation::dedup::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `total` units, labelled `label`.
pub fn bar(total: usize, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>11} [{bar:40}] {human_pos}/{human_len} {elapsed_precise} (eta {eta})",
        )
        .expect("a valid progress template")
        .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    bar
}

/// One bar that follows the steps of a deduplication (`standardize`, `block`,
/// `compare`, ...): its label is the step, its length the step's.
pub struct Steps {
    bar: ProgressBar,
    step: &'static str,
}

impl Steps {
    /// A bar before the first step.
    pub fn new() -> Steps {
        Steps {
            bar: bar(0, ""),
            step: "",
        }
    }

    /// Moves the bar to `progress`.
    pub fn update(&mut self, progress: Progress) {
        if progress.step != self.step {
            self.step = progress.step;
            self.bar.set_message(progress.step);
            self.bar.set_length(progress.total as u64);
            self.bar.reset_eta();
        }
        self.bar.set_position(progress.done as u64);
    }

    /// Takes the bar off the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
