// Black-box tests of the lab1_tcp program: the real binary on a free port, raw bytes over TCP.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "support/process.hpp"
#include "support/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using support::ServerProcess;
using support::TestClient;

ServerProcess start_lab1() {
    return ServerProcess::start(support::program_path("lab1_tcp"), {"--port", "0"});
}

TEST(Lab1Server, AnswersPingEchoAndQuit) {
    auto server = start_lab1();
    TestClient client{server.port()};
    client.send("PING\r\n");
    EXPECT_EQ(client.read_exact(7), "+PONG\r\n");
    client.send("ECHO hello\r\n");
    EXPECT_EQ(client.read_exact(11), "$5\r\nhello\r\n");
    client.send("QUIT\r\n");
    EXPECT_EQ(client.read_exact(5), "+OK\r\n");
    EXPECT_TRUE(client.closed_by_server());
}

TEST(Lab1Server, AnswersACommandSplitAcrossPackets) {
    auto server = start_lab1();
    TestClient client{server.port()};
    client.send("PI");
    EXPECT_EQ(client.read_for(100ms), "");  // half a command gets no answer yet
    client.send("NG\r");
    client.send("\n");
    EXPECT_EQ(client.read_exact(7), "+PONG\r\n");
}

TEST(Lab1Server, AnswersSeveralCommandsSentTogetherInOrder) {
    auto server = start_lab1();
    TestClient client{server.port()};
    client.send("PING\r\nECHO a\nping b\r\nnope\r\n");
    const std::string expected =
        "+PONG\r\n$1\r\na\r\n$1\r\nb\r\n-ERR unknown command 'nope', with args beginning with: "
        "\r\n";
    EXPECT_EQ(client.read_exact(expected.size()), expected);
}

TEST(Lab1Server, ServesOneClientAtATimeAndTheNextOneWaits) {
    auto server = start_lab1();
    TestClient first{server.port()};
    first.send("PING\r\n");
    ASSERT_EQ(first.read_exact(7), "+PONG\r\n");

    // The second connection completes (the kernel queues it) but nobody reads its command.
    TestClient second{server.port()};
    second.send("PING\r\n");
    EXPECT_EQ(second.read_for(300ms), "");

    first.send("QUIT\r\n");
    EXPECT_EQ(first.read_exact(5), "+OK\r\n");
    EXPECT_EQ(second.read_exact(7), "+PONG\r\n");  // served as soon as the first one left
}

TEST(Lab1Server, SurvivesAClientThatVanishesMidLine) {
    auto server = start_lab1();
    {
        TestClient quitter{server.port()};
        quitter.send("ECHO never-fini");
        quitter.close();
    }
    TestClient next{server.port()};
    next.send("PING\r\n");
    EXPECT_EQ(next.read_exact(7), "+PONG\r\n");
    EXPECT_NE(server.read_line().find("connected"), std::string::npos);
}

TEST(Lab1Server, RefusesALineOver64KiBThenServesTheNextClient) {
    auto server = start_lab1();
    {
        TestClient flooder{server.port()};
        flooder.send(std::string(64 * 1024 + 1, 'x'));
        EXPECT_EQ(flooder.read_until("\r\n"), "-ERR Protocol error: too big inline request\r\n");
        EXPECT_TRUE(flooder.closed_by_server());
    }
    TestClient next{server.port()};
    next.send("PING\r\n");
    EXPECT_EQ(next.read_exact(7), "+PONG\r\n");
}

TEST(Lab1Server, AcceptsALineOfExactly64KiB) {
    auto server = start_lab1();
    TestClient client{server.port()};
    const std::string message(64 * 1024 - 5, 'm');  // "ECHO " + message is 65,536 bytes
    client.send("ECHO " + message + "\r\n");
    const std::string expected = "$" + std::to_string(message.size()) + "\r\n" + message + "\r\n";
    EXPECT_EQ(client.read_exact(expected.size()), expected);
}

TEST(Lab1Server, StopsCleanlyOnSigintAndSigterm) {
    for (const int signal : {SIGINT, SIGTERM}) {
        auto server = start_lab1();
        EXPECT_EQ(server.stop(signal), 0);
        EXPECT_NE(server.output().find("lab1_tcp: stopped"), std::string::npos);
    }
}

TEST(Lab1Server, StopsCleanlyWhileAClientIsConnected) {
    auto server = start_lab1();
    TestClient client{server.port()};
    client.send("PING\r\n");
    ASSERT_EQ(client.read_exact(7), "+PONG\r\n");
    EXPECT_EQ(server.stop(SIGINT), 0);
    EXPECT_TRUE(client.closed_by_server());
}

TEST(Lab1Server, RefusesToStartOnAPortInUse) {
    auto first = start_lab1();
    const auto result = support::run_program(support::program_path("lab1_tcp"),
                                             {"--port", std::to_string(first.port())});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("Address already in use"), std::string::npos) << result.err;
}

}  // namespace
