// Redis 7's defences for a server reachable by strangers, as decisions the servers ask about:
// protected mode (no password → loopback clients only) and the cross-protocol attack check
// (an HTTP request sent to the port). Introduced in lab 5, with issue #8's hardening.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "cmd/config.hpp"
#include "store/clock.hpp"

namespace cmd {

/// Protected mode (Redis's clientAcceptHandler()): true when a new connection from
/// `peer_address` ("ip:port", as net::peer_address() gives it) must be refused with
/// errors::protected_mode_denied and closed. That is when protected-mode is on, no password is
/// set, and the peer is not on loopback.
///
/// Redis 7.0 counts as loopback exactly `127.0.0.1` and `::1`: a client from `127.0.0.2` is
/// refused too (later versions accept all of 127.0.0.0/8). We follow 7.0, and also accept
/// `::ffff:127.0.0.1`, the same peer seen through an IPv6 socket. An address that cannot be
/// read ("unknown") is refused: when in doubt, closed. The bind address plays no part, as in
/// Redis 7: binding every interface on purpose does not open the server without a password.
[[nodiscard]] bool protected_mode_refuses(const Config& config, std::string_view peer_address);

/// True for the command names `POST` and `Host:` (any case): an HTTP request sent to the port,
/// whose lines Redis would otherwise run as inline commands after an error each ("cross
/// protocol scripting": a web page makes a browser POST commands to a Redis on localhost).
/// Redis closes such a connection at once, without a reply (securityWarningCommand()).
[[nodiscard]] bool is_cross_protocol_request(std::string_view command_name);

/// What Redis logs when it closes such a connection, word for word.
inline constexpr std::string_view cross_protocol_warning =
    "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: "
    "commands to Redis. This is likely due to an attacker attempting to use Cross Protocol "
    "Scripting to compromise your Redis instance. Connection aborted.";

/// Lets a warning through at most once per `period`: Redis logs the cross-protocol warning at
/// most once a minute, so that an attacker cannot fill the log (or the disk) with it.
class LogRateLimit {
public:
    explicit LogRateLimit(std::chrono::seconds period) : period_{period} {}
    /// True when the warning should be logged at `now`; then the next one waits a period.
    [[nodiscard]] bool allow(store::TimePoint now);

private:
    std::chrono::seconds period_;
    std::optional<store::TimePoint> last_;
};

}  // namespace cmd
