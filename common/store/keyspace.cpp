// The keyspace of lab 2: lazy expiry and memory accounting over std::unordered_map. Lab 6 adds
// typed values, typed lookups and in-place edits of lists and sets.
#include "store/keyspace.hpp"

#include <algorithm>
#include <utility>

#include "store/memory_model.hpp"

namespace store {

namespace {

// A node of libstdc++'s unordered_map: the link to the next node and the key/value pair. It holds
// no cached hash code: libstdc++ caches one only for hashers it considers slow (its own
// std::hash<std::string>), and treats a user-supplied hasher such as Keyspace::Hash as fast.
// Since lab 6 the Entry holds a std::variant<std::string, List, Set>, as large as its largest
// alternative plus an index, so every key's node grew, strings included (docs/lab2_store.md).
constexpr std::size_t node_bytes =
    malloc_chunk(sizeof(void*) + sizeof(std::pair<const std::string, Entry>));

// An empty string is a value (SET k ""); an empty list or set is not, and Redis deletes the key.
bool is_empty_aggregate(const Value& value) {
    if (const auto* list = std::get_if<List>(&value)) return list->empty();
    if (const auto* set = std::get_if<Set>(&value)) return set->empty();
    return false;
}

}  // namespace

Keyspace::Keyspace(const Clock& clock) : clock_{clock} {}

std::size_t Keyspace::entry_cost(const std::string& key, const Entry& entry) {
    return node_bytes + string_heap_bytes(key) + heap_bytes(entry.value);
}

void Keyspace::set(std::string_view key, std::string_view value,
                   std::optional<TimePoint> deadline) {
    auto position = map_.find(key);
    if (position == map_.end()) {
        position = map_.emplace(std::string{key}, Entry{std::string{value}, deadline}).first;
    } else {
        // Reuse the existing node and, when it already holds a large enough string, its buffer.
        entry_bytes_ -= entry_cost(position->first, position->second);
        if (auto* text = std::get_if<std::string>(&position->second.value)) {
            text->assign(value);
        } else {
            position->second.value = std::string{value};
        }
        position->second.deadline = deadline;
    }
    entry_bytes_ += entry_cost(position->first, position->second);
}

void Keyspace::replace(std::string_view key, Value value, std::optional<TimePoint> deadline) {
    if (is_empty_aggregate(value)) {
        del(key);
        return;
    }
    auto position = map_.find(key);
    if (position == map_.end()) {
        position = map_.emplace(std::string{key}, Entry{std::move(value), deadline}).first;
    } else {
        entry_bytes_ -= entry_cost(position->first, position->second);
        position->second = Entry{std::move(value), deadline};
    }
    entry_bytes_ += entry_cost(position->first, position->second);
}

std::optional<std::string_view> Keyspace::get(std::string_view key) {
    const auto found = find<std::string>(key);
    if (!found.found()) return std::nullopt;
    return std::string_view{*found.value};
}

std::optional<Type> Keyspace::type(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    return type_of(position->second.value);
}

std::optional<Entry> Keyspace::take(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    entry_bytes_ -= entry_cost(position->first, position->second);
    Entry entry = std::move(position->second);
    map_.erase(position);
    return entry;
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
    // A key with an open Edit handle is never expired under it (its node would dangle); with
    // the command clock frozen this cannot happen anyway, but a test's clock may move.
    if (position != map_.end() && is_expired(position->second) && !is_open(*position)) {
        erase(position);
        if (expired_listener_) expired_listener_(key);
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

bool Keyspace::is_open(const Node& node) const {
    return std::any_of(open_edits_.begin(), open_edits_.end(),
                       [&](const OpenEdit& edit) { return edit.node == &node; });
}

void Keyspace::open_edit(Node& node) {
    const auto open = std::find_if(open_edits_.begin(), open_edits_.end(),
                                   [&](const OpenEdit& edit) { return edit.node == &node; });
    if (open != open_edits_.end()) {
        ++open->handles;  // a second handle on the same key (LMOVE a a): the first one's cost
                          // stands
    } else {
        open_edits_.push_back(OpenEdit{&node, 1, entry_cost(node.first, node.second)});
    }
}

void Keyspace::close_edit(Node& node) {
    const auto open = std::find_if(open_edits_.begin(), open_edits_.end(),
                                   [&](const OpenEdit& edit) { return edit.node == &node; });
    if (--open->handles > 0) return;
    const std::size_t cost_at_open = open->cost_at_open;
    open_edits_.erase(open);
    entry_bytes_ += entry_cost(node.first, node.second);
    entry_bytes_ -= cost_at_open;
    if (is_empty_aggregate(node.second.value)) erase(map_.find(node.first));
}

}  // namespace store
