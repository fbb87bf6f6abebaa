// Unit tests of net::LineReader over a socketpair: how lines are framed however bytes arrive.
#include "net/line_reader.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>
#include <thread>

#include "net/socket.hpp"

namespace {

// Two connected sockets in this process: the test writes to `peer`, the reader reads `local`.
struct SocketPair {
    SocketPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
        local.emplace(net::FileDescriptor{fds[0]});
        peer.emplace(net::FileDescriptor{fds[1]});
    }
    void send(std::string_view bytes) { ASSERT_EQ(peer->send_all(bytes), net::IoStatus::ok); }
    void hang_up() { peer.reset(); }

    std::optional<net::Socket> local;
    std::optional<net::Socket> peer;
};

TEST(LineReader, ReadsCrLfAndBareLfLines) {
    SocketPair pair;
    net::LineReader reader{*pair.local};
    pair.send("PING\r\nECHO hi\n");
    auto first = reader.read_line();
    ASSERT_EQ(first.status, net::LineStatus::line);
    EXPECT_EQ(first.line, "PING");
    auto second = reader.read_line();
    ASSERT_EQ(second.status, net::LineStatus::line);
    EXPECT_EQ(second.line, "ECHO hi");
}

TEST(LineReader, JoinsALineSplitAcrossManySends) {
    SocketPair pair;
    net::LineReader reader{*pair.local};
    // The writer sends one byte at a time from another thread, so the reader sees many recv()s.
    std::thread writer{[&] {
        for (char c : std::string{"ECHO split\r\n"}) {
            pair.send(std::string_view{&c, 1});
            std::this_thread::sleep_for(std::chrono::milliseconds{1});
        }
    }};
    const auto result = reader.read_line();
    writer.join();
    ASSERT_EQ(result.status, net::LineStatus::line);
    EXPECT_EQ(result.line, "ECHO split");
}

TEST(LineReader, SplitsManyLinesFromOneSend) {
    SocketPair pair;
    net::LineReader reader{*pair.local};
    pair.send("a\r\nb\r\n\r\nc\n");
    for (std::string_view expected : {"a", "b", "", "c"}) {
        const auto result = reader.read_line();
        ASSERT_EQ(result.status, net::LineStatus::line);
        EXPECT_EQ(result.line, expected);
    }
}

TEST(LineReader, KeepsCarriageReturnsInsideALine) {
    SocketPair pair;
    net::LineReader reader{*pair.local};
    pair.send("a\rb\r\n");
    const auto result = reader.read_line();
    ASSERT_EQ(result.status, net::LineStatus::line);
    EXPECT_EQ(result.line, "a\rb");
}

TEST(LineReader, ReportsACleanHangUp) {
    SocketPair pair;
    net::LineReader reader{*pair.local};
    pair.send("PING\r\n");
    pair.hang_up();
    EXPECT_EQ(reader.read_line().status, net::LineStatus::line);
    EXPECT_EQ(reader.read_line().status, net::LineStatus::closed);
}

TEST(LineReader, ReportsAHangUpInTheMiddleOfALine) {
    SocketPair pair;
    net::LineReader reader{*pair.local};
    pair.send("PIN");
    pair.hang_up();
    EXPECT_EQ(reader.read_line().status, net::LineStatus::closed_mid_line);
}

TEST(LineReader, RefusesALineOverTheLimitWithoutWaitingForItsEnd) {
    SocketPair pair;
    net::LineReader reader{*pair.local, 100};
    pair.send(std::string(101, 'x'));  // no newline, and the peer stays connected
    EXPECT_EQ(reader.read_line().status, net::LineStatus::too_long);
}

TEST(LineReader, AcceptsALineOfExactlyTheLimit) {
    SocketPair pair;
    net::LineReader reader{*pair.local, 100};
    pair.send(std::string(100, 'x') + "\r\n");
    const auto result = reader.read_line();
    ASSERT_EQ(result.status, net::LineStatus::line);
    EXPECT_EQ(result.line.size(), 100u);
}

TEST(LineReader, RefusesACompleteLineOverTheLimit) {
    SocketPair pair;
    net::LineReader reader{*pair.local, 100};
    pair.send(std::string(101, 'x') + "\n");
    EXPECT_EQ(reader.read_line().status, net::LineStatus::too_long);
}

TEST(LineReader, DefaultLimitIsRedisInlineLimit) {
    EXPECT_EQ(net::max_inline_line, 65536u);
}

}  // namespace
