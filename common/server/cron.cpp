// The cron thread of the blocking server. Introduced in lab 5.
#include "server/cron.hpp"

#include <utility>

namespace server {

Cron::Cron(Tick tick) : tick_{std::move(tick)} {
    thread_ = std::jthread{[this](std::stop_token stop) { loop(std::move(stop)); }};
}

void Cron::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();  // wakes wait_for() below through the stop token
    thread_.join();
}

void Cron::loop(std::stop_token stop) {
    while (!stop.stop_requested()) {
        const std::chrono::milliseconds pause = tick_();
        std::unique_lock lock{mutex_};
        // Returns early when a stop is requested: shutdown does not wait for a whole period.
        wake_.wait_for(lock, stop, pause, [] { return false; });
    }
}

}  // namespace server
