// Unit tests of the replica's reading of its master's replies (common/repl/sync_protocol.hpp):
// lines and keep-alives, the answer to PSYNC, the snapshot header and the `$EOF:` mark.
// Introduced in lab 8.
#include "repl/sync_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

const std::string id(40, 'a');
const std::string mark = "0123456789abcdefghij0123456789ABCDEFGHIJ";

TEST(TakeLine, EndsAtCrlfOrAtALoneNewline) {
    const repl::Line crlf = repl::take_line("+PONG\r\nrest");
    EXPECT_EQ(crlf.status, repl::LineStatus::complete);
    EXPECT_EQ(crlf.text, "+PONG");
    EXPECT_EQ(crlf.consumed, 7u);

    const repl::Line keep_alive = repl::take_line("\n$5\r\n");
    EXPECT_EQ(keep_alive.status, repl::LineStatus::complete);
    EXPECT_EQ(keep_alive.text, "");
    EXPECT_EQ(keep_alive.consumed, 1u);
}

TEST(TakeLine, WaitsForTheNewlineUpToTheLimit) {
    EXPECT_EQ(repl::take_line("").status, repl::LineStatus::need_more);
    EXPECT_EQ(repl::take_line("+PONG\r").status, repl::LineStatus::need_more);
    EXPECT_EQ(repl::take_line(std::string(repl::max_reply_line, 'x')).status,
              repl::LineStatus::need_more);
    EXPECT_EQ(repl::take_line(std::string(repl::max_reply_line + 1, 'x')).status,
              repl::LineStatus::too_long);
}

TEST(ParsePsyncReply, FullResyncGivesTheIdAndTheOffset) {
    const repl::PsyncReply reply = repl::parse_psync_reply("+FULLRESYNC " + id + " 1234");
    EXPECT_EQ(reply.answer, repl::PsyncAnswer::full_resync);
    EXPECT_EQ(reply.replication_id, id);
    EXPECT_EQ(reply.offset, 1234u);
}

TEST(ParsePsyncReply, FullResyncWithABadIdOrOffsetIsMalformed) {
    for (const std::string& line :
         {"+FULLRESYNC " + id, "+FULLRESYNC " + id + " ", "+FULLRESYNC " + id + " -1",
          "+FULLRESYNC " + id + " 12x", "+FULLRESYNC " + id + " 99999999999999999999",
          std::string{"+FULLRESYNC abc 0"}, "+FULLRESYNC " + id + "b 0",
          std::string{"+FULLRESYNC "}}) {
        EXPECT_EQ(repl::parse_psync_reply(line).answer, repl::PsyncAnswer::malformed) << line;
    }
}

TEST(ParsePsyncReply, ContinueWithOrWithoutANewId) {
    const repl::PsyncReply same = repl::parse_psync_reply("+CONTINUE");
    EXPECT_EQ(same.answer, repl::PsyncAnswer::partial);
    EXPECT_EQ(same.replication_id, "");

    const repl::PsyncReply moved = repl::parse_psync_reply("+CONTINUE " + id);
    EXPECT_EQ(moved.answer, repl::PsyncAnswer::partial);
    EXPECT_EQ(moved.replication_id, id);
}

TEST(ParsePsyncReply, AnythingElseIsARefusal) {
    for (const std::string line : {"", "-NOMASTERLINK Can't SYNC while not connected",
                                   "-LOADING Redis is loading", "+FULLRESYNC", "+OK"}) {
        EXPECT_EQ(repl::parse_psync_reply(line).answer, repl::PsyncAnswer::refused) << line;
    }
}

TEST(ParseSnapshotHeader, ALength) {
    const repl::SnapshotHeader header = repl::parse_snapshot_header("$175");
    EXPECT_EQ(header.framing, repl::SnapshotFraming::length);
    EXPECT_EQ(header.length, 175u);
    EXPECT_EQ(repl::parse_snapshot_header("$0").framing, repl::SnapshotFraming::length);
}

TEST(ParseSnapshotHeader, AnEofMarkOfFortyBytes) {
    const repl::SnapshotHeader header = repl::parse_snapshot_header("$EOF:" + mark);
    EXPECT_EQ(header.framing, repl::SnapshotFraming::eof_mark);
    EXPECT_EQ(header.mark, mark);
}

TEST(ParseSnapshotHeader, AnythingElseIsMalformed) {
    for (const std::string& line :
         {std::string{"$"}, std::string{"$-1"}, std::string{"$01"}, std::string{"$1x"},
          std::string{"175"}, std::string{"+OK"}, std::string{"$EOF:"}, "$EOF:" + mark + "x",
          "$EOF:" + mark.substr(1), std::string{"x"}}) {
        EXPECT_EQ(repl::parse_snapshot_header(line).framing, repl::SnapshotFraming::malformed)
            << line;
    }
}

TEST(EofSnapshotSize, OnlyOnceTheMarkEndsWhatWasRead) {
    EXPECT_EQ(repl::eof_snapshot_size("", mark), std::nullopt);
    EXPECT_EQ(repl::eof_snapshot_size(mark.substr(0, 39), mark), std::nullopt);
    EXPECT_EQ(repl::eof_snapshot_size("REDIS0009" + mark.substr(0, 20), mark), std::nullopt);
    EXPECT_EQ(repl::eof_snapshot_size(mark, mark), 0u);
    EXPECT_EQ(repl::eof_snapshot_size("REDIS0009" + mark, mark), 9u);
}

}  // namespace
