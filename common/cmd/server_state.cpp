// The shared server state: construction (start time, run ids) and the statistics that need
// arithmetic (instantaneous ops per second). Introduced in lab 5.
#include "cmd/server_state.hpp"

#include <random>
#include <utility>

namespace cmd {

std::string random_hex_id() {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::random_device device;
    std::mt19937_64 generator{(static_cast<std::uint64_t>(device()) << 32) ^ device()};
    std::uniform_int_distribution<std::size_t> pick{0, digits.size() - 1};
    std::string id(40, '0');
    for (char& c : id)
        c = digits[pick(generator)];
    return id;
}

ServerState::ServerState(const store::Clock& source, Config options)
    : clock{source},
      config{std::move(options)},
      db{source},
      started_at{source.now()},
      run_id{random_hex_id()},
      replication_id{random_hex_id()} {}

void Stats::sample(store::TimePoint now) {
    const auto elapsed = (now - last_sample_time_).count();
    if (last_sample_time_ != store::TimePoint{} && elapsed < 100) return;
    const auto ops = static_cast<long long>(total_commands_processed - last_sample_count_);
    samples_[next_sample_] =
        (elapsed > 0 && last_sample_time_ != store::TimePoint{}) ? ops * 1000 / elapsed : 0;
    next_sample_ = (next_sample_ + 1) % sample_count;
    last_sample_time_ = now;
    last_sample_count_ = total_commands_processed;
}

long long Stats::instantaneous_ops_per_sec() const {
    long long sum = 0;
    for (const long long sample : samples_)
        sum += sample;
    return sum / static_cast<long long>(sample_count);
}

void Stats::reset() {
    *this = Stats{};
}

}  // namespace cmd
