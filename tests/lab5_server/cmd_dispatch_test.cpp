// In-process tests of the Dispatcher: unknown commands, arity, subcommands and authentication,
// with Redis 7's exact error replies; and of glob matching as KEYS and CONFIG GET use it.
// Introduced in lab 5.
#include <gtest/gtest.h>

#include <string>

#include "cmd/errors.hpp"
#include "cmd/glob.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;
using namespace std::string_literals;

TEST_F(CommandTest, UnknownCommandListsItsArguments) {
    EXPECT_EQ(run({"foo", "a", "b"}),
              "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
    EXPECT_EQ(run({"FOO"}), "-ERR unknown command 'FOO', with args beginning with: \r\n");
}

TEST_F(CommandTest, UnknownCommandCutsLongArgumentsAt128Bytes) {
    const std::string a(100, 'a');
    const std::string b(100, 'b');
    // 'aaa…a' plus quote and space is 103 bytes; only 25 of the b's still fit.
    EXPECT_EQ(run({"foo", a, b, "c"}), "-ERR unknown command 'foo', with args beginning with: '" +
                                           a + "' '" + std::string(25, 'b') + "' \r\n");
    const std::string long_name(200, 'x');
    EXPECT_EQ(run({long_name}), "-ERR unknown command '" + std::string(128, 'x') +
                                    "', with args beginning with: \r\n");
}

TEST_F(CommandTest, UnknownCommandReplacesNewlinesAndStopsAtNul) {
    EXPECT_EQ(run({"foo", "a\rb", "c\0d"s}),
              "-ERR unknown command 'foo', with args beginning with: 'a b' 'c' \r\n");
}

TEST_F(CommandTest, WrongArityNamesTheCommandInLowerCase) {
    EXPECT_EQ(run({"GET"}), error("ERR wrong number of arguments for 'get' command"));
    EXPECT_EQ(run({"get", "a", "b"}), error("ERR wrong number of arguments for 'get' command"));
    EXPECT_EQ(run({"SET", "k"}), error("ERR wrong number of arguments for 'set' command"));
    EXPECT_EQ(run({"ping", "a", "b"}), error("ERR wrong number of arguments for 'ping' command"));
    EXPECT_EQ(run({"mset", "a", "1", "b"}),
              error("ERR wrong number of arguments for 'mset' command"));
}

TEST_F(CommandTest, NamesAreCaseInsensitive) {
    EXPECT_EQ(run({"sEt", "k", "v"}), ok);
    EXPECT_EQ(run({"GeT", "k"}), bulk("v"));
}

TEST_F(CommandTest, ContainersCheckTheirSubcommand) {
    EXPECT_EQ(run({"config"}), error("ERR wrong number of arguments for 'config' command"));
    EXPECT_EQ(run({"config", "foo"}), error("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
    EXPECT_EQ(run({"client", "foo"}), error("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
    EXPECT_EQ(run({"Command", "foo"}), error("ERR unknown subcommand 'foo'. Try COMMAND HELP."));
    EXPECT_EQ(run({"config", "get"}),
              error("ERR wrong number of arguments for 'config|get' command"));
    EXPECT_EQ(run({"CLIENT", "SETNAME"}),
              error("ERR wrong number of arguments for 'client|setname' command"));
}

TEST_F(CommandTest, EmptyArgvDoesNothing) {
    std::string out;
    EXPECT_EQ(dispatcher.execute(session, {}, out), cmd::Outcome::replied);
    EXPECT_EQ(out, "");
}

TEST_F(CommandTest, RejectedCommandsAreNotCounted) {
    (void)run({"nosuch"});
    (void)run({"get"});
    EXPECT_EQ(state.stats.total_commands_processed, 0u);
    (void)run({"ping"});
    EXPECT_EQ(state.stats.total_commands_processed, 1u);
    EXPECT_EQ(session.last_command, "ping");
}

TEST_F(CommandTest, PasswordIsRequiredBeforeOtherCommands) {
    state.config.requirepass = "secret";
    EXPECT_EQ(run({"get", "k"}), error("NOAUTH Authentication required."));
    // Unknown commands and arity are checked first, as in Redis.
    EXPECT_EQ(run({"get"}), error("ERR wrong number of arguments for 'get' command"));
    EXPECT_EQ(run({"auth", "wrong"}),
              error("WRONGPASS invalid username-password pair or user is disabled."));
    EXPECT_EQ(run({"auth", "other", "secret"}),
              error("WRONGPASS invalid username-password pair or user is disabled."));
    EXPECT_EQ(run({"auth", "secret"}), ok);
    EXPECT_EQ(run({"get", "k"}), null);
}

TEST_F(CommandTest, AuthWithoutAPasswordConfigured) {
    EXPECT_EQ(run({"auth", "x"}),
              error("ERR AUTH <password> called without any password configured for the default "
                    "user. Are you sure your configuration is correct?"));
    EXPECT_EQ(run({"auth", "default", "anything"}), ok);
    EXPECT_EQ(run({"auth", "a", "b", "c"}), error("ERR syntax error"));
}

TEST_F(CommandTest, QuitWorksBeforeAuthAndClosesAfterTheReply) {
    state.config.requirepass = "secret";
    EXPECT_EQ(run({"quit"}), ok);
    EXPECT_TRUE(session.close_after_reply);
}

TEST_F(CommandTest, ReplaySessionsNeedNoPasswordAndPropagateNothing) {
    state.config.requirepass = "secret";
    cmd::Session replay;
    replay.kind = cmd::ClientKind::replay;
    EXPECT_EQ(run_as(replay, {"set", "k", "v"}), ok);
    EXPECT_TRUE(sink.commands.empty());
}

TEST(Errors, CatalogMatchesRedis) {
    EXPECT_EQ(cmd::errors::invalid_expire_time("set"), "ERR invalid expire time in 'set' command");
    EXPECT_EQ(cmd::errors::config_set_unknown("foo"),
              "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
    EXPECT_EQ(cmd::errors::config_set_failed("dir", cmd::errors::config_protected),
              "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
              "config");
    EXPECT_EQ(cmd::errors::unsupported_option("foo"), "ERR Unsupported option foo");
    EXPECT_EQ(cmd::errors::hello_syntax("auth"), "ERR Syntax error in HELLO option 'auth'");
}

struct GlobCase {
    const char* pattern;
    const char* text;
    bool match;
};

TEST(Glob, MatchesLikeRedisStringmatchlen) {
    const GlobCase cases[] = {
        // As stringmatchlen(): no pattern matches the empty string, not even `*` (KEYS *
        // still lists an empty key, through its "everything" shortcut, as Redis).
        {"*", "", false},
        {"*", "anything", true},
        {"h?llo", "hello", true},
        {"h?llo", "hllo", false},
        {"h*llo", "hllo", true},
        {"h*llo", "heeeello", true},
        {"h[ae]llo", "hallo", true},
        {"h[ae]llo", "hillo", false},
        {"h[^e]llo", "hallo", true},
        {"h[^e]llo", "hello", false},
        {"h[a-b]llo", "hbllo", true},
        {"h[b-a]llo", "hallo", true},
        {"h[a-b]llo", "hcllo", false},
        {"h\\*llo", "h*llo", true},
        {"h\\*llo", "hello", false},
        {"[\\]]", "]", true},
        {"a*b*c", "abc", true},
        {"a*b*c", "aXbYcZ", false},
        {"user:*", "user:1", true},
        {"user:*", "users", false},
        {"[abc", "a", true},
        {"[abc", "ab", false},
        {"abc\\", "abc\\", true},
        {"*a", "bbb", false},
        {"a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
        {"?", "", false},
        {"", "", true},
        {"", "a", false},
        {"[^", "x", true},
    };
    for (const GlobCase& c : cases) {
        EXPECT_EQ(cmd::glob_match(c.pattern, c.text), c.match) << c.pattern << " vs " << c.text;
    }
}

TEST(Glob, CaseInsensitiveForConfigNames) {
    EXPECT_TRUE(cmd::glob_match("PORT", "port", cmd::Case::insensitive));
    EXPECT_TRUE(cmd::glob_match("[A-Z]ort", "port", cmd::Case::insensitive));
    EXPECT_FALSE(cmd::glob_match("PORT", "port"));
}

TEST(Glob, IsBinarySafe) {
    EXPECT_TRUE(cmd::glob_match("a?c"s, "a\0c"s));
    EXPECT_TRUE(cmd::glob_match("a\0*"s, "a\0bc"s));
    EXPECT_FALSE(cmd::glob_match("a\0*"s, "a"s));
}

}  // namespace
