// In-process tests of lab 3's five commands and of resp::Session (bytes in, replies out), with
// an injected clock; replies checked against redis-server 7.0. Introduced in lab 3.
#include "resp/session.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/basic_commands.hpp"
#include "resp/explain.hpp"
#include "resp/writer.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

class Commands : public ::testing::Test {
protected:
    // Runs one command and returns its raw reply.
    std::string run(std::vector<std::string_view> argv) {
        std::string out;
        resp::Writer writer{out};
        commands_.execute(argv, writer);
        return out;
    }

    store::ManualClock clock_;
    store::Keyspace keyspace_{clock_};
    resp::BasicCommands commands_{keyspace_};
};

TEST_F(Commands, PingAndEcho) {
    EXPECT_EQ(run({"PING"}), "+PONG\r\n");
    EXPECT_EQ(run({"ping", "hi"}), "$2\r\nhi\r\n");
    EXPECT_EQ(run({"ECHO", ""}), "$0\r\n\r\n");
    EXPECT_EQ(run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST_F(Commands, SetGetDel) {
    EXPECT_EQ(run({"GET", "k"}), "$-1\r\n");
    EXPECT_EQ(run({"SET", "k", "v"}), "+OK\r\n");
    EXPECT_EQ(run({"get", "k"}), "$1\r\nv\r\n");
    EXPECT_EQ(run({"SET", "k2", "v2"}), "+OK\r\n");
    EXPECT_EQ(run({"DEL", "k", "k2", "missing", "k"}), ":2\r\n");
    EXPECT_EQ(run({"GET", "k"}), "$-1\r\n");
}

TEST_F(Commands, ArityErrorsNameTheCommandInLowerCase) {
    EXPECT_EQ(run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
    EXPECT_EQ(run({"GeT", "a", "b"}), "-ERR wrong number of arguments for 'get' command\r\n");
    EXPECT_EQ(run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
    EXPECT_EQ(run({"DEL"}), "-ERR wrong number of arguments for 'del' command\r\n");
    EXPECT_EQ(run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST_F(Commands, SetOptionsAreASyntaxErrorInLab3) {
    EXPECT_EQ(run({"SET", "k", "v", "EX", "10"}), "-ERR syntax error\r\n");
}

TEST_F(Commands, UnknownCommandsQuoteTheirArgumentsLikeRedis) {
    EXPECT_EQ(run({"foo"}), "-ERR unknown command 'foo', with args beginning with: \r\n");
    EXPECT_EQ(run({"foo", "a", "b"}),
              "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
    // CR and LF become spaces; the arguments stop after 128 bytes, as redis-server 7.0 does.
    const std::string x(100, 'x');
    const std::string y(100, 'y');
    EXPECT_EQ(run({"foo", x, y, "z"}), "-ERR unknown command 'foo', with args beginning with: '" +
                                           x + "' '" + std::string(25, 'y') + "' \r\n");
    EXPECT_EQ(run({"foo", "a\r\nb"}),
              "-ERR unknown command 'foo', with args beginning with: 'a  b' \r\n");
    const std::string long_name = "f" + std::string(200, 'q');
    EXPECT_EQ(run({long_name}), "-ERR unknown command '" + long_name.substr(0, 128) +
                                    "', with args beginning with: \r\n");
}

TEST(Session, RunsCommandsAndKeepsAPartialOneForLater) {
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    resp::Session session{keyspace, resp::Output::raw};
    std::string out;
    EXPECT_EQ(session.feed("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1", out),
              resp::SessionState::open);
    EXPECT_EQ(out, "+OK\r\n");
    EXPECT_EQ(session.pending_bytes(), 15u);  // "*2\r\n$3\r\nGET\r\n$1"
    EXPECT_EQ(session.feed("\r\nk\r\nPING\r\n", out), resp::SessionState::open);
    EXPECT_EQ(out, "+OK\r\n$1\r\nv\r\n+PONG\r\n");
    EXPECT_EQ(session.pending_bytes(), 0u);
}

TEST(Session, AnswersAProtocolErrorThenCloses) {
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    resp::Session session{keyspace, resp::Output::raw};
    std::string out;
    EXPECT_EQ(session.feed("PING\r\n*1\r\n\r\nPING\r\n", out), resp::SessionState::closed);
    EXPECT_EQ(out, "+PONG\r\n-ERR Protocol error: expected '$', got ' '\r\n");
    EXPECT_EQ(session.feed("PING\r\n", out), resp::SessionState::closed);
    EXPECT_EQ(out, "+PONG\r\n-ERR Protocol error: expected '$', got ' '\r\n");
}

TEST(Session, ExplainsEachCommandBesideItsBytes) {
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    resp::Session session{keyspace, resp::Output::explain};
    std::string out;
    (void)session.feed("*2\r\n$4\r\nECHO\r\n$3\r\na\"b\r\nGET nope\r\n", out);
    EXPECT_EQ(out,
              "> ECHO \"a\\\"b\"                   *2\\r\\n$4\\r\\nECHO\\r\\n$3\\r\\na\"b\\r\\n\n"
              "< \"a\\\"b\"                        $3\\r\\na\"b\\r\\n\n"
              "> GET \"nope\"                    GET nope\\r\\n\n"
              "< (nil)                         $-1\\r\\n\n");
}

TEST(Explain, DescribesRepliesLikeRedisCli) {
    EXPECT_EQ(resp::describe_reply("+OK\r\n"), "OK");
    EXPECT_EQ(resp::describe_reply("-ERR x\r\n"), "(error) ERR x");
    EXPECT_EQ(resp::describe_reply(":3\r\n"), "(integer) 3");
    EXPECT_EQ(resp::describe_reply("$-1\r\n"), "(nil)");
    EXPECT_EQ(resp::describe_reply("$2\r\n\x01\n\r\n"), "\"\\x01\\n\"");
    EXPECT_EQ(resp::describe_reply("*2\r\n$1\r\na\r\n:1\r\n"), "1) \"a\" 2) (integer) 1");
    EXPECT_EQ(resp::describe_reply("*0\r\n"), "(empty array)");
    EXPECT_EQ(resp::describe_reply("$5\r\nab"), "$5\\r\\nab");  // not a whole reply
}

}  // namespace
