#include "flow/flow_record.h"

namespace rampart::flow {

std::string_view FlowProtocolName(FlowProtocol protocol) {
  switch (protocol) {
    case FlowProtocol::kNetflowV5:
      return "netflow_v5";
    case FlowProtocol::kNetflowV9:
      return "netflow_v9";
    case FlowProtocol::kIpfix:
      return "ipfix";
    case FlowProtocol::kSflowV5:
      return "sflow_v5";
  }
  return "unknown";
}

}  // namespace rampart::flow
