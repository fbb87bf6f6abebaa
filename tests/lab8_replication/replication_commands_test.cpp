// In-process tests of lab 8's command layer: REPLICAOF, ROLE, WAIT, REPLCONF, PSYNC and INFO
// replication against a fake replication layer; READONLY and the replica's expiry rules in
// the dispatcher; CLIENT LIST and CLIENT KILL by client type. Introduced in lab 8.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cmd/replication.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;
using namespace std::chrono_literals;

/// Records what the commands asked for and answers what the test sets.
class FakeReplication final : public cmd::Replication {
public:
    cmd::ReplicationStatus status() const override { return answer; }
    bool replicate_from(const std::string& host, int port) override {
        masters.push_back(host + ":" + std::to_string(port));
        return !already_connected;
    }
    void become_master() override { ++promotions; }
    void acknowledged(cmd::Session& replica, std::uint64_t offset) override {
        acks.emplace_back(replica.id, offset);
    }
    void send_ack() override { ++acks_sent; }
    std::optional<std::string> synchronize(cmd::Session& session, std::string_view id,
                                           long long offset, bool sync_command,
                                           std::string& out) override {
        syncs.push_back(std::string{id} + " " + std::to_string(offset) +
                        (sync_command ? " sync" : ""));
        if (refuse) return refuse;
        session.kind = cmd::ClientKind::replica;
        out += "+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n$2\r\n{}";
        return std::nullopt;
    }
    long long acknowledged_replicas(std::uint64_t offset) const override {
        long long count = 0;
        for (const std::uint64_t acked : replica_offsets)
            count += acked >= offset ? 1 : 0;
        return count;
    }
    void request_acks() override { ++ack_requests; }

    cmd::ReplicationStatus answer;
    bool already_connected = false;
    std::optional<std::string> refuse;
    std::vector<std::string> masters;
    int promotions = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> acks;
    int acks_sent = 0;
    std::vector<std::string> syncs;
    std::vector<std::uint64_t> replica_offsets;
    int ack_requests = 0;
};

class ReplicationCommands : public CommandTest {
public:
    ReplicationCommands() : CommandTest(cmd::lab8_commands()) {
        server.replication_layer = &replication;
    }
    FakeReplication replication;
};

const std::string read_only = error("READONLY You can't write against a read only replica.");

TEST_F(ReplicationCommands, ReplicaofHostPortAndNoOne) {
    EXPECT_EQ(run({"REPLICAOF", "127.0.0.1", "6380"}), ok);
    EXPECT_EQ(replication.masters, std::vector<std::string>{"127.0.0.1:6380"});
    replication.already_connected = true;
    EXPECT_EQ(run({"SLAVEOF", "127.0.0.1", "6380"}),
              "+OK Already connected to specified master\r\n");
    EXPECT_EQ(run({"REPLICAOF", "127.0.0.1", "65536"}), error("ERR Invalid master port"));
    EXPECT_EQ(run({"REPLICAOF", "127.0.0.1", "x"}), error("ERR Invalid master port"));
    EXPECT_EQ(run({"REPLICAOF", "no", "one"}), ok);  // a master already: nothing to do
    EXPECT_EQ(replication.promotions, 0);
    state.is_replica = true;
    EXPECT_EQ(run({"REPLICAOF", "NO", "ONE"}), ok);
    EXPECT_EQ(replication.promotions, 1);
}

TEST_F(ReplicationCommands, RoleOfAMasterListsItsOnlineReplicas) {
    replication.answer.offset = 1234;
    replication.answer.replicas = {{"127.0.0.1", 6380, "online", 1200, 0},
                                   {"127.0.0.1", 6381, "wait_bgsave", 0, 0}};
    EXPECT_EQ(run({"ROLE"}), "*3\r\n" + bulk("master") + integer(1234) + "*1\r\n*3\r\n" +
                                 bulk("127.0.0.1") + bulk("6380") + bulk("1200"));
}

TEST_F(ReplicationCommands, RoleOfAReplica) {
    replication.answer.is_replica = true;
    replication.answer.master_host = "127.0.0.1";
    replication.answer.master_port = 6379;
    replication.answer.link_state = "connected";
    replication.answer.link_up = true;
    replication.answer.applied_offset = 99;
    EXPECT_EQ(run({"ROLE"}), "*5\r\n" + bulk("slave") + bulk("127.0.0.1") + integer(6379) +
                                 bulk("connected") + integer(99));
    replication.answer.link_up = false;
    replication.answer.link_state = "connect";
    EXPECT_EQ(run({"ROLE"}), "*5\r\n" + bulk("slave") + bulk("127.0.0.1") + integer(6379) +
                                 bulk("connect") + integer(-1));
}

TEST_F(ReplicationCommands, InfoReplicationOfAReplicaHasRedisFieldsInOrder) {
    replication.answer.is_replica = true;
    replication.answer.master_host = "127.0.0.1";
    replication.answer.master_port = 6379;
    replication.answer.link_up = false;
    replication.answer.link_down_seconds = 3;
    replication.answer.replication_id = std::string(40, 'a');
    const std::string info = run({"INFO", "replication"});
    const std::vector<std::string> fields = {"role:slave",
                                             "master_host:127.0.0.1",
                                             "master_port:6379",
                                             "master_link_status:down",
                                             "master_last_io_seconds_ago:-1",
                                             "master_sync_in_progress:0",
                                             "slave_read_repl_offset:0",
                                             "slave_repl_offset:0",
                                             "master_link_down_since_seconds:3",
                                             "slave_priority:100",
                                             "slave_read_only:1",
                                             "replica_announced:1",
                                             "connected_slaves:0",
                                             "master_failover_state:no-failover",
                                             "master_replid:" + std::string(40, 'a')};
    std::size_t at = 0;
    for (const std::string& field : fields) {
        const std::size_t found = info.find(field + "\r\n", at);
        ASSERT_NE(found, std::string::npos) << field << " missing or out of order in\n" << info;
        at = found;
    }
}

TEST_F(ReplicationCommands, InfoReplicationOfAMasterListsReplicas) {
    replication.answer.replicas = {{"127.0.0.1", 6380, "online", 42, 1}};
    replication.answer.backlog_active = true;
    replication.answer.backlog_size = 1048576;
    const std::string info = run({"INFO", "replication"});
    EXPECT_NE(info.find("role:master\r\nconnected_slaves:1\r\n"
                        "slave0:ip=127.0.0.1,port=6380,state=online,offset=42,lag=1\r\n"),
              std::string::npos)
        << info;
    EXPECT_NE(info.find("repl_backlog_active:1\r\nrepl_backlog_size:1048576\r\n"),
              std::string::npos);
}

TEST_F(ReplicationCommands, AReplicaRefusesWritesFromClientsButNotFromItsMaster) {
    state.is_replica = true;
    EXPECT_EQ(run({"SET", "k", "v"}), read_only);
    EXPECT_EQ(run({"LPUSH", "l", "a"}), read_only);
    EXPECT_EQ(run({"BLPOP", "l", "0"}), read_only);  // a write command, though it may only wait
    EXPECT_EQ(run({"GET", "k"}), null);              // reads are served
    cmd::Session master;
    master.kind = cmd::ClientKind::master;
    EXPECT_EQ(run_as(master, {"SET", "k", "v"}), ok);
    EXPECT_EQ(run({"GET", "k"}), bulk("v"));
}

TEST_F(ReplicationCommands, AReplicaHidesExpiredKeysAndWaitsForTheMastersDel) {
    given({"SET", "k", "v", "PX", "100"});
    state.is_replica = true;
    clock.advance(200ms);
    EXPECT_EQ(run({"GET", "k"}), null);  // hidden from its clients...
    EXPECT_EQ(run({"EXISTS", "k"}), integer(0));
    EXPECT_EQ(run({"DBSIZE"}), integer(1));                    // ...but still there
    EXPECT_EQ(dispatcher.active_expire(1s).keys_checked, 0U);  // no active expiry either
    EXPECT_EQ(run({"DBSIZE"}), integer(1));
    EXPECT_TRUE(sink.commands.empty());  // and no DEL of its own
    cmd::Session master;
    master.kind = cmd::ClientKind::master;
    // The master's stream still finds the key, as the master still has it...
    EXPECT_EQ(run_as(master, {"APPEND", "k", "w"}), integer(2));
    // ...until its DEL arrives.
    EXPECT_EQ(run_as(master, {"DEL", "k"}), integer(1));
    EXPECT_EQ(run({"DBSIZE"}), integer(0));
}

TEST_F(ReplicationCommands, AMasterStillExpiresAndPropagatesDel) {
    given({"SET", "k", "v", "PX", "100"});
    clock.advance(200ms);
    EXPECT_EQ(run({"GET", "k"}), null);
    EXPECT_EQ(run({"DBSIZE"}), integer(0));
    EXPECT_EQ(sink.commands, std::vector<std::string>{"DEL k"});
}

TEST_F(ReplicationCommands, WaitAnswersAtOnceWhenEnoughReplicasAcknowledged) {
    replication.replica_offsets = {10, 5};
    EXPECT_EQ(run({"WAIT", "0", "0"}), integer(2));  // offset 0: every replica counts
    state.replication_offset = 8;
    given({"SET", "k", "v"});  // the fake layer does not move the offset: write_offset stays
    session.write_offset = 8;
    EXPECT_EQ(run({"WAIT", "1", "100"}), integer(1));
    EXPECT_EQ(replication.ack_requests, 0);
}

TEST_F(ReplicationCommands, WaitBlocksThenCountsAtTheTimeout) {
    replication.replica_offsets = {5};
    session.write_offset = 8;
    EXPECT_EQ(run({"WAIT", "1", "100"}), "");
    EXPECT_EQ(last_outcome, cmd::Outcome::blocked);
    ASSERT_TRUE(session.blocked && session.blocked->acks);
    EXPECT_EQ(session.blocked->acks->offset, 8U);
    EXPECT_EQ(replication.ack_requests, 1);  // GETACK asked of the replicas
    std::string out;
    EXPECT_FALSE(dispatcher.retry_ack_wait(session, out));  // still behind
    replication.replica_offsets = {8};
    EXPECT_TRUE(dispatcher.retry_ack_wait(session, out));
    EXPECT_EQ(out, integer(1));
    EXPECT_FALSE(session.blocked);

    replication.replica_offsets = {5};
    EXPECT_EQ(run({"WAIT", "1", "100"}), "");
    out.clear();
    dispatcher.time_out_blocked(session, out);
    EXPECT_EQ(out, integer(0));  // the timeout replies with the count reached, not a null
}

TEST_F(ReplicationCommands, WaitErrors) {
    EXPECT_EQ(run({"WAIT", "x", "1"}), error("ERR value is not an integer or out of range"));
    EXPECT_EQ(run({"WAIT", "1", "x"}), error("ERR timeout is not an integer or out of range"));
    EXPECT_EQ(run({"WAIT", "1", "-1"}), error("ERR timeout is negative"));
    state.is_replica = true;
    EXPECT_EQ(run({"WAIT", "1", "1"}),
              error("ERR WAIT cannot be used with replica instances. Please also note that "
                    "since Redis 4.0 if a replica is configured to be writable (which is not "
                    "the default) writes to replicas are just local and are not propagated."));
}

TEST_F(ReplicationCommands, ReplconfOptions) {
    EXPECT_EQ(run({"REPLCONF", "listening-port", "6380", "capa", "eof", "capa", "psync2"}), ok);
    EXPECT_EQ(session.replica_listening_port, 6380);
    EXPECT_EQ(run({"REPLCONF", "ip-address", "10.0.0.7"}), ok);
    EXPECT_EQ(session.replica_announced_ip, "10.0.0.7");
    EXPECT_EQ(run({"REPLCONF", "a"}), error("ERR syntax error"));
    EXPECT_EQ(run({"REPLCONF", "foo", "bar"}), error("ERR Unrecognized REPLCONF option: foo"));
    EXPECT_EQ(run({"REPLCONF", "listening-port", "x"}),
              error("ERR value is not an integer or out of range"));
    // ACK has no reply, and counts only from a replica.
    EXPECT_EQ(run({"REPLCONF", "ACK", "5"}), "");
    EXPECT_TRUE(replication.acks.empty());
    session.kind = cmd::ClientKind::replica;
    EXPECT_EQ(run({"REPLCONF", "ACK", "5"}), "");
    EXPECT_EQ(replication.acks, (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{7, 5}}));
}

TEST_F(ReplicationCommands, GetackOnAReplicaSendsAnAckAndNoReply) {
    cmd::Session master;
    master.kind = cmd::ClientKind::master;
    EXPECT_EQ(run_as(master, {"REPLCONF", "GETACK", "*"}), "");
    EXPECT_EQ(replication.acks_sent, 0);  // a master has nobody to acknowledge to
    state.is_replica = true;
    EXPECT_EQ(run_as(master, {"REPLCONF", "GETACK", "*"}), "");
    EXPECT_EQ(replication.acks_sent, 1);
    EXPECT_TRUE(sink.commands.empty());
}

TEST_F(ReplicationCommands, PsyncHandsTheClientToTheReplicationLayer) {
    EXPECT_EQ(run({"PSYNC", "?", "-1"}),
              "+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n$2\r\n{}");
    EXPECT_EQ(session.kind, cmd::ClientKind::replica);
    EXPECT_EQ(run({"PSYNC", "?", "-1"}), "");  // already a replica: ignored
    EXPECT_EQ(replication.syncs, std::vector<std::string>{"? -1"});
    EXPECT_EQ(run({"PSYNC"}), error("ERR wrong number of arguments for 'psync' command"));
}

TEST_F(ReplicationCommands, PsyncRefusedWithTheLayersError) {
    replication.refuse = "NOMASTERLINK Can't SYNC while not connected with my master";
    EXPECT_EQ(run({"SYNC"}), error("NOMASTERLINK Can't SYNC while not connected with my master"));
    EXPECT_EQ(replication.syncs, std::vector<std::string>{"? -1 sync"});
    EXPECT_EQ(session.kind, cmd::ClientKind::normal);
}

TEST_F(ReplicationCommands, ClientListAndKillByType) {
    cmd::Session replica;
    replica.id = 8;
    replica.kind = cmd::ClientKind::replica;
    replica.peer_address = "127.0.0.1:50001";
    server.clients.push_back(&replica);
    const std::string list = run({"CLIENT", "LIST", "TYPE", "replica"});
    EXPECT_NE(list.find("id=8 "), std::string::npos);
    EXPECT_NE(list.find("flags=S "), std::string::npos);
    EXPECT_EQ(list.find("id=7 "), std::string::npos);
    EXPECT_EQ(run({"CLIENT", "KILL", "TYPE", "slave"}), integer(1));
    EXPECT_EQ(server.killed, std::vector<std::uint64_t>{8});
    EXPECT_EQ(run({"CLIENT", "KILL", "TYPE", "master"}), integer(0));
    EXPECT_EQ(run({"CLIENT", "KILL", "TYPE", "nobody"}), error("ERR Unknown client type 'nobody'"));
}

TEST_F(ReplicationCommands, WritesRecordTheClientsReplicationOffset) {
    // A sink standing for the replication stream: each write moves the offset on.
    class Stream final : public cmd::PropagationSink {
    public:
        explicit Stream(cmd::ServerState& state) : state_{state} {}
        void propagate(std::span<const std::string_view>) override {
            state_.replication_offset += 10;
        }

    private:
        cmd::ServerState& state_;
    } stream{state};
    dispatcher.add_sink(stream);
    given({"SET", "a", "1"});
    EXPECT_EQ(session.write_offset, 10U);
    given({"GET", "a"});  // a read leaves it
    EXPECT_EQ(session.write_offset, 10U);
    given({"SET", "a", "2"});
    EXPECT_EQ(session.write_offset, 20U);
    dispatcher.remove_sink(stream);
}

TEST_F(ReplicationCommands, ReplicationOptionsAreConfigOptions) {
    EXPECT_EQ(run({"CONFIG", "GET", "repl-backlog-size"}),
              "*2\r\n" + bulk("repl-backlog-size") + bulk("1048576"));
    EXPECT_EQ(run({"CONFIG", "SET", "repl-backlog-size", "1mb"}), ok);
    EXPECT_EQ(run({"CONFIG", "GET", "repl-timeout"}), "*2\r\n" + bulk("repl-timeout") + bulk("60"));
    EXPECT_EQ(run({"CONFIG", "GET", "replicaof"}), "*2\r\n" + bulk("replicaof") + bulk(""));
    EXPECT_EQ(state.config.set("replicaof", "127.0.0.1 6379"), std::nullopt);
    EXPECT_NE(state.config.set("replicaof", "127.0.0.1"), std::nullopt);
    EXPECT_NE(state.config.set("replicaof", "127.0.0.1 70000"), std::nullopt);
}

}  // namespace
