// Lab 3 milestone: reads RESP (or inline commands) on stdin, runs PING, ECHO, SET, GET and DEL
// against the keyspace, and writes the replies to stdout, raw or explained (docs/lab3_resp.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "resp/session.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

// Exit statuses, documented in lab3_resp/README.md.
constexpr int exit_ok = 0;
constexpr int exit_protocol_error = 1;
constexpr int exit_io_error = 2;

// write() until everything is out: a pipe may take fewer bytes than offered.
bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lab 3: RESP on stdin, replies on stdout (PING, ECHO, SET, GET, DEL)"};
    bool explain = false;
    std::size_t read_size = 16 * 1024;  // Redis's PROTO_IOBUF_LEN
    app.add_flag("--explain", explain,
                 "print each command and reply in human form beside its raw bytes");
    app.add_option("--read-size", read_size,
                   "bytes per read from stdin (1 shows that commands may arrive in pieces)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    CLI11_PARSE(app, argc, argv);

    store::SystemClock clock;
    store::Keyspace keyspace{clock};
    resp::Session session{keyspace, explain ? resp::Output::explain : resp::Output::raw};

    std::vector<char> chunk(read_size);
    std::string out;
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, chunk.data(), chunk.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            std::perror("lab3_resp: read");
            return exit_io_error;
        }
        if (got == 0) break;  // end of input

        out.clear();
        const resp::SessionState state =
            session.feed(std::string_view{chunk.data(), static_cast<std::size_t>(got)}, out);
        // One write per batch of input: the replies of every command it completed.
        if (!write_all(STDOUT_FILENO, out)) return exit_io_error;
        if (state == resp::SessionState::closed) return exit_protocol_error;
    }

    if (session.pending_bytes() > 0) {
        // Like a client that hangs up mid-command: Redis drops the partial command silently.
        std::fprintf(stderr, "lab3_resp: input ended inside a command (%zu bytes ignored)\n",
                     session.pending_bytes());
    }
    return exit_ok;
}
