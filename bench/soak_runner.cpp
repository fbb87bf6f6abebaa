// The soak's event loop: one coroutine per client slot that connects, runs checked requests,
// drops abruptly now and then and connects again; a ticker that samples memory, enforces the
// reply deadline and ends the load; a control connection for INFO and the final count of list
// elements. Part of the benchmark harness (bench/); the numbers go to docs/reliability.md.
#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "reply_reader.hpp"
#include "resp/writer.hpp"
#include "soak.hpp"

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

// Completion tokens that hand the error back: a refused connection is counted, not thrown.
constexpr auto no_throw = asio::experimental::as_tuple(use_awaitable);

constexpr int string_keys = 4;  // each slot owns this many string keys and one counter
// A client that drops while parked sends BLPOP with a timeout of 2 s, then closes after
// `blocked_drop_after`: long enough to be parked, short of its timeout.
constexpr std::chrono::milliseconds blocked_drop_after{50};
// How long after its reconnection a slot whose client left while parked springs the trap.
constexpr std::chrono::milliseconds trap_delay{100};
// How early a nil may arrive before a BLPOP's timeout and still count as "at its timeout".
constexpr double nil_early_slack = 0.010;

// The fate of one list element, indexed by its token number.
enum class Token : std::uint8_t { unsent, sent, acknowledged, popped, remaining };

enum class Op { get, set, incr, lpush, blpop, del, trap_push, trap_pop };

// A request sent and not yet answered, with the reply it must get.
struct Pending {
    Op op;
    std::optional<std::string> value;  // get: expected (nullopt: nil); set: written
    std::int64_t integer = 0;          // incr: the expected result
    std::uint64_t token = 0;           // lpush: the element's number
    double timeout = 0;                // blpop: seconds
};

// Pendings are built by assignment: GCC 12 warns about designated initializers that leave out
// members (-Wmissing-field-initializers), even members with default values.
Pending expect(Op op) {
    Pending pending;
    pending.op = op;
    return pending;
}

// Appends one request as a RESP array.
void append(std::string& out, std::initializer_list<std::string_view> argv) {
    const std::vector<std::string_view> words{argv};
    resp::encode_command(out, std::span<const std::string_view>{words});
}

std::uint64_t read_rss_kb(int pid) {
    if (pid <= 0) return 0;
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) != 0) continue;
        std::uint64_t kb = 0;
        const auto begin = line.find_first_of("0123456789");
        if (begin == std::string::npos) return 0;
        std::from_chars(line.data() + begin, line.data() + line.size(), kb);
        return kb;
    }
    return 0;
}

// The elements of an array reply whose elements are bulk strings, from its raw bytes.
std::vector<std::string> bulk_elements(std::string_view raw) {
    std::vector<std::string> elements;
    std::size_t at = raw.find("\r\n");
    if (at == std::string_view::npos) return elements;
    at += 2;
    while (at < raw.size()) {
        const Reply element = read_reply(raw.substr(at));
        if (element.status != ReplyStatus::complete) break;
        elements.emplace_back(element.text);
        at += element.consumed;
    }
    return elements;
}

class Soak;

// One client of the soak: its keys survive its connections; a drop moves it to a new
// generation of keys, since what an abandoned request did to the old ones is unknown.
struct Slot {
    Slot(asio::io_context& io, int number, std::uint64_t seed)
        : index{number},
          socket{io},
          random{seed * 1'000'003 + static_cast<std::uint64_t>(number)} {}

    int index;
    tcp::socket socket;
    std::mt19937_64 random;
    std::uint64_t generation = 0;
    std::array<std::optional<std::string>, string_keys> values{};  // what the server holds
    std::int64_t counter = 0;
    std::uint64_t sequence = 0;  // numbers the values this slot writes
    std::deque<Pending> pending;
    std::string output;
    std::vector<char> input = std::vector<char>(16 * 1024);
    std::size_t begin = 0;
    std::size_t end = 0;
    std::optional<Clock::time_point> deadline;  // a reply is due by then
    bool overdue = false;                       // the ticker closed it for a late reply
    std::optional<std::string> trap;            // the key its parked client left behind

    void reset_buffers() {
        pending.clear();
        output.clear();
        begin = end = 0;
        deadline.reset();
        overdue = false;
    }
};

class Soak {
public:
    Soak(const SoakSettings& settings, SoakResult& result)
        : settings_{settings}, result_{result}, control_{io_} {
        std::random_device device;
        run_ = std::to_string(device() % 1'000'000);
    }

    void run() {
        tcp::resolver resolver{io_};
        asio::error_code error;
        endpoints_ = resolver.resolve(settings_.host, std::to_string(settings_.port), error);
        if (!error) asio::connect(control_, endpoints_, error);
        if (error) {
            throw std::runtime_error{"cannot connect to " + settings_.host + ":" +
                                     std::to_string(settings_.port) + ": " + error.message()};
        }
        for (int i = 0; i < settings_.connections; ++i)
            slots_.push_back(std::make_unique<Slot>(io_, i, settings_.seed));
        asio::co_spawn(io_, main_task(), [this](const std::exception_ptr& failure) {
            if (!failure) return;
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& what) {
                result_.fail("control connection", what.what());
            }
        });
        io_.run();
    }

private:
    // --- the whole run ---

    awaitable<void> main_task() {
        result_.clients_before = co_await connected_clients();
        start_ = Clock::now();
        warm_ = start_ + to_duration(settings_.warmup_seconds);
        stop_at_ = start_ + to_duration(settings_.duration_seconds);
        running_ = settings_.connections;
        for (auto& slot : slots_)
            asio::co_spawn(io_, run_slot(*slot), [this](const std::exception_ptr& failure) {
                if (failure) result_.fail("client coroutine", "ended with an exception");
                --running_;
            });
        co_await tick_until_done();
        result_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        result_.rss_end_kb = read_rss_kb(settings_.server_pid);

        // Every soak client has closed its socket: the server must see them all leave.
        const auto give_up = Clock::now() + std::chrono::seconds{10};
        asio::steady_timer pause{io_};
        for (;;) {
            result_.clients_after = co_await connected_clients();
            if (result_.clients_after == result_.clients_before || Clock::now() > give_up) break;
            pause.expires_after(std::chrono::milliseconds{100});
            co_await pause.async_wait(use_awaitable);
        }
        if (result_.clients_after != result_.clients_before) {
            result_.fail("clients left behind",
                         "connected_clients " + std::to_string(result_.clients_after) +
                             " after the soak, " + std::to_string(result_.clients_before) +
                             " before");
        }
        if (settings_.lists) co_await count_list_elements();
        result_.rss_after_kb = read_rss_kb(settings_.server_pid);
        control_.close();
    }

    // Once a second: memory, late replies, the progress line; ends the load at its time.
    awaitable<void> tick_until_done() {
        asio::steady_timer timer{io_};
        auto next_line = start_ + std::chrono::seconds{1};
        std::uint64_t last_operations = 0;
        bool warm_sampled = false;
        while (running_ > 0) {
            timer.expires_after(std::chrono::milliseconds{100});
            co_await timer.async_wait(use_awaitable);
            const auto now = Clock::now();
            if (now >= stop_at_) stopping_ = true;
            for (auto& slot : slots_) {
                if (!slot->deadline || now <= *slot->deadline || !slot->socket.is_open()) continue;
                slot->overdue = true;
                asio::error_code ignored;
                slot->socket.close(ignored);  // the slot's read ends with an error
            }
            if (now < next_line) continue;
            next_line += std::chrono::seconds{1};
            const std::uint64_t rss = read_rss_kb(settings_.server_pid);
            result_.rss_peak_kb = std::max(result_.rss_peak_kb, rss);
            if (!warm_sampled && now >= warm_) {
                result_.rss_warmup_kb = rss;
                warm_sampled = true;
            }
            if (settings_.progress) {
                std::fprintf(stderr,
                             "%6.0f s %9llu ops/s %5d connected %6llu failures %8.1f MiB%s\n",
                             std::chrono::duration<double>(now - start_).count(),
                             static_cast<unsigned long long>(result_.operations - last_operations),
                             connected_, static_cast<unsigned long long>(result_.failure_count()),
                             static_cast<double>(rss) / 1024.0, now < warm_ ? " (warming up)" : "");
            }
            last_operations = result_.operations;
        }
        if (!warm_sampled) result_.rss_warmup_kb = read_rss_kb(settings_.server_pid);
    }

    // --- one slot ---

    awaitable<void> run_slot(Slot& slot) {
        asio::steady_timer pause{io_};
        while (!stopping_) {
            slot.reset_buffers();
            slot.socket = tcp::socket{io_};
            const auto [error, endpoint] =
                co_await asio::async_connect(slot.socket, endpoints_, no_throw);
            if (error) {
                result_.fail("cannot connect", error.message());
                pause.expires_after(std::chrono::milliseconds{100});
                co_await pause.async_wait(no_throw);
                continue;
            }
            ++result_.connects;
            ++connected_;
            asio::error_code ignored;
            slot.socket.set_option(tcp::no_delay{true}, ignored);
            try {
                co_await session(slot);
            } catch (const std::system_error& failure) {
                if (slot.overdue) {
                    result_.fail("unanswered", describe(slot.pending.front()) + " on client " +
                                                   std::to_string(slot.index) + ": no reply in " +
                                                   std::to_string(settings_.stall_seconds) + " s");
                } else {
                    result_.fail("connection lost", failure.code().message() + " on client " +
                                                        std::to_string(slot.index));
                }
                abort(slot);
            }
            --connected_;
        }
        // The end of the load: leave the ordinary way, with a FIN.
        asio::error_code ignored;
        slot.socket.close(ignored);
    }

    // Requests until the load ends (the socket stays open) or the slot drops (it is closed).
    awaitable<void> session(Slot& slot) {
        if (slot.generation > 0) {  // the keys of the generation before are forgotten
            std::vector<std::string> argv{"DEL"};
            for (int k = 0; k < string_keys; ++k)
                argv.push_back(string_key(slot, slot.generation - 1, k));
            argv.push_back(counter_key(slot, slot.generation - 1));
            resp::encode_command(slot.output, argv);
            slot.pending.push_back(expect(Op::del));
            co_await exchange(slot);
        }
        if (slot.trap) {  // give the server time to see the parked client leave
            asio::steady_timer pause{io_, trap_delay};
            co_await pause.async_wait(use_awaitable);
            append(slot.output, {"LPUSH", *slot.trap, "trap"});
            slot.pending.push_back(expect(Op::trap_push));
            append(slot.output, {"LPOP", *slot.trap});
            slot.pending.push_back(expect(Op::trap_pop));
            co_await exchange(slot);
            slot.trap.reset();
        }
        std::uniform_real_distribution<double> chance{0.0, 1.0};
        while (!stopping_) {
            if (chance(slot.random) < settings_.churn) {
                co_await drop(slot);
                co_return;
            }
            // Weights: get 30, set 20, incr 15, a pipelined batch 5; with lists LPUSH 12 and
            // BLPOP 14: more pops than pushes, so the lists stay short.
            const int total = settings_.lists ? 96 : 70;
            const int pick = static_cast<int>(slot.random() % static_cast<std::uint64_t>(total));
            if (pick < 30) {
                add_get(slot);
            } else if (pick < 50) {
                add_set(slot);
            } else if (pick < 65) {
                add_incr(slot);
            } else if (pick < 70) {
                for (int i = 0; i < settings_.pipeline; ++i)
                    add_simple(slot);
            } else if (pick < 82) {
                add_lpush(slot);
            } else {
                // 0.05, 0.1 or 0.2 s: short enough that a nil comes soon.
                add_blpop(slot, 0.05 * static_cast<double>(1 << (slot.random() % 3)));
            }
            co_await exchange(slot);
        }
    }

    // Writes what is queued and checks every reply, in order.
    awaitable<void> exchange(Slot& slot) {
        const auto sent = Clock::now();
        double longest_timeout = 0;
        for (const Pending& pending : slot.pending)
            longest_timeout = std::max(longest_timeout, pending.timeout);
        slot.deadline = sent + to_duration(settings_.stall_seconds + longest_timeout);
        co_await asio::async_write(slot.socket, asio::buffer(slot.output), use_awaitable);
        slot.output.clear();
        while (!slot.pending.empty()) {
            const std::string raw = co_await next_reply(slot);
            const auto now = Clock::now();
            check(slot, slot.pending.front(), raw, now - sent);
            if (slot.pending.front().op != Op::blpop && now >= warm_) {
                result_.latency.record(static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(now - sent).count()));
            }
            ++result_.operations;
            slot.pending.pop_front();
        }
        slot.deadline.reset();
    }

    // An abrupt drop of one of three kinds: idle, in the middle of requests, parked in BLPOP.
    awaitable<void> drop(Slot& slot) {
        const int kinds = settings_.lists ? 3 : 2;
        const int kind = static_cast<int>(slot.random() % static_cast<std::uint64_t>(kinds));
        if (kind == 0) {
            ++result_.drops_idle;
        } else if (kind == 1) {
            // Whole requests whose replies nobody reads, then half of one more.
            const int whole = 1 + static_cast<int>(slot.random() % 4);
            for (int i = 0; i < whole; ++i)
                (settings_.lists && slot.random() % 3 == 0) ? add_lpush(slot) : add_simple(slot);
            const std::string half = resp::encode_command(
                {"SET", string_key(slot, slot.generation, 0), "never-complete"});
            slot.output.append(half, 0, half.size() / 2);
            co_await asio::async_write(slot.socket, asio::buffer(slot.output), use_awaitable);
            ++result_.drops_mid_request;
        } else {
            // Parked on a key of its own that nobody pushes to: once it has left, the next
            // connection of the slot pushes one element there and pops it back. A server that
            // still serves the client that left hands it the element instead.
            const std::string trap = trap_key(slot, slot.generation);
            append(slot.output, {"BLPOP", trap, "2"});
            slot.pending.push_back(expect(Op::blpop));
            co_await asio::async_write(slot.socket, asio::buffer(slot.output), use_awaitable);
            asio::steady_timer pause{io_, blocked_drop_after};
            co_await pause.async_wait(use_awaitable);
            slot.pending.clear();  // the BLPOP is abandoned, not lost: no reply is expected
            slot.trap = trap;
            ++result_.drops_blocked;
        }
        abort(slot);
    }

    // Closes with a reset (SO_LINGER 0), as a crashed client would; forgets its keys.
    void abort(Slot& slot) {
        asio::error_code ignored;
        slot.socket.set_option(asio::socket_base::linger{true, 0}, ignored);
        slot.socket.close(ignored);
        for (const Pending& pending : slot.pending)
            if (pending.op == Op::lpush) tokens_[pending.token] = Token::sent;
        ++slot.generation;
        slot.values.fill(std::nullopt);
        slot.counter = 0;
        slot.reset_buffers();
    }

    // --- requests and their expected replies ---

    void add_simple(Slot& slot) {
        switch (slot.random() % 3) {
            case 0:
                add_get(slot);
                break;
            case 1:
                add_set(slot);
                break;
            default:
                add_incr(slot);
                break;
        }
    }

    void add_get(Slot& slot) {
        const auto k = static_cast<int>(slot.random() % string_keys);
        append(slot.output, {"GET", string_key(slot, slot.generation, k)});
        Pending pending = expect(Op::get);
        pending.value = slot.values[static_cast<std::size_t>(k)];
        slot.pending.push_back(std::move(pending));
    }

    void add_set(Slot& slot) {
        const auto k = static_cast<int>(slot.random() % string_keys);
        // Values of 20 to 200 bytes, so the allocator sees sizes come and go.
        std::string value =
            "v" + std::to_string(slot.index) + ":" + std::to_string(++slot.sequence) + ":";
        value.resize(20 + slot.random() % 181, 'x');
        append(slot.output, {"SET", string_key(slot, slot.generation, k), value});
        slot.values[static_cast<std::size_t>(k)] = value;
        slot.pending.push_back(expect(Op::set));
    }

    void add_incr(Slot& slot) {
        append(slot.output, {"INCR", counter_key(slot, slot.generation)});
        Pending pending = expect(Op::incr);
        pending.integer = ++slot.counter;
        slot.pending.push_back(pending);
    }

    // LPUSH onto the list of a random slot: elements travel between clients.
    void add_lpush(Slot& slot) {
        const auto target = static_cast<int>(slot.random() % slots_.size());
        const std::uint64_t token = tokens_.size();
        tokens_.push_back(Token::sent);
        append(slot.output, {"LPUSH", list_key(target), "t" + std::to_string(token)});
        Pending pending = expect(Op::lpush);
        pending.token = token;
        slot.pending.push_back(pending);
    }

    void add_blpop(Slot& slot, double timeout) {
        char text[32];
        std::snprintf(text, sizeof text, "%.2f", timeout);
        append(slot.output, {"BLPOP", list_key(slot.index), text});
        Pending pending = expect(Op::blpop);
        pending.timeout = timeout;
        slot.pending.push_back(pending);
    }

    void check(Slot& slot, const Pending& pending, std::string_view raw, Clock::duration waited) {
        const Reply reply = read_reply(raw);
        const std::string where = describe(pending) + " on client " + std::to_string(slot.index);
        if (reply.kind == ReplyKind::error) {
            result_.fail("error reply", where + ": " + std::string{reply.text});
            return;
        }
        auto wrong = [&](const std::string& expected) {
            result_.fail("wrong reply", where + ": expected " + expected + ", got " +
                                            std::string{raw.substr(0, 80)});
        };
        switch (pending.op) {
            case Op::get:
                if (pending.value ? reply.kind != ReplyKind::bulk || reply.text != *pending.value
                                  : reply.kind != ReplyKind::null) {
                    wrong(pending.value ? "the value it set" : "nil");
                }
                break;
            case Op::set:
                if (reply.kind != ReplyKind::simple || reply.text != "OK") wrong("+OK");
                break;
            case Op::incr:
                if (reply.kind != ReplyKind::integer || reply.integer != pending.integer) {
                    wrong(std::to_string(pending.integer));
                }
                break;
            case Op::del:
                if (reply.kind != ReplyKind::integer) wrong("an integer");
                break;
            case Op::lpush:
                if (reply.kind != ReplyKind::integer || reply.integer < 1) {
                    wrong("a length");
                } else {
                    ++result_.pushed;
                    if (tokens_[pending.token] == Token::sent) {
                        tokens_[pending.token] = Token::acknowledged;
                    }
                }
                break;
            case Op::trap_push:
                if (reply.kind != ReplyKind::integer || reply.integer != 1) wrong(":1");
                break;
            case Op::trap_pop:
                if (reply.kind == ReplyKind::null) {
                    result_.fail("served a client that had left",
                                 where + ": the element went to the client parked in BLPOP");
                } else if (reply.kind != ReplyKind::bulk || reply.text != "trap") {
                    wrong("trap");
                }
                break;
            case Op::blpop:
                check_blpop(slot, pending, reply, raw, waited, wrong);
                break;
        }
    }

    template <class Wrong>
    void check_blpop(const Slot& slot, const Pending& pending, const Reply& reply,
                     std::string_view raw, Clock::duration waited, const Wrong& wrong) {
        if (reply.kind == ReplyKind::null) {
            ++result_.blpop_nils;
            const double seconds = std::chrono::duration<double>(waited).count();
            if (seconds < pending.timeout - nil_early_slack) {
                wrong("nil no earlier than its timeout, not after " + std::to_string(seconds) +
                      " s");
            }
            return;
        }
        const std::vector<std::string> elements = bulk_elements(raw);
        if (reply.kind != ReplyKind::array || elements.size() != 2 ||
            elements[0] != list_key(slot.index) || elements[1].size() < 2 ||
            elements[1][0] != 't') {
            wrong("nil or [its list, an element]");
            return;
        }
        std::uint64_t token = 0;
        const std::string& text = elements[1];
        const auto [end, error] =
            std::from_chars(text.data() + 1, text.data() + text.size(), token);
        if (error != std::errc{} || token >= tokens_.size()) {
            wrong("an element that was pushed");
            return;
        }
        if (tokens_[token] == Token::popped) {
            result_.fail("element popped twice", text);
            return;
        }
        tokens_[token] = Token::popped;
        ++result_.blpop_values;
        ++result_.popped;
    }

    // --- the control connection ---

    awaitable<std::string> control_command(std::vector<std::string> argv) {
        std::string request;
        resp::encode_command(request, argv);
        co_await asio::async_write(control_, asio::buffer(request), use_awaitable);
        std::string input;
        for (;;) {
            const Reply reply = read_reply(input);
            if (reply.status == ReplyStatus::complete) co_return input.substr(0, reply.consumed);
            if (reply.status == ReplyStatus::bad)
                throw std::runtime_error{"a reply that is not RESP"};
            std::array<char, 16 * 1024> chunk;
            const std::size_t got =
                co_await control_.async_read_some(asio::buffer(chunk), use_awaitable);
            input.append(chunk.data(), got);
        }
    }

    awaitable<std::int64_t> connected_clients() {
        // Named, not a braced list in the call: GCC 12 miscompiles an initializer list of string
        // literals passed to a coroutine ("array used as initializer").
        std::vector<std::string> info{"INFO", "clients"};
        const std::string raw = co_await control_command(std::move(info));
        const auto at = raw.find("connected_clients:");
        if (at == std::string::npos) co_return -1;
        std::int64_t count = -1;
        const char* begin = raw.data() + at + 18;
        std::from_chars(begin, raw.data() + raw.size(), count);
        co_return count;
    }

    // Every element still in a list is accounted for; an acknowledged element that nobody
    // popped and no list holds is lost. (Only the trap keys see abandoned BLPOPs, so no
    // element of these lists may go to a client that left.)
    awaitable<void> count_list_elements() {
        for (int i = 0; i < settings_.connections; ++i) {
            std::vector<std::string> range{"LRANGE", list_key(i), "0", "-1"};
            const std::string raw = co_await control_command(std::move(range));
            for (const std::string& element : bulk_elements(raw)) {
                std::uint64_t token = 0;
                std::from_chars(element.data() + 1, element.data() + element.size(), token);
                if (token >= tokens_.size()) continue;
                if (tokens_[token] == Token::popped)
                    result_.fail("element popped and kept", element);
                tokens_[token] = Token::remaining;
                ++result_.remaining;
            }
            std::vector<std::string> del{"DEL", list_key(i)};
            (void)co_await control_command(std::move(del));
        }
        for (std::size_t token = 0; token < tokens_.size(); ++token) {
            if (tokens_[token] != Token::acknowledged) continue;
            ++result_.lost;
            if (result_.lost == 1) result_.fail("element lost", "t" + std::to_string(token));
        }
    }

    // --- names and helpers ---

    awaitable<std::string> next_reply(Slot& slot) {
        for (;;) {
            const Reply reply = read_reply({slot.input.data() + slot.begin, slot.end - slot.begin});
            if (reply.status == ReplyStatus::complete) {
                std::string raw{slot.input.data() + slot.begin, reply.consumed};
                slot.begin += reply.consumed;
                co_return raw;
            }
            if (reply.status == ReplyStatus::bad) {
                throw std::system_error{std::make_error_code(std::errc::protocol_error)};
            }
            std::copy(slot.input.begin() + static_cast<std::ptrdiff_t>(slot.begin),
                      slot.input.begin() + static_cast<std::ptrdiff_t>(slot.end),
                      slot.input.begin());
            slot.end -= slot.begin;
            slot.begin = 0;
            if (slot.end == slot.input.size()) slot.input.resize(slot.input.size() * 2);
            slot.end += co_await slot.socket.async_read_some(
                asio::buffer(slot.input.data() + slot.end, slot.input.size() - slot.end),
                use_awaitable);
        }
    }

    std::string string_key(const Slot& slot, std::uint64_t generation, int k) const {
        return "soak:" + run_ + ":" + std::to_string(slot.index) + ":" +
               std::to_string(generation) + ":s" + std::to_string(k);
    }
    std::string counter_key(const Slot& slot, std::uint64_t generation) const {
        return "soak:" + run_ + ":" + std::to_string(slot.index) + ":" +
               std::to_string(generation) + ":n";
    }
    std::string trap_key(const Slot& slot, std::uint64_t generation) const {
        return "soak:" + run_ + ":" + std::to_string(slot.index) + ":" +
               std::to_string(generation) + ":trap";
    }
    std::string list_key(int index) const {
        return "soak:" + run_ + ":" + std::to_string(index) + ":list";
    }

    static std::string describe(const Pending& pending) {
        switch (pending.op) {
            case Op::get:
                return "GET";
            case Op::set:
                return "SET";
            case Op::incr:
                return "INCR";
            case Op::lpush:
                return "LPUSH";
            case Op::blpop:
                return "BLPOP";
            case Op::del:
                return "DEL";
            case Op::trap_push:
                return "LPUSH (trap)";
            case Op::trap_pop:
                return "LPOP (trap)";
        }
        return "?";
    }

    static Clock::duration to_duration(double seconds) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>{seconds});
    }

    const SoakSettings& settings_;
    SoakResult& result_;
    asio::io_context io_{1};
    tcp::socket control_;
    tcp::resolver::results_type endpoints_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::vector<Token> tokens_;
    std::string run_;  // in every key, so runs against one server do not meet
    Clock::time_point start_, warm_, stop_at_;
    int running_ = 0;
    int connected_ = 0;
    bool stopping_ = false;
};

}  // namespace

SoakResult run_soak(const SoakSettings& settings) {
    SoakResult result;
    Soak soak{settings, result};
    soak.run();
    return result;
}

}  // namespace bench
