//! A deliberately small Typst world: the templates folder, one virtual data file
//! (`/data.json`), the shared fonts, and a fixed date. No packages, no network, no file
//! outside the templates folder — a template cannot read `/etc/passwd`, and data can
//! never become markup because it only reaches Typst through `json("/data.json")`.
//!
//! The one exception is the evidence binder: the renderer maps exactly the evidence files
//! it draws to virtual paths (`/evidence/<unit>/<file>`), served read-only as bytes (never
//! as Typst source). A path outside that list still resolves inside the templates folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::FontSet;

/// The virtual path of the data file in every template.
pub const DATA_PATH: &str = "/data.json";

/// What all documents of one renderer share: the standard library (built once), the
/// fonts, and the cache of template files.
pub(crate) struct Shared {
    pub library: LazyHash<Library>,
    pub fonts: Arc<FontSet>,
    pub root: PathBuf,
    /// Canonical form of `root`, to refuse symlinks that lead outside it.
    canonical_root: PathBuf,
    cache: Mutex<HashMap<FileId, Cached>>,
    /// Evidence files served to the binder, by virtual path.
    mapped: Mutex<HashMap<FileId, MappedFile>>,
}

/// An evidence file as last read: modification time, size, bytes.
type MappedFile = (Option<SystemTime>, u64, Bytes);

#[derive(Clone)]
struct Cached {
    modified: Option<SystemTime>,
    bytes: Bytes,
    source: Option<Source>,
}

impl Shared {
    pub fn new(root: &Path, fonts: Arc<FontSet>) -> std::io::Result<Shared> {
        let canonical_root = root.canonicalize()?;
        Ok(Shared {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            root: root.to_path_buf(),
            canonical_root,
            cache: Mutex::new(HashMap::new()),
            mapped: Mutex::new(HashMap::new()),
        })
    }

    /// The real path of a project file, or an error for packages and for anything that
    /// resolves outside the templates folder.
    fn resolve(&self, id: FileId) -> FileResult<PathBuf> {
        let rooted = id.get();
        if let VirtualRoot::Package(spec) = rooted.root() {
            return Err(FileError::Package(PackageError::Other(Some(
                format!("模板不得引用软件包（{spec}）：排版不联网，只使用模板目录中的文件").into(),
            ))));
        }
        let path = rooted
            .vpath()
            .realize(&self.root)
            .map_err(FileError::Realize)?;
        let canonical = path
            .canonicalize()
            .map_err(|e| FileError::from_io(e, &path))?;
        if !canonical.starts_with(&self.canonical_root) {
            return Err(FileError::AccessDenied);
        }
        Ok(canonical)
    }

    /// Reads (or returns the cached) evidence file mapped to `id`: by bytes only, re-read
    /// when its modification time or size changed.
    fn load_mapped(&self, id: FileId, path: &Path) -> FileResult<Bytes> {
        let meta = std::fs::metadata(path).map_err(|e| FileError::from_io(e, path))?;
        if meta.is_dir() {
            return Err(FileError::IsDirectory);
        }
        let modified = meta.modified().ok();
        let mut cache = self.mapped.lock().expect("evidence cache poisoned");
        if let Some((m, len, bytes)) = cache.get(&id)
            && *m == modified
            && modified.is_some()
            && *len == meta.len()
        {
            return Ok(bytes.clone());
        }
        let data = std::fs::read(path).map_err(|e| FileError::from_io(e, path))?;
        let bytes = Bytes::new(data);
        cache.insert(id, (modified, meta.len(), bytes.clone()));
        Ok(bytes)
    }

    /// Reads (or returns the cached) file; re-reads when the file changed on disk, so
    /// the office's template edits show up on the next build of a long-lived renderer.
    fn load(&self, id: FileId, as_source: bool) -> FileResult<Cached> {
        let path = self.resolve(id)?;
        if path.is_dir() {
            return Err(FileError::IsDirectory);
        }
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let mut cache = self.cache.lock().expect("template cache poisoned");
        if let Some(hit) = cache.get(&id)
            && hit.modified == modified
            && modified.is_some()
            && (!as_source || hit.source.is_some())
        {
            return Ok(hit.clone());
        }
        let data = std::fs::read(&path).map_err(|e| FileError::from_io(e, &path))?;
        let source = if as_source {
            let text = String::from_utf8(data.clone()).map_err(|_| FileError::InvalidUtf8)?;
            Some(Source::new(id, text))
        } else {
            None
        };
        let entry = Cached {
            modified,
            bytes: Bytes::new(data),
            source,
        };
        cache.insert(id, entry.clone());
        Ok(entry)
    }
}

/// The world of one document compilation.
pub(crate) struct DocWorld<'a> {
    shared: &'a Shared,
    main: FileId,
    data_id: FileId,
    data: Bytes,
    /// `None` when the date is outside what Typst's `datetime` can hold (years beyond
    /// ±9999): `datetime.today()` then fails in the template, the program does not panic.
    today: Option<Datetime>,
    /// Files outside the templates folder served read-only (the binder's evidence).
    files: HashMap<FileId, PathBuf>,
}

/// Whether `path` can name a file in the world (absolute, no `..` escaping the root).
pub(crate) fn valid_virtual_path(path: &str) -> bool {
    path.starts_with('/') && VirtualPath::new(path).is_ok()
}

pub(crate) fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("valid virtual path"),
    )
    .intern()
}

impl<'a> DocWorld<'a> {
    pub fn new(shared: &'a Shared, main: &str, data: Vec<u8>, today: NaiveDate) -> Self {
        DocWorld {
            shared,
            main: file_id(main),
            data_id: file_id(DATA_PATH),
            data: Bytes::new(data),
            today: typst_date(today),
            files: HashMap::new(),
        }
    }

    /// Serves `files` (virtual path → real path) read-only as bytes. A virtual path that
    /// Typst cannot represent is left out (the binder lists such a file instead).
    pub fn with_files(mut self, files: &std::collections::BTreeMap<String, PathBuf>) -> Self {
        for (virtual_path, real) in files {
            if let Ok(vpath) = VirtualPath::new(virtual_path) {
                let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
                self.files.insert(id, real.clone());
            }
        }
        self
    }

    /// Template path and 1-based line:column of a byte offset, for error messages.
    pub fn locate(&self, id: FileId, offset: usize) -> Option<(usize, usize)> {
        let source = self.source(id).ok()?;
        let (line, col) = source.lines().byte_to_line_column(offset)?;
        Some((line + 1, col + 1))
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.data_id || self.files.contains_key(&id) {
            return Err(FileError::NotSource);
        }
        self.shared
            .load(id, true)?
            .source
            .ok_or(FileError::NotSource)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if let Some(path) = self.files.get(&id) {
            return self.shared.load_mapped(id, path);
        }
        Ok(self.shared.load(id, false)?.bytes)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // The configured document date, never the wall clock: identical inputs give
        // identical PDFs.
        self.today
    }
}

/// The date as Typst's `datetime`, or `None` when Typst cannot represent it.
pub(crate) fn typst_date(d: NaiveDate) -> Option<Datetime> {
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    Datetime::from_ymd(d.year(), month, day)
}
