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
        match self {
            Reader::InProcess => read::read_book(bytes),
            Reader::Worker(w) => read_isolated(w, bytes),
        }
    }
}

/// What the worker prints: the book or why it could not be read.
#[derive(Serialize, Deserialize)]
struct Answer(Result<Book, ReadError>);

/// Runs the worker once: waits for the whole file on `input`, reads it, prints the answer.
/// Called by the `read-worker` subcommand after [`apply_limits`].
pub fn worker_main(input: &mut dyn Read, output: &mut dyn Write) -> std::io::Result<()> {
    let mut bytes = Vec::new();
    input
        .take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    let answer = Answer(read::read_book(&bytes));
    drop(bytes);
    serde_json::to_writer(&mut *output, &answer).map_err(std::io::Error::other)?;
    output.flush()
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

fn read_isolated(worker: &Worker, bytes: &[u8]) -> Result<Book, ReadError> {
    use wait_timeout::ChildExt;
    let crashed = |what: String| ReadError::Crashed(what);
    let mut child = Command::new(&worker.program)
        .args(&worker.args)
        .env_clear()
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| crashed(format!("无法启动读取进程（{e}）")))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let outcome = std::thread::scope(|s| {
        // Feed, drain and wait at once, so that no pipe fills up and blocks the other side.
        s.spawn(move || {
            // A worker that dies early closes its end: the write error does not matter.
            let _ = stdin.write_all(bytes);
        });
        let out = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stdout)
                .take(limits::WORKER_OUTPUT_BYTES)
                .read_to_end(&mut buf);
            // Keep draining past the cap so the worker never blocks on a full pipe.
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
            buf
        });
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut buf);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            buf
        });
        let status = match child.wait_timeout(worker.limits.wall) {
            Ok(Some(status)) => Ok(status),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(ReadError::Timeout)
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(crashed(format!("等待读取进程失败（{e}）")))
            }
        };
        let out = out.join().unwrap_or_default();
        let err = err.join().unwrap_or_default();
        (status, out, err)
    });
    let (status, out, err) = outcome;
    let status = status?;
    let err = String::from_utf8_lossy(&err);
    if status.success() {
        return match serde_json::from_slice::<Answer>(&out) {
            Ok(Answer(result)) => result,
            Err(e) => Err(crashed(format!("读取进程的输出无法解析（{e}）"))),
        };
    }
    if err.contains(OOM_MARK) {
        return Err(ReadError::OutOfMemory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            // SIGXCPU (CPU limit) and SIGKILL after it.
            Some(24) | Some(9) => return Err(ReadError::Timeout),
            Some(sig) => return Err(crashed(format!("信号 {sig}"))),
            None => {}
        }
    }
    Err(crashed(format!(
        "退出码 {}",
        status.code().map(|c| c.to_string()).unwrap_or_default()
    )))
}
