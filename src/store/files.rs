//! Files as the store and the commands write and read them: only regular files are read (a
//! FIFO or a device planted in a store is refused), every store file is written new and synced,
//! replaced files go through a temporary file and a rename, and a file the user named
//! (`--out`) is written as the user means it (a device or a FIFO written through, a link
//! followed).

use std::fs;
use std::path::Path;

use super::{io_err, StoreError};

/// The bytes of the regular file at `path`. A store or dataset is input like any other: a FIFO,
/// a socket or a device planted where a table or a metadata file belongs is refused (opening a
/// FIFO would wait for a writer forever), as is a directory.
pub(crate) fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    check_regular(path)?;
    fs::read(path)
}

/// [`read_regular`]'s check alone, for readers that open the file themselves.
pub(crate) fn check_regular(path: &Path) -> std::io::Result<()> {
    match fs::metadata(path)?.is_file() {
        true => Ok(()),
        false => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, a device or a directory)",
        )),
    }
}

/// Writes a new file at `path` (whatever was there is removed, not followed) and syncs it.
pub(super) fn write_synced(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    // A new file, never an existing path: a link planted at the temporary name (or a leftover
    // of a process with the same id) is removed, not followed, and the file is created with
    // O_EXCL, so no write lands outside the file named.
    if fs::symlink_metadata(path).is_ok() {
        fs::remove_file(path).map_err(io_err(path))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_err(path))?;
    write(&mut file).map_err(io_err(path))?;
    if std::env::var_os("TEMPER_FAULT").is_some_and(|v| v == "disk-full") {
        // A test hook: the disk fills up while tables are written.
        return Err(io_err(path)(std::io::Error::from_raw_os_error(28)));
    }
    file.sync_all().map_err(io_err(path))
}

/// Syncs the directory `dir` (its entries), where the platform allows.
pub(super) fn sync_dir(dir: &Path) {
    // Best effort: not every platform lets a directory be opened for syncing.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `path` through a temporary file in the same directory and a rename, so readers see
/// the old content or the new, never a part.
pub fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = write_synced(&tmp, write).and_then(|()| {
        fs::rename(&tmp, path).map_err(io_err(path))?;
        sync_dir(parent);
        Ok(())
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes a file the user named (`--out`): a regular file (or a new one) is replaced atomically
/// as by [`atomic_write`]; a symlink is followed and its target written; anything else that
/// exists there (a character device such as `/dev/stdout` or `/dev/null`, a FIFO) is written
/// through, never replaced; a regular file in a directory temper cannot create files in is
/// overwritten in place.
pub fn write_output(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => target,
            // A dangling link: its target is created.
            Err(_) => {
                let link = fs::read_link(path).map_err(io_err(path))?;
                path.parent().unwrap_or(Path::new(".")).join(link)
            }
        },
        _ => path.to_path_buf(),
    };
    let truncate = match fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(io_err(&target)(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory",
            )))
        }
        Ok(m) if !m.is_file() => false,
        Ok(_) if !dir_writable(&target) => true,
        _ => return atomic_write(&target, write),
    };
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(truncate)
        .open(&target)
        .map_err(io_err(&target))?;
    write(&mut file).map_err(io_err(&target))
}

/// Whether files can be created beside `path`.
fn dir_writable(path: &Path) -> bool {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::tempfile_in(parent).is_ok()
}

/// Copies the directory tree `from` to `to`, hard-linking files where the file system allows.
pub(super) fn link_tree(from: &Path, to: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(to).map_err(io_err(to))?;
    for entry in fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(io_err(&src))?.is_dir() {
            link_tree(&src, &dst)?;
        } else if fs::hard_link(&src, &dst).is_err() {
            fs::copy(&src, &dst).map_err(io_err(&dst))?;
        }
    }
    Ok(())
}
