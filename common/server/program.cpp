// run_program(): lab 5's and lab 6's main(), once. Introduced in lab 5.
#include "server/program.hpp"

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <utility>

#include "cmd/config.hpp"
#include "net/signals.hpp"
#include "persist/file_io.hpp"
#include "server/blocking_server.hpp"
#include "server/log.hpp"

namespace server {

int run_program(Program program, int argc, char** argv) {
    CLI::App app{program.description};
    cmd::Config config;
    config.add_to(app);  // --port, --bind, --dir, --dbfilename, --save, --appendonly, ...
    ServerSettings settings;
    std::string query_buffer_limit = "64mb";
    app.add_option("--client-query-buffer-limit", query_buffer_limit,
                   "Close a client whose unprocessed input exceeds this (Redis: 1gb)")
        ->capture_default_str()
        ->check([](const std::string& text) {
            return cmd::parse_memory(text) ? std::string{} : "not a memory size: " + text;
        });
    CLI11_PARSE(app, argc, argv);
    settings.query_buffer_limit = *cmd::parse_memory(query_buffer_limit);

    Logger log{program.name};
    net::install_stop_handlers();
    try {
        BlockingServer server{std::move(program.commands), std::move(config), settings, log};
        server.start();
        return server.run();
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
