//! `zhiliang` command line: parse, dispatch, print errors in Chinese.

use clap::Parser;
use std::process::ExitCode;

use zhiliang::cli::{Cli, Command};
use zhiliang::commands;
use zhiliang::project::Project;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::ReadWorker { memory, cpu } => {
            return zhiliang::commands::read_worker(*memory, *cpu);
        }
        Command::EvidenceWorker { memory, cpu } => {
            return zhiliang::commands::evidence_worker(*memory, *cpu);
        }
        _ => {}
    }
    // Every workbook and every evidence file is opened in an isolated child process of
    // this binary (hard memory, CPU and time limits), so that no file can crash or
    // exhaust the run.
    if let Ok(exe) = std::env::current_exe() {
        zhiliang_workbook::ingest::isolate::set_process_default(
            zhiliang_workbook::Reader::subcommand(exe.clone()),
        );
        zhiliang_render::evidence::Inspector::set_process_default(
            zhiliang_render::evidence::Inspector::subcommand(exe),
        );
    }
    let project = Project::new(
        &cli.paths.root,
        cli.paths.input.as_deref(),
        cli.paths.output.as_deref(),
    );
    let result = match &cli.command {
        Command::Forms { out, unit } => commands::forms(&project, out.as_deref(), unit.as_deref()),
        Command::Check { json, feedback } => commands::check(&project, *json, feedback.as_deref()),
        Command::Score { json, facts } => {
            commands::score(&project, json.as_deref(), facts.as_deref())
        }
        Command::Build(args) => commands::build(&project, args),
        Command::Watch(args) => zhiliang::watch::run(&project, args),
        Command::Archive { to } => commands::archive(&project, to.as_deref()),
        Command::Verify { folder, expect } => commands::verify(folder, expect.as_deref()),
        Command::ReadWorker { .. } | Command::EvidenceWorker { .. } => {
            unreachable!("handled above")
        }
        Command::Province {
            counties,
            out,
            jobs,
        } => zhiliang::province::run(
            &cli.paths.root,
            counties,
            &out.clone()
                .unwrap_or_else(|| project.output.join("多县比较")),
            *jobs,
        ),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
