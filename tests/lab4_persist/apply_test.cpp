// Unit tests of apply(), lab 4's stand-in executor for the commands of the append-only file.
// Introduced in lab 4.
#include "persist/apply.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

using namespace std::chrono_literals;
using persist::ApplyStatus;

class ApplyTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};

    persist::ApplyResult run(std::vector<std::string_view> argv) {
        return persist::apply(keyspace, argv);
    }
};

TEST_F(ApplyTest, SetStoresAndPxatSetsAnAbsoluteDeadline) {
    EXPECT_EQ(run({"SET", "k", "v"}).status, ApplyStatus::ok);
    EXPECT_EQ(keyspace.get("k"), "v");
    EXPECT_EQ(run({"set", "k", "w", "pxat", "1700000005000"}).status, ApplyStatus::ok);
    EXPECT_EQ(keyspace.get("k"), "w");
    EXPECT_EQ(keyspace.deadline("k"), clock.now() + 5s);
    EXPECT_EQ(run({"SET", "k", "x"}).status, ApplyStatus::ok);  // SET drops the deadline
    EXPECT_FALSE(keyspace.deadline("k"));
}

TEST_F(ApplyTest, DelPexpireatAndPersist) {
    keyspace.set("a", "1");
    keyspace.set("b", "2");
    EXPECT_EQ(run({"PEXPIREAT", "a", "1700000001000"}).status, ApplyStatus::ok);
    EXPECT_EQ(keyspace.deadline("a"), clock.now() + 1s);
    EXPECT_EQ(run({"PERSIST", "a"}).status, ApplyStatus::ok);
    EXPECT_FALSE(keyspace.deadline("a"));
    EXPECT_EQ(run({"DEL", "a", "b", "missing"}).status, ApplyStatus::ok);
    EXPECT_EQ(keyspace.size(), 0u);
}

TEST_F(ApplyTest, ErrorsUseRedisWording) {
    EXPECT_EQ(run({"INCR", "k"}).message, "ERR unknown command 'INCR'");
    EXPECT_EQ(run({"INCR", "k"}).status, ApplyStatus::unknown_command);
    EXPECT_EQ(run({"SET", "k"}).message, "ERR wrong number of arguments for 'set' command");
    EXPECT_EQ(run({"SET", "k", "v", "EX"}).message, "ERR syntax error");
    EXPECT_EQ(run({"SET", "k", "v", "EX", "10"}).message, "ERR syntax error");
    EXPECT_EQ(run({"SET", "k", "v", "PXAT", "soon"}).message,
              "ERR value is not an integer or out of range");
    EXPECT_EQ(run({"SET", "k", "v", "PXAT", "0"}).message,
              "ERR invalid expire time in 'set' command");
    EXPECT_EQ(run({"PEXPIREAT", "k", "+5"}).status, ApplyStatus::invalid_arguments);
    EXPECT_EQ(run({"DEL"}).message, "ERR wrong number of arguments for 'del' command");
    EXPECT_EQ(run({"PERSIST", "a", "b"}).status, ApplyStatus::invalid_arguments);
    EXPECT_EQ(keyspace.size(), 0u);
}

}  // namespace
