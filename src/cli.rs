//! Command-line interface: subcommands and flags in English (Rust CLI conventions), all
//! output for the office in Chinese.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "zhiliang",
    version,
    about = "山东省质量强区创建申报材料流水线：填报表 → 汇总校验 → 计分 → 排版 → 归档",
    long_about = None
)]
pub struct Cli {
    #[command(flatten)]
    pub paths: PathArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// Project folder holding catalogue/, templates/, fonts/ (default: current folder)
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Folder with campaign.toml, the returned workbooks and evidence/ (default: ROOT/input)
    #[arg(long, global = true)]
    pub input: Option<PathBuf>,
    /// Folder for PDFs, build record and change report (default: ROOT/output)
    #[arg(long, global = true)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write each member unit its fill-in workbook (only its own indicators)
    Forms {
        /// Destination folder (default: OUTPUT/填报表)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only this unit (any spelling of its name, or its id)
        #[arg(long)]
        unit: Option<String>,
    },
    /// Read the returned workbooks and report every problem with file, sheet and cell
    Check {
        /// Print the diagnostics as JSON instead of text
        #[arg(long)]
        json: bool,
        /// Also write one feedback workbook per unit with problems into this folder
        #[arg(long)]
        feedback: Option<PathBuf>,
    },
    /// Compute the 43 indicator scores and print the table
    Score {
        /// Write the score sheet as JSON to this file
        #[arg(long)]
        json: Option<PathBuf>,
        /// Read facts from a facts file (JSON or TOML) instead of the workbooks
        #[arg(long)]
        facts: Option<PathBuf>,
    },
    /// Check, score and render the four PDFs (申请表, 自评报告, 年度质量分析报告, 证明材料汇编) into the output folder
    Build(BuildArgs),
    /// Rebuild whenever a workbook, the catalogue, the configuration or a template changes
    Watch(BuildArgs),
    /// Copy the current outputs and their inputs into a new dated archive folder
    Archive {
        /// Archive root (default: ROOT/archive)
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Re-hash an archive folder and report every changed or missing file; check the
    /// manifest against the archive register and the signed paper form
    Verify {
        /// The archive folder (the one holding manifest.json)
        folder: PathBuf,
        /// The manifest SHA-256 printed on the signed 归档登记表 (spaces allowed)
        #[arg(long)]
        expect: Option<String>,
    },
    /// Multi-county run: score every county (one folder each, laid out like input/),
    /// derive the efficacy benchmarks from the best and worst county, rank, render all
    Province {
        /// Folder holding one sub-folder per county (campaign.toml, workbooks, evidence/)
        #[arg(long)]
        counties: PathBuf,
        /// Output folder (default: OUTPUT/多县比较)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: one per core)
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Internal: read one workbook from standard input under hard limits and print it as
    /// JSON (the isolated reader the other subcommands start for every workbook)
    #[command(hide = true)]
    ReadWorker {
        /// Address space limit, bytes
        #[arg(long)]
        memory: u64,
        /// CPU time limit, seconds
        #[arg(long)]
        cpu: u64,
    },
    /// Internal: open evidence files (PDF, images) from standard input under hard limits
    /// and print what was found as JSON (the isolated inspection `check` and `build` start)
    #[command(hide = true)]
    EvidenceWorker {
        /// Address space limit, bytes
        #[arg(long)]
        memory: u64,
        /// CPU time limit, seconds
        #[arg(long)]
        cpu: u64,
    },
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// Render drafts, even when the check finds errors: 草稿 on every page, in the PDF title and in the file name (申请表（草稿）.pdf)
    #[arg(long)]
    pub draft: bool,
    /// No progress display (summary and change report are still printed)
    #[arg(long, short)]
    pub quiet: bool,
}
