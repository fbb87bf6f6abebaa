// In-process tests of the set family: every command's replies and errors as redis-server
// 7.0.15 gives them, WRONGTYPE in Redis's check order, empty sets deleted, the STORE forms,
// RESP3 sets, SPOP propagated as SREM, and SSCAN visiting every member. Introduced in lab 6.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/families.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;

const std::string wrong_type =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");
const std::string empty_array = "*0\r\n";

cmd::CommandTable set_commands() {
    cmd::CommandTable table = cmd::lab5_commands();
    cmd::register_set_family(table);
    return table;
}

// Reads one RESP2 array of bulk strings (`*N` then N `$len` bulks) starting at `position`,
// and moves `position` past it. Enough for the replies of this family.
std::vector<std::string> read_bulks(const std::string& reply, std::size_t& position) {
    auto read_line = [&] {
        const std::size_t end = reply.find("\r\n", position);
        std::string line = reply.substr(position, end - position);
        position = end + 2;
        return line;
    };
    const std::string header = read_line();
    EXPECT_TRUE(header[0] == '*' || header[0] == '~') << header;
    const std::size_t count = std::stoul(header.substr(1));
    std::vector<std::string> items;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t length = std::stoul(read_line().substr(1));
        items.push_back(reply.substr(position, length));
        position += length + 2;
    }
    return items;
}

// The members of an unordered reply, sorted.
std::vector<std::string> sorted(const std::string& reply) {
    std::size_t position = 0;
    auto items = read_bulks(reply, position);
    EXPECT_EQ(position, reply.size()) << reply;
    std::sort(items.begin(), items.end());
    return items;
}

using Members = std::vector<std::string>;

class SetCommandTest : public CommandTest {
public:
    SetCommandTest() : CommandTest(set_commands()) {}
};

TEST_F(SetCommandTest, SaddCountsNewMembersAndSremRemoves) {
    EXPECT_EQ(run({"SADD", "s", "a", "b", "a"}), integer(2));
    EXPECT_EQ(run({"SADD", "s", "b", "c"}), integer(1));
    EXPECT_EQ(sorted(run({"SMEMBERS", "s"})), (Members{"a", "b", "c"}));
    EXPECT_EQ(run({"SCARD", "s"}), integer(3));
    EXPECT_EQ(run({"SREM", "s", "a", "x", "a"}), integer(1));
    EXPECT_EQ(run({"SREM", "missing", "a"}), integer(0));
    EXPECT_EQ(run({"SCARD", "missing"}), integer(0));
    EXPECT_EQ(run({"SMEMBERS", "missing"}), empty_array);
    EXPECT_EQ(sink.commands, (Members{"SADD s a b a", "SADD s b c", "SREM s a x a"}));
}

TEST_F(SetCommandTest, NothingChangedNothingPropagated) {
    given({"SADD", "s", "a"});
    EXPECT_EQ(run({"SADD", "s", "a"}), integer(0));
    EXPECT_EQ(run({"SREM", "s", "zz"}), integer(0));
    EXPECT_EQ(run({"SMOVE", "s", "t", "zz"}), integer(0));
    EXPECT_EQ(run({"SINTERSTORE", "d", "s", "missing"}), integer(0));
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(SetCommandTest, AnEmptiedSetIsDeleted) {
    given({"SADD", "s", "a", "b"});
    EXPECT_EQ(run({"SREM", "s", "a", "b"}), integer(2));
    EXPECT_EQ(run({"EXISTS", "s"}), integer(0));
    given({"SADD", "s", "a"});
    EXPECT_EQ(run({"SPOP", "s"}), bulk("a"));
    EXPECT_EQ(run({"EXISTS", "s"}), integer(0));
    given({"SADD", "s", "a"});
    EXPECT_EQ(run({"SMOVE", "s", "t", "a"}), integer(1));
    EXPECT_EQ(run({"TYPE", "s"}), "+none\r\n");
    EXPECT_EQ(run({"SMEMBERS", "t"}), "*1\r\n" + bulk("a"));
    EXPECT_EQ(state.db.keyspace().used_bytes(), state.db.keyspace().recount_used_bytes());
}

TEST_F(SetCommandTest, Membership) {
    given({"SADD", "s", "a", "b"});
    EXPECT_EQ(run({"SISMEMBER", "s", "a"}), integer(1));
    EXPECT_EQ(run({"SISMEMBER", "s", "z"}), integer(0));
    EXPECT_EQ(run({"SISMEMBER", "missing", "a"}), integer(0));
    EXPECT_EQ(run({"SMISMEMBER", "s", "a", "z", "b"}), "*3\r\n:1\r\n:0\r\n:1\r\n");
    EXPECT_EQ(run({"SMISMEMBER", "missing", "a"}), "*1\r\n:0\r\n");
    use_resp3();  // integers, not booleans, as Redis 7
    EXPECT_EQ(run({"SMISMEMBER", "s", "a", "z"}), "*2\r\n:1\r\n:0\r\n");
}

TEST_F(SetCommandTest, EveryCommandRefusesAnotherType) {
    given({"SET", "str", "v"});
    given({"SADD", "s", "a"});
    EXPECT_EQ(run({"SADD", "str", "a"}), wrong_type);
    EXPECT_EQ(run({"SREM", "str", "a"}), wrong_type);
    EXPECT_EQ(run({"SMEMBERS", "str"}), wrong_type);
    EXPECT_EQ(run({"SISMEMBER", "str", "a"}), wrong_type);
    EXPECT_EQ(run({"SMISMEMBER", "str", "a"}), wrong_type);
    EXPECT_EQ(run({"SCARD", "str"}), wrong_type);
    EXPECT_EQ(run({"SPOP", "str"}), wrong_type);
    EXPECT_EQ(run({"SPOP", "str", "0"}), wrong_type);
    EXPECT_EQ(run({"SRANDMEMBER", "str"}), wrong_type);
    EXPECT_EQ(run({"SRANDMEMBER", "str", "2"}), wrong_type);
    EXPECT_EQ(run({"SSCAN", "str", "0", "COUNT", "0"}), wrong_type);  // type before options
    EXPECT_EQ(run({"SMOVE", "str", "s", "a"}), wrong_type);
    EXPECT_EQ(run({"SMOVE", "s", "str", "zz"}), wrong_type);
    // A missing source answers 0 before the destination's type is looked at.
    EXPECT_EQ(run({"SMOVE", "missing", "str", "a"}), integer(0));
    // The algebra checks every key before the shortcut for a missing one.
    EXPECT_EQ(run({"SINTER", "missing", "str"}), wrong_type);
    EXPECT_EQ(run({"SUNION", "s", "str"}), wrong_type);
    EXPECT_EQ(run({"SDIFF", "missing", "str"}), wrong_type);
    EXPECT_EQ(run({"SINTERSTORE", "d", "missing", "str"}), wrong_type);
    EXPECT_EQ(run({"SINTERCARD", "2", "missing", "str"}), wrong_type);
    EXPECT_EQ(run({"GET", "str"}), bulk("v"));
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(SetCommandTest, SpopWithoutCountIsPropagatedAsSrem) {
    given({"SADD", "s", "a", "b"});
    const std::string reply = run({"SPOP", "s"});
    const std::string member = reply == bulk("a") ? "a" : "b";
    EXPECT_EQ(reply, bulk(member));
    EXPECT_EQ(sink.commands, (Members{"SREM s " + member}));
    EXPECT_EQ(run({"SISMEMBER", "s", member}), integer(0));
    EXPECT_EQ(run({"SPOP", "missing"}), null);
}

TEST_F(SetCommandTest, SpopWithCountIsPropagatedAsSremOrDel) {
    given({"SADD", "s", "a", "b", "c", "d"});
    const Members popped = sorted(run({"SPOP", "s", "2"}));
    ASSERT_EQ(popped.size(), 2U);
    ASSERT_EQ(sink.commands.size(), 1U);
    EXPECT_EQ(sink.commands[0].substr(0, 7), "SREM s ");
    std::vector<std::string> propagated;
    std::size_t start = 7;
    while (start <= sink.commands[0].size()) {
        const std::size_t end =
            std::min(sink.commands[0].find(' ', start), sink.commands[0].size());
        propagated.push_back(sink.commands[0].substr(start, end - start));
        start = end + 1;
    }
    std::sort(propagated.begin(), propagated.end());
    EXPECT_EQ(propagated, popped);
    EXPECT_EQ(run({"SCARD", "s"}), integer(2));
    sink.commands.clear();
    // Popping what is left (or more) deletes the key, propagated as DEL.
    EXPECT_EQ(sorted(run({"SPOP", "s", "10"})).size(), 2U);
    EXPECT_EQ(sink.commands, (Members{"DEL s"}));
    EXPECT_EQ(run({"EXISTS", "s"}), integer(0));
}

TEST_F(SetCommandTest, SpopArguments) {
    given({"SADD", "s", "a"});
    const std::string must_be_positive = error("ERR value is out of range, must be positive");
    EXPECT_EQ(run({"SPOP", "s", "-1"}), must_be_positive);
    EXPECT_EQ(run({"SPOP", "s", "x"}), must_be_positive);
    EXPECT_EQ(run({"SPOP", "str", "-1"}), must_be_positive);  // before the lookup
    EXPECT_EQ(run({"SPOP", "s", "1", "2"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SPOP", "s", "0"}), empty_array);
    EXPECT_EQ(run({"SPOP", "missing", "3"}), empty_array);
    EXPECT_TRUE(sink.commands.empty());
    use_resp3();
    EXPECT_EQ(run({"SPOP", "s", "1"}), "~1\r\n" + bulk("a"));
    EXPECT_EQ(run({"SPOP", "missing"}), "_\r\n");
}

TEST_F(SetCommandTest, Srandmember) {
    given({"SADD", "s", "a", "b", "c"});
    const std::string one = run({"SRANDMEMBER", "s"});
    EXPECT_TRUE(one == bulk("a") || one == bulk("b") || one == bulk("c")) << one;
    EXPECT_EQ(sorted(run({"SRANDMEMBER", "s", "5"})), (Members{"a", "b", "c"}));
    EXPECT_EQ(sorted(run({"SRANDMEMBER", "s", "2"})).size(), 2U);
    const Members repeated = sorted(run({"SRANDMEMBER", "s", "-7"}));
    EXPECT_EQ(repeated.size(), 7U);
    EXPECT_TRUE(std::all_of(repeated.begin(), repeated.end(),
                            [](const std::string& m) { return m == "a" || m == "b" || m == "c"; }));
    EXPECT_EQ(run({"SRANDMEMBER", "s", "0"}), empty_array);
    EXPECT_EQ(run({"SRANDMEMBER", "missing"}), null);
    EXPECT_EQ(run({"SRANDMEMBER", "missing", "3"}), empty_array);
    EXPECT_EQ(run({"SRANDMEMBER", "s", "x"}), error("ERR value is not an integer or out of range"));
    EXPECT_EQ(run({"SRANDMEMBER", "s", "-9223372036854775808"}),
              error("ERR value is out of range, value must between -9223372036854775807 and "
                    "9223372036854775807"));
    EXPECT_EQ(run({"SRANDMEMBER", "s", "-9223372036854775807"}).substr(0, 26),
              "-ERR value is out of range");  // bounded: never a reply of 2^63 members
    EXPECT_EQ(run({"SRANDMEMBER", "s", "1", "2"}), error("ERR syntax error"));
    EXPECT_TRUE(sink.commands.empty());
    use_resp3();  // an array, not a set, even in RESP3: members may repeat
    EXPECT_EQ(run({"SRANDMEMBER", "s", "-2"}).substr(0, 4), "*2\r\n");
}

TEST_F(SetCommandTest, Smove) {
    given({"SADD", "src", "a", "b"});
    given({"SADD", "dst", "b"});
    EXPECT_EQ(run({"SMOVE", "src", "dst", "a"}), integer(1));
    EXPECT_EQ(run({"SMOVE", "src", "dst", "b"}), integer(1));  // already in dst
    EXPECT_EQ(run({"EXISTS", "src"}), integer(0));
    EXPECT_EQ(sorted(run({"SMEMBERS", "dst"})), (Members{"a", "b"}));
    EXPECT_EQ(run({"SMOVE", "dst", "dst", "a"}), integer(1));  // same key: a no-op
    EXPECT_EQ(run({"SMOVE", "dst", "dst", "z"}), integer(0));
    EXPECT_EQ(run({"SMOVE", "dst", "new", "a"}), integer(1));
    EXPECT_EQ(run({"SMEMBERS", "new"}), "*1\r\n" + bulk("a"));
    EXPECT_EQ(sink.commands, (Members{"SMOVE src dst a", "SMOVE src dst b", "SMOVE dst new a"}));
}

TEST_F(SetCommandTest, Algebra) {
    given({"SADD", "a", "1", "2", "3", "4"});
    given({"SADD", "b", "2", "3", "5"});
    given({"SADD", "c", "3", "6"});
    EXPECT_EQ(sorted(run({"SINTER", "a", "b"})), (Members{"2", "3"}));
    EXPECT_EQ(sorted(run({"SINTER", "a", "b", "c"})), (Members{"3"}));
    EXPECT_EQ(run({"SINTER", "a", "missing"}), empty_array);
    EXPECT_EQ(sorted(run({"SUNION", "a", "b", "missing"})), (Members{"1", "2", "3", "4", "5"}));
    EXPECT_EQ(sorted(run({"SDIFF", "a", "b", "c"})), (Members{"1", "4"}));
    EXPECT_EQ(sorted(run({"SDIFF", "a", "missing"})), (Members{"1", "2", "3", "4"}));
    EXPECT_EQ(run({"SDIFF", "missing", "a"}), empty_array);
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(SetCommandTest, StoreFormsReplaceTheDestination) {
    given({"SADD", "a", "1", "2", "3"});
    given({"SADD", "b", "2", "3", "4"});
    given({"SET", "d", "old", "EX", "100"});
    EXPECT_EQ(run({"SINTERSTORE", "d", "a", "b"}), integer(2));
    EXPECT_EQ(run({"TYPE", "d"}), "+set\r\n");
    EXPECT_EQ(run({"TTL", "d"}), integer(-1));  // the old TTL is dropped
    EXPECT_EQ(sorted(run({"SMEMBERS", "d"})), (Members{"2", "3"}));
    EXPECT_EQ(run({"SUNIONSTORE", "d", "a", "b"}), integer(4));
    EXPECT_EQ(run({"SDIFFSTORE", "d", "a", "b"}), integer(1));
    EXPECT_EQ(run({"SMEMBERS", "d"}), "*1\r\n" + bulk("1"));
    // The destination may be a source.
    EXPECT_EQ(run({"SUNIONSTORE", "a", "a", "b"}), integer(4));
    // An empty result deletes the destination.
    EXPECT_EQ(run({"SDIFFSTORE", "d", "missing", "a"}), integer(0));
    EXPECT_EQ(run({"EXISTS", "d"}), integer(0));
    EXPECT_EQ(sink.commands, (Members{"SINTERSTORE d a b", "SUNIONSTORE d a b", "SDIFFSTORE d a b",
                                      "SUNIONSTORE a a b", "SDIFFSTORE d missing a"}));
    EXPECT_EQ(state.db.keyspace().used_bytes(), state.db.keyspace().recount_used_bytes());
}

TEST_F(SetCommandTest, Sintercard) {
    given({"SADD", "a", "1", "2", "3"});
    given({"SADD", "b", "1", "2", "3", "4"});
    EXPECT_EQ(run({"SINTERCARD", "2", "a", "b"}), integer(3));
    EXPECT_EQ(run({"SINTERCARD", "2", "a", "b", "LIMIT", "2"}), integer(2));
    EXPECT_EQ(run({"SINTERCARD", "2", "a", "b", "limit", "0"}), integer(3));
    EXPECT_EQ(run({"SINTERCARD", "1", "a"}), integer(3));
    EXPECT_EQ(run({"SINTERCARD", "2", "a", "missing"}), integer(0));
    const std::string numkeys = error("ERR numkeys should be greater than 0");
    EXPECT_EQ(run({"SINTERCARD", "0", "a"}), numkeys);
    EXPECT_EQ(run({"SINTERCARD", "x", "a"}), numkeys);
    EXPECT_EQ(run({"SINTERCARD", "3", "a", "b"}),
              error("ERR Number of keys can't be greater than number of args"));
    EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT", "-1"}), error("ERR LIMIT can't be negative"));
    EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT", "x"}), error("ERR LIMIT can't be negative"));
    EXPECT_EQ(run({"SINTERCARD", "1", "a", "LIMIT"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SINTERCARD", "1", "a", "foo"}), error("ERR syntax error"));
}

TEST_F(SetCommandTest, Resp3RepliesSets) {
    given({"SADD", "s", "a"});
    use_resp3();
    EXPECT_EQ(run({"SMEMBERS", "s"}), "~1\r\n" + bulk("a"));
    EXPECT_EQ(run({"SMEMBERS", "missing"}), "~0\r\n");
    EXPECT_EQ(run({"SINTER", "s", "s"}), "~1\r\n" + bulk("a"));
    EXPECT_EQ(run({"SUNION", "s", "missing"}), "~1\r\n" + bulk("a"));
    EXPECT_EQ(run({"SDIFF", "s"}), "~1\r\n" + bulk("a"));
    EXPECT_EQ(run({"SPOP", "missing", "2"}), "~0\r\n");
    EXPECT_EQ(run({"SRANDMEMBER", "missing"}), "_\r\n");
}

TEST_F(SetCommandTest, SscanVisitsEveryMember) {
    std::set<std::string> expected;
    for (int i = 0; i < 200; ++i) {
        const std::string member = "m" + std::to_string(i);
        given({"SADD", "s", member});
        expected.insert(member);
    }
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        const std::string reply = run({"SSCAN", "s", cursor, "COUNT", "7"});
        ASSERT_EQ(reply.substr(0, 4), "*2\r\n");
        std::size_t position = 4;
        const std::size_t length_end = reply.find("\r\n", position);
        const std::size_t length =
            std::stoul(reply.substr(position + 1, length_end - position - 1));
        cursor = reply.substr(length_end + 2, length);
        position = length_end + 2 + length + 2;
        for (std::string& member : read_bulks(reply, position)) {
            EXPECT_TRUE(seen.insert(member).second) << "twice: " << member;
        }
        ASSERT_LT(++calls, 1000);
    } while (cursor != "0");
    EXPECT_EQ(seen, expected);
    EXPECT_GT(calls, 1);
}

TEST_F(SetCommandTest, SscanOptionsAndErrors) {
    given({"SADD", "s", "apple", "banana", "avocado"});
    const std::string reply = run({"SSCAN", "s", "0", "MATCH", "a*", "COUNT", "100"});
    std::size_t position = 0;
    ASSERT_EQ(reply.substr(0, 11), "*2\r\n$1\r\n0\r\n");
    position = 11;
    auto members = read_bulks(reply, position);
    std::sort(members.begin(), members.end());
    EXPECT_EQ(members, (Members{"apple", "avocado"}));
    EXPECT_EQ(run({"SSCAN", "missing", "0"}), "*2\r\n" + bulk("0") + empty_array);
    EXPECT_EQ(run({"SSCAN", "s", "x"}), error("ERR invalid cursor"));
    EXPECT_EQ(run({"SSCAN", "missing", "x"}), error("ERR invalid cursor"));
    EXPECT_EQ(run({"SSCAN", "s", "0", "COUNT", "0"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SSCAN", "s", "0", "COUNT", "x"}),
              error("ERR value is not an integer or out of range"));
    EXPECT_EQ(run({"SSCAN", "s", "0", "TYPE", "set"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SSCAN", "s", "0", "MATCH"}), error("ERR syntax error"));
}

TEST_F(SetCommandTest, ArityIsCheckedByTheDispatcher) {
    EXPECT_EQ(run({"SADD", "s"}), error("ERR wrong number of arguments for 'sadd' command"));
    EXPECT_EQ(run({"SMOVE", "a", "b"}), error("ERR wrong number of arguments for 'smove' command"));
    EXPECT_EQ(run({"SINTERCARD", "1"}),
              error("ERR wrong number of arguments for 'sintercard' command"));
}

}  // namespace
