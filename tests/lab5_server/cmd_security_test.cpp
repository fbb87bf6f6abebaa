// In-process tests of Redis 7's security defaults in the command layer: protected mode's
// decision, the cross-protocol check (POST, Host:), authentication state, the protected-mode
// option and protected options of CONFIG SET. The servers' side is tested over TCP in
// tests/hardening/protocol_security/. Introduced with issue #8's hardening.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cmd/errors.hpp"
#include "cmd/security.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;

TEST(ProtectedMode, RefusesClientsOffLoopbackWhenNoPasswordIsSet) {
    const cmd::Config config;  // protected-mode yes, no password
    EXPECT_TRUE(config.protected_mode);
    EXPECT_FALSE(cmd::protected_mode_refuses(config, "127.0.0.1:50000"));
    EXPECT_FALSE(cmd::protected_mode_refuses(config, "::1:50000"));
    EXPECT_FALSE(cmd::protected_mode_refuses(config, "::ffff:127.0.0.1:50000"));
    EXPECT_FALSE(cmd::protected_mode_refuses(config, "local"));  // a Unix socket
    EXPECT_TRUE(cmd::protected_mode_refuses(config, "192.0.2.7:50000"));
    EXPECT_TRUE(cmd::protected_mode_refuses(config, "fd00::2:50000"));
    // Redis 7.0 compares with "127.0.0.1" exactly: the rest of 127.0.0.0/8 is refused.
    EXPECT_TRUE(cmd::protected_mode_refuses(config, "127.0.0.2:50000"));
    // An address that cannot be read is refused: when in doubt, closed.
    EXPECT_TRUE(cmd::protected_mode_refuses(config, "unknown"));
}

TEST(ProtectedMode, APasswordOrProtectedModeOffLetsEveryoneConnect) {
    cmd::Config with_password;
    with_password.requirepass = "pw";
    EXPECT_FALSE(cmd::protected_mode_refuses(with_password, "192.0.2.7:50000"));
    cmd::Config off;
    off.protected_mode = false;
    EXPECT_FALSE(cmd::protected_mode_refuses(off, "192.0.2.7:50000"));
}

TEST(ProtectedMode, BindPlaysNoPartAsInRedis7) {
    cmd::Config everywhere;
    everywhere.bind = "0.0.0.0";
    EXPECT_TRUE(cmd::protected_mode_refuses(everywhere, "192.0.2.7:50000"));
}

TEST(ProtectedMode, TheRefusalIsRedisText) {
    const std::string_view denied = cmd::errors::protected_mode_denied;
    EXPECT_TRUE(
        denied.starts_with("DENIED Redis is running in protected mode because protected "
                           "mode is enabled and no password is set for the default user."));
    EXPECT_NE(denied.find("3) If you started the server manually just for testing, restart it "
                          "with the '--protected-mode no' option. 4) Setup a an authentication "
                          "password for the default user."),
              std::string_view::npos);
    EXPECT_TRUE(
        denied.ends_with("in order for the server to start accepting connections from "
                         "the outside."));
    EXPECT_EQ(denied.size(), 1064u);  // as redis-server 7.0.15 sends it, without "-" and CRLF
}

TEST_F(CommandTest, ProtectedModeIsAnOptionOfConfig) {
    EXPECT_EQ(run({"CONFIG", "GET", "protected-mode"}),
              "*2\r\n" + bulk("protected-mode") + bulk("yes"));
    EXPECT_EQ(run({"CONFIG", "SET", "protected-mode", "maybe"}),
              error("ERR CONFIG SET failed (possibly related to argument 'protected-mode') - "
                    "argument must be 'yes' or 'no'"));
    EXPECT_TRUE(state.config.protected_mode);
    EXPECT_EQ(run({"CONFIG", "SET", "protected-mode", "no"}), ok);
    EXPECT_FALSE(state.config.protected_mode);
}

TEST_F(CommandTest, ProtectedOptionsAreRefusedWithTheNameAsGiven) {
    const std::string dir = state.config.dir;
    EXPECT_EQ(run({"CONFIG", "SET", "DIR", "/tmp"}),
              error("ERR CONFIG SET failed (possibly related to argument 'DIR') - can't set "
                    "protected config"));
    // All or nothing: the modifiable maxclients does not change either.
    EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "50", "dbfilename", "x.rdb"}),
              error("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't "
                    "set protected config"));
    EXPECT_EQ(state.config.dir, dir);
    EXPECT_EQ(state.config.dbfilename, "dump.json");
    EXPECT_EQ(state.config.maxclients, 10000);
    EXPECT_TRUE(server.changed.empty());
}

TEST(CrossProtocol, PostAndHostAreHttpInAnyCase) {
    EXPECT_TRUE(cmd::is_cross_protocol_request("POST"));
    EXPECT_TRUE(cmd::is_cross_protocol_request("post"));
    EXPECT_TRUE(cmd::is_cross_protocol_request("Host:"));
    EXPECT_TRUE(cmd::is_cross_protocol_request("HOST:"));
    EXPECT_FALSE(cmd::is_cross_protocol_request("Host"));
    EXPECT_FALSE(cmd::is_cross_protocol_request("GET"));
    EXPECT_FALSE(cmd::is_cross_protocol_request("POSTS"));
}

TEST_F(CommandTest, HttpRequestsGetNoReplyAndRunNothing) {
    EXPECT_EQ(run({"POST", "/", "HTTP/1.1"}), "");
    EXPECT_EQ(last_outcome, cmd::Outcome::cross_protocol_attack);
    EXPECT_EQ(run({"Host:", "localhost"}), "");
    EXPECT_EQ(last_outcome, cmd::Outcome::cross_protocol_attack);
    EXPECT_EQ(state.stats.total_commands_processed, 0u);
    EXPECT_EQ(session.last_command, "NULL");
}

TEST_F(CommandTest, HttpRequestsAreSeenBeforeAuthentication) {
    state.config.requirepass = "secret";
    session.authenticated = false;
    EXPECT_EQ(run({"post"}), "");
    EXPECT_EQ(last_outcome, cmd::Outcome::cross_protocol_attack);
    EXPECT_EQ(run({"get", "k"}), error("NOAUTH Authentication required."));
    EXPECT_EQ(last_outcome, cmd::Outcome::replied);
}

TEST_F(CommandTest, OnlyNetworkClientsAreCheckedForHttp) {
    // A key named POST in the append-only file is data, not an attack.
    cmd::Session replay;
    replay.kind = cmd::ClientKind::replay;
    EXPECT_EQ(run_as(replay, {"post"}),
              error("ERR unknown command 'post', with args beginning with: "));
    EXPECT_EQ(last_outcome, cmd::Outcome::replied);
}

TEST_F(CommandTest, AuthenticationIsRequiredUntilAuthSucceeds) {
    EXPECT_FALSE(dispatcher.requires_authentication(session));  // no password
    state.config.requirepass = "secret";
    session.authenticated = false;
    EXPECT_TRUE(dispatcher.requires_authentication(session));
    (void)run({"AUTH", "wrong"});
    EXPECT_TRUE(dispatcher.requires_authentication(session));
    (void)run({"HELLO", "2", "AUTH", "default", "secret"});
    EXPECT_FALSE(dispatcher.requires_authentication(session));
    // A password removed at run time frees those still waiting to authenticate.
    cmd::Session stranger;
    EXPECT_TRUE(dispatcher.requires_authentication(stranger));
    state.config.requirepass.clear();
    EXPECT_FALSE(dispatcher.requires_authentication(stranger));
    // The AOF's replay and our master's stream never authenticate.
    state.config.requirepass = "secret";
    cmd::Session master;
    master.kind = cmd::ClientKind::master;
    EXPECT_FALSE(dispatcher.requires_authentication(master));
}

TEST(LogRateLimit, LetsOneWarningThroughPerPeriod) {
    using std::chrono::seconds;
    cmd::LogRateLimit limit{seconds{60}};
    const store::TimePoint start{seconds{1'700'000'000}};
    EXPECT_TRUE(limit.allow(start));
    EXPECT_FALSE(limit.allow(start));
    EXPECT_FALSE(limit.allow(start + seconds{60}));
    EXPECT_TRUE(limit.allow(start + seconds{61}));
    // A clock that jumped back by more than the period lets the next one through, as Redis's
    // llabs() does.
    EXPECT_TRUE(limit.allow(start - seconds{10}));
    EXPECT_FALSE(limit.allow(start + seconds{20}));
}

}  // namespace
