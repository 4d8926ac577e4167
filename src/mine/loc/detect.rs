//! Language detection with tokei's own rules, from a tree entry's name and a blob's bytes.
//!
//! tokei decides by file name, then by extension, then (for names without an extension) by the
//! shebang in the file's first line, which its `from_path` reads from disk. History has no files on
//! disk, so the name-based steps call `from_path` on a path under a directory that cannot exist,
//! and the shebang step hands tokei's `from_shebang` a private temporary file holding the blob's
//! first 128 bytes, exactly what tokei itself would read. Both are memoised: file names repeat
//! across a history, and so do shebang lines.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Mutex;

use tokei::{Config, LanguageType};

/// What a file's name says about its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathLanguage {
    /// The name or extension decides.
    Known(LanguageType),
    /// No extension and no known name: the blob's shebang decides (or nothing).
    Shebang,
    /// An extension tokei does not know: never counted in lines.
    Unknown,
}

impl PathLanguage {
    /// A stable text form for the store: the language name, `#!` or `?`.
    pub fn as_key(self) -> &'static str {
        match self {
            PathLanguage::Known(l) => l.name(),
            PathLanguage::Shebang => "#!",
            PathLanguage::Unknown => "?",
        }
    }

    /// Back from [`PathLanguage::as_key`]; `None` for a language name this tokei does not know.
    pub fn from_key(key: &str) -> Option<PathLanguage> {
        match key {
            "#!" => Some(PathLanguage::Shebang),
            "?" => Some(PathLanguage::Unknown),
            name => language_by_name(name).map(PathLanguage::Known),
        }
    }
}

/// The language whose `name()` is `name`.
pub fn language_by_name(name: &str) -> Option<LanguageType> {
    LanguageType::list()
        .iter()
        .map(|(l, _)| *l)
        .find(|l| l.name() == name)
}

/// tokei reads at most this many bytes when it looks for a shebang.
const SHEBANG_READ_LIMIT: usize = 128;

/// A directory that does not exist, so tokei's `from_path` can never open a real file.
const NOWHERE: &str = "/nonexistent-temper-path-for-language-detection";

/// Memoised, thread-safe language detection.
#[derive(Default)]
pub struct Detector {
    by_name: Mutex<HashMap<Vec<u8>, PathLanguage>>,
    by_shebang: Mutex<HashMap<Vec<u8>, Option<LanguageType>>>,
}

impl Detector {
    /// The language a tree entry's file name gives.
    pub fn from_file_name(&self, name: &[u8]) -> PathLanguage {
        if let Some(hit) = lock(&self.by_name).get(name) {
            return *hit;
        }
        let path = Path::new(NOWHERE).join(OsStr::from_bytes(name));
        let result = match LanguageType::from_path(&path, &Config::default()) {
            Some(language) => PathLanguage::Known(language),
            None if path.extension().is_some() => PathLanguage::Unknown,
            None => PathLanguage::Shebang,
        };
        lock(&self.by_name).insert(name.to_vec(), result);
        result
    }

    /// The language a blob's shebang gives, by tokei's table.
    pub fn from_shebang(&self, bytes: &[u8]) -> Option<LanguageType> {
        if !bytes.starts_with(b"#!") {
            // Every shebang tokei knows starts so; skip the file round trip.
            return None;
        }
        let head = &bytes[..bytes.len().min(SHEBANG_READ_LIMIT)];
        let first_line = head.split(|b| *b == b'\n').next().unwrap_or(head);
        if let Some(hit) = lock(&self.by_shebang).get(first_line) {
            return *hit;
        }
        let result = tempfile::NamedTempFile::new()
            .and_then(|mut file| {
                file.write_all(head)?;
                file.flush()?;
                Ok(LanguageType::from_shebang(file.path()))
            })
            .ok()
            .flatten();
        lock(&self.by_shebang).insert(first_line.to_vec(), result);
        result
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a memo table half-written in a harmful way.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_extensions_and_shebangs_follow_tokei() {
        let d = Detector::default();
        assert_eq!(
            d.from_file_name(b"main.rs"),
            PathLanguage::Known(LanguageType::Rust)
        );
        assert_eq!(
            d.from_file_name(b"MAIN.RS"),
            PathLanguage::Known(LanguageType::Rust)
        );
        assert_eq!(
            d.from_file_name(b"Makefile"),
            PathLanguage::Known(LanguageType::Makefile)
        );
        assert_eq!(
            d.from_file_name(b"Dockerfile"),
            PathLanguage::Known(LanguageType::Dockerfile)
        );
        assert_eq!(d.from_file_name(b"notes.zzqx"), PathLanguage::Unknown);
        assert_eq!(d.from_file_name(b"run"), PathLanguage::Shebang);
        assert_eq!(
            d.from_shebang(b"#!/bin/bash\necho hi\n"),
            Some(LanguageType::Bash)
        );
        assert_eq!(
            d.from_shebang(b"#!/usr/bin/env python3\n"),
            Some(LanguageType::Python)
        );
        assert_eq!(d.from_shebang(b"#!/usr/bin/env nosuchthing\n"), None);
        assert_eq!(d.from_shebang(b"echo no shebang\n"), None);
        for l in [
            PathLanguage::Known(LanguageType::Cpp),
            PathLanguage::Shebang,
            PathLanguage::Unknown,
        ] {
            assert_eq!(PathLanguage::from_key(l.as_key()), Some(l));
        }
    }
}
