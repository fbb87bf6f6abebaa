// The server's cron: a background thread that wakes `hz` times a second to do the periodic
// work (active expiry, save points), Redis's serverCron on a thread. Introduced in lab 5.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace server {

/// Calls `tick` repeatedly; each call returns how long to sleep before the next one. The
/// destructor (or stop()) wakes the thread at once and joins it.
///
/// The tick takes the command lock itself: the cron competes for it like any client, which
/// is why a tick must stay short (Redis gives active expiry 25% of the period).
class Cron {
public:
    using Tick = std::function<std::chrono::milliseconds()>;

    explicit Cron(Tick tick);
    Cron(const Cron&) = delete;
    Cron& operator=(const Cron&) = delete;
    ~Cron() { stop(); }

    /// Stops the thread after the current tick and waits for it.
    void stop();

private:
    void loop(std::stop_token stop);

    Tick tick_;
    std::mutex mutex_;  // for the wait only
    std::condition_variable_any wake_;
    std::jthread thread_;  // last: started once the members above exist
};

}  // namespace server
