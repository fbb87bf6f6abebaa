// Protected mode's decision and the cross-protocol check (Redis 7's networking.c and server.c).
// Introduced in lab 5, with issue #8's hardening.
#include "cmd/security.hpp"

#include "cmd/command.hpp"

namespace cmd {

namespace {

// "127.0.0.1:6379" → "127.0.0.1"; "::1:6379" → "::1": the port is after the last colon.
std::string_view host_of(std::string_view address) {
    const std::size_t colon = address.rfind(':');
    return colon == std::string_view::npos ? address : address.substr(0, colon);
}

}  // namespace

bool protected_mode_refuses(const Config& config, std::string_view peer_address) {
    if (!config.protected_mode || !config.requirepass.empty()) return false;
    if (peer_address == "local") return false;  // a Unix socket: Redis counts it as local
    const std::string_view host = host_of(peer_address);
    return host != "127.0.0.1" && host != "::1" && host != "::ffff:127.0.0.1";
}

bool is_cross_protocol_request(std::string_view command_name) {
    return equals_ignoring_case(command_name, "post") ||
           equals_ignoring_case(command_name, "host:");
}

bool LogRateLimit::allow(store::TimePoint now) {
    // Redis compares with llabs(): a clock that went back also lets the next warning through.
    if (last_ && now - *last_ <= period_ && *last_ - now <= period_) return false;
    last_ = now;
    return true;
}

}  // namespace cmd
