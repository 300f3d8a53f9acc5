fn main() -> std::process::ExitCode {
    portalint::app::main()
}
