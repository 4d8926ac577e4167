//! The memory budget (`--memory`): what temper's bounded caches may take, and the check that
//! tells an operator when what grows with the history went over it.
//!
//! Two kinds of memory make up a run's peak. Caches are bounded and sized from the budget: the
//! blob-pair memo that lets release branches and line age reuse churn's line diffs takes an
//! eighth of it (512 MiB of the default 4 GiB); the delta-base caches are fixed, 32 MiB a
//! worker thread. What holds the history itself grows with it and is not bounded by any
//! budget: the walk (about 440 bytes a commit), the line counter's month-end trees and blob
//! counts (about 600 MiB at the Linux kernel's size), line age's state (4 bytes a line of
//! code). When a stage ends holding more than the budget, the run says so, with the stage, so
//! that the machine can be sized; the tables are the same whatever the budget (a smaller memo
//! costs only time).

use super::clock::Lap;

/// How much memory a run may take, bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryBudget {
    bytes: u64,
}

impl Default for MemoryBudget {
    /// 4 GiB: the kernel-sized history's cold run ends its stages at 2.4 GiB at most.
    fn default() -> MemoryBudget {
        MemoryBudget::mib(MemoryBudget::DEFAULT_MIB)
    }
}

impl MemoryBudget {
    /// The default budget, MiB.
    pub const DEFAULT_MIB: u64 = 4096;
    /// The smallest budget accepted, MiB: below it the fixed caches alone would not fit.
    pub const MIN_MIB: u64 = 256;

    /// A budget of `mib` MiB.
    pub fn mib(mib: u64) -> MemoryBudget {
        MemoryBudget { bytes: mib << 20 }
    }

    /// The budget, MiB.
    pub fn in_mib(&self) -> u64 {
        self.bytes >> 20
    }

    /// What the blob-pair memo may hold: an eighth of the budget.
    pub fn pair_memo_bytes(&self) -> usize {
        usize::try_from(self.bytes / 8).unwrap_or(usize::MAX)
    }

    /// The stage that ended holding the most memory, when that is more than the budget.
    pub fn overrun<'a>(&self, laps: &'a [Lap]) -> Option<&'a Lap> {
        laps.iter()
            .filter(|lap| lap.memory.is_some_and(|m| m > self.bytes))
            .max_by_key(|lap| lap.memory)
    }

    /// What to tell the operator when `lap` ended over the budget.
    pub fn overrun_message(&self, name: &str, lap: &Lap) -> String {
        format!(
            "{name}: temper held up to {} MiB (at the end of {}), over the memory budget of {} MiB: \
             the caches keep to it, but the walk, the line counter's month-end trees and line \
             age's state grow with the history (docs/speed.md); give it more memory (--memory) \
             or analyse part of the tree (--path)",
            lap.memory.unwrap_or(0) >> 20,
            lap.stage,
            self.in_mib()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn lap(stage: &str, mib: Option<u64>) -> Lap {
        Lap {
            stage: stage.to_string(),
            time: Duration::from_secs(1),
            memory: mib.map(|m| m << 20),
        }
    }

    #[test]
    fn the_memo_takes_an_eighth_and_the_largest_stage_over_is_named() {
        let budget = MemoryBudget::mib(1024);
        assert_eq!(budget.pair_memo_bytes(), 128 << 20);
        assert_eq!(MemoryBudget::default().pair_memo_bytes(), 512 << 20);
        let laps = [
            lap("walk", Some(600)),
            lap("churn", None),
            lap("loc", Some(1025)),
            lap("age", Some(2000)),
        ];
        assert_eq!(budget.overrun(&laps).map(|l| l.stage.as_str()), Some("age"));
        assert_eq!(MemoryBudget::mib(2048).overrun(&laps), None);
        let message = budget.overrun_message("k", &laps[2]);
        assert!(message.starts_with("k: temper held up to 1025 MiB (at the end of loc)"));
    }
}
