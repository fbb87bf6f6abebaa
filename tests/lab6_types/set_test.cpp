// Unit tests of store::Set and its API: membership, random picks from a seeded generator, the
// set algebra with missing keys, and SSCAN's cursor; expectations are redis-server 7.0.15's.
#include "store/set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::string_literals;
using Strings = std::vector<std::string>;
using Inputs = std::vector<const store::Set*>;  // the keys of SINTER and friends; null = missing

store::Set make_set(std::initializer_list<std::string_view> members) {
    store::Set set;
    store::add(set, std::vector<std::string_view>(members));
    return set;
}

// A set's members, sorted, to compare with an expected list.
template <typename Range>
Strings sorted(const Range& members) {
    Strings result(members.begin(), members.end());
    std::sort(result.begin(), result.end());
    return result;
}

class SetTest : public ::testing::Test {
protected:
    store::Set set;
    std::mt19937_64 random{42};  // fixed seed: the same "random" picks on every run

    void TearDown() override { EXPECT_EQ(set.heap_bytes(), set.recount_heap_bytes()); }
};

TEST_F(SetTest, AddCountsOnlyNewMembers) {
    const std::vector<std::string_view> first{"a", "b", "c", "a"};
    EXPECT_EQ(store::add(set, first), 3u);  // SADD s a b c a -> 3
    const std::vector<std::string_view> second{"a", "d"};
    EXPECT_EQ(store::add(set, second), 1u);
    EXPECT_EQ(sorted(store::members(set)), (Strings{"a", "b", "c", "d"}));
    EXPECT_EQ(set.size(), 4u);  // SCARD
}

TEST_F(SetTest, RemoveCountsOnlyMembersThatWereThere) {
    set = make_set({"a", "b", "c"});
    const std::vector<std::string_view> gone{"a", "zz", "a"};
    EXPECT_EQ(store::remove(set, gone), 1u);  // SREM s a zz -> 1
    EXPECT_TRUE(store::is_member(set, "b"));  // SISMEMBER s b -> 1
    EXPECT_FALSE(store::is_member(set, "a"));
    EXPECT_EQ(sorted(store::members(set)), (Strings{"b", "c"}));
}

TEST_F(SetTest, MembersAreBinarySafe) {
    set = make_set({"a\0b"s, "a", ""});
    EXPECT_EQ(set.size(), 3u);
    EXPECT_TRUE(store::is_member(set, "a\0b"s));
    EXPECT_TRUE(store::is_member(set, ""));
    EXPECT_FALSE(store::is_member(set, "a\0"s));
}

TEST_F(SetTest, PopTakesDistinctRandomMembersOrAll) {
    set = make_set({"a", "b", "c", "d", "e"});
    EXPECT_TRUE(store::pop(set, 0, random).empty());  // SPOP s 0 -> (empty array)
    const auto two = store::pop(set, 2, random);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_NE(two[0], two[1]);
    for (const auto& member : two)
        EXPECT_FALSE(store::is_member(set, member));
    EXPECT_EQ(set.size(), 3u);
    EXPECT_EQ(store::pop(set, 10, random).size(), 3u);  // more than there are: all of them
    EXPECT_TRUE(set.empty());
}

TEST_F(SetTest, PopIsDeterministicForASeed) {
    set = make_set({"a", "b", "c", "d", "e", "f", "g", "h"});
    store::Set copy = set;
    std::mt19937_64 same{42};
    EXPECT_EQ(store::pop(set, 3, random), store::pop(copy, 3, same));
}

TEST_F(SetTest, RandomMembersFollowTheSignOfCount) {
    set = make_set({"b", "c"});
    EXPECT_TRUE(store::random_members(set, 0, random).empty());  // SRANDMEMBER s 0
    // SRANDMEMBER s 5 -> both members, once each
    EXPECT_EQ(sorted(store::random_members(set, 5, random)), (Strings{"b", "c"}));
    // SRANDMEMBER s -5 -> five members, repeats allowed
    const auto five = store::random_members(set, -5, random);
    EXPECT_EQ(five.size(), 5u);
    for (const auto member : five)
        EXPECT_TRUE(store::is_member(set, member));
    EXPECT_EQ(set.size(), 2u);  // nothing was removed
}

TEST_F(SetTest, RandomMembersWithPositiveCountAreDistinctWhateverTheMethod) {
    for (int i = 0; i < 100; ++i)
        set.insert("m" + std::to_string(i));
    for (const long long count : {1LL, 10LL, 33LL, 34LL, 99LL}) {  // picks, then sampling
        const auto picked = sorted(store::random_members(set, count, random));
        EXPECT_EQ(picked.size(), static_cast<std::size_t>(count));
        EXPECT_EQ(std::adjacent_find(picked.begin(), picked.end()), picked.end()) << count;
    }
}

TEST_F(SetTest, RandomMembersOfAnEmptySetAreNone) {
    EXPECT_TRUE(store::random_members(set, 3, random).empty());
    EXPECT_TRUE(store::random_members(set, -3, random).empty());
    EXPECT_TRUE(store::pop(set, 3, random).empty());
}

TEST_F(SetTest, RandomPicksReachEveryMemberAboutEvenly) {
    set = make_set({"a", "b", "c", "d"});
    std::map<std::string_view, int> seen;
    for (const auto member : store::random_members(set, -4000, random))
        ++seen[member];
    ASSERT_EQ(seen.size(), 4u);
    for (const auto& [member, times] : seen)
        EXPECT_NEAR(times, 1000, 150) << member;
}

TEST_F(SetTest, MoveBetweenSetsAndWithinOne) {
    set = make_set({"1", "2", "3", "4"});
    store::Set other = make_set({"3", "4", "5"});
    EXPECT_TRUE(store::move_member(set, set, "1"));   // SMOVE a a 1 -> 1, nothing changes
    EXPECT_FALSE(store::move_member(set, set, "9"));  // SMOVE a a 9 -> 0
    EXPECT_EQ(set.size(), 4u);
    EXPECT_TRUE(store::move_member(set, other, "3"));  // SMOVE a b 3 -> 1: b had 3 already
    EXPECT_EQ(sorted(other), (Strings{"3", "4", "5"}));
    EXPECT_FALSE(store::is_member(set, "3"));
    EXPECT_FALSE(store::move_member(set, other, "9"));  // SMOVE a b 9 -> 0
    EXPECT_TRUE(store::move_member(set, other, "1"));
    EXPECT_EQ(sorted(set), (Strings{"2", "4"}));
    EXPECT_EQ(sorted(other), (Strings{"1", "3", "4", "5"}));
    EXPECT_EQ(other.heap_bytes(), other.recount_heap_bytes());
}

class SetAlgebraTest : public ::testing::Test {
protected:
    store::Set a = make_set({"1", "2", "3", "4"});
    store::Set b = make_set({"3", "4", "5"});
    const store::Set* missing = nullptr;

    [[nodiscard]] static Strings of(const store::Set& set) { return sorted(set); }
};

TEST_F(SetAlgebraTest, Intersect) {
    EXPECT_EQ(of(store::intersect(Inputs{&a, &b})), (Strings{"3", "4"}));  // SINTER a b
    EXPECT_TRUE(of(store::intersect(Inputs{&a, missing})).empty());        // SINTER a missing
    EXPECT_EQ(of(store::intersect(Inputs{&a, &a})), of(a));
    EXPECT_EQ(of(store::intersect(Inputs{&b})), of(b));
}

TEST_F(SetAlgebraTest, Unite) {
    // SUNION a missing b -> 1 2 3 4 5
    EXPECT_EQ(of(store::unite(Inputs{&a, missing, &b})), (Strings{"1", "2", "3", "4", "5"}));
    EXPECT_TRUE(of(store::unite(Inputs{missing})).empty());  // SUNION missing
}

TEST_F(SetAlgebraTest, Subtract) {
    EXPECT_EQ(of(store::subtract(Inputs{&a, &b})), (Strings{"1", "2"}));  // SDIFF a b
    EXPECT_TRUE(of(store::subtract(Inputs{missing, &a})).empty());        // SDIFF missing a
    EXPECT_EQ(of(store::subtract(Inputs{&a, missing})), of(a));           // SDIFF a missing
    EXPECT_TRUE(of(store::subtract(Inputs{&a, &a})).empty());             // SDIFF a a
}

TEST_F(SetAlgebraTest, IntersectionSizeStopsAtTheLimit) {
    EXPECT_EQ(store::intersection_size(Inputs{&a, &b}, 0), 2u);  // SINTERCARD 2 a b
    EXPECT_EQ(store::intersection_size(Inputs{&a, &b}, 1), 1u);  // ... LIMIT 1
    EXPECT_EQ(store::intersection_size(Inputs{&a, &b}, 5), 2u);
    EXPECT_EQ(store::intersection_size(Inputs{&a, missing}, 0), 0u);
    EXPECT_EQ(store::intersection_size(Inputs{missing}, 0), 0u);  // SINTERCARD 1 missing
}

TEST_F(SetAlgebraTest, ResultsAreIndependentSetsWithTheirOwnEstimate) {
    store::Set result = store::unite(Inputs{&a, &b});
    EXPECT_TRUE(result.insert(std::string(100, 'x')));
    EXPECT_EQ(result.heap_bytes(), result.recount_heap_bytes());
    EXPECT_EQ(a.size(), 4u);
}

// Runs SSCAN to the end and counts how often each member came back.
std::map<std::string, int> full_scan(store::Set& set, std::size_t count,
                                     const std::function<void(int)>& between_calls = {}) {
    std::map<std::string, int> seen;
    std::uint64_t cursor = 0;
    int calls = 0;
    do {
        const auto batch = store::scan(set, cursor, count);
        for (const auto member : batch.members)
            ++seen[std::string{member}];
        cursor = batch.next_cursor;
        if (between_calls) between_calls(calls);
    } while (cursor != 0 && ++calls < 100'000);
    return seen;
}

TEST_F(SetTest, ScanOfAnEmptySetEndsAtOnce) {
    const auto batch = store::scan(set, 0, 10);
    EXPECT_EQ(batch.next_cursor, 0u);
    EXPECT_TRUE(batch.members.empty());
}

TEST_F(SetTest, ScanReturnsEveryMemberExactlyOnce) {
    for (int i = 0; i < 1000; ++i)
        set.insert("member:" + std::to_string(i));
    const auto seen = full_scan(set, 10);
    EXPECT_EQ(seen.size(), 1000u);
    for (const auto& [member, times] : seen)
        EXPECT_EQ(times, 1) << member;
}

TEST_F(SetTest, ScanReturnsMembersPresentThroughoutDespiteChangesAndRehashes) {
    for (int i = 0; i < 500; ++i)
        set.insert("stays:" + std::to_string(i));
    const auto buckets_at_start = set.bucket_count();
    int added = 0;
    const auto seen = full_scan(set, 7, [&](int call) {
        // Between calls: add members (the table rehashes as it grows past 500, 1000, ...),
        // and remove some of the earlier additions.
        for (int i = 0; i < 6; ++i)
            set.insert("new:" + std::to_string(added++));
        set.erase("new:" + std::to_string(call * 3));
    });
    for (int i = 0; i < 500; ++i)
        EXPECT_EQ(seen.count("stays:" + std::to_string(i)), 1u) << i;
    for (const auto& [member, times] : seen)
        EXPECT_EQ(times, 1) << member;
    EXPECT_GT(set.bucket_count(), buckets_at_start);  // the table did rehash during the scan
}

TEST_F(SetTest, BucketsAreGivenBackWhenTheSetShrinks) {
    for (int i = 0; i < 10'000; ++i)
        set.insert("m" + std::to_string(i));
    const auto full = set.heap_bytes();
    for (int i = 10; i < 10'000; ++i)
        EXPECT_TRUE(set.erase("m" + std::to_string(i)));
    EXPECT_LT(set.heap_bytes(), full / 100);  // not the 10,000-member bucket array
    EXPECT_EQ(store::pop(set, 1, random).size(), 1u);
}

}  // namespace
