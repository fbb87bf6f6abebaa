// In-process tests of the string commands against a list or a set: each answers WRONGTYPE as
// Redis 7 does (MGET reads nil instead), SET overwrites any type, and TYPE names the type.
// Introduced in lab 6.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cmd_harness.hpp"
#include "store/keyspace.hpp"

namespace {

using namespace cmd_test;

const std::string wrong_type =
    error("WRONGTYPE Operation against a key holding the wrong kind of value");

// The fixture with a list under "l" and a set under "s", put in through the keyspace: the
// list and set commands are not there yet.
class WrongTypeTest : public CommandTest {
public:
    WrongTypeTest() {
        auto& keyspace = state.db.keyspace();
        {
            auto list = keyspace.edit<store::List>("l", store::Create::if_missing);
            list->push(store::End::tail, "a");
        }
        auto set = keyspace.edit<store::Set>("s", store::Create::if_missing);
        (void)set->insert("m");
    }
};

TEST_F(WrongTypeTest, StringCommandsRefuseAListOrASet) {
    for (const std::string_view key : {"l", "s"}) {
        SCOPED_TRACE(std::string{key});
        EXPECT_EQ(run({"GET", key}), wrong_type);
        EXPECT_EQ(run({"GETDEL", key}), wrong_type);
        EXPECT_EQ(run({"GETEX", key, "PX", "100"}), wrong_type);
        EXPECT_EQ(run({"GETRANGE", key, "0", "-1"}), wrong_type);
        EXPECT_EQ(run({"SETRANGE", key, "0", "x"}), wrong_type);
        EXPECT_EQ(run({"SETRANGE", key, "0", ""}), wrong_type);
        EXPECT_EQ(run({"APPEND", key, "x"}), wrong_type);
        EXPECT_EQ(run({"STRLEN", key}), wrong_type);
        EXPECT_EQ(run({"INCR", key}), wrong_type);
        EXPECT_EQ(run({"DECR", key}), wrong_type);
        EXPECT_EQ(run({"INCRBY", key, "2"}), wrong_type);
        EXPECT_EQ(run({"DECRBY", key, "2"}), wrong_type);
        EXPECT_EQ(run({"INCRBYFLOAT", key, "1.5"}), wrong_type);
        EXPECT_EQ(run({"SET", key, "v", "GET"}), wrong_type);
    }
    // Nothing was changed or propagated.
    EXPECT_EQ(run({"TYPE", "l"}), "+list\r\n");
    EXPECT_EQ(run({"TYPE", "s"}), "+set\r\n");
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(WrongTypeTest, ArgumentErrorsComeFirstWhereRedisChecksThemFirst) {
    EXPECT_EQ(run({"GETRANGE", "l", "x", "1"}),
              error("ERR value is not an integer or out of range"));
    EXPECT_EQ(run({"SETRANGE", "l", "-1", "x"}), error("ERR offset is out of range"));
    EXPECT_EQ(run({"INCRBY", "l", "x"}), error("ERR value is not an integer or out of range"));
    EXPECT_EQ(run({"GETEX", "l", "FOO"}), error("ERR syntax error"));
}

TEST_F(WrongTypeTest, MgetReadsNilForOtherTypes) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"MGET", "l", "k", "s", "missing"}), "*4\r\n" + null + bulk("v") + null + null);
}

TEST_F(WrongTypeTest, SetOverwritesAnyType) {
    EXPECT_EQ(run({"SET", "l", "v"}), ok);
    EXPECT_EQ(run({"GET", "l"}), bulk("v"));
    EXPECT_EQ(run({"MSET", "s", "w"}), ok);
    EXPECT_EQ(run({"TYPE", "s"}), "+string\r\n");
}

TEST_F(WrongTypeTest, KeyCommandsWorkOnAnyType) {
    EXPECT_EQ(run({"EXISTS", "l", "s"}), integer(2));
    EXPECT_EQ(run({"EXPIRE", "l", "100"}), integer(1));
    EXPECT_EQ(run({"TTL", "l"}), integer(100));
    EXPECT_EQ(run({"RENAME", "l", "l2"}), ok);
    EXPECT_EQ(run({"TYPE", "l2"}), "+list\r\n");
    EXPECT_EQ(run({"TTL", "l2"}), integer(100));
    EXPECT_EQ(run({"TYPE", "l"}), "+none\r\n");
    EXPECT_EQ(run({"SCAN", "0", "TYPE", "set"}), "*2\r\n" + bulk("0") + "*1\r\n" + bulk("s"));
    EXPECT_EQ(run({"DEL", "l2", "s"}), integer(2));
    EXPECT_EQ(state.db.keyspace().used_bytes(), state.db.keyspace().recount_used_bytes());
}

}  // namespace
