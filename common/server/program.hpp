// The whole command line of a server program: redis-server's flags, start, serve, report a
// file that cannot be loaded. Shared by lab 5 (strings and keys), lab 6 (plus lists and sets)
// and lab 7 (the same on an event loop), whose main() differ only in the command table and the
// server they start. Introduced in lab 5.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cmd/command.hpp"
#include "cmd/config.hpp"
#include "server/log.hpp"
#include "server/settings.hpp"

namespace server {

/// What run_program() needs of a server: lab 5's BlockingServer and lab 7's
/// async::EventLoopServer both are one.
class RunnableServer {
public:
    virtual ~RunnableServer() = default;
    /// Loads the data and binds the listening socket. Throws persist::PersistError for a file
    /// it cannot load and std::system_error for an address it cannot bind.
    virtual void start() = 0;
    /// Serves until SHUTDOWN, SIGINT or SIGTERM; returns the exit status.
    [[nodiscard]] virtual int run() = 0;
};

/// Builds the server a program runs.
using MakeServer = std::function<std::unique_ptr<RunnableServer>(
    cmd::CommandTable commands, cmd::Config config, ServerSettings settings, Logger& log)>;

/// What tells one program from another: its name (the log prefix), its --help title, the
/// commands it serves, and the server that serves them (lab 5's BlockingServer when empty).
struct Program {
    std::string name;
    std::string description;
    cmd::CommandTable commands;
    MakeServer make_server = {};
    /// Lab 8: the server replicates, so --replicaof and --replica-output-buffer-limit mean
    /// something; the other labs refuse --replicaof rather than ignore it.
    bool replication = false;
};

/// The path of the running program (/proc/self/exe), for INFO's `executable`; empty when
/// unknown.
[[nodiscard]] std::string executable_path();

/// Parses redis-server's flags (cmd::Config), --client-query-buffer-limit and
/// --client-output-buffer-limit, starts the server with `program`'s commands and serves until
/// SHUTDOWN, SIGINT or SIGTERM. Returns the exit status: 0 after a clean stop, 1 when a
/// snapshot or append-only file cannot be loaded (`refusing to start: <file>: <problem>`) or
/// the address cannot be bound.
[[nodiscard]] int run_program(Program program, int argc, char** argv);

}  // namespace server
