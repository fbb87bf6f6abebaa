// The memory estimate against what glibc's allocator really hands out.
#include "store/memory.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

TEST(ProcessMemory, ReadsNonZeroFigures) {
    const auto memory = store::read_process_memory();
    EXPECT_GT(memory.resident_bytes, 0u);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    EXPECT_GT(memory.heap_bytes, 0u);  // sanitizers replace malloc, and mallinfo2() reads 0
#endif
}

enum class Deadlines { none, every_key };

// The estimate models glibc's malloc, so it should match the heap growth the allocator itself
// reports (mallinfo2) closely, for short and for long values, and with the expiry index.
void expect_estimate_matches_heap(std::size_t keys, std::size_t value_size,
                                  Deadlines deadlines = Deadlines::none) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "sanitizers replace glibc's malloc, which the estimate models";
#endif
    const std::size_t heap_before = store::read_process_memory().heap_bytes;
    {
        store::ManualClock clock;
        store::Keyspace keyspace{clock};
        for (std::size_t i = 0; i < keys; ++i) {
            std::optional<store::TimePoint> deadline;
            if (deadlines == Deadlines::every_key) deadline = clock.now() + std::chrono::hours{1};
            keyspace.set("key:" + std::to_string(i), std::string(value_size, 'v'), deadline);
        }
        const double heap_growth =
            static_cast<double>(store::read_process_memory().heap_bytes - heap_before);
        const double estimate = static_cast<double>(keyspace.used_bytes());
        EXPECT_NEAR(estimate / heap_growth, 1.0, 0.05)
            << "estimate " << estimate << " heap growth " << heap_growth;
    }
}

TEST(MemoryEstimate, MatchesHeapGrowthForShortValues) {
    expect_estimate_matches_heap(10'000, 8);
}

TEST(MemoryEstimate, MatchesHeapGrowthForLongValues) {
    expect_estimate_matches_heap(10'000, 100);
}

TEST(MemoryEstimate, MatchesHeapGrowthWithADeadlineOnEveryKey) {
    expect_estimate_matches_heap(10'000, 8, Deadlines::every_key);
}

}  // namespace
