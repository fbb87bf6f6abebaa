// The database the commands work on: the keyspace, a per-command clock, the change counter,
// expiry (lazy and active) that reports each expired key, hit/miss counts, and the keys that
// became ready for blocked clients (lab 6). Introduced in lab 5.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace cmd {

/// What one active expiry cycle did (Database::active_expire()).
struct ActiveExpireStats {
    std::size_t loops = 0;          ///< calls of Keyspace::expire_some()
    std::size_t keys_checked = 0;   ///< keys with a deadline looked at
    std::size_t keys_expired = 0;   ///< of those, expired and removed
    bool stopped_for_time = false;  ///< the budget ran out before a loop found few expired keys
};

/// Counters INFO stats shows for the keyspace; CONFIG RESETSTAT zeroes them.
struct KeyspaceStats {
    std::uint64_t expired_keys = 0;
    std::uint64_t keyspace_hits = 0;
    std::uint64_t keyspace_misses = 0;
};

/// Redis's `redisDb` plus the server-wide counters that belong to data (dirty, expired keys).
///
/// Time stands still during a command. The keyspace reads the time through the Database's
/// command clock, which the Dispatcher freezes when a command starts (Redis 7 does the same
/// with its command start time): a key cannot expire half-way through a command, so a
/// command sees one consistent keyspace, and a key that was live when the Dispatcher checked
/// it is still live when the handler reads it.
class Database {
public:
    /// Called with the name of each key removed because it expired (lazily or actively),
    /// after it is gone: the Dispatcher propagates it as `DEL key`.
    using ExpiredListener = std::function<void(std::string_view key)>;

    /// `clock` is the real time source (SystemClock, or ManualClock in tests); it must outlive
    /// the Database.
    explicit Database(const store::Clock& clock);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// The keyspace. Handlers use it directly; so does the server to load a snapshot.
    [[nodiscard]] store::Keyspace& keyspace() { return keyspace_; }
    [[nodiscard]] const store::Keyspace& keyspace() const { return keyspace_; }

    /// Now, as the current command sees it (frozen during a command).
    [[nodiscard]] store::TimePoint now() const { return command_clock_.now(); }
    /// Freezes the time for one command; unfreeze() lets it run again. The Dispatcher's job.
    void freeze_time() { command_clock_.freeze(); }
    void unfreeze_time() { command_clock_.unfreeze(); }

    /// A typed read lookup, counted as a keyspace hit or miss (Redis's lookupKeyRead): GET,
    /// MGET, GETRANGE, STRLEN... A key of another type counts as a hit, as in Redis, where the
    /// type check comes after the lookup. Writes use keyspace() directly and are not counted.
    template <class T>
    [[nodiscard]] store::Lookup<T> lookup_read(std::string_view key) {
        auto found = keyspace_.find<T>(key);
        count_lookup(found.access != store::Access::missing);
        return found;
    }

    /// The type of a key, counted like lookup_read(): EXISTS, TYPE, TTL, which take any type.
    [[nodiscard]] std::optional<store::Type> lookup_type(std::string_view key);

    /// Removes `key` if it has expired, reporting it to the listener and counting it in
    /// expired_keys; true when it did. Commands call it (through the Dispatcher) for every key
    /// they name before they run.
    bool expire_if_needed(std::string_view key);

    /// Keys a loop of active expiry looks at (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
    static constexpr std::size_t active_expire_keys_per_loop = 20;
    /// Another loop runs while more than this percentage of a loop's keys had expired
    /// (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE): below it, expired keys are rare enough to be left
    /// to lazy expiry and the next cycle.
    static constexpr std::size_t active_expire_acceptable_stale_percent = 10;
    /// The time budget is checked once every this many loops, as in Redis: a loop costs about a
    /// microsecond, a clock reading a good part of that.
    static constexpr std::size_t active_expire_loops_per_time_check = 16;

    /// Active expiry, Redis's activeExpireCycle (its "slow" cycle, run by the cron): loops of
    /// Keyspace::expire_some(20), each continuing the walk of the expiry index where the last
    /// one stopped, repeated while more than 10% of a loop's keys had expired, until `budget`
    /// is spent (checked every 16 loops, so a zero budget still runs 16). Each expired key is
    /// reported to the listener and counted in expired_keys. The time the keys are judged by
    /// is the command clock's: the Dispatcher freezes it around the whole cycle, where Redis
    /// reads the time again for each loop (a cycle lasts a quarter of a cron period at most).
    ActiveExpireStats active_expire(std::chrono::microseconds budget);

    void set_expired_listener(ExpiredListener listener) { expired_listener_ = std::move(listener); }

    /// The change counter (Redis's server.dirty): every change to the data adds to it. Never
    /// goes down; the Dispatcher compares it before and after a command to decide whether to
    /// propagate.
    [[nodiscard]] std::uint64_t changes() const { return changes_; }
    void add_changes(std::uint64_t count = 1) { changes_ += count; }
    /// Changes since the last successful snapshot (INFO rdb_changes_since_last_save; the
    /// save points compare it with their thresholds).
    [[nodiscard]] std::uint64_t changes_since_save() const { return changes_ - changes_at_save_; }
    /// Records a successful snapshot that saw the data as of `changes_at_start` (the value of
    /// changes() when the snapshot was taken; later changes still count as unsaved).
    void mark_saved(std::uint64_t changes_at_start) { changes_at_save_ = changes_at_start; }

    KeyspaceStats stats;

    /// Lab 6, blocking: a write that may serve a blocked client (LPUSH on a list, ...) calls
    /// it with the key. The server takes the list after each command and retries the clients
    /// blocked on those keys, oldest first (Redis's signalKeyAsReady / handleClientsBlockedOnKeys).
    void signal_key_ready(std::string_view key);
    /// The keys signalled since the last call, each once, in signal order.
    [[nodiscard]] std::vector<std::string> take_ready_keys();

private:
    void count_lookup(bool hit) { ++(hit ? stats.keyspace_hits : stats.keyspace_misses); }
    void on_expired(std::string_view key);

    /// The time source of the keyspace: the real clock, or a frozen reading of it.
    class CommandClock final : public store::Clock {
    public:
        explicit CommandClock(const store::Clock& source) : source_{source} {}
        [[nodiscard]] store::TimePoint now() const override;
        void freeze() { frozen_ = source_.now(); }
        void unfreeze() { frozen_.reset(); }

    private:
        const store::Clock& source_;
        std::optional<store::TimePoint> frozen_;
    };

    CommandClock command_clock_;
    store::Keyspace keyspace_;
    ExpiredListener expired_listener_;
    std::uint64_t changes_ = 0;
    std::uint64_t changes_at_save_ = 0;
    std::vector<std::string> ready_keys_;
};

}  // namespace cmd
