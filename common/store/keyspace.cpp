// The keyspace of lab 2: lazy expiry and memory accounting over std::unordered_map, with the
// deadlines in an index of their own that active expiry samples. Lab 6 adds typed values, typed
// lookups and in-place edits of lists and sets.
#include "store/keyspace.hpp"

#include <algorithm>
#include <utility>

#include "store/memory_model.hpp"

namespace store {

namespace {

// A node of libstdc++'s unordered_map: the link to the next node and the key/value pair. It holds
// no cached hash code: libstdc++ caches one only for hashers it considers slow (its own
// std::hash<std::string>), and treats a user-supplied hasher such as Keyspace::Hash as fast.
// Since lab 6 the value is a std::variant<std::string, List, Set>, as large as its largest
// alternative plus an index; the deadline is not in the node but in the expiry index
// (docs/lab2_store.md).
constexpr std::size_t node_bytes =
    malloc_chunk(sizeof(void*) + sizeof(std::pair<const std::string, Value>));

// A node of the expiry index: the link, the pointer to the key and the deadline, three words like
// Redis's dictEntry, and no cached hash code (KeyPointerHash is a user-supplied hasher). Only
// keys with a deadline have one.
constexpr std::size_t index_node_bytes =
    malloc_chunk(sizeof(void*) + sizeof(std::pair<const std::string* const, TimePoint>));

// A hash table's bucket array: one pointer per bucket, in one heap block. A table of one bucket
// (a new or never-filled one) uses a pointer inside the table object and allocates nothing.
std::size_t bucket_array_bytes(std::size_t bucket_count) {
    return bucket_count > 1 ? malloc_chunk(bucket_count * sizeof(void*)) : 0;
}

// Redis's activeExpireCycle stops a loop after 20 buckets per key it wanted: empty buckets are
// cheap to skip, but a nearly empty table must not make one loop walk all of them.
constexpr std::size_t buckets_per_key_checked = 20;

// Redis resizes a table that fell under 10% full (HASHTABLE_MIN_FILL); std::unordered_map never
// shrinks by itself, and a sparse index makes expire_some() walk empty buckets.
constexpr std::size_t min_fill_percent = 10;
constexpr std::size_t min_buckets_to_shrink = 64;

// An empty string is a value (SET k ""); an empty list or set is not, and Redis deletes the key.
bool is_empty_aggregate(const Value& value) {
    if (const auto* list = std::get_if<List>(&value)) return list->empty();
    if (const auto* set = std::get_if<Set>(&value)) return set->empty();
    return false;
}

}  // namespace

Keyspace::Keyspace(const Clock& clock) : clock_{clock} {}

std::size_t Keyspace::node_cost(const std::string& key, const Value& value) {
    return node_bytes + string_heap_bytes(key) + heap_bytes(value);
}

std::size_t Keyspace::entry_cost(const std::string& key, const Entry& entry) {
    return node_cost(key, entry.value) + (entry.deadline ? index_node_bytes : 0);
}

void Keyspace::set(std::string_view key, std::string_view value,
                   std::optional<TimePoint> deadline) {
    auto position = map_.find(key);
    if (position == map_.end()) {
        position = map_.emplace(std::string{key}, std::string{value}).first;
    } else {
        // Reuse the existing node and, when it already holds a large enough string, its buffer.
        entry_bytes_ -= node_cost(position->first, position->second);
        if (auto* text = std::get_if<std::string>(&position->second)) {
            text->assign(value);
        } else {
            position->second = std::string{value};
        }
    }
    entry_bytes_ += node_cost(position->first, position->second);
    set_deadline(*position, deadline);
}

void Keyspace::replace(std::string_view key, Value value, std::optional<TimePoint> deadline) {
    if (is_empty_aggregate(value)) {
        del(key);
        return;
    }
    auto position = map_.find(key);
    if (position == map_.end()) {
        position = map_.emplace(std::string{key}, std::move(value)).first;
    } else {
        entry_bytes_ -= node_cost(position->first, position->second);
        position->second = std::move(value);
    }
    entry_bytes_ += node_cost(position->first, position->second);
    set_deadline(*position, deadline);
}

std::optional<std::string_view> Keyspace::get(std::string_view key) {
    const auto found = find<std::string>(key);
    if (!found.found()) return std::nullopt;
    return std::string_view{*found.value};
}

std::optional<Type> Keyspace::type(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    return type_of(position->second);
}

std::optional<Entry> Keyspace::take(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    // The cost is the node's before the value moves out: nothing is asked of a moved-from value.
    entry_bytes_ -= node_cost(position->first, position->second);
    Entry entry{std::move(position->second), deadline_of(key)};
    unlink(position);
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
    set_deadline(*position, deadline);
    return true;
}

bool Keyspace::persist(std::string_view key) {
    const auto position = find_live(key);
    return position != map_.end() && drop_deadline(key);
}

std::optional<TimePoint> Keyspace::deadline(std::string_view key) {
    const auto position = find_live(key);
    if (position == map_.end()) return std::nullopt;
    return deadline_of(key);
}

void Keyspace::clear() {
    expires_.clear();  // first: its entries point at map_'s keys
    map_.clear();
    entry_bytes_ = 0;
    expires_cursor_ = 0;
}

ExpireSample Keyspace::expire_some(std::size_t max_keys_checked) {
    ExpireSample sample;
    shrink_sparse_index();
    if (expires_.empty()) return sample;
    const TimePoint now = clock_.now();
    const std::size_t wanted = std::min(max_keys_checked, expires_.size());
    const std::size_t max_buckets = wanted * buckets_per_key_checked;
    for (std::size_t visited = 0; sample.checked < wanted && visited < max_buckets; ++visited) {
        // Nothing in the walk inserts, so the bucket count is fixed while it runs; but another
        // change since the last call may have rehashed the index. Its buckets then hold other
        // keys, and the walk simply goes on (or starts again at 0 if the table shrank), as
        // Redis's does after a resize: some keys are seen twice, some wait for the next round.
        if (expires_cursor_ >= expires_.bucket_count()) expires_cursor_ = 0;
        const std::size_t bucket = expires_cursor_++;
        for (auto position = expires_.begin(bucket); position != expires_.end(bucket);) {
            const auto [key, deadline] = *position;
            ++position;  // before the removal: erasing a node leaves the others' iterators valid
            ++sample.checked;
            if (now > deadline && remove_expired(*key)) ++sample.expired;
        }
    }
    return sample;
}

void Keyspace::for_each(
    const std::function<void(std::string_view, const EntryView&)>& visit) const {
    const TimePoint now = clock_.now();
    for (const auto& [key, value] : map_) {
        const auto deadline = deadline_of(key);
        if (!(deadline && now > *deadline)) visit(key, EntryView{value, deadline});
    }
}

std::size_t Keyspace::used_bytes() const {
    return entry_bytes_ + expires_.size() * index_node_bytes +
           bucket_array_bytes(map_.bucket_count()) + bucket_array_bytes(expires_.bucket_count());
}

std::size_t Keyspace::recount_used_bytes() const {
    // Counts the index through the keys, not through expires_.size(): an index entry whose key
    // is gone, or a key counted twice, makes the two figures differ.
    std::size_t total = 0;
    for (const auto& [key, value] : map_)
        total += node_cost(key, value) + (expires_.contains(&key) ? index_node_bytes : 0);
    return total + bucket_array_bytes(map_.bucket_count()) +
           bucket_array_bytes(expires_.bucket_count());
}

Keyspace::Map::iterator Keyspace::find_live(std::string_view key) {
    const auto position = map_.find(key);
    // A key with an open Edit handle is never expired under it (its node would dangle); with
    // the command clock frozen this cannot happen anyway, but a test's clock may move.
    if (position != map_.end() && expiry_mode_ != ExpiryMode::keep && is_expired(key) &&
        !is_open(*position)) {
        if (expiry_mode_ == ExpiryMode::hide) return map_.end();
        erase(position);
        if (expired_listener_) expired_listener_(key);
        return map_.end();
    }
    return position;
}

std::optional<TimePoint> Keyspace::deadline_of(std::string_view key) const {
    if (expires_.empty()) return std::nullopt;  // most keyspaces: no second lookup at all
    const auto position = expires_.find(key);
    if (position == expires_.end()) return std::nullopt;
    return position->second;
}

bool Keyspace::is_expired(std::string_view key) const {
    // As in Redis's keyIsExpired(): a key is still alive at its deadline, gone just after it.
    const auto deadline = deadline_of(key);
    return deadline && clock_.now() > *deadline;
}

void Keyspace::set_deadline(const Node& node, std::optional<TimePoint> deadline) {
    // The pointer is to the node's own key, never to the caller's argument, which may not
    // outlive the call. An existing entry for the key already points at this node's key.
    if (deadline) {
        expires_.insert_or_assign(&node.first, *deadline);
    } else {
        drop_deadline(node.first);
    }
}

bool Keyspace::drop_deadline(std::string_view key) {
    // erase() by a std::string_view is C++23; find() by one is C++20.
    if (expires_.empty()) return false;
    const auto position = expires_.find(key);
    if (position == expires_.end()) return false;
    expires_.erase(position);
    return true;
}

void Keyspace::erase(Map::iterator position) {
    entry_bytes_ -= node_cost(position->first, position->second);
    unlink(position);
}

void Keyspace::unlink(Map::iterator position) {
    drop_deadline(position->first);
    map_.erase(position);
}

bool Keyspace::remove_expired(std::string_view key) {
    const auto position = map_.find(key);
    if (is_open(*position)) return false;
    // `key` is the node's string, which erase() destroys: the listener hears a copy.
    const std::string name{key};
    erase(position);
    if (expired_listener_) expired_listener_(name);
    return true;
}

void Keyspace::shrink_sparse_index() {
    const std::size_t buckets = expires_.bucket_count();
    if (buckets < min_buckets_to_shrink || expires_.size() * 100 >= buckets * min_fill_percent) {
        return;
    }
    expires_.rehash(0);  // the fewest buckets that hold size() keys at the maximum load factor
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
        open_edits_.push_back(OpenEdit{&node, 1, node_cost(node.first, node.second)});
    }
}

void Keyspace::close_edit(Node& node) {
    const auto open = std::find_if(open_edits_.begin(), open_edits_.end(),
                                   [&](const OpenEdit& edit) { return edit.node == &node; });
    if (--open->handles > 0) return;
    const std::size_t cost_at_open = open->cost_at_open;
    open_edits_.erase(open);
    entry_bytes_ += node_cost(node.first, node.second);
    entry_bytes_ -= cost_at_open;
    if (is_empty_aggregate(node.second)) erase(map_.find(node.first));
}

}  // namespace store
