// store::Value (type checks and TYPE's names) and the memory estimates of lists and sets
// against what glibc's allocator really hands out, as tests/lab2_store/memory_test.cpp does
// for strings.
#include "store/value.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "store/memory.hpp"

namespace {

using store::End;

TEST(Value, TypeFollowsTheAlternativeHeld) {
    const store::Value text = std::string{"x"};
    const store::Value list = store::List{};
    const store::Value set = store::Set{};
    EXPECT_EQ(store::type_of(text), store::Type::string);
    EXPECT_EQ(store::type_of(list), store::Type::list);
    EXPECT_EQ(store::type_of(set), store::Type::set);
    // TYPE's replies.
    EXPECT_EQ(store::type_name(store::type_of(text)), "string");
    EXPECT_EQ(store::type_name(store::Type::list), "list");
    EXPECT_EQ(store::type_name(store::Type::set), "set");
}

TEST(Value, AllocatorModelRoundsLikeGlibc) {
    EXPECT_EQ(store::malloc_chunk(0), 32u);     // the minimum chunk
    EXPECT_EQ(store::malloc_chunk(24), 32u);    // 24 + 8-byte header
    EXPECT_EQ(store::malloc_chunk(25), 48u);    // rounded up to 16
    EXPECT_EQ(store::malloc_chunk(101), 112u);  // a 100-byte string and its terminator
    EXPECT_EQ(store::string_heap_bytes(std::string(15, 's')), 0u);  // inside the object
    EXPECT_EQ(store::string_heap_bytes(std::string(100, 'l')), 112u);
}

TEST(Value, HeapBytesIsTheHeldValuesEstimate) {
    EXPECT_EQ(store::heap_bytes(store::Value{std::string(100, 'l')}), 112u);
    store::List list;
    const std::array<std::string_view, 2> elements{"short", "a string longer than fifteen"};
    store::push(list, End::tail, elements);
    store::Set set;
    store::add(set, elements);
    const auto list_bytes = list.heap_bytes();
    const auto set_bytes = set.heap_bytes();
    // Moving a value into its keyspace entry keeps its elements and its estimate.
    EXPECT_EQ(store::heap_bytes(store::Value{std::move(list)}), list_bytes);
    EXPECT_EQ(store::heap_bytes(store::Value{std::move(set)}), set_bytes);
}

// --- The estimate against the allocator ---

// Element `index`, `size` bytes long: the number, zero-padded (distinct, so sets keep them all).
std::string element(std::size_t index, std::size_t size) {
    std::array<char, 32> digits{};
    const int length = std::snprintf(digits.data(), digits.size(), "%zu", index);
    std::string text(size, '0');
    text.replace(size - static_cast<std::size_t>(length), static_cast<std::size_t>(length),
                 digits.data());
    return text;
}

// Builds a value of `elements` elements inside a window of heap measurements and compares its
// estimate with the heap growth that glibc's mallinfo2() reports. `add` puts one element in.
template <typename Container, typename Add>
void expect_estimate_matches_heap(std::size_t elements, std::size_t size, Add add) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "sanitizers replace glibc's malloc, which the estimate models";
#endif
    const std::size_t heap_before = store::read_process_memory().heap_bytes;
    {
        Container container;
        for (std::size_t i = 0; i < elements; ++i) {
            const std::string text = element(i, size);
            add(container, std::array<std::string_view, 1>{text});
        }
        const double heap_growth =
            static_cast<double>(store::read_process_memory().heap_bytes - heap_before);
        const double estimate = static_cast<double>(container.heap_bytes());
        EXPECT_NEAR(estimate / heap_growth, 1.0, 0.05)
            << "estimate " << estimate << " heap growth " << heap_growth;
    }
}

void push_tail(store::List& list, std::span<const std::string_view> one) {
    store::push(list, End::tail, one);
}
void push_head(store::List& list, std::span<const std::string_view> one) {
    store::push(list, End::head, one);
}
void add_member(store::Set& set, std::span<const std::string_view> one) {
    store::add(set, one);
}

TEST(MemoryEstimate, ListOfShortElementsMatchesHeapGrowth) {
    expect_estimate_matches_heap<store::List>(10'000, 8, push_tail);
}

TEST(MemoryEstimate, ListOfLongElementsMatchesHeapGrowth) {
    expect_estimate_matches_heap<store::List>(10'000, 100, push_tail);
}

TEST(MemoryEstimate, ListBuiltAtTheHeadMatchesHeapGrowth) {
    expect_estimate_matches_heap<store::List>(10'000, 8, push_head);
}

TEST(MemoryEstimate, SetOfShortMembersMatchesHeapGrowth) {
    expect_estimate_matches_heap<store::Set>(10'000, 8, add_member);
}

TEST(MemoryEstimate, SetOfLongMembersMatchesHeapGrowth) {
    expect_estimate_matches_heap<store::Set>(10'000, 100, add_member);
}

}  // namespace
