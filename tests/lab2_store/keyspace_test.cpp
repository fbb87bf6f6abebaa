// Unit tests of store::Keyspace: CRUD, binary safety, expiry on a manual clock, and the memory
// estimate tracking every change.
#include "store/keyspace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/clock.hpp"
#include "store/memory_model.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

class KeyspaceTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};

    // Whatever happened, the running memory total equals a recount from scratch.
    void TearDown() override { EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes()); }
};

TEST_F(KeyspaceTest, StartsEmpty) {
    EXPECT_EQ(keyspace.size(), 0u);
    EXPECT_FALSE(keyspace.get("missing"));
    EXPECT_FALSE(keyspace.exists("missing"));
}

TEST_F(KeyspaceTest, SetThenGet) {
    keyspace.set("name", "redis");
    EXPECT_EQ(keyspace.get("name"), "redis");
    EXPECT_TRUE(keyspace.exists("name"));
    EXPECT_EQ(keyspace.size(), 1u);
}

TEST_F(KeyspaceTest, SetOverwritesWithoutAddingAKey) {
    keyspace.set("k", "short");
    keyspace.set("k", std::string(1000, 'x'));
    EXPECT_EQ(keyspace.get("k"), std::string(1000, 'x'));
    keyspace.set("k", "short again");
    EXPECT_EQ(keyspace.get("k"), "short again");
    EXPECT_EQ(keyspace.size(), 1u);
}

TEST_F(KeyspaceTest, DelRemovesAndReportsWhetherTheKeyExisted) {
    keyspace.set("k", "v");
    EXPECT_TRUE(keyspace.del("k"));
    EXPECT_FALSE(keyspace.get("k"));
    EXPECT_FALSE(keyspace.del("k"));
    EXPECT_FALSE(keyspace.del("never-there"));
    EXPECT_EQ(keyspace.size(), 0u);
}

TEST_F(KeyspaceTest, KeysAndValuesAreBinarySafe) {
    const std::string key = "a\0b\r\n\xff"s;
    const std::string value = "\0\0\x01\x80 end"s;
    keyspace.set(key, value);
    EXPECT_EQ(keyspace.get(key), value);
    EXPECT_FALSE(keyspace.get("a"));  // not the same key as the prefix before '\0'
    keyspace.set("a", "other");
    EXPECT_EQ(keyspace.get(key), value);
    EXPECT_EQ(keyspace.size(), 2u);
}

TEST_F(KeyspaceTest, EmptyKeyAndEmptyValueAreValid) {
    keyspace.set("", "");
    EXPECT_TRUE(keyspace.exists(""));
    EXPECT_EQ(keyspace.get(""), "");
}

TEST_F(KeyspaceTest, KeyIsAliveAtItsDeadlineAndGoneJustAfter) {
    keyspace.set("session", "data", clock.now() + 100ms);
    clock.advance(100ms);
    EXPECT_EQ(keyspace.get("session"), "data");  // like Redis: expired only when now > deadline
    clock.advance(1ms);
    EXPECT_FALSE(keyspace.get("session"));
    EXPECT_FALSE(keyspace.exists("session"));
}

TEST_F(KeyspaceTest, LazyExpiryRemovesTheKeyOnAccess) {
    keyspace.set("a", "1", clock.now() + 10ms);
    keyspace.set("b", "2");
    clock.advance(11ms);
    EXPECT_EQ(keyspace.size(), 2u);  // nothing has touched "a" yet
    EXPECT_FALSE(keyspace.exists("a"));
    EXPECT_EQ(keyspace.size(), 1u);  // the read removed it
}

TEST_F(KeyspaceTest, DelOfAnExpiredKeyReportsMissing) {
    keyspace.set("a", "1", clock.now() + 10ms);
    clock.advance(20ms);
    EXPECT_FALSE(keyspace.del("a"));
}

TEST_F(KeyspaceTest, SetDropsAnOldDeadline) {
    keyspace.set("k", "v", clock.now() + 10ms);
    keyspace.set("k", "v2");
    clock.advance(1h);
    EXPECT_EQ(keyspace.get("k"), "v2");
    EXPECT_FALSE(keyspace.deadline("k"));
}

TEST_F(KeyspaceTest, ExpireAtAndPersist) {
    EXPECT_FALSE(keyspace.expire_at("missing", clock.now()));
    keyspace.set("k", "v");
    EXPECT_FALSE(keyspace.persist("k"));  // no deadline to drop
    const auto deadline = clock.now() + 5s;
    EXPECT_TRUE(keyspace.expire_at("k", deadline));
    EXPECT_EQ(keyspace.deadline("k"), deadline);
    EXPECT_TRUE(keyspace.persist("k"));
    EXPECT_FALSE(keyspace.deadline("k"));
    clock.advance(10s);
    EXPECT_TRUE(keyspace.exists("k"));
}

TEST_F(KeyspaceTest, ExpiredListenerHearsEachLazyRemovalOnce) {
    std::vector<std::string> expired;
    keyspace.set_expired_listener([&](std::string_view key) { expired.emplace_back(key); });
    keyspace.set("e", "v", clock.now() + 1ms);
    keyspace.set("d", "v");
    keyspace.del("d");  // a deletion is not an expiry
    clock.advance(2ms);
    EXPECT_FALSE(keyspace.get("e"));
    EXPECT_FALSE(keyspace.exists("e"));  // already gone: not reported twice
    EXPECT_EQ(expired, std::vector<std::string>{"e"});
}

TEST_F(KeyspaceTest, ForEachSkipsExpiredKeysWithoutRemovingThem) {
    keyspace.set("live", "1");
    keyspace.set("dead", "2", clock.now() + 1ms);
    clock.advance(2ms);
    std::vector<std::string> seen;
    keyspace.for_each(
        [&](std::string_view key, const store::EntryView&) { seen.emplace_back(key); });
    EXPECT_EQ(seen, std::vector<std::string>{"live"});
    EXPECT_EQ(keyspace.size(), 2u);
}

TEST_F(KeyspaceTest, ClearRemovesEverything) {
    for (int i = 0; i < 100; ++i)
        keyspace.set("k" + std::to_string(i), "v");
    keyspace.clear();
    EXPECT_EQ(keyspace.size(), 0u);
    EXPECT_FALSE(keyspace.exists("k1"));
}

TEST_F(KeyspaceTest, ThousandKeysRoundTrip) {
    for (int i = 0; i < 1000; ++i) {
        keyspace.set("key:" + std::to_string(i), "value:" + std::to_string(i * 7));
    }
    EXPECT_EQ(keyspace.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(keyspace.get("key:" + std::to_string(i)), "value:" + std::to_string(i * 7));
    }
    for (int i = 0; i < 1000; i += 2)
        EXPECT_TRUE(keyspace.del("key:" + std::to_string(i)));
    EXPECT_EQ(keyspace.size(), 500u);
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(keyspace.exists("key:" + std::to_string(i)), i % 2 == 1) << i;
    }
}

// ---- memory accounting ----------------------------------------------------------------------

TEST_F(KeyspaceTest, EachSetAddsExactlyTheEntryCost) {
    const std::size_t empty = keyspace.used_bytes();
    keyspace.set("short", "tiny");
    const std::size_t one_short = keyspace.used_bytes();
    const std::size_t short_cost = store::Keyspace::entry_cost("short", {"tiny", std::nullopt});
    // The first insert may also allocate the bucket array, so compare only the entry part.
    EXPECT_GE(one_short - empty, short_cost);
    const std::size_t before = keyspace.used_bytes();
    const std::string long_value(1000, 'v');
    keyspace.set("a-key-longer-than-fifteen-bytes", long_value);
    EXPECT_EQ(
        keyspace.used_bytes() - before,
        store::Keyspace::entry_cost("a-key-longer-than-fifteen-bytes", {long_value, std::nullopt}));
}

TEST_F(KeyspaceTest, AShortStringCostsOnlyItsNode) {
    // Since lab 6 the node holds a std::variant; lists and sets keep their data behind a pointer,
    // and the deadline lives in the expiry index, not in the node.
    const std::size_t node = store::Keyspace::entry_cost("k", {"v", std::nullopt});
    EXPECT_EQ(node, store::malloc_chunk(sizeof(void*) +
                                        sizeof(std::pair<const std::string, store::Value>)));
    EXPECT_EQ(node, 96u);  // docs/lab2_store.md, "Where the memory goes"
}

TEST_F(KeyspaceTest, ADeadlineCostsOneIndexNode) {
    const std::size_t without = store::Keyspace::entry_cost("k", {"v", std::nullopt});
    const std::size_t with = store::Keyspace::entry_cost("k", {"v", clock.now()});
    // Link, pointer to the key, deadline: 24 bytes, a 32-byte malloc chunk.
    EXPECT_EQ(with - without, 32u);
}

TEST_F(KeyspaceTest, LongStringsCostTheirHeapBlocks) {
    const std::size_t inline_cost = store::Keyspace::entry_cost("k", {"v", std::nullopt});
    const std::size_t long_cost =
        store::Keyspace::entry_cost("k", {std::string(1000, 'x'), std::nullopt});
    // 1000 bytes + terminator + 8-byte malloc header = 1009, rounded up to 16: 1024 bytes.
    EXPECT_EQ(long_cost - inline_cost, 1024u);
}

TEST_F(KeyspaceTest, EstimateFollowsOverwriteDeleteAndExpiry) {
    keyspace.set("k", std::string(100, 'a'));
    const std::size_t with_one = keyspace.used_bytes();
    keyspace.set("k", std::string(5000, 'b'));
    EXPECT_GT(keyspace.used_bytes(), with_one + 4900);
    keyspace.set("k", "tiny");  // the buffer keeps its capacity: the estimate says so
    EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());
    keyspace.del("k");
    EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());

    keyspace.set("e", std::string(100, 'e'), clock.now() + 1ms);
    const std::size_t with_expiring = keyspace.used_bytes();
    clock.advance(2ms);
    EXPECT_FALSE(keyspace.exists("e"));
    EXPECT_LT(keyspace.used_bytes(), with_expiring);
}

TEST_F(KeyspaceTest, EstimateReturnsToBaselineWhenEveryKeyIsGone) {
    for (int i = 0; i < 1000; ++i)
        keyspace.set("key:" + std::to_string(i), std::string(64, 'x'));
    const std::size_t buckets_only =
        keyspace.used_bytes() -
        1000 * store::Keyspace::entry_cost("key:0", {std::string(64, 'x'), std::nullopt});
    for (int i = 0; i < 1000; ++i)
        keyspace.del("key:" + std::to_string(i));
    EXPECT_EQ(keyspace.used_bytes(), buckets_only);  // the bucket array is all that is left
}

}  // namespace
