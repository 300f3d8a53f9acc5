// mimalloc: portalint allocates a tree per file on every thread at once; with glibc's
// allocator the full check of 10 000 orders spent a fifth of its time in malloc/free and
// page faults (measured: docs/benchmarks.md, issue 21 third round).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    portalint::app::main()
}
