// Test helpers that run the real milestone programs as child processes: one to completion with
// captured output, or a server in the background whose port is read from its log.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace support {

/// Where the build puts the milestone programs (set by add_lab_tests()).
inline std::string program_path(const std::string& name) {
#ifdef COURSE_BIN_DIR
    return std::string{COURSE_BIN_DIR} + "/" + name;
#else
    return name;
#endif
}

/// The server program a black-box suite runs: `own` (the lab's milestone), unless the
/// environment variable COURSE_SERVER names another program of build/bin. Lab 7 reruns the
/// suites of labs 5 and 6 with COURSE_SERVER=lab7_async: the same behaviour, another server.
inline std::string server_program(const std::string& own) {
    const char* other = std::getenv("COURSE_SERVER");
    return program_path(other != nullptr && *other != '\0' ? std::string{other} : own);
}

struct RunResult {
    int exit_code = -1;  ///< the exit status, or 128 + signal number when killed by a signal
    std::string out;
    std::string err;
};

/// Runs `program` with `arguments`, feeds it `input` on stdin, and waits for it to finish (at
/// most `limit`; then it is killed and the test sees exit code 128 + SIGKILL).
[[nodiscard]] RunResult run_program(const std::string& program,
                                    const std::vector<std::string>& arguments,
                                    const std::string& input = {},
                                    std::chrono::milliseconds limit = std::chrono::seconds{30});

/// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice for port 0).
[[nodiscard]] std::uint16_t free_port();

/// A server started in the background. The program must print a line containing
/// "listening on <host>:<port>" to stdout once it accepts connections; start() waits for it.
/// The destructor stops the server (SIGTERM, then SIGKILL if it does not go).
class ServerProcess {
public:
    [[nodiscard]] static ServerProcess start(const std::string& program,
                                             const std::vector<std::string>& arguments);
    /// For a program that does not report its port (redis-server, started with `--port` and
    /// free_port()): waits until `port` accepts a connection.
    [[nodiscard]] static ServerProcess start_on_port(const std::string& program,
                                                     const std::vector<std::string>& arguments,
                                                     std::uint16_t port);
    ServerProcess(ServerProcess&& other) noexcept;
    ServerProcess& operator=(ServerProcess&&) = delete;
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    ~ServerProcess();

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] pid_t pid() const { return pid_; }

    /// The next line of the server's stdout, or "" when none arrives within `limit`.
    [[nodiscard]] std::string read_line(std::chrono::milliseconds limit = std::chrono::seconds{5});

    /// Sends `signal` and waits for the process to exit; returns its exit status (128 + signal
    /// when a signal killed it). Everything it printed meanwhile is kept in output().
    int stop(int signal, std::chrono::milliseconds limit = std::chrono::seconds{10});
    /// Waits, sending nothing, for the process to exit by itself (SHUTDOWN); returns its exit
    /// status, or -1 when it is still running after `limit`.
    int wait_exit(std::chrono::milliseconds limit = std::chrono::seconds{10});

    /// Everything read from the server's stdout so far.
    [[nodiscard]] const std::string& output() const { return output_; }

private:
    ServerProcess(pid_t pid, int stdout_fd) : pid_{pid}, stdout_fd_{stdout_fd} {}

    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::uint16_t port_ = 0;
    std::string output_;
    std::string pending_;  // read from stdout but not yet returned as a line
};

}  // namespace support
