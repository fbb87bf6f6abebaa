// A latency histogram with log-linear buckets, in the manner of HdrHistogram: fixed memory, O(1)
// recording, percentiles to better than 1% of the value from 1 µs to an hour. Part of the
// benchmark harness (bench/), written alongside lab 7.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

/// Counts of latencies in microseconds, grouped so that every bucket is at most 1/128 of the
/// values it holds wide.
///
/// Why buckets and not a sorted vector of samples: a run at 100,000 ops/s for a minute is six
/// million samples, and percentiles over several threads would need them all merged and sorted.
/// Buckets take 27 KB whatever the run's length, record in a few instructions, and merge by
/// adding counts. The price is precision: a percentile is known to within its bucket's width.
///
/// The layout (HdrHistogram's, with two significant binary digits fewer to spell out):
/// values below 256 µs have a bucket each, so they are exact; above, each power of two
/// [2^e, 2^(e+1)) is cut into 128 equal buckets, 2^(e-7) wide. A value therefore shares its
/// bucket only with values less than 1/128 (0.78%) larger or smaller. Values above
/// max_trackable() land in the last bucket; max() stays exact because it is kept aside.
class Histogram {
public:
    /// The largest value with a bucket of its own: 2^32 - 1 µs, about 71 minutes.
    [[nodiscard]] static constexpr std::uint64_t max_trackable() { return (1ULL << 32) - 1; }

    /// Adds one latency of `microseconds`.
    void record(std::uint64_t microseconds) { record(microseconds, 1); }
    /// Adds `count` latencies of `microseconds` each.
    void record(std::uint64_t microseconds, std::uint64_t count);

    /// Adds every count of `other` to this histogram (the histograms of several threads).
    void merge(const Histogram& other);

    [[nodiscard]] std::uint64_t count() const { return count_; }
    /// The exact smallest and largest values recorded; 0 when empty.
    [[nodiscard]] std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
    [[nodiscard]] std::uint64_t max() const { return max_; }
    /// The exact mean of the recorded values; 0 when empty.
    [[nodiscard]] double mean() const;

    /// The value at `percentile` (0 to 100): the smallest recorded value v such that at least
    /// that share of all values are <= v, reported as the top of v's bucket (as HdrHistogram's
    /// "highest equivalent value"), never above max(). 0 when empty.
    [[nodiscard]] std::uint64_t value_at_percentile(double percentile) const;

    /// One row of a percentile distribution.
    struct Row {
        double percentile;          ///< 0 to 100
        std::uint64_t value;        ///< value_at_percentile(percentile), in µs
        std::uint64_t count_below;  ///< how many values are <= value
    };

    /// The distribution HdrHistogram prints for plotting: percentiles that halve the distance
    /// to 100% at each step (0, 10, ..., 50, 55, ..., 75, 77.5, ... 90, ..., 99, ..., 99.9,
    /// ...), `ticks_per_half` rows per halving, until the last value is reached; the final row
    /// is 100% and max(). Empty when nothing was recorded.
    [[nodiscard]] std::vector<Row> percentile_distribution(int ticks_per_half = 5) const;

    /// The bucket holding `value` (public for the tests of the layout).
    [[nodiscard]] static std::size_t bucket_of(std::uint64_t value);
    /// The largest value that falls into `bucket`.
    [[nodiscard]] static std::uint64_t highest_in_bucket(std::size_t bucket);

private:
    static constexpr int sub_bucket_bits = 7;  // 128 buckets per power of two
    static constexpr std::size_t exact_limit = std::size_t{2} << sub_bucket_bits;  // 256
    static constexpr std::size_t bucket_count =
        exact_limit + (32 - sub_bucket_bits - 1) * (std::size_t{1} << sub_bucket_bits);

    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
    long double sum_ = 0;  // long double: a sum of millions of large values keeps its digits
};

}  // namespace bench
