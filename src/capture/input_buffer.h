#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rampart {

//! A forward-only window over a capture's bytes. A regular file is mapped whole (reading then
//! costs nothing beyond the page cache); a pipe or standard input is read in large chunks.
//!
//! Contract: a pointer returned by Peek() stays valid until the next Peek() that has to read more
//! (streams only); a mapped file or memory buffer keeps every pointer valid until destruction.
class InputBuffer {
 public:
  //! Opens `path` ("-" is standard input). On failure returns nullptr and sets `error`.
  static std::unique_ptr<InputBuffer> Open(const std::string& path, std::string* error);
  //! Wraps bytes the caller owns (fuzzers, tests). Nothing is copied.
  static std::unique_ptr<InputBuffer> FromMemory(const uint8_t* data, size_t size);

  ~InputBuffer();
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  //! Pointer to `n` bytes at the current position, or nullptr when fewer than `n` remain.
  const uint8_t* Peek(size_t n) {
    if (size_ - pos_ >= n) {
      return data_ + pos_;
    }
    return Refill(n);
  }
  void Advance(size_t n) { pos_ += n; }
  //! Byte offset of the current position from the start of the input.
  uint64_t Offset() const { return base_offset_ + pos_; }
  //! Bytes left that are known to exist (after a failed Peek: everything up to end of input).
  size_t Buffered() const { return size_ - pos_; }
  //! Total size when known (regular files and memory), 0 for streams.
  uint64_t TotalSize() const { return total_size_; }

 private:
  InputBuffer() = default;
  const uint8_t* Refill(size_t n);

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  uint64_t base_offset_ = 0;
  uint64_t total_size_ = 0;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool mapped_ = false;
  bool eof_ = false;
  std::vector<uint8_t> stream_buffer_;
};

}  // namespace rampart
