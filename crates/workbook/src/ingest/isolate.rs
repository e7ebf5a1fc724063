//! Reading an untrusted workbook in a child process with hard limits.
//!
//! calamine can be made to allocate gigabytes (or abort on a failed allocation, which no
//! `catch_unwind` can stop) by a few kilobytes of hostile file. So the program reads each
//! workbook in a worker: a child process of the same binary (`zhiliang read-worker`) that
//! gets the file's bytes on standard input, limits itself before it reads them (address
//! space, CPU time, no file writes) and prints the [`Book`] as JSON on standard output.
//! The parent kills it when the wall-clock limit passes. A worker that runs out of memory,
//! out of time or dies becomes a [`ReadError`], hence a diagnostic for that file only.
//!
//! One worker reads several workbooks one after another (a length-prefixed file in, one
//! JSON line out, flushed, per workbook), so a run pays for a few process starts, not
//! one per file. Because answers arrive in order, a worker that dies or stalls is always
//! on the file after its last answer: that file gets the diagnostic, and a fresh worker
//! takes over the files after it. The wall-clock limit counts from the last answer.
//!
//! In-process reading ([`Reader::InProcess`]) stays available for library users and
//! tests, which have no worker binary.

use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use super::read::{self, Book, ReadError};
use crate::layout::limits;

/// How workbooks are read.
#[derive(Debug, Clone, Default)]
pub enum Reader {
    /// In this process (library users, tests). Trusts calamine not to exhaust memory.
    #[default]
    InProcess,
    /// In an isolated child process per workbook.
    Worker(Worker),
}

/// A worker command: `program args…` reads a workbook on standard input and answers as
/// [`worker_main`] does.
#[derive(Debug, Clone)]
pub struct Worker {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub limits: WorkerLimits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerLimits {
    /// Address space (RLIMIT_AS), bytes.
    pub memory_bytes: u64,
    /// CPU time (RLIMIT_CPU), seconds.
    pub cpu_seconds: u64,
    /// Wall-clock time after which the parent kills the worker.
    pub wall: Duration,
}

impl Default for WorkerLimits {
    fn default() -> Self {
        WorkerLimits {
            memory_bytes: limits::WORKER_MEMORY_BYTES,
            cpu_seconds: limits::WORKER_CPU_SECONDS,
            wall: Duration::from_secs(limits::WORKER_WALL_SECONDS),
        }
    }
}

impl Worker {
    /// `program read-worker --memory … --cpu …`: the hidden subcommand of the `zhiliang`
    /// binary (pass `std::env::current_exe()`).
    pub fn subcommand(program: PathBuf, limits: WorkerLimits) -> Worker {
        let args = vec![
            "read-worker".into(),
            "--memory".into(),
            limits.memory_bytes.to_string().into(),
            "--cpu".into(),
            limits.cpu_seconds.to_string().into(),
        ];
        Worker {
            program,
            args,
            limits,
        }
    }
}

static DEFAULT: OnceLock<Reader> = OnceLock::new();

/// Sets the reader that [`Reader::process_default`] returns (once, at program start: the
/// `zhiliang` binary sets its own worker subcommand). Later calls are ignored.
pub fn set_process_default(reader: Reader) {
    let _ = DEFAULT.set(reader);
}

impl Reader {
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
            Reader::Worker(w) => {
                let share = files.len().div_ceil(rayon::current_num_threads().max(1));
                files
                    .par_chunks(share.max(1))
                    .flat_map_iter(|chunk| read_isolated(w, chunk))
                    .collect()
            }
        }
    }
}

/// What the worker prints for each file: the book or why it could not be read.
#[derive(Serialize, Deserialize)]
struct Answer(Result<Book, ReadError>);

/// Runs the worker: for each file on `input` (its length as 8 bytes little-endian, then
/// its bytes) reads it and prints the answer as one JSON line, flushed, until `input`
/// ends. Called by the `read-worker` subcommand after [`apply_limits`].
pub fn worker_main(input: &mut dyn Read, output: &mut dyn Write) -> std::io::Result<()> {
    loop {
        let mut len = [0u8; 8];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let len = u64::from_le_bytes(len);
        let answer = if len > limits::MAX_FILE_BYTES {
            std::io::copy(&mut input.take(len), &mut std::io::sink())?;
            Answer(Err(ReadError::TooLarge(len)))
        } else {
            let mut bytes = vec![0u8; len as usize];
            input.read_exact(&mut bytes)?;
            Answer(read::read_book(&bytes))
        };
        serde_json::to_writer(&mut *output, &answer).map_err(std::io::Error::other)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
}

/// Limits the current process: address space, CPU seconds, no file may be written (a
/// file size limit of zero), few open files. Unix only; elsewhere the wall clock is the
/// only limit.
pub fn apply_limits(memory_bytes: u64, cpu_seconds: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use rlimit::Resource;
        Resource::AS.set(memory_bytes, memory_bytes)?;
        // The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
        Resource::CPU.set(cpu_seconds, cpu_seconds + 1)?;
        Resource::FSIZE.set(0, 0)?;
        Resource::CORE.set(0, 0)?;
        Resource::NOFILE.set(16, 16)?;
    }
    #[cfg(not(unix))]
    let _ = (memory_bytes, cpu_seconds);
    Ok(())
}

/// The message Rust's default allocation-error handler prints before aborting.
const OOM_MARK: &str = "memory allocation of";

/// Reads `files` in workers, starting a fresh worker after each failure; one answer per
/// file, in order.
fn read_isolated(worker: &Worker, files: &[&[u8]]) -> Vec<Result<Book, ReadError>> {
    let mut results = Vec::with_capacity(files.len());
    while results.len() < files.len() {
        let (answers, failure) = run_worker(worker, &files[results.len()..]);
        results.extend(answers);
        if results.len() < files.len() {
            // The worker stopped on the file after its last answer.
            results.push(Err(failure.unwrap_or_else(|| {
                ReadError::Crashed("读取进程提前退出".to_string())
            })));
        }
    }
    results
}

/// One worker over `files`: the answers it gave, in order, and why it stopped early.
fn run_worker(
    worker: &Worker,
    files: &[&[u8]],
) -> (Vec<Result<Book, ReadError>>, Option<ReadError>) {
    use std::sync::mpsc;
    use wait_timeout::ChildExt;
    let crashed = |what: String| ReadError::Crashed(what);
    let mut child = match Command::new(&worker.program)
        .args(&worker.args)
        .env_clear()
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            return (
                Vec::new(),
                Some(crashed(format!("无法启动读取进程（{e}）"))),
            );
        }
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let mut answers = Vec::new();
    let mut failure = None;
    let err = std::thread::scope(|s| {
        // Feed, drain and wait at once, so that no pipe fills up and blocks the other side.
        s.spawn(move || {
            for bytes in files {
                let len = (bytes.len() as u64).to_le_bytes();
                // A worker that dies closes its end: the write error does not matter.
                if stdin.write_all(&len).is_err() || stdin.write_all(bytes).is_err() {
                    break;
                }
            }
        });
        let (tx, rx) = mpsc::channel::<Option<Answer>>();
        s.spawn(move || {
            let mut lines = std::io::BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                let n = std::io::BufRead::read_until(
                    &mut (&mut lines).take(limits::WORKER_OUTPUT_BYTES),
                    b'\n',
                    &mut line,
                );
                match n {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let answer = serde_json::from_slice::<Answer>(&line).ok();
                        let bad = answer.is_none();
                        if tx.send(answer).is_err() || bad {
                            break;
                        }
                    }
                }
            }
            // Keep draining so the worker never blocks on a full pipe.
            let _ = std::io::copy(&mut lines, &mut std::io::sink());
        });
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut buf);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            buf
        });
        // The wall clock restarts with every answer.
        while answers.len() < files.len() {
            match rx.recv_timeout(worker.limits.wall) {
                Ok(Some(Answer(a))) => answers.push(a),
                Ok(None) => {
                    failure = Some(crashed("读取进程的输出无法解析".to_string()));
                    let _ = child.kill();
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    failure = Some(ReadError::Timeout);
                    let _ = child.kill();
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        // Every answer is in (or the worker is gone): its end of stdin is closed, so it
        // exits; a worker that does not is killed.
        match child.wait_timeout(worker.limits.wall) {
            Ok(Some(status)) => {
                if failure.is_none() && answers.len() < files.len() {
                    failure = Some(status_failure(status));
                }
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                if failure.is_none() && answers.len() < files.len() {
                    failure = Some(ReadError::Timeout);
                }
            }
        }
        err.join().unwrap_or_default()
    });
    // Out of memory shows in the worker's last words, whatever the signal.
    if answers.len() < files.len()
        && !matches!(failure, Some(ReadError::Timeout))
        && String::from_utf8_lossy(&err).contains(OOM_MARK)
    {
        failure = Some(ReadError::OutOfMemory);
    }
    (answers, failure)
}

/// Why a worker that exited before answering for every file stopped.
fn status_failure(status: std::process::ExitStatus) -> ReadError {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            // SIGXCPU (CPU limit) and SIGKILL after it.
            Some(24) | Some(9) => return ReadError::Timeout,
            Some(sig) => return ReadError::Crashed(format!("信号 {sig}")),
            None => {}
        }
    }
    ReadError::Crashed(format!(
        "退出码 {}",
        status.code().map(|c| c.to_string()).unwrap_or_default()
    ))
}
