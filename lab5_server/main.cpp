// Lab 5 milestone: a Redis-compatible server for many clients at once, a thread each, with
// strings, keys, expiry and persistence. Try it with redis-cli (docs/lab5_server.md).
// Introduced in lab 5; the server is common/server/, the commands common/cmd/.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <utility>

#include "cmd/config.hpp"
#include "net/signals.hpp"
#include "persist/file_io.hpp"
#include "server/blocking_server.hpp"
#include "server/log.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Lab 5: a multi-client Redis server, a thread per client and one command lock"};
    cmd::Config config;
    config.add_to(app);  // --port, --bind, --dir, --dbfilename, --save, --appendonly, ...
    server::ServerSettings settings;
    std::string query_buffer_limit = "64mb";
    app.add_option("--client-query-buffer-limit", query_buffer_limit,
                   "Close a client whose unprocessed input exceeds this (Redis: 1gb)")
        ->capture_default_str()
        ->check([](const std::string& text) {
            return cmd::parse_memory(text) ? std::string{} : "not a memory size: " + text;
        });
    CLI11_PARSE(app, argc, argv);
    settings.query_buffer_limit = *cmd::parse_memory(query_buffer_limit);

    server::Logger log{"lab5_server"};
    net::install_stop_handlers();
    try {
        server::BlockingServer server{std::move(config), settings, log};
        server.start();
        return server.run();
    } catch (const persist::PersistError& failure) {
        // A snapshot or append-only file that cannot be read: starting empty would lose it
        // at the next save, so refuse, naming the file and the problem.
        std::cerr << "lab5_server: refusing to start: " << failure.what() << std::endl;
    } catch (const std::exception& failure) {  // a port in use, an address that does not resolve
        std::cerr << "lab5_server: " << failure.what() << std::endl;
    }
    return 1;
}
