// Lab 1 milestone: a TCP server that answers PING, one client at a time, with blocking calls.
// Try it with `nc localhost 6379` or `telnet localhost 6379` (docs/lab1_tcp.md).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <string>
#include <system_error>

#include "net/ping_session.hpp"
#include "net/signals.hpp"
#include "net/socket.hpp"

namespace {

const char* describe(net::SessionEnd end) {
    switch (end) {
        case net::SessionEnd::quit:
            return "sent QUIT";
        case net::SessionEnd::closed:
            return "disconnected";
        case net::SessionEnd::closed_mid_line:
            return "disconnected in the middle of a command";
        case net::SessionEnd::too_long:
            return "sent a line over 64 KiB (protocol error)";
        case net::SessionEnd::stopped:
            return "dropped: server stopping";
    }
    return "left";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lab 1: a blocking TCP server that answers PING, ECHO and QUIT"};
    std::uint16_t port = 6379;
    std::string bind = "127.0.0.1";
    app.add_option("--port", port, "TCP port to listen on (0 picks a free one)")
        ->capture_default_str();
    app.add_option("--bind", bind, "address to listen on")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    net::install_stop_handlers();
    net::block_stop_signals();  // delivered only while waiting for input: see signals.hpp
    try {
        auto listener = net::Listener::bind(bind, port);
        std::cout << "lab1_tcp: listening on " << bind << ":" << listener.port()
                  << " (one client at a time; Ctrl-C stops)" << std::endl;

        // The whole server: accept one client, talk to it until it leaves, accept the next.
        // While one client is served, others wait in the kernel's listen backlog.
        while (!net::stop_requested()) {
            if (!net::wait_for_input(listener.native_handle())) continue;  // a signal: stop?
            auto client = listener.accept();
            if (!client) continue;  // interrupted by a signal: check whether to stop
            const std::string peer = client->peer_name();
            std::cout << "lab1_tcp: client " << peer << " connected" << std::endl;
            const net::SessionEnd end = net::serve_ping_client(*client);
            std::cout << "lab1_tcp: client " << peer << " " << describe(end) << std::endl;
        }
    } catch (const std::system_error& failure) {
        std::cerr << "lab1_tcp: " << failure.what() << std::endl;
        return 1;
    }
    std::cout << "lab1_tcp: stopped" << std::endl;
    return 0;
}
