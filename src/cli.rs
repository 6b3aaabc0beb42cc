//! The command line: `handbill build [PATHS]... [--out DIR]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::pdf::ColorMode;
use crate::{BuildOptions, build, write_atomically};

#[derive(Debug, Parser)]
#[command(
    name = "handbill",
    version,
    about = "Builds print-ready PDF leaflets and briefing packs from YAML briefings over a country profile.",
    after_help = "Examples:\n  handbill build                      build every briefing in briefings/ into out/\n  handbill build briefings/london-protest-leaflet.yaml --out print/\n  handbill build --profile screen     RGB colours, for reading on screen"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build briefings into PDFs: each briefing X.yaml becomes DIR/X.pdf.
    Build {
        /// Briefing files, or folders of them (default: briefings/).
        paths: Vec<PathBuf>,
        /// The folder to write the PDFs to.
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// `print` writes CMYK colour for the print shop; `screen` writes RGB.
        #[arg(long, value_enum, default_value_t = OutputProfile::Print)]
        profile: OutputProfile,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputProfile {
    Print,
    Screen,
}

/// Runs the command line; returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Build {
            paths,
            out,
            profile,
        } => run_build(&paths, &out, profile),
    }
}

fn run_build(paths: &[PathBuf], out: &Path, profile: OutputProfile) -> ExitCode {
    let files = match briefing_files(paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let options = BuildOptions {
        pdf: crate::pdf::PdfOptions {
            color: match profile {
                OutputProfile::Print => ColorMode::Cmyk,
                OutputProfile::Screen => ColorMode::Rgb,
            },
            date: std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse().ok()),
        },
    };
    let mut failed = 0;
    for file in &files {
        let result = build(file, &options).and_then(|built| {
            let target = out.join(format!("{}.pdf", built.name));
            write_atomically(&target, &built.pdf)?;
            Ok((built, target))
        });
        match result {
            Ok((built, target)) => {
                for w in &built.warnings {
                    eprintln!("warning: {w}");
                }
                println!(
                    "built {} ({} page{}, {} KB)",
                    target.display(),
                    built.pages,
                    if built.pages == 1 { "" } else { "s" },
                    built.pdf.len().div_ceil(1024)
                );
            }
            Err(e) => {
                failed += 1;
                eprintln!("{}", e.context(format!("building {}", file.display())));
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} of {} briefing{} failed; nothing was written for them",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The briefing files named by `paths`: files as given, folders searched
/// for `*.yaml` (not into `profiles/`), sorted; `briefings/` by default.
pub fn briefing_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let defaults = [PathBuf::from("briefings")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::io(path, "read the folder", &e))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::new(format!(
                    "there are no briefings (*.yaml) in {}",
                    path.display()
                ))
                .help("name briefing files or a folder that holds them"));
            }
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(Error::new(format!("{} does not exist", path.display())).help(
                "run handbill in the project folder (the one holding briefings/), or name briefing files",
            ));
        }
    }
    Ok(files)
}
