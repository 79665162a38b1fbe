#pragma once
// 128-bit integers are a GCC/Clang extension; name them once, marked as such, for -Wpedantic.
namespace rampart {
__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;
}  // namespace rampart
