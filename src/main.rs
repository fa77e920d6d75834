//! The `dalaba` binary: parse arguments, set up logging, hand over to [`dalaba::app::run`].

fn main() {
    dalaba::app::quiet_broken_pipe();
    let args = dalaba::app::parse_args();
    dalaba::app::init_tracing(args.verbose);
    if let Err(code) = dalaba::app::run(args) {
        std::process::exit(code);
    }
}
