// Time-limited socket reads for black-box tests.
#include "support/test_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <stdexcept>

namespace support {

using Clock = std::chrono::steady_clock;

TestClient::TestClient(std::uint16_t port, const std::string& host)
    : socket_{net::Socket::connect(host, port)} {}

void TestClient::send(std::string_view bytes) {
    if (!socket_ || socket_->send_all(bytes) != net::IoStatus::ok) {
        throw std::runtime_error{"TestClient: send failed: connection closed"};
    }
}

std::string TestClient::receive_some(std::chrono::milliseconds limit) {
    if (!socket_ || closed_) return {};
    pollfd waiting{socket_->native_handle(), POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(limit.count()));
    if (ready <= 0) return {};
    std::array<char, 64 * 1024> chunk;
    const net::Received received = socket_->receive(chunk);
    if (received.status == net::IoStatus::closed) {
        closed_ = true;
        return {};
    }
    return std::string{chunk.data(), received.bytes};
}

std::string TestClient::read_exact(std::size_t count, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    std::string data;
    while (data.size() < count && !closed_) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        data += receive_some(left);
    }
    return data;
}

std::string TestClient::read_until(std::string_view suffix, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    std::string data;
    while (!data.ends_with(suffix) && !closed_) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        data += receive_some(left);
    }
    return data;
}

std::string TestClient::read_for(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    std::string data;
    while (!closed_) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        data += receive_some(left);
    }
    return data;
}

bool TestClient::closed_by_server(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!closed_) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        (void)receive_some(left);
    }
    return true;
}

void TestClient::close() {
    socket_.reset();
}

}  // namespace support
