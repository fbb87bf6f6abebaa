// In-process tests of active expiry, Redis's activeExpireCycle: loops of 20 sampled keys while
// more than 10% expired, a time budget checked every 16 loops, and work that depends on the
// expired keys, not on the size of the keyspace. No test measures wall time.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/database.hpp"
#include "cmd_harness.hpp"
#include "store/clock.hpp"

namespace {

using namespace std::chrono_literals;
using cmd::ActiveExpireStats;
using cmd::Database;

// Far more than any cycle below needs: the loops, not the clock, end these cycles.
constexpr std::chrono::microseconds unlimited = 10s;
constexpr std::chrono::microseconds none = 0us;

// The most keys one loop may look at: 20, plus the rest of the last bucket it started.
constexpr std::size_t max_keys_per_loop = Database::active_expire_keys_per_loop + 10;

class ActiveExpireTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    Database db{clock};

    // Keys key:0 .. key:count-1, each with a deadline, which has passed for every `stride`-th
    // key (stride 1: all of them; 0: none).
    void fill(std::size_t count, std::size_t stride) {
        auto& keyspace = db.keyspace();
        for (std::size_t i = 0; i < count; ++i) {
            const bool past = stride != 0 && i % stride == 0;
            keyspace.set("key:" + std::to_string(i), "v", clock.now() + (past ? 1ms : 1h));
        }
        clock.advance(2ms);
    }
};

TEST_F(ActiveExpireTest, DoesNothingWithoutKeysThatCanExpire) {
    db.keyspace().set("plain", "v");
    const ActiveExpireStats cycle = db.active_expire(unlimited);
    EXPECT_EQ(cycle.loops, 0u);
    EXPECT_EQ(cycle.keys_checked, 0u);
}

TEST_F(ActiveExpireTest, StopsAfterOneLoopWhenNoKeyExpired) {
    fill(1000, 0);
    const ActiveExpireStats cycle = db.active_expire(unlimited);
    EXPECT_EQ(cycle.loops, 1u);
    EXPECT_GE(cycle.keys_checked, Database::active_expire_keys_per_loop);
    EXPECT_LE(cycle.keys_checked, max_keys_per_loop);
    EXPECT_EQ(cycle.keys_expired, 0u);
    EXPECT_FALSE(cycle.stopped_for_time);
}

TEST_F(ActiveExpireTest, StopsEarlyWhenAtMostTenPercentExpired) {
    // Every 20th key expired: 5%, under the 10% that makes Redis loop again. Each cycle is one
    // loop or a few (a sample may by chance hold more), never a walk of the keyspace.
    fill(10'000, 20);
    for (int call = 0; call < 50; ++call) {
        const ActiveExpireStats cycle = db.active_expire(unlimited);
        EXPECT_LE(cycle.loops, 4u);
        EXPECT_LE(cycle.keys_checked, 4 * max_keys_per_loop);
        EXPECT_FALSE(cycle.stopped_for_time);
    }
}

TEST_F(ActiveExpireTest, LoopsWhileMoreThanTenPercentExpired) {
    fill(1000, 1);  // every key expired: every loop finds 100%
    const ActiveExpireStats cycle = db.active_expire(unlimited);
    EXPECT_EQ(cycle.keys_expired, 1000u);
    EXPECT_EQ(cycle.keys_checked, 1000u);
    EXPECT_GE(cycle.loops, 1000u / max_keys_per_loop);
    EXPECT_FALSE(cycle.stopped_for_time);
    EXPECT_EQ(db.keyspace().size(), 0u);
    EXPECT_EQ(db.stats.expired_keys, 1000u);
}

TEST_F(ActiveExpireTest, ASpentBudgetBoundsTheWorkAndLaterCyclesFinishIt) {
    // The budget is read every 16 loops: a zero budget stops a cycle after exactly 16.
    fill(10'000, 1);
    std::size_t calls = 0;
    while (db.keyspace().expiring_count() > 0) {
        const ActiveExpireStats cycle = db.active_expire(none);
        EXPECT_LE(cycle.loops, Database::active_expire_loops_per_time_check);
        EXPECT_LE(cycle.keys_checked,
                  Database::active_expire_loops_per_time_check * max_keys_per_loop);
        if (cycle.loops == Database::active_expire_loops_per_time_check) {
            EXPECT_TRUE(cycle.stopped_for_time);
        }
        ASSERT_LE(++calls, 10'000u / (16 * 20) + 5);
    }
    EXPECT_EQ(db.keyspace().size(), 0u);
    EXPECT_EQ(db.stats.expired_keys, 10'000u);
}

TEST_F(ActiveExpireTest, AMillionKeysWithOnePercentExpiredCostAFewLoopsPerCycle) {
    // Lab 5's first active expiry walked all 1,000,000 keys on every call. Sampling looks at
    // about 20 per loop; with 1% expired a loop rarely finds more than 10%, so a cycle is one
    // loop or two.
    fill(1'000'000, 100);
    std::size_t checked = 0;
    std::size_t expired = 0;
    for (int call = 0; call < 100; ++call) {
        const ActiveExpireStats cycle = db.active_expire(unlimited);
        EXPECT_LE(cycle.keys_checked, 4 * max_keys_per_loop) << "call " << call;
        EXPECT_FALSE(cycle.stopped_for_time);
        checked += cycle.keys_checked;
        expired += cycle.keys_expired;
    }
    EXPECT_LE(checked, 100 * 2 * max_keys_per_loop);
    EXPECT_LE(expired, checked / 10);  // about 1% of what was looked at
    EXPECT_EQ(db.keyspace().size(), 1'000'000u - expired);
}

TEST_F(ActiveExpireTest, EveryExpiredKeyIsReportedOnce) {
    std::vector<std::string> reported;
    db.set_expired_listener([&](std::string_view key) { reported.emplace_back(key); });
    fill(500, 2);  // 250 expired
    while (db.active_expire(unlimited).keys_expired > 0) {
    }
    // What is left under 10% stale waits for later cycles or a read: read every key.
    for (std::size_t i = 0; i < 500; ++i)
        (void)db.expire_if_needed("key:" + std::to_string(i));
    EXPECT_EQ(reported.size(), 250u);
    EXPECT_EQ(std::set<std::string>(reported.begin(), reported.end()).size(), 250u);
    EXPECT_EQ(db.keyspace().size(), 250u);
}

// Through the Dispatcher: the cycle runs with the clock frozen and each key becomes a DEL.
class ActiveExpirePropagationTest : public cmd_test::CommandTest {};

TEST_F(ActiveExpirePropagationTest, EachActivelyExpiredKeyIsPropagatedAsDel) {
    for (int i = 0; i < 100; ++i)
        given({"SET", "k" + std::to_string(i), "v", "PX", "10"});
    given({"SET", "kept", "v", "PX", "1000"});
    sink.commands.clear();
    clock.advance(20ms);
    const ActiveExpireStats cycle = dispatcher.active_expire(unlimited);
    EXPECT_EQ(cycle.keys_expired, 100u);
    std::vector<std::string> deleted = sink.commands;
    std::sort(deleted.begin(), deleted.end());
    std::vector<std::string> expected;
    for (int i = 0; i < 100; ++i)
        expected.push_back("DEL k" + std::to_string(i));
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(deleted, expected);
    EXPECT_EQ(state.db.stats.expired_keys, 100u);
    EXPECT_EQ(run({"EXISTS", "kept"}), ":1\r\n");
}

}  // namespace
