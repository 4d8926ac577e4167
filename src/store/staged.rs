//! A repository's next generation, written table by table: each table goes to a staging
//! directory as soon as it is made (so a run need not hold every table in memory at once: at the
//! kernel's size they are gigabytes together), and [`Staged::commit`] makes the whole generation
//! live in one rename and one write of `CURRENT`. A generation never committed, because a write
//! failed or the caller stopped, is removed when it is dropped; one a killed process left is
//! garbage the next run collects.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use polars::prelude::DataFrame;

use super::tables::{self, Table};
use super::{
    atomic_write, fault_point, fingerprint_text, fingerprints, io_err, next_generation,
    read_current, sync_dir, write_synced, RepoMeta, StoreError, CURRENT, META,
};

/// A generation being written (see the module's documentation).
#[derive(Debug)]
pub struct Staged {
    /// The repository's directory, and the staging directory inside it.
    dir: PathBuf,
    staging: PathBuf,
    committed: bool,
    /// The fingerprint of each table written, taken as its bytes went out (at the kernel's size
    /// reading 260 MB back to hash them took a second).
    written: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

/// A writer that hashes what it passes on, for the file's fingerprint.
struct Fingerprinting<'a, W> {
    inner: &'a mut W,
    len: u64,
    hash: u64,
}

impl<W: Write> Write for Fingerprinting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.len += n as u64;
        self.hash = crate::text::fnv1a_extend(self.hash, &buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Staged {
    pub(super) fn begin(dir: PathBuf) -> Result<Staged, StoreError> {
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let staging = dir.join(format!("tmp-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_err(&staging))?;
        Ok(Staged {
            dir,
            staging,
            committed: false,
            written: Default::default(),
        })
    }

    /// Writes one table (durably) into the generation.
    pub fn write(&self, table: Table, df: &mut DataFrame) -> Result<(), StoreError> {
        let path = self.staging.join(table.file_name());
        let mut sum = (0, crate::text::FNV1A_START);
        write_synced(&path, |w| {
            let mut out = Fingerprinting {
                inner: w,
                len: 0,
                hash: crate::text::FNV1A_START,
            };
            tables::write_parquet(df, &mut out)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            sum = (out.len, out.hash);
            Ok(())
        })?;
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(table.file_name(), fingerprint_text(sum.0, sum.1));
        Ok(())
    }

    /// Writes tables into the generation, encoding them in parallel (they are independent
    /// files).
    pub fn write_all(&self, tables: &mut [(Table, DataFrame)]) -> Result<(), StoreError> {
        use rayon::prelude::*;
        tables
            .par_iter_mut()
            .map(|(table, df)| self.write(*table, df))
            .collect::<Result<Vec<()>, StoreError>>()
            .map(|_| ())
    }

    /// Makes the generation live with `meta`, taking the tables of `carry` unchanged from the
    /// live generation (hard-linked, or copied where links are not possible) when it has them.
    pub fn commit(mut self, meta: &RepoMeta, carry: &[Table]) -> Result<(), StoreError> {
        // A damaged CURRENT is replaced (nothing is carried from it).
        let live = read_current(&self.dir).ok().flatten();
        if let Some(live) = &live {
            for table in carry {
                let from = self.dir.join(live).join(table.file_name());
                let to = self.staging.join(table.file_name());
                if from.exists() && fs::hard_link(&from, &to).is_err() {
                    fs::copy(&from, &to).map_err(io_err(&to))?;
                }
            }
        }
        let mut meta = meta.clone();
        // Every file of the generation: those written here as hashed on the way out, the
        // carried ones read back.
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        meta.files = fingerprints(&self.staging, written)?;
        let meta_text = serde_json::to_vec_pretty(&meta).expect("meta serialises");
        write_synced(&self.staging.join(META), |w| w.write_all(&meta_text))?;
        fault_point("in-staging");

        let next = next_generation(&self.dir, live.as_deref())?;
        let generation = self.dir.join(&next);
        fs::rename(&self.staging, &generation).map_err(io_err(&generation))?;
        self.committed = true;
        sync_dir(&self.dir);
        fault_point("before-current");
        atomic_write(&self.dir.join(CURRENT), |w| w.write_all(next.as_bytes()))?;
        // The new generation is live; anything else in the directory is garbage now.
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let stale =
                    (name.starts_with('g') && name != next.as_str()) || name.starts_with("tmp-");
                if stale && entry.path().is_dir() {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        Ok(())
    }
}

impl Drop for Staged {
    /// A generation not committed (a write failed: a full disk) must not leave its partial copy
    /// to fill the disk.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}
