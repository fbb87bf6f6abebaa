// The whole command line of a blocking-server program: redis-server's flags, start, serve,
// report a file that cannot be loaded. Shared by lab 5 (strings and keys) and lab 6 (plus lists
// and sets), whose main() differ only in the command table. Introduced in lab 5.
#pragma once

#include <string>

#include "cmd/command.hpp"

namespace server {

/// What tells one program from another: its name (the log prefix), its --help title, and the
/// commands it serves.
struct Program {
    std::string name;
    std::string description;
    cmd::CommandTable commands;
};

/// Parses redis-server's flags (cmd::Config) and --client-query-buffer-limit, starts a
/// BlockingServer with `program`'s commands and serves until SHUTDOWN, SIGINT or SIGTERM.
/// Returns the exit status: 0 after a clean stop, 1 when a snapshot or append-only file cannot
/// be loaded (`refusing to start: <file>: <problem>`) or the address cannot be bound.
[[nodiscard]] int run_program(Program program, int argc, char** argv);

}  // namespace server
