// Exercise 2.3, RENAME in the store: Keyspace::rename(from, to) moves a live key's value and
// deadline to a new name, replacing whatever `to` held, and returns false (changing nothing)
// when `from` is missing or expired. The expiry index must follow the key: it points at the
// key's string inside its node, and is hashed by that string.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

using namespace std::chrono_literals;

class RenameTest : public testing::Test {
protected:
    // Every test ends with the running memory figure equal to a full recount, which also
    // counts an index entry left behind by a key that moved.
    void TearDown() override { EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes()); }

    store::ManualClock clock;
    store::Keyspace keyspace{clock};
};

TEST_F(RenameTest, MovesTheValueAndTheDeadline) {
    const store::TimePoint deadline = clock.now() + 10s;
    keyspace.set("old", "value", deadline);
    ASSERT_TRUE(keyspace.rename("old", "a key long enough to live on the heap"));
    EXPECT_FALSE(keyspace.exists("old"));
    EXPECT_EQ(keyspace.get("a key long enough to live on the heap"), "value");
    EXPECT_EQ(keyspace.deadline("a key long enough to live on the heap"), deadline);
    EXPECT_EQ(keyspace.size(), 1u);
    EXPECT_EQ(keyspace.expiring_count(), 1u);
}

TEST_F(RenameTest, TheRenamedKeyStillExpiresAtItsDeadline) {
    keyspace.set("old", "value", clock.now() + 10s);
    ASSERT_TRUE(keyspace.rename("old", "new"));
    clock.advance(10s);
    EXPECT_TRUE(keyspace.exists("new")) << "alive at its deadline";
    clock.advance(1ms);
    const store::ExpireSample sample = keyspace.expire_some(20);
    EXPECT_EQ(sample.expired, 1u) << "active expiry finds the key under its new name";
    EXPECT_EQ(keyspace.size(), 0u);
    EXPECT_EQ(keyspace.expiring_count(), 0u);
}

TEST_F(RenameTest, ReplacesTheDestinationAndItsDeadline) {
    keyspace.set("from", "new value");
    keyspace.set("to", "old value", clock.now() + 5s);
    ASSERT_TRUE(keyspace.rename("from", "to"));
    EXPECT_EQ(keyspace.get("to"), "new value");
    EXPECT_EQ(keyspace.deadline("to"), std::nullopt) << "the source had no deadline";
    EXPECT_EQ(keyspace.size(), 1u);
    EXPECT_EQ(keyspace.expiring_count(), 0u);
}

TEST_F(RenameTest, AMissingOrExpiredSourceChangesNothing) {
    keyspace.set("to", "kept", clock.now() + 5s);
    EXPECT_FALSE(keyspace.rename("nope", "to"));
    keyspace.set("gone", "soon", clock.now() + 1s);
    clock.advance(2s);
    EXPECT_FALSE(keyspace.rename("gone", "to"));
    EXPECT_EQ(keyspace.get("to"), "kept");
    EXPECT_FALSE(keyspace.exists("gone"));
    EXPECT_EQ(keyspace.expiring_count(), 1u);
}

TEST_F(RenameTest, RenamingAKeyToItselfKeepsIt) {
    const store::TimePoint deadline = clock.now() + 10s;
    keyspace.set("same", "value", deadline);
    EXPECT_TRUE(keyspace.rename("same", "same"));
    EXPECT_EQ(keyspace.get("same"), "value");
    EXPECT_EQ(keyspace.deadline("same"), deadline);
    EXPECT_EQ(keyspace.expiring_count(), 1u);
}

TEST_F(RenameTest, ManyRenamesKeepTheIndexExact) {
    for (int i = 0; i < 200; ++i)
        keyspace.set("key:" + std::to_string(i), "v", clock.now() + std::chrono::seconds{i + 1});
    for (int i = 0; i < 200; i += 2)
        ASSERT_TRUE(keyspace.rename("key:" + std::to_string(i), "renamed:" + std::to_string(i)));
    EXPECT_EQ(keyspace.size(), 200u);
    EXPECT_EQ(keyspace.expiring_count(), 200u);
    for (int i = 0; i < 200; i += 2) {
        EXPECT_EQ(keyspace.deadline("renamed:" + std::to_string(i)),
                  clock.now() + std::chrono::seconds{i + 1});
    }
    clock.advance(100s + 1ms);  // keys 0 .. 99 have expired, whatever their name
    std::size_t expired = 0;
    for (int call = 0; call < 100 && keyspace.size() > 100; ++call)
        expired += keyspace.expire_some(20).expired;
    EXPECT_EQ(expired, 100u);
    EXPECT_EQ(keyspace.expiring_count(), 100u);
}

}  // namespace
