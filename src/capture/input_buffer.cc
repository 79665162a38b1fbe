#include "capture/input_buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rampart {
namespace {
constexpr size_t kStreamChunk = 4 << 20;  // large reads keep syscalls off the per-packet cost
constexpr size_t kMaxWindow = 256 << 20;  // refuse to buffer more than this for one record
constexpr off_t kPopulateMax = off_t{1} << 30;
}  // namespace

std::unique_ptr<InputBuffer> InputBuffer::Open(const std::string& path, std::string* error) {
  std::unique_ptr<InputBuffer> buffer(new InputBuffer());
  if (path == "-") {
    buffer->fd_ = STDIN_FILENO;
  } else {
    buffer->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (buffer->fd_ < 0) {
      *error = std::string("cannot open: ") + std::strerror(errno);
      return nullptr;
    }
    buffer->owns_fd_ = true;
  }
  struct stat st {};
  if (fstat(buffer->fd_, &st) != 0) {
    *error = std::string("cannot stat: ") + std::strerror(errno);
    return nullptr;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "is a directory";
    return nullptr;
  }
  if (S_ISREG(st.st_mode)) {
    buffer->total_size_ = static_cast<uint64_t>(st.st_size);
    if (st.st_size == 0) {
      buffer->eof_ = true;
      return buffer;
    }
    // Mapping a file of up to 1 GiB in one go costs far less than faulting it in page by page;
    // a larger one is faulted in as it is read, so processing starts at once.
    const int populate = st.st_size <= kPopulateMax ? MAP_POPULATE : 0;
    void* map = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | populate,
                     buffer->fd_, 0);
    if (map != MAP_FAILED) {
      madvise(map, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
      buffer->data_ = static_cast<const uint8_t*>(map);
      buffer->size_ = static_cast<size_t>(st.st_size);
      buffer->mapped_ = true;
      buffer->eof_ = true;
      return buffer;
    }
    // Fall through to streamed reads when mapping is refused.
  }
  buffer->stream_buffer_.resize(kStreamChunk);
  buffer->data_ = buffer->stream_buffer_.data();
  return buffer;
}

std::unique_ptr<InputBuffer> InputBuffer::FromMemory(const uint8_t* data, size_t size) {
  std::unique_ptr<InputBuffer> buffer(new InputBuffer());
  buffer->data_ = data;
  buffer->size_ = size;
  buffer->total_size_ = size;
  buffer->eof_ = true;
  return buffer;
}

InputBuffer::~InputBuffer() {
  if (mapped_) {
    munmap(const_cast<uint8_t*>(data_), size_);
  }
  if (owns_fd_ && fd_ >= 0) {
    ::close(fd_);
  }
}

const uint8_t* InputBuffer::Refill(size_t n) {
  if (eof_ || n > kMaxWindow) {
    return nullptr;
  }
  // Move the unread tail to the front, then read until `n` bytes are buffered or input ends.
  const size_t keep = size_ - pos_;
  if (pos_ > 0 && keep > 0) {
    std::memmove(stream_buffer_.data(), stream_buffer_.data() + pos_, keep);
  }
  base_offset_ += pos_;
  pos_ = 0;
  size_ = keep;
  if (stream_buffer_.size() < n) {
    stream_buffer_.resize(n + kStreamChunk);
  }
  data_ = stream_buffer_.data();
  while (size_ < n) {
    const ssize_t got = ::read(fd_, stream_buffer_.data() + size_, stream_buffer_.size() - size_);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      eof_ = true;
      return nullptr;
    }
    size_ += static_cast<size_t>(got);
  }
  return data_;
}

}  // namespace rampart
