//! Splitting a list of projects over N machines, deterministically: project NAME belongs to
//! shard `fnv1a_64(NAME) mod N` (FNV-1a over the name's UTF-8 bytes, 64 bits, the function in
//! [`crate::text::fnv1a`]), so every machine of a job scheduler's array, given only its index,
//! takes the same disjoint share of the list, and adding a project never moves the others.
//!
//! Where the index comes from, first found wins: `run --shard K/N`; the `TEMPER_SHARD`
//! environment variable (`K/N`); or `run --shards N` with the scheduler's own index,
//! Kubernetes Indexed Jobs' `JOB_COMPLETION_INDEX` or Slurm arrays' `SLURM_ARRAY_TASK_ID`.
//! Indices count from 0 (`K` in `0..N`); run a Slurm array as `--array=0-(N-1)`.

/// One shard of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K: this shard, counting from 0 (below `count`).
    pub index: u64,
    /// N: how many shards the list is split into (at least 1).
    pub count: u64,
}

/// Why this machine's shard cannot be told (a usage error).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShardError {
    /// A `--shard` or `TEMPER_SHARD` value (as given) that is not `K/N` with K below N.
    #[error("'{0}' is not a shard: expected K/N with 0 <= K < N, e.g. 0/4")]
    Malformed(String),
    /// `--shards N` on a machine with no index: no `--shard`, `TEMPER_SHARD` or scheduler variable.
    #[error("--shards {count} needs this machine's index: pass --shard K/{count}, or set TEMPER_SHARD, JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)")]
    NoIndex {
        /// N, from `--shards`.
        count: u64,
    },
    /// The scheduler's index is not a whole number below N.
    #[error("{variable}={value} is not an index below {count}")]
    BadIndex {
        /// The variable read: `JOB_COMPLETION_INDEX` or `SLURM_ARRAY_TASK_ID`.
        variable: &'static str,
        /// Its value, as read.
        value: String,
        /// N, from `--shards`.
        count: u64,
    },
}

impl Shard {
    /// `K/N`.
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::Malformed(text.to_string());
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard of this process: `--shard`, else `TEMPER_SHARD`, else `--shards N` with the
    /// scheduler's index (read through `env`); `None` for a run over every project.
    pub fn resolve(
        shard: Option<&str>,
        shards: Option<u64>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, ShardError> {
        if let Some(text) = shard {
            return Shard::parse(text).map(Some);
        }
        if let Some(text) = env("TEMPER_SHARD").filter(|t| !t.trim().is_empty()) {
            return Shard::parse(&text).map(Some);
        }
        let Some(count) = shards else {
            return Ok(None);
        };
        for variable in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
            if let Some(value) = env(variable) {
                return match value.trim().parse::<u64>() {
                    Ok(index) if index < count && count > 0 => Ok(Some(Shard { index, count })),
                    _ => Err(ShardError::BadIndex {
                        variable,
                        value,
                        count,
                    }),
                };
            }
        }
        Err(ShardError::NoIndex { count })
    }

    /// The shard `name` belongs to among `count`.
    pub fn of(name: &str, count: u64) -> u64 {
        crate::text::fnv1a(name.as_bytes()) % count.max(1)
    }

    /// Whether project `name` is this shard's.
    pub fn takes(&self, name: &str) -> bool {
        Shard::of(name, self.count) == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_split_a_list_once() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1", "a/4", "1/0", "-1/4"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        // Every name is taken by exactly one shard of four.
        let shards: Vec<Shard> = (0..4).map(|index| Shard { index, count: 4 }).collect();
        let mut sizes = [0usize; 4];
        for i in 0..400 {
            let name = format!("project-{i}");
            let takers: Vec<&Shard> = shards.iter().filter(|s| s.takes(&name)).collect();
            assert_eq!(takers.len(), 1, "{name}");
            sizes[takers[0].index as usize] += 1;
        }
        // FNV-1a spreads them: no shard is empty or holds most.
        assert!(sizes.iter().all(|n| (50..=150).contains(n)), "{sizes:?}");
        // The hash is FNV-1a 64 of the UTF-8 name (reproducible elsewhere): "a" is
        // 0xaf63dc4c8601ec8c.
        assert_eq!(crate::text::fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_index_comes_from_the_flag_the_variable_or_the_scheduler() {
        let none = |_: &str| None;
        assert_eq!(Shard::resolve(None, None, none), Ok(None));
        let env = |k: &str| match k {
            "TEMPER_SHARD" => Some("2/3".to_string()),
            "JOB_COMPLETION_INDEX" => Some("1".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::resolve(Some("0/3"), None, env),
            Ok(Some(Shard { index: 0, count: 3 }))
        );
        assert_eq!(
            Shard::resolve(None, Some(5), env),
            Ok(Some(Shard { index: 2, count: 3 }))
        );
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "4".to_string());
        assert_eq!(
            Shard::resolve(None, Some(5), k8s),
            Ok(Some(Shard { index: 4, count: 5 }))
        );
        let slurm = |k: &str| (k == "SLURM_ARRAY_TASK_ID").then(|| "5".to_string());
        assert!(matches!(
            Shard::resolve(None, Some(5), slurm),
            Err(ShardError::BadIndex { .. })
        ));
        assert_eq!(
            Shard::resolve(None, Some(5), none),
            Err(ShardError::NoIndex { count: 5 })
        );
    }
}
