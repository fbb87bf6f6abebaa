// The event-loop connection's input buffer: reads land at the end, commands are consumed from
// the front, a partial command survives compaction and growth. Introduced in lab 7.
#include "async/input_buffer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

namespace {

using async::InputBuffer;

// Writes `bytes` where a read would, as a socket read does.
void receive(InputBuffer& buffer, std::string_view bytes, std::size_t wanted = 16) {
    const auto space = buffer.space(std::max(wanted, bytes.size()));
    ASSERT_GE(space.size(), bytes.size());
    std::memcpy(space.data(), bytes.data(), bytes.size());
    buffer.commit(bytes.size());
}

TEST(InputBuffer, StartsEmptyAndShowsWhatWasReceived) {
    InputBuffer buffer;
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.data(), "");
    receive(buffer, "PING\r\n");
    EXPECT_EQ(buffer.size(), 6U);
    EXPECT_EQ(buffer.data(), "PING\r\n");
}

TEST(InputBuffer, ConsumesFromTheFront) {
    InputBuffer buffer;
    receive(buffer, "PING\r\nECHO x\r\n");
    buffer.consume(6);
    EXPECT_EQ(buffer.data(), "ECHO x\r\n");
    buffer.consume(8);
    EXPECT_TRUE(buffer.empty());
}

TEST(InputBuffer, AHalfCommandKeepsItsBytesWhenTheBufferIsCompacted) {
    InputBuffer buffer;
    const std::string whole(100, 'a');
    receive(buffer, whole + "*2\r\n$3\r\nGET", 128);
    const std::size_t capacity = buffer.capacity();
    buffer.consume(whole.size());
    // Asking for most of the capacity forces the unconsumed bytes to move to the front.
    receive(buffer, "\r\n$1\r\nk\r\n", capacity - 20);
    EXPECT_EQ(buffer.data(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(InputBuffer, GrowsForABigCommandAndKeepsEveryByte) {
    InputBuffer buffer;
    std::string big;
    for (int i = 0; i < 100'000; ++i)
        big.push_back(static_cast<char>('a' + i % 26));
    for (std::size_t at = 0; at < big.size(); at += 1000) {
        receive(buffer, std::string_view{big}.substr(at, 1000), 16 * 1024);
    }
    EXPECT_EQ(buffer.data(), big);
    EXPECT_GE(buffer.capacity(), big.size());
}

TEST(InputBuffer, ABigBufferIsFreedOnceEmptyButASmallOneIsKept) {
    InputBuffer small;
    receive(small, "PING\r\n", 16 * 1024);
    small.consume(6);
    small.shrink_if_idle();
    EXPECT_EQ(small.capacity(), 16U * 1024);

    InputBuffer big;
    receive(big, std::string(200'000, 'x'));
    big.shrink_if_idle();  // not empty: kept
    EXPECT_GE(big.capacity(), 200'000U);
    big.consume(200'000);
    big.shrink_if_idle();
    EXPECT_EQ(big.capacity(), 0U);
    receive(big, "PING\r\n");  // and it works again
    EXPECT_EQ(big.data(), "PING\r\n");
}

}  // namespace
