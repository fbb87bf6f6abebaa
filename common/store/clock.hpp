// Time for the keyspace: deadlines are absolute Unix times in milliseconds, and the clock is
// injected so tests can move time by hand. Introduced in lab 2.
#pragma once

#include <chrono>

namespace store {

/// A point in Unix time with millisecond resolution: the unit of Redis's PXAT and PEXPIREAT,
/// and what snapshots and the append-only file store, so a deadline survives a restart.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

/// Where the keyspace reads "now". Abstract so that tests drive expiry with ManualClock
/// instead of sleeping; the servers use SystemClock.
class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual TimePoint now() const = 0;
};

/// The wall clock, like Redis's mstime(). Wall time, not steady time, because deadlines are
/// absolute and must mean the same instant after a restart.
class SystemClock final : public Clock {
public:
    [[nodiscard]] TimePoint now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
    }
};

/// A clock that stands still until told to move: for tests.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start = TimePoint{std::chrono::milliseconds{1'700'000'000'000}})
        : now_{start} {}

    [[nodiscard]] TimePoint now() const override { return now_; }
    void set(TimePoint now) { now_ = now; }
    void advance(std::chrono::milliseconds by) { now_ += by; }

private:
    TimePoint now_;
};

}  // namespace store
