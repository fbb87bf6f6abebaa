// run_program(): the main() of labs 5, 6 and 7, once. Introduced in lab 5.
#include "server/program.hpp"

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <utility>

#include "net/signals.hpp"
#include "persist/file_io.hpp"
#include "server/blocking_server.hpp"

namespace server {

namespace {

// A CLI11 check for a memory size such as `64mb`.
std::string check_memory(const std::string& text) {
    return cmd::parse_memory(text) ? std::string{} : "not a memory size: " + text;
}

// Descriptors a server keeps for itself beyond its clients: listener, files, pipes (Redis's
// CONFIG_MIN_RESERVED_FDS).
constexpr int reserved_descriptors = 32;

// Redis's adjustOpenFilesLimit(): each client is a descriptor, and the soft limit is often 1024,
// so raise it to maxclients + 32, up to the hard limit. If even that is too low, lower
// maxclients to fit, with a warning: a refused client ("max number of clients reached") is
// better than accept() failing with EMFILE.
void fit_open_files_limit(cmd::Config& config, Logger& log) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const auto wanted = static_cast<rlim_t>(config.maxclients) + reserved_descriptors;
    if (limit.rlim_cur >= wanted) return;
    const rlim_t old_limit = limit.rlim_cur;
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = old_limit;
    if (limit.rlim_cur >= wanted) return;
    const auto fitting =
        std::max<rlim_t>(limit.rlim_cur, reserved_descriptors + 1) - reserved_descriptors;
    log.warning("maxclients " + std::to_string(config.maxclients) + " needs " +
                std::to_string(wanted) + " open files, and the limit is " +
                std::to_string(limit.rlim_cur) + " (ulimit -n): maxclients lowered to " +
                std::to_string(fitting));
    config.maxclients = static_cast<int>(fitting);
}

}  // namespace

std::string executable_path() {
    std::error_code error;
    const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string{} : path.string();
}

int run_program(Program program, int argc, char** argv) {
    CLI::App app{program.description};
    cmd::Config config;
    config.add_to(app);  // --port, --bind, --dir, --dbfilename, --save, --appendonly, ...
    ServerSettings settings;
    std::string query_buffer_limit = "64mb";
    std::string output_buffer_limit = "256mb";
    app.add_option("--client-query-buffer-limit", query_buffer_limit,
                   "Close a client whose unprocessed input exceeds this (Redis: 1gb)")
        ->capture_default_str()
        ->check(check_memory);
    app.add_option("--client-output-buffer-limit", output_buffer_limit,
                   "Close a client whose unsent replies exceed this (Redis: no limit for "
                   "normal clients)")
        ->capture_default_str()
        ->check(check_memory);
    std::string replica_output_buffer_limit = "256mb";
    if (program.replication) {
        app.add_option("--replica-output-buffer-limit", replica_output_buffer_limit,
                       "Lab 8: close a replica whose unsent stream exceeds this (Redis: "
                       "client-output-buffer-limit replica 256mb 64mb 60)")
            ->capture_default_str()
            ->check(check_memory);
    }
    CLI11_PARSE(app, argc, argv);
    if (!program.replication && !config.replicaof.empty()) {
        std::cerr << program.name << ": --replicaof: replication is lab 8 (lab8_replication)"
                  << std::endl;
        return 1;
    }
    settings.replica_output_buffer_limit = *cmd::parse_memory(replica_output_buffer_limit);
    settings.query_buffer_limit = *cmd::parse_memory(query_buffer_limit);
    settings.output_buffer_limit = *cmd::parse_memory(output_buffer_limit);
    if (!program.make_server) {
        program.make_server = [](cmd::CommandTable commands, cmd::Config options,
                                 ServerSettings limits, Logger& log) {
            return std::make_unique<BlockingServer>(std::move(commands), std::move(options), limits,
                                                    log);
        };
    }

    Logger log{program.name};
    fit_open_files_limit(config, log);
    net::install_stop_handlers();
    try {
        const auto server =
            program.make_server(std::move(program.commands), std::move(config), settings, log);
        server->start();
        return server->run();
    } catch (const persist::PersistError& failure) {
        // A snapshot or append-only file that cannot be read: starting empty would lose it
        // at the next save, so refuse, naming the file and the problem.
        std::cerr << program.name << ": refusing to start: " << failure.what() << std::endl;
    } catch (const std::exception& failure) {  // a port in use, an address that does not resolve
        std::cerr << program.name << ": " << failure.what() << std::endl;
    }
    return 1;
}

}  // namespace server
