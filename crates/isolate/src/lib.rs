//! Doing work on untrusted files in child processes with hard limits.
//!
//! Workbooks and evidence files come from other offices. A few kilobytes of hostile file
//! can make a parser allocate gigabytes, recurse until the stack overflows, or loop for
//! ever — and an allocation failure or a stack overflow aborts the process, which no
//! `catch_unwind` can stop. So every such file is opened in a worker: a child process of
//! the same binary (a hidden subcommand) that limits itself before it reads anything
//! (address space, CPU time, no file writes), gets the files' bytes on standard input and
//! prints one JSON answer per file on standard output. The parent kills it when the
//! wall-clock limit passes. A worker that runs out of memory or time, or dies, becomes a
//! [`Failure`] for that one file; the run goes on.
//!
//! One worker handles several files one after another (a length-prefixed file in, one
//! JSON line out, flushed, per file), so a run pays for a few process starts, not one per
//! file. Because answers arrive in order, a worker that dies or stalls is always on the
//! file after its last answer: that file gets the failure, and a fresh worker takes over
//! the files after it. The wall-clock limit counts from the last answer.
//!
//! This crate knows nothing of what the work is: [`run_all`] (parent) and [`serve`]
//! (worker) are generic over the answer type; the workbook reader and the evidence
//! inspection each bring their own.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The limits a worker runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address space (RLIMIT_AS), bytes.
    pub memory_bytes: u64,
    /// CPU time (RLIMIT_CPU), seconds.
    pub cpu_seconds: u64,
    /// Wall-clock time after which the parent kills the worker (counted from its last
    /// answer).
    pub wall: Duration,
    /// Bytes of JSON one answer may have; a longer answer is a failure.
    pub output_bytes: u64,
}

/// A worker command: `program args…` answers as [`serve`] does.
#[derive(Debug, Clone)]
pub struct Worker {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub limits: Limits,
}

impl Worker {
    /// `program <subcommand> --memory … --cpu …`: a hidden subcommand of the program's
    /// own binary (pass `std::env::current_exe()`), which calls [`apply_limits`] with
    /// those numbers and then [`serve`].
    pub fn subcommand(program: PathBuf, subcommand: &str, limits: Limits) -> Worker {
        let args = vec![
            subcommand.into(),
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

/// Why a worker gave no answer for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It ran out of its memory limit (the allocator's last words say so).
    OutOfMemory,
    /// It ran past its CPU or wall-clock limit and was stopped.
    Timeout,
    /// It died otherwise (a signal such as a stack overflow's, an exit code, an answer
    /// that is not JSON); the text says how, in Chinese.
    Crashed(String),
}

/// Does `work` on each file in `files` in workers, in parallel (one worker per rayon
/// thread, each taking its share one file at a time), starting a fresh worker after each
/// failure. One answer per file, in order.
pub fn run_all<A>(worker: &Worker, files: &[&[u8]]) -> Vec<Result<A, Failure>>
where
    A: DeserializeOwned + Send,
{
    use rayon::prelude::*;
    if files.is_empty() {
        return Vec::new();
    }
    let share = files.len().div_ceil(rayon::current_num_threads().max(1));
    files
        .par_chunks(share.max(1))
        .flat_map_iter(|chunk| run_chunk(worker, chunk))
        .collect()
}

/// The worker's side: for each file on `input` (its length as 8 bytes little-endian, then
/// its bytes) prints `work(bytes)` as one JSON line, flushed, until `input` ends. A file
/// longer than `max_bytes` is not read into memory: `too_large(len)` answers for it.
pub fn serve<A: Serialize>(
    input: &mut dyn Read,
    output: &mut dyn Write,
    max_bytes: u64,
    too_large: impl Fn(u64) -> A,
    work: impl Fn(&[u8]) -> A,
) -> std::io::Result<()> {
    loop {
        let mut len = [0u8; 8];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let len = u64::from_le_bytes(len);
        let answer = if len > max_bytes {
            std::io::copy(&mut input.take(len), &mut std::io::sink())?;
            too_large(len)
        } else {
            let mut bytes = vec![0u8; len as usize];
            input.read_exact(&mut bytes)?;
            work(&bytes)
        };
        serde_json::to_writer(&mut *output, &answer).map_err(std::io::Error::other)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
}

/// Runs `f` on a thread with a stack of `bytes` and returns its result. Parsers of nested
/// formats recurse; a worker gives them a deep stack, so that only truly hostile nesting
/// overflows it (which kills the worker, and so becomes a [`Failure`], never the run).
pub fn with_stack<T: Send>(bytes: usize, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(bytes)
            .spawn_scoped(s, f)
            .map(std::thread::ScopedJoinHandle::join)
            .ok()
            .and_then(Result::ok)
    })
    .unwrap_or_else(|| std::process::abort())
}

/// Limits the current process: address space, CPU seconds, no file may be written (a
/// file size limit of zero), no core dump, few open files. Unix only; elsewhere the wall
/// clock is the only limit.
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

/// Runs `files` through workers, starting a fresh worker after each failure; one answer
/// per file, in order.
fn run_chunk<A: DeserializeOwned + Send>(
    worker: &Worker,
    files: &[&[u8]],
) -> Vec<Result<A, Failure>> {
    let mut results = Vec::with_capacity(files.len());
    while results.len() < files.len() {
        let (answers, failure) = run_worker::<A>(worker, &files[results.len()..]);
        results.extend(answers.into_iter().map(Ok));
        if results.len() < files.len() {
            // The worker stopped on the file after its last answer.
            results.push(Err(
                failure.unwrap_or_else(|| Failure::Crashed("进程提前退出".to_string()))
            ));
        }
    }
    results
}

/// One worker over `files`: the answers it gave, in order, and why it stopped early.
fn run_worker<A: DeserializeOwned + Send>(
    worker: &Worker,
    files: &[&[u8]],
) -> (Vec<A>, Option<Failure>) {
    use std::sync::mpsc;
    use wait_timeout::ChildExt;
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
                Some(Failure::Crashed(format!("无法启动隔离进程（{e}）"))),
            );
        }
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let output_bytes = worker.limits.output_bytes;
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
        let (tx, rx) = mpsc::channel::<Option<A>>();
        s.spawn(move || {
            let mut lines = std::io::BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                let n = std::io::BufRead::read_until(
                    &mut (&mut lines).take(output_bytes),
                    b'\n',
                    &mut line,
                );
                match n {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let answer = serde_json::from_slice::<A>(&line).ok();
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
                Ok(Some(a)) => answers.push(a),
                Ok(None) => {
                    failure = Some(Failure::Crashed("进程的输出无法解析".to_string()));
                    let _ = child.kill();
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    failure = Some(Failure::Timeout);
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
                    failure = Some(Failure::Timeout);
                }
            }
        }
        err.join().unwrap_or_default()
    });
    // Out of memory shows in the worker's last words, whatever the signal.
    if answers.len() < files.len()
        && failure != Some(Failure::Timeout)
        && String::from_utf8_lossy(&err).contains(OOM_MARK)
    {
        failure = Some(Failure::OutOfMemory);
    }
    (answers, failure)
}

/// Why a worker that exited before answering for every file stopped.
fn status_failure(status: std::process::ExitStatus) -> Failure {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            // SIGXCPU (CPU limit) and SIGKILL after it.
            Some(24) | Some(9) => return Failure::Timeout,
            // A stack overflow: Rust's guard page handler aborts the process after
            // printing "has overflowed its stack" (SIGABRT), or the kernel's SIGSEGV.
            Some(sig @ (6 | 11)) => {
                return Failure::Crashed(format!(
                    "进程被信号 {sig} 终止，文件结构可能嵌套过深或被恶意构造"
                ));
            }
            Some(sig) => return Failure::Crashed(format!("进程被信号 {sig} 终止")),
            None => {}
        }
    }
    Failure::Crashed(format!(
        "进程以退出码 {} 结束",
        status.code().map(|c| c.to_string()).unwrap_or_default()
    ))
}
