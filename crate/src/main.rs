//! `began`: train, sample and export BEGAN models from the command line.

mod cli;

use clap::Parser;
use clap::error::ErrorKind;
use cli::args::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's first line names the flag and what it allows. A list (the
            // required arguments left out) follows its colon on lines of its own: joined on.
            let text = e.render().to_string();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("error: invalid arguments");
            let items: Vec<&str> = lines.map(str::trim).take_while(|l| !l.is_empty()).collect();
            match first.ends_with(':') && !items.is_empty() {
                true => eprintln!("{first} {}", items.join(", ")),
                false => eprintln!("{first}"),
            }
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Train(args) => cli::train::run(args),
        Command::Sample(args) => cli::sample::run(args),
        Command::Poster(args) => cli::sample::poster(args),
        Command::Export(args) => cli::sample::export(args),
        Command::Classifier(cli::args::ClassifierCommand::Train(args)) => cli::eval::train_classifier(args),
        Command::Eval(args) => cli::eval::run(args),
        Command::Sweep(args) => cli::sweep::run(args),
        Command::Schema => {
            print!("{}", began::schema::json());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(cli::Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(cli::Failure::Run(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Err(cli::Failure::RunWithNote(e, note)) => {
            eprintln!("error: {e}; {note}");
            ExitCode::FAILURE
        }
    }
}
