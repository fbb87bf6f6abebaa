// The latency histogram: its bucket layout, percentiles of known distributions within the
// promised 1%, exact max, min and mean, and merging. Part of the benchmark harness's tests.
#include "histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using bench::Histogram;

// True when `got` is within 1% of `want`, the histogram's promise.
::testing::AssertionResult within_one_percent(std::uint64_t got, double want) {
    if (std::abs(static_cast<double>(got) - want) <= want * 0.01) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << got << " is not within 1% of " << want;
}

TEST(HistogramLayout, SmallValuesHaveABucketEach) {
    for (std::uint64_t value = 0; value < 256; ++value) {
        EXPECT_EQ(Histogram::bucket_of(value), value);
        EXPECT_EQ(Histogram::highest_in_bucket(value), value);
    }
}

TEST(HistogramLayout, BucketsAreContiguousAndNarrowerThanOnePercent) {
    // Every value up to 2^20 falls into the bucket whose range contains it, buckets follow one
    // another without gaps, and none is wider than 1/128 of its lowest value.
    std::uint64_t lowest = 0;
    std::size_t bucket = 0;
    for (std::uint64_t value = 0; value < (1U << 20); ++value) {
        const std::size_t found = Histogram::bucket_of(value);
        if (found != bucket) {
            ASSERT_EQ(found, bucket + 1) << "value " << value;
            ASSERT_EQ(Histogram::highest_in_bucket(bucket), value - 1);
            bucket = found;
            lowest = value;
        }
        const std::uint64_t width = Histogram::highest_in_bucket(bucket) - lowest + 1;
        ASSERT_LE(width * 128, std::max<std::uint64_t>(lowest, 128)) << "value " << value;
    }
}

TEST(HistogramLayout, CoversAnHourAndClampsBeyond) {
    const std::uint64_t hour = 3'600'000'000ULL;
    EXPECT_LE(hour, Histogram::max_trackable());
    EXPECT_GE(Histogram::highest_in_bucket(Histogram::bucket_of(hour)), hour);
    EXPECT_EQ(Histogram::bucket_of(UINT64_MAX), Histogram::bucket_of(Histogram::max_trackable()));
}

TEST(Histogram, EmptyReportsZeros) {
    const Histogram empty;
    EXPECT_EQ(empty.count(), 0U);
    EXPECT_EQ(empty.value_at_percentile(50), 0U);
    EXPECT_EQ(empty.max(), 0U);
    EXPECT_EQ(empty.min(), 0U);
    EXPECT_EQ(empty.mean(), 0.0);
    EXPECT_TRUE(empty.percentile_distribution().empty());
}

TEST(Histogram, SmallValuesAreExact) {
    Histogram histogram;
    for (std::uint64_t value = 1; value <= 100; ++value)
        histogram.record(value);
    EXPECT_EQ(histogram.value_at_percentile(50), 50U);
    EXPECT_EQ(histogram.value_at_percentile(90), 90U);
    EXPECT_EQ(histogram.value_at_percentile(99), 99U);
    EXPECT_EQ(histogram.value_at_percentile(100), 100U);
    EXPECT_EQ(histogram.value_at_percentile(0), 1U);
    EXPECT_EQ(histogram.min(), 1U);
    EXPECT_EQ(histogram.max(), 100U);
    EXPECT_DOUBLE_EQ(histogram.mean(), 50.5);
}

TEST(Histogram, UniformDistributionWithinOnePercent) {
    // 1 µs to 1 s, every value once: the p-th percentile is p% of a second.
    Histogram histogram;
    for (std::uint64_t value = 1; value <= 1'000'000; ++value)
        histogram.record(value);
    for (const double percentile : {10.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
        EXPECT_TRUE(
            within_one_percent(histogram.value_at_percentile(percentile), percentile * 10'000))
            << "p" << percentile;
    }
    EXPECT_EQ(histogram.max(), 1'000'000U);
    EXPECT_DOUBLE_EQ(histogram.mean(), 500'000.5);
}

TEST(Histogram, ExponentialDistributionWithinOnePercent) {
    // Latencies with a long tail (mean 1 ms): the exact percentiles come from sorting.
    std::mt19937_64 random{42};
    std::exponential_distribution<double> draw{1.0 / 1000};
    std::vector<std::uint64_t> values;
    Histogram histogram;
    for (int i = 0; i < 200'000; ++i) {
        values.push_back(static_cast<std::uint64_t>(draw(random)));
        histogram.record(values.back());
    }
    std::ranges::sort(values);
    for (const double percentile : {50.0, 90.0, 99.0, 99.9}) {
        const auto rank = static_cast<std::size_t>(std::ceil(percentile / 100 * values.size()));
        EXPECT_TRUE(within_one_percent(histogram.value_at_percentile(percentile),
                                       static_cast<double>(values[rank - 1])))
            << "p" << percentile;
    }
    EXPECT_EQ(histogram.max(), values.back());
    EXPECT_EQ(histogram.value_at_percentile(100), values.back());
}

TEST(Histogram, LongStallsWithinOnePercent) {
    // A minute-long stall among fast replies: the tail shows it, to 1%.
    Histogram histogram;
    histogram.record(100, 9'990);
    histogram.record(60'000'000, 10);
    EXPECT_EQ(histogram.value_at_percentile(99), 100U);
    EXPECT_TRUE(within_one_percent(histogram.value_at_percentile(99.95), 60'000'000));
    EXPECT_EQ(histogram.max(), 60'000'000U);
}

TEST(Histogram, MaxIsExactEvenPastTheLastBucket) {
    Histogram histogram;
    histogram.record(5);
    histogram.record(10'000'000'000ULL);  // almost three hours
    EXPECT_EQ(histogram.max(), 10'000'000'000ULL);
    EXPECT_EQ(histogram.value_at_percentile(100), 10'000'000'000ULL);
    EXPECT_EQ(histogram.value_at_percentile(50), 5U);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
    std::mt19937_64 random{7};
    std::uniform_int_distribution<std::uint64_t> draw{0, 5'000'000};
    Histogram first;
    Histogram second;
    Histogram both;
    for (int i = 0; i < 50'000; ++i) {
        const std::uint64_t value = draw(random);
        (i % 3 == 0 ? first : second).record(value);
        both.record(value);
    }
    first.merge(second);
    EXPECT_EQ(first.count(), both.count());
    EXPECT_EQ(first.min(), both.min());
    EXPECT_EQ(first.max(), both.max());
    EXPECT_DOUBLE_EQ(first.mean(), both.mean());
    for (const double percentile : {0.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0})
        EXPECT_EQ(first.value_at_percentile(percentile), both.value_at_percentile(percentile));
}

TEST(Histogram, MergeIntoEmptyKeepsTheMinimum) {
    Histogram empty;
    Histogram other;
    other.record(300);
    other.record(900);
    empty.merge(other);
    EXPECT_EQ(empty.min(), 300U);
    EXPECT_EQ(empty.max(), 900U);
}

TEST(Histogram, DistributionClimbsToMaxAtOneHundredPercent) {
    Histogram histogram;
    for (std::uint64_t value = 1; value <= 100'000; ++value)
        histogram.record(value);
    const auto rows = histogram.percentile_distribution();
    ASSERT_GT(rows.size(), 40U);
    EXPECT_EQ(rows.front().percentile, 0.0);
    EXPECT_EQ(rows.back().percentile, 100.0);
    EXPECT_EQ(rows.back().value, 100'000U);
    EXPECT_EQ(rows.back().count_below, 100'000U);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        EXPECT_GT(rows[i].percentile, rows[i - 1].percentile);
        EXPECT_GE(rows[i].value, rows[i - 1].value);
    }
    // Five rows for each halving of the distance to 100%: 0 to 50% by 10, 50 to 75% by 5.
    EXPECT_DOUBLE_EQ(rows[5].percentile, 50.0);
    EXPECT_DOUBLE_EQ(rows[10].percentile, 75.0);
    EXPECT_DOUBLE_EQ(rows[15].percentile, 87.5);
}

}  // namespace
