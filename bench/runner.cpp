// The load generator's event loops: one Asio io_context per thread, a coroutine per connection
// in the closed loop, two (a sender on a schedule and a reader) in the open loop. Part of the
// benchmark harness (bench/).
#include "runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <exception>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "reply_reader.hpp"

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

// When requests go out, shared by every connection of every thread. Fixed before the first
// request except for the atomics.
struct Schedule {
    Clock::time_point start;         // load begins (every client is connected by then)
    Clock::time_point measure_from;  // requests sent (or due) from here on are measured
    std::optional<Clock::time_point> measure_until;  // closed loop with --duration
    // Open loop: request number n (over all connections) is due at start + n / rate; the first
    // `warmup_requests` are not measured, and there are `total_requests` in all.
    double rate = 0;
    std::uint64_t warmup_requests = 0;
    std::uint64_t total_requests = 0;
    std::atomic<std::uint64_t> claimed{0};  // closed loop with -n: measured requests handed out
    std::atomic<int> running{0};            // connections not finished yet

    [[nodiscard]] Clock::time_point due(std::uint64_t request) const {
        const double offset = static_cast<double>(request) * 1e9 / rate;
        return start + std::chrono::nanoseconds{std::llround(offset)};
    }
};

// One event loop and what its connections measured: nothing in it is shared with another
// thread except the reply counter that the progress line reads.
struct Worker {
    asio::io_context context{1};
    LoadResult result;
    Clock::time_point last_reply{};
    std::atomic<std::uint64_t> replies{0};  // every reply, warm-up included
};

// A duration in whole microseconds, rounded to the nearest.
std::uint64_t microseconds(Clock::duration duration) {
    const auto nanoseconds = std::chrono::nanoseconds{duration}.count();
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, nanoseconds) + 500) / 1000;
}

// A closed-loop batch: how many requests to send, and whether they count.
struct Claim {
    std::uint64_t count = 0;
    bool measured = false;
};

// An open-loop request waiting for its reply: replies come back in the order of the requests.
struct InFlight {
    Clock::time_point due;
    Command command;
    bool measured;
};

class Connection {
public:
    Connection(tcp::socket socket, std::uint64_t index, const LoadSettings& settings,
               std::string_view value, Schedule& schedule, Worker& worker)
        : socket_{std::move(socket)},
          index_{index},
          settings_{settings},
          value_{value},
          schedule_{schedule},
          worker_{worker},
          random_{settings.seed * 1'000'003 + index},
          pace_{socket_.get_executor()},
          wake_{socket_.get_executor()} {}

    /// Starts the connection's coroutines on its worker's event loop.
    void start() {
        auto done = [this](const std::exception_ptr& failure) { half_done(failure); };
        if (settings_.rate) {
            halves_ = 2;
            asio::co_spawn(socket_.get_executor(), send_on_schedule(), done);
            asio::co_spawn(socket_.get_executor(), read_on_schedule(), done);
        } else {
            halves_ = 1;
            asio::co_spawn(socket_.get_executor(), closed_loop(), done);
        }
    }

private:
    /// Closed loop: send a batch of `pipeline` requests, wait for all their replies, repeat.
    /// Each latency runs from the batch's write to its own reply.
    awaitable<void> closed_loop() {
        std::vector<Command> batch;
        for (;;) {
            const Claim claim = claim_batch();
            if (claim.count == 0) co_return;
            output_.clear();
            batch.clear();
            for (std::uint64_t i = 0; i < claim.count; ++i)
                batch.push_back(append_next());
            const Clock::time_point sent = Clock::now();
            co_await asio::async_write(socket_, asio::buffer(output_), use_awaitable);
            for (const Command command : batch)
                record(command, claim.measured, sent, co_await next_reply());
        }
    }

    Claim claim_batch() {
        const auto depth = static_cast<std::uint64_t>(settings_.pipeline);
        const Clock::time_point now = Clock::now();
        if (now < schedule_.measure_from) return {depth, false};  // warming up: no budget used
        if (schedule_.measure_until) return {now < *schedule_.measure_until ? depth : 0, true};
        const std::uint64_t before = schedule_.claimed.fetch_add(depth, std::memory_order_relaxed);
        if (before >= settings_.requests) return {0, true};
        return {std::min(depth, settings_.requests - before), true};
    }

    /// Open loop, sending half: request n of the whole run is due at start + n / rate, and
    /// this connection sends every clients-th one. It never waits for a reply, so a server
    /// that stalls cannot slow the schedule down: the stall shows in the latencies instead of
    /// hiding in fewer requests (coordinated omission, docs/benchmarks.md).
    awaitable<void> send_on_schedule() {
        const auto step = static_cast<std::uint64_t>(settings_.clients);
        std::uint64_t request = index_;
        while (request < schedule_.total_requests && !stopping_) {
            const Clock::time_point due = schedule_.due(request);
            if (due > Clock::now()) {
                pace_.expires_at(due);
                co_await pace_.async_wait(use_awaitable);
            }
            // Everything due by now leaves in one write; after a stall the backlog goes at
            // once, each request still carrying its own due time.
            output_.clear();
            const Clock::time_point now = Clock::now();
            for (; request < schedule_.total_requests && schedule_.due(request) <= now;
                 request += step) {
                const bool measured = request >= schedule_.warmup_requests;
                in_flight_.push_back({schedule_.due(request), append_next(), measured});
                if (measured) {
                    worker_.result.send_lag.record(microseconds(now - in_flight_.back().due));
                }
            }
            wake_.cancel();
            co_await asio::async_write(socket_, asio::buffer(output_), use_awaitable);
        }
        sending_done_ = true;
        wake_.cancel();
    }

    /// Open loop, reading half: match each reply to the oldest request in flight, and park on
    /// the `wake_` timer (cancelled by the sender) while nothing is in flight.
    awaitable<void> read_on_schedule() {
        while (!stopping_) {
            if (in_flight_.empty()) {
                if (sending_done_) co_return;
                asio::error_code woken;  // cancel() is the wake-up call, not an error
                wake_.expires_at(Clock::time_point::max());
                co_await wake_.async_wait(asio::redirect_error(use_awaitable, woken));
                continue;
            }
            const Reply reply = co_await next_reply();
            const InFlight request = in_flight_.front();
            in_flight_.pop_front();
            record(request.command, request.measured, request.due, reply);
        }
    }

    Command append_next() {
        const Command command = settings_.mix.pick(random_);
        append_request(output_, command, settings_.shape, value_, random_);
        return command;
    }

    /// The next whole reply, reading from the socket as needed. Its views point into input_
    /// and stay valid until the next call.
    awaitable<Reply> next_reply() {
        for (;;) {
            const Reply reply = read_reply({input_.data() + begin_, end_ - begin_});
            if (reply.status == ReplyStatus::complete) {
                begin_ += reply.consumed;
                co_return reply;
            }
            if (reply.status == ReplyStatus::bad) {
                throw std::runtime_error{"the server sent a reply that is not RESP"};
            }
            // Need more: move the unfinished reply to the front, grow if it fills the buffer.
            std::copy(input_.begin() + static_cast<std::ptrdiff_t>(begin_),
                      input_.begin() + static_cast<std::ptrdiff_t>(end_), input_.begin());
            end_ -= begin_;
            begin_ = 0;
            if (end_ == input_.size()) input_.resize(input_.size() * 2);
            end_ += co_await socket_.async_read_some(
                asio::buffer(input_.data() + end_, input_.size() - end_), use_awaitable);
        }
    }

    void record(Command command, bool measured, Clock::time_point since, const Reply& reply) {
        worker_.replies.fetch_add(1, std::memory_order_relaxed);
        if (!measured) return;
        const Clock::time_point now = Clock::now();
        LoadResult& result = worker_.result;
        result.latency.record(microseconds(now - since));
        CommandStats& stats = result.commands[static_cast<std::size_t>(command)];
        ++stats.requests;
        ++result.requests;
        if (reply.kind == ReplyKind::error) {
            ++stats.errors;
            ++result.errors;
            if (result.first_error.empty()) result.first_error = reply.text;
        }
        worker_.last_reply = std::max(worker_.last_reply, now);
    }

    // A coroutine ended, normally or with an exception. The exception stops here, at the
    // connection's boundary: it is reported and this connection closes; the others go on.
    void half_done(const std::exception_ptr& failure) {
        if (failure && !stopping_) {
            std::string why;
            try {
                std::rethrow_exception(failure);
            } catch (const std::system_error& error) {
                why = error.code() == asio::error::eof ? "the server closed the connection"
                                                       : error.code().message();
            } catch (const std::exception& error) {
                why = error.what();
            }
            if (worker_.result.failure.empty()) {
                worker_.result.failure = "connection " + std::to_string(index_) + ": " + why;
            }
            stopping_ = true;
            asio::error_code ignored;
            socket_.close(ignored);  // wakes the other half with an error
            pace_.cancel();
            wake_.cancel();
        }
        if (--halves_ == 0) schedule_.running.fetch_sub(1, std::memory_order_relaxed);
    }

    tcp::socket socket_;
    std::uint64_t index_;
    const LoadSettings& settings_;
    std::string_view value_;
    Schedule& schedule_;
    Worker& worker_;
    Random random_;
    std::string output_;
    std::vector<char> input_ = std::vector<char>(64 * 1024);
    std::size_t begin_ = 0;  // input_[begin_, end_) is received and not yet read as a reply
    std::size_t end_ = 0;
    asio::steady_timer pace_;  // open loop: the sender sleeps on it until the next due time
    asio::steady_timer wake_;  // open loop: the reader parks on it while nothing is in flight
    std::deque<InFlight> in_flight_;
    bool sending_done_ = false;
    bool stopping_ = false;
    int halves_ = 0;
};

// Sets the times of the run, now that every client is connected.
void begin(Schedule& schedule, const LoadSettings& settings) {
    using std::chrono::duration_cast;
    using Seconds = std::chrono::duration<double>;
    schedule.start = Clock::now();
    if (settings.rate) {
        schedule.rate = *settings.rate;
        schedule.warmup_requests =
            static_cast<std::uint64_t>(std::ceil(settings.warmup_seconds * *settings.rate));
        const std::uint64_t measured =
            settings.duration_seconds
                ? static_cast<std::uint64_t>(std::ceil(*settings.duration_seconds * *settings.rate))
                : settings.requests;
        schedule.total_requests = schedule.warmup_requests + measured;
        schedule.measure_from = schedule.due(schedule.warmup_requests);
        return;
    }
    schedule.measure_from =
        schedule.start + duration_cast<Clock::duration>(Seconds{settings.warmup_seconds});
    if (settings.duration_seconds) {
        schedule.measure_until = schedule.measure_from + duration_cast<Clock::duration>(
                                                             Seconds{*settings.duration_seconds});
    }
}

// The live line on stderr: requests per second over the last second. It looks ten times a
// second whether the run is over, so the program exits promptly, and prints once a second.
awaitable<void> report_progress(const Schedule& schedule,
                                const std::vector<std::unique_ptr<Worker>>& workers) {
    asio::steady_timer timer{co_await asio::this_coro::executor};
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    Clock::time_point last_time = schedule.start;
    std::uint64_t last_count = 0;
    bool printed = false;
    while (schedule.running.load(std::memory_order_relaxed) > 0) {
        timer.expires_after(std::chrono::milliseconds{100});
        co_await timer.async_wait(use_awaitable);
        const Clock::time_point now = Clock::now();
        if (now - last_time < std::chrono::seconds{1}) continue;
        std::uint64_t count = 0;
        for (const auto& worker : workers)
            count += worker->replies.load(std::memory_order_relaxed);
        const double seconds = std::chrono::duration<double>(now - last_time).count();
        std::fprintf(stderr, "%s%7.1f s %12.0f ops/s %14llu replies%s%s", terminal ? "\r" : "",
                     std::chrono::duration<double>(now - schedule.start).count(),
                     static_cast<double>(count - last_count) / seconds,
                     static_cast<unsigned long long>(count),
                     now < schedule.measure_from ? " (warming up)" : "", terminal ? "" : "\n");
        printed = true;
        last_time = now;
        last_count = count;
    }
    if (printed && terminal) std::fputc('\n', stderr);
}

}  // namespace

LoadResult run_load(const LoadSettings& settings) {
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < settings.threads; ++i)
        workers.push_back(std::make_unique<Worker>());

    // Connect every client before the clock starts: connection set-up is not what is measured.
    Schedule schedule;
    const std::string value(settings.shape.value_size, 'x');
    std::vector<std::unique_ptr<Connection>> connections;
    const std::string address = settings.host + ":" + std::to_string(settings.port);
    try {
        tcp::resolver resolver{workers.front()->context};
        const auto endpoints = resolver.resolve(settings.host, std::to_string(settings.port));
        for (int i = 0; i < settings.clients; ++i) {
            Worker& worker = *workers[static_cast<std::size_t>(i % settings.threads)];
            tcp::socket socket{worker.context};
            asio::connect(socket, endpoints);
            // Like hiredis (redis-benchmark's client): a small request goes out at once
            // instead of waiting for the previous one's acknowledgement (Nagle's algorithm).
            socket.set_option(tcp::no_delay{true});
            connections.push_back(std::make_unique<Connection>(std::move(socket),
                                                               static_cast<std::uint64_t>(i),
                                                               settings, value, schedule, worker));
        }
    } catch (const std::system_error& error) {
        throw std::runtime_error{"cannot connect to " + address + ": " + error.code().message()};
    }

    begin(schedule, settings);
    schedule.running = settings.clients;
    for (const auto& connection : connections)
        connection->start();
    if (settings.progress) {
        asio::co_spawn(workers.front()->context, report_progress(schedule, workers),
                       asio::detached);
    }
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 1; i < workers.size(); ++i)
            threads.emplace_back([&worker = *workers[i]] { worker.context.run(); });
        workers.front()->context.run();
    }  // the jthreads join here

    LoadResult total;
    Clock::time_point last_reply = schedule.measure_from;
    for (const auto& worker : workers) {
        const LoadResult& part = worker->result;
        total.latency.merge(part.latency);
        total.send_lag.merge(part.send_lag);
        for (std::size_t i = 0; i < command_count; ++i) {
            total.commands[i].requests += part.commands[i].requests;
            total.commands[i].errors += part.commands[i].errors;
        }
        total.requests += part.requests;
        total.errors += part.errors;
        if (total.first_error.empty()) total.first_error = part.first_error;
        if (total.failure.empty()) total.failure = part.failure;
        last_reply = std::max(last_reply, worker->last_reply);
    }
    total.seconds = std::chrono::duration<double>(last_reply - schedule.measure_from).count();
    return total;
}

}  // namespace bench
