#pragma once
// Gathers what one Analyzer saw into an AnalysisReport: shared by `rampart analyze` (once, at the
// end) and the live sensor's shards (once a second, with the attacks and DNS findings that
// changed). Never on the hot path.
#include <cstddef>
#include <vector>

#include "detect/attack.h"
#include "dnsmon/dns_findings.h"
#include "engine/analyzer.h"
#include "output/analysis_report.h"

namespace rampart {

//! Counters, the first `host_limit` hosts, `attacks`, and `dns_findings` (water tortures join the
//! attacks, numbered after the largest id; their inside clients become IoT evidence), the flow
//! collector's counters and the IoT findings. `files` is left to the caller. `earlier_attacks`
//! (the live sensor's recently ended ones, already published) are context for the IoT findings
//! only: a flood's spoofed sources are not scanners, its inside source is infected.
//! `iot_findings` false leaves `iot` unset (the live sensor gathers them less often: they cost a
//! pass over every flagged source).
AnalysisReport BuildAnalysisReport(const Analyzer& analyzer, size_t host_limit,
                                   std::vector<AttackRecord> attacks,
                                   std::vector<dnsmon::DnsFinding> dns_findings,
                                   const std::vector<AttackRecord>& earlier_attacks = {},
                                   bool iot_findings = true);

}  // namespace rampart
