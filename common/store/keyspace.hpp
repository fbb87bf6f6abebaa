// The keyspace: binary-safe keys mapped to values, each with an optional deadline, plus an
// estimate of the memory it uses. Introduced in lab 2; knows nothing of sockets, RESP or threads.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/clock.hpp"

namespace store {

/// What a key holds. Lab 2 stores strings only; lab 6 adds lists and sets.
struct Entry {
    std::string value;
    /// When the key stops existing; empty for a key that never expires (Redis's "persistent").
    std::optional<TimePoint> deadline;
};

/// The map from key to Entry, with lazy expiry and memory accounting.
///
/// Keys and values are arbitrary bytes (`\0` included): they are held in std::string, which
/// stores a length rather than relying on a terminator, and taken in as std::string_view.
///
/// Like Redis's keyspace it is single-threaded: callers serialise access (lab 5 with one lock,
/// lab 7 by running every command on one thread). Reads that find an expired key delete it on
/// the spot ("lazy expiry"), which is why get() and exists() are not const.
class Keyspace {
public:
    explicit Keyspace(const Clock& clock);

    /// Stores `value` under `key`, replacing any old value. Like Redis's SET, the old deadline is
    /// dropped unless a new one is given.
    void set(std::string_view key, std::string_view value,
             std::optional<TimePoint> deadline = std::nullopt);

    /// The value of a live key, or nothing. The view is valid until the next change to the map.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view key);

    /// Removes a key; true when it existed (and had not expired).
    bool del(std::string_view key);

    [[nodiscard]] bool exists(std::string_view key);

    /// Sets an absolute deadline on a live key; false when there is no such key.
    bool expire_at(std::string_view key, TimePoint deadline);

    /// Drops a key's deadline; true when the key existed and had one (Redis's PERSIST reply).
    bool persist(std::string_view key);

    /// The deadline of a live key: nothing when the key is missing *or* has no deadline;
    /// use exists() to tell the two apart (TTL answers -2 and -1 for them).
    [[nodiscard]] std::optional<TimePoint> deadline(std::string_view key);

    /// Number of keys, counting expired keys that no read has removed yet (Redis's DBSIZE
    /// counts them too, until active or lazy expiry catches them).
    [[nodiscard]] std::size_t size() const { return map_.size(); }

    /// Removes every key.
    void clear();

    /// Calls `visit(key, entry)` for every key that has not expired, without removing any:
    /// what a snapshot writes and KEYS lists.
    void for_each(const std::function<void(std::string_view, const Entry&)>& visit) const;

    /// Estimated bytes held by the keyspace: the sum of entry_cost() over every key, plus the
    /// hash table's bucket array. Kept up to date on every change (docs/lab2_store.md).
    [[nodiscard]] std::size_t used_bytes() const;

    /// The same figure recomputed from scratch by walking every entry; tests compare it with
    /// used_bytes() to prove the running total never drifts.
    [[nodiscard]] std::size_t recount_used_bytes() const;

    /// Estimated heap bytes one key costs: its hash-table node, and the heap blocks of key and
    /// value when they are too long for std::string's inline buffer.
    [[nodiscard]] static std::size_t entry_cost(const std::string& key, const Entry& entry);

private:
    // Heterogeneous lookup: find(std::string_view) without building a std::string per call.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

    /// Finds a key and applies lazy expiry: an expired key is deleted and reported missing.
    Map::iterator find_live(std::string_view key);
    [[nodiscard]] bool is_expired(const Entry& entry) const;
    void erase(Map::iterator position);

    const Clock& clock_;
    Map map_;
    std::size_t entry_bytes_ = 0;  // running sum of entry_cost() over map_
};

}  // namespace store
