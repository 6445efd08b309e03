//! Writing files atomically, and the rule that blessing never writes in CI.
//!
//! A golden file must never be left half-written: a crash or a full disk during `--bless`
//! would otherwise corrupt the very file that records the expected behaviour. So we write a
//! temporary file next to the target (same directory, hence same filesystem), fsync it, and
//! rename it over the target, which is atomic on POSIX. The temporary file is removed on any
//! error. In CI, blessing would silently turn a failing check into a passing one, so
//! [`bless_write`] refuses whenever the `CI` environment variable is set.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::TranscriptError;

/// Writes `contents` to `path` atomically: a temporary `<file>.tmp-<pid>` in the same
/// directory is written, fsynced and renamed over `path`. An existing file's permissions are
/// kept. On error the temporary file is removed and `path` is untouched.
pub fn atomic_write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temp = temp_path(path)?;
    let result = write_then_rename(&temp, path, contents);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn temp_path(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut temp_name = name.to_os_string();
    temp_name.push(format!(".tmp-{}", std::process::id()));
    Ok(path.with_file_name(temp_name))
}

fn write_then_rename(temp: &Path, path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = File::create(temp)?;
    file.write_all(contents)?;
    if let Ok(metadata) = fs::metadata(path) {
        file.set_permissions(metadata.permissions())?;
    }
    file.sync_all()?;
    drop(file);
    fs::rename(temp, path)?;
    sync_parent(path);
    Ok(())
}

/// Makes the rename durable where the platform allows opening directories (best effort).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

/// Atomically writes a re-blessed transcript; refuses when the `CI` environment variable is
/// set to a non-empty value.
pub fn bless_write(path: &Path, contents: &str) -> Result<(), TranscriptError> {
    bless_write_with_ci(path, contents, std::env::var_os("CI").as_deref())
}

/// [`bless_write`] with the value of `CI` passed in, so the rule is testable without touching
/// the process environment.
pub fn bless_write_with_ci(path: &Path, contents: &str, ci: Option<&OsStr>) -> Result<(), TranscriptError> {
    if ci.is_some_and(|value| !value.is_empty()) {
        return Err(TranscriptError::BlessInCi { path: path.to_owned() });
    }
    atomic_write(path, contents.as_bytes()).map_err(|source| TranscriptError::Io { path: path.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh empty directory under the system temporary directory.
    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("npr-fsio-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces() {
        let dir = scratch_dir("replace");
        let path = dir.join("golden.txt");
        atomic_write(&path, b"one").unwrap();
        atomic_write(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(entries(&dir), ["golden.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch_dir("perms");
        let path = dir.join("script.txt");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&path, b"new").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn failed_rename_removes_temp_file() {
        let dir = scratch_dir("fail");
        let target = dir.join("is-a-dir");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "x").unwrap();
        assert!(atomic_write(&target, b"data").is_err());
        assert_eq!(entries(&dir), ["is-a-dir"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = scratch_dir("missing");
        let err = bless_write_with_ci(&dir.join("no/such/file"), "x", None).unwrap_err();
        assert!(matches!(err, TranscriptError::Io { .. }), "{err}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn path_without_file_name_is_an_error() {
        assert!(atomic_write(Path::new("/"), b"x").is_err());
    }

    #[test]
    fn bless_refuses_in_ci() {
        let dir = scratch_dir("ci");
        let path = dir.join("t.txt");
        fs::write(&path, "old").unwrap();
        for ci in ["true", "1", "false"] {
            let err = bless_write_with_ci(&path, "new", Some(OsStr::new(ci))).unwrap_err();
            assert!(matches!(err, TranscriptError::BlessInCi { .. }));
            assert!(err.to_string().contains("CI"), "{err}");
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        bless_write_with_ci(&path, "new", Some(OsStr::new(""))).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        bless_write_with_ci(&path, "newer", None).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "newer");
        fs::remove_dir_all(dir).unwrap();
    }
}
