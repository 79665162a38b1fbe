// CaptureReader streaming from a pipe, PcapWriter written files read back, and CaptureSet merging
// several files in timestamp order.
#include "capture/capture_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "capture/capture_set.h"
#include "capture/pcap_writer.h"
#include "capture_test_util.h"

namespace rampart::capture_test {
namespace {

// ---------------------------------------------------------------------------------------------
// Streaming from a pipe

//! Writes `bytes` into a pipe from another thread, in pieces of `chunk` bytes, while the caller
//! reads it as "/dev/fd/N" (which InputBuffer cannot map).
class PipeFeed {
 public:
  PipeFeed(std::vector<uint8_t> bytes, size_t chunk) : bytes_(std::move(bytes)) {
    if (pipe2(fds_, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << std::strerror(errno);
      return;
    }
    writer_ = std::thread([this, chunk] {
      size_t done = 0;
      while (done < bytes_.size()) {
        const size_t n = std::min(chunk, bytes_.size() - done);
        const ssize_t wrote = ::write(fds_[1], bytes_.data() + done, n);
        if (wrote < 0 && errno == EINTR) {
          continue;
        }
        if (wrote <= 0) {
          break;
        }
        done += static_cast<size_t>(wrote);
      }
      ::close(fds_[1]);
    });
  }
  ~PipeFeed() {
    if (writer_.joinable()) {
      // Drain whatever the reader left so the writer can finish, then wait for it.
      uint8_t sink[65536];
      while (::read(fds_[0], sink, sizeof sink) > 0) {
      }
      writer_.join();
    }
    ::close(fds_[0]);
  }
  PipeFeed(const PipeFeed&) = delete;
  PipeFeed& operator=(const PipeFeed&) = delete;

  std::string Path() const { return "/dev/fd/" + std::to_string(fds_[0]); }

 private:
  std::vector<uint8_t> bytes_;
  int fds_[2] = {-1, -1};
  std::thread writer_;
};

TEST(CaptureReaderPipe, StreamsRecordsLargerThanOneRead) {
  // 200 KiB is more than a pipe holds; 5 MiB is more than the reader's 4 MiB chunk.
  const std::vector<Record> records = {
      {10, 1, Pattern(60, 1), 0},      {10, 2, Pattern(200'000, 2), 0},
      {10, 3, Pattern(5 << 20, 3), 0}, {10, 4, Pattern(70'000, 4), 0},
      {10, 5, Pattern(100, 5), 200},   {10, 6, Pattern(3'000'000, 6), 0},
  };
  const std::vector<uint8_t> file = PcapFile(kMagicNano, true, 1, records, 8 << 20);
  PipeFeed feed(file, 3000);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.Open(feed.Path(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(packets[i].ts_ns, 10 * kNanosPerSecond + records[i].fraction);
    EXPECT_TRUE(packets[i].data == records[i].data);
  }
  const CaptureFileFacts& facts = reader.facts();
  EXPECT_EQ(facts.damage.status, CaptureStatus::kOk) << facts.damage.reason;
  EXPECT_EQ(facts.file_size, 0u);  // a stream has no known size
  EXPECT_EQ(facts.cut_by_snaplen, 1u);
  EXPECT_EQ(facts.format, "pcap-nsec");
  EXPECT_TRUE(facts.big_endian);
  EXPECT_EQ(reader.BytesConsumed(), file.size());
}

TEST(CaptureReaderPipe, TruncatedStreamReportsTheCutRecord) {
  std::vector<Record> records;
  for (uint8_t i = 0; i < 50; ++i) {
    records.push_back({20, i, Pattern(100'000, i), 0});
  }
  std::vector<uint8_t> file = PcapFile(kMagicMicro, false, 1, records, 262144);
  const size_t record_size = 16 + 100'000;
  file.resize(24 + 37 * record_size + 16 + 5'000);  // 5000 bytes of record 37's data
  PipeFeed feed(file, 65536);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.Open(feed.Path(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 37u);
  EXPECT_EQ(packets[36].data, Pattern(100'000, 36));
  const CaptureDamage& damage = reader.facts().damage;
  EXPECT_EQ(damage.status, CaptureStatus::kTruncated);
  EXPECT_EQ(damage.byte_offset, 24 + 37 * record_size);
  EXPECT_EQ(damage.packet_index, 37u);
  EXPECT_NE(damage.reason.find("5000 of 100000"), std::string::npos) << damage.reason;
}

TEST(CaptureReaderPipe, StreamsPcapng) {
  PcapngWriter w(true);
  w.Section().Interface(1, 0, 9);
  for (uint8_t i = 0; i < 8; ++i) {
    w.Enhanced(0, 1'000'000'000ull * i, Pattern(i % 2 == 0 ? 90'000 : 61, i));
  }
  PipeFeed feed(w.bytes(), 4096);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.Open(feed.Path(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 8u);
  for (uint8_t i = 0; i < 8; ++i) {
    SCOPED_TRACE(static_cast<int>(i));
    EXPECT_EQ(packets[i].ts_ns, static_cast<int64_t>(i) * kNanosPerSecond);
    EXPECT_TRUE(packets[i].data == Pattern(i % 2 == 0 ? 90'000 : 61, i));
  }
  EXPECT_EQ(reader.facts().damage.status, CaptureStatus::kOk);
  EXPECT_EQ(reader.BytesConsumed(), w.bytes().size());
}

// ---------------------------------------------------------------------------------------------
// PcapWriter and CaptureSet

TEST(PcapWriter, RoundTripsThroughTheReader) {
  TempDir dir;
  const std::string path = dir.Write("written.pcap", {});
  PcapWriter writer;
  std::string error;
  ASSERT_TRUE(writer.Open(path, 101, 128, &error)) << error;
  const std::vector<uint8_t> a = Pattern(40, 1);
  const std::vector<uint8_t> b = Pattern(128, 2);
  ASSERT_TRUE(writer.Write(3 * kNanosPerSecond + 123'456'789, a.data(), 40));
  ASSERT_TRUE(writer.Write(4 * kNanosPerSecond + 1, b.data(), 128, 1500));
  ASSERT_TRUE(writer.Close());

  CaptureReader reader;
  ASSERT_TRUE(reader.Open(path, &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].ts_ns, 3 * kNanosPerSecond + 123'456'789);
  EXPECT_EQ(packets[0].data, a);
  EXPECT_EQ(packets[0].link_type, 101);
  EXPECT_EQ(packets[1].ts_ns, 4 * kNanosPerSecond + 1);
  EXPECT_EQ(packets[1].wire_len, 1500u);
  EXPECT_EQ(reader.facts().format, "pcap-nsec");
  EXPECT_EQ(reader.facts().snaplen, 128u);
  EXPECT_EQ(reader.facts().cut_by_snaplen, 1u);
}

std::string WriteCapture(const TempDir& dir, const std::string& name,
                         const std::vector<std::pair<TimestampNs, uint8_t>>& packets) {
  const std::string path = dir.Write(name, {});
  PcapWriter writer;
  std::string error;
  EXPECT_TRUE(writer.Open(path, 1, 65535, &error)) << error;
  for (const auto& [ts, tag] : packets) {
    const std::vector<uint8_t> data = Pattern(60, tag);
    EXPECT_TRUE(writer.Write(ts, data.data(), static_cast<uint32_t>(data.size())));
  }
  EXPECT_TRUE(writer.Close());
  return path;
}

TEST(CaptureSet, MergesFilesInTimestampOrderTiesToTheEarlierFile) {
  TempDir dir;
  const std::string a = WriteCapture(dir, "a.pcap", {{100, 1}, {300, 2}, {500, 3}, {500, 4}});
  const std::string b =
      WriteCapture(dir, "b.pcap", {{200, 11}, {300, 12}, {400, 13}, {500, 14}, {600, 15}});
  CaptureSet set;
  std::string error;
  ASSERT_TRUE(set.Open({a, b}, &error)) << error;
  std::vector<uint8_t> tags;
  std::vector<TimestampNs> times;
  RawPacket raw;
  while (set.Next(raw)) {
    ASSERT_EQ(raw.cap_len, 60u);
    tags.push_back(raw.data[0]);
    times.push_back(raw.ts_ns);
  }
  EXPECT_EQ(tags, (std::vector<uint8_t>{1, 11, 2, 12, 13, 3, 4, 14, 15}));
  EXPECT_EQ(times, (std::vector<TimestampNs>{100, 200, 300, 300, 400, 500, 500, 500, 600}));
  EXPECT_FALSE(set.Next(raw));
  ASSERT_EQ(set.readers().size(), 2u);
  EXPECT_EQ(set.readers()[0]->facts().packets, 4u);
  EXPECT_EQ(set.readers()[1]->facts().packets, 5u);
  EXPECT_EQ(set.TotalBytes(), std::filesystem::file_size(a) + std::filesystem::file_size(b));
  EXPECT_EQ(set.BytesConsumed(), set.TotalBytes());
}

TEST(CaptureSet, OpenFailureNamesTheFile) {
  TempDir dir;
  const std::string a = WriteCapture(dir, "a.pcap", {{1, 1}});
  const std::string bad = dir.Write("bad.pcap", {'n', 'o', 'p', 'e', '!'});
  CaptureSet set;
  std::string error;
  EXPECT_FALSE(set.Open({a, bad}, &error));
  EXPECT_EQ(error.rfind(bad + ": ", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

}  // namespace
}  // namespace rampart::capture_test
