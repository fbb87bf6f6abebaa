// The Database: lazy and active expiry that report each expired key, read lookups that count
// hits and misses, and the ready-key list of lab 6. Introduced in lab 5.
#include "cmd/database.hpp"

#include <algorithm>
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

std::size_t Database::active_expire(std::size_t max_keys) {
    // for_each() hides expired entries, so the keyspace is shown a time before every deadline
    // while we collect the ones that have passed `now`. Redis samples 20 keys of its separate
    // `expires` table per round; without such a table this walks every key: O(n) per call.
    const store::TimePoint now = command_clock_.now();
    std::vector<std::string> expired;
    command_clock_.pin(store::TimePoint::min());
    keyspace_.for_each([&](std::string_view key, const store::EntryView& entry) {
        if (expired.size() < max_keys && entry.deadline && now > *entry.deadline) {
            expired.emplace_back(key);
        }
    });
    command_clock_.pin(now);
    for (const std::string& key : expired)
        expire_if_needed(key);
    command_clock_.unfreeze();
    return expired.size();
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
