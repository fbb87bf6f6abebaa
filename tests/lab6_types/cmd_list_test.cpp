// In-process tests of the list family: every command's replies and errors byte for byte as
// Redis 7.0.15 sends them, RESP3 nulls, WRONGTYPE, the deletion of an emptied list, and what is
// propagated. Introduced in lab 6.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "cmd/families.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;

const std::string wrong_type =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string not_integer = error("ERR value is not an integer or out of range");
const std::string syntax = error("ERR syntax error");
const std::string empty_array = "*0\r\n";
const std::string null_array = "*-1\r\n";
const std::string resp3_null = "_\r\n";

cmd::CommandTable list_commands() {
    auto table = cmd::lab5_commands();
    cmd::register_list_family(table);
    return table;
}

// An array of bulk strings: array({"a", "b"}) is "*2\r\n$1\r\na\r\n$1\r\nb\r\n".
std::string array(std::initializer_list<std::string_view> elements) {
    std::string out = "*" + std::to_string(elements.size()) + "\r\n";
    for (const std::string_view element : elements)
        out += bulk(element);
    return out;
}

// An array of integers.
std::string integers(std::initializer_list<long long> values) {
    std::string out = "*" + std::to_string(values.size()) + "\r\n";
    for (const long long value : values)
        out += integer(value);
    return out;
}

class ListCommandTest : public CommandTest {
public:
    ListCommandTest() : CommandTest(list_commands()) {}

    // After every test: the keyspace's memory estimate never drifted.
    void TearDown() override {
        EXPECT_EQ(state.db.keyspace().used_bytes(), state.db.keyspace().recount_used_bytes());
    }
};

TEST_F(ListCommandTest, PushesReturnTheLengthInRedisOrder) {
    EXPECT_EQ(run({"LPUSH", "l", "a", "b", "c"}), integer(3));
    EXPECT_EQ(run({"RPUSH", "l", "d"}), integer(4));
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"c", "b", "a", "d"}));
    EXPECT_EQ(run({"TYPE", "l"}), "+list\r\n");
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LPUSH l a b c", "RPUSH l d"}));
}

TEST_F(ListCommandTest, PushxOnlyPushesToAnExistingList) {
    EXPECT_EQ(run({"LPUSHX", "l", "a"}), integer(0));
    EXPECT_EQ(run({"RPUSHX", "l", "a", "b"}), integer(0));
    EXPECT_EQ(run({"EXISTS", "l"}), integer(0));
    EXPECT_TRUE(sink.commands.empty());
    given({"RPUSH", "l", "x"});
    EXPECT_EQ(run({"LPUSHX", "l", "a", "b"}), integer(3));
    EXPECT_EQ(run({"RPUSHX", "l", "z"}), integer(4));
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"b", "a", "x", "z"}));
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LPUSHX l a b", "RPUSHX l z"}));
}

TEST_F(ListCommandTest, PushesSignalTheKeyForBlockedClients) {
    (void)state.db.take_ready_keys();
    given({"RPUSH", "l", "a"});
    given({"LPUSHX", "missing", "a"});
    EXPECT_EQ(state.db.take_ready_keys(), (std::vector<std::string>{"l"}));
}

TEST_F(ListCommandTest, PopWithoutCountRepliesOneBulkOrNil) {
    EXPECT_EQ(run({"LPOP", "l"}), null);
    EXPECT_EQ(run({"RPOP", "l"}), null);
    given({"RPUSH", "l", "a", "b", "c"});
    EXPECT_EQ(run({"LPOP", "l"}), bulk("a"));
    EXPECT_EQ(run({"RPOP", "l"}), bulk("c"));
    EXPECT_EQ(run({"RPOP", "l"}), bulk("b"));
    EXPECT_EQ(run({"EXISTS", "l"}), integer(0));  // the emptied list is gone
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LPOP l", "RPOP l", "RPOP l"}));
}

TEST_F(ListCommandTest, PopWithCountRepliesAnArray) {
    EXPECT_EQ(run({"LPOP", "l", "2"}), null_array);
    given({"RPUSH", "l", "a", "b", "c", "d"});
    EXPECT_EQ(run({"LPOP", "l", "0"}), empty_array);
    EXPECT_TRUE(sink.commands.empty());  // nothing changed, nothing propagated
    EXPECT_EQ(run({"LPOP", "l", "2"}), array({"a", "b"}));
    EXPECT_EQ(run({"RPOP", "l", "5"}), array({"d", "c"}));
    EXPECT_EQ(run({"EXISTS", "l"}), integer(0));
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LPOP l 2", "RPOP l 5"}));
}

TEST_F(ListCommandTest, PopCountMustBeANonNegativeInteger) {
    const std::string must_be_positive = error("ERR value is out of range, must be positive");
    given({"SET", "s", "v"});
    EXPECT_EQ(run({"LPOP", "l", "-1"}), must_be_positive);
    EXPECT_EQ(run({"RPOP", "l", "x"}), must_be_positive);
    EXPECT_EQ(run({"LPOP", "s", "-1"}), must_be_positive);  // checked before the type
    EXPECT_EQ(run({"LPOP", "s", "0"}), wrong_type);
    EXPECT_EQ(run({"LPOP", "l", "1", "2"}),
              error("ERR wrong number of arguments for 'lpop' command"));
}

TEST_F(ListCommandTest, Resp3NullsForMissingKeys) {
    use_resp3();
    EXPECT_EQ(run({"LPOP", "l"}), resp3_null);
    EXPECT_EQ(run({"RPOP", "l", "1"}), resp3_null);
    EXPECT_EQ(run({"LINDEX", "l", "0"}), resp3_null);
    EXPECT_EQ(run({"LPOS", "l", "a"}), resp3_null);
    EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "0"}), empty_array);
    EXPECT_EQ(run({"LMOVE", "l", "d", "LEFT", "RIGHT"}), resp3_null);
    EXPECT_EQ(run({"RPOPLPUSH", "l", "d"}), resp3_null);
    given({"RPUSH", "l", "a"});
    EXPECT_EQ(run({"LINDEX", "l", "5"}), resp3_null);
    EXPECT_EQ(run({"LPOS", "l", "z"}), resp3_null);
}

TEST_F(ListCommandTest, LlenLrangeLindex) {
    EXPECT_EQ(run({"LLEN", "l"}), integer(0));
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), empty_array);
    EXPECT_EQ(run({"LINDEX", "l", "0"}), null);
    EXPECT_EQ(run({"LINDEX", "l", "x"}), null);  // the key is looked up before the index
    given({"RPUSH", "l", "a", "b", "c"});
    EXPECT_EQ(run({"LLEN", "l"}), integer(3));
    EXPECT_EQ(run({"LRANGE", "l", "-2", "100"}), array({"b", "c"}));
    EXPECT_EQ(run({"LRANGE", "l", "2", "1"}), empty_array);
    EXPECT_EQ(run({"LRANGE", "l", "5", "6"}), empty_array);
    EXPECT_EQ(run({"LRANGE", "l", "0", "x"}), not_integer);
    EXPECT_EQ(run({"LRANGE", "missing", "x", "1"}), not_integer);
    EXPECT_EQ(run({"LINDEX", "l", "-1"}), bulk("c"));
    EXPECT_EQ(run({"LINDEX", "l", "3"}), null);
    EXPECT_EQ(run({"LINDEX", "l", "x"}), not_integer);
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(ListCommandTest, Lset) {
    EXPECT_EQ(run({"LSET", "l", "0", "a"}), error("ERR no such key"));
    EXPECT_EQ(run({"LSET", "l", "x", "a"}), error("ERR no such key"));
    given({"RPUSH", "l", "a", "b"});
    EXPECT_EQ(run({"LSET", "l", "-1", "z"}), ok);
    EXPECT_EQ(run({"LSET", "l", "2", "z"}), error("ERR index out of range"));
    EXPECT_EQ(run({"LSET", "l", "x", "z"}), not_integer);
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"a", "z"}));
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LSET l -1 z"}));
}

TEST_F(ListCommandTest, Linsert) {
    EXPECT_EQ(run({"LINSERT", "l", "MIDDLE", "a", "b"}), syntax);
    EXPECT_EQ(run({"LINSERT", "l", "BEFORE", "a", "b"}), integer(0));
    given({"RPUSH", "l", "a", "c"});
    EXPECT_EQ(run({"LINSERT", "l", "before", "c", "b"}), integer(3));
    EXPECT_EQ(run({"LINSERT", "l", "AFTER", "c", "d"}), integer(4));
    EXPECT_EQ(run({"LINSERT", "l", "AFTER", "zz", "d"}), integer(-1));
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"a", "b", "c", "d"}));
    EXPECT_EQ(sink.commands,
              (std::vector<std::string>{"LINSERT l before c b", "LINSERT l AFTER c d"}));
}

TEST_F(ListCommandTest, Lrem) {
    EXPECT_EQ(run({"LREM", "l", "0", "a"}), integer(0));
    EXPECT_EQ(run({"LREM", "l", "x", "a"}), not_integer);
    given({"RPUSH", "l", "a", "b", "a", "c", "a"});
    EXPECT_EQ(run({"LREM", "l", "-2", "a"}), integer(2));
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"a", "b", "c"}));
    EXPECT_EQ(run({"LREM", "l", "0", "zz"}), integer(0));
    EXPECT_EQ(run({"LREM", "l", "1", "a"}), integer(1));
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LREM l -2 a", "LREM l 1 a"}));
    EXPECT_EQ(run({"LREM", "l", "0", "b"}), integer(1));
    EXPECT_EQ(run({"LREM", "l", "0", "c"}), integer(1));
    EXPECT_EQ(run({"EXISTS", "l"}), integer(0));
}

TEST_F(ListCommandTest, Ltrim) {
    EXPECT_EQ(run({"LTRIM", "l", "0", "1"}), ok);
    EXPECT_EQ(run({"LTRIM", "l", "x", "1"}), not_integer);
    given({"RPUSH", "l", "a", "b", "c", "d"});
    EXPECT_EQ(run({"LTRIM", "l", "0", "-1"}), ok);
    EXPECT_TRUE(sink.commands.empty());  // kept everything: nothing to propagate
    EXPECT_EQ(run({"LTRIM", "l", "1", "-2"}), ok);
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"b", "c"}));
    EXPECT_EQ(run({"LTRIM", "l", "5", "10"}), ok);
    EXPECT_EQ(run({"EXISTS", "l"}), integer(0));
    EXPECT_EQ(sink.commands, (std::vector<std::string>{"LTRIM l 1 -2", "LTRIM l 5 10"}));
}

TEST_F(ListCommandTest, Lpos) {
    EXPECT_EQ(run({"LPOS", "l", "a"}), null);
    EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "0"}), empty_array);
    given({"RPUSH", "l", "a", "b", "a", "c", "a"});
    EXPECT_EQ(run({"LPOS", "l", "a"}), integer(0));
    EXPECT_EQ(run({"LPOS", "l", "z"}), null);
    EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "2"}), integer(2));
    EXPECT_EQ(run({"LPOS", "l", "a", "rank", "-1"}), integer(4));
    EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "0"}), integers({0, 2, 4}));
    EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "-1", "COUNT", "2"}), integers({4, 2}));
    EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "0", "MAXLEN", "3"}), integers({0, 2}));
    EXPECT_EQ(run({"LPOS", "l", "z", "COUNT", "2"}), empty_array);
}

TEST_F(ListCommandTest, LposOptionErrorsComeBeforeTheKey) {
    given({"SET", "s", "v"});
    EXPECT_EQ(run({"LPOS", "s", "a", "RANK", "0"}),
              error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                    "second ... or use negative to start from the end of the list"));
    EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "x"}), not_integer);
    EXPECT_EQ(run({"LPOS", "l", "a", "RANK", "-9223372036854775808"}),
              error("ERR value is out of range, value must between -9223372036854775807 and "
                    "9223372036854775807"));
    EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "-1"}), error("ERR COUNT can't be negative"));
    EXPECT_EQ(run({"LPOS", "l", "a", "COUNT", "x"}), error("ERR COUNT can't be negative"));
    EXPECT_EQ(run({"LPOS", "l", "a", "MAXLEN", "-1"}), error("ERR MAXLEN can't be negative"));
    EXPECT_EQ(run({"LPOS", "l", "a", "FOO", "1"}), syntax);
    EXPECT_EQ(run({"LPOS", "l", "a", "RANK"}), syntax);
    EXPECT_EQ(run({"LPOS", "s", "a"}), wrong_type);
}

TEST_F(ListCommandTest, LmoveAndRpoplpush) {
    given({"RPUSH", "src", "a", "b", "c"});
    EXPECT_EQ(run({"LMOVE", "src", "dst", "LEFT", "RIGHT"}), bulk("a"));
    EXPECT_EQ(run({"LMOVE", "src", "dst", "right", "left"}), bulk("c"));
    EXPECT_EQ(run({"RPOPLPUSH", "src", "dst"}), bulk("b"));
    EXPECT_EQ(run({"EXISTS", "src"}), integer(0));
    EXPECT_EQ(run({"LRANGE", "dst", "0", "-1"}), array({"b", "c", "a"}));
    EXPECT_EQ(run({"RPOPLPUSH", "dst", "dst"}), bulk("a"));  // rotates
    EXPECT_EQ(run({"LRANGE", "dst", "0", "-1"}), array({"a", "b", "c"}));
    EXPECT_EQ(run({"LMOVE", "missing", "dst", "LEFT", "LEFT"}), null);
    EXPECT_EQ(run({"LMOVE", "src", "dst", "UP", "LEFT"}), syntax);
    EXPECT_EQ(sink.commands,
              (std::vector<std::string>{"LMOVE src dst LEFT RIGHT", "LMOVE src dst right left",
                                        "RPOPLPUSH src dst", "RPOPLPUSH dst dst"}));
}

TEST_F(ListCommandTest, LmoveChecksTheSourceBeforeTheDestination) {
    given({"SET", "s", "v"});
    given({"RPUSH", "l", "a"});
    EXPECT_EQ(run({"LMOVE", "missing", "s", "LEFT", "RIGHT"}), null);  // nil, not WRONGTYPE
    EXPECT_EQ(run({"LMOVE", "s", "missing", "LEFT", "RIGHT"}), wrong_type);
    EXPECT_EQ(run({"LMOVE", "l", "s", "LEFT", "RIGHT"}), wrong_type);
    EXPECT_EQ(run({"RPOPLPUSH", "l", "s"}), wrong_type);
    EXPECT_EQ(run({"LRANGE", "l", "0", "-1"}), array({"a"}));  // nothing was moved
    EXPECT_EQ(run({"EXISTS", "missing"}), integer(0));
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(ListCommandTest, EveryCommandRefusesAString) {
    given({"SET", "s", "v"});
    EXPECT_EQ(run({"LPUSH", "s", "a"}), wrong_type);
    EXPECT_EQ(run({"RPUSH", "s", "a"}), wrong_type);
    EXPECT_EQ(run({"LPUSHX", "s", "a"}), wrong_type);
    EXPECT_EQ(run({"RPUSHX", "s", "a"}), wrong_type);
    EXPECT_EQ(run({"LPOP", "s"}), wrong_type);
    EXPECT_EQ(run({"RPOP", "s", "1"}), wrong_type);
    EXPECT_EQ(run({"LLEN", "s"}), wrong_type);
    EXPECT_EQ(run({"LRANGE", "s", "0", "-1"}), wrong_type);
    EXPECT_EQ(run({"LINDEX", "s", "x"}), wrong_type);
    EXPECT_EQ(run({"LSET", "s", "x", "a"}), wrong_type);
    EXPECT_EQ(run({"LINSERT", "s", "BEFORE", "a", "b"}), wrong_type);
    EXPECT_EQ(run({"LINSERT", "s", "MIDDLE", "a", "b"}), syntax);
    EXPECT_EQ(run({"LREM", "s", "0", "a"}), wrong_type);
    EXPECT_EQ(run({"LTRIM", "s", "0", "1"}), wrong_type);
    EXPECT_EQ(run({"LPOS", "s", "a", "COUNT", "1"}), wrong_type);
    EXPECT_EQ(run({"GET", "s"}), bulk("v"));
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(ListCommandTest, CommandInfoShowsFlagsAndKeys) {
    const std::string lmove = run({"COMMAND", "INFO", "lmove"});
    EXPECT_NE(lmove.find("+write\r\n+denyoom\r\n"), std::string::npos) << lmove;
    EXPECT_NE(lmove.find(":5\r\n"), std::string::npos) << lmove;  // arity
    EXPECT_NE(lmove.find(":1\r\n:2\r\n:1\r\n"), std::string::npos) << lmove;
    const std::string llen = run({"COMMAND", "INFO", "llen"});
    EXPECT_NE(llen.find("+readonly\r\n+fast\r\n"), std::string::npos) << llen;
    EXPECT_EQ(run({"LLEN"}), error("ERR wrong number of arguments for 'llen' command"));
}

}  // namespace
