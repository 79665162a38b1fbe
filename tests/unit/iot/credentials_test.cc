#include "iot/credentials.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rampart::iot {
namespace {

//! The error AddYaml gives for `yaml` (and checks that it failed).
std::string ErrorOf(const std::string& yaml) {
  CredentialList list;
  std::string error;
  EXPECT_FALSE(list.AddYaml(yaml, "test.yaml", &error)) << yaml;
  EXPECT_EQ(list.size(), 0u);
  return error;
}

const DefaultCredential* Find(const CredentialList& list, std::string_view user,
                              std::string_view password) {
  const int index = list.Match(user, password);
  return index < 0 ? nullptr : &list.entry(static_cast<size_t>(index));
}

TEST(CredentialListTest, BuiltinHasTheMiraiTableWithItsWeights) {
  const CredentialList list = CredentialList::Builtin();
  size_t mirai = 0;
  uint32_t weight = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list.entry(i).source == "mirai") {
      ++mirai;
      weight += list.entry(i).weight;
    }
  }
  // 62 rows in scanner.c, rows 31 and 32 are the same pair: 61 pairs; the draw total is 152.
  EXPECT_EQ(mirai, 61u);
  EXPECT_EQ(weight, 152u);

  struct Spot {
    const char* user;
    const char* password;
    uint32_t weight;
  };
  const Spot spots[] = {
      {"root", "xc3511", 10},
      {"root", "vizxv", 9},
      {"admin", "admin", 7},
      {"Administrator", "meinsm", 1},  // row 27 decodes to meinsm, not the comment's "admin"
      {"admin", "4321", 1},            // row 58 decodes to 4321, not the comment's "1234"
      {"admin", "1234", 1},
      {"root", "", 4},
      {"admin", "", 3},
      {"guest", "12345", 2},  // rows 31 + 32
      {"root", "anko", 4},
      {"root", "zlxx.", 1},
      {"666666", "666666", 1},
      {"root", "00000000", 1},
      {"mother", "fucker", 1},
  };
  for (const Spot& spot : spots) {
    const DefaultCredential* c = Find(list, spot.user, spot.password);
    ASSERT_NE(c, nullptr) << spot.user << "/" << spot.password;
    EXPECT_EQ(c->source, "mirai") << spot.user << "/" << spot.password;
    EXPECT_EQ(c->weight, spot.weight) << spot.user << "/" << spot.password;
  }
  // The undecoded source comments are not in the list as Mirai pairs.
  EXPECT_EQ(list.Match("Administrator", "admin"), -1);
}

TEST(CredentialListTest, BuiltinVendorDefaultsAreSourcedAndDistinct) {
  const CredentialList list = CredentialList::Builtin();
  size_t vendor_entries = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const DefaultCredential& c = list.entry(i);
    SCOPED_TRACE(c.user + "/" + c.password);
    ASSERT_EQ(list.sources().count(c.source), 1u) << c.source;
    for (const std::string& id : list.also_sources(i)) {
      EXPECT_EQ(list.sources().count(id), 1u) << id;
      EXPECT_NE(id, c.source);
    }
    // Each pair once: the lookup finds this very entry.
    EXPECT_EQ(list.Match(c.user, c.password), static_cast<int>(i));
    EXPECT_FALSE(c.user.empty());
    EXPECT_LE(c.user.size(), CredentialList::kMaxUserBytes);
    EXPECT_LE(c.password.size(), CredentialList::kMaxPasswordBytes);
    if (c.source != "mirai") {
      ++vendor_entries;
      EXPECT_EQ(c.weight, 1u);
      EXPECT_FALSE(c.vendor.empty());
    }
  }
  EXPECT_GE(vendor_entries, 30u);
  EXPECT_LE(vendor_entries, 80u);
  for (const auto& [id, description] : list.sources()) {
    EXPECT_NE(description.find("http"), std::string::npos) << id << " has no URL";
  }
  // A few vendor pairs, and Mirai pairs that vendors also ship.
  const DefaultCredential* dahua = Find(list, "default", "default");
  ASSERT_NE(dahua, nullptr);
  EXPECT_EQ(dahua->vendor, "Dahua");
  const DefaultCredential* pi = Find(list, "pi", "raspberry");
  ASSERT_NE(pi, nullptr);
  EXPECT_EQ(pi->weight, 1u);
  const int axis = list.Match("root", "pass");
  ASSERT_GE(axis, 0);
  EXPECT_EQ(list.entry(static_cast<size_t>(axis)).source, "mirai");
  EXPECT_EQ(list.also_sources(static_cast<size_t>(axis)), std::vector<std::string>{"axis"});
}

TEST(CredentialListTest, EmbeddedTextIsTheDataFile) {
  std::ifstream file(std::string(RAMPART_SOURCE_DIR) + "/data/default_credentials.yaml",
                     std::ios::binary);
  ASSERT_TRUE(file.good());
  std::ostringstream text;
  text << file.rdbuf();
  EXPECT_EQ(BuiltinDefaultCredentialsYaml(), text.str());
}

TEST(CredentialListTest, MatchIsExactAndCaseSensitive) {
  const CredentialList list = CredentialList::Builtin();
  EXPECT_GE(list.Match("root", "xc3511"), 0);
  EXPECT_EQ(list.Match("Root", "xc3511"), -1);
  EXPECT_EQ(list.Match("root", "XC3511"), -1);
  EXPECT_EQ(list.Match("root", "xc351"), -1);
  EXPECT_EQ(list.Match("root", "xc3511 "), -1);
  EXPECT_EQ(list.Match("root ", "xc3511"), -1);
  EXPECT_EQ(list.Match("", ""), -1);
  // The empty password is a password of its own.
  const int empty = list.Match("root", "");
  ASSERT_GE(empty, 0);
  EXPECT_EQ(list.entry(static_cast<size_t>(empty)).password, "");
  EXPECT_EQ(list.Match("root", std::string_view("\0", 1)), -1);
  // The user/password boundary cannot be moved with an embedded NUL.
  EXPECT_EQ(list.Match(std::string_view("root\0xc3511", 11), ""), -1);
  EXPECT_EQ(list.Match(std::string(1000, 'a'), "x"), -1);
  EXPECT_EQ(list.Match("root", std::string(1000, 'a')), -1);
}

TEST(CredentialListTest, HasUser) {
  CredentialList list = CredentialList::Builtin();
  EXPECT_TRUE(list.HasUser("root"));
  EXPECT_TRUE(list.HasUser("admin"));
  EXPECT_TRUE(list.HasUser("Administrator"));
  EXPECT_TRUE(list.HasUser("666666"));
  EXPECT_FALSE(list.HasUser("Root"));
  EXPECT_FALSE(list.HasUser("nobody"));
  EXPECT_FALSE(list.HasUser(""));
  list.Add({"nobody", "x", 1, "local", ""});
  EXPECT_TRUE(list.HasUser("nobody"));
}

TEST(CredentialListTest, AddMergesDuplicates) {
  CredentialList list;
  list.Add({"root", "x", 3, "a", ""});
  list.Add({"root", "y", 1, "a", ""});
  list.Add({"root", "x", 5, "b", "Vendor"});
  list.Add({"root", "x", 2, "a", "Other"});
  list.Add({"root", "x", 1, "b", ""});
  ASSERT_EQ(list.size(), 2u);
  const DefaultCredential& c = list.entry(0);
  EXPECT_EQ(c.source, "a");
  EXPECT_EQ(c.weight, 5u);        // the larger weight
  EXPECT_EQ(c.vendor, "Vendor");  // the first vendor given
  EXPECT_EQ(list.also_sources(0), std::vector<std::string>{"b"});
  EXPECT_TRUE(list.also_sources(1).empty());
  EXPECT_EQ(list.Match("root", "x"), 0);
  EXPECT_EQ(list.Match("root", "y"), 1);
}

TEST(CredentialListTest, AddYamlDefaultsSourceToOriginAndMergesIntoBuiltin) {
  CredentialList list = CredentialList::Builtin();
  const size_t before = list.size();
  std::string error;
  ASSERT_TRUE(
      list.AddYaml("credentials:\n"
                   "  - {user: admin, password: admin}\n"
                   "  - user: operator1\n"
                   "    password: \"\"\n"
                   "    weight: 7\n"
                   "    vendor: Acme\n",
                   "site.yaml", &error))
      << error;
  EXPECT_EQ(list.size(), before + 1);
  ASSERT_EQ(list.sources().count("site.yaml"), 1u);
  EXPECT_EQ(list.sources().at("site.yaml"), "loaded from site.yaml");

  const int admin = list.Match("admin", "admin");
  ASSERT_GE(admin, 0);
  EXPECT_EQ(list.entry(static_cast<size_t>(admin)).source, "mirai");
  EXPECT_EQ(list.entry(static_cast<size_t>(admin)).weight, 7u);
  const std::vector<std::string>& also = list.also_sources(static_cast<size_t>(admin));
  EXPECT_NE(std::find(also.begin(), also.end(), "site.yaml"), also.end());

  const DefaultCredential* added = Find(list, "operator1", "");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->source, "site.yaml");
  EXPECT_EQ(added->weight, 7u);
  EXPECT_EQ(added->vendor, "Acme");
  EXPECT_TRUE(list.HasUser("operator1"));
}

TEST(CredentialListTest, AddYamlWithSourcesAndAlso) {
  CredentialList list;
  std::string error;
  ASSERT_TRUE(
      list.AddYaml("sources:\n"
                   "  lab: \"our lab, https://example.org/lab\"\n"
                   "  manual: \"the manual, https://example.org/manual\"\n"
                   "credentials:\n"
                   "  - {user: u, password: p, source: lab, also: [manual]}\n"
                   "  - {user: \"0001\", password: 0002, weight: 1000}\n",
                   "x.yaml", &error))
      << error;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.entry(0).source, "lab");
  EXPECT_EQ(list.also_sources(0), std::vector<std::string>{"manual"});
  // Numbers stay text as written (leading zeros kept).
  EXPECT_EQ(list.Match("0001", "0002"), 1);
  EXPECT_EQ(list.entry(1).weight, 1000u);
  EXPECT_EQ(list.entry(1).source, "x.yaml");
  EXPECT_EQ(list.sources().size(), 3u);
}

TEST(CredentialListTest, AddYamlErrorsHaveLineAndColumn) {
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - {user: a, password: b}\n"
                    "  - {user: c, password: d}\n"
                    "  - {password: e}\n"),
            "line 4, column 5: credentials[2] has no 'user'");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - user: root\n"
                    "    pasword: xc3511\n"),
            "line 3, column 5: credentials[0]: unknown key 'pasword' (expected user, password, "
            "weight, source, vendor, also)");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - {user: root}\n"),
            "line 2, column 5: credentials[0] has no 'password' (write password: \"\" for an "
            "empty one)");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - {user: root, password: }\n"),
            "line 2, column 28: credentials[0].password has no value (write \"\" for empty)");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - {user: \"\", password: x}\n"),
            "line 2, column 12: credentials[0].user is empty");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - {user: [a], password: x}\n"),
            "line 2, column 12: credentials[0].user must be text");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - root\n"),
            "line 2, column 5: credentials[0] must be a map like {user: root, password: xc3511}");
  EXPECT_EQ(ErrorOf("credentials:\n"
                    "  - {user: a, password: b, user: c}\n"),
            "line 2, column 28: credentials[0]: duplicate key 'user'");
}

TEST(CredentialListTest, AddYamlRejectsBadWeights) {
  for (const char* weight : {"0", "1001", "-1", "1.5", "abc", "\"\"", "1e2", "4294967297"}) {
    const std::string error = ErrorOf(std::string("credentials:\n  - {user: a, password: b, "
                                                  "weight: ") +
                                      weight + "}\n");
    EXPECT_EQ(error.rfind("line 2, column 36: credentials[0].weight is '", 0), 0u) << error;
    EXPECT_NE(error.find("it must be a whole number from 1 to 1000"), std::string::npos) << error;
  }
  EXPECT_EQ(ErrorOf("credentials:\n  - {user: a, password: b, weight: [1]}\n"),
            "line 2, column 36: credentials[0].weight must be a whole number from 1 to 1000");
}

TEST(CredentialListTest, AddYamlRejectsLongAndUnsafeText) {
  const std::string ok_user(63, 'u');
  const std::string ok_password(127, 'p');
  CredentialList list;
  std::string error;
  EXPECT_TRUE(list.AddYaml(
      "credentials:\n  - {user: " + ok_user + ", password: " + ok_password + "}\n", "t", &error))
      << error;
  EXPECT_GE(list.Match(ok_user, ok_password), 0);

  EXPECT_EQ(ErrorOf("credentials:\n  - {user: " + ok_user + "u, password: x}\n"),
            "line 2, column 12: credentials[0].user is longer than 63 bytes");
  EXPECT_EQ(ErrorOf("credentials:\n  - {user: u, password: " + ok_password + "p}\n"),
            "line 2, column 25: credentials[0].password is longer than 127 bytes");
  EXPECT_EQ(ErrorOf("credentials:\n  - {user: \"a\\0b\", password: x}\n"),
            "line 2, column 12: credentials[0].user contains a NUL, CR or LF");
  EXPECT_EQ(ErrorOf("credentials:\n  - {user: a, password: \"x\\r\\n\"}\n"),
            "line 2, column 25: credentials[0].password contains a NUL, CR or LF");
}

TEST(CredentialListTest, AddYamlRejectsBadDocuments) {
  // Not YAML.
  const std::string syntax = ErrorOf("credentials: [\n  {user: a, password: b\n");
  EXPECT_EQ(syntax.rfind("line ", 0), 0u) << syntax;
  EXPECT_NE(syntax.find("YAML syntax error"), std::string::npos) << syntax;
  // Not a list.
  EXPECT_EQ(ErrorOf("credentials:\n  user: root\n  password: xc3511\n"),
            "line 2, column 3: 'credentials' must be a list");
  EXPECT_EQ(ErrorOf("credentials: root\n"), "line 1, column 14: 'credentials' must be a list");
  // Not a map at the top.
  EXPECT_EQ(ErrorOf("- {user: a, password: b}\n"),
            "line 1, column 1: the document must be a map with 'sources' (optional) and "
            "'credentials'");
  EXPECT_EQ(ErrorOf("# nothing\n"), "the document is empty; expected a 'credentials' list");
  EXPECT_EQ(ErrorOf("sources: {a: b}\n"), "line 1, column 1: no 'credentials' list");
  EXPECT_EQ(ErrorOf("credential:\n  - {user: a, password: b}\n"),
            "line 1, column 1: unknown key 'credential' (expected sources, credentials)");
  // Sources.
  EXPECT_EQ(ErrorOf("credentials:\n  - {user: a, password: b, source: nowhere}\n"),
            "line 2, column 36: credentials[0].source: unknown source 'nowhere' (define it "
            "under 'sources')");
  EXPECT_EQ(ErrorOf("credentials:\n  - {user: a, password: b, also: [nowhere]}\n"),
            "line 2, column 35: credentials[0].also: unknown source 'nowhere' (define it under "
            "'sources')");
  EXPECT_EQ(ErrorOf("sources: [a]\ncredentials: []\n"),
            "line 1, column 10: 'sources' must be a map of source id to description");
  EXPECT_EQ(ErrorOf("sources:\n  \"a b\": x\ncredentials: []\n"),
            "line 2, column 3: a source id is 1 to 64 printable characters without spaces, "
            "commas or brackets");
  // A second document.
  const std::string second = ErrorOf("credentials: []\n---\ncredentials: []\n");
  EXPECT_EQ(second.rfind("line 2, column 1: ", 0), 0u) << second;
  // Bigger than 4 MiB.
  EXPECT_EQ(ErrorOf(std::string((size_t{4} << 20) + 1, '#')),
            "larger than 4 MiB; not a credential list");
}

TEST(CredentialListTest, AddYamlAddsNothingOnError) {
  CredentialList list = CredentialList::Builtin();
  const size_t size = list.size();
  const size_t sources = list.sources().size();
  std::string error;
  EXPECT_FALSE(
      list.AddYaml("sources: {new: \"https://example.org\"}\n"
                   "credentials:\n"
                   "  - {user: fresh, password: one, source: new}\n"
                   "  - {user: admin, password: admin, weight: 999}\n"
                   "  - {user: fresh, password: two, weight: 0}\n",
                   "bad.yaml", &error));
  EXPECT_EQ(error.rfind("line 5, ", 0), 0u) << error;
  EXPECT_EQ(list.size(), size);
  EXPECT_EQ(list.sources().size(), sources);
  EXPECT_EQ(list.Match("fresh", "one"), -1);
  EXPECT_FALSE(list.HasUser("fresh"));
  EXPECT_EQ(list.entry(static_cast<size_t>(list.Match("admin", "admin"))).weight, 7u);
}

TEST(CredentialListTest, AddYamlNeverThrows) {
  const char* inputs[] = {
      ",",
      "[[[[",
      "{",
      "\t",
      "*unknown",
      "&a [*a, *a]",
      "credentials: *x",
      ":\n:\n:",
      "? [a]\n: b\n",
      "credentials: !!binary x",
      "\xff\xfe",
      "%YAML 9.9\n---\n",
      "credentials:\n  - {? [a] : b}\n",
  };
  for (const char* input : inputs) {
    CredentialList list;
    std::string error;
    bool ok = true;
    EXPECT_NO_THROW(ok = list.AddYaml(input, "fuzz", &error)) << input;
    EXPECT_FALSE(ok) << input;
    EXPECT_FALSE(error.empty()) << input;
  }
}

}  // namespace
}  // namespace rampart::iot
