// In-process tests of the blocking pops BLPOP, BRPOP, BLMOVE and BRPOPLPUSH: immediate service
// and its propagation, type and timeout errors as Redis 7.0.15 words them, the block request a
// handler makes, a retry after a push, and the replay session's immediate timeout reply.
// Introduced in lab 6.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cmd/families.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;

const std::string wrong_type =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string not_float = error("ERR timeout is not a float or out of range");
const std::string negative = error("ERR timeout is negative");

cmd::CommandTable list_commands() {
    auto table = cmd::lab5_commands();
    cmd::register_list_family(table);
    return table;
}

std::string pair(std::string_view key, std::string_view element) {
    return "*2\r\n" + bulk(key) + bulk(element);
}

class BlockingCommandTest : public CommandTest {
public:
    BlockingCommandTest() : CommandTest(list_commands()) {}
};

TEST_F(BlockingCommandTest, NonEmptyListsAreServedAtOnceAndPropagatedAsPops) {
    given({"RPUSH", "b", "1", "2"});
    given({"RPUSH", "c", "3"});
    EXPECT_EQ(run({"BLPOP", "a", "b", "c", "0"}), pair("b", "1"));
    EXPECT_EQ(last_outcome, cmd::Outcome::replied);
    EXPECT_EQ(run({"BRPOP", "a", "c", "b", "1.5"}), pair("c", "3"));
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LPOP b", "RPOP c"}));
    EXPECT_EQ(run({"EXISTS", "c"}), integer(0));  // the emptied list is gone
    EXPECT_FALSE(session.blocked);
}

TEST_F(BlockingCommandTest, MovesAreServedAtOnceAndPropagatedAsLmove) {
    given({"RPUSH", "src", "a", "b"});
    EXPECT_EQ(run({"BLMOVE", "src", "dst", "left", "RIGHT", "0"}), bulk("a"));
    EXPECT_EQ(run({"BRPOPLPUSH", "src", "dst", "0"}), bulk("b"));
    EXPECT_EQ(sink.commands,
              (std::vector<std::string>{"LMOVE src dst LEFT RIGHT", "RPOPLPUSH src dst"}));
    EXPECT_EQ(run({"LRANGE", "dst", "0", "-1"}), "*2\r\n" + bulk("b") + bulk("a"));
}

TEST_F(BlockingCommandTest, WrongTypeAsRedis) {
    given({"SET", "s", "v"});
    given({"RPUSH", "l", "x"});
    EXPECT_EQ(run({"BLPOP", "s", "l", "0"}), wrong_type);
    EXPECT_EQ(run({"BLPOP", "l", "s", "0"}), pair("l", "x"));  // served before reaching s
    given({"RPUSH", "l", "y"});
    EXPECT_EQ(run({"BLMOVE", "s", "l", "LEFT", "LEFT", "0"}), wrong_type);
    EXPECT_EQ(run({"BLMOVE", "l", "s", "LEFT", "LEFT", "0"}), wrong_type);
    EXPECT_EQ(run({"BRPOPLPUSH", "s", "l", "0"}), wrong_type);
}

TEST_F(BlockingCommandTest, TimeoutErrorsAsRedis) {
    EXPECT_EQ(run({"BLPOP", "k", "x"}), not_float);
    EXPECT_EQ(run({"BLPOP", "k", ""}), not_float);
    EXPECT_EQ(run({"BLPOP", "k", "nan"}), not_float);
    EXPECT_EQ(run({"BLPOP", "k", "-1"}), negative);
    EXPECT_EQ(run({"BRPOP", "k", "inf"}), negative);   // Redis 7.0.15's cast wraps
    EXPECT_EQ(run({"BRPOP", "k", "1e30"}), negative);  // likewise
    EXPECT_EQ(run({"BLMOVE", "a", "b", "UP", "LEFT", "x"}), error("ERR syntax error"));
    EXPECT_EQ(run({"BLMOVE", "a", "b", "LEFT", "LEFT", "x"}), not_float);
    EXPECT_EQ(run({"BRPOPLPUSH", "a", "b", "-0.5"}), negative);
    EXPECT_EQ(run({"BLPOP", "k"}), error("ERR wrong number of arguments for 'blpop' command"));
    EXPECT_FALSE(session.blocked);
}

TEST_F(BlockingCommandTest, EmptyKeysBlockWithAnAbsoluteDeadline) {
    EXPECT_EQ(run({"BLPOP", "a", "b", "2.5"}), "");
    EXPECT_EQ(last_outcome, cmd::Outcome::blocked);
    ASSERT_TRUE(session.blocked);
    EXPECT_EQ(session.blocked->keys, (std::vector<std::string>{"a", "b"}));
    ASSERT_TRUE(session.blocked->deadline);
    EXPECT_EQ(*session.blocked->deadline, clock.now() + std::chrono::milliseconds{2500});
    EXPECT_EQ(session.blocked->argv, (std::vector<std::string>{"BLPOP", "a", "b", "2.5"}));
    EXPECT_TRUE(sink.commands.empty());

    std::string out;
    dispatcher.time_out_blocked(session, out);
    EXPECT_EQ(out, "*-1\r\n");
    EXPECT_FALSE(session.blocked);

    EXPECT_EQ(run({"BLMOVE", "a", "b", "LEFT", "LEFT", "0"}), "");
    ASSERT_TRUE(session.blocked);
    EXPECT_FALSE(session.blocked->deadline);  // 0: for ever
    EXPECT_EQ(session.blocked->keys, (std::vector<std::string>{"a"}));
    out.clear();
    dispatcher.time_out_blocked(session, out);
    EXPECT_EQ(out, "$-1\r\n");
}

TEST_F(BlockingCommandTest, RetryAfterAPushServesAndKeepsTheDeadlineOtherwise) {
    EXPECT_EQ(run({"BRPOP", "q", "1"}), "");
    const auto deadline = session.blocked->deadline;
    std::string out;
    EXPECT_EQ(dispatcher.retry_blocked(session, out), cmd::Outcome::blocked);  // still empty
    EXPECT_EQ(session.blocked->deadline, deadline);
    EXPECT_EQ(out, "");

    cmd::Session pusher;
    pusher.id = 8;
    pusher.authenticated = true;
    (void)run_as(pusher, {"RPUSH", "q", "x", "y"});
    EXPECT_EQ(state.db.take_ready_keys(), (std::vector<std::string>{"q"}));
    sink.commands.clear();
    EXPECT_EQ(dispatcher.retry_blocked(session, out), cmd::Outcome::replied);
    EXPECT_EQ(out, pair("q", "y"));
    EXPECT_FALSE(session.blocked);
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"RPOP q"}));
}

TEST_F(BlockingCommandTest, AReplaySessionGetsTheTimeoutReplyAtOnce) {
    cmd::Session replay;
    replay.kind = cmd::ClientKind::replay;
    EXPECT_EQ(run_as(replay, {"BLPOP", "a", "0"}), "*-1\r\n");
    EXPECT_EQ(last_outcome, cmd::Outcome::replied);
    EXPECT_EQ(run_as(replay, {"BLMOVE", "a", "b", "LEFT", "RIGHT", "0"}), "$-1\r\n");
    EXPECT_EQ(run_as(replay, {"BRPOPLPUSH", "a", "b", "1"}), "$-1\r\n");
    EXPECT_FALSE(replay.blocked);
}

TEST_F(BlockingCommandTest, Resp3TimeoutIsNull) {
    use_resp3();
    EXPECT_EQ(run({"BLPOP", "a", "1"}), "");
    std::string out;
    dispatcher.time_out_blocked(session, out);
    EXPECT_EQ(out, "_\r\n");
}

}  // namespace
