// A TCP client for black-box tests: sends raw bytes and reads replies with time limits, so a
// server that misbehaves fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/socket.hpp"

namespace support {

class TestClient {
public:
    explicit TestClient(std::uint16_t port, const std::string& host = "127.0.0.1");

    void send(std::string_view bytes);

    /// Reads until `count` bytes have arrived (or the limit passes, or the server closes) and
    /// returns what arrived.
    [[nodiscard]] std::string read_exact(std::size_t count,
                                         std::chrono::milliseconds limit = std::chrono::seconds{5});

    /// Reads until the received bytes end with `suffix`.
    [[nodiscard]] std::string read_until(std::string_view suffix,
                                         std::chrono::milliseconds limit = std::chrono::seconds{5});

    /// Whatever arrives within `limit`; "" when nothing does.
    [[nodiscard]] std::string read_for(std::chrono::milliseconds limit);

    /// True when the server closes the connection within `limit` (after any pending bytes).
    [[nodiscard]] bool closed_by_server(std::chrono::milliseconds limit = std::chrono::seconds{5});

    /// Closes the connection from this side.
    void close();

private:
    /// One recv() with a time limit: bytes, or "" on time-out; sets closed_ when the peer closed.
    std::string receive_some(std::chrono::milliseconds limit);

    std::optional<net::Socket> socket_;
    bool closed_ = false;
};

}  // namespace support
