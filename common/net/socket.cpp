// POSIX socket calls behind lab 1's RAII types.
#include "net/socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <system_error>

namespace net {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error{errno, std::generic_category(), what};
}

std::string format_address(const sockaddr_storage& address) {
    char host[INET6_ADDRSTRLEN] = {};
    std::uint16_t port = 0;
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        inet_ntop(AF_INET, &v4.sin_addr, host, sizeof host);
        port = ntohs(v4.sin_port);
    } else if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof host);
        port = ntohs(v6.sin6_port);
    } else {
        return "local";
    }
    return std::string{host} + ":" + std::to_string(port);
}

// getaddrinfo's result list, freed with freeaddrinfo.
using AddressList = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

AddressList resolve(const std::string& host, std::uint16_t port, bool passive) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    addrinfo* result = nullptr;
    const std::string service = std::to_string(port);
    if (const int status = getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
        status != 0) {
        throw std::system_error{EINVAL, std::generic_category(),
                                "cannot resolve " + host + ": " + gai_strerror(status)};
    }
    return AddressList{result, &freeaddrinfo};
}

}  // namespace

int FileDescriptor::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void FileDescriptor::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

Socket Socket::connect(const std::string& host, std::uint16_t port) {
    const auto addresses = resolve(host, port, false);
    int last_error = ECONNREFUSED;
    for (const addrinfo* address = addresses.get(); address; address = address->ai_next) {
        FileDescriptor fd{::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC,
                                   address->ai_protocol)};
        if (!fd.valid()) throw_errno("socket");
        if (::connect(fd.get(), address->ai_addr, address->ai_addrlen) == 0) {
            return Socket{std::move(fd)};
        }
        last_error = errno;
    }
    throw std::system_error{last_error, std::generic_category(),
                            "connect to " + host + ":" + std::to_string(port)};
}

Received Socket::receive(std::span<char> into) {
    const ssize_t count = ::recv(fd_.get(), into.data(), into.size(), 0);
    if (count > 0) return {IoStatus::ok, static_cast<std::size_t>(count)};
    if (count == 0) return {IoStatus::closed};
    if (errno == EINTR) return {IoStatus::interrupted};
    // ECONNRESET and friends: for a server, a peer that vanished is simply gone.
    return {IoStatus::closed};
}

IoStatus Socket::send_all(std::string_view bytes) {
    while (!bytes.empty()) {
        // MSG_NOSIGNAL: a write to a closed peer returns EPIPE instead of killing the process
        // with SIGPIPE.
        const ssize_t sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;  // nothing was sent; try again
            return IoStatus::closed;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));  // a partial write: send the rest
    }
    return IoStatus::ok;
}

std::string Socket::peer_name() const {
    return peer_address(fd_.get());
}

std::string peer_address(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "unknown";
    return format_address(address);
}

std::string local_address(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "unknown";
    return format_address(address);
}

Listener Listener::bind(const std::string& host, std::uint16_t port, int backlog) {
    const auto addresses = resolve(host, port, true);
    const std::string where = host + ":" + std::to_string(port);
    int last_error = EADDRNOTAVAIL;
    for (const addrinfo* address = addresses.get(); address; address = address->ai_next) {
        FileDescriptor fd{::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC,
                                   address->ai_protocol)};
        if (!fd.valid()) throw_errno("socket");
        const int yes = 1;
        ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (::bind(fd.get(), address->ai_addr, address->ai_addrlen) != 0) {
            last_error = errno;
            continue;
        }
        if (::listen(fd.get(), backlog) != 0) throw_errno("listen on " + where);
        return Listener{std::move(fd)};
    }
    throw std::system_error{last_error, std::generic_category(), "bind " + where};
}

std::optional<Socket> Listener::accept() {
    while (true) {
        FileDescriptor fd{::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC)};
        if (fd.valid()) {
            // Replies are small and sent whole: do not let Nagle's algorithm hold them back.
            const int yes = 1;
            ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            return Socket{std::move(fd)};
        }
        if (errno == EINTR) return std::nullopt;
        // A connection that died in the queue is not the listener's failure: wait for the next.
        if (errno == ECONNABORTED || errno == EPROTO) continue;
        throw_errno("accept");
    }
}

std::uint16_t Listener::port() const {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw_errno("getsockname");
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
}

}  // namespace net
