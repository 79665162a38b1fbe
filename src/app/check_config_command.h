#pragma once
#include <string>

namespace rampart {

//! `rampart check-config FILE`: validates a configuration. Prints "FILE: ok (…)" and returns 0,
//! or prints one "FILE:LINE:COLUMN: message" line per error and returns 1.
int RunCheckConfig(const std::string& path);

}  // namespace rampart
