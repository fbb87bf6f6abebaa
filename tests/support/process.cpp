// fork/exec helpers for black-box tests.
#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "net/socket.hpp"

namespace support {

namespace {

using Clock = std::chrono::steady_clock;

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// Forks and execs `program`; the child's stdin/stdout/stderr become the given descriptors.
pid_t spawn(const std::string& program, const std::vector<std::string>& arguments, int in, int out,
            int err) {
    std::vector<std::string> words{program};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error{"fork failed"};
    if (pid == 0) {
        // If the test process dies (a crash, or ctest killing a test that timed out), take the
        // child with it: an orphaned server would keep the test's output pipe open, and ctest
        // would wait for it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::dup2(in, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        ::execv(program.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

// Waits up to `limit` for `pid` to exit; returns its decoded status or nothing.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (true) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return decode_status(status);
        if (done < 0) return -1;
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
}

}  // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& arguments,
                      const std::string& input, std::chrono::milliseconds limit) {
    int in_pipe[2];
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error{"pipe failed"};
    }
    const pid_t pid = spawn(program, arguments, in_pipe[0], out_pipe[1], err_pipe[1]);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);

    // Feed stdin and drain stdout/stderr together, so a large output cannot deadlock the child.
    RunResult result;
    std::size_t written = 0;
    int to_child = in_pipe[1];
    if (input.empty()) {
        ::close(to_child);
        to_child = -1;
    }
    std::array<pollfd, 3> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0},
                              pollfd{to_child, POLLOUT, 0}};
    const auto deadline = Clock::now() + limit;
    bool timed_out = false;
    ::signal(SIGPIPE, SIG_IGN);
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            std::array<char, 65536> chunk;
            const ssize_t count = ::read(fds[i].fd, chunk.data(), chunk.size());
            if (count <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            } else {
                (i == 0 ? result.out : result.err).append(chunk.data(), count);
            }
        }
        if (fds[2].fd >= 0 && fds[2].revents != 0) {
            const ssize_t count =
                ::write(fds[2].fd, input.data() + written, input.size() - written);
            if (count > 0) written += static_cast<std::size_t>(count);
            if (count < 0 || written == input.size()) {
                ::close(fds[2].fd);
                fds[2].fd = -1;
            }
        }
    }
    for (auto& fd : fds) {
        if (fd.fd >= 0) ::close(fd.fd);
    }
    if (timed_out) ::kill(pid, SIGKILL);
    result.exit_code = wait_for(pid, std::chrono::seconds{10}).value_or(-1);
    return result;
}

ServerProcess ServerProcess::start(const std::string& program,
                                   const std::vector<std::string>& arguments) {
    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error{"pipe failed"};
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const pid_t pid = spawn(program, arguments, null_fd, out_pipe[1], STDERR_FILENO);
    ::close(null_fd);
    ::close(out_pipe[1]);
    ServerProcess server{pid, out_pipe[0]};

    const std::string marker = "listening on ";
    while (true) {
        const std::string line = server.read_line(std::chrono::seconds{10});
        if (line.empty()) {
            throw std::runtime_error{"server " + program + " did not report a port; output:\n" +
                                     server.output_};
        }
        const auto at = line.find(marker);
        if (at == std::string::npos) continue;
        const auto colon = line.find_first_of(" ", at + marker.size());
        const std::string address = line.substr(at + marker.size(), colon - at - marker.size());
        server.port_ =
            static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
        return server;
    }
}

ServerProcess ServerProcess::start_on_port(const std::string& program,
                                           const std::vector<std::string>& arguments,
                                           std::uint16_t port) {
    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error{"pipe failed"};
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const pid_t pid = spawn(program, arguments, null_fd, out_pipe[1], STDERR_FILENO);
    ::close(null_fd);
    ::close(out_pipe[1]);
    ServerProcess server{pid, out_pipe[0]};
    server.port_ = port;

    const auto deadline = Clock::now() + std::chrono::seconds{10};
    while (Clock::now() < deadline) {
        try {
            (void)net::Socket::connect("127.0.0.1", port);
            return server;
        } catch (const std::system_error&) {  // not listening yet
        }
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            server.pid_ = -1;
            (void)server.read_line(std::chrono::milliseconds{100});
            throw std::runtime_error{"server " + program + " exited before listening; output:\n" +
                                     server.output_};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    throw std::runtime_error{"server " + program + " did not listen on port " +
                             std::to_string(port)};
}

std::uint16_t free_port() {
    return net::Listener::bind("127.0.0.1", 0).port();
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_{other.pid_},
      stdout_fd_{other.stdout_fd_},
      port_{other.port_},
      output_{std::move(other.output_)},
      pending_{std::move(other.pending_)} {
    other.pid_ = -1;
    other.stdout_fd_ = -1;
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        if (!wait_for(pid_, std::chrono::seconds{5})) {
            ::kill(pid_, SIGKILL);
            (void)wait_for(pid_, std::chrono::seconds{5});
        }
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string ServerProcess::read_line(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (true) {
        const auto newline = pending_.find('\n');
        if (newline != std::string::npos) {
            std::string line = pending_.substr(0, newline);
            pending_.erase(0, newline + 1);
            return line;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (stdout_fd_ < 0 || left.count() <= 0) return {};
        pollfd waiting{stdout_fd_, POLLIN, 0};
        if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
        std::array<char, 4096> chunk;
        const ssize_t count = ::read(stdout_fd_, chunk.data(), chunk.size());
        if (count <= 0) {
            ::close(stdout_fd_);
            stdout_fd_ = -1;
            return {};
        }
        output_.append(chunk.data(), count);
        pending_.append(chunk.data(), count);
    }
}

int ServerProcess::wait_exit(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return -1;
    const auto status = wait_for(pid_, limit);
    while (!read_line(std::chrono::milliseconds{100}).empty()) {
    }
    if (!status) return -1;
    pid_ = -1;
    return *status;
}

int ServerProcess::stop(int signal, std::chrono::milliseconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    const auto status = wait_for(pid_, limit);
    // Collect what the server printed on its way out.
    while (!read_line(std::chrono::milliseconds{100}).empty()) {
    }
    if (!status) return -1;
    pid_ = -1;
    return *status;
}

}  // namespace support
