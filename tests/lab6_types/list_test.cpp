// Unit tests of store::List and its API: every operation with the edge cases a user meets, each
// expectation being what redis-server 7.0.15 replied to the same commands (quoted beside it).
#include "store/list.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::string_literals;
using store::End;
using Strings = std::vector<std::string>;

class ListTest : public ::testing::Test {
protected:
    store::List list;

    // RPUSH list e1 e2 ...
    void rpush(std::initializer_list<std::string_view> elements) {
        store::push(list, End::tail, std::vector<std::string_view>(elements));
    }

    // LRANGE list 0 -1, as owned strings.
    [[nodiscard]] static Strings all(const store::List& of) { return {of.begin(), of.end()}; }
    [[nodiscard]] Strings all() const { return all(list); }

    [[nodiscard]] Strings lrange(long long start, long long stop) const {
        const auto views = store::range(list, start, stop);
        return {views.begin(), views.end()};
    }

    // Whatever happened, the running memory estimate equals a recount from scratch.
    void TearDown() override { EXPECT_EQ(list.heap_bytes(), list.recount_heap_bytes()); }
};

TEST_F(ListTest, LeftPushReversesItsArgumentsRightPushKeepsThem) {
    const std::vector<std::string_view> abc{"a", "b", "c"};
    EXPECT_EQ(store::push(list, End::head, abc), 3u);  // LPUSH l a b c -> 3
    EXPECT_EQ(all(), (Strings{"c", "b", "a"}));
    const std::vector<std::string_view> xy{"x", "y"};
    EXPECT_EQ(store::push(list, End::tail, xy), 5u);  // RPUSH l x y -> 5
    EXPECT_EQ(all(), (Strings{"c", "b", "a", "x", "y"}));
}

TEST_F(ListTest, PopTakesUpToCountInTheOrderPopped) {
    rpush({"a", "b", "c", "d"});
    EXPECT_TRUE(store::pop(list, End::head, 0).empty());             // LPOP l 0 -> (empty array)
    EXPECT_EQ(store::pop(list, End::head, 2), (Strings{"a", "b"}));  // LPOP l 2
    EXPECT_EQ(store::pop(list, End::tail, 5), (Strings{"d", "c"}));  // RPOP l 5: only two left
    EXPECT_TRUE(list.empty());                                       // and the key is gone
    EXPECT_TRUE(store::pop(list, End::tail, 1).empty());
}

TEST_F(ListTest, RangeNormalisesIndexesLikeRedis) {
    rpush({"c", "b", "a", "x", "y"});
    EXPECT_EQ(lrange(0, -1), all());
    EXPECT_EQ(lrange(-100, 100), all());             // clamped at both ends
    EXPECT_EQ(lrange(LLONG_MIN, LLONG_MAX), all());  // no overflow at the extremes
    EXPECT_TRUE(lrange(LLONG_MAX, LLONG_MIN).empty());
    EXPECT_TRUE(lrange(3, 1).empty());    // start > stop
    EXPECT_TRUE(lrange(10, 20).empty());  // start past the end
    EXPECT_TRUE(lrange(-1, -2).empty());
    EXPECT_EQ(lrange(-2, -1), (Strings{"x", "y"}));
    EXPECT_EQ(lrange(0, 0), (Strings{"c"}));
    EXPECT_EQ(lrange(4, 4), (Strings{"y"}));
}

TEST_F(ListTest, RangeOfAnEmptyListIsEmpty) {
    EXPECT_TRUE(lrange(0, -1).empty());
    EXPECT_TRUE(lrange(-1, 0).empty());
}

TEST_F(ListTest, ElementAtCountsNegativeIndexesFromTheTail) {
    rpush({"c", "b", "a", "x", "y"});
    EXPECT_EQ(store::element_at(list, 0), "c");
    EXPECT_EQ(store::element_at(list, -1), "y");  // LINDEX l -1 -> y
    EXPECT_EQ(store::element_at(list, -5), "c");  // LINDEX l -5 -> c
    EXPECT_FALSE(store::element_at(list, 5));     // LINDEX l 5 -> (nil)
    EXPECT_FALSE(store::element_at(list, -6));    // LINDEX l -6 -> (nil)
    EXPECT_FALSE(store::element_at(list, LLONG_MIN));
}

TEST_F(ListTest, SetReplacesOrReportsIndexOutOfRange) {
    rpush({"c", "b", "a", "x", "y"});
    // LSET l 5 z and LSET l -6 z -> ERR index out of range
    EXPECT_EQ(store::set(list, 5, "z"), store::SetStatus::index_out_of_range);
    EXPECT_EQ(store::set(list, -6, "z"), store::SetStatus::index_out_of_range);
    EXPECT_EQ(store::set(list, LLONG_MIN, "z"), store::SetStatus::index_out_of_range);
    EXPECT_EQ(store::set(list, -1, "Z"), store::SetStatus::ok);  // LSET l -1 Z -> OK
    EXPECT_EQ(all(), (Strings{"c", "b", "a", "x", "Z"}));
}

TEST_F(ListTest, SetSwapsLongAndShortElementsWithoutKeepingOldBuffers) {
    rpush({"short"});
    EXPECT_EQ(store::set(list, 0, std::string(100, 'l')), store::SetStatus::ok);
    const auto with_long = list.heap_bytes();
    EXPECT_EQ(store::set(list, 0, "short again"), store::SetStatus::ok);
    EXPECT_LT(list.heap_bytes(), with_long);  // the 100-byte buffer was freed
}

TEST_F(ListTest, InsertNextToTheFirstPivotFromTheHead) {
    rpush({"c", "b", "a", "x", "Z"});
    // LINSERT l BEFORE nope q -> -1, nothing changes
    EXPECT_EQ(store::insert(list, store::Side::before, "nope", "q"), -1);
    EXPECT_EQ(list.size(), 5u);
    EXPECT_EQ(store::insert(list, store::Side::before, "c", "q"), 6);   // -> 6
    EXPECT_EQ(store::insert(list, store::Side::after, "Z", "end"), 7);  // -> 7
    EXPECT_EQ(all(), (Strings{"q", "c", "b", "a", "x", "Z", "end"}));
}

TEST_F(ListTest, InsertUsesTheFirstOfDuplicatePivots) {
    rpush({"a", "b", "a"});
    EXPECT_EQ(store::insert(list, store::Side::after, "a", "new"), 4);
    EXPECT_EQ(all(), (Strings{"a", "new", "b", "a"}));
    EXPECT_EQ(store::insert(list, store::Side::before, "a", "a"), 5);  // LINSERT q BEFORE a a
    EXPECT_EQ(all(), (Strings{"a", "a", "new", "b", "a"}));
}

TEST_F(ListTest, InsertInTheMiddleKeepsEveryElementsOwnBuffer) {
    // The deque shifts elements to make room; each must keep its buffer (checked by TearDown).
    const std::string long_element(64, 'l');
    for (int i = 0; i < 40; ++i)
        rpush({i % 3 ? std::string_view{long_element} : std::string_view{"s"}});
    EXPECT_EQ(store::insert(list, store::Side::after, long_element, "short"), 41);
    ASSERT_EQ(store::set(list, 20, "pivot"), store::SetStatus::ok);
    EXPECT_EQ(store::insert(list, store::Side::before, "pivot", std::string(100, 'n')), 42);
    EXPECT_EQ(store::element_at(list, 20), std::string(100, 'n'));
    EXPECT_EQ(store::element_at(list, 21), "pivot");
}

TEST_F(ListTest, RemoveCountsFromTheHeadTheTailOrTakesAll) {
    rpush({"a", "b", "a", "c", "a", "b", "a"});
    EXPECT_EQ(store::remove(list, 2, "a"), 2u);  // LREM r 2 a -> 2
    EXPECT_EQ(all(), (Strings{"b", "c", "a", "b", "a"}));
    EXPECT_EQ(store::remove(list, -1, "a"), 1u);  // LREM r -1 a -> 1
    EXPECT_EQ(all(), (Strings{"b", "c", "a", "b"}));
    EXPECT_EQ(store::remove(list, 0, "b"), 2u);  // LREM r 0 b -> 2
    EXPECT_EQ(all(), (Strings{"c", "a"}));
    EXPECT_EQ(store::remove(list, 0, "zz"), 0u);  // LREM r 0 zz -> 0
    EXPECT_EQ(all(), (Strings{"c", "a"}));
}

TEST_F(ListTest, RemoveFromTheTailWithTheMostNegativeCountRemovesAll) {
    rpush({"x", "1", "x", "2", "x"});
    EXPECT_EQ(store::remove(list, LLONG_MIN, "x"), 3u);
    EXPECT_EQ(all(), (Strings{"1", "2"}));
}

TEST_F(ListTest, RemoveKeepsOrderAndLongElements) {
    const std::string long_a(40, 'a');
    const std::string long_b(50, 'b');
    rpush({long_a, "x", long_b, "x", long_a});
    EXPECT_EQ(store::remove(list, -1, long_a), 1u);
    EXPECT_EQ(all(), (Strings{long_a, "x", long_b, "x"}));
    EXPECT_EQ(store::remove(list, 1, "x"), 1u);
    EXPECT_EQ(all(), (Strings{long_a, long_b, "x"}));
}

TEST_F(ListTest, TrimKeepsWhatRangeWouldReturn) {
    rpush({"1", "2", "3", "4", "5"});
    store::trim(list, 1, -2);  // LTRIM t 1 -2 -> 2 3 4
    EXPECT_EQ(all(), (Strings{"2", "3", "4"}));
    store::trim(list, -100, 100);  // clamped: everything stays
    EXPECT_EQ(all(), (Strings{"2", "3", "4"}));
    store::trim(list, 5, 10);  // past the end: nothing stays (the key is deleted)
    EXPECT_TRUE(list.empty());
}

TEST_F(ListTest, TrimWithStartAfterStopEmptiesTheList) {
    rpush({"1", "2", "3"});
    store::trim(list, 2, 1);  // LTRIM t 2 1 -> (the key is gone)
    EXPECT_TRUE(list.empty());
}

TEST_F(ListTest, RankIsCheckedBeforeAnyKeyIsRead) {
    EXPECT_EQ(store::check_rank(0), store::RankStatus::zero);
    EXPECT_EQ(store::check_rank(LLONG_MIN), store::RankStatus::out_of_range);
    for (const long long rank : {1LL, -1LL, LLONG_MAX, -LLONG_MAX})
        EXPECT_EQ(store::check_rank(rank), store::RankStatus::ok) << rank;
}

TEST_F(ListTest, PositionsFollowRankCountAndMaxlen) {
    rpush({"a", "b", "c", "1", "2", "3", "c", "c"});
    using Indexes = std::vector<std::size_t>;
    const auto lpos = [&](long long rank, std::size_t count, std::size_t maxlen) {
        return store::positions(list, "c", {.rank = rank, .count = count, .maxlen = maxlen});
    };
    EXPECT_EQ(lpos(1, 1, 0), (Indexes{2}));        // LPOS p c -> 2
    EXPECT_EQ(lpos(2, 1, 0), (Indexes{6}));        // RANK 2 -> 6
    EXPECT_EQ(lpos(-1, 1, 0), (Indexes{7}));       // RANK -1 -> 7
    EXPECT_EQ(lpos(1, 0, 0), (Indexes{2, 6, 7}));  // COUNT 0 -> all
    EXPECT_EQ(lpos(-1, 2, 0), (Indexes{7, 6}));    // COUNT 2 RANK -1 -> 7 6
    EXPECT_TRUE(lpos(1, 1, 2).empty());            // MAXLEN 2 -> (nil)
    EXPECT_EQ(lpos(1, 0, 3), (Indexes{2}));        // COUNT 0 MAXLEN 3 -> 2
    EXPECT_TRUE(lpos(5, 0, 0).empty());            // RANK 5 COUNT 0 -> (empty array)
    EXPECT_EQ(lpos(-2, 0, 2), (Indexes{6}));       // RANK -2 MAXLEN 2 COUNT 0 -> 6
    EXPECT_EQ(lpos(-1, 1, 1), (Indexes{7}));       // RANK -1 MAXLEN 1 -> 7
    EXPECT_TRUE(lpos(LLONG_MAX, 1, 0).empty());    // RANK 9223372036854775807 -> (nil)
    EXPECT_TRUE(lpos(-LLONG_MAX, 1, 0).empty());   // RANK -9223372036854775807 -> (nil)
    EXPECT_TRUE(store::positions(list, "zz", {.rank = 1, .count = 0}).empty());
}

TEST_F(ListTest, MoveToTheSameListRotatesIt) {
    rpush({"a", "b", "c"});
    EXPECT_EQ(store::move_element(list, End::tail, list, End::head), "c");  // RPOPLPUSH l l
    EXPECT_EQ(all(), (Strings{"c", "a", "b"}));
    EXPECT_EQ(store::move_element(list, End::head, list, End::tail), "c");  // LMOVE l l LEFT RIGHT
    EXPECT_EQ(all(), (Strings{"a", "b", "c"}));
    EXPECT_EQ(store::move_element(list, End::head, list, End::head), "a");  // LMOVE l l LEFT LEFT
    EXPECT_EQ(all(), (Strings{"a", "b", "c"}));
}

TEST_F(ListTest, MoveBetweenListsAndFromAnEmptyOne) {
    rpush({"a", "b", "c"});
    store::List destination;
    EXPECT_EQ(store::move_element(list, End::tail, destination, End::head), "c");
    EXPECT_EQ(all(), (Strings{"a", "b"}));
    EXPECT_EQ(all(destination), (Strings{"c"}));
    EXPECT_EQ(store::move_element(list, End::head, destination, End::tail), "a");
    EXPECT_EQ(all(destination), (Strings{"c", "a"}));
    store::List empty;
    EXPECT_FALSE(store::move_element(empty, End::head, destination, End::head));
    EXPECT_EQ(destination.size(), 2u);
    EXPECT_EQ(destination.heap_bytes(), destination.recount_heap_bytes());
}

TEST_F(ListTest, ElementsAreBinarySafe) {
    const std::string zero = "a\0b"s;
    rpush({zero, "a", "\r\n"});
    EXPECT_EQ(store::element_at(list, 0), zero);
    EXPECT_EQ(store::positions(list, "a", {}), (std::vector<std::size_t>{1}));
    EXPECT_EQ(store::remove(list, 0, zero), 1u);
    EXPECT_EQ(all(), (Strings{"a", "\r\n"}));
}

TEST_F(ListTest, MemoryEstimateFollowsEveryChange) {
    const auto empty = list.heap_bytes();
    EXPECT_GT(empty, 0u);  // libstdc++'s deque owns a node and a map even when empty
    for (int i = 0; i < 100; ++i)
        rpush({std::string(i % 2 ? 5 : 50, 'e')});
    EXPECT_GT(list.heap_bytes(), empty + 50 * 64);
    EXPECT_EQ(list.heap_bytes(), list.recount_heap_bytes());
    store::trim(list, 10, 60);
    EXPECT_EQ(list.heap_bytes(), list.recount_heap_bytes());
    EXPECT_EQ(store::remove(list, 0, std::string(50, 'e')), 26u);
    EXPECT_EQ(list.heap_bytes(), list.recount_heap_bytes());
    (void)store::pop(list, End::head, 1000);
    EXPECT_GE(list.heap_bytes(), empty);  // the map keeps the size it grew to
}

}  // namespace
