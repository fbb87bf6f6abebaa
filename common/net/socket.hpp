// RAII over POSIX TCP sockets: a descriptor that closes itself, a listening socket, and a
// connected socket whose send survives partial writes. Introduced in lab 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace net {

/// Owns one file descriptor and closes it when destroyed. Move-only, so exactly one owner ever
/// closes a descriptor: copying would let two objects close the same number, and the second
/// close could hit an unrelated descriptor that reused it.
class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) noexcept : fd_{fd} {}
    ~FileDescriptor() { reset(); }

    FileDescriptor(FileDescriptor&& other) noexcept : fd_{other.release()} {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
    /// Gives up ownership without closing.
    int release() noexcept;
    /// Closes the current descriptor (if any) and takes `fd`.
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

/// How a blocking socket call ended.
enum class IoStatus {
    ok,           ///< data moved
    closed,       ///< the peer closed (or reset) the connection
    interrupted,  ///< a signal arrived first (EINTR): the caller decides whether to go on
};

struct Received {
    IoStatus status;
    std::size_t bytes = 0;
};

/// A connected TCP (or Unix) stream socket with blocking I/O.
class Socket {
public:
    explicit Socket(FileDescriptor fd) : fd_{std::move(fd)} {}

    /// Connects to host:port (an IPv4 or IPv6 address, or a name); throws std::system_error.
    [[nodiscard]] static Socket connect(const std::string& host, std::uint16_t port);

    /// Reads what is available, at most into.size() bytes, waiting until something arrives.
    [[nodiscard]] Received receive(std::span<char> into);

    /// Sends every byte, looping over partial writes and EINTR. Returns closed when the peer has
    /// gone (EPIPE, ECONNRESET); never raises SIGPIPE.
    [[nodiscard]] IoStatus send_all(std::string_view bytes);

    /// The peer's address as "host:port", for logs.
    [[nodiscard]] std::string peer_name() const;

    [[nodiscard]] int native_handle() const noexcept { return fd_.get(); }

private:
    FileDescriptor fd_;
};

/// "host:port" of the far end (getpeername) and of our end (getsockname) of connected socket
/// `fd`, as CLIENT LIST shows them in addr= and laddr=; "unknown" when the call fails.
/// Introduced in lab 5.
[[nodiscard]] std::string peer_address(int fd);
[[nodiscard]] std::string local_address(int fd);

/// A listening TCP socket.
class Listener {
public:
    /// Binds host:port with SO_REUSEADDR (so a restarted server can take the port while old
    /// connections sit in TIME_WAIT) and listens with `backlog` pending connections (Redis's
    /// default tcp-backlog is 511). Port 0 asks the kernel for a free port: see port().
    /// Throws std::system_error naming the address on failure (port in use, bad address).
    [[nodiscard]] static Listener bind(const std::string& host, std::uint16_t port,
                                       int backlog = 511);

    /// Waits for the next connection. Returns nothing when a signal interrupted the wait, so a
    /// server can check whether it was asked to stop.
    [[nodiscard]] std::optional<Socket> accept();

    /// The port actually bound (useful after binding port 0).
    [[nodiscard]] std::uint16_t port() const;

    [[nodiscard]] int native_handle() const noexcept { return fd_.get(); }

    /// Gives up the listening descriptor, for an event loop to take over (lab 7 hands it to
    /// Asio's acceptor); the Listener is left empty.
    [[nodiscard]] FileDescriptor release() noexcept { return std::move(fd_); }

private:
    explicit Listener(FileDescriptor fd) : fd_{std::move(fd)} {}
    FileDescriptor fd_;
};

}  // namespace net
