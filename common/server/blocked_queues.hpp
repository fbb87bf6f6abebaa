// The clients parked in blocking commands (BLPOP, BLMOVE...), per key and in arrival order, and
// Redis's rule for serving them. Shared by lab 5's blocking server and lab 7's event loop, which
// differ only in how a parked client waits. Introduced in lab 6.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/database.hpp"
#include "store/keyspace.hpp"
#include "store/list.hpp"

namespace server {

/// Per key, the clients waiting on it, oldest first (Redis's db->blocking_keys). `Waiter` is
/// whatever the server parks: lab 5 a thread's BlockedClient, lab 7 a Client. Not thread-safe:
/// lab 5 uses it under its command lock, lab 7 on its one thread.
template <class Waiter>
class BlockedQueues {
public:
    /// Parks `waiter` at the end of the queue of each of `keys` (a key named twice, as in
    /// `BLPOP k k 0`, queues it once).
    void park(Waiter& waiter, const std::vector<std::string>& keys) {
        std::vector<std::string_view> queued;
        for (const std::string& key : keys) {
            if (std::find(queued.begin(), queued.end(), key) != queued.end()) continue;
            queued.push_back(key);
            auto position = queues_.find(key);
            if (position == queues_.end()) {
                position = queues_.emplace(key, std::deque<Waiter*>{}).first;
            }
            position->second.push_back(&waiter);
        }
    }

    /// Removes `waiter` from every queue (served, timed out, gone).
    void forget(const Waiter& waiter) {
        for (auto position = queues_.begin(); position != queues_.end();) {
            auto& queue = position->second;
            queue.erase(std::remove(queue.begin(), queue.end(), &waiter), queue.end());
            position = queue.empty() ? queues_.erase(position) : std::next(position);
        }
    }

    /// Redis's handleClientsBlockedOnKeys(), run after each command: for every key the command
    /// made ready (Database::signal_key_ready()), retries the clients waiting on it, oldest
    /// first, until the list is empty again; loops while the retries make more keys ready
    /// (BLMOVE pushes onto another list). `retry(waiter)` runs the waiter's command again and
    /// says whether it was served; a served waiter is forgotten.
    void serve(cmd::Database& db, const std::function<bool(Waiter&)>& retry) {
        if (queues_.empty()) {
            (void)db.take_ready_keys();  // nobody waits: forget what was signalled
            return;
        }
        for (std::vector<std::string> ready = db.take_ready_keys(); !ready.empty();
             ready = db.take_ready_keys()) {
            for (const std::string& key : ready) {
                const auto position = queues_.find(key);
                if (position == queues_.end()) continue;
                // A copy: serving a waiter removes it from every queue, this one included.
                const std::vector<Waiter*> waiting{position->second.begin(),
                                                   position->second.end()};
                for (Waiter* waiter : waiting) {
                    if (db.keyspace().find<store::List>(key).access != store::Access::found) {
                        break;  // empty (deleted) or no longer a list: stop for this key
                    }
                    if (retry(*waiter)) forget(*waiter);
                }
            }
        }
    }

    [[nodiscard]] bool empty() const { return queues_.empty(); }

private:
    std::map<std::string, std::deque<Waiter*>, std::less<>> queues_;
};

}  // namespace server
