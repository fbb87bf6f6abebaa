// Unit tests of the replication backlog's ring buffer: offsets, wrap-around, what it can
// still serve, resizing. Introduced in lab 8.
#include "repl/backlog.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using repl::Backlog;
using repl::min_backlog_size;

TEST(Backlog, StartsEmptyAfterTheStreamSoFar) {
    const Backlog backlog{min_backlog_size, 100};
    EXPECT_EQ(backlog.end_offset(), 100U);
    EXPECT_EQ(backlog.first_offset(), 101U);
    EXPECT_EQ(backlog.held(), 0U);
    EXPECT_EQ(backlog.since(101), "");  // a replica that has everything: nothing to send
    EXPECT_EQ(backlog.since(100), std::nullopt);
    EXPECT_EQ(backlog.since(102), std::nullopt);  // from the future
}

TEST(Backlog, OffsetsCountBytesFromOne) {
    Backlog backlog{min_backlog_size, 0};
    backlog.append("*1\r\n$4\r\nPING\r\n");  // 14 bytes: offsets 1 to 14
    EXPECT_EQ(backlog.first_offset(), 1U);
    EXPECT_EQ(backlog.end_offset(), 14U);
    EXPECT_EQ(backlog.since(1), "*1\r\n$4\r\nPING\r\n");
    EXPECT_EQ(backlog.since(9), "PING\r\n");
    EXPECT_EQ(backlog.since(15), "");
}

TEST(Backlog, TooSmallACapacityIsRaisedToTheMinimum) {
    const Backlog backlog{1, 0};
    EXPECT_EQ(backlog.capacity(), min_backlog_size);
}

TEST(Backlog, WrapsAroundKeepingTheNewestBytes) {
    Backlog backlog{min_backlog_size, 0};
    std::string stream;
    for (int i = 0; stream.size() < 3 * min_backlog_size; ++i) {
        const std::string part = "chunk" + std::to_string(i) + ";";
        stream += part;
        backlog.append(part);
    }
    EXPECT_EQ(backlog.end_offset(), stream.size());
    EXPECT_EQ(backlog.held(), min_backlog_size);
    EXPECT_EQ(backlog.first_offset(), stream.size() - min_backlog_size + 1);
    // Every offset still held gives exactly the stream's tail from there.
    for (const std::uint64_t from : {backlog.first_offset(), backlog.first_offset() + 1,
                                     backlog.end_offset() - 7, backlog.end_offset() + 1}) {
        EXPECT_EQ(backlog.since(from), stream.substr(from - 1)) << "from " << from;
    }
    EXPECT_EQ(backlog.since(backlog.first_offset() - 1), std::nullopt);  // dropped already
}

TEST(Backlog, AnAppendLargerThanTheCapacityKeepsItsEnd) {
    Backlog backlog{min_backlog_size, 0};
    backlog.append("old");
    const std::string big(min_backlog_size + 10, 'x');
    backlog.append(big + "END");
    EXPECT_EQ(backlog.end_offset(), 3 + big.size() + 3);
    EXPECT_EQ(backlog.held(), min_backlog_size);
    const auto tail = backlog.since(backlog.end_offset() - 2);
    EXPECT_EQ(tail, "END");
}

TEST(Backlog, ResizeKeepsTheNewestBytesThatFit) {
    Backlog backlog{4 * min_backlog_size, 0};
    std::string stream;
    for (int i = 0; stream.size() < 3 * min_backlog_size; ++i) {
        const std::string part = std::to_string(i) + ",";
        stream += part;
        backlog.append(part);
    }
    backlog.resize(min_backlog_size);  // smaller: only the newest 16 KiB stay
    EXPECT_EQ(backlog.end_offset(), stream.size());
    EXPECT_EQ(backlog.held(), min_backlog_size);
    EXPECT_EQ(backlog.since(backlog.first_offset()),
              stream.substr(stream.size() - min_backlog_size));
    backlog.resize(8 * min_backlog_size);  // larger: everything held stays, room for more
    EXPECT_EQ(backlog.held(), min_backlog_size);
    backlog.append("more");
    EXPECT_EQ(backlog.since(backlog.end_offset() - 3), "more");
}

}  // namespace
