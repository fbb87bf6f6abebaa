// The log-linear latency histogram: bucket arithmetic, percentiles, the plotted distribution.
// Part of the benchmark harness (bench/).
#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace bench {

std::size_t Histogram::bucket_of(std::uint64_t value) {
    value = std::min(value, max_trackable());
    if (value < exact_limit) return static_cast<std::size_t>(value);
    // value is in [2^exponent, 2^(exponent+1)), exponent >= 8; keep its top 8 bits, whose first
    // is always 1, so the next 7 bits pick one of the 128 buckets of that power of two.
    const int exponent = std::bit_width(value) - 1;
    const int shift = exponent - sub_bucket_bits;
    const std::size_t sub_bucket = static_cast<std::size_t>(value >> shift) - exact_limit / 2;
    return exact_limit +
           static_cast<std::size_t>(exponent - sub_bucket_bits - 1) * (exact_limit / 2) +
           sub_bucket;
}

std::uint64_t Histogram::highest_in_bucket(std::size_t bucket) {
    if (bucket < exact_limit) return bucket;
    const std::size_t above = bucket - exact_limit;
    const int shift = static_cast<int>(above / (exact_limit / 2)) + 1;
    const std::uint64_t lowest =
        static_cast<std::uint64_t>(exact_limit / 2 + above % (exact_limit / 2)) << shift;
    return lowest + (std::uint64_t{1} << shift) - 1;
}

void Histogram::record(std::uint64_t microseconds, std::uint64_t count) {
    if (count == 0) return;
    counts_[bucket_of(microseconds)] += count;
    count_ += count;
    min_ = std::min(min_, microseconds);
    max_ = std::max(max_, microseconds);
    sum_ += static_cast<long double>(microseconds) * static_cast<long double>(count);
}

void Histogram::merge(const Histogram& other) {
    for (std::size_t i = 0; i < bucket_count; ++i)
        counts_[i] += other.counts_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double Histogram::mean() const {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t Histogram::value_at_percentile(double percentile) const {
    if (count_ == 0) return 0;
    if (percentile <= 0) return min_;
    // The rank of the wanted value among all values, counted from 1: at least one value, and
    // never more than all of them.
    const double wanted =
        std::ceil(std::min(percentile, 100.0) / 100.0 * static_cast<double>(count_));
    const auto rank = std::clamp(static_cast<std::uint64_t>(wanted), std::uint64_t{1}, count_);
    std::uint64_t seen = 0;
    for (std::size_t bucket = 0; bucket < bucket_count; ++bucket) {
        seen += counts_[bucket];
        // The top of the bucket, except in max()'s own bucket, where max() is the exact answer
        // (and the only right one for values past max_trackable()).
        if (seen >= rank) return bucket == bucket_of(max_) ? max_ : highest_in_bucket(bucket);
    }
    return max_;
}

std::vector<Histogram::Row> Histogram::percentile_distribution(int ticks_per_half) const {
    std::vector<Row> rows;
    if (count_ == 0) return rows;
    double percentile = 0;
    for (;;) {
        const std::uint64_t value = value_at_percentile(percentile);
        std::uint64_t below = 0;
        for (std::size_t bucket = 0; bucket <= bucket_of(value); ++bucket)
            below += counts_[bucket];
        rows.push_back({percentile, value, below});
        if (below >= count_) break;
        // HdrHistogram's step: the distance left to 100% is halved every ticks_per_half rows,
        // so the rows crowd in towards the tail, where a latency plot needs them.
        const double halvings = std::floor(std::log2(100.0 / (100.0 - percentile)));
        percentile += 100.0 / (ticks_per_half * std::exp2(halvings + 1));
    }
    if (rows.back().percentile < 100.0) rows.push_back({100.0, max_, count_});
    return rows;
}

}  // namespace bench
