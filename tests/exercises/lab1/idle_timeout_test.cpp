// Exercise 1.5, idle clients: a LineReader given an idle timeout gives up on a peer that sends
// nothing for that long, and serve_ping_client() ends such a conversation as Redis's `timeout`
// setting does. Zero means no timeout, as in Redis.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "net/line_reader.hpp"
#include "net/ping_session.hpp"
#include "net/socket.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct SocketPair {
    SocketPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
        local.emplace(net::FileDescriptor{fds[0]});
        peer.emplace(net::FileDescriptor{fds[1]});
    }
    std::optional<net::Socket> local;
    std::optional<net::Socket> peer;
};

TEST(IdleTimeout, ASilentPeerTimesOut) {
    SocketPair pair;
    net::LineReader reader{*pair.local, net::max_inline_line, 200ms};
    const auto start = Clock::now();
    const net::LineResult result = reader.read_line();
    const auto waited = Clock::now() - start;
    EXPECT_EQ(result.status, net::LineStatus::timed_out);
    EXPECT_GE(waited, 150ms);
    EXPECT_LT(waited, 3s);
}

TEST(IdleTimeout, AnyByteRestartsTheClock) {
    SocketPair pair;
    net::LineReader reader{*pair.local, net::max_inline_line, 400ms};
    // The line takes about 1 s to arrive, but no gap between its bytes is near 400 ms.
    std::thread writer{[&] {
        for (char c : std::string{"PING\r\n"}) {
            std::this_thread::sleep_for(150ms);
            (void)pair.peer->send_all(std::string_view{&c, 1});
        }
    }};
    const net::LineResult result = reader.read_line();
    writer.join();
    ASSERT_EQ(result.status, net::LineStatus::line);
    EXPECT_EQ(result.line, "PING");
}

TEST(IdleTimeout, ZeroMeansNoTimeout) {
    SocketPair pair;
    net::LineReader reader{*pair.local, net::max_inline_line, 0ms};
    std::thread writer{[&] {
        std::this_thread::sleep_for(500ms);
        (void)pair.peer->send_all("late\n");
    }};
    const net::LineResult result = reader.read_line();
    writer.join();
    ASSERT_EQ(result.status, net::LineStatus::line);
    EXPECT_EQ(result.line, "late");
}

TEST(IdleTimeout, ServePingClientEndsAnIdleConversation) {
    SocketPair pair;
    auto session =
        std::async(std::launch::async, [&] { return net::serve_ping_client(*pair.local, 300ms); });
    ASSERT_EQ(pair.peer->send_all("PING\r\n"), net::IoStatus::ok);
    char reply[7];
    ASSERT_EQ(::recv(pair.peer->native_handle(), reply, sizeof reply, MSG_WAITALL), 7);
    EXPECT_EQ(std::string(reply, sizeof reply), "+PONG\r\n");
    ASSERT_EQ(session.wait_for(5s), std::future_status::ready) << "the idle client was kept";
    EXPECT_EQ(session.get(), net::SessionEnd::timed_out);
}

}  // namespace
