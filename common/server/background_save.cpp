// The background save of the blocking server: a copy and a thread. Introduced in lab 5.
#include "server/background_save.hpp"

#include <exception>
#include <utility>

#include "persist/snapshot_format.hpp"

namespace server {

namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

BackgroundSave::BackgroundSave(const store::Keyspace& keyspace, std::filesystem::path path,
                               store::TimePoint now, std::uint64_t changes)
    : clock_{now}, copy_{clock_} {
    const auto start = SteadyClock::now();
    keyspace.for_each([this](std::string_view key, const store::EntryView& entry) {
        copy_.replace(key, entry.value, entry.deadline);
        ++keys_copied_;
    });
    copy_time_ = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
    result_.changes_at_start = changes;
    thread_ = std::jthread{[this, target = std::move(path)] { run(target); }};
}

void BackgroundSave::run(std::filesystem::path path) {
    const auto start = SteadyClock::now();
    try {
        result_.stats = persist::save_any(copy_, path, clock_.now());
        result_.ok = true;
    } catch (const std::exception& failure) {
        // Not only PersistError: std::bad_alloc of a big copy must not end the process.
        result_.error = failure.what();
    }
    result_.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    result_.finished_at =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    done_.store(true, std::memory_order_release);
}

std::string BackgroundSave::started_message() const {
    return "copied " + std::to_string(keys_copied_) + " keys in " +
           std::to_string(copy_time_.count()) + " us under the lock";
}

BackgroundSaveResult BackgroundSave::finish() {
    if (thread_.joinable()) thread_.join();
    return result_;
}

}  // namespace server
