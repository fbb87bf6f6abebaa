// The Database: lazy and active expiry that report each expired key, read lookups that count
// hits and misses, and the ready-key list of lab 6. Introduced in lab 5.
#include "cmd/database.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace cmd {

store::TimePoint Database::CommandClock::now() const {
    return frozen_ ? *frozen_ : source_.now();
}

Database::Database(const store::Clock& clock) : command_clock_{clock}, keyspace_{command_clock_} {
    keyspace_.set_expired_listener([this](std::string_view key) { on_expired(key); });
}

std::optional<store::Type> Database::lookup_type(std::string_view key) {
    auto type = keyspace_.type(key);
    count_lookup(type.has_value());
    return type;
}

void Database::on_expired(std::string_view key) {
    ++stats.expired_keys;
    if (expired_listener_) expired_listener_(key);
}

bool Database::expire_if_needed(std::string_view key) {
    // Any lookup applies lazy expiry, and the keyspace reports a removal through on_expired(),
    // which counts it: a grown count is how we learn this lookup removed the key.
    const std::uint64_t before = stats.expired_keys;
    (void)keyspace_.exists(key);
    return stats.expired_keys != before;
}

ActiveExpireStats Database::active_expire(std::chrono::microseconds budget) {
    using SteadyClock = std::chrono::steady_clock;
    const auto start = SteadyClock::now();
    ActiveExpireStats cycle;
    while (keyspace_.expiring_count() > 0) {
        const store::ExpireSample sample = keyspace_.expire_some(active_expire_keys_per_loop);
        ++cycle.loops;
        cycle.keys_checked += sample.checked;
        cycle.keys_expired += sample.expired;
        if (cycle.loops % active_expire_loops_per_time_check == 0 &&
            SteadyClock::now() - start >= budget) {
            cycle.stopped_for_time = true;
            break;
        }
        // A loop that found only empty buckets says nothing about the stale share: go on.
        if (sample.checked > 0 &&
            sample.expired * 100 / sample.checked <= active_expire_acceptable_stale_percent) {
            break;
        }
    }
    return cycle;
}

void Database::signal_key_ready(std::string_view key) {
    if (std::find(ready_keys_.begin(), ready_keys_.end(), key) == ready_keys_.end()) {
        ready_keys_.emplace_back(key);
    }
}

std::vector<std::string> Database::take_ready_keys() {
    return std::exchange(ready_keys_, {});
}

}  // namespace cmd
