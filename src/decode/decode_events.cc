#include "decode/decode_events.h"

namespace rampart {

std::string_view DecodeEventName(DecodeEvent event) {
  static constexpr std::string_view kNames[] = {
#define RAMPART_NAME(id, name) name,
      RAMPART_DECODE_EVENTS(RAMPART_NAME)
#undef RAMPART_NAME
  };
  const auto index = static_cast<size_t>(event);
  return index < kDecodeEventCount ? kNames[index] : "unknown";
}

}  // namespace rampart
