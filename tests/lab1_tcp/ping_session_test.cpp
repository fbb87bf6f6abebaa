// In-process tests of lab 1's protocol: answer_line() for each command, and a whole session
// served over a socketpair.
#include "net/ping_session.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <array>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "net/socket.hpp"

namespace {

using net::After;
using net::answer_line;

TEST(AnswerLine, PingWithoutArgumentIsPong) {
    EXPECT_EQ(answer_line("PING").reply, "+PONG\r\n");
}

TEST(AnswerLine, CommandNamesAreCaseInsensitive) {
    EXPECT_EQ(answer_line("ping").reply, "+PONG\r\n");
    EXPECT_EQ(answer_line("PiNg").reply, "+PONG\r\n");
    EXPECT_EQ(answer_line("echo x").reply, "$1\r\nx\r\n");
}

TEST(AnswerLine, PingWithMessageIsABulkString) {
    EXPECT_EQ(answer_line("PING hello").reply, "$5\r\nhello\r\n");
}

TEST(AnswerLine, EchoRepliesWithItsArgument) {
    EXPECT_EQ(answer_line("ECHO hello").reply, "$5\r\nhello\r\n");
}

TEST(AnswerLine, WhiteSpaceSeparatesArguments) {
    EXPECT_EQ(answer_line("  ECHO \t  hi  ").reply, "$2\r\nhi\r\n");
}

TEST(AnswerLine, WrongArgumentCountsGetRedisErrors) {
    EXPECT_EQ(answer_line("PING a b").reply,
              "-ERR wrong number of arguments for 'ping' command\r\n");
    EXPECT_EQ(answer_line("ECHO").reply, "-ERR wrong number of arguments for 'echo' command\r\n");
    EXPECT_EQ(answer_line("echo a b").reply,
              "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST(AnswerLine, QuitRepliesOkAndCloses) {
    const auto answer = answer_line("QUIT");
    EXPECT_EQ(answer.reply, "+OK\r\n");
    EXPECT_EQ(answer.after, After::close);
}

TEST(AnswerLine, OtherCommandsKeepTheConnectionOpen) {
    EXPECT_EQ(answer_line("PING").after, After::keep_open);
    EXPECT_EQ(answer_line("nope").after, After::keep_open);
}

TEST(AnswerLine, UnknownCommandMatchesRedis7Text) {
    EXPECT_EQ(answer_line("foo bar baz").reply,
              "-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \r\n");
    EXPECT_EQ(answer_line("FOO").reply,
              "-ERR unknown command 'FOO', with args beginning with: \r\n");
}

TEST(AnswerLine, UnknownCommandTextIsCutLikeRedis) {
    const std::string name(200, 'n');
    const std::string argument(300, 'a');
    const std::string reply = answer_line(name + " " + argument + " more").reply;
    EXPECT_EQ(reply, "-ERR unknown command '" + std::string(128, 'n') +
                         "', with args beginning with: '" + std::string(128, 'a') + "' \r\n");
}

TEST(AnswerLine, EmptyAndBlankLinesGetNoReply) {
    EXPECT_EQ(answer_line("").reply, "");
    EXPECT_EQ(answer_line("   \t ").reply, "");
}

TEST(AnswerLine, CarriageReturnsAndTabsSeparateArgumentsLikeSpaces) {
    EXPECT_EQ(answer_line("a\rb\tc").reply,
              "-ERR unknown command 'a', with args beginning with: 'b' 'c' \r\n");
}

// A whole session over a socketpair: serve_ping_client() runs in a thread and closes its end
// when the session is over, so the client side can read everything until the close.
class Session {
public:
    Session() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
        server_side_.emplace(net::FileDescriptor{fds[0]});
        client_side_.emplace(net::FileDescriptor{fds[1]});
        server_ = std::thread{[this] {
            end_ = net::serve_ping_client(*server_side_);
            server_side_.reset();
        }};
    }
    ~Session() {
        if (server_.joinable()) server_.join();
    }

    net::Socket& client() { return *client_side_; }

    /// Everything the server sends until it closes, and how its side of the session ended.
    std::pair<std::string, net::SessionEnd> finish() {
        std::string received;
        std::array<char, 4096> chunk;
        while (true) {
            const auto got = client_side_->receive(chunk);
            if (got.status != net::IoStatus::ok) break;
            received.append(chunk.data(), got.bytes);
        }
        server_.join();
        return {received, end_};
    }

private:
    std::optional<net::Socket> server_side_;
    std::optional<net::Socket> client_side_;
    net::SessionEnd end_{};
    std::thread server_;
};

TEST(ServePingClient, AnswersUntilQuitAndIgnoresWhatFollows) {
    Session session;
    ASSERT_EQ(session.client().send_all("PING\r\nECHO a\r\nQUIT\r\nPING\r\n"), net::IoStatus::ok);
    const auto [received, end] = session.finish();
    EXPECT_EQ(received, "+PONG\r\n$1\r\na\r\n+OK\r\n");
    EXPECT_EQ(end, net::SessionEnd::quit);
}

TEST(ServePingClient, EndsWhenTheClientHangsUpMidLine) {
    Session session;
    ASSERT_EQ(session.client().send_all("PING\r\nPI"), net::IoStatus::ok);
    ::shutdown(session.client().native_handle(), SHUT_WR);
    const auto [received, end] = session.finish();
    EXPECT_EQ(received, "+PONG\r\n");
    EXPECT_EQ(end, net::SessionEnd::closed_mid_line);
}

TEST(ServePingClient, RepliesProtocolErrorToAnOverlongLineThenCloses) {
    Session session;
    std::thread sender{[&] { (void)session.client().send_all(std::string(70 * 1024, 'x')); }};
    const auto [received, end] = session.finish();
    sender.join();
    EXPECT_EQ(received, "-ERR Protocol error: too big inline request\r\n");
    EXPECT_EQ(end, net::SessionEnd::too_long);
}

}  // namespace
