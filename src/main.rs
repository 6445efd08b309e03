//! The `npr` binary: command-line parsing and the terminal front end.
//! All logic lives in the library; this only wires it to the outside.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
