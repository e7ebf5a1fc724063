//! Reading an untrusted workbook in a child process with hard limits.
//!
//! calamine can be made to allocate gigabytes (or abort on a failed allocation, which no
//! `catch_unwind` can stop) by a few kilobytes of hostile file. So the program reads each
//! workbook in a worker: a child process of the same binary (`zhiliang read-worker`) that
//! gets the file's bytes on standard input, limits itself before it reads them (address
//! space, CPU time, no file writes) and prints the [`Book`] as JSON on standard output.
//! A worker that runs out of memory, out of time or dies becomes a [`ReadError`], hence
//! a diagnostic for that file only. The process machinery (several files per worker,
//! the wall clock, telling a crash from running out of memory) is `zhiliang-isolate`'s,
//! shared with the inspection of evidence files.
//!
//! In-process reading ([`Reader::InProcess`]) stays available for library users and
//! tests, which have no worker binary.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use zhiliang_isolate::Failure;
pub use zhiliang_isolate::{Limits, Worker};

use super::read::{self, Book, ReadError};
use crate::layout::limits;

/// How workbooks are read.
#[derive(Debug, Clone, Default)]
pub enum Reader {
    /// In this process (library users, tests). Trusts calamine not to exhaust memory.
    #[default]
    InProcess,
    /// In isolated worker processes: `program args…` reads workbooks on standard input
    /// and answers as [`worker_main`] does.
    Worker(Worker),
}

/// The limits a workbook reader runs under (address space, CPU and wall-clock time, and
/// the size of its answer).
pub fn worker_limits() -> Limits {
    Limits {
        memory_bytes: limits::WORKER_MEMORY_BYTES,
        cpu_seconds: limits::WORKER_CPU_SECONDS,
        wall: Duration::from_secs(limits::WORKER_WALL_SECONDS),
        output_bytes: limits::WORKER_OUTPUT_BYTES,
    }
}

static DEFAULT: OnceLock<Reader> = OnceLock::new();

/// Sets the reader that [`Reader::process_default`] returns (once, at program start: the
/// `zhiliang` binary sets its own worker subcommand). Later calls are ignored.
pub fn set_process_default(reader: Reader) {
    let _ = DEFAULT.set(reader);
}

impl Reader {
    /// `program read-worker --memory … --cpu …`: the hidden subcommand of the `zhiliang`
    /// binary (pass `std::env::current_exe()`), with [`worker_limits`].
    pub fn subcommand(program: PathBuf) -> Reader {
        Reader::Worker(Worker::subcommand(program, "read-worker", worker_limits()))
    }

    /// The reader set by [`set_process_default`], else in-process.
    pub fn process_default() -> Reader {
        DEFAULT.get().cloned().unwrap_or_default()
    }

    /// Reads one workbook's bytes into sparse cells.
    pub fn read(&self, bytes: &[u8]) -> Result<Book, ReadError> {
        self.read_all(&[bytes]).pop().expect("one answer per file")
    }

    /// Reads several workbooks, one answer per file in order: in parallel (rayon), and
    /// with workers, one worker per rayon thread reading its share one file at a time.
    pub fn read_all(&self, files: &[&[u8]]) -> Vec<Result<Book, ReadError>> {
        use rayon::prelude::*;
        match self {
            Reader::InProcess => files.par_iter().map(|b| read::read_book(b)).collect(),
            Reader::Worker(w) => read_isolated(w, files),
        }
    }
}

/// Runs the worker: reads each workbook on `input` and prints its answer, as
/// [`zhiliang_isolate::serve`] does. Called by the `read-worker` subcommand after
/// [`apply_limits`].
pub fn worker_main(input: &mut dyn Read, output: &mut dyn Write) -> std::io::Result<()> {
    zhiliang_isolate::serve::<Result<Book, ReadError>>(
        input,
        output,
        limits::MAX_FILE_BYTES,
        |len| Err(ReadError::TooLarge(len)),
        read::read_book,
    )
}

pub use zhiliang_isolate::apply_limits;

/// Reads `files` in workers; one answer per file, in order.
fn read_isolated(worker: &Worker, files: &[&[u8]]) -> Vec<Result<Book, ReadError>> {
    zhiliang_isolate::run_all::<Result<Book, ReadError>>(worker, files)
        .into_iter()
        .map(|answer| {
            answer.unwrap_or_else(|failure| {
                Err(match failure {
                    Failure::OutOfMemory => ReadError::OutOfMemory,
                    Failure::Timeout => ReadError::Timeout,
                    Failure::Crashed(how) => ReadError::Crashed(how),
                })
            })
        })
        .collect()
}
