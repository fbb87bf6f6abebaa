// In-process tests of propagation: what reaches a PropagationSink after each write, rewritten
// to be deterministic (absolute deadlines, INCRBYFLOAT's result), nothing for a command that
// changed nothing, and DEL for every key that expired. Introduced in lab 5.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

class PropagationTest : public CommandTest {
public:
    // Runs a command and returns what it propagated.
    Lines propagated(std::initializer_list<std::string_view> argv) {
        sink.commands.clear();
        (void)run(argv);
        return sink.commands;
    }
    std::string at(std::chrono::milliseconds from_now) const {
        return std::to_string(now_ms() + from_now.count());
    }
};

TEST_F(PropagationTest, WritesArePropagatedVerbatim) {
    EXPECT_EQ(propagated({"SET", "k", "v"}), Lines{"SET k v"});
    EXPECT_EQ(propagated({"MSET", "a", "1", "b", "2"}), Lines{"MSET a 1 b 2"});
    EXPECT_EQ(propagated({"APPEND", "k", "w"}), Lines{"APPEND k w"});
    EXPECT_EQ(propagated({"INCR", "n"}), Lines{"INCR n"});
    EXPECT_EQ(propagated({"DEL", "a", "missing"}), Lines{"DEL a missing"});
    EXPECT_EQ(propagated({"RENAME", "b", "c"}), Lines{"RENAME b c"});
    EXPECT_EQ(propagated({"SET", "k", "v", "KEEPTTL"}), Lines{"SET k v KEEPTTL"});
}

TEST_F(PropagationTest, ReadsAndNoOpsAreNotPropagated) {
    given({"SET", "k", "v"});
    EXPECT_EQ(propagated({"GET", "k"}), Lines{});
    EXPECT_EQ(propagated({"DEL", "missing"}), Lines{});
    EXPECT_EQ(propagated({"SET", "k", "w", "NX"}), Lines{});
    EXPECT_EQ(propagated({"SETNX", "k", "w"}), Lines{});
    EXPECT_EQ(propagated({"EXPIRE", "missing", "10"}), Lines{});
    EXPECT_EQ(propagated({"PERSIST", "k"}), Lines{});
    EXPECT_EQ(propagated({"INCR", "k"}), Lines{});  // an error changes nothing
    EXPECT_EQ(propagated({"MSETNX", "k", "1"}), Lines{});
    EXPECT_EQ(propagated({"GETEX", "k"}), Lines{});
    EXPECT_EQ(propagated({"SETRANGE", "k", "0", ""}), Lines{});
}

TEST_F(PropagationTest, RelativeExpiriesBecomeAbsolute) {
    EXPECT_EQ(propagated({"SET", "k", "v", "EX", "10"}), Lines{"SET k v PXAT " + at(10s)});
    EXPECT_EQ(propagated({"SET", "k", "v", "PX", "1500", "NX"}), Lines{});
    EXPECT_EQ(propagated({"SET", "k", "v", "XX", "PX", "1500"}),
              Lines{"SET k v PXAT " + at(1500ms)});
    EXPECT_EQ(propagated({"SET", "k", "v", "EXAT", "1800000000"}),
              Lines{"SET k v PXAT 1800000000000"});
    EXPECT_EQ(propagated({"SETEX", "k", "10", "v"}), Lines{"SET k v PXAT " + at(10s)});
    EXPECT_EQ(propagated({"PSETEX", "k", "10", "v"}), Lines{"SET k v PXAT " + at(10ms)});
    EXPECT_EQ(propagated({"EXPIRE", "k", "10"}), Lines{"PEXPIREAT k " + at(10s)});
    EXPECT_EQ(propagated({"PEXPIRE", "k", "10"}), Lines{"PEXPIREAT k " + at(10ms)});
    EXPECT_EQ(propagated({"EXPIREAT", "k", "1800000000"}), Lines{"PEXPIREAT k 1800000000000"});
    EXPECT_EQ(propagated({"PEXPIREAT", "k", "1800000000001", "GT"}),
              Lines{"PEXPIREAT k 1800000000001 GT"});
}

TEST_F(PropagationTest, SetGetIsPropagatedWithoutGet) {
    EXPECT_EQ(propagated({"SET", "k", "v", "GET"}), Lines{"SET k v"});
    EXPECT_EQ(propagated({"SET", "k", "w", "get", "XX"}), Lines{"SET k w XX"});
    EXPECT_EQ(propagated({"SET", "k", "w", "GET", "EX", "5"}), Lines{"SET k w PXAT " + at(5s)});
}

TEST_F(PropagationTest, GetexAndGetdel) {
    given({"SET", "k", "v"});
    EXPECT_EQ(propagated({"GETEX", "k", "EX", "10"}), Lines{"PEXPIREAT k " + at(10s)});
    EXPECT_EQ(propagated({"GETEX", "k", "PERSIST"}), Lines{"PERSIST k"});
    EXPECT_EQ(propagated({"GETEX", "k", "PERSIST"}), Lines{});
    EXPECT_EQ(propagated({"GETEX", "k", "PXAT", "1"}), Lines{"DEL k"});
    given({"SET", "k", "v"});
    EXPECT_EQ(propagated({"GETDEL", "k"}), Lines{"DEL k"});
    EXPECT_EQ(propagated({"GETDEL", "k"}), Lines{});
}

TEST_F(PropagationTest, DeadlinesInThePastPropagateAsDel) {
    given({"SET", "k", "v"});
    EXPECT_EQ(propagated({"EXPIRE", "k", "-5"}), Lines{"DEL k"});
    given({"SET", "k", "v"});
    EXPECT_EQ(propagated({"PEXPIREAT", "k", "1"}), Lines{"DEL k"});
    EXPECT_EQ(propagated({"SET", "k", "v", "PXAT", "1"}), Lines{"DEL k"});
}

TEST_F(PropagationTest, IncrbyfloatPropagatesItsResult) {
    given({"SET", "f", "10.50"});
    EXPECT_EQ(propagated({"INCRBYFLOAT", "f", "0.1"}), Lines{"SET f 10.6 KEEPTTL"});
}

TEST_F(PropagationTest, FlushIsAlwaysPropagated) {
    EXPECT_EQ(propagated({"FLUSHDB"}), Lines{"FLUSHDB"});
    EXPECT_EQ(propagated({"FLUSHALL", "ASYNC"}), Lines{"FLUSHALL ASYNC"});
}

TEST_F(PropagationTest, LazilyExpiredKeysArePropagatedAsDelFirst) {
    given({"SET", "k", "v", "PX", "10"});
    clock.advance(11ms);
    EXPECT_EQ(propagated({"GET", "k"}), Lines{"DEL k"});
    EXPECT_EQ(state.db.stats.expired_keys, 1u);
    given({"SET", "k", "v", "PX", "10"});
    clock.advance(11ms);
    EXPECT_EQ(propagated({"SET", "k", "new"}), (Lines{"DEL k", "SET k new"}));
    given({"MSET", "a", "1", "b", "2"});
    given({"PEXPIRE", "b", "5"});
    clock.advance(6ms);
    EXPECT_EQ(propagated({"MSET", "a", "3", "b", "4"}), (Lines{"DEL b", "MSET a 3 b 4"}));
}

TEST_F(PropagationTest, ActivelyExpiredKeysArePropagatedAsDel) {
    given({"SET", "a", "1", "PX", "10"});
    given({"SET", "b", "1", "PX", "10"});
    given({"SET", "c", "1", "PX", "100"});
    given({"SET", "d", "1"});
    clock.advance(20ms);
    EXPECT_EQ(state.db.keyspace().size(), 4u);  // expired but not yet removed
    EXPECT_EQ(dispatcher.active_expire(1s).keys_expired, 2u);
    EXPECT_EQ(dispatcher.active_expire(1s).keys_expired, 0u);
    EXPECT_EQ(state.db.keyspace().size(), 2u);
    std::vector<std::string> deleted = sink.commands;
    std::sort(deleted.begin(), deleted.end());
    EXPECT_EQ(deleted, (Lines{"DEL a", "DEL b"}));
    EXPECT_EQ(state.db.stats.expired_keys, 2u);
    EXPECT_EQ(run({"GET", "c"}), bulk("1"));  // the clock runs again after active expiry
}

TEST_F(PropagationTest, ChangeCounterFeedsTheSavePoints) {
    EXPECT_EQ(state.db.changes_since_save(), 0u);
    given({"MSET", "a", "1", "b", "2"});
    given({"GET", "a"});
    EXPECT_EQ(state.db.changes_since_save(), 2u);
    state.db.mark_saved(state.db.changes());
    given({"DEL", "a", "b"});
    EXPECT_EQ(state.db.changes_since_save(), 2u);
}

TEST_F(PropagationTest, SinksCanBeRemoved) {
    dispatcher.remove_sink(sink);
    EXPECT_EQ(propagated({"SET", "k", "v"}), Lines{});
}

}  // namespace
