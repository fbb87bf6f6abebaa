// The Database: lazy and active expiry that report each expired key, read lookups that count
// hits and misses, and the ready-key list of lab 6. Introduced in lab 5.
#include "cmd/database.hpp"

#include <algorithm>
#include <utility>

namespace cmd {

store::TimePoint Database::CommandClock::now() const {
    return frozen_ ? *frozen_ : source_.now();
}

Database::Database(const store::Clock& clock) : command_clock_{clock}, keyspace_{command_clock_} {}

std::optional<std::string_view> Database::lookup_read(std::string_view key) {
    auto value = keyspace_.get(key);
    if (value) {
        ++stats.keyspace_hits;
    } else {
        ++stats.keyspace_misses;
    }
    return value;
}

bool Database::expire_if_needed(std::string_view key) {
    // The keyspace deletes an expired key on any lookup but does not say so; a smaller size
    // afterwards is how we learn it happened (see common/cmd/README.md, "Store additions").
    const std::size_t before = keyspace_.size();
    (void)keyspace_.exists(key);
    if (keyspace_.size() == before) return false;
    ++stats.expired_keys;
    if (expired_listener_) expired_listener_(key);
    return true;
}

std::size_t Database::active_expire(std::size_t max_keys) {
    // for_each() hides expired entries, so the keyspace is shown a time before every deadline
    // while we collect the ones that have passed `now`. Redis samples 20 keys of its separate
    // `expires` table per round; without such a table this walks every key: O(n) per call.
    const store::TimePoint now = command_clock_.now();
    std::vector<std::string> expired;
    command_clock_.pin(store::TimePoint::min());
    keyspace_.for_each([&](std::string_view key, const store::Entry& entry) {
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
