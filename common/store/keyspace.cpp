// The keyspace of lab 2: lazy expiry and memory accounting over std::unordered_map.
#include "store/keyspace.hpp"

#include <utility>

#include "store/memory_model.hpp"

namespace store {

namespace {

// A node of libstdc++'s unordered_map: the link to the next node and the key/value pair. It holds
// no cached hash code: libstdc++ caches one only for hashers it considers slow (its own
// std::hash<std::string>), and treats a user-supplied hasher such as Keyspace::Hash as fast.
constexpr std::size_t node_bytes =
    malloc_chunk(sizeof(void*) + sizeof(std::pair<const std::string, Entry>));

}  // namespace

Keyspace::Keyspace(const Clock& clock) : clock_{clock} {}

std::size_t Keyspace::entry_cost(const std::string& key, const Entry& entry) {
    return node_bytes + string_heap_bytes(key) + string_heap_bytes(entry.value);
}

void Keyspace::set(std::string_view key, std::string_view value,
                   std::optional<TimePoint> deadline) {
    auto position = map_.find(key);
    if (position == map_.end()) {
        position = map_.emplace(std::string{key}, Entry{std::string{value}, deadline}).first;
    } else {
        // Reuse the existing node and, when it is large enough, the value's buffer.
        entry_bytes_ -= entry_cost(position->first, position->second);
        position->second.value.assign(value);
        position->second.deadline = deadline;
    }
    entry_bytes_ += entry_cost(position->first, position->second);
}

std::optional<std::string_view> Keyspace::get(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    return std::string_view{position->second.value};
}

bool Keyspace::del(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return false;
    erase(position);
    return true;
}

bool Keyspace::exists(std::string_view key) {
    return find_live(key) != map_.end();
}

bool Keyspace::expire_at(std::string_view key, TimePoint deadline) {
    const auto position = find_live(key);
    if (position == map_.end()) return false;
    position->second.deadline = deadline;
    return true;
}

bool Keyspace::persist(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end() || !position->second.deadline) return false;
    position->second.deadline.reset();
    return true;
}

std::optional<TimePoint> Keyspace::deadline(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    return position->second.deadline;
}

void Keyspace::clear() {
    map_.clear();
    entry_bytes_ = 0;
}

void Keyspace::for_each(const std::function<void(std::string_view, const Entry&)>& visit) const {
    for (const auto& [key, entry] : map_) {
        if (!is_expired(entry)) visit(key, entry);
    }
}

std::size_t Keyspace::used_bytes() const {
    // The bucket array: one pointer per bucket, in one heap block.
    return entry_bytes_ + malloc_chunk(map_.bucket_count() * sizeof(void*));
}

std::size_t Keyspace::recount_used_bytes() const {
    std::size_t total = 0;
    for (const auto& [key, entry] : map_)
        total += entry_cost(key, entry);
    return total + malloc_chunk(map_.bucket_count() * sizeof(void*));
}

Keyspace::Map::iterator Keyspace::find_live(std::string_view key) {
    const auto position = map_.find(key);
    if (position != map_.end() && is_expired(position->second)) {
        erase(position);
        return map_.end();
    }
    return position;
}

bool Keyspace::is_expired(const Entry& entry) const {
    // As in Redis's keyIsExpired(): a key is still alive at its deadline, gone just after it.
    return entry.deadline && clock_.now() > *entry.deadline;
}

void Keyspace::erase(Map::iterator position) {
    entry_bytes_ -= entry_cost(position->first, position->second);
    map_.erase(position);
}

}  // namespace store
