// In-process tests of the connection and server commands: PING, ECHO, SELECT, HELLO, CLIENT,
// SAVE, BGSAVE, LASTSAVE, SHUTDOWN, INFO, COMMAND, and the blocking flow lab 6 builds on.
// Introduced in lab 5.
#include <gtest/gtest.h>

#include <string>

#include "cmd/context.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;
using namespace std::chrono_literals;

TEST_F(CommandTest, PingAndEcho) {
    EXPECT_EQ(run({"PING"}), "+PONG\r\n");
    EXPECT_EQ(run({"PING", "hi"}), bulk("hi"));
    EXPECT_EQ(run({"ECHO", "hello world"}), bulk("hello world"));
    use_resp3();
    EXPECT_EQ(run({"PING"}), "+PONG\r\n");
}

TEST_F(CommandTest, SelectZeroOnly) {
    EXPECT_EQ(run({"SELECT", "0"}), ok);
    EXPECT_EQ(run({"SELECT", "1"}), error("ERR DB index is out of range"));
    EXPECT_EQ(run({"SELECT", "-1"}), error("ERR DB index is out of range"));
    EXPECT_EQ(run({"SELECT", "abc"}), error("ERR value is not an integer or out of range"));
}

std::string hello_reply(int protocol, int id) {
    const std::string header = protocol == 3 ? "%7\r\n" : "*14\r\n";
    return header + bulk("server") + bulk("redis") + bulk("version") + bulk("7.0.15") +
           bulk("proto") + integer(protocol) + bulk("id") + integer(id) + bulk("mode") +
           bulk("standalone") + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n";
}

TEST_F(CommandTest, HelloSwitchesProtocolAndRepliesInTheNewOne) {
    EXPECT_EQ(run({"HELLO"}), hello_reply(2, 7));
    EXPECT_EQ(run({"HELLO", "3"}), hello_reply(3, 7));
    EXPECT_EQ(session.protocol, resp::Protocol::resp3);
    EXPECT_EQ(run({"GET", "missing"}), "_\r\n");
    EXPECT_EQ(run({"HELLO", "2"}), hello_reply(2, 7));
    EXPECT_EQ(run({"GET", "missing"}), "$-1\r\n");
}

TEST_F(CommandTest, HelloOptionsAndErrors) {
    EXPECT_EQ(run({"HELLO", "4"}), error("NOPROTO unsupported protocol version"));
    EXPECT_EQ(run({"HELLO", "abc"}),
              error("ERR Protocol version is not an integer or out of range"));
    EXPECT_EQ(run({"HELLO", "3", "AUTH", "a"}), error("ERR Syntax error in HELLO option 'AUTH'"));
    EXPECT_EQ(run({"HELLO", "2", "foo"}), error("ERR Syntax error in HELLO option 'foo'"));
    EXPECT_EQ(run({"HELLO", "3", "SETNAME", "a b"}),
              error("ERR Client names cannot contain spaces, newlines or special characters."));
    EXPECT_EQ(session.protocol, resp::Protocol::resp2);
    EXPECT_EQ(run({"HELLO", "2", "SETNAME", "worker"}), hello_reply(2, 7));
    EXPECT_EQ(session.name, "worker");
}

TEST_F(CommandTest, HelloAuthenticates) {
    state.config.requirepass = "secret";
    EXPECT_EQ(run({"HELLO", "3"}),
              error("NOAUTH HELLO must be called with the client already authenticated, "
                    "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
                    "authenticate the client and select the RESP protocol version at the same "
                    "time"));
    EXPECT_EQ(run({"HELLO", "3", "AUTH", "default", "wrong"}),
              error("WRONGPASS invalid username-password pair or user is disabled."));
    EXPECT_EQ(run({"HELLO", "3", "AUTH", "default", "secret"}), hello_reply(3, 7));
    EXPECT_TRUE(session.authenticated);
}

TEST_F(CommandTest, ClientIdNameInfo) {
    EXPECT_EQ(run({"CLIENT", "ID"}), integer(7));
    EXPECT_EQ(run({"CLIENT", "GETNAME"}), null);
    EXPECT_EQ(run({"CLIENT", "SETNAME", "bad name"}),
              error("ERR Client names cannot contain spaces, newlines or special characters."));
    EXPECT_EQ(run({"CLIENT", "SETNAME", "worker-1"}), ok);
    EXPECT_EQ(run({"CLIENT", "GETNAME"}), bulk("worker-1"));
    EXPECT_EQ(run({"CLIENT", "SETNAME", ""}), ok);
    EXPECT_EQ(run({"CLIENT", "GETNAME"}), null);
    clock.advance(3s);
    const std::string line =
        "id=7 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name= age=3 idle=0 flags=N db=0 "
        "sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 "
        "obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|info user=default redir=-1 resp=2\n";
    EXPECT_EQ(run({"CLIENT", "INFO"}), bulk(line));
    use_resp3();
    const std::string resp3_line = line.substr(0, line.size() - 2) + "3\n";
    EXPECT_EQ(run({"CLIENT", "INFO"}),
              "=" + std::to_string(resp3_line.size() + 4) + "\r\ntxt:" + resp3_line + "\r\n");
}

TEST_F(CommandTest, ClientListAndKill) {
    cmd::Session other;
    other.id = 9;
    other.name = "other";
    other.peer_address = "127.0.0.1:50001";
    server.clients.push_back(&other);
    const std::string list = run({"CLIENT", "LIST"});
    EXPECT_NE(list.find("id=7 addr=127.0.0.1:50000"), std::string::npos);
    EXPECT_NE(list.find("id=9 addr=127.0.0.1:50001"), std::string::npos);
    EXPECT_NE(list.find("cmd=client|list"), std::string::npos);
    const std::string only = run({"CLIENT", "LIST", "ID", "9"});
    EXPECT_EQ(only.find("id=7 "), std::string::npos);
    EXPECT_NE(only.find("name=other"), std::string::npos);
    EXPECT_EQ(run({"CLIENT", "LIST", "TYPE", "pubsub"}), bulk(""));
    EXPECT_EQ(run({"CLIENT", "LIST", "TYPE", "foo"}), error("ERR Unknown client type 'foo'"));
    EXPECT_EQ(run({"CLIENT", "LIST", "ID", "abc"}), error("ERR Invalid client ID"));
    EXPECT_EQ(run({"CLIENT", "KILL", "ID", "9"}), integer(1));
    EXPECT_EQ(server.killed, std::vector<std::uint64_t>{9});
    EXPECT_EQ(run({"CLIENT", "KILL", "1.2.3.4:5"}), error("ERR No such client"));
    EXPECT_EQ(run({"CLIENT", "KILL", "127.0.0.1:50001"}), ok);
    EXPECT_EQ(run({"CLIENT", "KILL", "ID", "abc"}),
              error("ERR client-id should be greater than 0"));
    EXPECT_EQ(run({"CLIENT", "KILL", "ID", "7"}), integer(0));  // SKIPME yes by default
    EXPECT_EQ(run({"CLIENT", "KILL", "foo", "bar"}), error("ERR syntax error"));
}

TEST_F(CommandTest, SaveBgsaveLastsave) {
    EXPECT_EQ(run({"SAVE"}), ok);
    EXPECT_EQ(server.saves, 1);
    EXPECT_EQ(run({"LASTSAVE"}), integer(1'700'000'500));
    server.save_works = false;
    EXPECT_EQ(run({"SAVE"}), error("ERR"));
    EXPECT_EQ(run({"BGSAVE"}), "+Background saving started\r\n");
    server.background_answer = cmd::BackgroundSaveStart::in_progress;
    EXPECT_EQ(run({"BGSAVE"}), error("ERR Background save already in progress"));
    server.status.background_save_in_progress = true;
    EXPECT_EQ(run({"SAVE"}), error("ERR Background save already in progress"));
    EXPECT_EQ(run({"BGSAVE", "foo"}), error("ERR syntax error"));
}

TEST_F(CommandTest, Shutdown) {
    EXPECT_EQ(run({"SHUTDOWN", "SAVE", "NOSAVE"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SHUTDOWN", "foo"}), error("ERR syntax error"));
    server.shutdown_works = false;
    EXPECT_EQ(run({"SHUTDOWN"}), error("ERR Errors trying to SHUTDOWN. Check logs."));
    EXPECT_EQ(server.shutdown_mode, cmd::ShutdownMode::default_mode);
    server.shutdown_works = true;
    EXPECT_EQ(run({"SHUTDOWN", "nosave"}), "");  // no reply: the server goes away
    EXPECT_EQ(server.shutdown_mode, cmd::ShutdownMode::nosave);
    EXPECT_TRUE(session.close_after_reply);
}

TEST_F(CommandTest, InfoSectionsAndFields) {
    given({"SET", "a", "1"});
    given({"SET", "b", "2", "EX", "100"});
    given({"GET", "a"});
    given({"GET", "missing"});
    const std::string info = run({"INFO"});
    for (const char* field : {"# Server\r\nredis_version:7.0.15\r\n",
                              "redis_mode:standalone\r\n",
                              "arch_bits:64\r\n",
                              "tcp_port:6379\r\n",
                              "uptime_in_seconds:0\r\n",
                              "\r\n\r\n# Clients\r\n",
                              "connected_clients:1\r\n",
                              "# Memory\r\nused_memory:",
                              "used_memory_human:",
                              "used_memory_rss:",
                              "maxmemory:0\r\n",
                              "# Persistence\r\nloading:0\r\n",
                              "rdb_changes_since_last_save:2\r\n",
                              "rdb_bgsave_in_progress:0\r\n",
                              "rdb_last_bgsave_status:ok\r\n",
                              "aof_enabled:0\r\n",
                              "aof_last_write_status:ok\r\n",
                              "# Stats\r\ntotal_connections_received:0\r\n",
                              "total_commands_processed:5\r\n",
                              "instantaneous_ops_per_sec:",
                              "expired_keys:0\r\n",
                              "keyspace_hits:1\r\n",
                              "keyspace_misses:1\r\n",
                              "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n",
                              "master_replid:",
                              "master_repl_offset:0\r\n",
                              "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=100000\r\n"}) {
        EXPECT_NE(info.find(field), std::string::npos) << field;
    }
    EXPECT_EQ(info.substr(info.size() - 2), "\r\n");
}

TEST_F(CommandTest, InfoChoosesSections) {
    const std::string keyspace = run({"INFO", "keyspace"});
    EXPECT_EQ(keyspace, bulk("# Keyspace\r\n"));
    const std::string two = run({"INFO", "SERVER", "clients"});
    EXPECT_NE(two.find("# Server"), std::string::npos);
    EXPECT_NE(two.find("# Clients"), std::string::npos);
    EXPECT_EQ(two.find("# Memory"), std::string::npos);
    EXPECT_EQ(run({"INFO", "foo"}), bulk(""));
    EXPECT_NE(run({"INFO", "everything"}).find("# Keyspace"), std::string::npos);
    use_resp3();
    EXPECT_EQ(run({"INFO", "keyspace"}), "=16\r\ntxt:# Keyspace\r\n\r\n");
}

TEST_F(CommandTest, CommandCountListInfoDocs) {
    const std::string count = run({"COMMAND", "COUNT"});
    EXPECT_EQ(count, integer(static_cast<long long>(dispatcher.table().size())));
    const std::string list = run({"COMMAND", "LIST"});
    EXPECT_NE(list.find(bulk("config|get")), std::string::npos);
    EXPECT_NE(list.find(bulk("getrange")), std::string::npos);
    EXPECT_EQ(run({"COMMAND", "INFO", "get"}),
              "*1\r\n*10\r\n" + bulk("get") + integer(2) + "*2\r\n+readonly\r\n+fast\r\n" +
                  integer(1) + integer(1) + integer(1) +
                  "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*0\r\n*0\r\n");
    EXPECT_EQ(run({"COMMAND", "INFO", "nosuch"}), "*1\r\n$-1\r\n");
    EXPECT_EQ(run({"COMMAND", "DOCS", "get", "nosuch"}),
              "*2\r\n" + bulk("get") + "*6\r\n" + bulk("summary") + bulk("Get the value of a key") +
                  bulk("since") + bulk("1.0.0") + bulk("group") + bulk("string"));
    use_resp3();
    EXPECT_EQ(run({"COMMAND", "DOCS", "get"}).substr(0, 4), "%1\r\n");
    EXPECT_EQ(run({"COMMAND"}).substr(0, 1), "*");
}

// A blocking command as lab 6 will write one: serve if the key exists, else block on it.
void take_command(cmd::Context& ctx) {
    const std::string key{ctx.argv[1]};
    if (const auto value = ctx.db.keyspace().get(key)) {
        ctx.reply.bulk(*value);
        ctx.db.keyspace().del(key);
        ctx.db.add_changes();
        ctx.replace_propagation({"DEL", key});
        return;
    }
    ctx.block({.keys = {key},
               .deadline = ctx.now() + 1s,
               .timeout_reply = cmd::BlockRequest::TimeoutReply::null_array,
               .argv = {},
               .acks = {}});
}

class BlockingTest : public CommandTest {
public:
    BlockingTest() {
        cmd::CommandTable table = cmd::lab5_commands();
        table.add(cmd::Command{.name = "take",
                               .arity = 2,
                               .flags = cmd::Flag::write | cmd::Flag::blocking,
                               .keys = {1, 1, 1},
                               .group = cmd::Group::list,
                               .syntax = "TAKE key",
                               .summary = "test",
                               .since = "0",
                               .handler = take_command,
                               .subcommands = {},
                               .container = {}});
        blocking.emplace(std::move(table), state, server);
        blocking->add_sink(sink);
    }
    std::optional<cmd::Dispatcher> blocking;
};

TEST_F(BlockingTest, BlockRetryAndTimeout) {
    std::string out;
    const std::vector<std::string_view> take{"TAKE", "k"};
    EXPECT_EQ(blocking->execute(session, take, out), cmd::Outcome::blocked);
    EXPECT_EQ(out, "");
    ASSERT_TRUE(session.blocked);
    EXPECT_EQ(session.blocked->keys, std::vector<std::string>{"k"});
    EXPECT_EQ(session.blocked->argv, (std::vector<std::string>{"TAKE", "k"}));
    const auto deadline = session.blocked->deadline;
    EXPECT_TRUE(sink.commands.empty());

    clock.advance(500ms);  // a retry with nothing to serve keeps the first deadline
    EXPECT_EQ(blocking->retry_blocked(session, out), cmd::Outcome::blocked);
    EXPECT_EQ(session.blocked->deadline, deadline);

    const std::vector<std::string_view> set{"SET", "k", "v"};
    cmd::Session writer;
    (void)blocking->execute(writer, set, out);
    out.clear();
    sink.commands.clear();
    EXPECT_EQ(blocking->retry_blocked(session, out), cmd::Outcome::replied);
    EXPECT_EQ(out, bulk("v"));
    EXPECT_FALSE(session.blocked);
    EXPECT_EQ(sink.commands, std::vector<std::string>{"DEL k"});

    out.clear();
    EXPECT_EQ(blocking->execute(session, take, out), cmd::Outcome::blocked);
    blocking->time_out_blocked(session, out);
    EXPECT_EQ(out, "*-1\r\n");
    EXPECT_FALSE(session.blocked);
}

TEST_F(BlockingTest, ReplaySessionsNeverBlock) {
    cmd::Session replay;
    replay.kind = cmd::ClientKind::replay;
    std::string out;
    const std::vector<std::string_view> take{"TAKE", "k"};
    EXPECT_EQ(blocking->execute(replay, take, out), cmd::Outcome::replied);
    EXPECT_EQ(out, "*-1\r\n");
}

TEST_F(CommandTest, ReadyKeysAreCollectedOnce) {
    state.db.signal_key_ready("a");
    state.db.signal_key_ready("b");
    state.db.signal_key_ready("a");
    EXPECT_EQ(state.db.take_ready_keys(), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(state.db.take_ready_keys().empty());
}

}  // namespace
