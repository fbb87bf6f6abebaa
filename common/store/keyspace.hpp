// The keyspace: binary-safe keys mapped to typed values, the deadlines of the keys that have one
// in an index of their own, and an estimate of the memory it uses. Introduced in lab 2 (strings);
// lab 6 makes the values typed. Knows nothing of sockets, RESP or threads.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "store/clock.hpp"
#include "store/value.hpp"

namespace store {

/// A key's value and deadline, handed over whole: what take() returns and what replace()
/// stores. The keyspace itself keeps the two apart (the value in the key's node, the deadline in
/// the expiry index), so this is an exchange type, not how an entry is stored.
struct Entry {
    Value value;
    /// When the key stops existing; empty for a key that never expires (Redis's "persistent").
    std::optional<TimePoint> deadline;
};

/// A live key's value and deadline as for_each() shows them: the value is the one in the
/// keyspace (valid until its next change), the deadline a copy from the expiry index.
struct EntryView {
    const Value& value;
    std::optional<TimePoint> deadline;
};

/// What one Keyspace::expire_some() call did: how many keys with a deadline it looked at, and
/// how many of those had expired and were removed.
struct ExpireSample {
    std::size_t checked = 0;
    std::size_t expired = 0;
};

/// The outcome of a typed lookup: Redis's commands tell a missing key (treated as empty) from a
/// key of another type (a WRONGTYPE error), so a plain "found or not" is not enough.
enum class Access { found, missing, wrong_type };

/// A typed read lookup: `value` points at the key's value exactly when access is found, and is
/// valid until the next change to the keyspace.
template <class T>
struct Lookup {
    Access access = Access::missing;
    const T* value = nullptr;

    [[nodiscard]] bool found() const { return access == Access::found; }
};

/// Whether Keyspace::edit() creates a missing key (LPUSH, SADD) or reports it (LPOP, SREM).
enum class Create { no, if_missing };

class Keyspace;

/// A list or set of a live key, open for changes in place (Keyspace::edit()).
///
/// Lists and sets keep their own running byte totals, but the keyspace's total cannot see a
/// change made through a reference. So the handle is RAII: the keyspace notes the entry's cost
/// when the first handle on a key opens, and when the last one closes it adds the difference to
/// used_bytes(), or deletes the key if the value became empty (Redis never keeps an empty list
/// or set). Two handles may be open at once, on two keys or on the same one (LMOVE a a), which
/// is why the keyspace counts them per key instead of each handle correcting on its own.
///
/// While a handle is open, del(), replace() or clear() on its key must not be called.
template <class T>
class Edit {
public:
    Edit(const Edit&) = delete;
    Edit& operator=(const Edit&) = delete;
    ~Edit();

    [[nodiscard]] Access access() const { return access_; }
    [[nodiscard]] bool found() const { return access_ == Access::found; }
    /// True when edit() created the key for this handle (it did not exist before).
    [[nodiscard]] bool created() const { return created_; }
    /// The value; requires found().
    [[nodiscard]] T& operator*() const { return std::get<T>(node_->second); }
    [[nodiscard]] T* operator->() const { return &**this; }

private:
    friend class Keyspace;
    using Node = std::pair<const std::string, Value>;
    Edit(Keyspace& keyspace, Node* node, Access access, bool created)
        : keyspace_{keyspace}, node_{node}, access_{access}, created_{created} {}

    Keyspace& keyspace_;
    Node* node_;  // the map's node: unlike an iterator, it survives rehashing by other inserts
    Access access_;
    bool created_;
};

/// What a lookup does with a key whose deadline has passed (Redis's expireIfNeeded()).
enum class ExpiryMode {
    remove,  ///< a master's rule: delete it, report it to the listener, answer "missing"
    hide,    ///< a replica serving its clients (lab 8): answer "missing" but keep the key;
             ///< only the master's DEL removes it, so the replica never drifts from the master
    keep,    ///< a replica running its master's stream (lab 8): the key is still there, as it
             ///< is on the master until the master's DEL arrives
};

/// The map from key to value, an index of the deadlines, lazy and active expiry, and memory
/// accounting.
///
/// Keys and values are arbitrary bytes (`\0` included): they are held in std::string, which
/// stores a length rather than relying on a terminator, and taken in as std::string_view.
///
/// Deadlines live apart from the values, as in Redis's `db->expires`: a second hash table holds
/// only the keys that have one, so a key without a TTL pays nothing for it, and active expiry
/// samples keys that can expire instead of walking every key (expire_some()).
///
/// Like Redis's keyspace it is single-threaded: callers serialise access (lab 5 with one lock,
/// lab 7 by running every command on one thread). Reads that find an expired key delete it on
/// the spot ("lazy expiry"), which is why get() and exists() are not const.
class Keyspace {
public:
    explicit Keyspace(const Clock& clock);
    // Not copyable: a copy of the expiry index would view the key strings of the original.
    // A copy of the data is made key by key (for_each() and replace(), as BackgroundSave does).
    Keyspace(const Keyspace&) = delete;
    Keyspace& operator=(const Keyspace&) = delete;

    /// Called with the name of each key that lazy or active expiry removes, after it is gone.
    using ExpiredListener = std::function<void(std::string_view key)>;

    /// Stores the string `value` under `key`, replacing any old value of any type. Like Redis's
    /// SET, the old deadline is dropped unless a new one is given.
    void set(std::string_view key, std::string_view value,
             std::optional<TimePoint> deadline = std::nullopt);

    /// Stores any value under `key`, replacing any old value and deadline (snapshot loading,
    /// RENAME, a BGSAVE copy). An empty list or set is not stored: the key is removed, as
    /// Redis never keeps an empty aggregate.
    void replace(std::string_view key, Value value, std::optional<TimePoint> deadline);

    /// The value of a live key holding a string; nothing for a missing key *or* one of another
    /// type (use find<std::string>() to tell them apart). Valid until the next change.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view key);

    /// A typed read lookup: found, missing, or holding another type (WRONGTYPE).
    template <class T>
    [[nodiscard]] Lookup<T> find(std::string_view key) {
        const auto position = find_live(key);
        if (position == map_.end()) return {};
        const T* value = std::get_if<T>(&position->second);
        if (!value) return {Access::wrong_type, nullptr};
        return {Access::found, value};
    }

    /// The type of a live key, or nothing when it is missing.
    [[nodiscard]] std::optional<Type> type(std::string_view key);

    /// Opens the list or set of `key` for changes in place (see Edit). With Create::if_missing
    /// a missing key is created holding an empty T, without a deadline; if it is still empty
    /// when the handle closes, it is removed again.
    template <class T>
    [[nodiscard]] Edit<T> edit(std::string_view key, Create create = Create::no) {
        static_assert(!std::is_same_v<T, std::string>, "strings are replaced with set()");
        auto position = find_live(key);
        bool created = false;
        if (position == map_.end()) {
            if (create == Create::no) return Edit<T>{*this, nullptr, Access::missing, false};
            // A key hidden as expired (ExpiryMode::hide) is replaced, not reused: a write
            // treats it as gone, as Redis's writes force the deletion of an expired key.
            if (const auto hidden = map_.find(key); hidden != map_.end()) erase(hidden);
            position = map_.emplace(std::string{key}, Value{T{}}).first;
            entry_bytes_ += node_cost(position->first, position->second);
            created = true;
        } else if (!std::holds_alternative<T>(position->second)) {
            return Edit<T>{*this, nullptr, Access::wrong_type, false};
        }
        open_edit(*position);
        return Edit<T>{*this, &*position, Access::found, created};
    }

    /// Removes a key and hands over its entry, value and deadline, without copying (RENAME).
    [[nodiscard]] std::optional<Entry> take(std::string_view key);

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

    /// Number of keys with a deadline, expired ones included: the size of the expiry index
    /// (Redis's `dictSize(db->expires)`).
    [[nodiscard]] std::size_t expiring_count() const { return expires_.size(); }

    /// Removes every key.
    void clear();

    /// Expiry is invisible to the caller of a lookup; the command layer needs to know, to count
    /// expired keys and to propagate `DEL key` to the AOF and replicas. The listener must not
    /// change the keyspace (expire_some() calls it in the middle of its walk).
    void set_expired_listener(ExpiredListener listener) { expired_listener_ = std::move(listener); }

    /// How lookups treat expired keys from now on; ExpiryMode::remove unless changed. Active
    /// expiry (expire_some()) removes expired keys whatever the mode: a replica does not call it.
    void set_expiry_mode(ExpiryMode mode) { expiry_mode_ = mode; }
    [[nodiscard]] ExpiryMode expiry_mode() const { return expiry_mode_; }

    /// One step of active expiry (one loop of Redis's activeExpireCycle): walks the expiry
    /// index's buckets from where the last call stopped, looking at every key in each bucket,
    /// until it has looked at `max_keys_checked` keys (or at as many as have a deadline, when
    /// fewer) or visited 20 buckets per key asked for; removes the expired ones and reports each
    /// to the expired listener. It may look at a few more keys than asked, to finish a bucket.
    /// The cycle that decides how many steps to take is cmd::Database::active_expire().
    [[nodiscard]] ExpireSample expire_some(std::size_t max_keys_checked);

    /// Calls `visit(key, entry)` for every key that has not expired, without removing any:
    /// what a snapshot writes and KEYS lists.
    void for_each(const std::function<void(std::string_view, const EntryView&)>& visit) const;

    /// Estimated bytes held by the keyspace: the sum of entry_cost() over every key, plus the
    /// bucket arrays of the two hash tables. Kept up to date on every change
    /// (docs/lab2_store.md).
    [[nodiscard]] std::size_t used_bytes() const;

    /// The same figure recomputed from scratch by walking every entry; tests compare it with
    /// used_bytes() to prove the running total never drifts.
    [[nodiscard]] std::size_t recount_used_bytes() const;

    /// Estimated heap bytes one key costs: its hash-table node (which holds the key and the
    /// std::variant value), the key's heap block when it is too long for std::string's inline
    /// buffer, the value's heap_bytes(), and for a key with a deadline its node in the expiry
    /// index.
    [[nodiscard]] static std::size_t entry_cost(const std::string& key, const Entry& entry);

private:
    template <class T>
    friend class Edit;
    using Node = std::pair<const std::string, Value>;

    // Heterogeneous lookup: find(std::string_view) without building a std::string per call.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    using Map = std::unordered_map<std::string, Value, Hash, std::equal_to<>>;
    // The expiry index, Redis's `db->expires`: key to deadline for the keys that have one. An
    // entry points at the key string in map_'s node, as a Redis expires entry shares the main
    // dict's sds key, so no key is stored twice; a node-based map never moves its nodes, so the
    // pointer stays valid until the key is erased, and unlink() removes the index entry first.
    // The hash and the equality read the string pointed at, and also take a std::string_view
    // (C++20's heterogeneous lookup), so find(key) needs no node of map_ in hand.
    struct KeyPointerHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept {
            return std::hash<std::string_view>{}(key);
        }
        std::size_t operator()(const std::string* key) const noexcept { return (*this)(*key); }
    };
    struct KeyPointerEqual {
        using is_transparent = void;
        static std::string_view text(std::string_view key) { return key; }
        static std::string_view text(const std::string* key) { return *key; }
        template <class Left, class Right>
        bool operator()(const Left& left, const Right& right) const {
            return text(left) == text(right);
        }
    };
    using ExpiryIndex =
        std::unordered_map<const std::string*, TimePoint, KeyPointerHash, KeyPointerEqual>;

    /// What entry_bytes_ sums per key: everything entry_cost() counts but the expiry index.
    [[nodiscard]] static std::size_t node_cost(const std::string& key, const Value& value);

    /// Finds a key and applies lazy expiry as the ExpiryMode says: by default an expired key is
    /// deleted and reported missing.
    Map::iterator find_live(std::string_view key);
    [[nodiscard]] std::optional<TimePoint> deadline_of(std::string_view key) const;
    [[nodiscard]] bool is_expired(std::string_view key) const;
    // Gives the key of `node` this deadline in the index, or takes it out of the index.
    void set_deadline(const Node& node, std::optional<TimePoint> deadline);
    // Takes a key out of the index; true when it was there.
    bool drop_deadline(std::string_view key);
    // The single place a key and its cost leave the keyspace (take() moves the value out first
    // and calls unlink() itself).
    void erase(Map::iterator position);
    // Removes the key's index entry first (it views the node's key), then the node.
    void unlink(Map::iterator position);
    // expire_some()'s removal of one key found expired in the index; false if an Edit has it.
    bool remove_expired(std::string_view key);
    // Rehashes the expiry index to fit when mass expiry left it mostly empty buckets.
    void shrink_sparse_index();
    // Edit's bookkeeping: the first open on a node records its cost; the last close corrects
    // entry_bytes_ by the difference, or removes the key when its value became empty.
    [[nodiscard]] bool is_open(const Node& node) const;
    void open_edit(Node& node);
    void close_edit(Node& node);

    // An entry with open Edit handles: how many, and its cost when the first one opened.
    struct OpenEdit {
        const Node* node;
        std::size_t handles;
        std::size_t cost_at_open;
    };

    const Clock& clock_;
    Map map_;
    ExpiryIndex expires_;
    std::size_t expires_cursor_ = 0;    // the next bucket of expires_ that expire_some() visits
    std::size_t entry_bytes_ = 0;       // running sum of node_cost() over map_
    std::vector<OpenEdit> open_edits_;  // at most two (LMOVE, SMOVE): a vector beats a map
    ExpiredListener expired_listener_;
    ExpiryMode expiry_mode_ = ExpiryMode::remove;
};

template <class T>
Edit<T>::~Edit() {
    if (node_) keyspace_.close_edit(*node_);
}

}  // namespace store
